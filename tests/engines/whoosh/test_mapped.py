"""search.engines.whoosh.mapped: index files read through a memory map, as Whoosh reads its own
buffers."""

from __future__ import annotations

import io
import pickle
import tracemalloc
from pathlib import Path

import pytest
from whoosh.filedb.structfile import BufferFile
from whoosh.index import open_dir

from search.engines.whoosh import store
from search.engines.whoosh.mapped import MappedFile, open_mapped

DATA = b"".join(
    [
        pickle.dumps({"a": 1, "b": [1, 2, 3]}, 2),
        b"line one\nline two\n",
        pickle.dumps(("x", 2.5, None), 0),  # protocol 0 reads lines
        bytes(range(256)) * 40,
        b"no newline at the end",
    ]
)


@pytest.fixture
def mapped(tmp_path: Path) -> MappedFile:
    path = tmp_path / "data"
    path.write_bytes(b"HEADER" + DATA + b"TRAILER")
    whole = open_mapped(str(path), "data")
    assert isinstance(whole, MappedFile)
    return whole.subset(len(b"HEADER"), len(DATA), name="part")


def _operations(f) -> list[object]:
    """The same reads through any StructFile, to compare two."""
    seen: list[object] = [f.read_pickle(), f.readline(), f.readline(), f.read_pickle()]
    seen += [f.tell(), f.read(10), f.get(3, 7), f.tell(), f.get_array(20, "i", 4)]
    f.seek(-5, io.SEEK_END)
    seen += [f.read(), f.read(3), f.tell()]
    f.seek(4)
    f.seek(6, io.SEEK_CUR)
    seen += [f.tell(), f.read(4)]
    buffer = bytearray(9)
    seen += [f.file.readinto(buffer), bytes(buffer), f.file.readline(3)]
    f.seek(len(DATA) - 4)
    seen += [f.readline(), f.readline(), f.read(100)]
    return seen


def test_reads_as_whooshs_buffer_file_does(mapped):
    assert _operations(mapped) == _operations(BufferFile(memoryview(DATA), name="part"))


def test_a_subset_of_a_subset_reads_its_own_bytes(mapped):
    inner = mapped.subset(10, 20).subset(5, 8)
    assert inner.read() == DATA[15:23]
    assert inner.get(2, 3) == DATA[17:20]


def test_an_empty_file_opens_as_an_ordinary_file(tmp_path):
    (tmp_path / "empty").write_bytes(b"")
    f = open_mapped(str(tmp_path / "empty"), "empty")
    assert f.read() == b""
    f.close()


def test_opening_an_index_copies_none_of_it(fakes_index):
    # Whoosh's own storage copies each file of a compound segment into a BytesIO: as much
    # memory as the index is large. Read through maps, a reader costs kilobytes.
    size = store.dir_size(fakes_index)

    def traced_peak(ix) -> int:
        tracemalloc.start()
        with ix.reader() as reader:
            reader.doc_count()
            list(reader.postings("body", "iraq").all_ids())
            reader.stored_fields(0)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        return peak

    assert traced_peak(open_dir(str(fakes_index))) > size * 0.5  # the copies this avoids
    assert traced_peak(store.open_dir(fakes_index)) < size * 0.05


def test_an_index_reads_the_same_through_maps(fakes_index):
    def everything(ix) -> tuple[list, list]:
        with ix.reader() as reader:
            postings = []
            for i, (fieldname, text) in enumerate(reader.all_terms()):
                if i % 7 == 0:
                    matcher = reader.postings(fieldname, text)
                    postings.append((fieldname, text, list(matcher.items_as("weight"))))
            docs = [reader.stored_fields(n) for n in range(reader.doc_count_all())]
        return postings, docs

    ours, theirs = everything(store.open_dir(fakes_index)), everything(open_dir(str(fakes_index)))
    assert len(ours[0]) > 1000 and len(ours[1]) == 793
    assert ours == theirs
