"""The one response shape: what ``query --json`` prints and what the JSON API serves.

Templates render from the same objects, so the three front ends cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from urllib.parse import urlencode

from search.read.request import echo_params

#: Where the JSON API answers a search: the base of a response's ``next_url`` and ``prev_url``.
API_SEARCH = "/api/search"


def api_search_url(query: dict[str, object], page: int) -> str:
    """The JSON API's address of one page of the search a response echoes."""
    pairs = echo_params(query, page)
    return f"{API_SEARCH}?{urlencode(pairs)}" if pairs else API_SEARCH


def format_date(value: datetime | None) -> str | None:
    """A stored date (UTC, without a zone) in the one form the responses give every moment:
    ISO 8601 to the second with the zone, ``2018-05-14T00:00:00Z``."""
    if value is None:
        return None
    return value.replace(microsecond=0).isoformat() + "Z"


def present(value: str | None) -> str | None:
    """A stored text field as the responses give it: None when it is missing or empty."""
    return value or None


@dataclass
class Hit:
    """One result."""

    rank: int
    id: str
    title: str | None  # None (null in JSON) for every value the article lacks
    source: str | None
    date: str | None
    url: str | None
    score: float | None  # relevance; None when the results are sorted by date
    title_html: str
    snippet_html: str
    matched: list[str]  # the spellings marked in this article, as written there
    # The other matches telling the same story (search.rules.story), shown through this one.
    more_like_this: int = 0

    @classmethod
    def listed(cls, rank: int, fields: dict[str, object], score: float | None = None) -> Hit:
        """A hit from an article's stored fields alone: nothing marked, no snippet."""
        return cls(
            rank=rank,
            id=str(fields["id"]),
            title=present(fields.get("title")),  # type: ignore[arg-type]
            source=present(fields.get("source")),  # type: ignore[arg-type]
            date=format_date(fields.get("date")),  # type: ignore[arg-type]
            url=present(fields.get("url")),  # type: ignore[arg-type]
            score=score,
            title_html="",
            snippet_html="",
            matched=[],
        )

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
            "more_like_this": self.more_like_this,
        }


@dataclass
class SearchResponse:
    """A page of results and what the query reached."""

    query: dict[str, object]
    total: int
    page: int
    pages: int
    took_ms: float
    # The stories the matches tell: the results listed (each story once); ``total`` when the
    # search does not collapse them.
    stories: int = 0
    hits: list[Hit] = field(default_factory=list)
    # Spellings of the query's words found in the index, with the number of articles using each.
    spellings: dict[str, int] = field(default_factory=dict)
    # Matching articles per source, as if no source were chosen (so each count is what choosing
    # that source would give), most first.
    sources: dict[str, int] = field(default_factory=dict)
    # "Did you mean": a query from the archive's own words that finds more, or None.
    suggestion: Alternative | None = None
    # When nothing matched: the query with one part left out, each finding something.
    fewer_words: list[Alternative] = field(default_factory=list)
    # When nothing matched under a date range or source: the matches without them, else None.
    without_filters: Coverage | None = None
    # The matches under every filter by year (by month when they span 3 years or less).
    timeline: Timeline | None = None
    # A cluster's shards left out of this answer, none of their servers answering (only when
    # partial answers were asked for; otherwise such a search fails, naming the shard).
    missing_shards: list[str] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": True,
            "query": self.query,
            "total": self.total,
            "stories": self.stories,
            "page": self.page,
            "pages": self.pages,
            "took_ms": self.took_ms,
            "next_url": api_search_url(self.query, self.page + 1)
            if self.page < self.pages
            else None,
            "prev_url": api_search_url(self.query, min(self.page, self.pages + 1) - 1)
            if self.page > 1
            else None,
            "hits": [h.to_json() for h in self.hits],
            "spellings": self.spellings,
            "sources": self.sources,
            "suggestion": self.suggestion.to_json() if self.suggestion else None,
            "fewer_words": [a.to_json() for a in self.fewer_words],
            "without_filters": self.without_filters.to_json() if self.without_filters else None,
            "timeline": self.timeline.to_json() if self.timeline else None,
            "missing_shards": self.missing_shards,
        }


@dataclass(frozen=True)
class Coverage:
    """How many articles, and how many of them are dated in each year."""

    total: int
    years: dict[int, int]
    undated: int

    def to_json(self) -> dict[str, object]:
        return {
            "total": self.total,
            "years": {str(year): n for year, n in self.years.items()},
            "undated": self.undated,
            "spans": year_spans(self.years),
        }


@dataclass(frozen=True)
class SpellingRow:
    """One spelling the matches of a search write: how many, per source and per period."""

    spelling: str
    total: int
    by_source: dict[str, int]  # "" for articles without a source
    by_period: dict[str, int]
    undated: int

    def to_json(self) -> dict[str, object]:
        return {
            "spelling": self.spelling,
            "total": self.total,
            "by_source": self.by_source,
            "by_period": self.by_period,
            "undated": self.undated,
        }


@dataclass(frozen=True)
class SpellingTable:
    """Which outlet writes which spelling of a search's words, and when (``/spellings``)."""

    query: dict[str, object]
    total: int  # the matches under every filter
    sources: list[str]  # the sources of the matches, most matches first ("" for none)
    unit: str | None  # "year" or "month", as the search's timeline; None when none is dated
    periods: list[str]
    rows: list[SpellingRow]  # the most written spelling first

    def to_json(self) -> dict[str, object]:
        return {
            "ok": True,
            "query": self.query,
            "total": self.total,
            "sources": self.sources,
            "unit": self.unit,
            "periods": self.periods,
            "rows": [row.to_json() for row in self.rows],
        }


