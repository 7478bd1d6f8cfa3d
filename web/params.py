"""Query-string parameters of the search pages and API, turned into a checked request."""

from __future__ import annotations

from starlette.datastructures import QueryParams

from search import SearchRequest
from search.errors import UnknownParameter

#: The parameters /search and /api/search take, with what each means (the API description and
#: the README are checked against this).
SEARCH_PARAMS = {
    "q": "the query; empty lists every article that passes the filters, newest first",
    "page": "page number, from 1",
    "size": "results per page, 1-100 (default 10)",
    "sort": "relevance, newest or oldest (default: relevance; newest without query text)",
    "from": "first date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD",
    "to": "last date, inclusive: YYYY, YYYY-MM or YYYY-MM-DD",
    "source": (
        "only this source (as the archive spells it; else every source that differs from it "
        "only in case); repeat for several"
    ),
    "exact": "1 or true: exact spelling only, each word as typed, no other spellings (default 0)",
    "without": (
        "a spelling switched off: not searched for the words that would reach it (a word typed "
        "is searched whatever); repeat for several"
    ),
    "collapse": (
        "0 or false: list every matching article; by default (1) a story several articles of "
        "one source tell (a repost, a wire copy sent again) is listed once, with the number of "
        "its other copies"
    ),
}
#: The parameters of an export (/search.csv, /search.jsonl): a search's, but for its page.
EXPORT_PARAMS = {k: v for k, v in SEARCH_PARAMS.items() if k not in ("page", "size")}
#: The parameters of a feed (/search.atom, newest first) and of /spellings: a search's words and
#: filters.
FILTER_PARAMS = {k: v for k, v in EXPORT_PARAMS.items() if k != "sort"}
#: The parameters of /spellings, which counts articles, not stories: a feed's but collapse.
SPELLINGS_PARAMS = {k: v for k, v in FILTER_PARAMS.items() if k != "collapse"}
REPEATABLE = {"source", "without"}
#: The parameters of an article page: the search it was reached from. Its words (q, exact,
#: without) say what to mark; the rest is kept for the page's link back to those results.
ARTICLE_PARAMS = {
    **{
        name: f"the search the article was reached from, kept for the way back: {meaning}"
        for name, meaning in SEARCH_PARAMS.items()
    },
    "q": "the query whose matches to mark",
    "exact": "1 or true: mark the query's words as typed only, as an exact search matched them",
    "without": "a spelling switched off in the search, not marked; repeat for several",
}


def check_params(params: QueryParams, known: dict[str, str]) -> None:
    """Refuse unknown and repeated parameters: a typo ("sise=50") must not pass unnoticed."""
    for name in params:
        if name not in known:
            takes = f"use {', '.join(known)}" if known else "this address takes none"
            raise UnknownParameter(f"unknown parameter {name!r}; {takes}", name)
        if name not in REPEATABLE and len(params.getlist(name)) > 1:
            raise UnknownParameter(f"parameter {name!r} is given more than once", name)


def search_request(params: QueryParams, known: dict[str, str] = SEARCH_PARAMS) -> SearchRequest:
    """The search a query string asks for; :class:`QueryError` when it is not valid or names a
    parameter not ``known``."""
    check_params(params, known)
    return SearchRequest.from_params(
        params.get("q", ""),
        page=params.get("page"),
        size=params.get("size"),
        sort=params.get("sort"),
        date_from=params.get("from"),
        date_to=params.get("to"),
        sources=params.getlist("source"),
        exact=params.get("exact"),
        without=params.getlist("without"),
        collapse=params.get("collapse"),
    )
