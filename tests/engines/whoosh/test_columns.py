"""Per-article column values: date ranges and source counts without queries."""

from __future__ import annotations

import json
from datetime import datetime

import pytest
from whoosh import query as wq

from search import Engine, index_corpus
from search.engines.whoosh.columns import read_columns
from search.read.request import parse_date_bound

ROWS = [
    {"id": "a", "title": "One", "date": "2016-01-01", "source": "AP"},
    {"id": "b", "title": "Two", "date": "2016-12-31T23:59:59Z", "source": "AP"},
    {"id": "c", "title": "Three", "date": "2017-01-01", "source": "Reuters"},
    {"id": "d", "title": "Four", "source": "Reuters"},
    {"id": "e", "title": "Five", "date": "2015-12-31T23:59:59Z"},
]


@pytest.fixture(scope="module")
def engine(tmp_path_factory):
    root = tmp_path_factory.mktemp("columns")
    corpus = root / "rows.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in ROWS), encoding="utf-8")
    index_corpus(root / "index", [corpus])
    with Engine(root / "index") as engine:
        yield engine


def ids(engine, docs):
    return sorted(engine.backend.searcher.stored_fields(n)["id"] for n in docs)


def bounds(first: str | None, last: str | None) -> tuple[datetime | None, datetime | None]:
    return (
        parse_date_bound(first, "from", end=False) if first else None,
        parse_date_bound(last, "to", end=True) if last else None,
    )


@pytest.mark.parametrize(
    ("first", "last", "expected"),
    [
        ("2016", "2016", ["a", "b"]),
        ("2016-01-01", None, ["a", "b", "c"]),
        (None, "2016-01-01", ["a", "e"]),
        ("2017", "2017", ["c"]),
        ("2018", None, []),
    ],
)
def test_within_is_inclusive_and_never_keeps_undated_articles(engine, first, last, expected):
    columns = read_columns(engine.backend.searcher.reader())
    assert ids(engine, columns.within(columns.live(), *bounds(first, last))) == expected


def test_count_sources_counts_the_documents_given(engine):
    columns = read_columns(engine.backend.searcher.reader())
    assert columns.count_sources(columns.live()) == {"AP": 2, "Reuters": 2, "": 1}
    found = engine.backend.searcher.docs_for_query(wq.Term("title", "three"))
    assert columns.count_sources(found) == {"Reuters": 1}
