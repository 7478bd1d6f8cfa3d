"""The engine against the reference evaluator over the five corpora: generated searches, end to end.

    python bench/oracle.py [--queries 100000] [--seed 1] [--index DIR] [--procs N] [--budget S]
                           [--json FILE]

The reference (tests/reference.py) reads the stored fields of every article of the index and
analyses them with the slow reference token pipeline; the generator (tests/querygen.py) draws
searches from the archive's own words. Each search runs through ``Engine.search`` (the page
asked, with snippets) and, for its other pages, through the same engine without snippets
(``tests.reference.ListingEngine``): every page at the request's size when there are at most 10,
else every page of 100 when there are at most 2,000 matches, else the first, the last and 2
others, checked for membership, repeats and the last page's length (total, facets and spelling
counts are checked exactly in every case). Every difference is counted by kind and the first
25 are listed in full.

Without ``--index``, ``bench/out/index`` is brought up to date with ../shared/corpora first
(``news-search index --procs 2``, incremental). ``--procs N`` shares the searches among N
processes forked after the reference is built (the same searches, whichever N). The engine
runs with no time budget unless ``--budget`` gives one: a search refused for its cost would be
an answer left unchecked (bench/costly.py measures the budget).
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import resource
import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from timing import percentile, print_table, write_json

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # tests.reference, tests.querygen

from search import Engine, index_corpus  # noqa: E402
from search.engines.whoosh import store  # noqa: E402
from search.engines.whoosh.backend import WhooshVocabulary  # noqa: E402
from search.read.variants import VariantFinder  # noqa: E402
from tests.querygen import QueryGenerator  # noqa: E402
from tests.reference import ListingEngine, Paging, Reference, compare  # noqa: E402

DEFAULT_INDEX = ROOT / "bench/out/index"
DEFAULT_CORPORA = ROOT.parent / "shared/corpora"
#: Differing searches kept, in full, for the report.
KEEP = 25


def peak_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@dataclass
class Tally:
    """What one process found over its share of the searches."""

    refused: int = 0
    compared: int = 0
    searches: int = 0
    differing: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    reports: list[str] = field(default_factory=list)
    times: list[tuple[float, int, str]] = field(default_factory=list)  # s, matches, query

    def add(self, other: Tally) -> None:
        self.refused += other.refused
        self.compared += other.compared
        self.searches += other.searches
        self.differing += other.differing
        self.kinds.update(other.kinds)
        self.reports += other.reports[: KEEP - len(self.reports)]
        self.times += other.times


#: The reference, built once before the worker processes fork (they share its memory).
_REFERENCE: Reference | None = None


def _work(
    index_dir: Path, queries: int, seed: int, share: int, procs: int, budget: float | None
) -> Tally:
    """Compare the searches ``share``, ``share + procs``, ... of the seeded sequence."""
    reference = _REFERENCE
    assert reference is not None
    if procs > 1:  # a reader of this process's own for the spellings reached
        reference.reader = store.open_index(index_dir).reader()
        reference.finder = VariantFinder(WhooshVocabulary(reference.reader))  # type: ignore[arg-type]
    generator = QueryGenerator(reference, seed=seed)
    engine, lister = Engine(index_dir, budget), ListingEngine(index_dir, budget)
    paging = Paging(sweep_total=2000, samples=2, own_pages=10)
    tally = Tally()
    started = time.perf_counter()
    try:
        for i in range(queries):
            params = generator.params()  # every process draws the whole sequence
            if i % procs != share:
                continue
            query_seed = seed * 1_000_003 + i
            began = time.perf_counter()
            outcome = compare(engine, reference, params, paging, random.Random(query_seed), lister)
            tally.times.append((time.perf_counter() - began, outcome.total, str(params["q"])))
            tally.searches += outcome.searches
            tally.refused += outcome.refused
            tally.compared += not outcome.refused
            if outcome.differences:
                tally.differing += 1
                tally.kinds.update({d.kind for d in outcome.differences})
                if len(tally.reports) < KEEP:
                    tally.reports.append(outcome.report())
            done = len(tally.times)
            if done % 500 == 0:
                elapsed = time.perf_counter() - started
                print(
                    f"[{share + 1}/{procs}] {done:,} searches, {elapsed:.0f} s "
                    f"({done / elapsed:.1f}/s): {tally.differing} differing",
                    file=sys.stderr,
                    flush=True,
                )
    finally:
        engine.close()
        lister.close()
    return tally


def run(
    index_dir: Path, queries: int, seed: int, procs: int = 1, budget: float | None = None
) -> dict[str, object]:
    global _REFERENCE
    before = peak_mb()
    started = time.perf_counter()
    _REFERENCE = reference = Reference(store.open_index(index_dir).reader())
    build_s = time.perf_counter() - started
    build_mb = peak_mb() - before
    print(
        f"reference: {len(reference.docs):,} articles in {build_s:.1f} s, +{build_mb:,.0f} MB",
        file=sys.stderr,
        flush=True,
    )
    started = time.perf_counter()
    tally = Tally()
    if procs == 1:
        tally = _work(index_dir, queries, seed, 0, 1, budget)
    else:
        with multiprocessing.get_context("fork").Pool(procs) as pool:
            jobs = [(index_dir, queries, seed, share, procs, budget) for share in range(procs)]
            for part in pool.starmap(_work, jobs):
                tally.add(part)
    seconds = time.perf_counter() - started
    times = [t for t, _, _ in tally.times]
    return {
        "articles": len(reference.docs),
        "reference_build_s": round(build_s, 1),
        "reference_mb": round(build_mb),
        "peak_mb": round(peak_mb()),
        "queries": queries,
        "seed": seed,
        "procs": procs,
        "budget_s": budget,
        "compared": tally.compared,
        "refused_by_both": tally.refused,
        "engine_searches": tally.searches,
        "seconds": round(seconds, 1),
        "queries_per_s": round(queries / seconds, 1) if seconds else 0.0,
        "median_s": round(percentile(times, 0.5), 3) if times else 0.0,
        "p95_s": round(percentile(times, 0.95), 3) if times else 0.0,
        "slowest": [
            {"s": round(t, 2), "matches": n, "q": q}
            for t, n, q in sorted(tally.times, reverse=True)[:5]
        ],
        "differing": tally.differing,
        "differing_by_kind": dict(tally.kinds.most_common()),
        "differences": tally.reports,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=100_000, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--index", type=Path, metavar="DIR", help="an index already built")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, metavar="DIR")
    parser.add_argument("--procs", type=int, default=1, metavar="N", help="worker processes")
    parser.add_argument(
        "--budget",
        type=float,
        default=0,
        metavar="SECONDS",
        help="the engine's time budget per search (default 0: none, so that every answer is "
        "checked; bench/costly.py measures the budget)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    index_dir = args.index
    if index_dir is None:
        index_dir = DEFAULT_INDEX
        index_corpus(index_dir, [args.corpora], procs=2)
    figures = run(index_dir, args.queries, args.seed, args.procs, args.budget or None)
    print(
        f"{figures['queries']:,} generated searches over {figures['articles']:,} articles "
        f"(seed {args.seed}), {figures['seconds']:,} s\n"
    )
    print_table(
        ["figure", "value"],
        [
            ["reference built (s)", figures["reference_build_s"]],
            ["reference memory (MB)", figures["reference_mb"]],
            ["peak memory (MB)", figures["peak_mb"]],
            ["worker processes", figures["procs"]],
            ["searches compared", figures["compared"]],
            ["refused by both", figures["refused_by_both"]],
            ["engine searches run (pages)", figures["engine_searches"]],
            ["searches/s", figures["queries_per_s"]],
            ["median search, all its pages (s)", figures["median_s"]],
            ["95th percentile (s)", figures["p95_s"]],
            ["searches differing from the reference", figures["differing"]],
            *[[f"  {kind}", n] for kind, n in figures["differing_by_kind"].items()],  # type: ignore[attr-defined]
        ],
    )
    for report in figures["differences"]:  # type: ignore[attr-defined]
        print("\n" + report)
    if args.json:
        write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
