"""Index files read through a memory map, without copying them.

Whoosh opens a segment's compound file as a memory map, then each file inside it as a
``BufferFile``, whose ``BytesIO`` copies the whole part into memory: opening a reader of the five
shared corpora copied about 200 MB, and of 500,000 articles 2.1 GB, in every process and every
searcher (a server's threads each hold one). :class:`MappedFile` is the same file read straight
from the map: the operating system's page cache holds the index once, shared by every process,
and pages are read only when used.
"""

from __future__ import annotations

import mmap
import os
from typing import Any

from whoosh.filedb.structfile import BufferFile, StructFile


class _View:
    """A read-only file object over ``length`` bytes of ``source`` from ``start``."""

    def __init__(self, source: mmap.mmap, start: int, length: int) -> None:
        self._source = source
        self._start = start
        self._end = start + length
        self._pos = start

    def read(self, size: int | None = -1) -> bytes:
        end = self._end if size is None or size < 0 else min(self._pos + size, self._end)
        data = self._source[self._pos : end]
        self._pos = max(self._pos, end)
        return data

    def readline(self, size: int | None = -1) -> bytes:
        newline = self._source.find(b"\n", self._pos, self._end)
        end = self._end if newline < 0 else newline + 1
        if size is not None and size >= 0:
            end = min(end, self._pos + size)
        return self.read(end - self._pos)

    def readinto(self, buffer: Any) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = os.SEEK_SET) -> int:
        base = {os.SEEK_SET: self._start, os.SEEK_CUR: self._pos, os.SEEK_END: self._end}
        self._pos = max(self._start, base[whence] + offset)
        return self._pos - self._start

    def tell(self) -> int:
        return self._pos - self._start

    def close(self) -> None:
        """Nothing to release: the map is unmapped when no file or view uses it."""


class MappedFile(BufferFile):
    """Whoosh's ``BufferFile`` (what its compound files hand out) over part of a memory map,
    and its :meth:`subset` (a file inside a compound file) the same, with no copy."""

    def __init__(self, source: mmap.mmap, start: int, length: int, name: str | None) -> None:
        StructFile.__init__(self, _View(source, start, length), name=name)
        self._source = source
        self._start = start
        self._buf = memoryview(source)[start : start + length]

    def subset(self, position: int, length: int, name: str | None = None) -> MappedFile:
        return MappedFile(self._source, self._start + position, length, name or self._name)


def open_mapped(path: str, name: str) -> StructFile:
    """The file at ``path`` read through a memory map (an empty file as an ordinary file: an
    empty map cannot be made)."""
    with open(path, "rb") as f:
        size = os.fstat(f.fileno()).st_size
        if size:
            return MappedFile(mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ), 0, size, name)
    return StructFile(open(path, "rb"), name=name)
