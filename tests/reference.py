"""A reference evaluator of searches: slow, simple, and independent of the engine's matching.

It reads the stored fields of every live article of an index (id, title, body, source, date),
never its postings, terms or columns, and analyses the title and body with the slow reference
token pipeline, :func:`search.analysis.analyzers.exact_analyzer` (not the cached indexing path).
Each
article keeps a map field -> term -> positions. A query tree (:func:`search.read.querylang.
parse_query`) is then decided article by article: a small inverted map of its own picks the
candidate articles, and every candidate is decided by evaluating the whole tree on that one
article. A tree that can match an article holding none of its terms (a lone exclusion inside
an OR) considers every article.

What it takes from the engine's matching code is only which spellings a query word reaches
(:meth:`search.read.variants.VariantFinder.reach`, the transliteration rules, judged elsewhere) and
how a query word is split into tokens (:func:`search.read.querybuild.query_tokens`,
:func:`~search.read.querybuild.prefix_form`, :func:`search.analysis.analyzers.compound_form`,
:func:`search.rules.spelling_key`). The meaning of each part of a query is written out here
from the README ("Query syntax", "How matching works"):

- a leaf matches when it matches in one of its fields: title and body, or the field named by
  the innermost ``title:``/``body:`` around it;
- a word of one token is any spelling of it: its exact form, or an accepted spelling (a
  hyphenated one as its parts at consecutive positions); with ``exact``, its exact form only;
- a word of several tokens with one name ("al-Sadr"): the exact sequence, or any spelling of
  the name; any other word of several tokens is a phrase;
- a phrase ``"a b"~k``: the exact forms in order, each 1 to k+1 positions after the one before;
  or (not ``exact``) the same with each word in any accepted spelling and each hyphenated
  article standing for any article (the ``al-`` marker), with and without its articles; or
  (not ``exact``), for a hyphenated compound of names, any spelling of the compound joined;
- a prefix: any term of the field that begins with the prefix's form (or is the word's exact
  form), refused when more than 1,000 terms of the fields searched do;
- NOT, AND, OR as in logic; dates inclusive (an undated article never within a date range);
  a source by its name as the index has it, else every name equal to it ignoring case;
- the results listed (unless ``collapse`` is off): each story once, by the story key of
  :func:`search.rules.story.story_key` read from the stored source and body and its tellings
  by date (:func:`search.rules.story.tellings`), the earliest dated article of a telling
  standing for the others (undated last, then index order).

:func:`compare` runs one search through both and lists every difference: the total, pages,
source facets, spelling counts, every page's hits (all of them, no repeats, none left out,
ranked by date or with the typed spellings first and scores that never rise), and a blunt
check on the stored text that no excluded word stands in a hit in any of its spellings.
"""

from __future__ import annotations

import bisect
import math
import random
import re
import sys
from array import array
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from itertools import repeat

from search.analysis.analyzers import ARTICLE_TERM, compound_form, exact_analyzer
from search.engines.whoosh.backend import WhooshVocabulary
from search.errors import QueryError
from search.read import querylang as ql
from search.read.engine import Engine
from search.read.querybuild import QueryToken, prefix_form, query_tokens
from search.read.request import SearchRequest
from search.read.response import Hit, SearchResponse, format_date, present
from search.read.variants import VariantFinder
from search.rules import bare_possessive, exact_form, spelling_key
from search.rules.fold import APOSTROPHES
from search.rules.story import story_key, tellings

FIELDS = ("title", "body")
#: The most words of the archive a prefix may stand for (the README: "type more letters").
MAX_PREFIX_WORDS = 1000
#: Phrases with more hyphenated articles than this are not also tried without them.
MAX_OPTIONAL_ARTICLES = 2

_ANALYZER = exact_analyzer()


def analyse(text: str) -> dict[str, tuple[int, ...]]:
    """Every term of ``text`` with its positions, by the reference token pipeline."""
    found: dict[str, list[int]] = {}
    for token in _ANALYZER(text, positions=True, mode="index"):
        found.setdefault(token.text, []).append(token.pos)
    return {sys.intern(term): tuple(positions) for term, positions in found.items()}


@dataclass(slots=True)
class Doc:
    """One live article: its stored fields and the terms of its title and body."""

    index: int  # position in Reference.docs
    docnum: int
    id: str
    title: str
    body: str
    source: str
    date: datetime | None
    terms: dict[str, dict[str, tuple[int, ...]]]  # field -> term -> positions


