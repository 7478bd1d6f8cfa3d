"""Every result of a search as rows (search/read/export.py, Engine.export): a real index on disk,
the rows against every page of the search and against the reference evaluator, and the CLI
that writes them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from search import Engine, SearchRequest, index_corpus
from search.engines.whoosh import store
from search.read.export import COLUMNS, csv_lines, jsonl_lines, snippet_text
from search.read.response import Hit
from tests.reference import Reference

QUERIES = [
    ("Aleppo", {}),
    ("Damascus OR Aleppo", {}),
    ("Syria -Aleppo", {"sort": "newest"}),
    ('"Syrian army"', {"sort": "oldest"}),
    ("rebels", {"date_from": "2016-02", "date_to": "2016-06"}),
    ("", {"sources": ["SANA"]}),
]


@pytest.fixture(scope="module")
def fakes(fakes_index: Path) -> tuple[Engine, Reference]:
    with Engine(fakes_index) as engine:
        yield engine, Reference(store.open_index(fakes_index).reader())


def _every_page(engine: Engine, q: str, params: dict[str, object]) -> list[str]:
    first = engine.search(SearchRequest.from_params(q, size=100, **params))
    ids = [hit.id for hit in first.hits]
    for page in range(2, first.pages + 1):
        response = engine.search(SearchRequest.from_params(q, size=100, page=page, **params))
        ids += [hit.id for hit in response.hits]
    return ids


@pytest.mark.parametrize(("q", "params"), QUERIES)
def test_an_export_lists_every_result_in_the_order_of_the_pages(fakes, q, params):
    engine, reference = fakes
    export = engine.export(SearchRequest.from_params(q, **params))
    hits = list(export.hits)
    ids = [hit.id for hit in hits]
    assert [hit.rank for hit in hits] == list(range(1, len(hits) + 1))
    assert ids == _every_page(engine, q, params)
    # The count a researcher quotes, against the reference evaluator's own reading.
    expected = reference.evaluate(SearchRequest.from_params(q, **params))
    assert export.total == expected.total
    assert export.stories == len(hits) == len(expected.shown)  # each story once
    assert set(ids) == {doc.id for doc in expected.shown}
    assert {hit.id: hit.more_like_this for hit in hits if hit.more_like_this} == expected.more
    every = engine.export(SearchRequest.from_params(q, **params, collapse=False))
    assert every.total == every.stories == len(list(every.hits)) == expected.total


def test_rows_carry_every_field_through_csv_and_json_lines():
    awkward = Hit(
        rank=1,
        id='a,"b"\nc',
        title='Sadr, "the cleric"\r\nspeaks',
        source="Rudaw",
        date=None,
        url="https://example.org/a?b=1,2",
        score=None,
        title_html="",
        snippet_html="Moqtada <mark>al-Sadr</mark> &amp; <mark>Sadr</mark>&#x27;s &lt;men&gt;",
        matched=["al-Sadr", "Sadr"],
        more_like_this=2,
    )
    rows = list(csv.reader(io.StringIO("".join(csv_lines([awkward, awkward])), newline="")))
    assert rows[0] == list(COLUMNS)
    assert len(rows) == 3
    record = dict(zip(COLUMNS, rows[1], strict=True))
    assert record["id"] == 'a,"b"\nc'
    assert record["title"] == 'Sadr, "the cleric"\r\nspeaks'
    assert record["date"] == record["score"] == ""
    assert record["matched"] == "al-Sadr; Sadr"
    assert record["more_like_this"] == "2"
    assert record["snippet"] == "Moqtada al-Sadr & Sadr's <men>"
    lines = "".join(jsonl_lines([awkward])).splitlines()
    assert len(lines) == 1
    assert json.loads(lines[0]) == {
        "rank": 1,
        "id": 'a,"b"\nc',
        "title": 'Sadr, "the cleric"\r\nspeaks',
        "source": "Rudaw",
        "date": None,
        "url": "https://example.org/a?b=1,2",
        "score": None,
        "matched": ["al-Sadr", "Sadr"],
        "more_like_this": 2,
        "snippet": "Moqtada al-Sadr & Sadr's <men>",
    }


def test_a_snippet_loses_its_marks_and_escapes():
    assert snippet_text("a <mark>b</mark> &lt;c&gt; &amp;amp;") == "a b <c> &amp;"


# The CLI ------------------------------------------------------------------------------------------


def test_query_all_as_csv_and_json_lines_lists_every_result(run_cli, fakes_index, fakes):
    engine, _ = fakes
    expected = _every_page(engine, "Damascus OR Aleppo", {})
    done = run_cli(
        "query", "--index", fakes_index, "Damascus OR Aleppo", "--format", "csv", "--all"
    )
    assert done.returncode == 0, done.stderr
    rows = list(csv.DictReader(io.StringIO(done.stdout, newline="")))
    assert [row["id"] for row in rows] == expected
    done = run_cli(
        "query", "--index", fakes_index, "Damascus OR Aleppo", "--format", "jsonl", "--all"
    )
    assert done.returncode == 0, done.stderr
    assert [json.loads(line)["id"] for line in done.stdout.splitlines()] == expected
    # Without --all: the page asked.
    done = run_cli("query", "--index", fakes_index, "Aleppo", "--format", "jsonl", "--limit", "3")
    assert [json.loads(line)["rank"] for line in done.stdout.splitlines()] == [1, 2, 3]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--all"], "--all goes with --format csv or --format jsonl"),
        (["--all", "--format", "json"], "--all goes with --format csv or --format jsonl"),
        (["--json", "--format", "csv"], "--json and --format csv ask for two formats"),
        (["--format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_query_refuses_formats_that_do_not_go_together(run_cli, fakes_index, args, message):
    done = run_cli("query", "--index", fakes_index, "Aleppo", *args)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_show_prints_one_article_with_its_matches_marked(run_cli, tmp_path):
    corpus = tmp_path / "a.jsonl"
    record = {
        "id": "w1",
        "title": "Libya",
        "body": "Muammar Qaddafi spoke.\n\nLater Qaddafi left.",
        "source": "AP",
        "date": "2011-02-20",
        "url": "https://example.org/w1",
    }
    corpus.write_text(json.dumps(record) + "\n", encoding="utf-8")
    index_corpus(tmp_path / "index", [corpus])
    done = run_cli("show", "--index", tmp_path / "index", "w1", "--q", "Gaddafi")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == [
        "Libya",
        "AP · 2011-02-20",
        "id: w1",
        "url: https://example.org/w1",
        "matched: Qaddafi",
        "",
        "Muammar [Qaddafi] spoke.",
        "",
        "Later [Qaddafi] left.",
    ]
    done = run_cli("show", "--index", tmp_path / "index", "w1", "--json")
    assert json.loads(done.stdout)["body"] == record["body"]
    done = run_cli("show", "--index", tmp_path / "index", "nope", "--json")
    assert done.returncode == 2
    assert json.loads(done.stdout) == {
        "ok": False,
        "error": "no article has the id 'nope'",
        "status": 404,
        "code": "not_found",
        "parameter": None,
    }
