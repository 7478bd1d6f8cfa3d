"""What templates need beyond the JSON they render: links that keep the search's state, dates
for people, and the spellings a query reached besides those typed."""

from __future__ import annotations

from datetime import date
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

from search import IndexInfo
from search.read.querybuild import query_tokens
from search.read.request import echo_params
from search.rules.arabic_script import is_arabic

_UNSET = object()


def search_url(
    query: dict[str, object],
    *,
    q: object = _UNSET,
    page: int = 1,
    sources: object = _UNSET,
    dates: bool = True,
    exact: object = _UNSET,
    without: object = _UNSET,
    collapse: object = _UNSET,
) -> str:
    """``/search`` for the query echoed in a response, with some parameters changed.

    Defaults are left out, so links stay short and equal searches get equal URLs; any change
    but ``page`` goes back to the first page.
    """
    changed = dict(query)
    changes = (("q", q), ("source", sources), ("exact", exact), ("without", without))
    for name, value in (*changes, ("collapse", collapse)):
        if value is not _UNSET:
            changed[name] = value
    if not dates:
        changed["from"] = changed["to"] = None
    pairs = echo_params(changed, page)
    return "/search?" + urlencode(pairs) if pairs else "/search"


def _beside_search(path: str, query: dict[str, object], **left_out: None) -> str:
    """``path`` with the parameters of the search echoed in a response but its page and size
    (and those ``left_out``)."""
    return path + search_url({**query, "size": None, **left_out}).removeprefix("/search")


def export_url(query: dict[str, object], format_name: str) -> str:
    """``/search.csv`` or ``/search.jsonl``: every result of the search echoed in a response
    (its filters and sort, not its page or size)."""
    return _beside_search(f"/search.{format_name}", query)


def feed_url(query: dict[str, object]) -> str:
    """``/search.atom``: the newest results of the search echoed in a response (its words and
    filters; a feed is always newest first)."""
    return _beside_search("/search.atom", query, sort=None)


def script_lang(text: str) -> str | None:
    """The ``lang`` of text in Arabic script ("ar"), so that a browser shapes and reads it as
    Arabic; None for any other text."""
    return "ar" if any(is_arabic(word) for word in text.split()) else None


def written_form(spelling: str, q: str) -> str:
    """A spelling of the index as a name is written when the query writes names with a
    capital (``gadhafi`` for "Gaddafi" reads *Gadhafi*)."""
    capitalised = any(t.original[:1].isupper() for t in query_tokens(q.replace('"', " ")))
    return spelling[:1].upper() + spelling[1:] if capitalised else spelling


#: The page sizes the results page offers.
PAGE_SIZES = (10, 25, 50, 100)


def carried_params(query: dict[str, object]) -> list[tuple[str, object]]:
    """The parameters of the search echoed but its page and size, as a form carries them in
    hidden fields (the pager's form asks for the page and the size)."""
    url = search_url({**query, "size": None})
    return parse_qsl(url.partition("?")[2])


def spellings_url(query: dict[str, object]) -> str:
    """``/spellings``: which outlet writes which spelling of the search echoed, and when."""
    return _beside_search("/spellings", query, sort=None, collapse=None)


def period_url(query: dict[str, object], period: str) -> str:
    """The search with its dates set to one year ("2016") or month ("2016-03")."""
    return search_url({**query, "from": period, "to": period})


#: The coverage chart's drawing box (the SVG stretches to the width of the results).
CHART_WIDTH, CHART_HEIGHT = 600, 64


def timeline_bars(timeline: dict[str, object]) -> list[dict[str, object]]:
    """The bars of the coverage chart: each period's place and height in the drawing box (a
    period with matches at least 2 units high, so that one article shows)."""
    periods = timeline["periods"]  # type: ignore[index]
    most = max((p["count"] for p in periods), default=0) or 1  # type: ignore[index]
    width = CHART_WIDTH / max(len(periods), 1)  # type: ignore[arg-type]
    bars = []
    for i, p in enumerate(periods):  # type: ignore[arg-type]
        count = int(p["count"])
        height = 0.0 if not count else max(2.0, CHART_HEIGHT * count / most)
        bars.append(
            {
                "period": p["period"],
                "count": count,
                "x": round(i * width + width * 0.1, 2),
                "y": round(CHART_HEIGHT - height, 2),
                "width": round(width * 0.8, 2),
                "height": round(height, 2),
            }
        )
    return bars


def timeline_series(timeline: dict[str, object]) -> list[dict[str, object]]:
    """The coverage chart split by source: each series (the sources with the most matches,
    then the other sources together) with its name and its counts per period."""
    series: list[dict[str, object]] = [
        {"name": s["source"], "counts": s["counts"]}
        for s in timeline.get("by_source") or []  # type: ignore[attr-defined]
    ]
    if timeline.get("other_sources"):
        series.append({"name": "Other sources", "counts": timeline["other_sources"]})
    return series