# Patterns: what one leaf looks for in one field of one article ---------------------------------


@dataclass(frozen=True)
class Term:
    """A position holding ``term``."""

    term: str

    def test(self, terms: dict[str, tuple[int, ...]]) -> bool:
        return self.term in terms


@dataclass(frozen=True)
class Sequence:
    """Positions p1 < p2 < ..., p(i) holding a term of ``slots[i]``, each 1 to ``gap``
    positions after the one before."""

    slots: tuple[frozenset[str], ...]
    gap: int

    def test(self, terms: dict[str, tuple[int, ...]]) -> bool:
        if not all(any(t in terms for t in slot) for slot in self.slots):
            return False

        def where(slot: frozenset[str]) -> set[int]:
            return {p for t in slot for p in terms.get(t, ())}

        reached = where(self.slots[0])
        for slot in self.slots[1:]:
            if not reached:
                return False
            reached = {p for p in where(slot) if any(1 <= p - r <= self.gap for r in reached)}
        return bool(reached)


@dataclass(frozen=True)
class Begins:
    """A term other than the article marker that begins with ``form``, or is ``exact``."""

    form: str
    exact: str

    def test(self, terms: dict[str, tuple[int, ...]]) -> bool:
        if self.exact in terms:
            return True
        found = any(map(str.startswith, terms, repeat(self.form)))
        if found and ARTICLE_TERM.startswith(self.form):  # the marker is no word: look again
            found = any(t.startswith(self.form) for t in terms if t != ARTICLE_TERM)
        return found


Pattern = Term | Sequence | Begins


# The compiled tree ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Leaf:
    fields: tuple[str, ...]
    patterns: tuple[Pattern, ...]
    words: frozenset[str] = frozenset()  # for a prefix: the terms of the fields it stands for

    def test(self, doc: Doc) -> bool:
        return any(p.test(doc.terms[f]) for f in self.fields for p in self.patterns)


@dataclass(frozen=True)
class Negation:
    child: Compiled

    def test(self, doc: Doc) -> bool:
        return not self.child.test(doc)


@dataclass(frozen=True)
class Every:
    parts: tuple[Compiled, ...]

    def test(self, doc: Doc) -> bool:
        return all(p.test(doc) for p in self.parts)


@dataclass(frozen=True)
class Either:
    parts: tuple[Compiled, ...]

    def test(self, doc: Doc) -> bool:
        return any(p.test(doc) for p in self.parts)


Compiled = Leaf | Negation | Every | Either


@dataclass
class Plan:
    """A query compiled for one reader: the tree, and what the response must report."""

    tree: Compiled | None  # None: every article
    spellings: set[str] = field(default_factory=set)  # typed exact forms and spellings reached
    varied: set[str] = field(default_factory=set)  # typed forms that reached other spellings
    # The phrases typed, as exact forms and the slop between them; when a word of one reached
    # other spellings (varied_phrases), an article writing a phrase as typed ranks first.
    typed_phrases: set[tuple[tuple[str, ...], int]] = field(default_factory=set)
    varied_phrases: bool = False


@dataclass
class Expected:
    """What a search must answer."""

    matches: list[Doc]  # within every filter, in index order
    total: int
    pages: int  # of the results listed
    shown: list[Doc]  # the results listed: each story once (search.rules.story), or every match
    more: dict[str, int]  # for each one listed, the other matches telling its story
    sources: dict[str, int]
    spellings: dict[str, int]
    typed: set[str]  # ids of the matches that write a typed spelling (ranked first)
    excluded: list[tuple[tuple[str, ...], frozenset[str]]]  # (fields, spellings) never in a hit


