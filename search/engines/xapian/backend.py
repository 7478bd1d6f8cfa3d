"""The cluster engine behind the seam: one Xapian database made of every shard's server.

Xapian's remote backend runs a query on every shard and merges the answers, with statistics
summed over all shards (so a term weighs what it would in one database). Ours is the choice of
server: each shard's servers are asked in the cluster file's order, and when one fails (a
network error, a server killed) the call is made again on the shard's next server that answers,
so a user sees no error. A shard none of whose servers answers fails the search with
:class:`~search.errors.ShardUnavailable` naming it, or, when partial answers were asked for,
is left out (an empty database in its place keeps every other document's number) and named in
:meth:`XapianBackend.missing_shards`.

Document numbers are Xapian's for the whole cluster: shard ``i`` of ``n``'s document ``d`` is
``(d - 1) * n + i + 1``. A replica is a copy of its master, document numbers and all, so they
hold across a fail-over.
"""

from __future__ import annotations

import json
import os
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import xapian

from search.analysis.version import ANALYZER_VERSION
from search.backend import ENV_PARTIAL, Description
from search.engines.xapian import layout
from search.engines.xapian.spec import ClusterSpec, Server, read_spec
from search.errors import IndexUnavailable, ShardUnavailable
from search.read import tree as qt
from search.read.budget import UNLIMITED, Budget
from search.read.values import Columns

T = TypeVar("T")

#: Milliseconds to wait for a server: to connect, and for an answer.
CONNECT_MS = 1000
ANSWER_MS = 10_000
#: Query results kept per commit (each a set, or a ranking, of document numbers).
CACHED_RESULTS = 64
#: Whoosh's BM25F parameters, for Xapian's BM25: k1, k2, k3, b, min_normlen.
BM25 = (1.2, 0.0, 1.0, 0.75, 0.5)
#: Calls made again after a fail-over before the error is reported.
ATTEMPTS = 4


def connect(server: Server) -> xapian.Database:
    """A connection to one shard server (raises a Xapian error when it does not answer)."""
    return xapian.remote_open(server.host, server.port, ANSWER_MS, CONNECT_MS)


def answers(server: Server) -> bool:
    try:
        connect(server).close()
    except xapian.Error:
        return False
    return True


class XapianVocabulary:
    """The cluster's terms and statistics (:class:`search.backend.Vocabulary`), summed over
    every shard by Xapian."""

    def __init__(self, backend: XapianBackend) -> None:
        self._backend = backend

    def doc_count_all(self) -> int:
        return self._backend._call(lambda db: int(db.get_doccount()))

    def doc_frequency(self, fieldname: str, text: str) -> int:
        key = layout.term(fieldname, text)
        return self._backend._call(lambda db: int(db.get_termfreq(key)))

    def frequency(self, fieldname: str, text: str) -> float:
        key = layout.term(fieldname, text)
        return self._backend._call(lambda db: float(db.get_collection_freq(key)))

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[bytes]:
        start = layout.PREFIXES[fieldname].encode("utf-8")
        wanted = start + prefix.encode("utf-8")
        terms = self._backend._call(lambda db: [t.term for t in db.allterms(wanted)])
        return (t[len(start) :] for t in terms)

    def term_documents(self, fieldname: str, text: str) -> list[int]:
        return sorted(self._backend.docs(qt.Term(fieldname, text)))

    def article_ids(self, docnums: list[int]) -> list[str]:
        return self._backend.article_ids(docnums)

    def company(self, docnum: int) -> bytes | None:
        return self._backend._company().get(docnum)


