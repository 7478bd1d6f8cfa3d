"""How long one search may work: a deadline, checked in every loop a query can make long.

A search reads postings term by term, positions phrase by phrase, scores document by document
and builds hits one by one; a query of many common words makes each of these long. The engine
checks a :class:`Budget` in all of them and refuses, with :class:`~search.errors.TooCostly`,
the search that has run past it, so that one request never holds a server's worker for longer
than the budget (2 s unless configured) and answers are never cut short silently.
"""

from __future__ import annotations

import time

from search.errors import TooCostly

#: Seconds a search may take, unless configured (``--budget``).
DEFAULT_SECONDS = 2.0
#: Where ``news-search serve --budget`` tells its worker processes the budget.
ENV_BUDGET = "NEWS_SEARCH_BUDGET"


class Budget:
    """A deadline for one search; ``seconds`` None or 0 for none."""

    def __init__(self, seconds: float | None = DEFAULT_SECONDS) -> None:
        self.seconds = seconds or None
        self._deadline = time.monotonic() + seconds if seconds else None

    def check(self) -> None:
        """Raise :class:`TooCostly` once the deadline has passed."""
        if self._deadline is not None and time.monotonic() > self._deadline:
            raise TooCostly(
                f"this search needs more than the {self.seconds:g} s a search may take: "
                "narrow it with fewer common words, a phrase, a date range or a source"
            )


#: No deadline at all.
UNLIMITED = Budget(None)