class Reference:
    """The reference evaluator over one index reader's stored fields."""

    def __init__(self, reader: object) -> None:
        self.reader = reader
        self.finder = VariantFinder(WhooshVocabulary(reader))  # type: ignore[arg-type]
        self.docs: list[Doc] = []
        # field -> term -> indexes of the docs holding it (ascending): candidates only.
        self.postings: dict[str, dict[str, array]] = {f: {} for f in FIELDS}
        for docnum, stored in reader.iter_docs():  # type: ignore[attr-defined]
            index = len(self.docs)
            terms = {f: analyse(stored.get(f, "") or "") for f in FIELDS}
            doc = Doc(
                index=index,
                docnum=docnum,
                id=stored["id"],
                title=stored.get("title", "") or "",
                body=stored.get("body", "") or "",
                source=stored.get("source", "") or "",
                date=stored.get("date"),
                terms=terms,
            )
            self.docs.append(doc)
            for f in FIELDS:
                postings = self.postings[f]
                for term in terms[f]:
                    held = postings.get(term)
                    if held is None:
                        postings[term] = held = array("i")
                    held.append(index)
        self.vocabulary = {f: sorted(self.postings[f]) for f in FIELDS}
        self.by_id = {doc.id: doc for doc in self.docs}
        self.told = tellings_of(self.docs)
        self.sources = sorted({doc.source for doc in self.docs if doc.source})
        self._reached: dict[tuple[str, str, str], tuple[str, ...]] = {}
        self._possessive: dict[tuple[str, str, str], set[str]] = {}
        self._without: frozenset[str] = frozenset()

    # Spellings --------------------------------------------------------------------------------

    def accepted(self, token: QueryToken) -> tuple[str, ...]:
        """The accepted spellings a query token reaches (the transliteration rules)."""
        key = (token.original, token.exact, token.key)
        found = self._reached.get(key)
        if found is None:
            reached = self.finder.reach(token.original, token.exact, token.key)
            found = tuple(s.text for s in reached if s.accepted)
            # A possessive written without its apostrophe counts as the spelling typed.
            own = bare_possessive(token.exact)
            self._possessive[key] = {
                s.text for s in reached if s.accepted and s.tier == "possessive" and s.text == own
            }
            self._reached[key] = found
        return tuple(s for s in found if s not in self._without)

    # Compiling --------------------------------------------------------------------------------

    def plan(self, node: ql.Node | None, exact: bool, without: tuple[str, ...] = ()) -> Plan:
        """Compile a query tree (None: every article); QueryError where the engine must
        refuse it. ``without``: spellings switched off (never reached)."""
        self._without = frozenset(without)
        plan = Plan(tree=None)
        if node is not None:
            plan.tree = self._compile(node, FIELDS, True, exact, plan)
        return plan

    def _compile(
        self, node: ql.Node, fields: tuple[str, ...], positive: bool, exact: bool, plan: Plan
    ) -> Compiled:
        if isinstance(node, ql.Field):
            return self._compile(node.node, (node.name,), positive, exact, plan)
        if isinstance(node, ql.Not):
            return Negation(self._compile(node.node, fields, not positive, exact, plan))
        if isinstance(node, ql.And):
            return Every(tuple(self._compile(n, fields, positive, exact, plan) for n in node.nodes))
        if isinstance(node, ql.Or):
            return Either(
                tuple(self._compile(n, fields, positive, exact, plan) for n in node.nodes)
            )
        record = plan if positive else None
        if isinstance(node, ql.Prefix):
            return self._prefix(node.text, fields)
        if isinstance(node, ql.Word):
            patterns = self._word(node.text, exact, record)
        else:
            assert isinstance(node, ql.Phrase)
            patterns = self._phrase(" ".join(node.words), node.slop, exact, record)
        return Leaf(fields, tuple(dict.fromkeys(patterns)))

    def _any_spelling(
        self, token: QueryToken, exact: bool, plan: Plan | None, phrase: bool = False
    ) -> list[Pattern]:
        """Any spelling of one token: its exact form, or (not exact) an accepted spelling, a
        hyphenated one as its parts in sequence. ``phrase``: the token stands for a phrase
        typed (a compound's joined spelling), which ranks first as a phrase, not as a word."""
        spellings = () if exact or token.article else self.accepted(token)
        if plan is not None and not token.article:
            plan.spellings.add(token.exact)
            plan.spellings.update(spellings)
            if spellings and phrase:
                plan.varied_phrases = True
            elif spellings:
                plan.varied.add(token.exact)
                possessive = self._possessive[(token.original, token.exact, token.key)]
                plan.varied.update(possessive - self._without)
        patterns: list[Pattern] = [Term(token.exact)]
        for text in spellings:
            if "-" in text:
                patterns.append(Sequence(tuple(frozenset((p,)) for p in text.split("-")), 1))
            else:
                patterns.append(Term(text))
        return patterns

    def _word(self, text: str, exact: bool, plan: Plan | None) -> list[Pattern]:
        tokens = query_tokens(text)
        if not tokens:
            raise QueryError(f"no letters or digits in {text!r}")
        if len(tokens) == 1:
            return self._any_spelling(tokens[0], exact, plan)
        names = [t for t in tokens if not t.article]
        if len(names) == 1 and not exact:
            in_sequence = Sequence(tuple(frozenset((t.exact,)) for t in tokens), 1)
            return [in_sequence, *self._any_spelling(names[0], exact, plan)]
        return self._phrase(text, 0, exact, plan)

    def _phrase(self, text: str, slop: int, exact: bool, plan: Plan | None) -> list[Pattern]:
        tokens = query_tokens(text)
        if not tokens:
            raise QueryError(f"no letters or digits in {text!r}")
        if len(tokens) == 1:
            return self._any_spelling(tokens[0], exact, plan)
        gap = slop + 1
        patterns: list[Pattern] = [Sequence(tuple(frozenset((t.exact,)) for t in tokens), gap)]
        if plan is not None and not all(t.article for t in tokens):
            plan.typed_phrases.add((tuple(t.exact for t in tokens), slop))
        spellings: dict[int, tuple[str, ...]] = {}
        for i, t in enumerate(tokens):
            spellings[i] = () if exact or t.article else self.accepted(t)
            if plan is not None and not t.article:
                plan.spellings.add(t.exact)
                plan.spellings.update(spellings[i])
                if spellings[i]:
                    plan.varied_phrases = True
        variants = article_variants(list(range(len(tokens))), tokens)
        any_article = any(t.article for t in tokens)
        if not exact and (any(spellings.values()) or any_article):
            for variant in variants:
                slots = tuple(
                    frozenset((ARTICLE_TERM,))
                    if tokens[i].article
                    else frozenset((tokens[i].exact, *(s for s in spellings[i] if "-" not in s)))
                    for i in variant
                )
                patterns.append(Sequence(slots, gap))
        # A hyphenated compound of names ("Ahmadi-Nejad") is also any spelling of it joined
        # ("Ahmadinejad"); not with exact, where a phrase is the exact phrase alone.
        first = next((i for i, t in enumerate(tokens) if not t.article), None)
        if not exact and first is not None and tokens[first].compound:
            compound = tokens[first].compound
            if len(tokens) - first == len(compound_form(compound).split("-")):
                joined = QueryToken(
                    compound,
                    compound_form(compound),
                    spelling_key(compound),
                    article=False,
                    compound="",
                )
                patterns += self._any_spelling(joined, exact, plan, phrase=True)
        return patterns

    def _prefix(self, text: str, fields: tuple[str, ...]) -> Leaf:
        tokens = query_tokens(text)
        if len(tokens) != 1 or tokens[0].article:
            raise QueryError(f"a prefix must be one word, not {text!r}")
        form = prefix_form(tokens[0].original)
        if len(form) < 2:
            raise QueryError(f"a prefix needs 2 letters, not {form!r}")
        words = {tokens[0].exact}
        for f in fields:
            vocabulary = self.vocabulary[f]
            i = bisect.bisect_left(vocabulary, form)
            while i < len(vocabulary) and vocabulary[i].startswith(form):
                words.add(vocabulary[i])
                i += 1
        words.discard(ARTICLE_TERM)
        if len(words) > MAX_PREFIX_WORDS:
            raise QueryError(f"{text}* stands for {len(words):,} words")
        return Leaf(fields, (Begins(form, tokens[0].exact),), frozenset(words))

    # Candidates -------------------------------------------------------------------------------

    def candidates(self, tree: Compiled) -> set[int] | None:
        """The indexes of the docs that may match ``tree`` (a superset), or None for every
        doc: those holding a term the tree looks for, unless it can match without one."""
        if isinstance(tree, Negation):
            return None
        if isinstance(tree, Every):
            found = [c for c in map(self.candidates, tree.parts) if c is not None]
            return set.intersection(*found) if found else None
        if isinstance(tree, Either):
            found = []
            for part in tree.parts:
                c = self.candidates(part)
                if c is None:
                    return None
                found.append(c)
            return set().union(*found)
        held: set[int] = set()
        for f in tree.fields:
            postings = self.postings[f]
            for p in tree.patterns:
                if isinstance(p, Term):
                    held.update(postings.get(p.term, ()))
                elif isinstance(p, Begins):
                    for word in tree.words:
                        held.update(postings.get(word, ()))
                else:
                    slots = [set().union(*(postings.get(t, ()) for t in slot)) for slot in p.slots]
                    held |= set.intersection(*slots)
        return held

    # Evaluating -------------------------------------------------------------------------------

    def matching(self, plan: Plan) -> list[Doc]:
        """The docs the plan's tree matches, each decided on its own (in index order)."""
        if plan.tree is None:
            return list(self.docs)
        candidates = self.candidates(plan.tree)
        docs = self.docs if candidates is None else [self.docs[i] for i in sorted(candidates)]
        return [doc for doc in docs if plan.tree.test(doc)]

    def source_names(self, asked: Iterable[str]) -> set[str]:
        """The index's sources a request names: each as written when the index has it, else
        every name equal to it ignoring case."""
        chosen: set[str] = set()
        for name in asked:
            if name in self.sources:
                chosen.add(name)
                continue
            alike = {n for n in self.sources if n.casefold() == name.casefold()}
            if not alike:
                raise QueryError(f"unknown source {name!r}")
            chosen |= alike
        return chosen

    def evaluate(self, request: SearchRequest) -> Expected:
        """What ``request`` must find; QueryError where the engine must refuse it."""
        plan = self.plan(request.node, request.exact, request.without)
        chosen = self.source_names(request.sources)
        first, last = request.date_from, request.date_to

        def within(doc: Doc) -> bool:
            if first is None and last is None:
                return True
            if doc.date is None:
                return False
            return (first is None or doc.date >= first) and (last is None or doc.date <= last)

        dated = [doc for doc in self.matching(plan) if within(doc)]
        matches = [doc for doc in dated if not chosen or doc.source in chosen]
        total = len(matches)
        shown, more = stories(matches, self.told) if request.collapse else (matches, {})
        pages = math.ceil(len(shown) / request.size)
        if request.page > max(pages, 1):
            raise QueryError(f"page {request.page} is past the last page ({max(pages, 1)})")
        sources: dict[str, int] = {}
        for doc in dated:
            if doc.source:
                sources[doc.source] = sources.get(doc.source, 0) + 1
        spellings: dict[str, int] = {}
        for text in plan.spellings:
            n = sum(1 for doc in matches if writes(doc, text))
            if n:
                spellings[text] = n
        typed = {doc.id for doc in matches if any(writes(doc, t) for t in plan.varied)}
        if plan.varied_phrases:
            as_typed = [
                Sequence(tuple(frozenset((w,)) for w in words), slop + 1)
                for words, slop in plan.typed_phrases
            ]
            typed |= {
                doc.id
                for doc in matches
                if any(p.test(doc.terms[f]) for p in as_typed for f in FIELDS)
            }
        return Expected(
            matches=matches,
            total=total,
            pages=pages,
            shown=shown,
            more=more,
            sources=dict(sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))),
            spellings=dict(sorted(spellings.items(), key=lambda kv: (-kv[1], kv[0]))),
            typed=typed,
            excluded=self.excluded(request.node, request.exact),
        )

    def excluded(
        self, node: ql.Node | None, exact: bool
    ) -> list[tuple[tuple[str, ...], frozenset[str]]]:
        """The words every match must be without, in every spelling, with the fields: each
        part of the top-level AND that is a word under an odd number of exclusions."""
        found = []
        parts = node.nodes if isinstance(node, ql.And) else (node,) if node else ()
        for part in parts:
            fields, negations = FIELDS, 0
            while isinstance(part, ql.Not | ql.Field):
                if isinstance(part, ql.Not):
                    negations += 1
                else:
                    fields = (part.name,)
                part = part.node
            if negations % 2 == 0 or not isinstance(part, ql.Word):
                continue
            tokens = query_tokens(part.text)
            names = [t for t in tokens if not t.article]
            if len(tokens) == 1:
                token = tokens[0]
            elif len(names) == 1 and not exact:
                token = names[0]
            else:
                continue
            spellings = () if exact or token.article else self.accepted(token)
            found.append((fields, frozenset((token.exact, *spellings))))
        return found


