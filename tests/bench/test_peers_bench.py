"""bench/peers.py: every engine builds the same articles and answers the same mix (figures are
not asserted, what is compared is)."""

from __future__ import annotations

import json

import pytest


@pytest.fixture(scope="module")
def figures(shared, load_bench, tmp_path_factory):
    bench = load_bench("peers")
    out = tmp_path_factory.mktemp("peers")
    corpus = shared / "corpora" / "fakes.jsonl"
    return bench, bench.measure(bench.ENGINES, corpus, out, [1, 2], repeat=1), out


def test_every_engine_builds_the_same_articles_with_each_process_count(figures):
    bench, found, _ = figures
    builds = {(b["engine"], b["procs"]): b for b in found["builds"]}
    assert set(builds) == {(engine, procs) for engine in bench.ENGINES for procs in (1, 2)}
    assert {b["articles"] for b in builds.values()} == {793}
    for b in builds.values():
        assert b["articles_per_s"] > 0 and b["index_mib"] > 0 and b["peak_rss_mib"] > 10


def test_every_engine_answers_the_whole_mix_with_snippets(figures):
    bench, found, _ = figures
    mix = bench.load_mix()
    assert len(mix) >= 30
    assert {q["kind"] for q in mix} >= {
        "name",
        "common word",
        "words",
        "phrase",
        "date filter",
        "source filter",
        "sort newest",
        "deep page",
    }
    for engine in found["queries"]:
        rows = engine["per_query"]
        assert [r["q"] for r in rows] == [q["q"] for q in mix]
        assert 0 < engine["median_ms"] <= engine["p95_ms"] <= engine["p99_ms"]
        government = next(r for r in rows if r["q"] == "government")
        assert government["hits"] == 10, engine["engine"]


def test_the_engines_agree_where_they_should_and_ours_finds_every_spelling(figures):
    _, found, _ = figures
    totals = {
        e["engine"]: {(r["kind"], r["q"]): r["total"] for r in e["per_query"]}
        for e in found["queries"]
    }
    typed = [totals[peer][("name", "Hizballah")] for peer in ("whoosh", "fts5", "tantivy")]
    # A spelling as typed: the stemming peers find the same articles as one another...
    assert len(set(typed)) == 1 and typed[0] > 0
    # ...and ours finds every spelling of the name.
    assert totals["ours"][("name", "Hizballah")] > typed[0]


def test_the_filters_narrow_every_engines_results(figures, tmp_path):
    bench, _, out = figures
    mix = tmp_path / "mix.json"
    queries = [
        {"kind": "words", "q": "Syria"},
        {"kind": "source filter", "q": "Syria", "source": "sana"},
        {"kind": "date filter", "q": "Syria", "from": "2016-01-01", "to": "2016-12-31"},
        {"kind": "sort newest", "q": "Syria", "sort": "newest"},
        {"kind": "deep page", "q": "Syria", "page": 3},
    ]
    mix.write_text(json.dumps({"queries": queries}), encoding="utf-8")
    for engine in bench.ENGINES:
        rows = bench._query_here(engine, out / f"{engine}-2", 1, mix)["per_query"]
        every, source, dates, newest, deep = (r["total"] for r in rows)
        assert 0 < source < every and 0 < dates < every, engine
        assert newest == deep == every, engine
        assert [r["hits"] for r in rows[:4]] == [min(10, r["total"]) for r in rows[:4]], engine
        assert rows[4]["hits"] == min(10, deep - 20), engine  # the third page


def test_the_report_prints_ratios_to_ours(figures, capsys, tmp_path):
    bench, found, _ = figures
    bench.print_tables(found)
    out = capsys.readouterr().out
    for engine in bench.ENGINES:
        assert f"| {engine} |" in out
    assert "vs ours" in out and "1.00x" in out
    json.dumps(found)  # the figures are plain JSON
