"""Building and updating an index from corpus files.

A run is incremental: articles are compared with the index by content hash, new ones are added,
changed ones re-indexed, unchanged ones left alone, and articles that came from the paths given
but are no longer there are removed. Everything happens in one Whoosh writer and becomes visible
at one commit, so an interrupted run (Ctrl-C, ``kill -9``) leaves the last committed index as it
was. ``rebuild`` replaces every segment at that same single commit.

Whoosh writes the table of contents of a new generation atomically (a file renamed into place);
the metadata beside it (:mod:`search.engines.whoosh.store`) is recorded for that generation before
it is
written, so a run killed at any moment leaves either the last commit or the new one, each with
its metadata. A Ctrl-C that comes once the new generation is on disk is ignored: the run is
committed, and ends as it would have.

A file that cannot be read, or stops being readable, is reported and its articles already in the
index are kept: only a file that was read can tell which of them are gone.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import multiprocessing.util
import os
import signal
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, TracebackType
from typing import Protocol

from whoosh.index import FileIndex, LockError
from whoosh.writing import CLEAR, IndexWriter

from search.backend import ClusterFile, Location
from search.engines.whoosh import store
from search.engines.whoosh.schema import ANALYZER_VERSION
from search.engines.whoosh.writer import NewsMpWriter, NewsSegmentWriter
from search.errors import SearchError, StrictSkipError
from search.rules.company import SEPARATOR, article_company
from search.rules.story import story_key
from search.write.corpus import Article, CorpusFiles, Skip, count_records, find_files, read_file
from search.write.progress import Progress

#: Seconds to wait for another writer to finish before giving up.
LOCK_TIMEOUT = 5.0
#: Memory for each writer process's postings (search.engines.whoosh.writer.TermPool), in MB, before
#: it spills
#: them to disk. On the five corpora with 2 processes, 192 MB builds as fast as 256 MB did and
#: lowers a writer's peak from 581 to 491 MiB (bench/peers.py); 128 MB is slower, no smaller.
WRITER_LIMIT_MB = 192


@dataclass
class IndexSummary:
    """What an index run did."""

    added: int = 0
    updated: int = 0
    removed: int = 0
    unchanged: int = 0
    skipped: int = 0
    documents: int = 0
    seconds: float = 0.0
    ignored: list[str] = field(default_factory=list)

    def line(self) -> str:
        return (
            f"added {self.added:,}, updated {self.updated:,}, removed {self.removed:,}, "
            f"unchanged {self.unchanged:,}, skipped {self.skipped:,} "
            f"({self.documents:,} articles in the index, {self.seconds:.1f}s)"
        )

    def to_json(self) -> dict[str, object]:
        return {
            "ok": True,
            "added": self.added,
            "updated": self.updated,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "skipped": self.skipped,
            "documents": self.documents,
            "seconds": round(self.seconds, 3),
            "ignored": self.ignored,
        }


def content_hash(article: Article) -> bytes:
    """A digest (SHA-1, 20 bytes) of everything indexed about an article, to tell changed
    articles apart."""
    data = [
        article.title,
        article.body,
        article.date.isoformat() if article.date else None,
        article.source,
        article.url,
    ]
    return hashlib.sha1(json.dumps(data, ensure_ascii=False).encode("utf-8")).digest()


def _document(article: Article, digest: bytes, variants: bool) -> dict[str, object]:
    doc: dict[str, object] = {
        "id": article.id,
        "title": article.title,
        "body": article.body,
        "undated": int(article.date is None),
        "source": article.source,
        "url": article.url,
        "hash": digest,
        "story": story_key(article.source, article.body).encode("utf-8"),
        "origin": article.origin.encode("utf-8"),
    }
    if article.date is not None:
        doc["date"] = article.date
    if variants:
        # The body first: its compounds were just found for the body field (sorted first).
        doc["spellings"] = (article.body, article.title)
        doc["company"] = SEPARATOR.join(article_company(article.body)).encode("utf-8")
    return doc


def _open_for_writing(index_dir: Path, rebuild: bool) -> tuple[FileIndex, bool]:
    """The index to write to, and whether its existing segments must be dropped at commit."""
    index_dir.mkdir(parents=True, exist_ok=True)
    if not store.exists(index_dir) or _never_committed(index_dir):
        return store.create(index_dir), False
    if rebuild:
        try:
            return store.open_dir(index_dir), True
        except Exception:  # damaged beyond opening: start a new index generation
            return store.create(index_dir), False
    return store.open_index(index_dir), False


def _never_committed(index_dir: Path) -> bool:
    """Whether the index is what a first run leaves when it commits nothing (interrupted, or
    stopped by ``--strict``): the empty generation ``create_in`` writes, and no metadata."""
    if store.read_meta(index_dir) is not None:
        return False
    try:
        ix = store.open_dir(index_dir)
        return ix.latest_generation() == 0 and ix.doc_count_all() == 0
    except Exception:  # damaged: open_index reports it
        return False


def _writer(ix: FileIndex, procs: int) -> IndexWriter:
    """A writer; with several processes, workers that leave Ctrl-C to this process.

    Call it with SIGINT ignored (see index_corpus): Whoosh forks its workers while creating the
    writer, and they inherit the ignored SIGINT, so an interrupt reaches only this process,
    which cancels the run and stops them (no tracebacks). They also watch this process, so that
    a kill -9 of it does not leave them blocked forever.
    """
    if procs == 1:
        return NewsSegmentWriter(ix, limitmb=WRITER_LIMIT_MB, timeout=LOCK_TIMEOUT)
    _WORKERS.parent = os.getpid()
    multiprocessing.util.register_after_fork(_WORKERS, _exit_with_parent)
    return NewsMpWriter(ix, procs=procs, limitmb=WRITER_LIMIT_MB, timeout=LOCK_TIMEOUT)


class _Workers:
    """The after-fork registration of Whoosh's writer workers (needs a weak-referenceable key),
    with the pid of the process that forks them."""

    parent: int = 0


_WORKERS = _Workers()


def _exit_with_parent(workers: _Workers) -> None:
    """In a writer worker: exit as soon as the indexing process that forked it is gone.

    The parent's pid is the one recorded before the fork, not ``os.getppid()`` read here: a
    parent killed between the fork and this hook has already handed the worker to init, whose
    pid would then be watched for ever.
    """
    parent = workers.parent

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(1)

    threading.Thread(target=watch, name="exit-with-parent", daemon=True).start()


def _cancel(writer: IndexWriter) -> None:
    """Abandon a run, leaving the last commit as it was."""
    # Whoosh's MpWriter.cancel() only flags its copies of the worker processes: stop them here.
    workers = getattr(writer, "tasks", [])
    for worker in workers:
        worker.terminate()
    for worker in workers:
        worker.join()
    # Jobs still buffered for the stopped workers would make this process wait forever at exit
    # for its queue's feeder thread to hand them over: they are abandoned with the run.
    for name in ("jobqueue", "resultqueue"):
        queue = getattr(writer, name, None)
        if queue is not None:
            queue.cancel_join_thread()
    if not writer.is_closed:  # an interrupted commit has already released the writer
        writer.cancel()


class _CommitInterrupts:
    """While a run commits: a Ctrl-C cancels it until the new generation is on disk, and is
    ignored after, so that an interrupt that reports "nothing was committed" is never late.

    Python runs signal handlers in the main thread between two steps of it, the one that writes
    the table of contents: the generation on disk tells exactly which side of the commit the
    interrupt came.
    """

    def __init__(self, index_dir: Path, generation: int) -> None:
        self.index_dir = index_dir
        self.generation = generation
        self.previous: object = None
        self.main = threading.current_thread() is threading.main_thread()

    def committed(self) -> bool:
        return store.committed_generation(self.index_dir) >= self.generation

    def __enter__(self) -> _CommitInterrupts:
        if self.main:
            self.previous = signal.signal(signal.SIGINT, self._interrupt)
        return self

    def _interrupt(self, signum: int, frame: FrameType | None) -> None:
        if self.committed():
            return
        if callable(self.previous):
            self.previous(signum, frame)  # Python's own raises KeyboardInterrupt
        elif self.previous != signal.SIG_IGN:
            raise KeyboardInterrupt

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if not self.main:
            return
        # An interrupt received just before the handler is put back runs it as soon as it is:
        # too late to matter, since the commit is over (an error that ended it goes on). No
        # context manager here: entering and leaving one is a call, where it would run too.
        try:  # noqa: SIM105 - contextlib.suppress would be such a call
            signal.signal(signal.SIGINT, self.previous)  # type: ignore[arg-type]
        except KeyboardInterrupt:
            pass


def _existing(ix: FileIndex) -> dict[str, tuple[bytes, str]]:
    """id -> (content hash, origin) of every live document."""
    with ix.reader() as reader:
        if reader.doc_count_all() == 0:
            return {}
        ids = reader.column_reader("id")
        hashes = reader.column_reader("hash")
        origins = reader.column_reader("origin")
        return {
            ids[n]: (hashes[n], origins[n].decode("utf-8"))
            for n in range(reader.doc_count_all())
            if not reader.is_deleted(n)
        }


def _covered(origin: str, roots: list[Path]) -> bool:
    path = Path(origin)
    return any(path == root or root in path.parents for root in roots)


def index_corpus(
    index_dir: Location,
    paths: Iterable[Path],
    *,
    rebuild: bool = False,
    procs: int = 1,
    strict: bool = False,
    progress: Progress | None = None,
    on_skip: Callable[[Skip], None] | None = None,
    variants: bool = True,
) -> IndexSummary:
    """Bring the index at ``index_dir`` up to date with the corpus files under ``paths``.

    ``variants=False`` leaves out the fields that other spellings are found by (``spellings``
    and ``company``): such an index is searched by exact words only. It exists to measure what
    those fields cost (bench/matching_cost.py); the command line always writes them.
    """
    started = time.monotonic()
    paths = list(paths)
    progress = progress or Progress(enabled=False)
    summary = IndexSummary()
    progress.phase("reading")
    corpus = find_files(paths)
    summary.ignored = [str(p) for p in corpus.ignored]
    total = sum(count_records(f) for f in corpus.files)
    if isinstance(index_dir, ClusterFile):
        if procs != 1:
            raise SearchError("--procs is for an index folder: a cluster is written by one process")
        run = _Run(corpus, total, [p.resolve() for p in paths], summary, progress, strict, on_skip)
        return _index_cluster(index_dir.path, run, rebuild, variants, started)

    ix, clear = _open_for_writing(index_dir, rebuild)
    existing = {} if clear else _existing(ix)
    unread = _Unread(existing)
    roots = [p.resolve() for p in paths]
    meta = store.read_meta(index_dir)
    now = store.now_iso()
    new_meta = store.IndexMeta(
        analyzer_version=ANALYZER_VERSION,
        built_at=now if clear or meta is None else meta.built_at,
        updated_at=now,
        paths=sorted({*(meta.paths if meta and not clear else []), *map(str, roots)}),
    )

    def skip(record: Skip) -> None:
        if record.unread:
            record = unread.add(record)
        summary.skipped += 1
        if strict:
            raise StrictSkipError(f"{record} (--strict: nothing was committed)")
        if on_skip:
            on_skip(record)

    # Ctrl-C is ignored from the moment the writer starts until it is held where an interrupt
    # cancels it: an interrupt in between would leave the writer processes of --procs waiting
    # for work, and this process waiting for them at exit.
    main = threading.current_thread() is threading.main_thread()  # signals: main thread only
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN) if main else None
    try:
        writer = _writer(ix, procs)
    except BaseException as error:
        if main:
            signal.signal(signal.SIGINT, previous)
        if isinstance(error, LockError):
            raise SearchError(
                f"another `news-search index` is writing to {index_dir}; try again when it ends"
            ) from None
        raise
    done = False
    try:
        if main:
            signal.signal(signal.SIGINT, previous)
        _feed(writer, corpus, existing, roots, unread, summary, skip, progress, total, variants)
        progress.phase("committing and merging")
        # The metadata of the generation about to be written, for a run killed between the
        # commit and the metadata's own update (store.read_meta).
        store.write_pending_meta(index_dir, new_meta, writer.generation)
        with _CommitInterrupts(index_dir, writer.generation):
            if clear:
                writer.commit(mergetype=CLEAR)
            else:
                writer.commit()
            store.write_meta(index_dir, new_meta)
            with ix.reader() as reader:
                summary.documents = reader.doc_count()
            summary.seconds = time.monotonic() - started
            done = True
    except BaseException as error:
        if done and isinstance(error, KeyboardInterrupt):
            # Received as the handler was put back, once all was done: too late to undo.
            return summary
        if store.committed_generation(index_dir) < writer.generation:
            _cancel(writer)
        raise
    finally:
        progress.close()
    return summary


def _feed(
    writer: _Writer,
    corpus: CorpusFiles,
    existing: dict[str, tuple[bytes, str]],
    roots: list[Path],
    unread: _Unread,
    summary: IndexSummary,
    skip: Callable[[Skip], None],
    progress: Progress,
    total: int,
    variants: bool,
) -> None:
    """Hand a writer (of any engine) the run's changes: the articles read that are new or
    changed, and the removal of those gone from the files read."""
    seen: dict[str, str] = {}
    progress.phase("analysing", total)
    for problem in corpus.problems:
        skip(problem)
    for path in corpus.files:
        for record in read_file(path):
            progress.advance()
            if isinstance(record, Article) and record.id in seen:
                record = Skip(
                    record.origin,
                    record.line,
                    f"duplicate id {record.id!r} (first read at {seen[record.id]})",
                )
            if isinstance(record, Skip):
                skip(record)
                continue
            seen[record.id] = f"{record.origin}:{record.line}"
            _index_article(writer, record, existing, summary, variants)
    for doc_id, (_, origin) in existing.items():
        if doc_id not in seen and _covered(origin, roots) and not unread.covers(origin):
            writer.delete_by_term("id", doc_id)
            summary.removed += 1


@dataclass
class _Run:
    """What one indexing run reads, and reports."""

    corpus: CorpusFiles
    total: int
    roots: list[Path]
    summary: IndexSummary
    progress: Progress
    strict: bool
    on_skip: Callable[[Skip], None] | None


def _index_cluster(
    cluster_file: Path, run: _Run, rebuild: bool, variants: bool, started: float
) -> IndexSummary:
    """:func:`index_corpus` into a cluster's masters (:mod:`search.engines.xapian.writer`)."""
    from search.engines.xapian.spec import read_spec
    from search.engines.xapian.writer import ClusterWriter

    spec = read_spec(cluster_file)
    writer = ClusterWriter(spec, cluster_file, rebuild)
    try:
        existing = writer.existing()
        old = writer.meta()
        unread = _Unread(existing)
        summary = run.summary

        def skip(record: Skip) -> None:
            if record.unread:
                record = unread.add(record)
            summary.skipped += 1
            if run.strict:
                raise StrictSkipError(f"{record} (--strict: nothing was committed)")
            if run.on_skip:
                run.on_skip(record)

        _feed(
            writer,
            run.corpus,
            existing,
            run.roots,
            unread,
            summary,
            skip,
            run.progress,
            run.total,
            variants,
        )
        run.progress.phase("committing")
        now = store.now_iso()
        meta = {
            "analyzer_version": ANALYZER_VERSION,
            "built_at": now if rebuild or not old else old.get("built_at", now),
            "updated_at": now,
            "paths": sorted({*(old.get("paths", []) if not rebuild else []), *map(str, run.roots)}),
        }
        summary.documents = writer.commit(meta)
    except BaseException:
        writer.cancel()
        raise
    finally:
        run.progress.close()
    summary.seconds = time.monotonic() - started
    return summary