def tellings_of(docs: list[Doc]) -> dict[int, int]:
    """Each live article told alike by another (search.rules.story: the story key read from
    the stored source and body, and its tellings by date), by its index: its telling's
    number."""
    by_key: dict[str, list[Doc]] = {}
    for doc in docs:
        key = story_key(doc.source, doc.body)
        if key:
            by_key.setdefault(key, []).append(doc)
    found: dict[int, int] = {}
    number = 0
    for group in by_key.values():
        group.sort(key=_first_told)
        numbers = tellings([doc.date for doc in group])
        for telling in set(numbers):
            members = [doc for doc, n in zip(group, numbers, strict=True) if n == telling]
            if len(members) > 1:
                found.update(dict.fromkeys((doc.index for doc in members), number))
                number += 1
    return found


def _first_told(doc: Doc) -> tuple[bool, datetime, int]:
    return (doc.date is None, doc.date or datetime.min, doc.docnum)


def stories(matches: list[Doc], told: dict[int, int]) -> tuple[list[Doc], dict[str, int]]:
    """Each telling of a story once: the matches grouped by their telling (``told``, from
    :func:`tellings_of`), the earliest of each group listed (undated after dated, then the
    first indexed), with how many others it stands for."""
    groups: dict[int, list[Doc]] = {}
    shown: list[Doc] = []
    for doc in matches:
        if doc.index in told:
            groups.setdefault(told[doc.index], []).append(doc)
        else:
            shown.append(doc)
    more: dict[str, int] = {}
    for group in groups.values():
        first = min(group, key=_first_told)
        shown.append(first)
        if len(group) > 1:
            more[first.id] = len(group) - 1
    return sorted(shown, key=lambda d: d.index), more


