"""Script and attribute payloads, in indexed articles and in queries, never arrive unescaped:
the only tags in document text are our own ``<mark>``, the only script is ours, and no link
leaves for ``javascript:``."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import quote

import pytest

from tests.web.conftest import HOSTILE, IMG, SCRIPT

OUR_TAGS = {
    *("html", "head", "meta", "title", "link", "script", "body", "a", "header", "form"),
    *("label", "div", "input", "button", "p", "i", "main", "footer", "kbd", "aside", "h1", "h2"),
    *("h3", "select", "option", "fieldset", "legend", "nav", "ul", "li", "span", "section"),
    *("ol", "article", "time", "mark", "code"),
    # The coverage chart (an SVG of our own) and its table, the spellings tables.
    *("figure", "figcaption", "svg", "rect", "details", "summary", "table", "thead", "tbody"),
    *("tr", "th", "td", "bdi"),
}


class Tags(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str | None]]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, dict(attrs)))


def assert_safe(html: str) -> None:
    for payload in (SCRIPT, IMG, "<b onmouseover", "<style>", "<i>friends</i>"):
        assert payload not in html
    tags = Tags(html).found
    assert {t for t, _ in tags} <= OUR_TAGS
    assert [a for t, a in tags if t == "script"] == [{"src": "/static/keys.js", "defer": None}]
    for _tag, attrs in tags:
        assert not any(name.startswith("on") for name in attrs)
        for name in ("href", "src", "action"):
            assert not (attrs.get(name) or "").strip().lower().startswith("javascript:")


def assert_marks_only(fragment: str) -> None:
    """A ``*_html`` field of the JSON: escaped text, and no tag but ``<mark>``."""
    assert set(re.findall(r"</?([a-zA-Z][^\s>/]*)", fragment)) <= {"mark"}


QUERIES = [
    SCRIPT,
    IMG,
    f"Sairoon {SCRIPT}",
    f'"{IMG}"',
    "Sairoon -<script>",
    "javascript:alert(1)",
]


@pytest.mark.parametrize("q", QUERIES)
def test_queries_are_escaped_in_results_pages(hostile_client, q):
    response = hostile_client.get("/search", params={"q": q})
    assert response.status_code in (200, 400)
    assert_safe(response.text)


@pytest.mark.parametrize("q", QUERIES)
def test_queries_are_escaped_in_error_pages(hostile_client, q):
    response = hostile_client.get("/search", params={"q": q, "page": "0"})
    assert response.status_code == 400
    assert_safe(response.text)


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Sairoon", "source": SCRIPT},
        {"q": "Sairoon", "from": IMG},
        {"q": "Sairoon", IMG: "1"},
    ],
)
def test_parameter_values_and_names_are_escaped_in_error_pages(hostile_client, params):
    response = hostile_client.get("/search", params=params)
    assert response.status_code == 400
    assert_safe(response.text)


def test_document_text_is_escaped_in_results(hostile_client):
    response = hostile_client.get("/search", params={"q": "Sairoon"})
    html = response.text
    assert "2 results for Sairoon" in html
    assert_safe(html)
    assert "&lt;script&gt;" in html  # shown as text, not dropped
    assert "<mark>Sairoon</mark>" in html and "<mark>Sairun</mark>" in html


def test_browsing_escapes_sources_in_facets(hostile_client):
    html = hostile_client.get("/search").text
    assert_safe(html)
    assert "&lt;b onmouseover=alert(1)&gt;Evil&lt;/b&gt;" in html


@pytest.mark.parametrize("record", HOSTILE, ids=["x1", "x2"])
def test_article_pages_escape_every_field(hostile_client, record):
    path = f"/articles/{quote(record['id'], safe='')}"
    response = hostile_client.get(path, params={"q": f"Sairoon {SCRIPT}"})
    assert response.status_code == 200
    assert_safe(response.text)


def test_article_links_only_to_http_addresses(hostile_client):
    x1 = hostile_client.get("/articles/x1").text
    assert "Original article" not in x1  # its url is javascript:
    x2 = hostile_client.get(f"/articles/{quote(HOSTILE[1]['id'], safe='')}").text
    assert 'href="https://example.org/a?b=1&amp;c=&lt;2&gt;"' in x2


def test_json_fields_with_html_hold_only_marks(hostile_client):
    for q in ("Sairoon", f"Sairoon {SCRIPT}", "Sairun img src onerror"):
        found = hostile_client.get("/api/search", params={"q": q}).json()
        assert found["hits"], q
        for hit in found["hits"]:
            assert_marks_only(hit["title_html"])
            assert_marks_only(hit["snippet_html"])
    data = hostile_client.get("/api/search", params={"q": "Sairoon"}).json()
    assert data["total"] == 2
    # The plain fields hold the text as written: JSON is not HTML, clients escape it.
    assert {hit["title"] for hit in data["hits"]} == {r["title"] for r in HOSTILE}
    article = hostile_client.get("/api/articles/x1", params={"q": "Sairoon"}).json()
    assert_marks_only(article["title_html"])
    for paragraph in article["paragraphs_html"]:
        assert_marks_only(paragraph)
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in article["paragraphs_html"][0]


def test_json_responses_are_served_as_json_not_html(hostile_client):
    for path in ("/api/search?q=" + quote(SCRIPT), "/api/articles/nope" + quote(SCRIPT)):
        response = hostile_client.get(path)
        assert response.headers["content-type"] == "application/json"