class XapianBackend:
    """The latest commit of every shard of a cluster (:class:`search.backend.Backend`)."""

    def __init__(self, cluster_file: Path, partial: bool | None = None) -> None:
        """``partial``: answer without a shard none of whose servers answers (default: the
        ``NEWS_SEARCH_PARTIAL`` environment variable, else no)."""
        self.path = cluster_file
        self.spec: ClusterSpec = read_spec(cluster_file)
        self.partial = os.environ.get(ENV_PARTIAL) == "1" if partial is None else partial
        self.budget: Budget = UNLIMITED
        shards = self.spec.shards
        self._servers: list[int | None] = [None] * len(shards)  # the server asked, per shard
        self._connections: list[xapian.Database | None] = [None] * len(shards)
        for i in range(len(shards)):
            self._connect(i)
        self._build()
        self._generation = self._read_generation()
        self._check_version()
        self._forget()

    # Servers and fail-over -------------------------------------------------------------------

    def _connect(self, i: int) -> None:
        """Connect shard ``i`` to its first server that answers (or to none, when partial
        answers are allowed); :class:`ShardUnavailable` when none does."""
        shard = self.spec.shards[i]
        for k, server in enumerate(shard.servers):
            try:
                self._connections[i] = connect(server)
                self._servers[i] = k
                return
            except xapian.Error:
                continue
        self._connections[i] = None
        self._servers[i] = None
        if not self.partial:
            listed = ", ".join(f"{s.host}:{s.port}" for s in shard.servers)
            raise ShardUnavailable(
                f"shard {shard.name} is unavailable: none of its servers answers ({listed})"
            )

    def _build(self) -> None:
        """One database of every shard's connection, in the cluster file's order."""
        db = xapian.Database()
        for connection in self._connections:
            db.add_database(
                connection
                if connection is not None
                else xapian.WritableDatabase("", xapian.DB_BACKEND_INMEMORY)
            )
        self.db = db

    def _fail_over(self) -> None:
        """After an error: keep each shard's server if it still answers, else connect the shard
        to the next that does."""
        for i, connection in enumerate(self._connections):
            try:
                if connection is None:
                    raise xapian.NetworkError("not connected")
                connection.reopen()
                connection.get_doccount()
            except xapian.Error:
                self._connect(i)
        self._build()
        self._stale = True

    def _call(self, work: Callable[[xapian.Database], T]) -> T:
        """``work`` on the cluster's database, made again on other servers after a failure."""
        for attempt in range(ATTEMPTS):
            try:
                return work(self.db)
            except xapian.DatabaseModifiedError:  # a shard committed twice since it was read
                self.db.reopen()
                self._stale = True
            except (xapian.RuntimeError, xapian.DatabaseError):  # a network error among them
                if attempt == ATTEMPTS - 1:
                    raise
                self._fail_over()
        return work(self.db)

    def missing_shards(self) -> list[str]:
        """The shards left out of the answers (none of their servers answers)."""
        shards = zip(self.spec.shards, self._connections, strict=True)
        return [shard.name for shard, connection in shards if connection is None]

    # Commits ----------------------------------------------------------------------------------

    def _read_generation(self) -> int:
        """The sum of every shard's commit count: it grows with each commit of any shard."""
        total = 0
        for connection in self._connections:
            if connection is not None:
                value = connection.get_metadata(layout.META_GENERATION)
                total += int(value or 0)
        return total

    def _index_meta(self) -> dict[str, object]:
        for connection in self._connections:
            if connection is not None:
                raw = connection.get_metadata(layout.META_INDEX)
                if raw:
                    return json.loads(raw)
        return {}

    def _check_version(self) -> None:
        versions = set()
        for shard, connection in zip(self.spec.shards, self._connections, strict=True):
            if connection is None:
                continue
            raw = connection.get_metadata(layout.META_INDEX)
            if not raw:
                continue
            versions.add((shard.name, json.loads(raw).get("analyzer_version")))
        if not versions:
            raise IndexUnavailable(
                f"the cluster of {self.path} holds no articles yet: index a corpus with "
                f"`news-search index --cluster {self.path} PATH...`"
            )
        stale = sorted(name for name, version in versions if version != ANALYZER_VERSION)
        if stale:
            raise IndexUnavailable(
                f"shards {', '.join(stale)} of {self.path} were built by another version of the "
                f"analysis; rebuild with `news-search index --cluster {self.path} --rebuild`"
            )

    def _forget(self) -> None:
        self._stale = False
        self._columns: Columns | None = None
        self._ids: list[str] = []
        self._companies: dict[int, bytes] | None = None
        self._results: OrderedDict[tuple[object, bool], object] = OrderedDict()
        self._vocabulary = XapianVocabulary(self)

    def refresh(self) -> bool:
        def reopen(_: xapian.Database) -> None:
            for connection in self._connections:
                if connection is not None:
                    connection.reopen()

        if any(k != 0 for k in self._servers):  # back to the first server when it answers
            self._fail_over_to_first()

        def newest(db: xapian.Database) -> int:
            reopen(db)
            db.reopen()
            return self._read_generation()

        generation = self._call(newest)
        if generation == self._generation and not self._stale:
            return False
        self._generation = generation
        self._forget()
        return True

    def _fail_over_to_first(self) -> None:
        for i, shard in enumerate(self.spec.shards):
            current = self._servers[i]
            if current == 0:
                continue
            for k, server in enumerate(shard.servers[: current if current is not None else None]):
                try:
                    self._connections[i] = connect(server)
                except xapian.Error:
                    continue
                self._servers[i] = k
                self._stale = True
                break
        self._build()

    def close(self) -> None:
        for connection in self._connections:
            if connection is not None:
                connection.close()
        self.db.close()

    def generation(self) -> int:
        return self._generation

    def documents(self) -> int:
        return self._call(lambda db: int(db.get_doccount()))

    def vocabulary(self) -> XapianVocabulary:
        return self._vocabulary

    # Values -----------------------------------------------------------------------------------

    def _values(self, slot: int) -> list[tuple[int, bytes]]:
        """Every live document's value in ``slot``, with its number: each document as a match
        of every article, carrying the value as its collapse key (collapsing nothing), in one
        answer per shard."""

        def read(db: xapian.Database) -> list[tuple[int, bytes]]:
            enquire = xapian.Enquire(db)
            enquire.set_query(xapian.Query.MatchAll)
            enquire.set_weighting_scheme(xapian.BoolWeight())
            size = db.get_doccount()
            enquire.set_collapse_key(slot, size + 1)
            return [(m.docid, m.collapse_key) for m in enquire.get_mset(0, size, size)]

        return self._call(read)

    def columns(self) -> Columns:
        if self._columns is None:
            values = self._values(layout.SLOT_COLUMNS)
            size = self._call(lambda db: int(db.get_lastdocid())) + 1
            source = [""] * size
            date = [0] * size
            undated = [1] * size
            story = [""] * size
            ids = [""] * size
            live = set()
            for docnum, raw in values:
                if not raw:
                    continue
                source[docnum], date[docnum], undated[docnum], story[docnum], ids[docnum] = (
                    json.loads(raw)
                )
                live.add(docnum)
            deleted = frozenset(n for n in range(size) if n not in live)
            self._ids = ids
            self._columns = Columns.build(
                source, date, undated, story, deleted, layout.date_value, layout.from_date_value
            )
        return self._columns

    def _company(self) -> dict[int, bytes]:
        if self._companies is None:
            self._companies = {n: v for n, v in self._values(layout.SLOT_COMPANY) if v}
        return self._companies

    def article_ids(self, docnums: list[int]) -> list[str]:
        self.columns()
        return [self._ids[n] for n in docnums]

    # Matching and ranking ---------------------------------------------------------------------

    def _matches(self, query: qt.Query, ranked: bool) -> list[tuple[int, float]]:
        """Every match of a query tree, as Xapian ranks them (BM25 with the cluster's
        statistics; ties by document number) or, unranked, in any order."""
        key = (query, ranked)
        found = self._results.get(key)
        if found is not None:
            self._results.move_to_end(key)
            return found  # type: ignore[return-value]
        self.budget.check()
        xq = to_xapian(query)

        def run(db: xapian.Database) -> list[tuple[int, float]]:
            enquire = xapian.Enquire(db)
            enquire.set_query(xq)
            if ranked:
                enquire.set_weighting_scheme(xapian.BM25Weight(*BM25))
            else:
                enquire.set_weighting_scheme(xapian.BoolWeight())
            size = db.get_doccount()
            return [(m.docid, m.weight) for m in enquire.get_mset(0, size, size)]

        found = self._call(run)
        self._results[key] = found
        if len(self._results) > CACHED_RESULTS:
            self._results.popitem(last=False)
        return found

    def docs(self, query: qt.Query) -> frozenset[int]:
        """The matches among the articles of the commit the columns were read from: a shard
        that moved to a newer commit in the meantime (a search made again after an error
        reopens it) may hold articles they do not describe yet, left out until the refresh."""
        ranked = self._results.get((query, True))
        matches = ranked if ranked is not None else self._matches(query, ranked=False)
        known = len(self.columns().source)
        return frozenset(n for n, _ in matches if n < known)  # type: ignore[union-attr]

    def top(
        self, query: qt.Query, among: set[int], limit: int, first: frozenset[int] | None = None
    ) -> list[tuple[int, float]]:
        ranking = [(n, w) for n, w in self._matches(query, ranked=True) if n in among]
        if first is not None:
            ranking = [h for h in ranking if h[0] in first] + [
                h for h in ranking if h[0] not in first
            ]
        return ranking[:limit]

    # Articles ---------------------------------------------------------------------------------

    def stored(self, docnum: int) -> dict[str, object]:
        return layout.stored_fields(self._call(lambda db: db.get_document(docnum).get_data()))

    def stored_many(self, docnums: Iterable[int]) -> list[dict[str, object]]:
        return [self.stored(n) for n in docnums]

    def find(self, article_id: str) -> int | None:
        key = layout.term("id", article_id)
        if len(key) > layout.MAX_TERM_BYTES:
            return None

        def run(db: xapian.Database) -> int | None:
            postings = db.postlist(key)
            return next((p.docid for p in postings), None)

        return self._call(run)

    def field_terms(self, fieldname: str) -> list[str]:
        return [t.decode("utf-8") for t in self._vocabulary.expand_prefix(fieldname, "")]

    def describe(self) -> Description:
        meta = self._index_meta()
        masters = Path(self.spec.masters.dir)
        size = sum(p.stat().st_size for p in masters.rglob("*") if p.is_file())
        return Description(
            path=str(self.path.resolve()),
            size_bytes=size if masters.is_dir() else 0,
            segments=len(self.spec.shards),
            analyzer_version=meta.get("analyzer_version"),  # type: ignore[arg-type]
            built_at=meta.get("built_at"),  # type: ignore[arg-type]
            updated_at=meta.get("updated_at"),  # type: ignore[arg-type]
            paths=list(meta.get("paths", [])),  # type: ignore[call-overload]
            servers=self.servers(),
        )

    def servers(self) -> list[dict[str, object]]:
        """Every server of the cluster: its shard, role, address, whether it answers and
        whether searches ask it now."""
        return [
            {
                "shard": shard.name,
                "role": server.role,
                "host": server.host,
                "port": server.port,
                "answers": answers(server),
                "in_use": self._servers[i] == k,
            }
            for i, shard in enumerate(self.spec.shards)
            for k, server in enumerate(shard.servers)
        ]


