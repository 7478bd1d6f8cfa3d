"""The API description served at ``/openapi.json`` (OpenAPI 3.1).

Parameters come from :mod:`web.params`, and tests check every schema's properties against
real responses, so the description cannot drift from the code.
"""

from __future__ import annotations

from typing import Any

from search.read.export import COLUMNS, FORMATS
from search.read.request import MAX_PAGE, MAX_SIZE, SORTS
from web.feed import ENTRIES
from web.params import (
    ARTICLE_PARAMS,
    EXPORT_PARAMS,
    FILTER_PARAMS,
    SEARCH_PARAMS,
    SPELLINGS_PARAMS,
)

_DATE = {"type": "string", "pattern": r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"}
_PARAM_SCHEMAS: dict[str, dict[str, Any]] = {
    "q": {"type": "string", "maxLength": 1000},
    "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": 1},
    "size": {"type": "integer", "minimum": 1, "maximum": MAX_SIZE, "default": 10},
    "sort": {"type": "string", "enum": list(SORTS)},
    "from": _DATE,
    "to": _DATE,
    "source": {"type": "array", "items": {"type": "string"}},
    "without": {"type": "array", "items": {"type": "string"}},
    "exact": {"type": "string", "pattern": "^(?i:1|true|0|false)?$", "default": "0"},
    "collapse": {"type": "string", "pattern": "^(?i:1|true|0|false)?$", "default": "1"},
}


def _params(described: dict[str, str]) -> list[dict[str, Any]]:
    params = []
    for name, meaning in described.items():
        param: dict[str, Any] = {
            "name": name,
            "in": "query",
            "required": False,
            "description": meaning,
            "schema": _PARAM_SCHEMAS[name],
        }
        if name in ("source", "without"):
            param.update(style="form", explode=True)
        params.append(param)
    return params


def _object(properties: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "required": list(properties), "properties": properties}


