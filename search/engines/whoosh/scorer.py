"""BM25F of our own, over whole arrays of postings: the ranking of a search's matches.

Whoosh scores by stepping a tree of matchers one posting at a time in Python; for *said* (22,000
matches) that walk was most of a search. The set pass (:mod:`search.engines.whoosh.docsets`)
already knows
every match, and :mod:`search.engines.whoosh.postings` holds each term's postings as arrays, so
here a query
tree is scored over all of its matches at once: per term one lookup of the matches in its
postings and BM25F over the hits (numpy), per Or and And a sum, per phrase its words' sum kept
to the documents where it stands. No block is skipped (no WAND or block-max bounds): every
block of a term is read by the set pass for the exact total anyway, and scoring them all costs
less than a Python loop over the few that WAND would read.

**The same scores as Whoosh's BM25F.** Each term's score is Whoosh's formula with Whoosh's
statistics (its idf, average field length and byte-coded field lengths) in the same order of
operations, and a boost multiplies as Whoosh's wrapping matcher does, so a word, an Or of its
spellings and a phrase score to the last bit as Whoosh scores them. One documented difference:
an And's parts are added in the query's order (a binary tree, as Whoosh adds an Or's), where
Whoosh adds them in a tree ordered by their sizes in each segment; the two sums differ at most
in the last bits (tests/test_scorer.py checks 1e-12 relative, and the pages' order against
Whoosh's own sort). As before, an exclusion (``-word``) is decided by the set pass and adds
nothing to a score; a query of every article scores 0.0 for each.

Ties are broken by document number, as Whoosh's top-N collector breaks them.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from whoosh import query as wq
from whoosh.codec.whoosh3 import LENGTHS_COLUMN, _lenfield
from whoosh.searching import Searcher
from whoosh.util.numeric import byte_to_length

from search.engines.whoosh.docsets import DocSets, phrase_slots
from search.read.budget import UNLIMITED, Budget

#: Whoosh's BM25F defaults, which the engine's searcher uses.
K1 = 1.2
B = 0.75

#: Field length for each of Whoosh's length bytes.
_LENGTH_OF_BYTE = np.array([byte_to_length(b) or 0 for b in range(256)], dtype=np.float64)

#: A node's scores over the documents scored, and which of them it matches.
_Scored = tuple[np.ndarray, np.ndarray]


class Scorer:
    """BM25F scores of queries over one searcher's documents."""

    def __init__(self, searcher: Searcher, docsets: DocSets) -> None:
        """``docsets``: the searcher's set pass, whose postings and phrases are scored."""
        self._searcher = searcher
        self._postings = docsets.postings
        self._docsets = docsets
        self._leaves = [(leaf.reader(), offset) for leaf, offset in searcher.leaf_searchers()]
        self._size = searcher.reader().doc_count_all()
        self._norms: dict[str, np.ndarray] = {}
        #: The deadline of the search under way (the engine sets it for each search).
        self.budget: Budget = UNLIMITED

    def scores(self, query: wq.Query, docs: Iterable[int]) -> tuple[np.ndarray, np.ndarray]:
        """``docs`` ascending (an int array) and the score of ``query`` for each; every one
        of them must be a match of ``query``."""
        ordered = np.fromiter(docs, dtype=np.int64)
        ordered.sort()
        scores, matched = self._score(query, ordered)
        if not matched.all():  # the set pass and the scorer disagree: a fault, never hidden
            missing = ordered[~matched][:5].tolist()
            raise RuntimeError(
                f"the scorer finds {len(ordered) - int(matched.sum())} of {len(ordered)} "
                f"matches of {query!r} not matching (documents {missing}...)"
            )
        return ordered, scores

    def top(
        self,
        query: wq.Query,
        docs: Iterable[int],
        limit: int | None,
        first: set[int] | frozenset[int] | None = None,
    ) -> list[tuple[int, float]]:
        """The ``limit`` best of ``docs`` (all with None) as (document, score), best first,
        ties in document order; the documents of ``first`` before the others."""
        ordered, scores = self.scores(query, docs)
        if first is None:
            return _best(ordered, scores, limit)
        leads = _within(ordered, first)
        ranked = _best(ordered[leads], scores[leads], limit)
        if limit is None or len(ranked) < limit:
            rest = None if limit is None else limit - len(ranked)
            ranked += _best(ordered[~leads], scores[~leads], rest)
        return ranked

    # The query tree ---------------------------------------------------------------------------

    def _score(self, q: wq.Query, docs: np.ndarray) -> _Scored:
        self.budget.check()
        if isinstance(q, wq.Term):
            return self._term(q.fieldname, q.text, q.boost, docs)
        if isinstance(q, wq.AndNot):  # the set pass excluded the documents of q.b
            return self._score(q.a, docs)
        if isinstance(q, wq.Every):
            return np.zeros(len(docs)), np.ones(len(docs), dtype=bool)
        if q is wq.NullQuery:
            return np.zeros(len(docs)), np.zeros(len(docs), dtype=bool)
        slots = phrase_slots(q)
        if slots is not None:
            # Whoosh scores a phrase as the sum of its words (in order), where it stands.
            if isinstance(q, wq.Phrase):
                parts = [wq.Term(q.fieldname, word) for word in q.words]
            else:
                parts = list(q.subqueries)
            scores, _ = self._compound(parts, q.boost, docs, every=True)
            stands = _within(docs, self._docsets.docs(q))
            return np.where(stands, scores, 0.0), stands
        if isinstance(q, wq.Or):
            return self._compound(q.subqueries, q.boost, docs, every=False)
        if isinstance(q, wq.And):
            return self._compound(q.subqueries, q.boost, docs, every=True)
        raise TypeError(f"no scoring for {q!r}")

    def _compound(
        self, parts: list[wq.Query], boost: float, docs: np.ndarray, every: bool
    ) -> _Scored:
        """An Or's (or an And's, ``every``) parts added in a binary tree in their order, as
        Whoosh adds an Or's: a part that does not match a document adds nothing (0.0 is
        added, which changes no bit). Whoosh applies no boost to a compound of one part."""
        if not parts:
            return np.zeros(len(docs)), np.zeros(len(docs), dtype=bool)
        if len(parts) == 1:
            return self._score(parts[0], docs)
        scores, matched = self._tree([self._score(part, docs) for part in parts], every)
        if every:
            scores = np.where(matched, scores, 0.0)
        if boost != 1.0:
            scores = scores * boost
        return scores, matched

    def _tree(self, parts: list[_Scored], every: bool) -> _Scored:
        if len(parts) == 1:
            return parts[0]
        half = len(parts) // 2
        left_scores, left = self._tree(parts[:half], every)
        right_scores, right = self._tree(parts[half:], every)
        return left_scores + right_scores, (left & right) if every else (left | right)

    def _term(self, fieldname: str, text: str, boost: float, docs: np.ndarray) -> _Scored:
        scores = np.zeros(len(docs))
        postings = self._postings.term(fieldname, text)
        if not len(postings) or not len(docs):
            return scores, np.zeros(len(docs), dtype=bool)
        # Where each document would stand among the postings, and whether it is there.
        at = np.searchsorted(postings.ids, docs)
        at[at == len(postings)] = 0
        matched = postings.ids[at] == docs
        tf = postings.weights[at[matched]]
        idf = self._searcher.idf(fieldname, text)
        # whoosh.scoring.bm25, operation for operation: the same bits (the length part of
        # its denominator is the same for every term of a field, so it is computed once).
        term = idf * ((tf * (K1 + 1)) / (tf + self._length_norms(fieldname)[docs[matched]]))
        if boost != 1.0:
            term = term * boost
        scores[matched] = term
        return scores, matched

    def _length_norms(self, fieldname: str) -> np.ndarray:
        """For every document, ``K1 * ((1 - B) + B * fl / avgfl)`` of Whoosh's BM25 with its
        length in the field as Whoosh's scorer reads it (a byte each) and the field's average
        length."""
        found = self._norms.get(fieldname)
        if found is None:
            codes = np.zeros(self._size, dtype=np.uint8)
            for reader, offset in self._leaves:
                codes[offset : offset + reader.doc_count_all()] = _length_bytes(reader, fieldname)
            fl = _LENGTH_OF_BYTE[codes]
            avgfl = self._searcher.avg_field_length(fieldname) or 1
            found = self._norms[fieldname] = K1 * ((1 - B) + B * fl / avgfl)
        return found


