"""Per-article values read once per commit, to count and filter matches without queries.

A date range as a query expands to hundreds of numeric terms, and matching them cost about
35 ms per search on the five corpora (Whoosh); looking each match up in the date column costs
microseconds. The source column counts matches per source the same way. Every engine hands the
read path its values as these columns (:meth:`search.backend.Backend.columns`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime

import numpy as np

from search.read.response import Coverage, Timeline
from search.rules.story import tellings


@dataclass(frozen=True)
class Columns:
    """The source, date, undated flag and story of every document number of one commit."""

    source: list[str]
    # The live articles whose telling of a story (search.rules.story) another shares -> the
    # telling's number; and each telling's articles, the one a search lists first.
    telling: dict[int, int]
    told: dict[int, tuple[int, ...]]
    date: list[int]  # the date field's column values (ordered like the dates)
    undated: list[int]
    year: list[int]  # the year of each date, 0 for none
    month: list[int]  # year * 100 + month of each date, 0 for none
    deleted: frozenset[int]
    to_value: Callable[[datetime], int]  # a datetime as the engine orders dates
    from_value: Callable[[int], datetime]
    # The same sources and months as arrays, to count many matches at once (numpy): each
    # document's index into source_names and into month_values.
    source_names: list[str] = field(init=False, repr=False)
    source_codes: np.ndarray = field(init=False, repr=False)
    month_values: list[int] = field(init=False, repr=False)
    month_codes: np.ndarray = field(init=False, repr=False)
    #: The articles of ``telling``, as a set.
    retold: frozenset[int] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "retold", frozenset(self.telling))
        for column, names, codes in (
            (self.source, "source_names", "source_codes"),
            (self.month, "month_values", "month_codes"),
        ):
            values = sorted(set(column))
            where = {value: i for i, value in enumerate(values)}
            object.__setattr__(self, names, values)
            array = np.fromiter(map(where.__getitem__, column), dtype=np.int32, count=len(column))
            object.__setattr__(self, codes, array)

    @classmethod
    def build(
        cls,
        source: list[str],
        date: list[int],
        undated: list[int],
        story: list[str],
        deleted: frozenset[int],
        to_value: Callable[[datetime], int],
        from_value: Callable[[int], datetime],
    ) -> Columns:
        """The columns of an index from its raw values by document number: ``date`` as the
        engine orders dates (``to_value`` and ``from_value`` convert), an undated article's
        date being any value."""
        size = len(source)
        if not size:
            return cls([], {}, {}, [], [], [], [], deleted, to_value, from_value)
        dates = [
            None if flag else from_value(value) for value, flag in zip(date, undated, strict=True)
        ]
        month = [0 if d is None else d.year * 100 + d.month for d in dates]
        by_key: dict[str, list[int]] = {}
        for n in range(size):
            if story[n] and n not in deleted:
                by_key.setdefault(story[n], []).append(n)
        telling: dict[int, int] = {}
        told: dict[int, tuple[int, ...]] = {}
        for members in by_key.values():
            if len(members) < 2:
                continue
            members.sort(key=lambda n: (undated[n], 0 if undated[n] else date[n], n))
            groups: dict[int, list[int]] = {}
            for n, number in zip(members, tellings([dates[n] for n in members]), strict=True):
                groups.setdefault(number, []).append(n)
            for group in groups.values():
                if len(group) > 1:
                    told[len(told)] = tuple(group)
                    telling.update(dict.fromkeys(group, len(told) - 1))
        return cls(
            source=source,
            telling=telling,
            told=told,
            date=date,
            undated=undated,
            year=[m // 100 for m in month],
            month=month,
            deleted=deleted,
            to_value=to_value,
            from_value=from_value,
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

    def stories(self, docs: Iterable[int]) -> tuple[set[int], dict[int, int]]:
        """``docs`` with each telling of a story shown once: the set of those shown (an article
        no other tells alike, or its telling's first by :meth:`first_told`), and for each one
        shown of a telling of several, how many of ``docs`` it stands for besides itself."""
        docs = docs if isinstance(docs, set | frozenset) else set(docs)
        retold = docs & self.retold  # most matches tell a story no other tells
        shown = set(docs - retold) if retold else set(docs)
        telling = self.telling
        told: dict[int, list[int]] = {}
        for n in retold:
            told.setdefault(telling[n], []).append(n)
        more: dict[int, int] = {}
        for members in told.values():
            first = min(members, key=self.first_told) if len(members) > 1 else members[0]
            shown.add(first)
            if len(members) > 1:
                more[first] = len(members) - 1
        return shown, more

    def first_told(self, n: int) -> tuple[int, int, int]:
        """The order that picks the article shown for a story: the earliest dated first, the
        undated after them, then the first indexed."""
        return (self.undated[n], self.date[n] if not self.undated[n] else 0, n)

    def count_sources(self, docs: Iterable[int]) -> dict[str, int]:
        """How many of ``docs`` each source has ("" for none), for the sources that have any."""
        counts = np.bincount(self.source_codes[doc_array(docs)], minlength=len(self.source_names))
        return {self.source_names[i]: int(counts[i]) for i in np.flatnonzero(counts)}

    def timeline(self, docs: Iterable[int]) -> Timeline | None:
        """How many of ``docs`` are dated in each year or month, in all and by source (None:
        none is dated)."""
        found = doc_array(docs)
        width = len(self.source_names)
        pairs = np.bincount(
            self.month_codes[found].astype(np.int64) * width + self.source_codes[found],
            minlength=len(self.month_values) * width,
        )
        months: Counter[int] = Counter()
        sources: dict[str, Counter[int]] = {}
        undated = 0
        for key in np.flatnonzero(pairs):
            m = self.month_values[key // width]
            n = int(pairs[key])
            if not m:
                undated += n
                continue
            months[m] += n
            sources.setdefault(self.source_names[key % width], Counter())[m] += n
        return Timeline.of(dict(months), undated, sources)

    def periods(self, docs: Iterable[int], unit: str) -> Counter[str]:
        """How many of ``docs`` are dated in each year ("2016") or month ("2016-03")."""
        months = Counter(m for m in map(self.month.__getitem__, docs) if m)
        found: Counter[str] = Counter()
        for m, n in months.items():
            found[str(m // 100) if unit == "year" else f"{m // 100}-{m % 100:02d}"] += n
        return found

    def coverage(self, docs: Collection[int]) -> Coverage:
        """How many of ``docs`` there are, and how many of them are dated in each year."""
        years = Counter(map(self.year.__getitem__, docs))
        undated = years.pop(0, 0)
        return Coverage(total=len(docs), years=dict(sorted(years.items())), undated=undated)

    def date_range(self) -> tuple[datetime | None, datetime | None, int]:
        """The first and last date of the live articles (None: none dated), and how many of
        them are undated."""
        deleted, undated = self.deleted, self.undated
        dated = [d for n, d in enumerate(self.date) if n not in deleted and not undated[n]]
        live_undated = sum(1 for n, flag in enumerate(undated) if flag and n not in deleted)
        if not dated:
            return None, None, live_undated
        return self.from_value(min(dated)), self.from_value(max(dated)), live_undated


def doc_array(docs: Iterable[int]) -> np.ndarray:
    """Document numbers as an array (in any order), to index columns with."""
    if isinstance(docs, np.ndarray):
        return docs
    if isinstance(docs, set | frozenset | list | tuple):
        return np.fromiter(docs, dtype=np.int64, count=len(docs))
    return np.fromiter(docs, dtype=np.int64)
