"""Matched words of a stored text: the same spans as a scan of every token, found faster;
phrases marked only where they stand whole; a field's words only in that field."""

from __future__ import annotations

import json
import random

import pytest

from search.analysis.analyzers import ARTICLE_TERM, WORD_RE, NewsTokenizer
from search.read.highlight import _words, marked_words, match_spans, spans_of
from search.read.querybuild import Marks, QueryTerms
from search.read.snippets import Span
from search.rules import exact_form


def terms(exact: set[str], **marks: object) -> QueryTerms:
    """Terms that mark the same in the title and the body."""
    made = QueryTerms(exact=set(exact))
    made.marks = {f: Marks(**marks) for f in ("title", "body")}  # type: ignore[arg-type]
    return made


def every_token_scan(text: str, query: QueryTerms) -> list[Span]:
    """The plain definition: every token of the whole text, through the same marking."""
    tokens = NewsTokenizer()(text, positions=True, chars=True, mode="index")
    return spans_of(_words(tokens), query.marks["body"], query.exact)


TEXT = (
    "Muqtada al-Sadr met Moqtada as-Sadr; Sadr's men and al-Sadr's aides. Ahmadi-Nejad spoke, "
    "then Ahmadinejad. E\u0301tat sadr-like, Sadrist, QADDAFI's Qaddafi-era, ex-Sadr, --Sadr, "
    "Qur'an and Qur’an, 'Sadr', Pe\u0302s\u0327merge and Pêşmerge, sadr2 2sadr al-al-Sadr."
)
TERMS = [
    terms({"sadr"}, words={"sadr", "muqtada", "moqtada"}),
    terms({"ahmadinejad"}, words={"ahmadinejad"}, compounds={"ahmadi-nejad"}),
    terms({"qaddafi"}, words={"qaddafi", "qur'an", "tat", "era"}),
    terms({"peshmerge"}, words={"peshmerge", "like", "sadr2"}),
    terms({"absent"}, words={"absent"}),
    terms(set(), prefixes={"sad", "qu"}),
]


#: ASCII text, which is searched by the beginnings of the marked words' exact forms.
ASCII_TEXT = (
    "Muqtada al-Sadr met Moqtada as-Sadr; Sadr's men and al-Sadr's aides. Ahmadi-Nejad spoke, "
    "then Ahmadinejad. O'Sadr and d'Qaddafi, sadr-like, Sadrist, QADDAFI's Qaddafi-era, "
    "ex-Sadr, --Sadr, Qur'an, 'Sadr', SADRS, Eras, era's, sadr2 2sadr al-al-Sadr Sadr."
)


@pytest.mark.parametrize("text", [TEXT, ASCII_TEXT], ids=["unicode", "ascii"])
@pytest.mark.parametrize("query", TERMS)
def test_same_spans_as_scanning_every_token(query, text):
    spans = match_spans(text, query)
    assert spans == every_token_scan(text, query)
    assert spans or query.exact == {"absent"}


def test_a_word_inside_another_is_not_marked():
    # "tat" is the end of "État" written with a combining accent, not a word of its own.
    query = terms({"tat"}, words={"tat"})
    assert match_spans("E\u0301tat and tat.", query) == [Span(10, 13, exact=True, word="tat")]


def test_article_and_compound_are_marked_whole():
    text = "Ahmadi-Nejad spoke."
    assert match_spans(text, TERMS[1]) == [Span(0, 12, exact=False, word="Ahmadi-Nejad")]
    text = "Moqtada al-Sadr"
    assert [(s.start, s.end) for s in match_spans(text, TERMS[0])] == [(0, 7), (8, 15)]


def marked(text: str, query: QueryTerms, field: str = "body") -> list[str]:
    return [text[s.start : s.end] for s in match_spans(text, query, field)]


def test_a_phrase_is_marked_only_where_it_stands_whole():
    slots = (frozenset({"muqtada", "moqtada"}), frozenset({ARTICLE_TERM}), frozenset({"sadr"}))
    query = terms({"muqtada", "sadr"}, phrases={(slots, 0)})
    text = "Sadr spoke. Then Moqtada al-Sadr came, and Muqtada met al-Sadr's men. Muqtada as-Sadr."
    assert marked(text, query) == ["Moqtada", "al-Sadr", "Muqtada", "as-Sadr"]


def test_a_proximity_phrase_marks_its_words_and_not_those_between():
    slots = (frozenset({"assad"}), frozenset({"regime"}))
    text = "The Assad family regime held. Assad spoke; much later came the regime."
    assert marked(text, terms({"assad"}, phrases={(slots, 1)})) == ["Assad", "regime"]
    assert marked(text, terms({"assad"}, phrases={(slots, 0)})) == []
    assert marked(text, terms({"assad"}, phrases={(slots, 9)})) == ["Assad", "regime"] * 2


def test_words_and_phrases_together_never_overlap():
    slots = (frozenset({"mahdi"}), frozenset({"army"}))
    query = terms({"mahdi", "army"}, words={"army"}, phrases={(slots, 0)})
    text = "The Mahdi Army and an army."
    assert marked(text, query) == ["Mahdi", "Army", "army"]


def test_a_word_searched_in_one_field_is_marked_there_only():
    query = QueryTerms(exact={"aleppo"})
    query.marks["title"].words.add("aleppo")
    assert marked("Aleppo falls", query, "title") == ["Aleppo"]
    assert marked("Aleppo falls", query, "body") == []


def _plain_marked_words(text: str, wanted: set[str], prefixes: tuple[str, ...]) -> set[str]:
    return {
        w
        for w in set(WORD_RE.findall(text))
        if exact_form(w) in wanted or (prefixes and exact_form(w).startswith(prefixes))
    }


def test_marked_words_of_real_articles_are_those_of_a_scan_of_every_word(shared):
    # ASCII text is searched by the beginnings of the exact forms; drawn here: words of the
    # article itself (plurals in -ies, possessives, capitals, apostrophes), prefixes, and words
    # of other articles, over articles of every corpus.
    rng = random.Random(3)
    checked = ascii_texts = 0
    for path in sorted((shared / "corpora").glob("*.jsonl")):
        with path.open(encoding="utf-8") as f:
            lines = [line for _, line in zip(range(300), f, strict=False)]
        vocabulary = [w for line in lines[:50] for w in WORD_RE.findall(line)]
        for line in lines:
            text = str(json.loads(line).get("body") or "")
            words = WORD_RE.findall(text)
            if not words:
                continue
            drawn = rng.sample(words, min(6, len(words))) + rng.sample(vocabulary, 3)
            wanted = {exact_form(w) for w in drawn}
            plural = [w for w in words if w.lower().endswith(("ies", "'s", "s"))]
            wanted |= {exact_form(w) for w in plural[:3]}
            prefixes = tuple(exact_form(w)[:3] for w in drawn[:2] if len(exact_form(w)) >= 3)
            for chosen in ((), prefixes):
                expected = _plain_marked_words(text, wanted, chosen)
                assert marked_words(text, wanted, chosen) == expected, (path.name, wanted)
            query = terms(set(), words=wanted, prefixes=set(prefixes))
            assert match_spans(text, query) == every_token_scan(text, query), path.name
            checked += 1
            ascii_texts += text.isascii()
    assert checked >= 1000 and ascii_texts >= 500