def article_variants(indexes: list[int], tokens: list[QueryToken]) -> list[list[int]]:
    """The token list with each subset of its hyphenated articles left out (at most 2 of
    them), lists of one token dropped; the full list when none remains."""
    articles = [i for i in indexes if tokens[i].article]
    if not articles or len(articles) > MAX_OPTIONAL_ARTICLES:
        return [indexes]
    variants = []
    for mask in range(2 ** len(articles)):
        dropped = {a for bit, a in enumerate(articles) if mask >> bit & 1}
        variant = [i for i in indexes if i not in dropped]
        if len(variant) > 1:
            variants.append(variant)
    return variants or [indexes]


def writes(doc: Doc, text: str) -> bool:
    """Whether the title or body holds a spelling (a hyphenated one as its parts in sequence)."""
    parts = text.split("-")
    if len(parts) == 1:
        return any(text in doc.terms[f] for f in FIELDS)
    sequence = Sequence(tuple(frozenset((p,)) for p in parts), 1)
    return any(sequence.test(doc.terms[f]) for f in FIELDS)


# The blunt check of exclusions, on the stored text ----------------------------------------------

_MARK = "\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670"
_CHAR = rf"(?:[^\W_]|[{_MARK}])"
_BLUNT_WORD = re.compile(rf"{_CHAR}+(?:[{APOSTROPHES}]{_CHAR}+)*")


