"""Finding the words of a stored text that a query matched, with exact character offsets.

The text is tokenized again with the index's own tokenizer, and each word is tested the way the
index would have matched it: its exact form against the query's exact words, and (for name-like
words only, as in the index) its spelling key against the keys the query reached. Hyphenated
compounds are marked whole ("Ahmadi-Nejad"), and so is an article in front of a matched name
("al-Sadr").
"""

from __future__ import annotations

from search.analysis import NewsTokenizer
from search.querybuild import QueryTerms
from search.rules import exact_form, is_name_like, spelling_key
from search.snippets import Span

_TOKENIZER = NewsTokenizer()


def match_spans(text: str, terms: QueryTerms) -> list[Span]:
    """Every word of ``text`` that the query matched, in order, never overlapping."""
    spans: list[Span] = []
    article_start: int | None = None
    covered = -1
    for t in _TOKENIZER(text, chars=True, mode="index"):
        if t.startchar < covered:
            continue
        if t.article:
            article_start = article_start if article_start is not None else t.startchar
            continue
        start = article_start if article_start is not None else t.startchar
        article_start = None
        name_like = is_name_like(t.original)
        if t.compound and name_like and spelling_key(t.compound) in terms.keys:
            spans.append(Span(start, t.compound_end, exact=False, word=t.compound))
            covered = t.compound_end
            continue
        if exact_form(t.original) in terms.exact:
            spans.append(Span(start, t.endchar, exact=True, word=t.original))
        elif name_like and spelling_key(t.original) in terms.keys:
            spans.append(Span(start, t.endchar, exact=False, word=t.original))
    return spans
