"""The seam between what is ours and what an engine does.

Ours, above the seam (:mod:`search.read`, :mod:`search.write`, the CLI and the web pages): the
analysis, the spellings a word reaches, the query tree (:mod:`search.read.tree`), ranking policy
(the typed spelling first, stories shown once, date orders), snippets, suggestions and the one
response shape. An engine's, below it: storing articles with their terms, postings and values;
evaluating a weighted query tree into matches and a ranking; counting; listing a field's terms
by prefix with their document counts.

Two engines implement it: the embedded Whoosh index (:mod:`search.engines.whoosh`, a folder,
the default) and a cluster of Xapian shard servers with replicas
(:mod:`search.engines.xapian`, named by a cluster file). :func:`open_backend` picks one by the
location it is given; nothing above the seam imports either engine.

Document numbers are the engine's own: ints, fixed for one commit (one :meth:`Backend.generation`),
in the engine's index order, which breaks ties in every order.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from search.read.budget import Budget
from search.read.tree import Query
from search.read.values import Columns


@dataclass(frozen=True)
class ClusterFile:
    """A location that is a cluster: the file naming its shards and their replicas."""

    path: Path


#: The environment variable naming the cluster file a server's workers read.
ENV_CLUSTER = "NEWS_SEARCH_CLUSTER"

#: Set to 1 to answer without a shard that is down (its articles left out, the answer flagged).
ENV_PARTIAL = "NEWS_SEARCH_PARTIAL"

#: Where an engine finds its articles: an index folder (Whoosh) or a cluster file (Xapian).
Location = Path | ClusterFile


class Vocabulary(Protocol):
    """An index's terms and their statistics, for one commit: what the spellings reached, the
    corrections offered and the weights of a query are decided from."""

    def doc_count_all(self) -> int:
        """The articles the statistics count (the idf's N)."""

    def doc_frequency(self, fieldname: str, text: str) -> int:
        """How many articles hold the term."""

    def frequency(self, fieldname: str, text: str) -> float:
        """How many times the articles hold the term, in all."""

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[bytes]:
        """The field's terms that begin with ``prefix`` (UTF-8), in order."""

    def term_documents(self, fieldname: str, text: str) -> list[int]:
        """The live articles that hold the term, in index order."""

    def article_ids(self, docnums: list[int]) -> list[str]:
        """The ids of articles, in the order given."""

    def company(self, docnum: int) -> bytes | None:
        """The names an article writes in mid-sentence, as indexed (None: not recorded)."""


@dataclass(frozen=True)
class Description:
    """What an engine says of its index, for ``news-search info``."""

    path: str
    size_bytes: int
    segments: int  # Whoosh segments, or shards of a cluster
    analyzer_version: str | None
    built_at: str | None
    updated_at: str | None
    paths: list[str]
    servers: list[dict[str, object]]  # a cluster's servers (empty for a folder)


class Backend(Protocol):
    """One open commit of an index, searched by the read path (not thread-safe)."""

    #: The deadline of the search under way: the engine sets it for each search.
    budget: Budget

    def refresh(self) -> bool:
        """Move to the newest commit, if there is one; True when there was."""

    def close(self) -> None: ...

    def generation(self) -> int:
        """The commit open (grows with each commit; -1 for an empty index)."""

    def documents(self) -> int:
        """Live articles."""

    def vocabulary(self) -> Vocabulary: ...

    def columns(self) -> Columns:
        """Each article's values (source, date, story, id) by document number."""

    def docs(self, query: Query) -> frozenset[int]:
        """The live articles a query tree matches."""

    def top(
        self, query: Query, among: set[int], limit: int, first: frozenset[int] | None = None
    ) -> list[tuple[int, float]]:
        """The ``limit`` best of ``among`` (matches of ``query``) by the engine's relevance
        score of ``query``, those in ``first`` before the others; ties in index order."""

    def stored(self, docnum: int) -> dict[str, object]:
        """An article's stored fields: id, title, body, source, date (a datetime), url."""

    def stored_many(self, docnums: Iterable[int]) -> list[dict[str, object]]:
        """:meth:`stored` of several articles, in the order given (one trip for a cluster)."""

    def article_ids(self, docnums: list[int]) -> list[str]:
        """The ids of articles, in the order given."""

    def find(self, article_id: str) -> int | None:
        """The document number of an article id (None: no such article)."""

    def field_terms(self, fieldname: str) -> list[str]:
        """Every term of a field of whole values (``source``)."""

    def describe(self) -> Description: ...

    def missing_shards(self) -> list[str]:
        """The shards left out of the answers: none of their servers answers (a cluster asked
        for partial answers; always empty for a folder)."""


def open_backend(location: Location) -> Backend:
    """The engine for a location: an index folder, or a cluster file.

    Raises :class:`~search.errors.IndexUnavailable` when it cannot be opened."""
    if isinstance(location, ClusterFile):
        module = importlib.import_module("search.engines.xapian.backend")
        return module.XapianBackend(location.path)
    module = importlib.import_module("search.engines.whoosh.backend")
    return module.WhooshBackend(location)
