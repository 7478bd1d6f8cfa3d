"""Did-you-mean and fewer-words alternatives, on a real index of fakes.jsonl."""

from __future__ import annotations

import json

import pytest

from search import Engine, SearchRequest, index_corpus
from search.read.suggest import _styled


@pytest.fixture(scope="module")
def engine(fakes_index):
    with Engine(fakes_index) as engine:
        yield engine


def search(engine, q, **params):
    return engine.search(SearchRequest.from_params(q, **params))


@pytest.mark.parametrize(
    ("word", "like", "styled"),
    [("sadr", "Sadrr", "Sadr"), ("sadr", "SADRR", "SADR"), ("protest", "protesst", "protest")],
)
def test_a_correction_keeps_the_capitalisation_typed(word, like, styled):
    assert _styled(word, like) == styled


@pytest.mark.parametrize(
    ("query", "suggested"),
    [
        ("protesst", "protest"),  # one edit beats a commoner word two edits away (process)
        ("Aleppo refugess", "Aleppo refugees"),
        ('"Syrian goverment"', '"Syrian government"'),
    ],
)
def test_did_you_mean(engine, query, suggested):
    response = search(engine, query)
    assert response.suggestion is not None, response.to_json()
    assert response.suggestion.q == suggested
    assert response.suggestion.total > response.total


def test_misspelt_names_need_no_suggestion_their_spellings_are_found(engine):
    # Name-like words reach their other spellings, so nothing is left to correct.
    response = search(engine, "Damscus")
    assert response.total > 100 and "damascus" in response.spellings
    assert response.suggestion is None


@pytest.mark.parametrize("query", ["protesst", "goverment", "Aleppo refugess", "armyy"])
def test_following_suggestions_never_loops(engine, query):
    seen = [query]
    response = search(engine, query)
    while response.suggestion is not None:
        assert response.suggestion.q not in seen
        found = response.suggestion.total
        seen.append(response.suggestion.q)
        response = search(engine, response.suggestion.q)
        assert response.total == found  # a suggestion finds what it promised
    assert len(seen) <= 3


def test_excluded_words_are_not_corrected(engine):
    response = search(engine, "goverment -protesst")
    assert response.suggestion is not None
    assert response.suggestion.q == "government -protesst"


def test_no_suggestion_for_a_query_that_finds_plenty(engine):
    assert search(engine, "Damascus").suggestion is None


def _archive(tmp_path, rows: dict[str, int]) -> Engine:
    """An index with ``n`` articles writing each word."""
    corpus = tmp_path / "c.jsonl"
    lines = []
    for word, n in rows.items():
        for i in range(n):
            lines.append(json.dumps({"id": f"{word}-{i}", "title": "Note", "body": f"The {word}."}))
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_corpus(tmp_path / "index", [corpus])
    return Engine(tmp_path / "index")


def test_a_common_misspelling_is_offered_its_correction_however_many_write_it(tmp_path):
    # Some writers spell it so: 12 articles (more than a "few results"), against 80.
    with _archive(tmp_path, {"goverment": 12, "government": 80, "starred": 12, "started": 80}) as e:
        response = search(e, "goverment")
        assert response.total == 12
        assert response.suggestion is not None and response.suggestion.q == "government"
        assert response.suggestion.total == 80
        # An English word one letter from a commoner one is no misspelling.
        assert search(e, "starred").suggestion is None
        # The correction itself is offered nothing, so suggestions never loop.
        assert search(e, "government").suggestion is None
