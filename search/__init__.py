"""News Search: full-text search of news archives that finds every spelling of a name.

The library: :func:`index_corpus` builds or updates an index, :class:`Engine` searches it with
a :class:`SearchRequest` and answers with a :class:`SearchResponse`, the one JSON shape served
by the CLI and the web API.
"""

from search.engine import Engine, IndexInfo
from search.errors import IndexUnavailable, QueryError, SearchError
from search.indexer import IndexSummary, index_corpus
from search.request import SearchRequest
from search.response import Hit, SearchResponse

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