_STR = {"type": "string"}
_INT = {"type": "integer"}
_BOOL = {"type": "boolean"}
_NULLABLE_STR = {"type": ["string", "null"]}
#: Every moment a response gives (an article's date, the index's dates): UTC, to the second.
_MOMENT = {
    "type": ["string", "null"],
    "format": "date-time",
    "pattern": r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
    "description": "ISO 8601 in UTC, to the second (2018-05-14T00:00:00Z); null when undated",
}
#: The error codes a response may carry.
ERROR_CODES = [
    "invalid_query",
    "invalid_parameter",
    "unknown_parameter",
    "past_last_page",
    "too_costly",
    "not_found",
    "method_not_allowed",
    "index_unavailable",
    "internal_error",
]
_ALTERNATIVE = _object({"q": _STR, "total": _INT})
#: One spelling: how many articles write it, per source ("" for none) and per period.
_SPELLING_ROW = _object(
    {
        "spelling": _STR,
        "total": _INT,
        "by_source": {"type": "object", "additionalProperties": _INT},
        "by_period": {"type": "object", "additionalProperties": _INT},
        "undated": _INT,
    }
)

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": _object(
        {
            "ok": {"const": False},
            "error": {**_STR, "description": "a one-line message for a person"},
            "status": {"type": "integer", "minimum": 400},
            "code": {"type": "string", "enum": ERROR_CODES, "description": "for programs"},
            "parameter": {
                **_NULLABLE_STR,
                "description": "the parameter at fault (q for the query text), or null",
            },
        }
    ),
    "Hit": _object(
        {
            "rank": _INT,
            "id": _STR,
            "title": _NULLABLE_STR,
            "source": _NULLABLE_STR,
            "date": _MOMENT,
            "url": _NULLABLE_STR,
            "score": {"type": ["number", "null"], "description": "null when sorted by date"},
            "title_html": {**_STR, "description": "escaped text; only <mark> tags are ours"},
            "snippet_html": {**_STR, "description": "escaped text; only <mark> tags are ours"},
            "matched": {"type": "array", "items": _STR},
            "more_like_this": {
                **_INT,
                "description": "the other matches telling the same story, listed through this one",
            },
        }
    ),
    "SearchResponse": _object(
        {
            "ok": {"const": True},
            "query": _object(
                {
                    "q": _STR,
                    "page": _INT,
                    "size": _INT,
                    "sort": {"type": "string", "enum": list(SORTS)},
                    "from": _NULLABLE_STR,
                    "to": _NULLABLE_STR,
                    "source": {"type": "array", "items": _STR},
                    "exact": {**_BOOL, "description": "exact spelling only"},
                    "without": {
                        "type": "array",
                        "items": _STR,
                        "description": "spellings switched off, as the index writes them",
                    },
                    "collapse": {**_BOOL, "description": "each story listed once"},
                }
            ),
            "total": {**_INT, "description": "the matching articles"},
            "stories": {
                **_INT,
                "description": "the results listed: each story once (total, with collapse=0)",
            },
            "page": _INT,
            "pages": _INT,
            "took_ms": {"type": "number"},
            "next_url": {
                **_NULLABLE_STR,
                "description": "the JSON API's address of the next page; null on the last",
            },
            "prev_url": {
                **_NULLABLE_STR,
                "description": "the JSON API's address of the page before; null on the first",
            },
            "hits": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
            "spellings": {
                "type": "object",
                "additionalProperties": _INT,
                "description": (
                    "each spelling searched (typed or reached) that the matches write: how many "
                    "of the matches, under every filter, write it"
                ),
            },
            "sources": {
                "type": "object",
                "additionalProperties": _INT,
                "description": "matches per source, as if no source were chosen",
            },
            "suggestion": {
                "oneOf": [_ALTERNATIVE, {"type": "null"}],
                "description": "did you mean: a query that finds more, when this one finds few",
            },
            "fewer_words": {
                "type": "array",
                "items": _ALTERNATIVE,
                "description": "when nothing matched: the query with one part left out",
            },
            "missing_shards": {
                "type": "array",
                "items": _STR,
                "description": (
                    "a cluster's shards left out of this answer because none of their servers "
                    "answers: only when the server was started with --partial (otherwise such "
                    "a search is a 503 naming the shard); empty for a complete answer"
                ),
            },
            "without_filters": {
                "oneOf": [{"$ref": "#/components/schemas/Coverage"}, {"type": "null"}],
                "description": "when nothing matched under filters: the matches without them",
            },
            "timeline": {
                "oneOf": [{"$ref": "#/components/schemas/Timeline"}, {"type": "null"}],
                "description": (
                    "the matches under every filter by year (by month when they span 3 years or "
                    "less); null when none is dated"
                ),
            },
        }
    ),
    "SpellingTable": _object(
        {
            "ok": {"const": True},
            "query": {"type": "object"},
            "total": {**_INT, "description": "the matches under every filter"},
            "sources": {
                "type": "array",
                "items": _STR,
                "description": 'the matches\' sources, most matches first ("" for none)',
            },
            "unit": {"type": ["string", "null"], "enum": ["year", "month", None]},
            "periods": {"type": "array", "items": _STR},
            "rows": {
                "type": "array",
                "items": _SPELLING_ROW,
                "description": "each spelling the matches write, the most written first",
            },
        }
    ),
    "NamePage": _object(
        {
            "ok": {"const": True},
            "name": {**_STR, "description": "the name as asked for"},
            "total": {**_INT, "description": "articles writing it, in any spelling"},
            "search_url": {**_STR, "description": "the JSON API's search for the name"},
            "sources": {
                "type": "array",
                "items": _STR,
                "description": 'those articles\' sources, most articles first ("" for none)',
            },
            "years": {
                "type": "array",
                "items": _STR,
                "description": "every year from the first dated article to the last",
            },
            "spellings": {
                "type": "array",
                "items": _SPELLING_ROW,
                "description": "each spelling the archive writes, the most written first",
            },
            "company": {
                "type": "array",
                "items": _object({"name": _STR, "total": _INT}),
                "description": "the names written in the most of these articles, with how many",
            },
            "newest": {"type": "array", "items": {"$ref": "#/components/schemas/Hit"}},
        }
    ),
    "Timeline": _object(
        {
            "unit": {"type": "string", "enum": ["year", "month"]},
            "periods": {
                "type": "array",
                "items": _object(
                    {"period": {**_STR, "description": "2016, or 2016-03"}, "count": _INT}
                ),
                "description": "every period from the first dated match to the last, in order",
            },
            "undated": _INT,
            "by_source": {
                "type": "array",
                "items": _object({"source": _STR, "counts": {"type": "array", "items": _INT}}),
                "description": (
                    "the same counts split by source: the 5 sources with the most dated matches, "
                    "each with its count per period (in the order of periods)"
                ),
            },
            "other_sources": {
                "type": ["array", "null"],
                "items": _INT,
                "description": "the other sources' (and the unnamed) counts per period, or null",
            },
        }
    ),
    "Coverage": _object(
        {
            "total": _INT,
            "years": {
                "type": "object",
                "additionalProperties": _INT,
                "description": "matches dated in each year, by year",
            },
            "undated": _INT,
            "spans": {**_STR, "description": "the years as runs, e.g. 1987, 2004-2005"},
        }
    ),
    "Article": _object(
        {
            "ok": {"const": True},
            "id": _STR,
            "title": _NULLABLE_STR,
            "source": _NULLABLE_STR,
            "date": _MOMENT,
            "url": _NULLABLE_STR,
            "body": _STR,
            "q": _STR,
            "exact": _BOOL,
            "without": {"type": "array", "items": _STR},
            "search": {
                "type": "object",
                "description": "the search the article was reached from, echoed as a query",
            },
            "title_html": _STR,
            "paragraphs_html": {"type": "array", "items": _STR},
            "matched": {"type": "array", "items": _STR},
            "same_story": {
                "type": "array",
                "items": _object(
                    {
                        "id": _STR,
                        "title": _NULLABLE_STR,
                        "source": _NULLABLE_STR,
                        "date": _MOMENT,
                        "url": _NULLABLE_STR,
                    }
                ),
                "description": "the other articles telling the same story, the earliest first",
            },
        }
    ),
    "Info": _object(
        {
            "ok": {"const": True},
            "documents": _INT,
            "size_bytes": _INT,
            "segments": _INT,
            "sources": {"type": "object", "additionalProperties": _INT},
            "date_from": _MOMENT,
            "date_to": _MOMENT,
            "undated": _INT,
            "analyzer_version": _NULLABLE_STR,
            "built_at": _MOMENT,
            "updated_at": _MOMENT,
        }
    ),
    "Health": _object({"ok": {"const": True}, "status": _INT, "documents": _INT}),
}


