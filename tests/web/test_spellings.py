"""/spellings and its JSON twin /api/spellings, through the app."""

from __future__ import annotations

import pytest


def test_the_page_shows_the_tables_its_json_twin_serves(fakes_client):
    api = fakes_client.get("/api/spellings", params={"q": "Aleppo"}).json()
    assert api["ok"] is True and api["rows"]
    page = fakes_client.get("/spellings", params={"q": "Aleppo"}).text
    assert '<link rel="alternate" type="application/json" href="/api/spellings?q=Aleppo">' in page
    for row in api["rows"]:
        shown = row["spelling"][:1].upper() + row["spelling"][1:]
        link = f"/search?q={row['spelling']}&amp;exact=1"
        assert f'<th scope="row"><a href="{link}">{shown}</a></th>' in page
        assert f"<td>{row['total']:,}</td>" in page
    for name in api["sources"][:12]:
        assert f'<th scope="col">{name or "(no source)"}</th>' in page


def test_the_results_page_links_the_spellings(fakes_client):
    page = fakes_client.get("/search", params={"q": "Aleppo", "from": "2016"}).text
    assert '<a href="/spellings?q=Aleppo&amp;from=2016-01-01">which outlet writes which' in page


@pytest.mark.parametrize("query", ["q=Aleppo&page=2", "q=Aleppo&sort=newest", "q=(Aleppo"])
def test_bad_parameters_get_the_json_error_shape(fakes_client, query):
    response = fakes_client.get(f"/api/spellings?{query}")
    assert response.status_code == 400
    assert response.json()["ok"] is False
    assert fakes_client.get(f"/spellings?{query}").status_code == 400


def test_also_matched_switches_a_spelling_off_and_on_again(fakes_client):
    api = fakes_client.get("/api/search", params={"q": "Aleppo"}).json()
    other = next(s for s in api["spellings"] if s != "aleppo")
    page = fakes_client.get("/search", params={"q": "Aleppo"}).text
    off_link = f"/search?q=Aleppo&amp;without={other}"
    assert f'<a class="switch" href="{off_link}"' in page
    without = fakes_client.get("/api/search", params={"q": "Aleppo", "without": other}).json()
    assert other not in without["spellings"]
    assert without["query"]["without"] == [other]
    assert without["total"] <= api["total"]  # (an article may write both)
    page = fakes_client.get("/search", params={"q": "Aleppo", "without": other}).text
    assert "Switched off:" in page
    assert '<a class="switch" href="/search?q=Aleppo">search it again</a>' in page


def test_an_article_reached_from_a_search_marks_what_it_matched_and_not_what_was_off(
    fakes_client,
):
    api = fakes_client.get("/api/search", params={"q": "Aleppo"}).json()
    other = next(s for s in api["spellings"] if s != "aleppo")
    found = fakes_client.get(
        "/api/search", params={"q": "Aleppo", "without": other, "size": 100}
    ).json()
    page = fakes_client.get("/search", params={"q": "Aleppo", "without": other}).text
    hit = found["hits"][0]
    link = f"/articles/{hit['id']}?q=Aleppo&amp;without={other}"
    assert f'<a href="{link}">' in page
    article = fakes_client.get(
        f"/api/articles/{hit['id']}", params={"q": "Aleppo", "without": other}
    ).json()
    assert article["without"] == [other]
    assert all(m.casefold() != other for m in article["matched"])
    back = fakes_client.get(f"/articles/{hit['id']}", params={"q": "Aleppo", "without": other})
    assert f'href="/search?q=Aleppo&amp;without={other}">← Results for Aleppo' in back.text
