"""The errors News Search reports to its users.

Each carries a one-line message meant for a person and the HTTP status it maps to; the CLI
prints the message and exits with :attr:`SearchError.exit_code`.
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""

    status = 400
    exit_code = 2

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__

    def to_json(self) -> dict[str, object]:
        """The error shape shared by the CLI's ``--json`` and the HTTP API."""
        return {"ok": False, "error": self.message, "status": self.status}


class QueryError(SearchError):
    """The query or one of its parameters is not valid."""


class PastLastPage(QueryError):
    """A page after the last page of a search's results (``last`` is that page, 1 when there
    are no results)."""

    def __init__(self, message: str, last: int) -> None:
        super().__init__(message)
        self.last = last


class TooCostly(SearchError):
    """A search ran past the time a search may take (:mod:`search.budget`): it is refused
    rather than answered in part."""


class NotFound(SearchError):
    """No article has the id asked for."""

    status = 404


class CorpusError(SearchError):
    """A corpus path cannot be read."""


class IndexUnavailable(SearchError):
    """The index is missing, corrupt or was built by another version of the analysis."""

    status = 503


class StrictSkipError(SearchError):
    """``index --strict`` met a record it would have skipped."""

    exit_code = 1
