"""Search parameters, validated once for every front end (CLI, JSON API, HTML pages).

Parameters arrive as strings from a command line or a URL; :meth:`SearchRequest.from_params`
turns them into a checked request or raises :class:`QueryError` with a one-line reason.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from search.errors import QueryError
from search.read.querylang import Node, parse_query
from search.rules import exact_form

SORTS = ("relevance", "newest", "oldest")
MAX_SIZE = 100
DEFAULT_SIZE = 10
MAX_PAGE = 10_000

_DATE_RE = re.compile(r"^([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?$")
#: A whole number as a URL or a command line writes it: ASCII digits, nothing else (Python's
#: int() would also take 1_0, a sign, spaces and other scripts' digits).
_NUMBER_RE = re.compile(r"^[0-9]+$")


def parse_date_bound(value: str, name: str, end: bool) -> datetime:
    """``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD`` as the first (or, with ``end``, the last)
    moment of that year, month or day."""
    m = _DATE_RE.match(value)
    if not m:
        raise QueryError(
            f"{name} must be a date like 2020-01-09, 2020-01 or 2020, not {value!r}", name
        )
    year, month, day = int(m[1]), int(m[2] or 1), int(m[3] or 1)
    try:
        first = date(year, month, day)
    except ValueError:
        raise QueryError(f"{name}: {value!r} is not a real date", name) from None
    if not end:
        return datetime.combine(first, time.min)
    if m[3]:
        last = first
    elif m[2]:
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
    else:
        last = date(year, 12, 31)
    return datetime.combine(last, time.max)


def parse_flag(value: str | bool | None, name: str) -> bool:
    """An on/off parameter: ``1`` or ``true``, ``0`` or ``false`` (any case); unset or empty is
    off."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = value.lower()
    if text in ("", "0", "false"):
        return False
    if text in ("1", "true"):
        return True
    raise QueryError(f"{name} must be 1, true, 0 or false, not {value!r}", name)


def _positive_int(value: str | int, name: str, maximum: int) -> int:
    text = str(value)
    if not _NUMBER_RE.match(text) or len(text) > 12:
        raise QueryError(f"{name} must be a whole number, not {value!r}", name)
    number = int(text)
    if not 1 <= number <= maximum:
        raise QueryError(f"{name} must be between 1 and {maximum:,}, not {number}", name)
    return number


def spellings_off(values: list[str] | tuple[str, ...]) -> tuple[str, ...]:
    """Spellings switched off, as the index writes them (exact forms: case, accents and a
    possessive aside); each must be one word."""
    found: list[str] = []
    for value in values:
        if not value or not value.strip():
            continue
        words = value.split()
        form = exact_form(words[0]) if len(words) == 1 else ""
        if not form:
            raise QueryError(f"without takes one spelling (a word), not {value!r}", "without")
        if form not in found:
            found.append(form)
    return tuple(found)


def default_sort(q: str) -> str:
    """The order a search gets when none is asked for."""
    return "relevance" if q.strip() else "newest"


def echo_params(query: dict[str, object], page: int = 1) -> list[tuple[str, object]]:
    """The parameters that ask again for the search a response echoes (its ``query``), at
    ``page``: defaults left out, so that equal searches get equal addresses."""
    text = str(query.get("q") or "")
    pairs: list[tuple[str, object]] = [("q", text)] if text else []
    sort = query.get("sort")
    if sort and sort != default_sort(text):
        pairs.append(("sort", sort))
    pairs += [(name, query[name]) for name in ("from", "to") if query.get(name)]
    pairs += [("source", name) for name in query.get("source") or []]  # type: ignore[attr-defined]
    if query.get("size") not in (None, DEFAULT_SIZE):
        pairs.append(("size", query["size"]))
    if query.get("exact"):
        pairs.append(("exact", 1))
    pairs += [("without", s) for s in query.get("without") or []]  # type: ignore[attr-defined]
    if query.get("collapse") is False:
        pairs.append(("collapse", 0))
    if page != 1:
        pairs.append(("page", page))
    return pairs


@dataclass(frozen=True)
class SearchRequest:
    """A checked search: the query, the page wanted and the filters."""

    q: str
    node: Node | None  # None: no query text, every article (filtered), newest first
    page: int = 1
    size: int = DEFAULT_SIZE
    sort: str = "relevance"
    date_from: datetime | None = None
    date_to: datetime | None = None
    sources: tuple[str, ...] = field(default_factory=tuple)
    exact: bool = False  # each word as written only: no other spellings reached
    without: tuple[str, ...] = field(default_factory=tuple)  # spellings switched off
    collapse: bool = True  # each story once (search.rules.story), its other articles counted

    @classmethod
    def from_params(
        cls,
        q: str | None,
        page: str | int | None = None,
        size: str | int | None = None,
        sort: str | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        sources: list[str] | tuple[str, ...] = (),
        exact: str | bool | None = None,
        without: list[str] | tuple[str, ...] = (),
        collapse: str | bool | None = None,
    ) -> SearchRequest:
        q = q or ""
        node = parse_query(q) if q.strip() else None
        sort = sort or ("relevance" if node else "newest")
        if sort not in SORTS:
            raise QueryError(f"sort must be one of {', '.join(SORTS)}, not {sort!r}", "sort")
        if node is None and sort == "relevance":
            sort = "newest"  # without query text there is nothing to rank by
        start = parse_date_bound(date_from, "from", end=False) if date_from else None
        end = parse_date_bound(date_to, "to", end=True) if date_to else None
        if start and end and start > end:
            raise QueryError(f"from ({start.date()}) is after to ({end.date()})", "to")
        return cls(
            q=q.strip(),
            node=node,
            page=_positive_int(page, "page", MAX_PAGE) if page not in (None, "") else 1,
            size=_positive_int(size, "size", MAX_SIZE) if size not in (None, "") else DEFAULT_SIZE,
            sort=sort,
            date_from=start,
            date_to=end,
            sources=tuple(dict.fromkeys(s.strip() for s in sources if s and s.strip())),
            exact=parse_flag(exact, "exact"),
            without=spellings_off(without),
            collapse=True if collapse in (None, "") else parse_flag(collapse, "collapse"),
        )

    @property
    def filtered(self) -> bool:
        """Whether a date range or a source narrows the search."""
        return bool(self.date_from or self.date_to or self.sources)

    def echo(self) -> dict[str, object]:
        """The parameters as the response repeats them."""
        return {
            "q": self.q,
            "page": self.page,
            "size": self.size,
            "sort": self.sort,
            "from": self.date_from.date().isoformat() if self.date_from else None,
            "to": self.date_to.date().isoformat() if self.date_to else None,
            "source": list(self.sources),
            "exact": self.exact,
            "without": list(self.without),
            "collapse": self.collapse,
        }
