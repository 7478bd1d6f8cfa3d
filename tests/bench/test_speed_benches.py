"""The speed benchmarks run and report what they claim (their figures are not asserted)."""

from __future__ import annotations

import json


def test_query_latency_runs_the_committed_mix(seeds_index, load_bench):
    bench = load_bench("query_latency")
    result = bench.run(seeds_index, repeat=1)
    queries = bench.load_queries()
    assert len(queries) >= 20 and "Sayirun" in queries
    assert result["queries"] == len(queries) and result["runs"] == len(queries)
    assert result["per_query"]["Sayirun"]["total"] == 2
    assert 0 < result["median_ms"] <= result["p95_ms"]


def test_index_build_reports_articles_size_and_memory(shared, load_bench):
    bench = load_bench("index_corpora")
    row = bench.build(shared / "seeds", procs=1)
    assert (row["articles"], row["skipped"], row["procs"]) == (2, 0, 1)
    assert row["index_mib"] > 0 and row["peak_rss_mib"] > 10


def test_api_latency_drives_a_real_server(seeds_index, load_bench):
    bench = load_bench("api_latency")
    result = bench.run(seeds_index, repeat=1)
    assert result["queries"] == 10 and result["runs"] == 10 and result["documents"] == 2
    assert result["per_query"]["Sayirun"]["total"] == 2
    assert 0 < result["median_ms"] <= result["p95_ms"]


def test_research_pages_are_timed_against_the_search_in_one_run(seeds_index, load_bench):
    bench = load_bench("research")
    result = bench.run(seeds_index, repeat=1)
    assert result["documents"] == 2 and set(result["endpoints"]) == set(bench.ENDPOINTS)
    assert result["endpoints"]["search"]["x_search"] == 1.0
    assert result["per_name"]["Sayirun"] == {
        "total": 2, "spellings": 3, "company": result["per_name"]["Sayirun"]["company"],
        "exported": 2,
    }  # fmt: skip
    for figures in result["endpoints"].values():
        assert 0 < figures["median_ms"] <= figures["p95_ms"]


def test_load_drives_a_real_server_from_another_process(seeds_index, load_bench):
    bench = load_bench("load")
    figures = bench.run(seeds_index, [1, 4], seconds=1.0, workers=2)
    assert figures["workers"] == 2 and [r["clients"] for r in figures["rows"]] == [1, 4]
    for row in figures["rows"]:
        assert row["requests"] > 0 and row["errors"] == 0
        # The mix asks for a source and pages the two seed articles lack: refused with a 4xx.
        assert 0 < row["refused"] < row["requests"]
        assert 0 < row["median_ms"] <= row["p95_ms"]


def test_growth_repeats_the_corpora_with_new_ids_and_measures_each_size(
    shared, load_bench, tmp_path
):
    bench = load_bench("growth")
    fakes = shared / "corpora" / "fakes.jsonl"
    written = bench.write_corpus(fakes, 1000, tmp_path / "corpus")
    records = [
        json.loads(line)
        for line in (tmp_path / "corpus" / "articles.jsonl")
        .read_text(encoding="utf-8")
        .splitlines()
    ]
    assert written == len(records) == 1000
    assert len({r["id"] for r in records}) == 1000
    assert records[-1]["id"].endswith("~synthetic-1") and records[-1]["source"].endswith(
        "(synthetic)"
    )
    rows = bench.measure(fakes, [793, 1000], tmp_path / "growth", procs=2, repeat=1)
    assert [r["articles"] for r in rows] == [793, 1000]
    for row in rows:
        assert row["index_mib"] > 0 and row["peak_rss_mib"] > 10
        assert 0 < row["median_ms"] <= row["p95_ms"]
