"""From a parsed query to a query tree that reaches every spelling, exact spelling first.

A query word becomes an OR of its spellings in the archive (see :mod:`search.read.variants`), in the
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

from search.analysis.analyzers import ARTICLE_TERM, NewsTokenizer, compound_form
from search.errors import QueryError
from search.read import querylang as ql
from search.read import tree as qt
from search.read.budget import UNLIMITED, Budget
from search.read.variants import Spelling, VariantFinder
from search.rules import bare_possessive, exact_form, fold, spelling_key
from search.rules.fold import strip_possessive

_TOKENIZER = NewsTokenizer()
FIELDS = ("title", "body")
#: Query boosts per field: a title match counts twice a body match.
FIELD_BOOSTS = {"title": 2.0, "body": 1.0}
#: Phrases with more articles than this do not also try every article left out.
_MAX_OPTIONAL_ARTICLES = 2
#: The weight of a phrase matched through other spellings, relative to the exact phrase.
_PHRASE_VARIANT_WEIGHT = 0.5
#: A prefix search ("Alep*") needs this many letters, and may stand for this many words.
MIN_PREFIX = 2
MAX_PREFIX_WORDS = 1000


@dataclass(frozen=True)
class QueryToken:
    """One word of a query as the analyzers see it."""

    original: str
    exact: str
    key: str
    article: bool
    compound: str  # the hyphenated compound of names this word starts, if any


#: One phrase searched: the terms each position may hold (:data:`ARTICLE_TERM` for any
#: hyphenated article), and how many words may stand between one position and the next.
PhraseMark = tuple[tuple[frozenset[str], ...], int]


@dataclass
class Marks:
    """What a query marks in one field's text: words wherever they stand, phrases only where
    they stand whole."""

    words: set[str] = field(default_factory=set)  # exact-word terms, typed or reached
    compounds: set[str] = field(default_factory=set)  # hyphenated spellings ("ahmadi-nejad")
    prefixes: set[str] = field(default_factory=set)  # words whose exact form begins so
    phrases: set[PhraseMark] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.words or self.compounds or self.prefixes or self.phrases)


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
    # The phrases typed (a hyphenated compound among them: "Ahmadi-Nejad"), as exact-word terms
    # and the slop allowed between them; when a word of one reached other spellings
    # (varied_phrases), the articles where the phrase stands as typed come first.
    typed_phrases: set[tuple[tuple[str, ...], int]] = field(default_factory=set)
    varied_phrases: bool = False

    def typed_query(self, fields: tuple[str, ...]) -> qt.Query | None:
        """What an article writes when it writes the query as typed (None: nothing varied)."""
        if not (self.varied or self.varied_phrases):
            return None
        parts: list[qt.Query] = [qt.Term(f, t) for t in sorted(self.varied) for f in fields]
        if self.varied_phrases:
            parts += [
                qt.Phrase(f, tuple(words), slop=slop + 1)
                for words, slop in sorted(self.typed_phrases)
                for f in fields
            ]
        return qt.Or(tuple(parts))

    # What to mark in each field: a word searched in the title only is not marked in the body.
    marks: dict[str, Marks] = field(default_factory=lambda: {f: Marks() for f in FIELDS})


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
    """Builds query trees (:mod:`search.read.tree`) for one index (its vocabulary decides the
    spellings reached); with ``exact``, for the words as typed only.

    The tree it builds is a description of the matches, evaluated by an engine: terms,
    phrases (``Phrase``, or a ``Sequence`` of OR groups of terms), ``Or``, ``And``, and
    ``AndNot`` with ``Every`` for an exclusion that stands alone inside an ``Or``.
    """

    def __init__(
        self,
        finder: VariantFinder,
        exact: bool = False,
        budget: Budget = UNLIMITED,
        without: frozenset[str] = frozenset(),
    ) -> None:
        """``without``: spellings (exact forms) switched off: not searched for the words that
        would reach them (a word typed is searched whatever)."""
        self.finder = finder
        self.reader = finder.reader
        self.exact = exact
        self.budget = budget
        self.without = without
        self.terms = QueryTerms()

    def build(self, node: ql.Node) -> qt.Query:
        return self._node(node, positive=True, fields=FIELDS)

    # Tree walking ---------------------------------------------------------------------------

    def _node(self, node: ql.Node, positive: bool, fields: tuple[str, ...]) -> qt.Query:
        """``positive``: whether the node's words are searched for (not excluded), counting
        every exclusion it stands under; ``fields``: the fields it is searched in."""
        if isinstance(node, ql.Word):
            return self._word(node.text, positive, fields)
        if isinstance(node, ql.Prefix):
            return self._prefix(node.text, positive, fields)
        if isinstance(node, ql.Phrase):
            if len(node.words) == 1:  # one word quoted is the word ("al-Zubaydi")
                return self._word(node.words[0], positive, fields)
            return self._phrase(" ".join(node.words), positive, fields, node.slop)
        if isinstance(node, ql.Field):
            return self._node(node.node, positive, (node.name,))
        if isinstance(node, ql.Not):  # alone (inside an Or): every article but its matches
            return qt.AndNot(qt.Every(), self._node(node.node, not positive, fields))
        if isinstance(node, ql.Or):
            return qt.Or(tuple(self._node(n, positive, fields) for n in node.nodes))
        include = [self._node(n, positive, fields) for n in node.nodes if not isinstance(n, ql.Not)]
        exclude = [
            self._node(n.node, not positive, fields) for n in node.nodes if isinstance(n, ql.Not)
        ]
        matched: qt.Query = (
            qt.Every()
            if not include
            else include[0]
            if len(include) == 1
            else qt.And(tuple(include))
        )
        if exclude:
            negative = exclude[0] if len(exclude) == 1 else qt.Or(tuple(exclude))
            matched = qt.AndNot(matched, negative)
        return matched

    def _word(self, text: str, positive: bool, fields: tuple[str, ...]) -> qt.Query:
        tokens = query_tokens(text)
        if not tokens:
            raise QueryError(f"nothing to search for in {text!r}: it has no letters or digits")
        if len(tokens) == 1:
            return self._token(tokens[0], positive, fields)
        names = [t for t in tokens if not t.article]
        if len(names) == 1 and not self.exact:
            # "al-Sadr": the exact form with its article, or any spelling of the name alone
            # (which marks the article in front of it too: search.read.highlight).
            phrases = self._exact_phrases(tokens, fields, 0)
            return qt.Or((*phrases, self._token(names[0], positive, fields)))
        return self._phrase(text, positive, fields, 0)

    def _phrase(self, text: str, positive: bool, fields: tuple[str, ...], slop: int) -> qt.Query:
        tokens = query_tokens(text)
        if not tokens:
            raise QueryError(f'nothing to search for in "{text}": it has no letters or digits')
        if len(tokens) == 1:
            return self._token(tokens[0], positive, fields)
        alternatives = self._exact_phrases(tokens, fields, slop, positive)
        if all(t.article for t in tokens):
            return qt.Or(tuple(alternatives))  # articles with no name after them: as written
        if positive:
            self.terms.typed_phrases.add((tuple(t.exact for t in tokens), slop))
        groups = {id(t): self._spellings(t, positive, phrase=True) for t in tokens}
        if self.exact:
            return qt.Or(tuple(alternatives))
        variants = _article_variants(tokens)
        if any(groups.values()) or any(t.article for t in tokens):
            for variant in variants:
                slots = [self._slot(t, groups[id(t)]) for t in variant]
                for f in fields:
                    sequence = [
                        qt.Term(f, next(iter(s))) if len(s) == 1 else qt.Or(_terms(f, s))
                        for s in slots
                    ]
                    boost = FIELD_BOOSTS[f] * _PHRASE_VARIANT_WEIGHT
                    alternatives.append(qt.Sequence(tuple(sequence), slop=slop + 1, boost=boost))
                    if positive:
                        self.terms.marks[f].phrases.add((tuple(slots), slop))
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
            alternatives.append(self._token(joined, positive, fields, typed=False))
        return qt.Or(tuple(alternatives))

    def _prefix(self, text: str, positive: bool, fields: tuple[str, ...]) -> qt.Query:
        """Every word of the archive whose exact form begins with the prefix's folded form
        (and the prefix's own exact form: "protests*" finds "protests", indexed as protest),
        as written: no other spellings."""
        tokens = query_tokens(text)
        if len(tokens) != 1 or tokens[0].article:
            raise QueryError(f"a wildcard goes at the end of one word, not of {text + '*'!r}")
        form = prefix_form(tokens[0].original)
        if len(form) < MIN_PREFIX:
            raise QueryError(f"a wildcard needs at least {MIN_PREFIX} letters before it")
        self.budget.check()
        words = {tokens[0].exact}
        for f in fields:
            for raw in self.reader.expand_prefix(f, form):
                words.add(raw.decode("utf-8"))
                if len(words) > MAX_PREFIX_WORDS:
                    raise QueryError(
                        f"{text}* matches more than {MAX_PREFIX_WORDS:,} words of the archive: "
                        "type more letters"
                    )
        words.discard(ARTICLE_TERM)
        if positive:
            for f in fields:
                self.terms.marks[f].prefixes.add(form)
                self.terms.marks[f].words.add(tokens[0].exact)
        return self._weighted([(w, 1.0) for w in sorted(words)], fields, tokens[0].exact)

    # Leaves -----------------------------------------------------------------------------------

    def _spellings(self, token: QueryToken, positive: bool, phrase: bool = False) -> list[Spelling]:
        """The accepted spellings of a token other than its own, recorded for the response;
        ``phrase``: the token is a word of a phrase (the phrase as typed is what ranks first,
        :attr:`QueryTerms.typed_phrases`, not its words alone)."""
        if token.article:
            return []
        self.budget.check()
        if positive:
            self.terms.exact.add(token.exact)
            self.terms.spellings.add(token.exact)
        if self.exact:
            return []
        reached = self.finder.reach(token.original, token.exact, token.key)
        accepted = [s for s in reached if s.accepted and s.text not in self.without]
        if positive and accepted:
            if phrase:
                self.terms.varied_phrases = True
            else:
                self.terms.varied.add(token.exact)
            possessive = bare_possessive(token.exact)
            for s in accepted:
                if s.tier == "possessive" and s.text == possessive and not phrase:
                    self.terms.varied.add(s.text)
                self.terms.reached.setdefault(s.text, s)
                if "-" not in s.text:
                    self.terms.spellings.add(s.text)
        return accepted

    def _exact_phrases(
        self, tokens: list[QueryToken], fields: tuple[str, ...], slop: int, mark: bool = False
    ) -> list[qt.Query]:
        words = [t.exact for t in tokens]
        if mark:
            for f in fields:
                self.terms.marks[f].phrases.add((tuple(frozenset((w,)) for w in words), slop))
        return [qt.Phrase(f, tuple(words), slop=slop + 1, boost=FIELD_BOOSTS[f]) for f in fields]

    def _token(
        self, token: QueryToken, positive: bool, fields: tuple[str, ...], typed: bool = True
    ) -> qt.Query:
        """Any spelling of one word, each weighted by its tier on a shared idf; ``typed``: the
        word is typed as such (not the joined spelling of a compound typed)."""
        spellings = self._spellings(token, positive, phrase=not typed)
        alternatives = [(token.exact, 1.0)] + [
            (s.text, s.weight) for s in spellings if "-" not in s.text
        ]
        compounds = [s for s in spellings if "-" in s.text]
        if positive:
            for f in fields:
                self.terms.marks[f].words.update(text for text, _ in alternatives)
                self.terms.marks[f].compounds.update(s.text for s in compounds)
            self.terms.compounds.update(s.text for s in compounds)
        query = self._weighted(alternatives, fields, token.exact)
        phrases = [
            qt.Phrase(f, tuple(s.words), boost=FIELD_BOOSTS[f] * s.weight)
            for f in fields
            for s in compounds
        ]
        if not phrases:
            return query
        return qt.Or((*(query.subqueries if isinstance(query, qt.Or) else (query,)), *phrases))

    def _weighted(
        self, alternatives: list[tuple[str, float]], fields: tuple[str, ...], own: str
    ) -> qt.Query:
        """An OR of terms that stand for one word, each weighted by ``weight`` on the idf the
        alternatives share (so that a rare spelling does not outweigh a common one). ``own``,
        the word as typed, is searched even where the index lacks it."""
        parts: list[qt.Query] = []
        total = self.reader.doc_count_all()
        for f in fields:
            frequencies = {text: self.finder.doc_frequency(f, text) for text, _ in alternatives}
            pooled = _idf(total, min(total, sum(frequencies.values())))
            for text, weight in alternatives:
                if frequencies[text] or text == own:
                    boost = FIELD_BOOSTS[f] * weight * pooled / _idf(total, frequencies[text])
                    parts.append(qt.Term(f, text, boost=boost))
        return parts[0] if len(parts) == 1 else qt.Or(tuple(parts))

    def _slot(self, token: QueryToken, spellings: list[Spelling]) -> frozenset[str]:
        """The terms one position of a cross-spelling phrase may hold: the word in any
        spelling, or for a hyphenated article any article (one term,
        :data:`search.analysis.analyzers.ARTICLE_TERM`)."""
        if token.article:
            return frozenset((ARTICLE_TERM,))
        return frozenset([token.exact] + [s.text for s in spellings if "-" not in s.text])


def _terms(fieldname: str, texts: frozenset[str]) -> tuple[qt.Query, ...]:
    return tuple(qt.Term(fieldname, text) for text in sorted(texts))


def prefix_form(word: str) -> str:
    """What a prefix search compares the beginning of each exact-word term with: the word
    folded, without a possessive, not stemmed."""
    return strip_possessive(fold(word))


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
