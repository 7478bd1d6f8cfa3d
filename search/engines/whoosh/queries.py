"""The read path's query tree (:mod:`search.read.tree`) as Whoosh query objects, which the set
pass (:mod:`search.engines.whoosh.docsets`) and the scorer evaluate."""

from __future__ import annotations

from functools import lru_cache

from whoosh import query as wq

from search.read import tree as qt


@lru_cache(maxsize=4096)
def to_whoosh(q: qt.Query) -> wq.Query:
    """One tree as Whoosh's (equal trees give the same object, so the set pass's caches hold)."""
    if isinstance(q, qt.Term):
        return wq.Term(q.fieldname, q.text, boost=q.boost)
    if isinstance(q, qt.Phrase):
        return wq.Phrase(q.fieldname, list(q.words), slop=q.slop, boost=q.boost)
    if isinstance(q, qt.Sequence):
        return wq.Sequence([to_whoosh(s) for s in q.subqueries], slop=q.slop, boost=q.boost)
    if isinstance(q, qt.Or):
        return wq.Or([to_whoosh(s) for s in q.subqueries])
    if isinstance(q, qt.And):
        return wq.And([to_whoosh(s) for s in q.subqueries])
    if isinstance(q, qt.AndNot):
        return wq.AndNot(to_whoosh(q.a), to_whoosh(q.b))
    if isinstance(q, qt.Every):
        return wq.Every()
    raise TypeError(f"not a query tree: {q!r}")
