"""search.engines.whoosh.writer: the index Whoosh's own writers would write, by a faster path."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from whoosh.index import FileIndex
from whoosh.writing import SegmentWriter

from search.engines.whoosh import store
from search.engines.whoosh.codec import NewsCodec
from search.engines.whoosh.schema import build_schema
from search.engines.whoosh.writer import NewsMpWriter, NewsSegmentWriter, TermPool
from search.errors import SearchError
from search.write.corpus import Article, read_file
from search.write.indexer import _document, content_hash
from tests.conftest import CORPORA, FAKES, SEEDS

PROBE = "Ahmadi-Nejad al-Sadr's Iraq’s Qur'an Moqtada as-Sadr سائرون مقتدى الصدر e\u0301te\u0301"


@pytest.fixture(scope="module")
def articles() -> list[Article]:
    """fakes.jsonl, the seeds, the first 300 Reuters articles and an article of tricky words."""
    found = [a for a in read_file(FAKES) if isinstance(a, Article)]
    found += [a for p in sorted(SEEDS.glob("*.txt")) for a in read_file(p)]  # type: ignore[misc]
    reuters = itertools.islice(read_file(CORPORA / "reuters21578.jsonl"), 300)
    found += [a for a in reuters if isinstance(a, Article)]
    probe = Article("probe", PROBE, PROBE * 3, None, "", "", origin="probe", line=1)
    return [*found, probe]


def _add(writer: SegmentWriter, articles: list[Article]) -> None:
    for article in articles:
        writer.add_document(**_document(article, content_hash(article), True))


def _segment_files(index_dir: Path) -> dict[str, bytes]:
    """Every file of the index's one segment by its name without the segment id (the table of
    contents, which names the segment, left out)."""
    files = {}
    for path in index_dir.iterdir():
        if path.suffix in (".toc", "") or path.name.endswith("WRITELOCK"):
            continue
        files[path.name.split(".", 1)[1]] = path.read_bytes()
    return files


def _build(index_dir: Path, writer_class: type, articles: list[Article], **kwargs) -> int:
    index_dir.mkdir()
    if writer_class is SegmentWriter:  # Whoosh's writer, with the codec ours writes with
        kwargs["codec"] = NewsCodec()
    writer = writer_class(store.create(index_dir), compound=False, **kwargs)
    _add(writer, articles)
    runs = len(getattr(writer.pool, "runs", []))
    writer.commit()
    return runs


@pytest.mark.parametrize("limitmb", [1, 64])
def test_segment_files_are_byte_for_byte_those_whooshs_writer_writes(tmp_path, articles, limitmb):
    _build(tmp_path / "whoosh", SegmentWriter, articles, limitmb=64)
    runs = _build(tmp_path / "ours", NewsSegmentWriter, articles, limitmb=limitmb)
    # With 1 MB the pool spills runs to disk and merges them; with 64 MB it never does.
    assert (runs >= 3) if limitmb == 1 else (runs == 0)
    theirs, ours = _segment_files(tmp_path / "whoosh"), _segment_files(tmp_path / "ours")
    assert {"pst", "trm", "_stored.col", "_body_len.col", "company.col"} <= set(theirs)
    assert sorted(ours) == sorted(theirs)
    for name in theirs:
        assert ours[name] == theirs[name], name


def _contents(ix: FileIndex, by_id: bool) -> dict[str, object]:
    """Everything a reader of ``ix`` can read: every term's statistics and postings, every
    document's stored fields, field lengths and column values. ``by_id`` names documents by
    id instead of number (for indexes whose segments hold the documents in another order)."""
    with ix.reader() as reader:
        ids = reader.column_reader("id")
        live = [n for n in range(reader.doc_count_all()) if not reader.is_deleted(n)]
        name = ids.__getitem__ if by_id else int
        terms = {}
        for fieldname, tbytes in reader.all_terms():
            info = reader.term_info(fieldname, tbytes)
            postings = []
            matcher = reader.postings(fieldname, tbytes)
            while matcher.is_active():
                if not reader.is_deleted(matcher.id()):
                    # (A posting without a value reads as None from a block, and as "" from
                    # the term's entry where search.engines.whoosh.codec keeps a term of one
                    # posting.)
                    value = matcher.value() or None
                    postings.append((name(matcher.id()), matcher.weight(), value))
                matcher.next()
            stats = (info.doc_frequency(), info.weight(), info.min_length(), info.max_length())
            terms[f"{fieldname}:{tbytes!r}"] = (stats if not by_id else None, sorted(postings))
        schema = reader.schema
        docs = {}
        for n in live:
            lengths = [reader.doc_field_length(n, f) for f in schema.scorable_names()]
            columns = [
                reader.column_reader(f, translate=False)[n]
                for f in schema.names()
                if schema[f].column_type
            ]
            docs[name(n)] = (reader.stored_fields(n), lengths, columns)
        return {"terms": terms, "docs": docs}


def _incremental(index_dir: Path, writer_class: type, articles: list[Article]) -> FileIndex:
    """Three commits with replacements and deletions, the last merging every segment."""
    index_dir.mkdir()
    ix = store.create(index_dir)
    first, second, third = articles[:300], articles[300:700], articles[700:]
    for batch, delete, options in (
        (first, [], {}),
        (second, first[::7], {}),
        (third + first[1:50:3], second[::5], {"optimize": True}),
    ):
        writer = writer_class(ix, limitmb=1)
        for article in delete:
            writer.delete_by_term("id", article.id)
        _add(writer, batch)
        writer.commit(**options)
    return ix


def test_merges_deletions_and_replacements_read_back_as_with_whooshs_writer(tmp_path, articles):
    theirs = _incremental(tmp_path / "whoosh", SegmentWriter, articles)
    ours = _incremental(tmp_path / "ours", NewsSegmentWriter, articles)
    assert len(ours._segments()) == len(theirs._segments()) == 1  # merged by optimize
    assert _contents(ours, by_id=False) == _contents(theirs, by_id=False)


def test_several_processes_write_what_one_whoosh_writer_does(tmp_path, articles):
    (tmp_path / "whoosh").mkdir()
    (tmp_path / "ours").mkdir()
    theirs = store.create(tmp_path / "whoosh")
    writer = SegmentWriter(theirs)
    _add(writer, articles)
    writer.commit()
    ours = store.create(tmp_path / "ours")
    writer = NewsMpWriter(ours, procs=2, limitmb=1, batchsize=50)
    _add(writer, articles)
    writer.commit()
    assert len(writer.tasks) == 2
    assert _contents(ours, by_id=True) == _contents(theirs, by_id=True)


def test_a_cancelled_writer_leaves_no_runs_behind(tmp_path, articles):
    tmp_path.joinpath("ix").mkdir()
    ix = store.create(tmp_path / "ix")
    writer = NewsSegmentWriter(ix, limitmb=1)
    _add(writer, articles[:400])
    assert writer.pool.runs
    temp = writer.temp_storage()
    writer.cancel()
    assert not Path(temp.folder).exists() or not list(Path(temp.folder).iterdir())
    with ix.reader() as reader:
        assert reader.doc_count_all() == 0


def test_the_pool_gives_each_terms_postings_in_document_order_across_runs(tmp_path):
    from whoosh.filedb.filestore import FileStorage

    pool = TermPool(FileStorage(str(tmp_path)), limitmb=1)
    pool.limit = 2_000  # a run every few documents
    expected: dict[tuple[str, bytes], list[int]] = {}
    for docnum in range(200):
        words = {f"w{docnum % k}".encode() for k in (2, 3, 7, 50)}
        pool.add_field("body", docnum, [(w, 1, 1.0, b"v") for w in sorted(words)])
        for w in words:
            expected.setdefault(("body", w), []).append(docnum)
    assert len(pool.runs) > 10
    found = {key: list(docs) for key, (docs, _, _) in pool.iter_terms()}
    assert found == expected
    assert list(found) == sorted(expected)
    assert not list(tmp_path.iterdir())  # runs deleted once read


def test_build_schema_has_no_field_that_takes_whooshs_slow_way():
    # Term vectors or separate spelling words would send every document through Whoosh's
    # own add_document (search.engines.whoosh.writer falls back to it): a schema change must not do
    # so.
    schema = build_schema()
    assert not any(f.vector or f.separate_spelling() for _, f in schema.items())


def test_a_failed_writer_process_commits_nothing(tmp_path, articles):
    # Whoosh commits the segments its workers hand back: one that failed would silently leave
    # its articles out. A document that only a worker analyses (a title that is not text) makes
    # one fail.
    (tmp_path / "ix").mkdir()
    ix = store.create(tmp_path / "ix")
    writer = NewsMpWriter(ix, procs=2, batchsize=10)
    _add(writer, articles[:100])
    writer.add_document(id="bad", title=12345)
    with pytest.raises(SearchError, match="1 of 2 writer processes failed"):
        writer.commit()
    writer.cancel()
    with ix.reader() as reader:
        assert reader.doc_count_all() == 0
