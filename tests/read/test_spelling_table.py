"""Spellings by outlet and over time (Engine.spelling_table): a real index, against the
reference evaluator's matches and its own reading of which spelling each article writes."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from search import Engine, SearchRequest
from search.engines.whoosh import store
from tests.reference import Reference, writes


@pytest.fixture(scope="module")
def fakes(fakes_index: Path) -> tuple[Engine, Reference]:
    with Engine(fakes_index) as engine:
        yield engine, Reference(store.open_index(fakes_index).reader())


@pytest.mark.parametrize(
    ("q", "params"),
    [
        ("Aleppo", {}),
        ("Assad regime", {"date_from": "2016"}),
        ("Damascus OR Aleppo", {"sources": ["SANA", "alalam"]}),
    ],
)
def test_each_spelling_is_counted_per_source_and_period(fakes, q, params):
    engine, reference = fakes
    request = SearchRequest.from_params(q, **params)
    table = engine.spelling_table(request)
    expected = reference.evaluate(request)
    assert table.total == expected.total
    assert {row.spelling: row.total for row in table.rows} == expected.spellings
    assert table.sources == [
        name for name, _ in sorted(
            Counter(doc.source for doc in expected.matches).items(), key=lambda kv: (-kv[1], kv[0])
        )
    ]  # fmt: skip
    for row in table.rows:
        writing = [doc for doc in expected.matches if writes(doc, row.spelling)]
        assert row.by_source == dict(Counter(doc.source for doc in writing))
        years = Counter(str(doc.date.year) for doc in writing if doc.date)
        months = Counter(f"{doc.date.year}-{doc.date.month:02d}" for doc in writing if doc.date)
        assert row.by_period == dict(years if table.unit == "year" else months)
        assert row.undated == sum(1 for doc in writing if doc.date is None)
        assert set(row.by_period) <= set(table.periods)


def test_a_search_with_no_words_has_no_spellings(fakes):
    engine, _ = fakes
    table = engine.spelling_table(SearchRequest.from_params(""))
    assert table.rows == [] and table.total == engine.documents()
