"""The documents a query matches, as sets: for counting, facets, filters and what is ranked.

Whoosh finds the documents of a query by stepping its matchers one posting at a time in Python
(``Searcher.docs_for_query``): for "oil prices" over the five corpora that walk took as long as
the scored search itself. Here a term's documents come from its postings read a block at a
time (:mod:`search.engines.whoosh.postings`) into a set, and a query tree is evaluated by set
algebra, in C:
an Or is a union, an And an intersection, an AndNot a difference. A phrase (and a sequence of
OR groups of terms, the cross-spelling phrase) is the intersection of its words' sets, then
positions are read only for the documents in it, a block of postings at a time. Any other kind
of query is refused. The sets of recent terms are kept, up to a bounded number of document
numbers, for the life of one searcher (one commit); so are the last phrases found, which the
scorer (:mod:`search.engines.whoosh.scorer`) asks for again.

Which documents match is decided here, never by Whoosh's walk: its AndNot matcher lets a
document of the excluded part through when that part's first document comes before the
included part's.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Iterable
from itertools import accumulate

from whoosh import query as wq
from whoosh.matching import Matcher
from whoosh.searching import Searcher

from search.engines.whoosh.codec import gaps
from search.engines.whoosh.postings import Postings, term_matcher
from search.read.budget import UNLIMITED

#: Phrases whose documents are kept (the most recent).
PHRASES_KEPT = 32
#: Document numbers kept in the cache of term sets, over all terms: about 65 bytes each, so
#: some 33 MB per engine (a server runs one engine per worker thread).
CACHE_IDS = 500_000


class DocSets:
    """Sets of matching document numbers for one searcher (live documents only)."""

    def __init__(
        self,
        searcher: Searcher,
        deleted: frozenset[int],
        cache_ids: int = CACHE_IDS,
        postings: Postings | None = None,
    ) -> None:
        #: The searcher's postings as arrays, which the sets are made of.
        self.postings = postings if postings is not None else Postings(searcher)
        self._cache_limit = cache_ids
        reader = searcher.reader()
        self._deleted = deleted
        self._leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self._size = reader.doc_count_all()
        self._cache: OrderedDict[tuple[str, str], frozenset[int]] = OrderedDict()
        # The last phrases found: a search finds each phrase for its total, then again to
        # score its matches (search.engines.whoosh.scorer).
        self._phrases: OrderedDict[_Slots, frozenset[int]] = OrderedDict()
        self._cached_ids = 0
        #: The deadline of the search under way (the engine sets it for each search).
        self.budget = UNLIMITED

    def docs(self, query: wq.Query) -> frozenset[int]:
        """The live documents ``query`` matches: what ``docs_for_query`` yields, as a set."""
        return frozenset(self._eval(query))

    def live(self) -> frozenset[int]:
        """Every live document."""
        return self._live(range(self._size))

    def _eval(self, q: wq.Query) -> frozenset[int] | set[int]:
        if isinstance(q, wq.Term):
            return self.term(q.fieldname, q.text)
        if isinstance(q, wq.Or):
            found: set[int] = set()
            for sub in q.subqueries:  # one part's set at a time, not all of them held at once
                found |= self._eval(sub)
            return found
        if isinstance(q, wq.And):
            sets = sorted((self._eval(sub) for sub in q.subqueries), key=len)
            return set(sets[0]).intersection(*sets[1:]) if sets else set()
        if isinstance(q, wq.AndNot):
            return set(self._eval(q.a)).difference(self._eval(q.b))
        if isinstance(q, wq.Every) and not q.fieldname:
            return self.live()
        if q is wq.NullQuery:
            return set()
        slots = phrase_slots(q)
        if slots is None:
            raise TypeError(f"no set evaluation for {q!r}")
        found = self._phrases.get(slots)
        if found is None:
            found = self._phrases[slots] = frozenset(self._near(*slots))
            if len(self._phrases) > PHRASES_KEPT:
                self._phrases.popitem(last=False)
        return found

    def term(self, fieldname: str, text: str) -> frozenset[int]:
        """The live documents holding one term (cached)."""
        key = (fieldname, text)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        self.budget.check()
        found = self._live(self._postings(fieldname, text))
        if len(found) <= self._cache_limit:
            self._cache[key] = found
            self._cached_ids += len(found)
            while self._cached_ids > self._cache_limit:
                _, dropped = self._cache.popitem(last=False)
                self._cached_ids -= len(dropped)
        return found

    def _near(self, fieldname: str, slots: tuple[tuple[str, ...], ...], slop: int) -> set[int]:
        """The documents where a term of each slot stands, in order, each within ``slop``
        positions after the one before (1: the next position)."""
        candidates = set(self._union(fieldname, slots[0]))
        for slot in slots[1:]:
            candidates &= self._union(fieldname, slot)
        found: set[int] = set()
        for reader, offset in self._leaves:
            end = offset + reader.doc_count_all()
            local = sorted(n - offset for n in candidates if offset <= n < end)
            if not local:
                continue
            positions = []
            for slot in slots:
                self.budget.check()
                positions.append(_positions(reader, fieldname, list(slot), local))
            for i, doc in enumerate(local):
                if not i % 4096:
                    self.budget.check()
                if chain_exists([p.get(doc, ()) for p in positions], slop):
                    found.add(doc + offset)
        return found

    def _union(self, fieldname: str, texts: list[str]) -> set[int]:
        return set().union(*(self.term(fieldname, text) for text in texts))

    def _postings(self, fieldname: str, text: str) -> Iterable[int]:
        return self.postings.term(fieldname, text).ids.tolist()

    def _live(self, docs: Iterable[int]) -> frozenset[int]:
        found = frozenset(docs)
        return found - self._deleted if self._deleted else found


_Slots = tuple[str, tuple[tuple[str, ...], ...], int]


def phrase_slots(q: wq.Query) -> _Slots | None:
    """A phrase as (field, the terms each position may hold, the slop), or None for another
    query: a Phrase, or a Sequence of terms or OR groups of terms, in one field."""
    if isinstance(q, wq.Phrase):
        if q.char_ranges:
            return None
        return q.fieldname, tuple((word,) for word in q.words), q.slop
    if not isinstance(q, wq.Sequence) or not q.ordered:
        return None
    fields: set[str] = set()
    slots: list[tuple[str, ...]] = []
    for sub in q.subqueries:
        terms = sub.subqueries if isinstance(sub, wq.Or) else [sub]
        if not terms or not all(type(t) is wq.Term for t in terms):
            return None
        fields.update(t.fieldname for t in terms)
        slots.append(tuple(sorted(t.text for t in terms)))
    if len(fields) != 1 or len(slots) < 2:
        return None
    return fields.pop(), tuple(slots), q.slop


def chain_exists(positions: list[Iterable[int]], slop: int) -> bool:
    """Whether one position can be picked from each list, in order, each greater than the one
    before by 1 to ``slop``."""
    reached = set(positions[0])
    for slot in positions[1:]:
        if not reached:
            return False
        if slop == 1:
            reached = {p for p in slot if p - 1 in reached}
        else:
            reached = {p for p in slot if any(0 < p - r <= slop for r in reached)}
    return bool(reached)


def _positions(
    reader: object, fieldname: str, texts: list[str], docs: list[int]
) -> dict[int, set[int]]:
    """Where any of ``texts`` stands in each of ``docs`` (ascending, numbers of ``reader``)."""
    found: dict[int, set[int]] = {}
    for text in texts:
        matcher = term_matcher(reader, fieldname, text)
        if matcher is None:
            continue
        if getattr(matcher, "_read_values", None) is None or matcher._byteids:
            _walk_positions(matcher, docs, found)
        else:
            _block_positions(matcher, docs, found)
    return found


def _walk_positions(matcher: Matcher, docs: list[int], found: dict[int, set[int]]) -> None:
    """:func:`_positions` of one term, one posting at a time (any matcher)."""
    for doc in docs:
        if not matcher.is_active():
            break
        matcher.skip_to(doc)
        if matcher.is_active() and matcher.id() == doc:
            found.setdefault(doc, set()).update(matcher.value_as("positions"))


def _block_positions(matcher: Matcher, docs: list[int], found: dict[int, set[int]]) -> None:
    """:func:`_positions` of one term from Whoosh's on-disk postings, a block at a time: a
    block that holds none of ``docs`` (known from its largest id, in its header) is not
    read, and only the wanted postings' positions are decoded (their gaps,
    search.engines.whoosh.codec)."""
    wanted = set(docs)
    last = -1  # the largest id of the blocks before: a block holds ids in (last, its max]
    while matcher.is_active():
        block_max = matcher._maxid  # type: ignore[attr-defined]
        first = bisect_right(docs, last)
        if first == len(docs):
            break
        if docs[first] <= block_max:
            matcher._read_values()  # type: ignore[attr-defined]
            values = matcher._values  # type: ignore[attr-defined]
            for i, doc in enumerate(accumulate(matcher._data[0])):  # type: ignore[attr-defined]
                if doc in wanted:
                    positions = accumulate(gaps(values[i]))
                    found.setdefault(doc, set()).update(positions)
        last = block_max
        matcher._next_block()  # type: ignore[attr-defined]
