"""Matching cost: what finding every spelling costs in query latency and in indexing time.

    python bench/matching_cost.py [--index DIR] [--corpora DIR] [--out DIR] [--procs 2]
                                  [--rounds 1] [--repeat 5] [--skip-build] [--json FILE]

Indexing: the corpora (default ../shared/corpora, read where they are) are indexed twice from
scratch, each build in a fresh process with --procs writer processes, into --out (default
bench/out/cost/): as the product indexes them, and without the key fields that other spellings
are found by (``spellings`` and ``company``: ``index_corpus(..., variants=False)``). Reported:
wall time of the build, articles/s, index size, and the ratios; with --rounds N, the two builds
are made N times in turn and the fastest of each kind is kept (the machine's load varies
between builds). ``--skip-build`` leaves this out.

Queries: the committed mix bench/queries.txt through ``Engine.search`` as ``news-search query``
runs it (top 10 with snippets, did-you-mean), with every tier on and with exact spelling only
(``exact=True``), over the normal index: --index DIR (such as bench/out/index), else the one
just built. Each query runs once in each mode to warm up, then --repeat times in each mode,
alternating. Reported: median and 95th percentile per mode and their ratios, the mean (the whole
mix's time), the first (warm-up) run's median, and the slowest queries with every tier on.

The target (issue 4, point 5): a ratio of at most 1.2 for both.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from query_latency import load_queries
from timing import percentile, write_json

from search import Engine, SearchError, SearchRequest, index_corpus
from search.engines.whoosh.store import dir_size

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
DEFAULT_OUT = ROOT / "bench" / "out" / "cost"
TARGET = 1.2
#: Query modes: every tier of matching on, and exact spelling only.
MODES = {"tiers": False, "exact": True}
SLOWEST = 5


def ratio(a: float, b: float) -> float:
    return round(a / b, 2) if b else float("inf")


def verdict(value: float) -> str:
    return f"{value}x ({'within' if value <= TARGET else 'over'} {TARGET}x)"


# Indexing ---------------------------------------------------------------------------------------


@dataclass
class Build:
    """One index build from scratch."""

    index: str
    key_fields: bool
    procs: int
    articles: int
    seconds: float
    articles_per_s: float
    index_mib: float


def build(corpora: Path, index_dir: Path, procs: int, variants: bool) -> Build:
    """One build from scratch, in a fresh process (no caches or memory left by another)."""
    command = [sys.executable, __file__, "--build-one", str(index_dir), "--corpora", str(corpora)]
    command += ["--procs", str(procs), *([] if variants else ["--no-variants"])]
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode:
        raise SystemExit(f"the build of {index_dir} failed:\n{result.stderr.strip()}")
    return Build(**json.loads(result.stdout))


def _build_here(corpora: Path, index_dir: Path, procs: int, variants: bool) -> Build:
    started = time.perf_counter()
    done = index_corpus(index_dir, [corpora], rebuild=True, procs=procs, variants=variants)
    seconds = time.perf_counter() - started
    return Build(
        index=str(index_dir),
        key_fields=variants,
        procs=procs,
        articles=done.documents,
        seconds=round(seconds, 2),
        articles_per_s=round(done.documents / seconds, 1),
        index_mib=round(dir_size(index_dir) / 2**20, 1),
    )


def compare_builds(corpora: Path, out: Path, procs: int, rounds: int = 1) -> dict[str, object]:
    """The two builds, normal first, ``rounds`` times in turn, and how the fastest of each
    compare (normal / without the key fields)."""
    normals, plains = [], []
    for _ in range(rounds):
        normals.append(build(corpora, out / "index", procs, variants=True))
        plains.append(build(corpora, out / "index-no-keys", procs, variants=False))
    normal = min(normals, key=lambda b: b.seconds)
    plain = min(plains, key=lambda b: b.seconds)
    return {
        "corpora": str(corpora),
        "rounds": rounds,
        "normal": asdict(normal),
        "without_key_fields": asdict(plain),
        "time_ratio": ratio(normal.seconds, plain.seconds),
        "size_ratio": ratio(normal.index_mib, plain.index_mib),
    }


def print_builds(figures: dict[str, object]) -> None:
    normal, plain = Build(**figures["normal"]), Build(**figures["without_key_fields"])
    procs = f"{normal.procs} writer process{'' if normal.procs == 1 else 'es'}"
    rounds = f", the fastest of {figures['rounds']} builds each" if figures["rounds"] > 1 else ""
    print(f"Indexing {figures['corpora']} from scratch, {procs}{rounds}:\n")
    print("| index | articles | seconds | articles/s | index MiB |")
    print("|---|---|---|---|---|")
    for label, row in (("with the key fields", normal), ("without them", plain)):
        print(
            f"| {label} | {row.articles:,} | {row.seconds} | {row.articles_per_s:,} "
            f"| {row.index_mib} |"
        )
    print(
        f"\nIndexing time with / without the key fields: {verdict(figures['time_ratio'])}; "
        f"index size {figures['size_ratio']}x.\n"
    )


# Queries ----------------------------------------------------------------------------------------


@dataclass
class Query:
    """One query's figures: results and median milliseconds in each mode."""

    total: int
    total_exact: int
    median_ms: float
    median_ms_exact: float

    @property
    def ratio(self) -> float:
        return ratio(self.median_ms, self.median_ms_exact)


