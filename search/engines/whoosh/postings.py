"""A term's postings as arrays: every document that holds it and its weight there (the term's
frequency), read from Whoosh's on-disk blocks a block at a time, for the whole index.

Whoosh stores a term's postings in blocks of up to 128: a pickled tuple of the delta-encoded
document numbers, the weights (None when all are 1.0, one float when all are equal) and the
values (positions). Its matchers then hand them out one posting at a time, in Python. Here each
block is unpickled once and its numbers and weights go into numpy arrays, so that the set pass
(:mod:`search.engines.whoosh.docsets`) and the scorer (:mod:`search.engines.whoosh.scorer`) work on
whole arrays. The arrays
of the terms read last are kept, up to a bounded number of postings, for the life of one
searcher (one commit). Deleted documents are still in them: callers look up live ones only.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from whoosh.matching.wrappers import FilterMatcher
from whoosh.searching import Searcher

#: Postings kept in the cache, over all terms (12 bytes each: about 24 MB per searcher).
CACHE_POSTINGS = 2_000_000


@dataclass(frozen=True)
class TermPostings:
    """One term's postings: ``ids`` ascending (the searcher's document numbers), ``weights``
    in the same order."""

    ids: np.ndarray  # int32
    weights: np.ndarray  # float64

    def __len__(self) -> int:
        return len(self.ids)


EMPTY = TermPostings(np.empty(0, dtype=np.int32), np.empty(0, dtype=np.float64))


class Postings:
    """The postings of one searcher's terms, read a block at a time and cached."""

    def __init__(self, searcher: Searcher, cache_postings: int = CACHE_POSTINGS) -> None:
        self._leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self._limit = cache_postings
        self._cache: OrderedDict[tuple[str, str], TermPostings] = OrderedDict()
        self._kept = 0

    def term(self, fieldname: str, text: str) -> TermPostings:
        """The postings of one term (an empty one for a term the index lacks)."""
        key = (fieldname, text)
        found = self._cache.get(key)
        if found is not None:
            self._cache.move_to_end(key)
            return found
        found = self._read(fieldname, text)
        if len(found) <= self._limit:
            self._cache[key] = found
            self._kept += len(found)
            while self._kept > self._limit:
                _, dropped = self._cache.popitem(last=False)
                self._kept -= len(dropped)
        return found

    def _read(self, fieldname: str, text: str) -> TermPostings:
        ids: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for reader, offset in self._leaves:
            matcher = term_matcher(reader, fieldname, text)
            if matcher is not None:
                _read_blocks(matcher, offset, ids, weights)
        if not ids:
            return EMPTY
        return TermPostings(np.concatenate(ids), np.concatenate(weights))


def term_matcher(reader: object, fieldname: str, text: str) -> object | None:
    """One segment's matcher of a term's postings, deleted documents included (their callers
    ask for live documents only), or None when the segment lacks the term."""
    if (fieldname, text) not in reader:  # type: ignore[operator]
        return None
    matcher = reader.postings(fieldname, text)  # type: ignore[attr-defined]
    return matcher.child if isinstance(matcher, FilterMatcher) else matcher


def _read_blocks(matcher: object, offset: int, ids: list, weights: list) -> None:
    """Append the arrays of one leaf's postings of a term: a block at a time from Whoosh's
    on-disk postings, else (another kind of matcher) one posting at a time."""
    read = getattr(matcher, "_read_data", None)
    if read is None or getattr(matcher, "_byteids", True):
        found = [(m.id() + offset, m.weight()) for m in _walk(matcher)]
        ids.append(np.array([i for i, _ in found], dtype=np.int32))
        weights.append(np.array([w for _, w in found], dtype=np.float64))
        return
    while matcher.is_active():  # type: ignore[attr-defined]
        if matcher._data is None:  # type: ignore[attr-defined]
            read()
        deltas, block_weights, _ = matcher._data  # type: ignore[attr-defined]
        block = np.cumsum(np.array(deltas, dtype=np.int32), dtype=np.int32)
        ids.append(block + offset if offset else block)
        size = len(deltas)
        if block_weights is None:
            weights.append(np.ones(size, dtype=np.float64))
        elif isinstance(block_weights, float):
            weights.append(np.full(size, block_weights, dtype=np.float64))
        else:
            weights.append(np.array(block_weights, dtype=np.float64))
        matcher._next_block()  # type: ignore[attr-defined]


def _walk(matcher: object):
    while matcher.is_active():  # type: ignore[attr-defined]
        yield matcher
        matcher.next()  # type: ignore[attr-defined]
