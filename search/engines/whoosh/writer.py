"""Index writers: Whoosh's own, with postings pooled by term instead of one tuple each.

Whoosh's :class:`~whoosh.writing.SegmentWriter` keeps every posting (one per term per document
per field) as a tuple in a pool, sorts all the tuples when the segment is written, spills them
to disk one ``pickle.dump`` each once its memory estimate is reached, and looks up the
document's field length once per posting while writing. On the five shared corpora that was
more than half of an index build, and the tuples (about 250 bytes each against the 150 Whoosh
counts) most of its memory.

:class:`TermPool` keeps the same postings grouped by term: per term an array of document
numbers, an array of weights and a list of encoded values. Documents are added in document
order, so each term's postings stay in order without sorting; only the distinct terms are
sorted. A spilled run is one ``marshal`` record per term, not per posting. The segment's posting
lists are written a block at a time, with every document's field length read from the segment's
lengths column once per field.

The files written are byte for byte those Whoosh's writer writes with the same codec
(:class:`search.engines.whoosh.codec.NewsCodec`; tests/test_writer.py), so
any Whoosh reader reads them, and Whoosh's merges, deletions and commits are used unchanged.
"""

from __future__ import annotations

import contextlib
import heapq
import marshal
import zlib
from array import array
from collections.abc import Iterable, Iterator
from itertools import groupby
from operator import itemgetter, sub
from pickle import dumps
from typing import Any

from whoosh.codec.whoosh3 import (
    LENGTHS_COLUMN,
    WHOOSH3_HEADER_MAGIC,
    W3FieldWriter,
    W3TermInfo,
    _lenfield,
)
from whoosh.index import FileIndex
from whoosh.multiproc import MpWriter, SubWriterTask
from whoosh.system import pack_int, pack_long, pack_ushort
from whoosh.util import random_name
from whoosh.util.numeric import byte_to_length, length_to_byte
from whoosh.writing import SegmentWriter

from search.engines.whoosh.codec import NewsCodec
from search.errors import SearchError

#: Postings of one term: document numbers, weights (doubles, as Whoosh computes them) and
#: encoded values, in document order.
Postings = tuple[array, array, list[bytes]]
#: ``(fieldname, term bytes)``.
TermKey = tuple[str, bytes]

# Memory estimates, in bytes: a new term (dict entry, key tuple, two arrays, a list) and one
# posting (4 + 8 bytes in the arrays, a list slot and a bytes object of 33 + its length).
_TERM_COST = 400
_POSTING_COST = 4 + 8 + 8 + 33


#: A field length for each length byte, as Whoosh's readers decode it (0: none recorded).
_LENGTHS = [0] + [byte_to_length(b) for b in range(1, 256)]
#: What comes before a block's first id when its ids are turned into gaps.
_BEFORE = array("I", [0])
_TERM_INFO = W3TermInfo._struct