def _timed(engine: Engine, request: SearchRequest) -> tuple[float, int]:
    started = time.perf_counter()
    total = engine.search(request).total
    return (time.perf_counter() - started) * 1000, total


def compare_queries(index_dir: Path, repeat: int, queries: list[str]) -> dict[str, object]:
    """Every query with every tier on and with exact spelling only, warm, alternating."""
    timings: dict[str, list[float]] = {mode: [] for mode in MODES}
    first: dict[str, list[float]] = {mode: [] for mode in MODES}
    per_query: dict[str, Query] = {}
    with Engine(index_dir) as engine:
        for q in queries:
            requests = {mode: SearchRequest.from_params(q, exact=on) for mode, on in MODES.items()}
            totals: dict[str, int] = {}
            for mode in ("exact", "tiers"):  # warm up; the exact words' postings are read first
                ms, totals[mode] = _timed(engine, requests[mode])
                first[mode].append(ms)
            runs: dict[str, list[float]] = {mode: [] for mode in MODES}
            for _ in range(repeat):
                for mode in MODES:
                    runs[mode].append(_timed(engine, requests[mode])[0])
            for mode in MODES:
                timings[mode] += runs[mode]
            per_query[q] = Query(
                total=totals["tiers"],
                total_exact=totals["exact"],
                median_ms=round(statistics.median(runs["tiers"]), 2),
                median_ms_exact=round(statistics.median(runs["exact"]), 2),
            )
        documents = engine.documents()
    median = {mode: round(statistics.median(timings[mode]), 2) for mode in MODES}
    p95 = {mode: round(percentile(timings[mode], 0.95), 2) for mode in MODES}
    mean = {mode: round(statistics.fmean(timings[mode]), 2) for mode in MODES}
    slowest = sorted(per_query, key=lambda q: -per_query[q].median_ms)[:SLOWEST]
    return {
        "index": str(index_dir),
        "documents": documents,
        "queries": len(queries),
        "repeat": repeat,
        "median_ms": median,
        "p95_ms": p95,
        "mean_ms": mean,
        "first_run_median_ms": {m: round(statistics.median(first[m]), 2) for m in MODES},
        "median_ratio": ratio(median["tiers"], median["exact"]),
        "p95_ratio": ratio(p95["tiers"], p95["exact"]),
        "mean_ratio": ratio(mean["tiers"], mean["exact"]),
        "slowest": slowest,
        "per_query": {q: {**asdict(f), "ratio": f.ratio} for q, f in per_query.items()},
    }


def print_queries(figures: dict[str, object]) -> None:
    print(
        f"{figures['queries']} queries of bench/queries.txt x {figures['repeat']} per mode, warm, "
        f"top 10 with snippets, over {figures['documents']:,} articles ({figures['index']}):\n"
    )
    median, p95, mean = figures["median_ms"], figures["p95_ms"], figures["mean_ms"]
    first = figures["first_run_median_ms"]
    print("| mode | median ms | p95 ms | mean ms | first run median ms |")
    print("|---|---|---|---|---|")
    for mode, label in (("tiers", "all tiers on"), ("exact", "exact words only")):
        print(f"| {label} | {median[mode]} | {p95[mode]} | {mean[mode]} | {first[mode]} |")
    print(
        "\nQuery latency, all tiers on / exact words only: "
        f"median {verdict(figures['median_ratio'])}, p95 {verdict(figures['p95_ratio'])}; "
        f"the whole mix (mean) {figures['mean_ratio']}x.\n"
    )
    print("Slowest queries with all tiers on:\n")
    print("| query | results (tiers / exact) | median ms tiers | median ms exact | ratio |")
    print("|---|---|---|---|---|")
    for q in figures["slowest"]:
        f = figures["per_query"][q]
        print(
            f"| {q} | {f['total']:,} / {f['total_exact']:,} | {f['median_ms']} "
            f"| {f['median_ms_exact']} | {f['ratio']} |"
        )


# Command line -----------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, metavar="DIR", help="normal index to query")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, metavar="DIR")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR")
    parser.add_argument("--procs", type=int, default=2, metavar="N")
    parser.add_argument("--repeat", type=int, default=5, metavar="N")
    parser.add_argument("--rounds", type=int, default=1, metavar="N", help="builds of each kind")
    parser.add_argument("--skip-build", action="store_true", help="measure queries only")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--build-one", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--no-variants", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_one:
        built = _build_here(args.corpora, args.build_one, args.procs, not args.no_variants)
        print(json.dumps(asdict(built)))
        return 0
    if min(args.procs, args.repeat, args.rounds) < 1:
        parser.error("--procs, --repeat and --rounds must be at least 1")
    index = args.index or args.out / "index"
    if args.skip_build and args.index is None:
        parser.error("--skip-build needs --index DIR: the normal index to query")
    figures: dict[str, object] = {"target_ratio": TARGET}
    if not args.skip_build:
        figures["indexing"] = compare_builds(args.corpora, args.out, args.procs, args.rounds)
        print_builds(figures["indexing"])
    try:
        figures["queries"] = compare_queries(index, args.repeat, load_queries())
    except SearchError as e:
        print(f"matching_cost: {e.message}", file=sys.stderr)
        return 2
    print_queries(figures["queries"])
    if args.json:
        write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
