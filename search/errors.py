"""The errors News Search reports to its users.

Each carries a one-line message meant for a person, a ``code`` for programs, the parameter it
is about (or None) and the HTTP status it maps to; the CLI prints the message and exits with
:attr:`SearchError.exit_code`.
"""

from __future__ import annotations


class SearchError(Exception):
    """Base class: a problem the user can fix, reported without a traceback."""

    status = 400
    exit_code = 2
    code = "bad_request"

    def __init__(self, message: str, parameter: str | None = None) -> None:
        super().__init__(message)
        #: The request parameter the error is about (as the API names it), or None.
        self.parameter = parameter

    @property
    def message(self) -> str:
        return str(self.args[0]) if self.args else self.__class__.__name__

    def to_json(self) -> dict[str, object]:
        """The error shape shared by the CLI's ``--json`` and the HTTP API."""
        return error_json(self.message, self.status, self.code, self.parameter)


def error_json(
    message: str, status: int, code: str, parameter: str | None = None
) -> dict[str, object]:
    """``{"ok": false, "error": ..., "status": ..., "code": ..., "parameter": ...}``."""
    return {"ok": False, "error": message, "status": status, "code": code, "parameter": parameter}


class QueryError(SearchError):
    """The query or one of its parameters is not valid: ``parameter`` says which (``q``, the
    query text, unless another is named)."""

    def __init__(self, message: str, parameter: str | None = "q") -> None:
        super().__init__(message, parameter)

    @property
    def code(self) -> str:  # type: ignore[override]
        return "invalid_query" if self.parameter == "q" else "invalid_parameter"


class UnknownParameter(QueryError):
    """A parameter the address does not take, or one given twice that may be given once."""

    code = "unknown_parameter"  # type: ignore[assignment]


class PastLastPage(QueryError):
    """A page after the last page of a search's results (``last`` is that page, 1 when there
    are no results)."""

    code = "past_last_page"  # type: ignore[assignment]

    def __init__(self, message: str, last: int) -> None:
        super().__init__(message, "page")
        self.last = last


class TooCostly(SearchError):
    """A search ran past the time a search may take (:mod:`search.read.budget`): it is refused
    rather than answered in part."""

    code = "too_costly"


class NotFound(SearchError):
    """No article has the id asked for."""

    status = 404
    code = "not_found"


class CorpusError(SearchError):
    """A corpus path cannot be read."""

    code = "unreadable_corpus"


class IndexUnavailable(SearchError):
    """The index is missing, corrupt or was built by another version of the analysis."""

    status = 503
    code = "index_unavailable"


class StrictSkipError(SearchError):
    """``index --strict`` met a record it would have skipped."""

    exit_code = 1
    code = "skipped_record"


class ShardUnavailable(IndexUnavailable):
    """A shard of a cluster has no server that answers: the message names the shard."""

    code = "shard_unavailable"
