"""A name as a page (Engine.name_page): a real index, against the reference evaluator's matches,
its own reading of which spelling each article writes, and the company read from the stored text
by the pure rule."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from search import Engine, SearchRequest
from search.engines.whoosh import store
from search.errors import QueryError
from search.rules.company import article_company
from tests.reference import Reference, writes


@pytest.fixture(scope="module")
def fakes(fakes_index: Path) -> tuple[Engine, Reference]:
    with Engine(fakes_index) as engine:
        yield engine, Reference(store.open_index(fakes_index).reader())


@pytest.mark.parametrize("name", ["Hezbollah", "Hizballah", "Aleppo", "Assad"])
def test_a_name_page_counts_every_spelling_by_outlet_and_year(fakes, name):
    engine, reference = fakes
    page = engine.name_page(name)
    expected = reference.evaluate(SearchRequest.from_params(name))
    assert page.total == expected.total > 0
    rows = page.spellings.rows
    assert {row.spelling: row.total for row in rows} == expected.spellings
    assert [row.total for row in rows] == sorted((row.total for row in rows), reverse=True)
    assert page.spellings.unit == "year"
    for row in rows:
        writing = [doc for doc in expected.matches if writes(doc, row.spelling)]
        assert row.by_source == dict(Counter(doc.source for doc in writing))
        assert row.by_period == dict(Counter(str(doc.date.year) for doc in writing if doc.date))
        assert row.undated == sum(1 for doc in writing if doc.date is None)


def test_hezbollah_and_hizballah_have_one_page(fakes):
    engine, _ = fakes
    one, other = engine.name_page("Hezbollah"), engine.name_page("Hizballah")
    assert one.total == other.total
    assert {r.spelling for r in one.spellings.rows} >= {"hezbollah", "hizballah", "hizbollah"}
    assert one.spellings.rows == other.spellings.rows


def test_the_company_is_counted_from_what_the_articles_write(fakes):
    engine, reference = fakes
    page = engine.name_page("Hezbollah")
    matches = reference.evaluate(SearchRequest.from_params("Hezbollah")).matches
    written = Counter(name for doc in matches for name in set(article_company(doc.body)))
    own = {row.spelling for row in page.spellings.rows}
    assert page.company, "Hezbollah keeps company"
    for entry in page.company:
        assert entry.q not in own
        assert entry.total == written[entry.q], entry
    counts = [entry.total for entry in page.company]
    assert counts == sorted(counts, reverse=True)
    assert {"syria", "damascus"} <= {entry.q for entry in page.company}
    assert not {"monday", "wednesday", "january"} & {entry.q for entry in page.company}


def test_the_newest_articles_come_newest_first_and_all_write_the_name(fakes):
    engine, reference = fakes
    page = engine.name_page("Aleppo")
    matches = {doc.id for doc in reference.evaluate(SearchRequest.from_params("Aleppo")).matches}
    assert len(page.newest) == 10
    assert {hit.id for hit in page.newest} <= matches
    dates = [hit.date for hit in page.newest]
    assert dates == sorted(dates, reverse=True)
    assert all(hit.matched for hit in page.newest)


def test_a_name_no_article_writes_is_an_empty_page(fakes):
    engine, _ = fakes
    page = engine.name_page("Zzyzxville")
    assert (page.total, page.spellings.rows, page.company, page.newest) == (0, [], [], [])


@pytest.mark.parametrize("name", ['"Assad regime"', "Assad OR Aleppo", "-Assad", "Ale*", "", "(("])
def test_a_name_page_is_for_one_word(fakes, name):
    engine, _ = fakes
    with pytest.raises(QueryError) as refused:
        engine.name_page(name)
    assert refused.value.parameter == "name" and "one word" in refused.value.message
