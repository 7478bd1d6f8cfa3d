"""Reading a corpus: plain-text, JSON Lines and CSV files into articles.

Nothing here touches the index. A reader yields either an :class:`Article` or a :class:`Skip`
that names the file, the line and the reason, so that the indexer can count and report every
record it did not index. Nothing a file holds makes a reader raise: a file that cannot be
opened or read, a binary file, a line too long or nested too deeply to read, a record that
cannot be an article, each becomes a :class:`Skip`, and the rest of the file (and of the run) is
read.
"""

from __future__ import annotations

import codecs
import csv
import errno
import io
import json
import os
import re
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from search.errors import CorpusError

#: File types the indexer reads, by suffix.
SUPPORTED_SUFFIXES = (".txt", ".jsonl", ".csv")
#: The columns of a record; any other field of a JSON or CSV record is ignored.
FIELDS = ("id", "title", "body", "date", "source", "url")
#: The largest record read, in bytes (characters for CSV): a JSON line, a CSV line or record, a
#: text file. The longest article of the shared corpora takes 165 KiB; a larger record is almost
#: surely not an article (a dump, a file without line breaks, a quote left open).
MAX_RECORD_BYTES = 10 * 2**20
#: The longest id, in characters.
MAX_ID_LENGTH = 512
#: The lone surrogates that undecodable bytes become (see ``_decode``).
_UNDECODABLE = re.compile("[\udc80-\udcff]")
#: Any lone surrogate: also those a JSON string writes as an escape (``"\\ud800"``).
_SURROGATE = re.compile("[\ud800-\udfff]")
#: Characters an id cannot hold: an id is a path segment of /articles/{id} (Unicode's control
#: characters, category Cc, and the line and paragraph separators).
_ID_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Control characters that do not occur in text (all but tab, line feed, vertical tab, form feed,
#: carriage return and escape), and undecodable bytes: what tells a binary file.
_NOT_TEXT = re.compile("[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f\udc80-\udcff]")
#: Bytes read from the start of a file to tell whether it is text.
_HEAD_BYTES = 8192
#: File signatures of the binary formats a corpus file is most often mistaken for.
_SIGNATURES = (
    (b"\x1f\x8b", "gzip-compressed data (decompress it first)"),
    (b"BZh", "bzip2-compressed data (decompress it first)"),
    (b"\xfd7zXZ\x00", "xz-compressed data (decompress it first)"),
    (b"\x28\xb5\x2f\xfd", "zstd-compressed data (decompress it first)"),
    (b"PK\x03\x04", "a zip archive (extract it first)"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive (extract it first)"),
    (b"%PDF-", "a PDF document"),
    (b"\x89PNG\r\n\x1a\n", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"SQLite format 3\x00", "an SQLite database"),
)


@dataclass(frozen=True)
class Article:
    """One article as read from a corpus file."""

    id: str
    title: str
    body: str
    date: datetime | None
    source: str
    url: str
    origin: str  # absolute path of the file it came from
    line: int  # line of the file where the record starts


@dataclass(frozen=True)
class Skip:
    """A record that was not indexed, and why.

    ``line`` is 0 when the skip is about the file (or directory) as a whole. ``unread`` says
    that the file, or the rest of it from ``line``, was not read at all (it cannot be opened, it
    is binary, reading it failed): what the index holds from it cannot be known to be gone, and
    is kept.
    """

    origin: str
    line: int
    reason: str
    unread: bool = False

    def __str__(self) -> str:
        where = f"{self.origin}:{self.line}" if self.line else self.origin
        return f"{where}: {self.reason}"


Record = Article | Skip


@dataclass(frozen=True)
class CorpusFiles:
    """The files a set of paths expands to."""

    files: list[Path]
    ignored: list[Path]  # files of unknown type found in directories
    #: What was found in directories and cannot be read: a directory that cannot be listed, a
    #: broken or looping symbolic link, a symbolic link to a directory (not followed), a named
    #: pipe or device with a corpus file's name.
    problems: list[Skip]


def find_files(paths: Iterable[Path]) -> CorpusFiles:
    """Expand files and directories into the corpus files to read, in a stable order.

    A file given by name must be of a supported type; files of other types found inside a
    directory are returned as ignored. Hidden files and directories are skipped, and symbolic
    links to directories are not followed (they are reported, as a loop would be).
    """
    files: list[Path] = []
    ignored: list[Path] = []
    problems: list[Skip] = []
    for path in paths:
        if not path.exists():
            raise CorpusError(f"no such file or directory: {path}")
        if path.is_file():
            if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                raise CorpusError(
                    f"{path}: unsupported file type; "
                    f"expected one of {', '.join(SUPPORTED_SUFFIXES)}"
                )
            files.append(path.resolve())
            continue
        if not path.is_dir():
            raise CorpusError(f"{path}: not a regular file or a directory")
        _walk(path, files, ignored, problems)
    unique = list(dict.fromkeys(files))
    return CorpusFiles(unique, ignored, problems)


def _walk(directory: Path, files: list[Path], ignored: list[Path], problems: list[Skip]) -> None:
    """Every corpus file under ``directory``, depth first in name order (the order of sorted
    paths)."""
    try:
        with os.scandir(directory) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as e:
        reason = f"directory cannot be read ({_why(e)})"
        problems.append(Skip(str(_resolved(directory)), 0, reason, True))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        path = Path(entry.path)
        supported = path.suffix.lower() in SUPPORTED_SUFFIXES
        try:
            link = entry.is_symlink()
            mode = os.stat(path).st_mode  # follows a link
        except OSError as e:
            if supported:
                kind = {errno.ELOOP: "symbolic link loop", errno.ENOENT: "broken symbolic link"}
                reason = kind.get(e.errno or 0, f"cannot be read ({_why(e)})")
                if link:
                    reason += f" (to {_readlink(path)})"
                problems.append(Skip(str(path.absolute()), 0, reason, True))
            else:
                ignored.append(_resolved(path))
            continue
        if stat.S_ISDIR(mode):
            if link:
                reason = (
                    f"symbolic link to a directory ({_readlink(path)}), not followed: "
                    "give that directory to index it"
                )
                problems.append(Skip(str(path.absolute()), 0, reason, True))
            else:
                _walk(path, files, ignored, problems)
        elif not supported:
            ignored.append(_resolved(path))
        elif stat.S_ISREG(mode):
            files.append(_resolved(path))
        else:
            problems.append(Skip(str(path.absolute()), 0, "not a regular file", True))


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # a link that loops (RuntimeError before Python 3.13)
        return path.absolute()


def _readlink(path: Path) -> str:
    try:
        return os.readlink(path)
    except OSError:  # pragma: no cover - it was a link a moment ago
        return "?"


def _why(error: OSError) -> str:
    return error.strerror or type(error).__name__


def count_records(path: Path) -> int:
    """A quick estimate of the records in a file, for progress reporting (0 for a file that
    cannot be read: reading it reports why)."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return 1
    try:
        with path.open("rb") as f:
            lines = _count_lines(f)
    except OSError:
        return 0
    return max(lines - 1, 0) if suffix == ".csv" else lines


def _count_lines(f: BinaryIO) -> int:
    """Lines that are not blank, read a MiB at most at a time."""
    count, content = 0, False
    for piece in iter(lambda: f.readline(2**20), b""):
        content = content or bool(piece.strip())
        if piece.endswith(b"\n"):
            count += content
            content = False
    return count + content


class _Position:
    """The line a reader has reached, to say where reading a file stopped."""

    line = 0


def read_file(path: Path) -> Iterator[Record]:
    """Read every record of one corpus file.

    Never raises for what the file holds or for a file that cannot be read: each problem is a
    :class:`Skip`, and reading goes on with the next record where it can.
    """
    suffix = path.suffix.lower()
    where = str(path)
    position = _Position()
    try:
        with path.open("rb") as f:
            head = f.read(_HEAD_BYTES)
            problem = _not_text(head)
            if problem:
                yield Skip(where, 0, problem, unread=True)
                return
            if len(head) < _HEAD_BYTES and not head.removeprefix(codecs.BOM_UTF8).strip():
                yield Skip(where, 0, "empty file" if not head else "empty file (only blank lines)")
                return
            f.seek(0)
            if suffix == ".txt":
                yield _read_txt(path, f)
            elif suffix == ".jsonl":
                yield from _read_jsonl(path, f, position)
            elif suffix == ".csv":
                yield from _read_csv(path, f, position)
            else:  # pragma: no cover - find_files only returns supported suffixes
                raise CorpusError(f"{path}: unsupported file type")
    except OSError as e:
        if position.line:
            reason = f"reading failed ({_why(e)}): the rest of the file was not read"
        else:
            reason = f"cannot be read ({_why(e)})"
        yield Skip(where, position.line, reason, unread=True)


def _not_text(head: bytes) -> str | None:
    """Why a file that starts with ``head`` is not UTF-8 text, or None."""
    for signature, what in _SIGNATURES:
        if head.startswith(signature):
            return f"not a text file: {what}"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "not valid UTF-8: UTF-16 text (convert it to UTF-8 first)"
    text = head.decode("utf-8", errors="surrogateescape")
    odd = len(_NOT_TEXT.findall(text))
    if odd > max(4, len(text) // 10):
        share = 100 * odd / len(text)
        return (
            "not a text file: binary data, or text in an encoding other than UTF-8 "
            f"({share:.0f}% of its first {len(head):,} bytes are not UTF-8 text)"
        )
    return None


def parse_date(value: object) -> datetime | None:
    """An ISO 8601 date or date-time as a naive UTC datetime; None for an empty value.

    Raises ValueError for anything else, and for a date that is out of range once converted to
    UTC (``0001-01-01T00:00:00+01:00``).
    """
    if value is None:
        return None
    if not isinstance(value, str):
        raise ValueError(f"date must be a string, not {type(value).__name__}")
    text = value.strip()
    if not text:
        return None
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(
            f"unparseable date {text[:60]!r} (expected ISO 8601, e.g. 2020-01-09)"
        ) from None
    if parsed.tzinfo is not None:
        try:
            parsed = parsed.astimezone(UTC).replace(tzinfo=None)
        except OverflowError:
            raise ValueError(
                f"date {text!r} is out of range once converted to UTC (years 1 to 9999)"
            ) from None
    return parsed


def _decode(data: bytes) -> str:
    """Decode UTF-8, keeping undecodable bytes as lone surrogates so the record can be skipped."""
    text = data.decode("utf-8", errors="surrogateescape")
    return text.removeprefix("\ufeff")


def _bad_utf8(*values: object) -> bool:
    return any(isinstance(v, str) and _UNDECODABLE.search(v) for v in values)


def _text(value: object, name: str) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value.strip()
    if name == "id" and isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"field {name!r} must be a string, not {type(value).__name__}")


def _short(text: str, limit: int = 40) -> str:
    return repr(text if len(text) <= limit else text[:limit] + "…")


def _id_problem(ident: str) -> str | None:
    """Why ``ident`` cannot be an article's id, or None."""
    if len(ident) > MAX_ID_LENGTH:
        return f"id is {len(ident):,} characters long; at most {MAX_ID_LENGTH} are allowed"
    control = _ID_CONTROL.search(ident)
    if control:
        return (
            f"id {_short(ident)} contains a control character (U+{ord(control.group()):04X}), "
            "which /articles/{id} cannot carry"
        )
    if ident in (".", ".."):
        return f"id {ident!r} cannot be reached at /articles/{ident} (it reads as a path step)"
    return None


def _article(fields: dict[str, object], origin: Path, line: int) -> Record:
    where = str(origin)
    if _bad_utf8(*fields.values()):
        return Skip(where, line, "not valid UTF-8")
    try:
        texts = {name: _text(fields.get(name), name) for name in FIELDS if name != "date"}
        for name, value in texts.items():
            if _SURROGATE.search(value):
                raise ValueError(f"field {name!r} holds a lone surrogate (\\ud800 ...): not text")
            if name != "id" and "\x00" in value:
                raise ValueError(f"field {name!r} contains a NUL character (binary data?)")
        ident = texts["id"] or f"{origin.stem}-{line}"
        problem = _id_problem(ident)
        if problem:
            raise ValueError(problem)
        date = parse_date(fields.get("date"))
    except ValueError as e:
        return Skip(where, line, str(e))
    title, body = texts["title"], texts["body"]
    if not title and not body:
        return Skip(where, line, "record has neither title nor body")
    return Article(ident, title, body, date, texts["source"], texts["url"], where, line)


def _mib(size: int) -> str:
    return f"{size / 2**20:,.1f} MiB"


def _too_long(what: str, size: int) -> str:
    return f"{what} is {_mib(size)}; a record may be at most {_mib(MAX_RECORD_BYTES)}"


def _read_txt(path: Path, f: BinaryIO) -> Record:
    data = f.read(MAX_RECORD_BYTES + 1)
    if len(data) > MAX_RECORD_BYTES:
        return Skip(str(path), 0, _too_long("the file", os.fstat(f.fileno()).st_size))
    text = _decode(data)
    if _bad_utf8(text):
        return Skip(str(path), _first_bad_line(text), "file is not valid UTF-8")
    lines = text.splitlines()
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    title = lines[start].strip() if start < len(lines) else ""
    body = "\n".join(lines[start + 1 :]).strip()
    return _article({"id": path.stem, "title": title, "body": body}, path, start + 1)


def _first_bad_line(text: str) -> int:
    for number, line in enumerate(text.splitlines(), 1):
        if _bad_utf8(line):
            return number
    return 1


def _lines(f: BinaryIO, position: _Position) -> Iterator[tuple[bytes | None, int]]:
    """Each line of a file and its length; None for a line longer than a record may be, which
    is read past a MiB at a time, never held whole."""
    while True:
        raw = f.readline(MAX_RECORD_BYTES + 1)
        if not raw:
            return
        position.line += 1
        if len(raw) <= MAX_RECORD_BYTES:
            yield raw, len(raw)
            continue
        size = len(raw)
        while not raw.endswith(b"\n"):
            raw = f.readline(2**20)
            if not raw:
                break
            size += len(raw)
        yield None, size


def _read_jsonl(path: Path, f: BinaryIO, position: _Position) -> Iterator[Record]:
    where = str(path)
    for raw, size in _lines(f, position):
        number = position.line
        if raw is None:
            yield Skip(where, number, _too_long("the line", size))
            continue
        if not raw.strip():
            continue
        line = _decode(raw)
        if _bad_utf8(line):
            yield Skip(where, number, "line is not valid UTF-8")
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as e:
            yield Skip(where, number, f"not JSON: {e.msg} (column {e.colno})")
            continue
        except RecursionError:
            yield Skip(where, number, "not JSON that can be read: nested too deeply")
            continue
        except ValueError as e:  # a number of more digits than int() takes
            yield Skip(where, number, f"not JSON that can be read: {str(e).split(':')[0]}")
            continue
        if not isinstance(value, dict):
            yield Skip(where, number, f"not a JSON object but {type(value).__name__}")
            continue
        yield _article({k: value.get(k) for k in FIELDS}, path, number)


class _RecordTooLong(Exception):
    """A CSV line longer than a record may be."""

    def __init__(self, size: int) -> None:
        super().__init__(size)
        self.size = size


class _CsvLines:
    """The lines of a CSV file for :func:`csv.reader`, counted, none longer than a record may
    be (:class:`_RecordTooLong`). An iterator, not a generator: it can go on after raising."""

    def __init__(self, text: io.TextIOBase, position: _Position) -> None:
        self.text = text
        self.position = position
        # Lines read since the last record that are not blank: the first is where the next
        # record starts (the reader skips blank lines, so its line count alone can point at one
        # of them).
        self.starts: list[int] = []

    def __iter__(self) -> _CsvLines:
        return self

    def __next__(self) -> str:
        # The text is read with newline="": lines end at \n, \r and \r\n only, as csv needs
        # (str.splitlines() also splits on \f, \x1c-\x1e, \x85, U+2028 and U+2029, which cut a
        # record in two).
        line = self.text.readline(MAX_RECORD_BYTES + 1)
        if not line:
            raise StopIteration
        self.position.line += 1
        if len(line) > MAX_RECORD_BYTES:
            size = len(line)
            while not line.endswith(("\n", "\r")):
                line = self.text.readline(2**20)
                if not line:
                    break
                size += len(line)
            raise _RecordTooLong(size)
        if line.strip("\r\n"):
            self.starts.append(self.position.line)
        return line


def _read_csv(path: Path, f: BinaryIO, position: _Position) -> Iterator[Record]:
    csv.field_size_limit(MAX_RECORD_BYTES)
    text = io.TextIOWrapper(f, encoding="utf-8-sig", errors="surrogateescape", newline="")
    try:
        yield from _csv_records(path, _CsvLines(text, position), position)
    finally:
        text.detach()  # the file is closed by read_file


def _csv_records(path: Path, lines: _CsvLines, position: _Position) -> Iterator[Record]:
    where = str(path)
    reader = csv.reader(lines)
    try:
        header = next((row for row in reader if row), [])
    except (csv.Error, _RecordTooLong) as e:
        reason = str(e) if isinstance(e, csv.Error) else _too_long("the line", e.size)
        yield Skip(where, position.line, f"CSV header cannot be read: {reason}", unread=True)
        return
    names = [name.strip().lower() for name in header]
    if not {"title", "body"} & set(names):
        reason = (
            "CSV header has neither a 'title' nor a 'body' column "
            f"(is the header row missing? it reads {_short(','.join(header), 60)})"
        )
        yield Skip(where, lines.starts[0] if lines.starts else 1, reason, unread=True)
        return
    while True:
        lines.starts.clear()
        try:
            row = next(reader)
        except StopIteration:
            return
        except (csv.Error, _RecordTooLong) as e:
            start = lines.starts[0] if lines.starts else position.line
            if isinstance(e, _RecordTooLong) or "field limit" in str(e):
                # Where the record ends is lost (inside a quote left open, most likely): what
                # follows could be read wrong.
                size = e.size if isinstance(e, _RecordTooLong) else MAX_RECORD_BYTES
                reason = f"{_too_long('the record', size)} (is a quote left open?)"
                yield Skip(where, start, f"{reason}: the rest of the file was not read", True)
                return
            yield Skip(where, start, f"CSV error: {e}")
            reader = csv.reader(lines)  # the next line starts afresh
            continue
        if not row:
            continue
        line = lines.starts[0] if lines.starts else position.line
        size = sum(map(len, row))
        if size > MAX_RECORD_BYTES:
            yield Skip(where, line, _too_long("the record", size))
            continue
        fields: dict[str, object] = dict(zip(names, row, strict=False))
        yield _article({k: fields.get(k) for k in FIELDS}, path, line)
