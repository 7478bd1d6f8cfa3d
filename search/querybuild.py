"""From a parsed query to a Whoosh query that reaches every spelling, exact spelling first.

A query word becomes an OR of its spellings in the archive (see :mod:`search.variants`), in the
title and body fields. Every spelling of one word is weighted with the same pooled inverse
document frequency, so a rare variant does not outweigh a common exact spelling, times its
tier's weight: the exact spelling typed counts fully, a variant a third or less. The article
that writes what the user typed therefore ranks first.

A phrase becomes the exact phrase, OR a sequence of per-word OR groups of spellings, which is how
"Moqtada al-Sadr" finds "Muqtada al-Sadr" (and "Muqtada as-Sadr", and "Muqtada Sadr").

With ``exact`` (the search's "exact spelling only" switch) no other spelling is reached: each
word is its exact-word term alone, and a phrase (or a name written with its article, "al-Sadr")
the exact phrase alone.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import product

from whoosh import query as wq

from search import querylang as ql
from search.analysis import ARTICLE_TERM, NewsTokenizer, compound_form
from search.errors import QueryError
from search.rules import bare_possessive, exact_form, spelling_key
from search.schema import FIELD_BOOSTS
from search.variants import Spelling, VariantFinder

_TOKENIZER = NewsTokenizer()
FIELDS = ("title", "body")
#: Phrases with more articles than this do not also try every article left out.
_MAX_OPTIONAL_ARTICLES = 2
#: The weight of a phrase matched through other spellings, relative to the exact phrase.
_PHRASE_VARIANT_WEIGHT = 0.5


@dataclass(frozen=True)
class QueryToken:
    """One word of a query as the analyzers see it."""

    original: str
    exact: str
    key: str
    article: bool
    compound: str  # the hyphenated compound of names this word starts, if any


@dataclass
class QueryTerms:
    """What a query looks for: for highlighting, and for telling users what it reached."""

    exact: set[str] = field(default_factory=set)  # the words typed, as exact-word terms
    spellings: set[str] = field(default_factory=set)  # every spelling searched, typed or not
    compounds: set[str] = field(default_factory=set)  # hyphenated spellings ("ahmadi-nejad")
    reached: dict[str, Spelling] = field(default_factory=dict)  # variants found in the index
    # The words typed that reached other spellings (and a typed word's possessive written
    # without its apostrophe, "Qaidas" for Qaida): the articles holding them come first.
    varied: set[str] = field(default_factory=set)


def query_tokens(text: str) -> list[QueryToken]:
    """Split one query word or phrase into tokens, as the index's analyzers would."""
    tokens = []
    for t in _TOKENIZER(text, mode="query"):
        exact = exact_form(t.original)
        if exact:
            tokens.append(
                QueryToken(
                    original=t.original,
                    exact=exact,
                    key="" if t.article else spelling_key(t.original),
                    article=t.article,
                    compound=t.compound,
                )
            )
    return tokens


def _idf(doc_count: int, doc_frequency: int) -> float:
    """Whoosh's inverse document frequency, as its BM25F scorer computes it (1 for an empty
    index, where nothing is scored)."""
    return math.log(max(doc_count, 1) / (doc_frequency + 1)) + 1