def _length_bytes(reader: object, fieldname: str) -> np.ndarray:
    """One segment's length bytes of a field (0 for none), read as one run where Whoosh keeps
    them as one byte a document."""
    size = reader.doc_count_all()  # type: ignore[attr-defined]
    column = reader._perdoc._cached_reader(_lenfield(fieldname), LENGTHS_COLUMN)  # type: ignore[attr-defined]
    if column is None:
        return np.zeros(size, dtype=np.uint8)
    if getattr(column, "_typecode", None) == "B" and not getattr(column, "_reverse", False):
        raw = column._dbfile.get(column._basepos, size)
        return np.frombuffer(raw, dtype=np.uint8)
    return np.array([column[n] for n in range(size)], dtype=np.uint8)


def _within(docs: np.ndarray, found: frozenset[int] | set[int]) -> np.ndarray:
    """Which of ``docs`` (ascending) are in ``found``."""
    if not found:
        return np.zeros(len(docs), dtype=bool)
    members = np.fromiter(found, dtype=np.int64, count=len(found))
    members.sort()
    at = np.searchsorted(members, docs)
    at[at == len(members)] = 0
    return members[at] == docs


def _best(docs: np.ndarray, scores: np.ndarray, limit: int | None) -> list[tuple[int, float]]:
    """The ``limit`` best (all with None) of ``docs`` (ascending) by score, ties in document
    order."""
    if limit is not None and limit < len(docs):
        if limit <= 0:
            return []
        # The limit-th best score: every better one is in, then ties in document order.
        cut = -np.partition(-scores, limit - 1)[limit - 1]
        better = np.flatnonzero(scores > cut)
        ties = np.flatnonzero(scores == cut)[: limit - len(better)]
        chosen = np.concatenate([better, ties])
        docs, scores = docs[chosen], scores[chosen]
    order = np.lexsort((docs, -scores))
    return list(zip(docs[order].tolist(), scores[order].tolist(), strict=True))
