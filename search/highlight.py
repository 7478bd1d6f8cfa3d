"""Finding the words of a stored text that a query matched, with exact character offsets.

The text is tokenized again with the index's own tokenizer, and each word's exact form is looked
up among the spellings the query searched (:class:`search.querybuild.QueryTerms`). Hyphenated
compounds are marked whole ("Ahmadi-Nejad"), and so is an article in front of a matched name
("al-Sadr").
"""

from __future__ import annotations

from search.analysis import NewsTokenizer, compound_form
from search.querybuild import QueryTerms
from search.rules import exact_form
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
