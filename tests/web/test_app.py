"""Every route, parameter and error, through Starlette's test client over real indexes."""

from __future__ import annotations

import itertools
import json
import re
from html.parser import HTMLParser

import pytest
from starlette.testclient import TestClient

from search import Engine, SearchRequest, index_corpus
from search.rules import exact_form
from web import create_app


class Page(HTMLParser):
    """The parts of a page that tests look at."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def find(self, tag: str, **attrs: str) -> list[dict[str, str | None]]:
        return [
            a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())
        ]

    def links(self) -> list[str]:
        return [a["href"] or "" for t, a in self.tags if t == "a" and a.get("href")]


def plain(html: str) -> str:
    return re.sub(r"\s+", " ", "".join(Page(html).text))


# The home page ----------------------------------------------------------------------------------


def test_home_has_the_search_box_and_the_archive_size_and_dates(fakes_client):
    response = fakes_client.get("/")
    assert response.status_code == 200
    page = Page(response.text)
    assert page.find("form", role="search")
    assert page.find("label", **{"for": "q"}) and page.find("input", id="q", name="q")
    assert page.find("html", lang="en")
    text = plain(response.text)
    assert "793 articles from 15 sources, 2 February 2011 to 18 July 2018" in text
    assert page.find("link", rel="alternate", type="application/json", href="/api/info")


def test_a_query_given_to_the_home_page_goes_to_the_results(fakes_client):
    response = fakes_client.get("/?q=Aleppo&sort=newest", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/search?q=Aleppo&sort=newest"


def test_api_info_takes_no_parameters(fakes_client):
    response = fakes_client.get("/api/info?q=x")
    assert response.status_code == 400
    assert response.json()["error"] == "unknown parameter 'q'; this address takes none"


def test_api_info_is_the_home_pages_twin_without_server_paths(fakes_client):
    info = fakes_client.get("/api/info").json()
    assert info["ok"] is True and info["documents"] == 793
    assert info["date_from"] == "2011-02-02T00:00:00Z"
    assert info["date_to"] == "2018-07-18T00:00:00Z"
    assert "path" not in info and "paths" not in info


# Search results ---------------------------------------------------------------------------------


def test_sayirun_finds_both_seed_articles_with_every_spelling_marked(seeds_client):
    response = seeds_client.get("/search", params={"q": "Sayirun"})
    assert response.status_code == 200
    html = response.text
    assert "<title>2 results for Sayirun · News Search</title>" in html
    assert re.search(r"<h1[^>]*>2 results for <bdi>Sayirun</bdi></h1>", html)
    marks = set(re.findall(r"<mark>(.*?)</mark>", html))
    assert {"Sairoon", "Sairun", "Sayirun"} <= marks
    assert "Also matched:" in plain(html) and "Sairoon" in plain(html)
    page = Page(html)
    assert len(page.find("li", **{"class": "hit"})) == 2
    # The count is plain text under the heading; the status region is empty until keys.js
    # gives it the same count, so that screen readers announce it (tests/web/test_browser.py).
    assert re.search(r'<p class="summary">2 results <span class="took">', html)
    status = page.find("p", role="status", **{"aria-live": "polite"})
    assert [s["data-count"] for s in status] == ["2 results"]
    assert re.search(r'<p id="status"[^>]*></p>', html)


def test_api_search_is_exactly_what_the_cli_prints(seeds_client, seeds_index, run_cli):
    api = seeds_client.get("/api/search", params={"q": "Sayirun"}).json()
    cli = json.loads(run_cli("query", "--json", "--index", seeds_index, "Sayirun").stdout)
    api.pop("took_ms"), cli.pop("took_ms")
    assert api == cli


def test_the_page_renders_from_the_same_response_as_its_json_twin(fakes_client):
    params = {"q": "Assad", "sort": "newest", "size": "5", "page": "2"}
    page = fakes_client.get("/search", params=params)
    twin = Page(page.text).find("link", rel="alternate", type="application/json")[0]["href"]
    assert twin and twin.startswith("/api/search?")
    data = fakes_client.get(twin).json()
    assert data["query"] == {
        "q": "Assad",
        "page": 2,
        "size": 5,
        "sort": "newest",
        "from": None,
        "to": None,
        "source": [],
        "exact": False,
        "without": [],
        "collapse": True,
    }
    text = plain(page.text)
    for hit in data["hits"]:
        assert plain(hit["title_html"]) in text
    ranks = [int(x) for x in re.findall(r'<ol class="hits" start="(\d+)"', page.text)]
    assert ranks == [6]


def test_results_show_source_date_title_link_and_snippet(fakes_client):
    data = fakes_client.get("/api/search", params={"q": "Aleppo", "size": "3"}).json()
    html = fakes_client.get("/search", params={"q": "Aleppo", "size": "3"}).text
    for hit in data["hits"]:
        href = f"/articles/{hit['id']}?q=Aleppo&amp;size=3"
        assert f'href="{href}"' in html
        assert hit["source"] in html
    assert re.findall(r'<time datetime="(\d{4}-\d\d-\d\d)', html) == [
        h["date"][:10] for h in data["hits"]
    ]


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"q": "Aleppo", "sort": "newest"}, lambda d: d == sorted(d, reverse=True)),
        ({"q": "Aleppo", "sort": "oldest"}, lambda d: d == sorted(d)),
        ({"q": "Aleppo", "from": "2016", "to": "2016-06"}, lambda d: min(d) >= "2016-01"),
        ({"q": "Aleppo", "from": "2016", "to": "2016-06"}, lambda d: max(d) <= "2016-06-30"),
        ({"q": "", "source": "tass"}, lambda d: d == sorted(d, reverse=True)),
    ],
)
def test_sort_and_date_parameters(fakes_client, params, check):
    data = fakes_client.get("/api/search", params=params).json()
    dates = [h["date"][:10] for h in data["hits"]]
    assert dates and check(dates)


def test_relevance_by_default_with_query_text_newest_without(fakes_client):
    assert fakes_client.get("/api/search?q=Aleppo").json()["query"]["sort"] == "relevance"
    browse = fakes_client.get("/api/search").json()
    assert browse["query"]["sort"] == "newest" and browse["total"] == 793
    html = fakes_client.get("/search").text
    assert "<h1" in html and "793 articles" in plain(html)


def test_source_facets_count_and_toggle_the_filter(fakes_client):
    data = fakes_client.get("/api/search", params={"q": "Aleppo"}).json()
    html = fakes_client.get("/search", params={"q": "Aleppo"}).text
    name, count = next(iter(data["sources"].items()))
    assert f"{count:,}" in html
    link = next(h for h in Page(html).links() if f"source={name}" in h)
    chosen_html = fakes_client.get(link.replace("&amp;", "&")).text
    chosen = fakes_client.get(link.replace("/search", "/api/search")).json()
    assert chosen["total"] == count and chosen["query"]["source"] == [name]
    assert {h["source"] for h in chosen["hits"]} == {name}
    # The chosen source links back to the search without it.
    current = Page(chosen_html).find("a", **{"aria-current": "true"})
    assert current and current[0]["href"] == "/search?q=Aleppo"


def test_repeated_sources_are_combined(fakes_client):
    both = fakes_client.get("/api/search?q=Aleppo&source=tass&source=nna").json()
    assert both["total"] == both["sources"].get("tass", 0) + both["sources"].get("nna", 0)
    assert {h["source"] for h in both["hits"]} <= {"tass", "nna"}


def test_exact_spelling_only_finds_the_typed_spelling_alone(fakes_client):
    every = fakes_client.get("/api/search", params={"q": "Hezbollah", "size": "100"}).json()
    exact = fakes_client.get("/api/search?q=Hezbollah&size=100&exact=1").json()
    assert {"hezbollah", "hizballah"} <= set(every["spellings"])
    assert exact["query"]["exact"] is True and every["query"]["exact"] is False
    assert 0 < exact["total"] < every["total"]
    assert exact["spellings"] == {"hezbollah": exact["total"]}
    assert {exact_form(w) for hit in exact["hits"] for w in hit["matched"]} == {"hezbollah"}
    assert {hit["id"] for hit in exact["hits"]} < {hit["id"] for hit in every["hits"]}


def test_the_exact_box_is_on_every_page_and_kept_through_the_links(fakes_client):
    home = Page(fakes_client.get("/").text)
    box = home.find("input", id="exact", name="exact", type="checkbox", value="1")
    assert box and "checked" not in box[0]
    assert home.find("label", **{"for": "exact"})
    html = fakes_client.get("/search", params={"q": "Hezbollah", "size": "5", "exact": "1"}).text
    page = Page(html)
    assert "checked" in page.find("input", id="exact")[0]
    assert "Exact spelling only: no other spellings were searched." in plain(html)
    assert "/search?q=Hezbollah&size=5" in page.links()  # every spelling again
    assert page.find("a", rel="next")[0]["href"] == "/search?q=Hezbollah&size=5&exact=1&page=2"
    article_links = [h for h in page.links() if h.startswith("/articles/")]
    assert article_links and all(h.endswith("?q=Hezbollah&size=5&exact=1") for h in article_links)
    article = fakes_client.get(article_links[0]).text
    assert "checked" in Page(article).find("input", id="exact")[0]
    assert 'href="/search?q=Hezbollah&amp;size=5&amp;exact=1"' in article
    assert set(re.findall(r"<mark>(.*?)</mark>", article)) == {"Hezbollah"}
    twin = Page(article).find("link", rel="alternate", type="application/json")[0]["href"]
    assert fakes_client.get(twin).json()["exact"] is True
    refused = fakes_client.get(twin.replace("exact=1", "exact=maybe"))
    assert (
        refused.status_code == 400
        and "exact must be 1, true, 0 or false" in refused.json()["error"]
    )
    unchecked = Page(fakes_client.get("/search", params={"q": "Hezbollah"}).text)
    assert "checked" not in unchecked.find("input", id="exact")[0]


def test_paging_says_page_x_of_y_with_prev_and_next(fakes_client):
    first = fakes_client.get("/search", params={"q": "Syria", "size": "5"}).text
    data = fakes_client.get("/api/search", params={"q": "Syria", "size": "5"}).json()
    assert f"Page 1 of {data['pages']:,}" in plain(first)
    assert not Page(first).find("a", rel="prev")
    next_href = Page(first).find("a", rel="next")[0]["href"]
    assert next_href == "/search?q=Syria&size=5&page=2"
    second = fakes_client.get(next_href).text
    assert "Page 2 of" in plain(second)
    assert Page(second).find("a", rel="prev")[0]["href"] == "/search?q=Syria&size=5"


def test_did_you_mean_links_a_query_that_finds_more(fakes_client):
    html = fakes_client.get("/search", params={"q": "goverment"}).text
    assert "Did you mean" in plain(html)
    link = next(h for h in Page(html).links() if "government" in h)
    assert link == "/search?q=government"
    assert "Did you mean" not in plain(fakes_client.get(link).text)


def test_zero_results_page_helps(fakes_client):
    data = fakes_client.get("/api/search", params={"q": "Mosul Latakia"}).json()
    assert data["total"] == 0
    assert data["fewer_words"] == [{"q": "Latakia", "total": 36}, {"q": "Mosul", "total": 11}]
    html = fakes_client.get("/search", params={"q": "Mosul Latakia"}).text
    text = plain(html)
    assert "0 results for Mosul Latakia" in text
    assert "No article has all of these words, in any spelling we know" in text
    assert "With fewer words: Latakia (36 results)" in text
    for other in data["fewer_words"]:
        assert f'href="/search?q={other["q"]}"' in html


def test_zero_results_under_filters_offer_to_remove_them(fakes_client):
    params = {"q": "Latakia", "source": "tass", "from": "2011"}
    data = fakes_client.get("/api/search", params=params).json()
    assert data["total"] == 0 and data["without_filters"]["total"] == 36
    elsewhere = data["without_filters"]
    assert sum(elsewhere["years"].values()) + elsewhere["undated"] == 36
    html = fakes_client.get("/search", params=params).text
    text = plain(html)
    assert "No articles match “Latakia” under these filters" in text
    assert (
        f"Without the date and source filters, 36 articles match, dated {elsewhere['spans']}"
        in text
    )
    assert 'href="/search?q=Latakia"' in html


def test_zero_results_for_unknown_words(fakes_client):
    text = plain(fakes_client.get("/search", params={"q": "Zqxvw"}).text)
    assert "No article has this word, in any spelling we know" in text


# Articles ---------------------------------------------------------------------------------------


def test_article_page_marks_the_query_and_links_back(seeds_client):
    hit = seeds_client.get("/api/search", params={"q": "Sairoon"}).json()["hits"][0]
    html = seeds_client.get(f"/articles/{hit['id']}", params={"q": "Sairoon"}).text
    assert "<mark>Sairoon</mark>" in html
    assert 'href="/search?q=Sairoon"' in html
    twin = Page(html).find("link", rel="alternate", type="application/json")[0]["href"]
    article = seeds_client.get(twin).json()
    assert article["id"] == hit["id"] and article["q"] == "Sairoon"
    assert article["paragraphs_html"] and "Sairoon" in article["body"]


def test_api_article_matches_the_engine(fakes_client, fakes_index):
    with Engine(fakes_index) as engine:
        first = engine.search(SearchRequest.from_params("Assad")).hits[0]
        expected = engine.article(first.id, "Assad").to_json()
    assert fakes_client.get(f"/api/articles/{first.id}", params={"q": "Assad"}).json() == expected


@pytest.mark.parametrize("path", ["/articles/nope", "/api/articles/nope"])
def test_unknown_article_is_404(fakes_client, path):
    response = fakes_client.get(path)
    assert response.status_code == 404
    if path.startswith("/api/"):
        assert response.json() == {
            "ok": False,
            "error": "no article has the id 'nope'",
            "status": 404,
            "code": "not_found",
            "parameter": None,
        }
    else:
        assert "No article has the id 'nope'." in plain(response.text)


# Errors -----------------------------------------------------------------------------------------

BAD = [
    ({"q": '"Sadr'}, "unbalanced quotes", "invalid_query", "q"),
    ({"q": "x" * 1001}, "query too long", "invalid_query", "q"),
    ({"q": "Sadr", "page": "0"}, "page must be between 1 and 10,000", "invalid_parameter", "page"),
    ({"q": "Sadr", "page": "999"}, "past the last page", "past_last_page", "page"),
    ({"q": "Sadr", "size": "101"}, "size must be between 1 and 100", "invalid_parameter", "size"),
    ({"q": "Sadr", "size": "ten"}, "size must be a whole number", "invalid_parameter", "size"),
    ({"q": "Sadr", "sort": "best"}, "sort must be one of relevance", "invalid_parameter", "sort"),
    ({"q": "Sadr", "from": "2020-13"}, "not a real date", "invalid_parameter", "from"),
    ({"q": "Sadr", "to": "yesterday"}, "to must be a date like", "invalid_parameter", "to"),
    ({"q": "Sadr", "from": "2018", "to": "2017"}, "is after to", "invalid_parameter", "to"),
    ({"q": "Sadr", "source": "nowhere"}, "unknown source 'nowhere'", "invalid_parameter", "source"),
    ({"q": "Sadr", "exact": "maybe"}, "exact must be 1, true", "invalid_parameter", "exact"),
    ({"q": "Sadr", "without": "a b"}, "without takes one spelling", "invalid_parameter", "without"),
    ({"q": "Sadr", "sise": "50"}, "unknown parameter 'sise'", "unknown_parameter", "sise"),
    ([("q", "Sadr"), ("q", "Sistani")], "'q' is given more than once", "unknown_parameter", "q"),
]


@pytest.mark.parametrize(("params", "message", "code", "parameter"), BAD)
def test_bad_parameters_give_400_with_the_json_error_shape(
    fakes_client, params, message, code, parameter
):
    response = fakes_client.get("/api/search", params=params)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"ok", "error", "status", "code", "parameter"}
    assert body["ok"] is False and body["status"] == 400 and message in body["error"]
    assert (body["code"], body["parameter"]) == (code, parameter)


@pytest.mark.parametrize(("params", "message", "code", "parameter"), BAD)
def test_bad_parameters_give_a_readable_400_page(fakes_client, params, message, code, parameter):
    response = fakes_client.get("/search", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert message.split("'")[0].lower() in plain(response.text).lower()
    assert Page(response.text).find("form", role="search")


def test_unknown_paths_and_methods(fakes_client):
    assert fakes_client.get("/api/nothing").json() == {
        "ok": False,
        "error": "nothing is at /api/nothing",
        "status": 404,
        "code": "not_found",
        "parameter": None,
    }
    page = fakes_client.get("/nothing")
    assert page.status_code == 404 and "Not found" in page.text
    post = fakes_client.post("/api/search", data={"q": "x"})
    assert post.status_code == 405 and post.json()["status"] == 405
    assert post.json()["code"] == "method_not_allowed"
    assert fakes_client.head("/search?q=Aleppo").status_code == 200


def test_an_unexpected_error_is_a_500_without_a_traceback(fakes_index):
    app = create_app(fakes_index)

    async def broken(request):
        raise RuntimeError("secret internals")

    app.add_route("/api/broken", broken)
    app.add_route("/broken", broken)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/api/broken")
        assert response.status_code == 500
        assert response.json()["error"].startswith("internal error")
        assert response.json()["code"] == "internal_error"
        page = client.get("/broken")
        assert page.status_code == 500
        assert "secret internals" not in page.text and "Traceback" not in page.text


def test_a_missing_index_is_503_until_it_is_built(tmp_path):
    from search import index_corpus

    with TestClient(create_app(tmp_path / "index")) as client:
        response = client.get("/healthz")
        assert response.status_code == 503
        assert response.json()["ok"] is False and "news-search index" in response.json()["error"]
        assert client.get("/").status_code == 503
        corpus = tmp_path / "a.jsonl"
        corpus.write_text(json.dumps({"id": "a", "title": "Sairoon"}) + "\n", encoding="utf-8")
        index_corpus(tmp_path / "index", [corpus])
        assert client.get("/healthz").json() == {"ok": True, "status": 200, "documents": 1}


def test_healthz(fakes_client):
    assert fakes_client.get("/healthz").json() == {"ok": True, "status": 200, "documents": 793}


# The shared searcher ----------------------------------------------------------------------------


def test_new_articles_are_searchable_without_a_restart(tmp_path):
    from search import index_corpus

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.jsonl").write_text(
        json.dumps({"id": "a", "title": "Sairoon", "body": "Sairoon won."}) + "\n",
        encoding="utf-8",
    )
    index_corpus(tmp_path / "index", [corpus])
    with TestClient(create_app(tmp_path / "index")) as client:
        assert client.get("/api/search?q=Sayirun").json()["total"] == 1
        (corpus / "b.jsonl").write_text(
            json.dumps({"id": "b", "title": "Sairun", "body": "Sairun lost."}) + "\n",
            encoding="utf-8",
        )
        index_corpus(tmp_path / "index", [corpus])
        assert client.get("/api/search?q=Sayirun").json()["total"] == 2
        assert client.get("/api/articles/b").json()["title"] == "Sairun"
        # Removed and rebuilt: nothing comes back, nothing is counted twice.
        (corpus / "a.jsonl").unlink()
        index_corpus(tmp_path / "index", [corpus])
        assert client.get("/api/search?q=Sayirun").json()["total"] == 1
        assert client.get("/api/articles/a").status_code == 404
        index_corpus(tmp_path / "index", [corpus], rebuild=True)
        assert client.get("/api/search?q=Sayirun").json()["total"] == 1
        assert client.get("/healthz").json()["documents"] == 1


# Keyboard and accessibility ---------------------------------------------------------------------


def test_pages_share_one_stylesheet_and_a_small_deferred_script(fakes_client):
    html = fakes_client.get("/search?q=Aleppo").text
    scripts = Page(html).find("script")
    assert scripts == [{"src": "/static/keys.js", "defer": None}]
    assert fakes_client.get("/static/keys.js").status_code == 200
    css = fakes_client.get("/static/style.css").text
    assert ":focus-visible" in css
    # Marks are not shown by colour alone.
    mark_rule = re.search(r"\bmark \{(.*?)\}", css, re.S)
    assert mark_rule and "font-weight" in mark_rule.group(1) and "underline" in mark_rule.group(1)


def test_results_are_a_list_with_headings(fakes_client):
    page = Page(fakes_client.get("/search?q=Aleppo").text)
    tags = [t for t, _ in page.tags]
    assert "ol" in tags
    assert tags.count("h2") >= 10


def test_an_empty_index_answers_with_no_results(tmp_path):
    corpus = tmp_path / "skipped.jsonl"
    corpus.write_text('{"id": "a"}\n', encoding="utf-8")  # no title, no body: skipped
    index_corpus(tmp_path / "index", [corpus])
    with TestClient(create_app(tmp_path / "index")) as client:
        response = client.get("/api/search", params={"q": "Sadr"})
        assert response.status_code == 200 and response.json()["total"] == 0
        assert client.get("/", params={"q": "Sadr"}).status_code == 200


# The JSON API's shape ---------------------------------------------------------------------------


def test_following_next_url_walks_every_page_and_prev_url_walks_back(fakes_client):
    first = fakes_client.get("/api/search", params={"q": "Syria", "size": 7}).json()
    assert first["prev_url"] is None and first["pages"] > 2
    seen, pages, body = [], [], first
    while True:
        seen += [hit["id"] for hit in body["hits"]]
        pages.append(body)
        if body["next_url"] is None:
            break
        assert body["next_url"].startswith("/api/search?")
        body = fakes_client.get(body["next_url"]).json()
    assert len(pages) == first["pages"] and len(seen) == len(set(seen)) == first["stories"]
    assert first["stories"] < first["total"]  # copies of a story are listed through one
    for before, after in itertools.pairwise(pages):
        assert fakes_client.get(after["prev_url"]).json()["hits"] == before["hits"]
    assert "size=7" in pages[-1]["prev_url"] and "q=Syria" in pages[-1]["prev_url"]


def test_every_missing_value_is_null_and_every_moment_has_one_form(fakes_client, seeds_index):
    moment = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$")
    body = fakes_client.get("/api/search", params={"q": "", "size": 100}).json()
    for hit in body["hits"]:
        assert hit["date"] is None or moment.match(hit["date"]), hit["date"]
        assert hit["url"] is None or hit["url"].startswith("http"), hit["url"]
        assert hit["source"] is None or hit["source"], hit
        assert hit["title"] is None or hit["title"], hit
    info = fakes_client.get("/api/info").json()
    for name in ("date_from", "date_to", "built_at", "updated_at"):
        assert moment.match(info[name]), (name, info[name])
    with TestClient(create_app(seeds_index)) as seeds:
        hit = seeds.get("/api/search", params={"q": "Sayirun"}).json()["hits"][0]
        assert (hit["source"], hit["url"], hit["date"]) == (None, None, None)
        article = seeds.get(f"/api/articles/{hit['id']}").json()
        assert (article["source"], article["url"], article["date"]) == (None, None, None)


def test_an_article_reached_from_results_links_back_to_the_same_page_with_every_filter(
    fakes_client,
):
    params = {"q": "Syria", "sort": "oldest", "from": "2016", "to": "2017-06", "size": "5"}
    params |= {"page": "2", "source": "alalam"}
    results = fakes_client.get("/search", params=params)
    links = [h for h in Page(results.text).links() if h.startswith("/articles/")]
    assert len(links) == 5
    article = fakes_client.get(links[0])
    assert article.status_code == 200
    back = Page(article.text).find("nav", **{"aria-label": "Back"})
    assert back
    expected = (
        "/search?q=Syria&amp;sort=oldest&amp;from=2016-01-01&amp;to=2017-06-30&amp;source=alalam"
        "&amp;size=5&amp;page=2"
    )
    assert f'href="{expected}"' in article.text
    again = fakes_client.get(expected.replace("&amp;", "&"))
    assert [h for h in Page(again.text).links() if h.startswith("/articles/")] == links
    twin = fakes_client.get("/api" + links[0]).json()
    assert twin["search"] == fakes_client.get("/api/search", params=params).json()["query"]


def test_an_article_page_refuses_a_bad_search_parameter(fakes_client):
    hit = fakes_client.get("/api/search", params={"q": "Syria"}).json()["hits"][0]
    response = fakes_client.get(f"/api/articles/{hit['id']}", params={"page": "0"})
    assert response.status_code == 400 and response.json()["parameter"] == "page"


def test_a_story_told_twice_is_listed_once_with_its_copies_one_click_away(fakes_client):
    api = fakes_client.get("/api/search", params={"q": "bomber", "size": 100}).json()
    assert api["stories"] == api["total"] - sum(hit["more_like_this"] for hit in api["hits"])
    told = [hit for hit in api["hits"] if hit["more_like_this"]]
    assert told
    page = fakes_client.get("/search", params={"q": "bomber", "size": 100}).text
    assert f"{api['stories']:,} stories: a story told by several articles" in page
    assert 'href="/search?q=bomber&amp;size=100&amp;collapse=0">list every article</a>' in page
    link = f'href="/articles/{told[0]["id"]}?q=bomber&amp;size=100#same-story"'
    assert f"{link}>{told[0]['more_like_this']} more like this</a>" in page
    article = fakes_client.get(f"/api/articles/{told[0]['id']}", params={"q": "bomber"}).json()
    assert len(article["same_story"]) == told[0]["more_like_this"]
    every = fakes_client.get(
        "/api/search", params={"q": "bomber", "size": 100, "collapse": "0"}
    ).json()
    assert every["stories"] == every["total"] == api["total"]
    listed = {hit["id"] for hit in every["hits"]}
    assert {other["id"] for other in article["same_story"]} <= listed - {
        h["id"] for h in api["hits"]
    }
    assert (
        "list each story once"
        in fakes_client.get("/search", params={"q": "bomber", "collapse": "0"}).text
    )
