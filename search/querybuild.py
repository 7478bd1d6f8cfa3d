"""From a parsed query to a Whoosh query that reaches every spelling, exact spelling first.

A query word becomes an OR over tiers, each with its own boost (see ``FIELD_BOOSTS``):

1. the exact word in ``title`` and ``body``;
2. its spelling key in ``title_key`` and ``body_key``;
3. the index's keys accepted by the skeleton guard or the alias table, boosted lower still.

A document matching the exact spelling also matches its key, so it always outranks one that
only has a variant. A phrase becomes an exact phrase, OR a sequence of per-word OR groups that
may mix fields, which is how "Moqtada al-Sadr" finds "Muqtada al-Sadr".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import product

from whoosh import query as wq

from search import querylang as ql
from search.analysis import ARTICLES, NewsTokenizer
from search.errors import QueryError
from search.rules import exact_form, spelling_key
from search.schema import FIELD_BOOSTS, VARIANT_BOOST
from search.variants import KeyVariant, VariantFinder

_TOKENIZER = NewsTokenizer()
#: Phrases with more articles than this do not also try every article left out.
_MAX_OPTIONAL_ARTICLES = 2


@dataclass(frozen=True)
class QueryToken:
    """One word of a query as the analyzers see it."""

    original: str
    exact: str
    key: str
    article: bool
    compound: str  # the hyphenated compound this word starts, if any


@dataclass
class QueryTerms:
    """What a query looks for, for highlighting and for telling users what it reached."""

    exact: set[str] = field(default_factory=set)
    keys: set[str] = field(default_factory=set)
    variants: dict[str, KeyVariant] = field(default_factory=dict)


def query_tokens(text: str) -> list[QueryToken]:
    """Split one query word or phrase into tokens, as the index's analyzers would."""
    tokens = []
    for t in _TOKENIZER(text, mode="query"):
        exact = exact_form(t.original)
        if not exact:
            continue
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


class QueryBuilder:
    """Builds Whoosh queries for one reader (the reader's spellings decide the variants)."""

    def __init__(self, finder: VariantFinder) -> None:
        self.finder = finder
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
        if not include:  # parse_query guarantees a positive part at the top level
            include = [wq.Every()]
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
        if len(names) == 1:
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
        for variant in _article_variants(tokens):
            for fields in (("title", "title_key"), ("body", "body_key")):
                groups = [self._group(t, fields, positive) for t in variant]
                alternatives.append(wq.Sequence(groups, boost=FIELD_BOOSTS[fields[1]]))
        # A hyphenated compound ("Ahmadi-Nejad") also matches its joined spelling.
        compound = tokens[0].compound if not tokens[0].article else ""
        if compound and len(tokens) == len(compound.replace("‐", "-").split("-")):
            joined = spelling_key(compound)
            if joined:
                alternatives.append(self._keys(joined, positive))
        return wq.Or(alternatives)

    # Leaves -----------------------------------------------------------------------------------

    def _exact_phrases(self, tokens: list[QueryToken]) -> list[wq.Query]:
        words = [t.exact for t in tokens]
        return [wq.Phrase(f, words, boost=FIELD_BOOSTS[f]) for f in ("title", "body")]

    def _token(self, token: QueryToken, positive: bool) -> wq.Query:
        if positive:
            self.terms.exact.add(token.exact)
        parts: list[wq.Query] = [
            wq.Term(f, token.exact, boost=FIELD_BOOSTS[f]) for f in ("title", "body")
        ]
        if token.key:
            parts.append(self._keys(token.key, positive))
        return wq.Or(parts)

    def _variants(self, key: str, positive: bool) -> list[tuple[str, float]]:
        """(key, boost factor) for the key itself and each variant the index holds."""
        reached = [(key, 1.0)]
        for variant in self.finder.variants(key):
            if positive:
                self.terms.variants.setdefault(variant.key, variant)
            if variant.key != key:
                reached.append((variant.key, VARIANT_BOOST))
        if positive:
            self.terms.keys.update(k for k, _ in reached)
        return reached

    def _keys(self, key: str, positive: bool) -> wq.Query:
        return wq.Or(
            [
                wq.Term(f, k, boost=FIELD_BOOSTS[f] * factor)
                for k, factor in self._variants(key, positive)
                for f in ("title_key", "body_key")
            ]
        )

    def _group(self, token: QueryToken, fields: tuple[str, str], positive: bool) -> wq.Query:
        """One position of a cross-spelling phrase: the word in any spelling, or any article."""
        exact_field, key_field = fields
        if token.article:
            return wq.Or([wq.Term(exact_field, a) for a in sorted(ARTICLES)])
        if positive:
            self.terms.exact.add(token.exact)
        parts: list[wq.Query] = [wq.Term(exact_field, token.exact)]
        if token.key:
            parts += [wq.Term(key_field, k) for k, _ in self._variants(token.key, positive)]
        return parts[0] if len(parts) == 1 else wq.Or(parts)


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