def blunt_words(text: str) -> list[str]:
    """The words of a text, each as its exact form ("" for none), split at anything else."""
    return [exact_form(w) for w in _BLUNT_WORD.findall(text)]


def blunt_holds(text: str, spellings: frozenset[str]) -> str | None:
    """A spelling of ``spellings`` the text writes (a hyphenated one as consecutive words)."""
    words = blunt_words(text)
    present = set(words)
    for spelling in sorted(spellings):
        parts = spelling.split("-")
        if len(parts) == 1:
            if spelling in present:
                return spelling
        elif all(p in present for p in parts):
            n = len(parts)
            if any(words[i : i + n] == parts for i in range(len(words) - n + 1)):
                return spelling
    return None


# Comparing with the engine ----------------------------------------------------------------------


class ListingEngine(Engine):
    """The engine, with each hit read from its stored fields but not highlighted or cut into a
    snippet, and no "did you mean": what decides which articles a page lists, in which order,
    is the engine's own, at a fraction of the cost of the pages a reader sees (about 1.5 ms a
    hit). For fetching every page of a search."""

    def _hit(
        self,
        rank: int,
        docnum: int,
        score: float | None,
        builder: object,
        more: dict[int, int] | None = None,
    ) -> Hit:
        fields = self.backend.stored(docnum)
        hit = Hit.listed(rank, fields, None if score is None else round(score, 4))
        return replace(hit, more_like_this=more.get(docnum, 0) if more else 0)

    def _alternatives(self, *args: object) -> None:
        return None


@dataclass
class Difference:
    kind: str
    detail: str


@dataclass
class Outcome:
    """One search through both: refused by both, or compared (with the differences)."""

    params: dict[str, object]
    refused: bool = False  # refused by both (the request, or the search)
    differences: list[Difference] = field(default_factory=list)
    total: int = 0
    searches: int = 0  # engine searches run (pages fetched)

    def report(self) -> str:
        lines = [f"params: {self.params!r}"]
        lines += [f"  {d.kind}: {d.detail}" for d in self.differences]
        return "\n".join(lines)


def _first(ids: Iterable[str], n: int = 5) -> list[str]:
    return sorted(ids)[:n]


