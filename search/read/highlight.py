"""Finding the words of a stored text that a query matched, with exact character offsets.

What a query marks in each field is :class:`search.read.querybuild.Marks`: words (typed or other
spellings), hyphenated spellings, prefixes, marked wherever they stand; and phrases, marked only
where the whole phrase stands ("Muqtada al-Sadr" does not mark a lone Sadr). A word searched in
one field (``title:Aleppo``) is marked in that field only.

Without phrases, only the hyphenated compounds that hold a matched word are tokenized again,
with the index's own tokenizer. In text whose letters are ASCII (most news copy, whatever its
quotes and dashes) the marked words are found where the beginnings of their exact forms stand
(``str.find`` over the lower case), and a word that nothing joins to another is its own token.
In other text the distinct words are found with one regular expression (in C), each is looked
up by its exact form, and a second expression finds where the matching ones stand. A phrase
needs every word's position, so a text is tokenized whole for one.
Hyphenated compounds are marked whole ("Ahmadi-Nejad"), and so is an article in front of a
matched name ("al-Sadr").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from whoosh.analysis import Token

from search.analysis.analyzers import (
    ARTICLE_TERM,
    COMPOUND_RE,
    LETTER,
    WORD_RE,
    NewsTokenizer,
    compound_form,
)
from search.read.querybuild import Marks, PhraseMark, QueryTerms
from search.read.snippets import Span
from search.rules import exact_form
from search.rules.fold import APOSTROPHES
from search.rules.key import HYPHENS

_TOKENIZER = NewsTokenizer()
#: Punctuation beyond ASCII that news copy writes between ASCII words (no letter, and its own
#: lower case): a text of ASCII letters with these is searched as ASCII text is.
_OTHER_THAN_ASCII_LETTERS = re.compile("[^\x00-\x7f’‘“”—–…«»•·\u00a0′‐‑‒\ufffd]")
#: The apostrophes such text may write, other than ``'``.
_APOSTROPHES = "’‘′`"
#: What a compound is made of besides letters: where to look back for its start.
_JOINERS = frozenset(APOSTROPHES + HYPHENS)
_LETTER = re.compile(LETTER)


class _Word(NamedTuple):
    """One token of a text, kept (the tokenizer reuses its token objects)."""

    pos: int
    start: int
    end: int
    original: str
    article: bool
    compound: str
    compound_end: int


def _words(tokens: Iterable[Token]) -> list[_Word]:
    return [
        _Word(t.pos, t.startchar, t.endchar, t.original, t.article, t.compound, t.compound_end)
        for t in tokens
    ]


def match_spans(text: str, terms: QueryTerms, field: str = "body") -> list[Span]:
    """Every word of ``text`` (a ``field`` of an article) that the query matched, in order,
    never overlapping."""
    marks = terms.marks.get(field)
    if not marks:
        return []
    if marks.phrases:
        words = _words(_TOKENIZER(text, positions=True, chars=True, mode="index"))
        found = spans_of(words, marks, terms.exact) + _phrase_spans(words, marks, terms.exact)
        return _without_overlaps(found)
    return spans_of((w for words in _regions(text, marks) for w in words), marks, terms.exact)


def _region_words(region: re.Match[str]) -> list[_Word]:
    """The tokens of one compound of a text (see :func:`_compound_at`), as the tokenizer gives
    them; a single word (no hyphen, the commonest case) is its own token."""
    if region.end(1) == region.start(1):
        start, end = region.span()
        return [_Word(0, start, end, region.group(), False, "", end)]
    tokens = _TOKENIZER(
        region.group(), positions=True, chars=True, start_char=region.start(), mode="index"
    )
    return _words(tokens)


def spans_of(words: Iterable[_Word], marks: Marks, exact: set[str]) -> list[Span]:
    """The spans of the words that the query's words, hyphenated spellings and prefixes
    matched, in order (phrases aside)."""
    spans: list[Span] = []
    article_start: int | None = None
    covered = -1
    marked, prefixes, compounds = marks.words, tuple(marks.prefixes), marks.compounds
    for w in words:
        if w.start < covered:
            continue
        if w.article:
            if article_start is None:
                article_start = w.start
            continue
        start = w.start if article_start is None else article_start
        article_start = None
        if w.compound and compounds and compound_form(w.compound) in compounds:
            spans.append(Span(start, w.compound_end, exact=False, word=w.compound))
            covered = w.compound_end
            continue
        term = exact_form(w.original)
        if term in marked or (prefixes and term.startswith(prefixes)):
            spans.append(Span(start, w.end, exact=term in exact, word=w.original))
    return spans


def _phrase_spans(words: list[_Word], marks: Marks, exact: set[str]) -> list[Span]:
    """The spans of the words where a phrase of the query stands whole."""
    marked: set[int] = set()
    for phrase in marks.phrases:
        marked |= phrase_positions(words, phrase)
    spans: list[Span] = []
    article_start: int | None = None
    for w in words:
        if w.pos not in marked:
            article_start = None
            continue
        if w.article:
            if article_start is None:
                article_start = w.start
            continue
        start = w.start if article_start is None else article_start
        article_start = None
        spans.append(Span(start, w.end, exact=exact_form(w.original) in exact, word=w.original))
    return spans


def phrase_positions(words: list[_Word], phrase: PhraseMark) -> set[int]:
    """The positions of every word that takes part in an occurrence of ``phrase``: a word of
    each slot, in order, each at most ``slop`` + 1 positions after the one before."""
    slots, slop = phrase
    reach = slop + 1
    at: list[set[int]] = []
    for slot in slots:
        at.append(
            {
                w.pos
                for w in words
                if exact_form(w.original) in slot or (w.article and ARTICLE_TERM in slot)
            }
        )
    forward = [at[0]]
    for positions in at[1:]:
        forward.append({p for p in positions if any(0 < p - r <= reach for r in forward[-1])})
    backward = forward[-1]
    marked = set(backward)
    for positions in reversed(forward[:-1]):
        backward = {p for p in positions if any(0 < q - p <= reach for q in backward)}
        marked |= backward
    return marked


def _without_overlaps(spans: list[Span]) -> list[Span]:
    kept: list[Span] = []
    for span in sorted(spans, key=lambda s: (s.start, -s.end)):
        if kept and span.start < kept[-1].end:
            continue
        kept.append(span)
    return kept


def marked_words(text: str, wanted: set[str], prefixes: tuple[str, ...]) -> set[str]:
    """The distinct words of ``text`` (as ``WORD_RE`` finds them) whose exact form is one of
    ``wanted`` or starts with one of ``prefixes``."""
    found = _ascii_marked(text, wanted, prefixes)
    return _every_marked_word(text, wanted, prefixes) if found is None else set(found.values())


def _every_marked_word(text: str, wanted: set[str], prefixes: tuple[str, ...]) -> set[str]:
    """:func:`marked_words`, every distinct word of ``text`` folded (any text)."""
    return {
        w
        for w in set(WORD_RE.findall(text))
        if exact_form(w) in wanted or (prefixes and exact_form(w).startswith(prefixes))
    }


def _ascii_marked(text: str, wanted: set[str], prefixes: tuple[str, ...]) -> dict[int, str] | None:
    """Where each word of :func:`marked_words` starts in ``text``, for text whose letters are
    ASCII, whatever its quotes and dashes (None for other text).

    There a word's exact form is its lower case, every apostrophe written ``'``, with a
    possessive or a plural's end taken off (*countries* gives *country*), so every such word
    starts with its exact form less the last letter. Those beginnings are looked up in the
    text's lower case (``str.find``, no regular expression over every word), and only the
    words that start there are read.
    """
    beginnings = {form[:-1] for form in wanted} | {p[:-1] for p in prefixes}
    if min(map(len, beginnings), default=2) < 2:
        return None
    lowered = text.lower()
    if not text.isascii():
        if _OTHER_THAN_ASCII_LETTERS.search(text):
            return None
        # Every apostrophe as the exact forms write it: the same length, so the same offsets.
        for apostrophe in _APOSTROPHES:
            lowered = lowered.replace(apostrophe, "'")
    found: dict[int, str] = {}
    for beginning in beginnings:
        at = lowered.find(beginning)
        while at >= 0:
            before = lowered[at - 1] if at else " "
            # A word starts here unless a letter, or a letter and an apostrophe, come before.
            if not before.isalnum() and not (
                before == "'" and at > 1 and lowered[at - 2].isalnum()
            ):
                match = WORD_RE.match(text, at)
                exact = exact_form(match.group()) if match else ""
                if exact and (exact in wanted or (prefixes and exact.startswith(prefixes))):
                    found[at] = match.group()  # type: ignore[union-attr]
            at = lowered.find(beginning, at + 1)
    return found


def _regions(text: str, marks: Marks) -> Iterator[list[_Word]]:
    """The tokens of each compound of ``text`` (as the tokenizer finds them) that holds a word
    the query marks, or a part of a hyphenated spelling it marks, in order."""
    wanted = set(marks.words)
    for compound in marks.compounds:
        wanted.update(compound.split("-"))
    prefixes = tuple(marks.prefixes)
    ascii_starts = _ascii_marked(text, wanted, prefixes)
    end = 0
    if ascii_starts is not None:
        size = len(text)
        for start in sorted(ascii_starts):
            if start < end:
                continue
            word = ascii_starts[start]
            stop = start + len(word)
            if (not start or text[start - 1] not in _JOINERS) and (
                stop == size or text[stop] not in HYPHENS
            ):
                # Nothing joins the word to another: it is a compound of one word, and a token.
                end = stop
                yield [_Word(0, start, stop, word, False, "", stop)]
                continue
            region = _compound_at(text, start)
            if region is not None:
                end = region.end()
                yield _region_words(region)
        return
    # Every place a marked word stands, whole: also inside a word joined by an apostrophe
    # ("O'Sadr"), whose compound then marks nothing.
    words = _every_marked_word(text, wanted, prefixes)  # (not ASCII: known already)
    if not words:
        return
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    found = re.compile(rf"(?<!{LETTER})(?:{alternatives})(?!{LETTER})")
    for m in found.finditer(text):
        if m.start() < end:
            continue
        region = _compound_at(text, m.start())
        if region is not None:
            end = region.end()
            yield _region_words(region)


def _compound_at(text: str, start: int) -> re.Match[str] | None:
    """The compound of ``text`` that holds the word starting at ``start`` (None if none)."""
    j = start
    while j > 0 and (text[j - 1] in _JOINERS or _LETTER.fullmatch(text[j - 1])):
        j -= 1
    region = COMPOUND_RE.search(text, j)
    while region is not None and region.end() <= start:
        region = COMPOUND_RE.search(text, region.end())
    if region is None or region.start() > start:
        return None
    return region


__all__ = ["marked_words", "match_spans", "phrase_positions", "spans_of"]
