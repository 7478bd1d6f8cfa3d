"""Matched words of a stored text: the same spans as a scan of every token, found faster."""

from __future__ import annotations

import pytest

from search.analysis import NewsTokenizer
from search.highlight import match_spans, spans_of
from search.querybuild import QueryTerms
from search.snippets import Span


def every_token_scan(text: str, terms: QueryTerms) -> list[Span]:
    """The plain definition: every token of the whole text, through the same marking."""
    return spans_of(NewsTokenizer()(text, chars=True, mode="index"), terms)


TEXT = (
    "Muqtada al-Sadr met Moqtada as-Sadr; Sadr's men and al-Sadr's aides. Ahmadi-Nejad spoke, "
    "then Ahmadinejad. E\u0301tat sadr-like, Sadrist, QADDAFI's Qaddafi-era, ex-Sadr, --Sadr, "
    "Qur'an and Qur’an, 'Sadr', Pe\u0302s\u0327merge and Pêşmerge, sadr2 2sadr al-al-Sadr."
)
TERMS = [
    QueryTerms(exact={"sadr"}, spellings={"sadr", "muqtada", "moqtada"}),
    QueryTerms(exact={"ahmadinejad"}, spellings={"ahmadinejad"}, compounds={"ahmadi-nejad"}),
    QueryTerms(exact={"qaddafi"}, spellings={"qaddafi", "qur'an", "tat", "era"}),
    QueryTerms(exact={"peshmerge"}, spellings={"peshmerge", "like", "sadr2"}),
    QueryTerms(exact={"absent"}, spellings={"absent"}),
]


@pytest.mark.parametrize("terms", TERMS)
def test_same_spans_as_scanning_every_token(terms):
    assert match_spans(TEXT, terms) == every_token_scan(TEXT, terms)


def test_a_word_inside_another_is_not_marked():
    # "tat" is the end of "État" written with a combining accent, not a word of its own.
    terms = QueryTerms(exact={"tat"}, spellings={"tat"})
    assert match_spans("E\u0301tat and tat.", terms) == [Span(10, 13, exact=True, word="tat")]


def test_article_and_compound_are_marked_whole():
    terms = TERMS[1]
    text = "Ahmadi-Nejad spoke."
    assert match_spans(text, terms) == [Span(0, 12, exact=False, word="Ahmadi-Nejad")]
    text = "Moqtada al-Sadr"
    assert [(s.start, s.end) for s in match_spans(text, TERMS[0])] == [(0, 7), (8, 15)]