def timeline_stacks(timeline: dict[str, object]) -> list[dict[str, object]]:
    """The split chart's boxes: for each period, each series's count stacked on those before
    it, scaled as :func:`timeline_bars` scales the period's total."""
    bars = timeline_bars(timeline)
    series = timeline_series(timeline)
    boxes = []
    for i, bar in enumerate(bars):
        total = int(bar["count"])  # type: ignore[call-overload]
        if not total:
            continue
        top = CHART_HEIGHT
        for k, one in enumerate(series):
            count = one["counts"][i]  # type: ignore[index]
            if not count:
                continue
            height = float(bar["height"]) * count / total  # type: ignore[arg-type]
            top -= height
            boxes.append(
                {
                    "series": k,
                    "name": one["name"],
                    "period": bar["period"],
                    "count": count,
                    "x": bar["x"],
                    "y": round(top, 2),
                    "width": bar["width"],
                    "height": round(height, 2),
                }
            )
    return boxes


def toggle_spelling_url(query: dict[str, object], spelling: str) -> str:
    """The search with one spelling switched off, or on again if it was off."""
    off = list(query.get("without") or [])  # type: ignore[call-overload]
    if spelling in off:
        off.remove(spelling)
    else:
        off.append(spelling)
    return search_url(query, without=off)


def toggle_source_url(query: dict[str, object], name: str) -> str:
    """The search with source ``name`` chosen, or no longer chosen if it was."""
    chosen = list(query.get("source") or [])  # type: ignore[call-overload]
    if name in chosen:
        chosen.remove(name)
    else:
        chosen.append(name)
    return search_url(query, sources=chosen)


def name_url(name: str, api: bool = False) -> str:
    """A name's page (``/names/Hizballah``), or its JSON twin."""
    return f"{'/api' if api else ''}/names/{quote(name, safe='')}"


def article_path(article_id: str, api: bool = False) -> str:
    return f"{'/api' if api else ''}/articles/{quote(article_id, safe='')}"


def article_url(article_id: str, query: dict[str, object] | None = None) -> str:
    """An article's page, carrying the search echoed in a response (its words, exact spelling
    only and the spellings switched off, so that its matches are marked there as the search
    matched them; its filters, sort, page and size, for the way back to those results)."""
    path = article_path(article_id)
    pairs = echo_params(query, int(query.get("page") or 1)) if query else []  # type: ignore[call-overload]
    return f"{path}?{urlencode(pairs)}" if pairs else path


def human_date(value: str | None) -> str:
    """``2018-05-14`` (or an ISO date-time) as ``14 May 2018``."""
    if not value:
        return "undated"
    try:
        day = date.fromisoformat(value[:10])
    except ValueError:
        return value
    return f"{day.day} {day:%B %Y}"


def web_url(value: str | None) -> str | None:
    """An article's original address, only if it is an http(s) URL (never ``javascript:``)."""
    if not value:
        return None
    parts = urlsplit(value.strip())
    return value.strip() if parts.scheme in ("http", "https") and parts.netloc else None


def also_matched(response: dict[str, object]) -> list[str]:
    """The spellings the query reached besides those typed, as the articles write them."""
    q = str(response["query"]["q"])  # type: ignore[index]
    tokens = query_tokens(q.replace('"', " "))
    typed = {t.exact for t in tokens}
    # Spellings not on this page: written as the query wrote its names (capitalised or not).
    capitalised = any(t.original[:1].isupper() for t in tokens)
    written: dict[str, str] = {}
    for hit in response["hits"]:  # type: ignore[attr-defined]
        for word in hit["matched"]:
            written.setdefault(word.casefold().replace("’", "'"), word)
    spellings = [s for s in response["spellings"] if s not in typed]  # type: ignore[attr-defined]
    return [written.get(s, s[:1].upper() + s[1:] if capitalised else s) for s in spellings]


def spelling_controls(response: dict[str, object]) -> list[dict[str, object]]:
    """The spellings reached besides those typed, each with how many of the results write it
    and whether it is searched (``on``), then those switched off (``without``): what the
    results page lists under "Also matched", each a link that switches it off or on."""
    shown = also_matched(response)
    q = str(response["query"]["q"])  # type: ignore[index]
    typed = {t.exact for t in query_tokens(q.replace('"', " "))}
    counts = response["spellings"]  # type: ignore[index]
    reached = [s for s in counts if s not in typed]  # type: ignore[union-attr]
    controls: list[dict[str, object]] = [
        {"spelling": s, "shown": w, "count": counts[s], "on": True}  # type: ignore[index]
        for s, w in zip(reached, shown, strict=True)
    ]
    for s in response["query"].get("without", []):  # type: ignore[union-attr]
        controls.append({"spelling": s, "shown": written_form(s, q), "count": None, "on": False})
    return controls


def public_info(info: IndexInfo) -> dict[str, object]:
    """What the API tells about the archive: everything ``info`` reports but the server's paths and
    a cluster's servers."""
    data = info.to_json()
    for private in ("path", "paths", "servers"):
        data.pop(private, None)
    return data
