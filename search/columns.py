"""Per-article values read once per commit, to count and filter matches without queries.

A date range as a Whoosh query expands to hundreds of numeric terms, and matching them cost
about 35 ms per search on the five corpora; looking each match up in the date column costs
microseconds. The source column counts matches per source the same way.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from whoosh.reading import IndexReader


@dataclass(frozen=True)
class Columns:
    """The source, date and undated flag of every document number of one reader."""

    source: list[str]
    date: list[int]  # the date field's column values (ordered like the dates)
    undated: list[int]
    deleted: frozenset[int]
    to_value: object  # the date field's to_column_value

    @classmethod
    def read(cls, reader: IndexReader) -> Columns:
        size = reader.doc_count_all()
        deleted = frozenset(n for n in range(size) if reader.is_deleted(n))
        if not size:
            return cls([], [], [], deleted, reader.schema["date"].to_column_value)
        return cls(
            source=list(reader.column_reader("source")),
            date=list(reader.column_reader("date", translate=False)),
            undated=list(reader.column_reader("undated")),
            deleted=deleted,
            to_value=reader.schema["date"].to_column_value,
        )

    def live(self) -> Iterator[int]:
        """Every document number not deleted."""
        deleted = self.deleted
        return (n for n in range(len(self.source)) if n not in deleted)

    def within(
        self, docs: Iterable[int], first: datetime | None, last: datetime | None
    ) -> list[int]:
        """The documents dated from ``first`` to ``last`` (inclusive); undated ones never."""
        low = self.to_value(first) if first else None  # type: ignore[operator]
        high = self.to_value(last) if last else None  # type: ignore[operator]
        date, undated = self.date, self.undated
        return [
            n
            for n in docs
            if not undated[n]
            and (low is None or date[n] >= low)
            and (high is None or date[n] <= high)
        ]

    def count_sources(self, docs: Iterable[int]) -> dict[str, int]:
        return dict(Counter(map(self.source.__getitem__, docs)))
