"""/search.atom: a search's newest results as an Atom feed, through the app, parsed as XML and
checked against /api/search."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from web.feed import rfc3339

A = "{http://www.w3.org/2005/Atom}"


def _feed(client, **params: object) -> ET.Element:
    response = client.get("/search.atom", params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    return ET.fromstring(response.content)


@pytest.mark.parametrize(
    "params",
    [{"q": "Aleppo"}, {"q": "Syria -Aleppo", "source": "SANA"}, {"q": "", "from": "2016"}],
)
def test_a_feed_is_the_newest_results_of_the_search(fakes_client, params):
    root = _feed(fakes_client, **params)
    api = fakes_client.get("/api/search", params={**params, "sort": "newest", "size": 50}).json()
    entries = root.findall(f"{A}entry")
    assert [e.find(f"{A}id").text.rsplit("/articles/", 1)[1] for e in entries] == [
        hit["id"] for hit in api["hits"]
    ]
    for entry, hit in zip(entries, api["hits"], strict=True):
        assert entry.find(f"{A}title").text == (hit["title"] or hit["id"])
        assert entry.find(f"{A}updated").text == (
            rfc3339(hit["date"]) or root.find(f"{A}updated").text
        )
        link = entry.find(f"{A}link[@rel='alternate']").get("href")
        assert link.startswith("http://testserver/articles/")
    # Newest first; the feed dated by its newest entry; links to itself and to the page.
    dates = [e.find(f"{A}updated").text for e in entries]
    assert dates == sorted(dates, reverse=True)
    assert root.find(f"{A}updated").text == dates[0]
    assert (
        root.find(f"{A}link[@rel='self']").get("href").startswith("http://testserver/search.atom")
    )
    assert root.find(f"{A}author/{A}name").text == "News Search"
    assert f"{api['total']:,} results" in root.find(f"{A}subtitle").text


def test_hostile_text_reaches_the_feed_escaped_and_well_formed(hostile_client):
    root = _feed(hostile_client, q="")
    titles = [e.find(f"{A}title").text for e in root.findall(f"{A}entry")]
    assert any("<script" in t for t in titles)  # carried as text, parsed back intact


@pytest.mark.parametrize(
    ("query", "message"),
    [("q=Aleppo&sort=relevance", "unknown parameter 'sort'"), ("q=Aleppo&page=2", "'page'")],
)
def test_a_bad_feed_request_gets_the_json_error_shape(fakes_client, query, message):
    response = fakes_client.get(f"/search.atom?{query}")
    assert response.status_code == 400
    assert message in response.json()["error"]


def test_every_results_page_links_its_feed(fakes_client):
    page = fakes_client.get("/search", params={"q": "Aleppo", "sort": "oldest", "page": 2}).text
    assert (
        '<link rel="alternate" type="application/atom+xml" '
        'title="The newest results of this search" href="/search.atom?q=Aleppo">'
    ) in page


def test_dates_are_written_as_atom_writes_them():
    assert rfc3339("2011-02-20") == "2011-02-20T00:00:00Z"
    assert rfc3339("1987-03-29T00:54:46") == "1987-03-29T00:54:46Z"
    assert rfc3339(None) is None
