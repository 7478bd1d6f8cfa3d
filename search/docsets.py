"""The documents a query matches, as sets: for counting, facets and filters, without scoring.

Whoosh finds the documents of a query by stepping its matchers one posting at a time in Python
(``Searcher.docs_for_query``): for "oil prices" over the five corpora that walk took as long as
the scored search itself. Here a term's postings are read a block at a time (Whoosh stores them
as blocks of delta-encoded document numbers, decoded with ``itertools.accumulate``, in C) into a
set, and a query tree is evaluated by set algebra, also in C: an Or is a union, an And an
intersection, an AndNot a difference. A phrase needs positions, so it (and any other kind of
query) is left to Whoosh. The sets of recent terms are kept, up to a bounded number of document
numbers, for the life of one searcher (one commit).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable
from itertools import accumulate

from whoosh import query as wq
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher

#: Document numbers kept in the cache of term sets, over all terms: about 65 bytes each, so
#: some 33 MB per engine (a server runs one engine per worker thread).
CACHE_IDS = 500_000


class DocSets:
    """Sets of matching document numbers for one searcher (live documents only)."""

    def __init__(
        self, searcher: Searcher, deleted: frozenset[int], cache_ids: int = CACHE_IDS
    ) -> None:
        self._searcher = searcher
        self._cache_limit = cache_ids
        reader = searcher.reader()
        self._deleted = deleted
        self._leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self._size = reader.doc_count_all()
        self._cache: OrderedDict[tuple[str, str], frozenset[int]] = OrderedDict()
        self._cached_ids = 0

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
            return set().union(*(self._eval(sub) for sub in q.subqueries))
        if isinstance(q, wq.And):
            sets = sorted((self._eval(sub) for sub in q.subqueries), key=len)
            return set(sets[0]).intersection(*sets[1:]) if sets else set()
        if isinstance(q, wq.AndNot):
            return set(self._eval(q.a)).difference(self._eval(q.b))
        if isinstance(q, wq.Every) and not q.fieldname:
            return self.live()
        if q is wq.NullQuery:
            return set()
        # Phrases and anything else: Whoosh's own walk.
        return set(self._searcher.docs_for_query(q))

    def term(self, fieldname: str, text: str) -> frozenset[int]:
        """The live documents holding one term (cached)."""
        key = (fieldname, text)
        cached = self._cache.get(key)
        if cached is not None:
            self._cache.move_to_end(key)
            return cached
        found = self._live(self._postings(fieldname, text))
        if len(found) <= self._cache_limit:
            self._cache[key] = found
            self._cached_ids += len(found)
            while self._cached_ids > self._cache_limit:
                _, dropped = self._cache.popitem(last=False)
                self._cached_ids -= len(dropped)
        return found

    def _postings(self, fieldname: str, text: str) -> Iterable[int]:
        for reader, offset in self._leaves:
            if (fieldname, text) not in reader:
                continue
            matcher = reader.postings(fieldname, text)
            if isinstance(matcher, FilterMatcher):  # deletions: dropped by _live, all at once
                matcher = matcher.child
            yield from _block_ids(matcher, offset)

    def _live(self, docs: Iterable[int]) -> frozenset[int]:
        found = frozenset(docs)
        return found - self._deleted if self._deleted else found


def _block_ids(matcher: object, offset: int) -> Iterable[int]:
    """The document numbers of a term's postings, a block at a time where the matcher is
    Whoosh's on-disk one (its blocks hold delta-encoded ids), else one posting at a time."""
    read = getattr(matcher, "_read_data", None)
    if read is None or getattr(matcher, "_byteids", True):
        for docnum in matcher.all_ids():  # type: ignore[attr-defined]
            yield docnum + offset
        return
    while matcher.is_active():  # type: ignore[attr-defined]
        if matcher._data is None:  # type: ignore[attr-defined]
            read()
        ids = accumulate(matcher._data[0])  # type: ignore[attr-defined]
        yield from map(offset.__add__, ids) if offset else ids
        matcher._next_block()  # type: ignore[attr-defined]
