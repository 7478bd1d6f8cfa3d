"""News Search: full-text search of news archives that finds every spelling of a name.

The library: :func:`index_corpus` builds or updates an index, :class:`Engine` searches it with
a :class:`SearchRequest` and answers with a :class:`SearchResponse`, the one JSON shape served
by the CLI and the web API.

Each name is imported on first use (PEP 562), so that ``import search`` costs next to nothing
and the ``news-search`` command can catch a Ctrl-C that comes while the engine is imported
(search/launch.py).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from search.errors import IndexUnavailable, QueryError, SearchError
    from search.read.engine import Engine, IndexInfo
    from search.read.request import SearchRequest
    from search.read.response import Hit, SearchResponse
    from search.write.indexer import IndexSummary, index_corpus

#: Each public name and the module that defines it.
_HOMES = {
    "Engine": "search.read.engine",
    "Hit": "search.read.response",
    "IndexInfo": "search.read.engine",
    "IndexSummary": "search.write.indexer",
    "IndexUnavailable": "search.errors",
    "QueryError": "search.errors",
    "SearchError": "search.errors",
    "SearchRequest": "search.read.request",
    "SearchResponse": "search.read.response",
    "index_corpus": "search.write.indexer",
}

__all__ = [
    "Engine",
    "Hit",
    "IndexInfo",
    "IndexSummary",
    "IndexUnavailable",
    "QueryError",
    "SearchError",
    "SearchRequest",
    "SearchResponse",
    "index_corpus",
]


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'search' has no attribute {name!r}")
    value = getattr(importlib.import_module(home), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_HOMES])