class TermPool:
    """The postings of one segment being written, grouped by term (see the module docstring).

    It answers to what Whoosh's writers ask of their pool (``add``, ``fieldnames``,
    ``iter_postings``, ``cleanup``) and adds :meth:`add_field`, a document's terms of one field
    at once, and :meth:`iter_terms`, the postings a term at a time. Postings must arrive in
    document order per term; Whoosh's writer adds them so (new documents, then the segments it
    merges, each numbered after everything before it).
    """

    def __init__(self, tempstore: Any, limitmb: int) -> None:
        self.tempstore = tempstore
        self.limit = limitmb * 2**20
        self.size = 0
        self.fields: dict[str, dict[bytes, Postings]] = {}
        self.runs: list[str] = []
        self.fieldnames: set[str] = set()

    def add_field(
        self,
        fieldname: str,
        docnum: int,
        items: Iterable[tuple[bytes, int, float, bytes | None]],
        boost: float = 1.0,
    ) -> int:
        """Add one document's ``(term bytes, frequency, weight, value bytes)`` postings of one
        field, as :meth:`whoosh.fields.FieldType.index` yields them; return the sum of their
        frequencies (the field's length in the document)."""
        terms = self.fields.get(fieldname)
        if terms is None:
            terms = self.fields[fieldname] = {}
            self.fieldnames.add(fieldname)
        length = 0
        size = 0
        for tbytes, freq, weight, vbytes in items:
            length += freq
            postings = terms.get(tbytes)
            if postings is None:
                postings = terms[tbytes] = (array("I"), array("d"), [])
                size += _TERM_COST + len(tbytes)
            vbytes = vbytes or b""
            postings[0].append(docnum)
            postings[1].append(weight * boost)
            postings[2].append(vbytes)
            size += _POSTING_COST + len(vbytes)
        self.size += size
        if self.size > self.limit:
            self.save()
        return length

    def add(self, item: tuple[str, bytes, int, float, bytes | None]) -> None:
        """Add one ``(fieldname, term bytes, docnum, weight, value bytes)`` posting (Whoosh's
        writer adds the postings of the segments it merges so)."""
        fieldname, tbytes, docnum, weight, vbytes = item
        self.add_field(fieldname, docnum, ((tbytes, 1, weight, vbytes),))

    def _sorted_terms(self) -> Iterator[tuple[TermKey, Postings]]:
        for fieldname in sorted(self.fields):
            terms = self.fields[fieldname]
            for tbytes in sorted(terms):
                yield (fieldname, tbytes), terms[tbytes]

    def save(self) -> None:
        """Write the pooled postings to a run on disk, in term order, and empty the pool."""
        if not self.fields:
            return
        # Every writer process of a run shares one temporary folder: a random name, as Whoosh's
        # own pool takes (forked workers' pools can have the same id()).
        name = f"{random_name(24)}.terms"
        with self.tempstore.create_file(name).raw_file() as f:
            for (fieldname, tbytes), (docs, weights, values) in self._sorted_terms():
                marshal.dump((fieldname, tbytes, docs.tobytes(), weights.tobytes(), values), f)
        self.runs.append(name)
        self.fields = {}
        self.size = 0

    def _read_run(self, name: str) -> Iterator[tuple[TermKey, Postings]]:
        with self.tempstore.open_file(name).raw_file() as f:
            while True:
                try:
                    fieldname, tbytes, docs, weights, values = marshal.load(f)
                except EOFError:
                    break
                yield (fieldname, tbytes), (array("I", docs), array("d", weights), values)
        self.tempstore.delete_file(name)

    def iter_terms(self) -> Iterator[tuple[TermKey, Postings]]:
        """Every term's postings, in term order (the pool is spent afterwards)."""
        if not self.runs:
            yield from self._sorted_terms()
            self.fields = {}
            return
        self.save()
        runs, self.runs = self.runs, []
        # heapq.merge is stable: a term's postings from earlier runs (earlier documents) first.
        merged = heapq.merge(*map(self._read_run, runs), key=itemgetter(0))
        for key, parts in groupby(merged, key=itemgetter(0)):
            (_, postings), *rest = parts
            for _, more in rest:
                for whole, part in zip(postings, more, strict=True):
                    whole.extend(part)
            yield key, postings

    def iter_postings(self) -> Iterator[tuple[str, bytes, int, float, bytes]]:
        """The postings one tuple each, sorted, as Whoosh's own pool gives them."""
        for (fieldname, tbytes), (docs, weights, values) in self.iter_terms():
            for docnum, weight, value in zip(docs, weights, values, strict=True):
                yield fieldname, tbytes, docnum, weight, value

    def cleanup(self) -> None:
        """Delete any runs left on disk (a cancelled writer)."""
        for name in self.runs:
            with contextlib.suppress(OSError):
                self.tempstore.delete_file(name)
        self.runs = []
        self.fields = {}


def _field_lengths(pdr: Any, fieldname: str) -> list[int] | None:
    """Every document's length of ``fieldname`` as the writer records it (quantized to a byte,
    0 when missing), or None when the field keeps no lengths."""
    lenfield = _lenfield(fieldname)
    if pdr is None or not pdr.has_column(lenfield):
        return None
    return [_LENGTHS[b] for b in pdr.column_reader(lenfield, LENGTHS_COLUMN)]


