"""Finding the words of a stored text that a query matched, with exact character offsets.

Only the hyphenated compounds that hold a matched word are tokenized again, with the index's
own tokenizer: the text's distinct words are found with one regular expression (in C), each is
looked up by its exact form among the spellings the query searched
(:class:`search.querybuild.QueryTerms`), and a second expression finds where the matching ones
stand. Hyphenated compounds are marked whole ("Ahmadi-Nejad"), and so is an article in front of
a matched name ("al-Sadr").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from whoosh.analysis import Token

from search.analysis import COMPOUND_RE, LETTER, WORD_RE, NewsTokenizer, compound_form
from search.querybuild import QueryTerms
from search.rules import exact_form
from search.rules.fold import APOSTROPHES
from search.rules.key import HYPHENS
from search.snippets import Span

_TOKENIZER = NewsTokenizer()
#: What a compound is made of besides letters: where to look back for its start.
_JOINERS = frozenset(APOSTROPHES + HYPHENS)
_LETTER = re.compile(LETTER)


def match_spans(text: str, terms: QueryTerms) -> list[Span]:
    """Every word of ``text`` that the query matched, in order, never overlapping."""
    return spans_of(
        (
            t
            for region in _regions(text, terms)
            for t in _TOKENIZER(region.group(), chars=True, start_char=region.start(), mode="index")
        ),
        terms,
    )


def spans_of(tokens: Iterable[Token], terms: QueryTerms) -> list[Span]:
    """The spans of the tokens (made with ``chars=True``) that the query matched, in order."""
    spans: list[Span] = []
    article_start: int | None = None
    covered = -1
    for t in tokens:
        if t.startchar < covered:
            continue
        if t.article:
            if article_start is None:
                article_start = t.startchar
            continue
        start = t.startchar if article_start is None else article_start
        article_start = None
        if t.compound and terms.compounds and compound_form(t.compound) in terms.compounds:
            spans.append(Span(start, t.compound_end, exact=False, word=t.compound))
            covered = t.compound_end
            continue
        exact = exact_form(t.original)
        if exact in terms.spellings:
            spans.append(Span(start, t.endchar, exact=exact in terms.exact, word=t.original))
    return spans


def _regions(text: str, terms: QueryTerms) -> Iterator[re.Match[str]]:
    """The compounds of ``text`` (as the tokenizer finds them) that hold a word the query
    searched, or a part of a hyphenated spelling it searched, in order."""
    wanted = set(terms.spellings)
    for compound in terms.compounds:
        wanted.update(compound.split("-"))
    words = {w for w in set(WORD_RE.findall(text)) if exact_form(w) in wanted}
    if not words:
        return
    alternatives = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    found = re.compile(rf"(?<!{LETTER})(?:{alternatives})(?!{LETTER})")
    end = 0
    for m in found.finditer(text):
        if m.start() < end:
            continue
        j = m.start()
        while j > 0 and (text[j - 1] in _JOINERS or _LETTER.fullmatch(text[j - 1])):
            j -= 1
        region = COMPOUND_RE.search(text, j)
        while region is not None and region.end() <= m.start():
            region = COMPOUND_RE.search(text, region.end())
        if region is None or region.start() > m.start():
            continue
        end = region.end()
        yield region
