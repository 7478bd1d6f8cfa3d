"""Writing a cluster: every shard's master database, in one transaction each.

An indexing run writes the masters (on the masters' host, where the cluster file says they
are); the primaries serve them and the replicas copy their commits. Each article goes to the
shard a hash of its id names (:func:`shard_of`), so an update or a removal finds it again.

Nothing a run writes is seen before it commits: each master holds the run's changes in a
transaction, which Xapian discards if the run is interrupted or killed, and commits at the end
with the shard's metadata (the analysis version and the shard's commit count). The shards commit
one after another, in a moment at the end of the run; a run killed in that moment leaves the
shards before it at the new commit and the others at the last one, each whole, and the next run
brings the rest up to date (unchanged articles are compared, not written again).
"""

from __future__ import annotations

import contextlib
import json
import os
import zlib
from collections.abc import Mapping
from pathlib import Path

import xapian

from search.engines.xapian import layout
from search.engines.xapian.spec import ClusterSpec, Shard
from search.errors import IndexUnavailable, SearchError

#: Each master keeps this many change sets, which the replicas catch up from (a replica further
#: behind copies the whole shard).
CHANGESETS = 100


def shard_of(article_id: str, shards: tuple[Shard, ...]) -> int:
    """The shard an article lives on: a hash of its id (the same on every run and machine)."""
    return zlib.crc32(article_id.encode("utf-8")) % len(shards)


def _documents(path: Path) -> int:
    try:
        db = xapian.Database(str(path))
    except xapian.Error:
        return 0
    try:
        return int(db.get_doccount())
    finally:
        db.close()


def create_master(path: Path) -> None:
    """An empty master database for a shard (what a new cluster starts with)."""
    os.environ.setdefault("XAPIAN_MAX_CHANGESETS", str(CHANGESETS))
    db = xapian.WritableDatabase(str(path), xapian.DB_CREATE_OR_OPEN)
    db.set_metadata(layout.META_GENERATION, "0")
    db.commit()
    db.close()


class ClusterWriter:
    """The masters of a cluster, written by one run: ``add_document`` and ``delete_by_term`` as
    the indexer calls them on any engine's writer, then :meth:`commit` or :meth:`cancel`."""

    def __init__(self, spec: ClusterSpec, cluster_file: Path, rebuild: bool) -> None:
        self.spec = spec
        self.dbs: list[xapian.WritableDatabase] = []
        self.change_sets: list[str] = []  # each shard's XAPIAN_MAX_CHANGESETS for the run
        for shard in spec.shards:
            path = spec.master_path(shard)
            if not path.is_dir():
                self.cancel()
                raise IndexUnavailable(
                    f"no master of shard {shard.name} at {path}: index on the masters' host "
                    f"({spec.masters.host}) with the cluster file {cluster_file}"
                )
            # A shard written from nothing (a first build, a rebuild) keeps no change set: it
            # would be as large as the shard (4.1 GB for a third of 500,000 articles), for
            # replicas that copy such a shard whole anyway.
            fresh = rebuild or _documents(path) == 0
            self.change_sets.append("0" if fresh else str(CHANGESETS))
            os.environ["XAPIAN_MAX_CHANGESETS"] = self.change_sets[-1]
            try:
                db = xapian.WritableDatabase(str(path), xapian.DB_OPEN)
            except xapian.DatabaseLockError:
                self.cancel()
                raise SearchError(
                    f"another `news-search index` is writing to the cluster of {cluster_file}; "
                    "try again when it ends"
                ) from None
            except xapian.Error as error:
                self.cancel()
                raise IndexUnavailable(f"cannot open the master of {shard.name}: {error}") from None
            self.dbs.append(db)
            db.begin_transaction(True)
        self.cleared = rebuild
        if rebuild:
            for db in self.dbs:
                for docid in [p.docid for p in db.postlist("")]:
                    db.delete_document(docid)

    def existing(self) -> dict[str, tuple[bytes, str]]:
        """id -> (content hash, origin) of every article in the cluster."""
        found: dict[str, tuple[bytes, str]] = {}
        if self.cleared:
            return found
        for db in self.dbs:
            for value in db.valuestream(layout.SLOT_STATE):
                article_id, digest, origin = json.loads(value.value)
                found[article_id] = (bytes.fromhex(digest), origin)
        return found

    def meta(self) -> dict[str, object]:
        """The metadata of the cluster's last run (empty before the first)."""
        raw = self.dbs[0].get_metadata(layout.META_INDEX) if self.dbs else b""
        return json.loads(raw) if raw else {}

    def _db(self, article_id: str) -> xapian.WritableDatabase:
        return self.dbs[shard_of(article_id, self.spec.shards)]

    def add_document(self, **fields: object) -> None:
        article_id = str(fields["id"])
        key = layout.term("id", article_id)
        if len(key) > layout.MAX_TERM_BYTES:
            raise SearchError(f"an article id of more than 240 bytes: {article_id[:40]!r}...")
        self._db(article_id).replace_document(key, layout.document(fields))

    def delete_by_term(self, fieldname: str, text: str) -> None:
        self._db(text).delete_document(layout.term(fieldname, text))

    def commit(self, meta: Mapping[str, object]) -> int:
        """Commit every shard with the run's metadata; the articles in the cluster after."""
        documents = 0
        encoded = json.dumps(dict(meta), ensure_ascii=False)
        for shard, db in enumerate(self.dbs):
            generation = int(db.get_metadata(layout.META_GENERATION) or 0) + 1
            db.set_metadata(layout.META_GENERATION, str(generation))
            db.set_metadata(layout.META_INDEX, encoded)
            os.environ["XAPIAN_MAX_CHANGESETS"] = self.change_sets[shard]
            try:
                db.commit_transaction()
            finally:
                os.environ["XAPIAN_MAX_CHANGESETS"] = str(CHANGESETS)
            documents += db.get_doccount()
        self.close()
        return documents

    def cancel(self) -> None:
        """Abandon the run: every shard stays at its last commit."""
        for db in self.dbs:
            with contextlib.suppress(xapian.InvalidOperationError):  # committed already
                db.cancel_transaction()
        self.close()

    def close(self) -> None:
        for db in self.dbs:
            db.close()
        self.dbs = []