def write_terms(
    fieldwriter: W3FieldWriter,
    schema: Any,
    pdr: Any,
    terms: Iterator[tuple[TermKey, Postings]],
) -> None:
    """Write term-grouped postings into Whoosh's postings file and term table, a block at a
    time, as Whoosh's field writer with :class:`search.engines.whoosh.codec.NewsCodec` writes them
    posting by
    posting (tests/test_writer.py compares the files byte for byte), without its method calls
    per term and per block.

    Each term's postings go in blocks of ``blocklimit``: a header tag before a term's first
    block, then per block its length (negative for the last), a pickled header (postings,
    last id, largest weight, compression, shortest and longest non-zero field length as bytes)
    and the pickled, compressed ids (as gaps), weights (32-bit floats: None when all are 1.0,
    one number when all are equal) and values. A term of one posting is kept in its entry.
    Each entry holds the term's statistics (:class:`whoosh.codec.whoosh3.W3TermInfo`).
    """
    codec = fieldwriter._codec
    limit, compression = codec._blocklimit, codec._compression
    postfile = fieldwriter._postfile
    write, tell = postfile.write, postfile.tell
    add_entry = fieldwriter._tindex.add
    fieldname: str | None = None
    lengths: list[int] | None = None
    fixedsize: int | None = None
    prefix = b""
    for (next_field, tbytes), (docs, weights, values) in terms:
        if next_field != fieldname:
            if fieldname is not None:
                fieldwriter.finish_field()
            fieldname = next_field
            fieldwriter.start_field(fieldname, schema[fieldname])
            lengths = _field_lengths(pdr, fieldname)
            fixedsize = schema[fieldname].format.fixed_value_size()
            prefix = pack_ushort(fieldwriter._fieldid)
        # The term's statistics, as W3TermInfo gathers them block by block.
        total_weight: float = 0
        df = 0
        min_length: int | None = None
        max_length = 0
        max_weight: float = 0
        first_id: int | None = None
        count = len(docs)
        start_offset = tell()
        for start in range(0, count, limit):
            end = min(start + limit, count)
            ids = docs[start:end]
            block_weights = weights[start:end]
            floats = array("f", block_weights)
            block_max_weight = max(0, max(block_weights))
            block_values = [v for v in values[start:end] if v]
            block_min: int | None = None
            block_max = 0
            if lengths is not None:
                known = [n for n in map(lengths.__getitem__, ids) if n]
                if known:
                    block_min, block_max = min(known), max(known)
            size = end - start
            total_weight += sum(floats)
            df += size
            min_length = block_min if min_length is None else min(min_length, block_min)  # type: ignore[type-var]
            max_length = max(max_length, block_max)
            max_weight = max(max_weight, block_max_weight)
            if first_id is None:
                first_id = ids[0]
            if count == 1:  # kept in the term's entry (search.engines.whoosh.codec)
                inlined = dumps((tuple(ids), tuple(floats), tuple(block_values)), 2)
                break
            if not start:
                write(WHOOSH3_HEADER_MAGIC)
            if floats.count(1.0) == size:
                mini_weights: object = None
            elif floats.count(floats[0]) == size:
                mini_weights = floats[0]
            else:
                mini_weights = tuple(floats)
            if fixedsize is None or fixedsize < 0:
                mini_values: object = tuple(block_values)
            elif fixedsize == 0:
                mini_values = None
            else:
                mini_values = b"".join(block_values)
            gaps = tuple(map(sub, ids, _BEFORE + ids[:-1]))
            data = dumps((gaps, mini_weights, mini_values), 2)
            if compression:
                data = zlib.compress(data, compression)
            info = dumps(
                (
                    size,
                    ids[-1],
                    block_max_weight,
                    compression,
                    length_to_byte(block_min),
                    length_to_byte(block_max),
                ),
                2,
            )
            length = len(info) + len(data)
            write(pack_int(-length if end == count else length))
            write(info)
            write(data)
        stats = _TERM_INFO.pack(
            count == 1,
            total_weight,
            df,
            0 if min_length is None else length_to_byte(min_length),
            length_to_byte(max_length),
            max_weight,
            0xFFFFFFFF if first_id is None else first_id,
            ids[-1],
        )
        if count == 1:
            stats += inlined
        else:
            stats += pack_long(start_offset) + pack_int(tell() - start_offset)
        add_entry(prefix + tbytes, stats)
    if fieldname is not None:
        fieldwriter.finish_field()


class _TermPoolWriting:
    """What both writers change in Whoosh's: the pool, and how the segment's postings are
    written."""

    pool: Any
    fieldwriter: Any
    perdocwriter: Any
    codec: Any
    schema: Any
    _tempstorage: Any

    def _use_term_pool(self, limitmb: int) -> None:
        self.pool = TermPool(self._tempstorage, limitmb)

    def _flush_segment(self) -> None:
        if not isinstance(self.fieldwriter, W3FieldWriter) or not isinstance(self.codec, NewsCodec):
            # Another codec: Whoosh's way.
            SegmentWriter._flush_segment(self)  # type: ignore[arg-type]
            return
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None  # type: ignore[attr-defined]
        try:
            write_terms(self.fieldwriter, self.schema, pdr, self.pool.iter_terms())
            self.fieldwriter.close()
        finally:
            if pdr:
                pdr.close()


