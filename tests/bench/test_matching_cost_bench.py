"""bench/matching_cost.py and bench/quality.py run and report what they claim (their figures
are not asserted: speed is measured by the scripts, not by tests)."""

from __future__ import annotations

import argparse
import json
from itertools import islice
from pathlib import Path

from search import index_corpus
from search.engines.whoosh import store


def test_the_two_builds_differ_by_the_key_fields_alone(shared, load_bench, tmp_path):
    bench = load_bench("matching_cost")
    figures = bench.compare_builds(shared / "seeds", tmp_path, procs=1)
    normal, plain = figures["normal"], figures["without_key_fields"]
    assert (normal["articles"], plain["articles"]) == (2, 2)
    assert normal["key_fields"] and not plain["key_fields"]
    assert normal["seconds"] > 0 and plain["seconds"] > 0 and figures["time_ratio"] > 0
    for name, spellings in (("index", True), ("index-no-keys", False)):
        with store.open_dir(tmp_path / name).reader() as reader:
            assert bool(list(reader.field_terms("spellings"))) is spellings


def test_queries_run_with_every_tier_and_with_exact_words(seeds_index, load_bench):
    bench = load_bench("matching_cost")
    figures = bench.compare_queries(seeds_index, repeat=2, queries=["Sayirun", "protest"])
    assert figures["queries"] == 2 and figures["documents"] == 2
    sayirun = figures["per_query"]["Sayirun"]
    assert (sayirun["total"], sayirun["total_exact"]) == (2, 1)
    assert figures["per_query"]["protest"]["total"] == 2
    for mode in ("tiers", "exact"):
        assert 0 < figures["median_ms"][mode] <= figures["p95_ms"][mode]
    assert figures["median_ratio"] > 0 and figures["p95_ratio"] > 0
    assert set(figures["slowest"]) == {"Sayirun", "protest"}


def test_the_report_prints_the_tables_and_writes_the_figures(
    seeds_index, load_bench, tmp_path, capsys
):
    bench = load_bench("matching_cost")
    out = tmp_path / "figures.json"
    args = ["--index", str(seeds_index), "--skip-build", "--repeat", "1", "--json", str(out)]
    assert bench.main(args) == 0
    printed = capsys.readouterr().out
    assert "| all tiers on |" in printed and "| exact words only |" in printed
    assert "Slowest queries with all tiers on" in printed
    figures = json.loads(out.read_text(encoding="utf-8"))
    assert figures["target_ratio"] == 1.2 and "indexing" not in figures
    assert figures["queries"]["queries"] >= 20


def test_quality_prints_every_table_in_one_run(shared, load_bench, tmp_path, capfd):
    bench = load_bench("quality")
    assert bench.main(["--index", str(tmp_path / "none")]) == 2
    assert "no index at" in capfd.readouterr().err
    corpora = tmp_path / "corpora"
    corpora.mkdir()
    with (shared / "corpora" / "fakes.jsonl").open(encoding="utf-8") as f:
        (corpora / "a.jsonl").write_text("".join(islice(f, 40)), encoding="utf-8")
    index_corpus(tmp_path / "index", [corpora])
    args = ["--index", str(tmp_path / "index"), "--corpora", str(corpora), "--repeat", "1"]
    assert bench.main([*args, "--skip-build"]) == 0
    printed = capfd.readouterr().out
    for script in ("matching", "common_words", "real_text", "matching_cost"):
        assert f"(bench/{script}.py)" in printed
    assert "| all tiers on |" in printed and "ours (engine)" in printed


def test_quality_passes_its_options_on(load_bench):
    bench = load_bench("quality")
    options = argparse.Namespace(
        index=Path("ix"), corpora=Path("c"), procs=3, rounds=2, repeat=4, skip_build=False
    )
    plan = dict(bench.steps(options)).values()
    assert [argv[0] for argv in plan] == [
        "matching.py",
        "common_words.py",
        "real_text.py",
        "matching_cost.py",
    ]
    assert all((bench.BENCH / argv[0]).is_file() for argv in plan)
    cost = list(plan)[-1]
    assert cost[1:] == [
        *("--index", "ix", "--corpora", "c"),
        *("--procs", "3", "--rounds", "2", "--repeat", "4"),
    ]