def _json(schema: str, description: str) -> dict[str, Any]:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{schema}"}}},
    }


def _html(description: str) -> dict[str, Any]:
    return {"description": description, "content": {"text/html": {"schema": _STR}}}


_BAD = _json("Error", "a parameter is not valid (the message says which and why)")
_UNAVAILABLE = _json("Error", "the index is missing, corrupt or of another analyzer version")


def openapi_spec() -> dict[str, Any]:
    search_params = _params(SEARCH_PARAMS)
    article_params = [
        {"name": "id", "in": "path", "required": True, "schema": _STR},
        *_params(ARTICLE_PARAMS),
    ]
    name_params = [
        {
            "name": "name",
            "in": "path",
            "required": True,
            "description": "one word, in any of its spellings",
            "schema": _STR,
        }
    ]
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "News Search",
            "version": "1",
            "description": (
                "Full-text search over a news archive that finds every spelling of a name. "
                "Every HTML page has a JSON twin built from the same data; every error is "
                '{"ok": false, "error": "...", "status": N, "code": "...", "parameter": ...}.'
            ),
        },
        "paths": {
            "/api/search": {
                "get": {
                    "summary": "Search: the object `news-search query --json` prints",
                    "parameters": search_params,
                    "responses": {
                        "200": _json("SearchResponse", "a page of results"),
                        "400": _BAD,
                        "503": _UNAVAILABLE,
                    },
                }
            },
            **{
                f"/search.{name}": {
                    "get": {
                        "summary": (
                            f"Every result of a search as {label}, streamed in the order of "
                            "its pages (columns: " + ", ".join(COLUMNS) + "); the total in the "
                            "X-Total-Count header"
                        ),
                        "parameters": _params(EXPORT_PARAMS),
                        "responses": {
                            "200": {
                                "description": f"one row per result ({label})",
                                "content": {FORMATS[name].split(";")[0]: {"schema": _STR}},
                            },
                            "400": _BAD,
                            "503": _UNAVAILABLE,
                        },
                    }
                }
                for name, label in (("csv", "CSV"), ("jsonl", "JSON Lines"))
            },
            "/search.atom": {
                "get": {
                    "summary": (
                        f"The newest {ENTRIES} results of a search as an Atom feed (RFC 4287): "
                        "a saved search as a subscription"
                    ),
                    "parameters": _params(FILTER_PARAMS),
                    "responses": {
                        "200": {
                            "description": "the feed",
                            "content": {"application/atom+xml": {"schema": _STR}},
                        },
                        "400": _BAD,
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/api/spellings": {
                "get": {
                    "summary": (
                        "Which outlet writes which spelling of a search's words, and when: each "
                        "spelling the matches write, with its count per source and per period"
                    ),
                    "parameters": _params(SPELLINGS_PARAMS),
                    "responses": {
                        "200": _json("SpellingTable", "the spellings of the matches"),
                        "400": _BAD,
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/api/articles/{id}": {
                "get": {
                    "summary": "One article, with the matches of the query q marked",
                    "parameters": article_params,
                    "responses": {
                        "200": _json("Article", "the article"),
                        "400": _BAD,
                        "404": _json("Error", "no article has this id"),
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/api/names/{name}": {
                "get": {
                    "summary": (
                        "A name: every spelling the archive writes with its count per outlet and "
                        "per year, the names written with it most often, its newest articles"
                    ),
                    "parameters": name_params,
                    "responses": {
                        "200": _json("NamePage", "the name"),
                        "400": _json("Error", "not one word, or a parameter was given"),
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/api/info": {
                "get": {
                    "summary": "The archive: articles, sources, date range, size, versions",
                    "responses": {
                        "200": _json("Info", "the archive"),
                        "400": _json("Error", "a parameter was given: it takes none"),
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/healthz": {
                "get": {
                    "summary": "Whether the index is open",
                    "responses": {
                        "200": _json("Health", "the index is open"),
                        "503": _UNAVAILABLE,
                    },
                }
            },
            "/openapi.json": {
                "get": {
                    "summary": "This description",
                    "responses": {"200": {"description": "OpenAPI 3.1"}},
                }
            },
            "/": {
                "get": {
                    "summary": "The search box (JSON twin: /api/info)",
                    "responses": {
                        "200": _html("page"),
                        "303": {"description": "with a query string: to /search with it"},
                    },
                }
            },
            "/search": {
                "get": {
                    "summary": "Results page (JSON twin: /api/search)",
                    "parameters": search_params,
                    "responses": {"200": _html("results"), "400": _html("the reason")},
                }
            },
            "/spellings": {
                "get": {
                    "summary": "Spellings by outlet and over time (JSON twin: /api/spellings)",
                    "parameters": _params(SPELLINGS_PARAMS),
                    "responses": {"200": _html("the tables"), "400": _html("the reason")},
                }
            },
            "/names/{name}": {
                "get": {
                    "summary": "Name page (JSON twin: /api/names/{name})",
                    "parameters": name_params,
                    "responses": {"200": _html("the name"), "400": _html("the reason")},
                }
            },
            "/articles/{id}": {
                "get": {
                    "summary": "Article page (JSON twin: /api/articles/{id})",
                    "parameters": article_params,
                    "responses": {
                        "200": _html("the article"),
                        "400": _html("the reason"),
                        "404": _html("not found"),
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