#: Dated matches spanning at most this many calendar years are counted by month.
MONTHS_UP_TO_YEARS = 3


#: The sources a timeline is split by: those with the most dated matches (the rest as one).
SPLIT_SOURCES = 5


@dataclass(frozen=True)
class Timeline:
    """How many matches are dated in each year, or each month, every period from the first to
    the last included (so that a gap shows as a gap), and how many are undated; the same counts
    split by source: the sources with the most dated matches, each with its count per period,
    and the other sources' (and the unnamed) together."""

    unit: str  # "year" or "month"
    periods: list[tuple[str, int]]  # ("2016", 12) or ("2016-03", 4), in order
    undated: int
    by_source: list[tuple[str, list[int]]] = field(default_factory=list)  # counts per period
    other_sources: list[int] | None = None  # the rest, per period; None when there is no rest

    @classmethod
    def of(
        cls, months: dict[int, int], undated: int, sources: dict[str, dict[int, int]] | None = None
    ) -> Timeline | None:
        """From match counts per month (``year * 100 + month``), and optionally per source and
        month (the same counts, split); None when nothing is dated."""
        if not months:
            return None
        first, last = min(months) // 100, max(months) // 100
        if last - first < MONTHS_UP_TO_YEARS:
            unit = "month"
            labels = [
                f"{y}-{m:02d}"
                for y in range(first, last + 1)
                for m in range(1, 13)
                if min(months) <= y * 100 + m <= max(months)
            ]
        else:
            unit = "year"
            labels = [str(y) for y in range(first, last + 1)]
        where = {label: i for i, label in enumerate(labels)}

        def series(counts: dict[int, int]) -> list[int]:
            found = [0] * len(labels)
            for month, n in counts.items():
                label = (
                    f"{month // 100}-{month % 100:02d}" if unit == "month" else str(month // 100)
                )
                found[where[label]] += n
            return found

        total = series(months)
        split = sorted(
            (sources or {}).items(), key=lambda kv: (-sum(kv[1].values()), kv[0] == "", kv[0])
        )
        named = [(name, series(counts)) for name, counts in split if name][:SPLIT_SOURCES]
        rest = [sum(column) for column in zip(*(c for _, c in named), strict=True)] if named else []
        other = [t - r for t, r in zip(total, rest, strict=True)] if named else None
        return cls(
            unit,
            list(zip(labels, total, strict=True)),
            undated,
            named,
            other if other and any(other) else None,
        )

    def by_year(self) -> Timeline:
        """The same counts by year (the split left out)."""
        if self.unit == "year":
            return replace(self, by_source=[], other_sources=None)
        years: dict[str, int] = {}
        for period, n in self.periods:
            years[period[:4]] = years.get(period[:4], 0) + n
        return Timeline("year", list(years.items()), self.undated)

    def to_json(self) -> dict[str, object]:
        return {
            "unit": self.unit,
            "periods": [{"period": p, "count": n} for p, n in self.periods],
            "undated": self.undated,
            "by_source": [{"source": name, "counts": counts} for name, counts in self.by_source],
            "other_sources": self.other_sources,
        }


def year_spans(years: dict[int, int]) -> str:
    """The years as runs: ``1987, 2004-2005, 2016-2017``."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}-{r[-1]}" for r in runs)


@dataclass(frozen=True)
class Alternative:
    """Another query worth trying, and how many articles it finds (with the same filters)."""

    q: str
    total: int

    def to_json(self) -> dict[str, object]:
        return {"q": self.q, "total": self.total}


@dataclass
class Article:
    """One article, with the words that the query it was reached from matched marked."""

    id: str
    title: str | None  # None (null in JSON) for every value the article lacks
    source: str | None
    date: str | None
    url: str | None
    body: str
    q: str
    exact: bool  # the query's words were marked as typed only
    without: list[str]  # spellings switched off, not marked
    search: dict[str, object]  # the search it was reached from, echoed (as a response's query)
    title_html: str
    paragraphs_html: list[str]
    matched: list[str]
    # The other articles of the index telling the same story, earliest first.
    same_story: list[Hit] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {
            "ok": True,
            "id": self.id,
            "title": self.title,
            "source": self.source,
            "date": self.date,
            "url": self.url,
            "body": self.body,
            "q": self.q,
            "exact": self.exact,
            "without": self.without,
            "search": self.search,
            "title_html": self.title_html,
            "paragraphs_html": self.paragraphs_html,
            "matched": self.matched,
            "same_story": [
                {"id": h.id, "title": h.title, "source": h.source, "date": h.date, "url": h.url}
                for h in self.same_story
            ],
        }


@dataclass(frozen=True)
class NamePage:
    """A name as a page (``/names/{name}``): every spelling of it the archive writes, which
    outlets write each and in which years, the names written with it, its newest articles."""

    name: str
    total: int  # the articles that write the name in any of its spellings
    spellings: SpellingTable  # its rows by outlet and by year
    company: list[Alternative]  # names written in the most of those articles, with how many
    newest: list[Hit]

    def to_json(self) -> dict[str, object]:
        table = self.spellings.to_json()
        return {
            "ok": True,
            "name": self.name,
            "total": self.total,
            "search_url": api_search_url({"q": self.name}, 1),
            "sources": table["sources"],
            "years": table["periods"],
            "spellings": table["rows"],
            "company": [{"name": a.q, "total": a.total} for a in self.company],
            "newest": [hit.to_json() for hit in self.newest],
        }