def to_xapian(q: qt.Query) -> xapian.Query:
    """A query tree as Xapian's. A phrase of ``n`` words each at most ``slop`` positions after
    the one before becomes Xapian's phrase within a window of ``1 + slop * (n - 1)`` positions:
    the same matches for side-by-side words (slop 1) and for two words; for three or more
    words with a slop, Xapian's window lets one gap take what another leaves."""
    if isinstance(q, qt.Term):
        return _scaled(xapian.Query(layout.term(q.fieldname, q.text)), q.boost)
    if isinstance(q, qt.Phrase):
        parts = [xapian.Query(layout.term(q.fieldname, w)) for w in q.words]
        window = 1 + q.slop * (len(parts) - 1)
        return _scaled(xapian.Query(xapian.Query.OP_PHRASE, parts, window), q.boost)
    if isinstance(q, qt.Sequence):
        parts = [to_xapian(s) for s in q.subqueries]
        window = 1 + q.slop * (len(parts) - 1)
        return _scaled(xapian.Query(xapian.Query.OP_PHRASE, parts, window), q.boost)
    if isinstance(q, qt.Or):
        return xapian.Query(xapian.Query.OP_OR, [to_xapian(s) for s in q.subqueries])
    if isinstance(q, qt.And):
        return xapian.Query(xapian.Query.OP_AND, [to_xapian(s) for s in q.subqueries])
    if isinstance(q, qt.AndNot):
        return xapian.Query(xapian.Query.OP_AND_NOT, to_xapian(q.a), to_xapian(q.b))
    if isinstance(q, qt.Every):
        return xapian.Query.MatchAll
    raise TypeError(f"not a query tree: {q!r}")


def _scaled(query: xapian.Query, boost: float) -> xapian.Query:
    return query if boost == 1.0 else xapian.Query(xapian.Query.OP_SCALE_WEIGHT, query, boost)
