"""One engine shared by every request of a server process, kept up to date with the index.

Whoosh searchers are not thread-safe, and opening one costs far more than a search; so a
process keeps one :class:`~search.read.engine.Engine`, lends it to one request at a time, and before
each request picks up the index's latest commit (a check that costs microseconds when nothing
changed). An ``index`` run while the server is up thus becomes searchable without a restart,
and requests during the run are answered from the last commit. The engine is opened at the
first request that needs it, so a server started before its index exists answers 503 until
the index is built. For more throughput, run more server processes (``serve --workers``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from search import Engine
from search.backend import Location
from search.read.budget import DEFAULT_SECONDS

T = TypeVar("T")
log = logging.getLogger("news_search.web")


class SharedEngine:
    """Lends one engine over one index (a folder or a cluster) to one caller at a time."""

    def __init__(self, location: Location, budget: float | None = DEFAULT_SECONDS) -> None:
        self.location = location
        self.budget = budget
        self._engine: Engine | None = None
        self._lock = threading.Lock()

    def run(self, work: Callable[[Engine], T]) -> T:
        """Call ``work`` with the engine on the index's latest commit.

        Raises :class:`~search.errors.IndexUnavailable` when the index cannot be opened.
        """
        with self._lock:
            return work(self._current())

    def _current(self) -> Engine:
        if self._engine is None:
            self._engine = Engine(self.location, budget=self.budget)
            return self._engine
        try:
            self._engine.refresh()
        except OSError:
            # A commit caught half-written or its files just replaced: answer from the
            # commit already open, and try again at the next request.
            log.warning("could not refresh the index; serving the last commit", exc_info=True)
        return self._engine

    def close(self) -> None:
        with self._lock:
            if self._engine is not None:
                self._engine.close()
                self._engine = None