class NewsSegmentWriter(_TermPoolWriting, SegmentWriter):
    """Whoosh's single-process writer with a :class:`TermPool`."""

    def __init__(self, ix: FileIndex, limitmb: int = 128, **kwargs: Any) -> None:
        kwargs.setdefault("codec", NewsCodec())
        SegmentWriter.__init__(self, ix, limitmb=limitmb, **kwargs)
        self._use_term_pool(limitmb)
        # Whoosh's add_document also writes term vectors and separate spelling words: a schema
        # that has them takes Whoosh's way.
        self._plain = not any(
            field.vector or field.separate_spelling() for _, field in self.schema.items()
        )

    def add_document(self, **fields: Any) -> None:
        """Whoosh's ``SegmentWriter.add_document`` (stored values, lengths, columns, postings),
        handing the pool each field's postings at once."""
        if not self._plain:
            SegmentWriter.add_document(self, **fields)
            return
        self._check_state()
        perdocwriter, schema, docnum = self.perdocwriter, self.schema, self.docnum
        docboost = self._doc_boost(fields)
        fieldnames = sorted(name for name in fields if not name.startswith("_"))
        self._check_fields(schema, fieldnames)
        perdocwriter.start_doc(docnum)
        try:
            for fieldname in fieldnames:
                value = fields.get(fieldname)
                if value is None:
                    continue
                field = schema[fieldname]
                length = 0
                if field.indexed:
                    boost = self._field_boost(fields, fieldname, docboost)
                    length = self.pool.add_field(fieldname, docnum, field.index(value), boost)
                    if not field.scorable:
                        length = 0
                stored = fields.get(f"_stored_{fieldname}", value)
                perdocwriter.add_field(fieldname, field, stored if field.stored else None, length)
                if field.column_type and stored is not None:
                    column_value = field.to_column_value(stored)
                    perdocwriter.add_column_value(fieldname, field.column_type, column_value)
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1


class _NewsSubWriterTask(SubWriterTask):
    """A worker process of :class:`NewsMpWriter`: Whoosh's, writing with a
    :class:`NewsSegmentWriter` and always finishing a segment of its own."""

    def run(self) -> None:
        ix = self.storage.open_index(self.indexname)
        writer = self.writer = NewsSegmentWriter(ix, _lk=False, **self.kwargs)
        while self.running:
            jobinfo = self.jobqueue.get()
            if jobinfo is None:
                break
            self._process_file(*jobinfo)
        if not self.running:
            writer.cancel()
            return
        fieldnames = writer.pool.fieldnames
        segment = writer._finalize_segment()
        self.resultqueue.put((None, fieldnames, segment), timeout=5)


class NewsMpWriter(_TermPoolWriting, MpWriter):
    """Whoosh's multi-process writer (one segment per worker) with :class:`TermPool`\\ s."""

    def __init__(self, ix: FileIndex, procs: int, limitmb: int = 128, **kwargs: Any) -> None:
        kwargs.setdefault("codec", NewsCodec())
        MpWriter.__init__(self, ix, procs=procs, multisegment=True, limitmb=limitmb, **kwargs)
        self._use_term_pool(limitmb)

    def _commit_toc(self, segments: list[Any]) -> None:
        # Whoosh commits whatever segments its workers handed back: a worker that failed (an
        # exception, the kernel's OOM killer) would leave its articles out of the index without
        # a word. Nothing is committed then.
        failed = [task for task in self.tasks if task.exitcode != 0]
        if failed:
            codes = ", ".join(str(task.exitcode) for task in failed)
            raise SearchError(
                f"{len(failed)} of {len(self.tasks)} writer processes failed (exit status "
                f"{codes}); nothing was committed"
            )
        MpWriter._commit_toc(self, segments)

    def _new_task(self) -> SubWriterTask:
        task = _NewsSubWriterTask(
            self.storage,
            self.indexname,
            self.jobqueue,
            self.resultqueue,
            self.subargs,
            self.multisegment,
        )
        self.tasks.append(task)
        task.start()
        return task