class QueryBuilder:
    """Builds Whoosh queries for one reader (its vocabulary decides the spellings reached);
    with ``exact``, for the words as typed only."""

    def __init__(self, finder: VariantFinder, exact: bool = False) -> None:
        self.finder = finder
        self.reader = finder.reader
        self.exact = exact
        self.terms = QueryTerms()

    def build(self, node: ql.Node) -> wq.Query:
        return self._node(node, positive=True)

    # Tree walking ---------------------------------------------------------------------------

    def _node(self, node: ql.Node, positive: bool) -> wq.Query:
        if isinstance(node, ql.Word):
            return self._word(node.text, positive)
        if isinstance(node, ql.Phrase):
            return self._phrase(" ".join(node.words), positive)
        if isinstance(node, ql.Not):
            return self._node(node.node, positive=False)
        if isinstance(node, ql.Or):
            return wq.Or([self._node(n, positive) for n in node.nodes])
        include = [self._node(n, positive) for n in node.nodes if not isinstance(n, ql.Not)]
        exclude = [self._node(n, positive) for n in node.nodes if isinstance(n, ql.Not)]
        matched: wq.Query = include[0] if len(include) == 1 else wq.And(include)
        if exclude:
            negative = exclude[0] if len(exclude) == 1 else wq.Or(exclude)
            matched = wq.AndNot(matched, negative)
        return matched

    def _word(self, text: str, positive: bool) -> wq.Query:
        tokens = query_tokens(text)
        if not tokens:
            raise QueryError(f"nothing to search for in {text!r}: it has no letters or digits")
        if len(tokens) == 1:
            return self._token(tokens[0], positive)
        names = [t for t in tokens if not t.article]
        if len(names) == 1 and not self.exact:
            # "al-Sadr": the exact form with its article, or any spelling of the name alone.
            return wq.Or([*self._exact_phrases(tokens), self._token(names[0], positive)])
        return self._phrase(text, positive)

    def _phrase(self, text: str, positive: bool) -> wq.Query:
        tokens = query_tokens(text)
        if not tokens:
            raise QueryError(f'nothing to search for in "{text}": it has no letters or digits')
        if len(tokens) == 1:
            return self._token(tokens[0], positive)
        alternatives = self._exact_phrases(tokens)
        groups = {id(t): self._spellings(t, positive) for t in tokens}
        if self.exact:
            return wq.Or(alternatives)
        variants = _article_variants(tokens)
        if any(groups.values()) or len(variants) > 1:
            for variant in variants:
                for f in FIELDS:
                    sequence = [self._group(t, groups[id(t)], f) for t in variant]
                    boost = FIELD_BOOSTS[f] * _PHRASE_VARIANT_WEIGHT
                    alternatives.append(wq.Sequence(sequence, boost=boost))
        first = next(t for t in tokens if not t.article)
        if first.compound and len(tokens) - tokens.index(first) == _parts(first.compound):
            # A hyphenated compound ("Ahmadi-Nejad") also matches its joined spellings.
            joined = QueryToken(
                first.compound,
                compound_form(first.compound),
                spelling_key(first.compound),
                article=False,
                compound="",
            )
            alternatives.append(self._token(joined, positive))
        return wq.Or(alternatives)

    # Leaves -----------------------------------------------------------------------------------

    def _spellings(self, token: QueryToken, positive: bool) -> list[Spelling]:
        """The accepted spellings of a token other than its own, recorded for highlighting."""
        if token.article:
            return []
        if positive:
            self.terms.exact.add(token.exact)
            self.terms.spellings.add(token.exact)
        if self.exact:
            return []
        reached = self.finder.reach(token.original, token.exact, token.key)
        accepted = [s for s in reached if s.accepted]
        if positive and accepted:
            self.terms.varied.add(token.exact)
            possessive = bare_possessive(token.exact)
            for s in accepted:
                if s.tier == "possessive" and s.text == possessive:
                    self.terms.varied.add(s.text)
                self.terms.reached.setdefault(s.text, s)
                (self.terms.compounds if "-" in s.text else self.terms.spellings).add(s.text)
        return accepted

    def _exact_phrases(self, tokens: list[QueryToken]) -> list[wq.Query]:
        words = [t.exact for t in tokens]
        return [wq.Phrase(f, words, boost=FIELD_BOOSTS[f]) for f in FIELDS]

    def _token(self, token: QueryToken, positive: bool) -> wq.Query:
        """Any spelling of one word, each weighted by its tier on a shared idf."""
        spellings = self._spellings(token, positive)
        alternatives = [(token.exact, 1.0)] + [
            (s.text, s.weight) for s in spellings if "-" not in s.text
        ]
        parts: list[wq.Query] = []
        total = self.reader.doc_count_all()
        for f in FIELDS:
            frequencies = {text: self.reader.doc_frequency(f, text) for text, _ in alternatives}
            pooled = _idf(total, min(total, sum(frequencies.values())))
            for text, weight in alternatives:
                if frequencies[text] or text == token.exact:
                    boost = FIELD_BOOSTS[f] * weight * pooled / _idf(total, frequencies[text])
                    parts.append(wq.Term(f, text, boost=boost))
            for s in spellings:
                if "-" in s.text:
                    parts.append(wq.Phrase(f, s.words, boost=FIELD_BOOSTS[f] * s.weight))
        return parts[0] if len(parts) == 1 else wq.Or(parts)

    def _group(self, token: QueryToken, spellings: list[Spelling], f: str) -> wq.Query:
        """One position of a cross-spelling phrase: the word in any spelling, or any hyphenated
        article (one term, :data:`search.analysis.ARTICLE_TERM`)."""
        if token.article:
            return wq.Term(f, ARTICLE_TERM)
        words = [token.exact] + [s.text for s in spellings if "-" not in s.text]
        return wq.Term(f, words[0]) if len(words) == 1 else wq.Or([wq.Term(f, w) for w in words])


def _parts(compound: str) -> int:
    return len(compound_form(compound).split("-"))


def _article_variants(tokens: list[QueryToken]) -> list[list[QueryToken]]:
    """The token list with and without each hyphenated article ("al-Sadr" and "Sadr")."""
    articles = [i for i, t in enumerate(tokens) if t.article]
    if not articles or len(articles) > _MAX_OPTIONAL_ARTICLES:
        return [tokens]
    variants = []
    for keep in product((True, False), repeat=len(articles)):
        dropped = {i for i, k in zip(articles, keep, strict=True) if not k}
        variant = [t for i, t in enumerate(tokens) if i not in dropped]
        if len(variant) > 1:
            variants.append(variant)
    return variants or [tokens]