@dataclass
class Paging:
    """How many pages to fetch: every page at size 100 up to ``sweep_total`` matches (else the
    first, the last and ``samples`` others), and every page at the request's own size when
    there are at most ``own_pages`` of them (else the page asked)."""

    sweep_total: int = 2000
    samples: int = 3
    own_pages: int = 10


def compare(
    engine: object,
    reference: Reference,
    params: dict[str, object],
    paging: Paging | None = None,
    rng: random.Random | None = None,
    lister: object = None,
) -> Outcome:
    """Run one search (``SearchRequest.from_params(**params)``) through the engine, page after
    page, and through the reference, and list every difference. The page asked is searched
    with ``engine``, every other page with ``lister`` (by default the same engine; a
    :class:`ListingEngine` of the same index lists them faster)."""
    paging = paging or Paging()
    lister = lister or engine
    rng = rng or random.Random(0)
    outcome = Outcome(params)
    diff = outcome.differences

    def add(kind: str, detail: str) -> None:
        diff.append(Difference(kind, detail))

    try:
        request = SearchRequest.from_params(**params)  # type: ignore[arg-type]
    except QueryError:
        outcome.refused = True
        return outcome
    try:
        expected: Expected | None = reference.evaluate(request)
        oracle_error = ""
    except QueryError as e:
        expected, oracle_error = None, str(e)

    def search(req: SearchRequest) -> SearchResponse | None:
        outcome.searches += 1
        try:
            return lister.search(req)  # type: ignore[attr-defined]
        except QueryError as e:
            add("refused-by-engine", f"page {req.page} size {req.size}: {e}")
        except Exception as e:  # a fault, not a refusal
            add("engine-error", f"page {req.page} size {req.size}: {type(e).__name__}: {e}")
        return None

    outcome.searches += 1
    try:
        response: SearchResponse | None = engine.search(request)  # type: ignore[attr-defined]
        engine_error = ""
    except QueryError as e:
        response, engine_error = None, str(e)
    except Exception as e:
        add("engine-error", f"{type(e).__name__}: {e}")
        return outcome
    if expected is None and response is None:
        outcome.refused = True
        return outcome
    if expected is None:
        assert response is not None
        add("refused-by-oracle", f"{oracle_error} (the engine found {response.total})")
        return outcome
    outcome.total = expected.total
    if response is None:
        add("refused-by-engine", f"{engine_error} (the oracle finds {expected.total})")
        return outcome

    matches = {doc.id for doc in expected.matches}
    if response.total != expected.total:
        found = set(_all_ids(engine, request, response, search))
        add(
            "total",
            f"engine {response.total}, oracle {expected.total}; only the engine's: "
            f"{_first(found - matches)}, only the oracle's: {_first(matches - found)}",
        )
        return outcome
    if response.stories != len(expected.shown):
        add("stories", f"engine {response.stories}, oracle {len(expected.shown)}")
    if response.pages != expected.pages:
        add("pages", f"engine {response.pages}, oracle {expected.pages}")
    if response.sources != expected.sources or list(response.sources) != list(expected.sources):
        add("sources", f"engine {response.sources}, oracle {expected.sources}")
    if response.spellings != expected.spellings or list(response.spellings) != list(
        expected.spellings
    ):
        add("spellings", f"engine {response.spellings}, oracle {expected.spellings}")

    # The page asked, then every page at its size (or that one alone), then size 100.
    own = {request.page: response}
    if expected.pages <= paging.own_pages:
        for page in range(1, expected.pages + 1):
            if page not in own:
                own[page] = search(replace(request, page=page))
    _check_pages(own, request, expected, reference, add, complete=len(own) >= expected.pages)
    if len(own) < expected.pages:  # not every page at the request's size: every page of 100
        sweep = replace(request, size=100)
        pages = math.ceil(len(expected.shown) / 100)
        if len(expected.shown) <= paging.sweep_total:
            wanted = list(range(1, pages + 1))
        else:
            middle = list(range(2, pages))
            wanted = [1, *sorted(rng.sample(middle, min(paging.samples, len(middle)))), pages]
        fetched = {page: search(replace(sweep, page=page)) for page in wanted if page >= 1}
        _check_pages(
            fetched, sweep, replace(expected, pages=pages), reference, add,
            complete=len(fetched) >= pages,
        )  # fmt: skip
    return outcome


