"""The one response shape: what ``query --json`` prints and what the JSON API serves.

Templates render from the same objects, so the three front ends cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime


def format_date(value: datetime | None) -> str | None:
    """A date as ISO 8601: the day alone when the time is midnight."""
    if value is None:
        return None
    if value.time() == datetime.min.time():
        return value.date().isoformat()
    return value.isoformat()


@dataclass
class Hit:
    """One result."""

    rank: int
    id: str
    title: str
    source: str
    date: str | None
    url: str
    score: float | None  # relevance; None when the results are sorted by date
    title_html: str
    snippet_html: str
    matched: list[str]  # the spellings marked in this article, as written there

    def to_json(self) -> dict[str, object]:
        return {
            "rank": self.rank,
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "date": self.date,
            "url": self.url,
            "score": self.score,
            "title_html": self.title_html,
            "snippet_html": self.snippet_html,
            "matched": self.matched,
        }


@dataclass
class SearchResponse:
    """A page of results and what the query reached."""

    query: dict[str, object]
    total: int
    page: int
    pages: int
    took_ms: float
    hits: list[Hit] = field(default_factory=list)
    # Spellings of the query's words found in the index, with the number of articles using each.
    spellings: dict[str, int] = field(default_factory=dict)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": True,
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "pages": self.pages,
            "took_ms": self.took_ms,
            "hits": [h.to_json() for h in self.hits],
            "spellings": self.spellings,
        }
