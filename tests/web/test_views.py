"""Links that keep a search's state, dates for people, and the spellings shown as also matched."""

from __future__ import annotations

import pytest

from web.views import also_matched, article_url, human_date, search_url, toggle_source_url, web_url

QUERY = {"q": "Sadr", "page": 3, "size": 10, "sort": "relevance", "from": None, "to": None}


DATES = {"from": "2019-01-01", "to": "2019-12-31"}


def query(**changes):
    return {**QUERY, "source": [], **changes}


@pytest.mark.parametrize(
    ("echo", "changes", "url"),
    [
        (query(), {}, "/search?q=Sadr"),
        (query(), {"page": 2}, "/search?q=Sadr&page=2"),
        (query(sort="newest", size=50), {}, "/search?q=Sadr&sort=newest&size=50"),
        (query(q="", sort="newest"), {}, "/search"),
        (query(q="", sort="relevance"), {}, "/search?sort=relevance"),
        (query(**DATES), {}, "/search?q=Sadr&from=2019-01-01&to=2019-12-31"),
        (query(**DATES, source=["AP"]), {"dates": False, "sources": []}, "/search?q=Sadr"),
        (query(source=["AP", "Rudaw"]), {}, "/search?q=Sadr&source=AP&source=Rudaw"),
        (query(), {"q": 'Sadr "Mahdi Army" -x&y'}, "/search?q=Sadr+%22Mahdi+Army%22+-x%26y"),
    ],
)  # fmt: skip
def test_search_url_keeps_the_state_and_leaves_out_defaults(echo, changes, url):
    assert search_url(echo, **changes) == url


def test_toggling_a_source_adds_or_removes_it_and_goes_back_to_page_one():
    assert toggle_source_url(query(), "AP") == "/search?q=Sadr&source=AP"
    assert toggle_source_url(query(source=["AP", "Rudaw"]), "AP") == "/search?q=Sadr&source=Rudaw"
    # Sources are told apart by case (an archive may hold "Reuters" and "reuters").
    assert toggle_source_url(query(source=["ap"]), "AP") == "/search?q=Sadr&source=ap&source=AP"


def test_article_url_escapes_the_id_and_carries_the_query():
    assert article_url("a/b c?", {"q": "Sadr & co"}) == "/articles/a%2Fb%20c%3F?q=Sadr+%26+co"
    assert article_url("x1") == "/articles/x1"


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        ("2018-05-14", "14 May 2018"),
        ("2018-05-04T10:30:00", "4 May 2018"),
        (None, "undated"),
        ("garbage", "garbage"),
    ],
)
def test_human_date(value, shown):
    assert human_date(value) == shown


@pytest.mark.parametrize(
    ("value", "link"),
    [
        ("https://example.org/a", "https://example.org/a"),
        (" http://example.org ", "http://example.org"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<script>", None),
        ("//example.org/a", None),
        ("https:/nohost", None),
        ("", None),
        (None, None),
    ],
)
def test_web_url_links_only_http_addresses(value, link):
    assert web_url(value) == link


def test_also_matched_lists_the_other_spellings_as_written():
    response = {
        "query": {"q": 'Sayirun "Muqtada Sadr"'},
        "hits": [{"matched": ["Sairoon", "Sadr"]}, {"matched": ["SAIRUN"]}],
        "spellings": {"sairoon": 3, "sayirun": 1, "sairun": 2, "sadr": 9, "sa'irun": 1},
    }
    assert also_matched(response) == ["Sairoon", "SAIRUN", "Sa'irun"]
    response["query"]["q"] = "sayirun"
    assert also_matched(response)[-1] == "sa'irun"


def test_links_keep_exact_spelling_only():
    assert search_url(query(exact=True), page=2) == "/search?q=Sadr&exact=1&page=2"
    assert search_url(query(exact=True), exact=False) == "/search?q=Sadr"
    assert search_url(query(exact=False)) == "/search?q=Sadr"
    assert toggle_source_url(query(exact=True), "AP") == "/search?q=Sadr&source=AP&exact=1"
    assert article_url("x1", {"q": "Sadr", "exact": True}) == "/articles/x1?q=Sadr&exact=1"
    assert article_url("x1", {"q": "Sadr", "exact": False}) == "/articles/x1?q=Sadr"
    every = {"q": "Sadr", "sort": "newest", "from": "2018-01-01", "to": "2018-12-31"}
    every |= {"source": ["AP"], "size": 25, "page": 3, "without": ["sairun"]}
    assert article_url("x1", every) == (
        "/articles/x1?q=Sadr&sort=newest&from=2018-01-01&to=2018-12-31&source=AP&size=25"
        "&without=sairun&page=3"
    )
