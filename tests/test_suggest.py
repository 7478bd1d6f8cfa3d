"""Did-you-mean and fewer-words alternatives, on a real index of fakes.jsonl."""

from __future__ import annotations

import pytest

from search import Engine, SearchRequest
from search.suggest import _styled


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
