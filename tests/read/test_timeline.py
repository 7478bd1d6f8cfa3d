"""Coverage over time (SearchResponse.timeline): the rule that picks years or months, and the
counts of a real index against the reference evaluator's matches and their stored dates."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from search import Engine, SearchRequest
from search.engines.whoosh import store
from search.read.response import Timeline
from tests.reference import Reference


def test_three_calendar_years_or_less_are_counted_by_month_with_every_month_listed():
    timeline = Timeline.of({201511: 2, 201602: 1, 201701: 4}, undated=3)
    assert timeline.unit == "month"
    assert timeline.periods[0] == ("2015-11", 2)
    assert timeline.periods[-1] == ("2017-01", 4)
    assert len(timeline.periods) == 15  # Nov 2015 to Jan 2017, the empty months as 0
    assert dict(timeline.periods)["2016-01"] == 0
    assert timeline.undated == 3


def test_more_years_are_counted_by_year_with_every_year_listed():
    timeline = Timeline.of({198703: 2, 198704: 1, 199001: 5}, undated=0)
    assert timeline.unit == "year"
    assert timeline.periods == [("1987", 3), ("1988", 0), ("1989", 0), ("1990", 5)]


def test_nothing_dated_is_no_timeline():
    assert Timeline.of({}, undated=4) is None


@pytest.fixture(scope="module")
def fakes(fakes_index: Path) -> tuple[Engine, Reference]:
    with Engine(fakes_index) as engine:
        yield engine, Reference(store.open_index(fakes_index).reader())


@pytest.mark.parametrize(
    ("q", "params"),
    [
        ("Aleppo", {}),
        ("", {}),
        ("Syria -Aleppo", {"sources": ["SANA"]}),
        ("rebels", {"date_from": "2016-03", "date_to": "2016-05"}),
    ],
)
def test_the_timeline_counts_the_matches_under_every_filter(fakes, q, params):
    engine, reference = fakes
    request = SearchRequest.from_params(q, **params)
    timeline = engine.search(request).timeline
    matches = reference.evaluate(request).matches
    months = Counter(doc.date.year * 100 + doc.date.month for doc in matches if doc.date)
    assert timeline is not None
    assert timeline.undated == sum(1 for doc in matches if doc.date is None)
    counted = dict(timeline.periods)
    if timeline.unit == "month":
        assert counted == {f"{m // 100}-{m % 100:02d}": n for m, n in months.items()} | {
            p: 0 for p in counted if not counted[p]
        }
    else:
        years: Counter[int] = Counter()
        for m, n in months.items():
            years[m // 100] += n
        assert {int(p): n for p, n in counted.items() if n} == dict(years)
    assert sum(counted.values()) + timeline.undated == len(matches)
    # Split by source: each of the sources with the most dated matches, and the rest together.
    dated = [doc for doc in matches if doc.date]
    per_source = Counter(doc.source for doc in dated)
    named = [name for name, _ in timeline.by_source]
    assert len(named) == min(5, len([s for s in per_source if s]))
    assert [per_source[name] for name in named] == sorted(
        (per_source[name] for name in named), reverse=True
    )
    assert all(
        per_source[name] >= n
        for name in named
        for s, n in per_source.items()
        if s and s not in named
    )

    def label(doc):
        d = doc.date
        return f"{d.year}-{d.month:02d}" if timeline.unit == "month" else str(d.year)

    order = [period for period, _ in timeline.periods]
    for name, counts in timeline.by_source:
        by_period = Counter(label(doc) for doc in dated if doc.source == name)
        assert counts == [by_period[period] for period in order]
    rest = Counter(label(doc) for doc in dated if doc.source not in named)
    expected_rest = [rest[period] for period in order] if any(rest.values()) else None
    assert timeline.other_sources == expected_rest


def test_a_split_sums_to_the_total_of_each_period():
    months = {201601: 3, 201602: 2}
    sources = {"AP": {201601: 2}, "Reuters": {201601: 1, 201602: 1}, "": {201602: 1}}
    timeline = Timeline.of(months, 0, sources)
    assert timeline.by_source == [("AP", [2, 0]), ("Reuters", [1, 1])]
    assert timeline.other_sources == [0, 1]  # the unnamed source, never listed by name
    many = {f"S{i}": {201601: 10 - i} for i in range(7)}
    split = Timeline.of({201601: sum(range(4, 11))}, 0, many)
    assert [name for name, _ in split.by_source] == ["S0", "S1", "S2", "S3", "S4"]
    assert split.other_sources == [4 + 5]