class _Writer(Protocol):
    """What :func:`_feed` asks of an engine's writer (Whoosh's, or the cluster's)."""

    def add_document(self, **fields: object) -> None: ...

    def delete_by_term(self, fieldname: str, text: str) -> None: ...


class _Unread:
    """The files and directories that could not be read, whose indexed articles are kept."""

    def __init__(self, existing: dict[str, tuple[bytes, str]]) -> None:
        self.paths: list[Path] = []
        self.origins = Counter(origin for _, origin in existing.values())

    def add(self, skip: Skip) -> Skip:
        """Note ``skip``'s file as unread; the skip, saying how many articles are kept."""
        path = Path(skip.origin)
        self.paths.append(path)
        kept = sum(n for origin, n in self.origins.items() if _covered(origin, [path]))
        if not kept:
            return skip
        kept_text = "the article indexed from it is kept"
        if kept > 1:
            kept_text = f"the {kept:,} articles indexed from it are kept"
        return dataclasses.replace(skip, reason=f"{skip.reason}; {kept_text}")

    def covers(self, origin: str) -> bool:
        return bool(self.paths) and _covered(origin, self.paths)


def _index_article(
    writer: _Writer,
    article: Article,
    existing: dict[str, tuple[bytes, str]],
    summary: IndexSummary,
    variants: bool,
) -> None:
    digest = content_hash(article)
    previous = existing.get(article.id)
    if previous is not None and previous[0] == digest and previous[1] == article.origin:
        summary.unchanged += 1
        return
    if previous is not None:
        writer.delete_by_term("id", article.id)
        summary.updated += 1
    else:
        summary.added += 1
    writer.add_document(**_document(article, digest, variants))
