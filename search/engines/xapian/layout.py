"""How an article is kept in a Xapian document: the terms of each field under a prefix, its
values in slots, its stored fields as JSON data.

The terms are the embedded index's (the same analysis, :mod:`search.analysis.analyzers`), so
that both engines hold the same vocabulary with the same counts: an exact-word term with its
positions, in the title (``XT``) and the body (``XB``); a spelling term (``XK``) with its count;
the id (``Q``, boolean) and the source (``XS``, boolean). Positions are the analyzer's plus one
(Xapian's first position is 1).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import UTC, datetime

import xapian

from search.analysis.analyzers import exact_term_positions, spelling_term_counts

#: Each field searched by term, and the prefix of its terms.
PREFIXES = {"title": "XT", "body": "XB", "spellings": "XK", "id": "Q", "source": "XS"}
#: Xapian refuses terms longer than this (bytes); a longer word is not searchable by term
#: (the embedded index would keep it: no word of the five corpora is this long).
MAX_TERM_BYTES = 245

#: The values of an article: the columns the read path counts and filters by (JSON: source,
#: date as an int, undated flag, story), the company it keeps, and what an indexing run
#: compares (id, content hash, origin).
SLOT_COLUMNS = 0
SLOT_COMPANY = 1
SLOT_STATE = 2

#: Metadata of each shard.
META_GENERATION = "news-search.generation"
META_INDEX = "news-search.meta"

_EPOCH = datetime(1970, 1, 1)


def date_value(moment: datetime) -> int:
    """A date as the int the columns order dates by: microseconds since 1970 (naive UTC)."""
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    delta = moment - _EPOCH
    return (delta.days * 86_400 + delta.seconds) * 1_000_000 + delta.microseconds


def from_date_value(value: int) -> datetime:
    from datetime import timedelta

    return _EPOCH + timedelta(microseconds=value)


def term(fieldname: str, text: str) -> bytes:
    return (PREFIXES[fieldname] + text).encode("utf-8")


def document(fields: Mapping[str, object]) -> xapian.Document:
    """The Xapian document of an article, from the fields the indexer hands every engine."""
    doc = xapian.Document()
    article_id = str(fields["id"])
    doc.add_boolean_term(term("id", article_id))
    source = fields.get("source") or ""
    if source:
        doc.add_boolean_term(term("source", str(source)))
    for name in ("title", "body"):
        text = fields.get(name) or ""
        for word, positions in exact_term_positions(str(text)).items():
            encoded = term(name, word)
            if len(encoded) > MAX_TERM_BYTES:
                continue
            for position in positions:
                doc.add_posting(encoded, position + 1)
    spellings = fields.get("spellings")
    if spellings:
        for word, count in spelling_term_counts(*spellings).items():  # type: ignore[misc]
            encoded = term("spellings", word)
            if len(encoded) <= MAX_TERM_BYTES:
                doc.add_term(encoded, count)
    date = fields.get("date")
    stored = {
        "id": article_id,
        "title": fields.get("title") or "",
        "body": fields.get("body") or "",
        "source": source,
        "date": date.isoformat() if isinstance(date, datetime) else None,
        "url": fields.get("url") or "",
    }
    doc.set_data(json.dumps(stored, ensure_ascii=False))
    story = fields.get("story") or b""
    columns = [
        source,
        date_value(date) if isinstance(date, datetime) else 0,
        int(fields.get("undated") or 0),
        story.decode("utf-8") if isinstance(story, bytes) else str(story),
        article_id,
    ]
    doc.add_value(SLOT_COLUMNS, json.dumps(columns, ensure_ascii=False))
    company = fields.get("company")
    if company:
        doc.add_value(SLOT_COMPANY, company)  # type: ignore[arg-type]
    digest = fields.get("hash") or b""
    origin = fields.get("origin") or b""
    state = [article_id, bytes(digest).hex(), bytes(origin).decode("utf-8")]  # type: ignore[arg-type]
    doc.add_value(SLOT_STATE, json.dumps(state, ensure_ascii=False))
    return doc


def stored_fields(data: bytes) -> dict[str, object]:
    """An article's stored fields from its document data, the date as a datetime."""
    fields: dict[str, object] = json.loads(data)
    date = fields.get("date")
    fields["date"] = datetime.fromisoformat(date) if isinstance(date, str) else None
    if not fields.get("url"):
        fields.pop("url", None)
    return fields
