"""Every result of a search as a file to take away: CSV and JSON Lines, one row per article in
the order of the results, written as the rows come (a stream, not a page).

Pure formatting over :class:`~search.read.response.Hit`: the engine supplies the hits
(:meth:`search.read.engine.Engine.export`), the CLI and the web frontend write these lines.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterable, Iterator

from search.read.response import Hit

#: The formats of an export and their media types.
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson"}
#: The columns of a CSV export, in order (a JSON Lines row has the same keys).
COLUMNS = (
    *("rank", "id", "title", "source", "date", "url", "score", "matched", "more_like_this"),
    "snippet",
)
#: How a CSV cell joins the spellings an article was matched by.
MATCHED_SEP = "; "

_MARK = re.compile(r"</?mark>")


def snippet_text(snippet_html: str) -> str:
    """A hit's snippet as plain text: its marks taken off, its escapes undone."""
    return html.unescape(_MARK.sub("", snippet_html))


def row(hit: Hit) -> dict[str, object]:
    """One result as an export row (the keys of :data:`COLUMNS`)."""
    return {
        "rank": hit.rank,
        "id": hit.id,
        "title": hit.title,
        "source": hit.source,
        "date": hit.date,
        "url": hit.url,
        "score": hit.score,
        "matched": hit.matched,
        "more_like_this": hit.more_like_this,
        "snippet": snippet_text(hit.snippet_html),
    }


def csv_lines(hits: Iterable[Hit]) -> Iterator[str]:
    """A header, then one CSV record per hit (RFC 4180: CRLF line ends, quotes doubled; a
    missing date or score is an empty cell)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield take()
    for hit in hits:
        values = row(hit)
        values["matched"] = MATCHED_SEP.join(hit.matched)
        writer.writerow(["" if values[c] is None else values[c] for c in COLUMNS])
        yield take()


def jsonl_lines(hits: Iterable[Hit]) -> Iterator[str]:
    """One JSON object per hit and per line (UTF-8, no ASCII escapes)."""
    for hit in hits:
        yield json.dumps(row(hit), ensure_ascii=False) + "\n"


def lines(format_name: str, hits: Iterable[Hit]) -> Iterator[str]:
    """The export of ``hits`` in one of :data:`FORMATS`."""
    if format_name == "csv":
        return csv_lines(hits)
    if format_name == "jsonl":
        return jsonl_lines(hits)
    raise ValueError(f"no export format {format_name!r}")