def _all_ids(
    engine: object,
    request: SearchRequest,
    response: SearchResponse,
    search: Callable[[SearchRequest], SearchResponse | None],
) -> list[str]:
    """Every id the engine lists for a search (at most 50 pages of 100), for a report."""
    found = []
    for page in range(1, min(math.ceil(response.total / 100), 50) + 1):
        r = search(replace(request, size=100, page=page))
        if r is None:
            break
        found += [h.id for h in r.hits]
    return found


def _check_pages(
    responses: dict[int, SearchResponse | None],
    request: SearchRequest,
    expected: Expected,
    reference: Reference,
    add: Callable[[str, str], None],
    complete: bool,
) -> None:
    """Check the pages fetched of one size: each page's length, ranks and hits, no article
    twice, and (``complete``) every match listed; the order within and across pages."""
    size = request.size
    matches = {doc.id for doc in expected.matches}
    listed = {doc.id for doc in expected.shown}
    seen: dict[str, int] = {}
    ordered: list[tuple[int, list]] = []
    for page in sorted(responses):
        response = responses[page]
        if response is None:
            continue
        hits = response.hits
        want = min(size, len(expected.shown) - (page - 1) * size)
        if len(hits) != want:
            add("page-length", f"size {size} page {page}: {len(hits)} hits, expected {want}")
        if response.total != expected.total:
            add("total", f"size {size} page {page}: total {response.total}, not {expected.total}")
        for i, hit in enumerate(hits):
            if hit.rank != (page - 1) * size + i + 1:
                add("rank", f"size {size} page {page}: hit {i} has rank {hit.rank}")
                break
        for hit in hits:
            if hit.id in seen:
                add("repeat", f"size {size}: {hit.id!r} on page {seen[hit.id]} and page {page}")
            seen[hit.id] = page
            doc = reference.by_id.get(hit.id)
            if hit.id not in matches:
                add("extra", f"size {size} page {page}: {hit.id!r} is not a match")
            elif hit.id not in listed:
                add("copy", f"size {size} page {page}: {hit.id!r} is a copy of a story listed")
            elif hit.more_like_this != expected.more.get(hit.id, 0):
                add(
                    "more-like-this",
                    f"{hit.id!r}: {hit.more_like_this}, oracle {expected.more.get(hit.id, 0)}",
                )
            elif doc is not None and (
                hit.source != present(doc.source) or hit.date != format_date(doc.date)
            ):
                add(
                    "hit-fields",
                    f"{hit.id!r}: source {hit.source!r} date {hit.date!r}, stored "
                    f"{doc.source!r} {format_date(doc.date)!r}",
                )
            if doc is not None:
                for fields, spellings in expected.excluded:
                    for f in fields:
                        written = blunt_holds(getattr(doc, f), spellings)
                        if written:
                            add("excluded-word", f"{hit.id!r} writes {written!r} in its {f}")
        ordered.append((page, hits))
    if complete:
        missing = listed - set(seen)
        if missing:
            add("missing", f"size {size}: {len(missing)} matches never listed: {_first(missing)}")
    _check_order(ordered, request, expected, reference, add)


def _check_order(
    pages: list[tuple[int, list]],
    request: SearchRequest,
    expected: Expected,
    reference: Reference,
    add: Callable[[str, str], None],
) -> None:
    """By date: dates monotone, undated last. By relevance: the articles that write a typed
    spelling first, then the rest, and scores that never rise within each group. Checked over
    the pages fetched, in page order (what holds for the whole list holds for any pages of it)."""
    size = request.size
    previous: tuple | None = None
    for page, hits in pages:
        for hit in hits:
            doc = reference.by_id.get(hit.id)
            if doc is None:
                continue
            if request.sort == "relevance":
                if hit.score is None:
                    add("order", f"size {size} page {page}: {hit.id!r} has no score")
                    return
                key: tuple = (hit.id not in expected.typed, -hit.score)
                what = f"typed {hit.id in expected.typed}, score {hit.score}"
            else:
                if hit.score is not None:
                    add("order", f"size {size} page {page}: {hit.id!r} scored in a date sort")
                    return
                sign = -1 if request.sort == "newest" else 1
                micros = (doc.date - datetime.min) // timedelta(microseconds=1) if doc.date else 0
                key = (doc.date is None, sign * micros)
                what = f"date {format_date(doc.date)}"
            if previous is not None and key < previous[0]:
                add(
                    "order",
                    f"size {size} page {page}: {hit.id!r} ({what}) after {previous[1]!r} "
                    f"({previous[2]}), sort {request.sort}",
                )
                return
            previous = (key, hit.id, what)
