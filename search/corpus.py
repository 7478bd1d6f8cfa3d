"""Reading a corpus: plain-text, JSON Lines and CSV files into articles.

Nothing here touches the index. A reader yields either an :class:`Article` or a :class:`Skip`
that names the file, the line and the reason, so that the indexer can count and report every
record it did not index.
"""

from __future__ import annotations

import csv
import io
import json
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from search.errors import CorpusError

#: File types the indexer reads, by suffix.
SUPPORTED_SUFFIXES = (".txt", ".jsonl", ".csv")
#: The columns of a record; any other field of a JSON or CSV record is ignored.
FIELDS = ("id", "title", "body", "date", "source", "url")
#: The lone surrogates that undecodable bytes become (see ``_decode``).
_UNDECODABLE = re.compile("[\udc80-\udcff]")


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
    """A record that was not indexed, and why."""

    origin: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"{self.origin}:{self.line}: {self.reason}"


Record = Article | Skip


@dataclass(frozen=True)
class CorpusFiles:
    """The files a set of paths expands to."""

    files: list[Path]
    ignored: list[Path]  # files of unknown type found in directories


def find_files(paths: Iterable[Path]) -> CorpusFiles:
    """Expand files and directories into the corpus files to read, in a stable order.

    A file given by name must be of a supported type; files of other types found inside a
    directory are returned as ignored. Hidden files and directories are skipped.
    """
    files: list[Path] = []
    ignored: list[Path] = []
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
        for child in sorted(path.rglob("*")):
            if not child.is_file() or any(
                part.startswith(".") for part in child.relative_to(path).parts
            ):
                continue
            if child.suffix.lower() in SUPPORTED_SUFFIXES:
                files.append(child.resolve())
            else:
                ignored.append(child.resolve())
    unique = list(dict.fromkeys(files))
    return CorpusFiles(unique, ignored)


def count_records(path: Path) -> int:
    """A quick estimate of the records in a file, for progress reporting."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        return 1
    with path.open("rb") as f:
        lines = sum(1 for line in f if line.strip())
    return max(lines - 1, 0) if suffix == ".csv" else lines


def read_file(path: Path) -> Iterator[Record]:
    """Read every record of one corpus file."""
    suffix = path.suffix.lower()
    if suffix == ".txt":
        yield _read_txt(path)
    elif suffix == ".jsonl":
        yield from _read_jsonl(path)
    elif suffix == ".csv":
        yield from _read_csv(path)
    else:  # pragma: no cover - find_files only returns supported suffixes
        raise CorpusError(f"{path}: unsupported file type")


def parse_date(value: object) -> datetime | None:
    """An ISO 8601 date or date-time as a naive UTC datetime; None for an empty value.

    Raises ValueError for anything else.
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
            f"unparseable date {text!r} (expected ISO 8601, e.g. 2020-01-09)"
        ) from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
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


def _article(fields: dict[str, object], origin: Path, line: int) -> Record:
    where = str(origin)
    if _bad_utf8(*fields.values()):
        return Skip(where, line, "not valid UTF-8")
    try:
        title = _text(fields.get("title"), "title")
        body = _text(fields.get("body"), "body")
        ident = _text(fields.get("id"), "id") or f"{origin.stem}-{line}"
        source = _text(fields.get("source"), "source")
        url = _text(fields.get("url"), "url")
        date = parse_date(fields.get("date"))
    except ValueError as e:
        return Skip(where, line, str(e))
    if not title and not body:
        return Skip(where, line, "record has neither title nor body")
    return Article(ident, title, body, date, source, url, where, line)


def _read_txt(path: Path) -> Record:
    text = _decode(path.read_bytes())
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


def _read_jsonl(path: Path) -> Iterator[Record]:
    with path.open("rb") as f:
        for number, raw in enumerate(f, 1):
            if not raw.strip():
                continue
            line = _decode(raw)
            if _bad_utf8(line):
                yield Skip(str(path), number, "line is not valid UTF-8")
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as e:
                yield Skip(str(path), number, f"not JSON: {e.msg} (column {e.colno})")
                continue
            if not isinstance(value, dict):
                yield Skip(str(path), number, f"not a JSON object but {type(value).__name__}")
                continue
            yield _article({k: value.get(k) for k in FIELDS}, path, number)


def _read_csv(path: Path) -> Iterator[Record]:
    csv.field_size_limit(sys.maxsize)
    text = _decode(path.read_bytes())
    # Lines read since the last record that are not blank: the first is where the next record
    # starts (the reader skips blank lines, so its line_num alone can point at one of them).
    starts: list[int] = []

    def lines() -> Iterator[str]:
        # Split on \n, \r and \r\n only, as csv needs: str.splitlines() also splits on \f,
        # \x1c-\x1e, \x85, U+2028 and U+2029, which cut a record in two.
        for number, line in enumerate(io.StringIO(text, newline=""), 1):
            if line.strip("\r\n"):
                starts.append(number)
            yield line

    reader = csv.DictReader(lines())
    header = reader.fieldnames or []
    if not {"title", "body"} & {h.strip().lower() for h in header}:
        yield Skip(str(path), 1, "CSV header has neither a 'title' nor a 'body' column")
        return
    starts.clear()
    try:
        for row in reader:
            line = starts[0] if starts else reader.line_num
            starts.clear()
            fields = {(k or "").strip().lower(): v for k, v in row.items() if isinstance(k, str)}
            yield _article({k: fields.get(k) for k in FIELDS}, path, line)
    except csv.Error as e:
        yield Skip(str(path), starts[0] if starts else reader.line_num, f"CSV error: {e}")
