"""Where the slowest queries of the mix spend their time, phase by phase, through Engine.search.

    python bench/profile_queries.py --index DIR [--slowest 5] [--repeat 10] [--json FILE]

Asks the committed mix (bench/mix.json, top 10 with snippets, as bench/peers.py asks ours)
warm, finds the --slowest queries by their median, then times each of them --repeat more times
with the engine's phases timed as they run: building the query (spellings reached), the set pass
(matches, total and source facet), the filters and the story collapse, ranking (the scorer),
the hits (stored fields, marks, snippets), the spelling counts, the timeline, and the
alternatives (did-you-mean, fewer words). A phase called inside another counts for the outer
one. Reported: each query's median and the share of its time in each phase.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

from peers import load_mix, searcher_ours
from timing import print_table, write_json

from search.read import engine as engine_module
from search.read.querybuild import QueryBuilder
from search.read.values import Columns

#: The phases: a label, and the methods whose time is that phase's.
PHASES: list[tuple[str, object, str]] = [
    ("query built", QueryBuilder, "build"),
    ("set pass", engine_module.Engine, "_matches"),
    ("filters, stories", engine_module.Engine, "_allowed"),
    ("filters, stories", engine_module.Engine, "_shown"),
    ("ranking", engine_module.Engine, "_rank"),
    ("hits", engine_module.Engine, "_hit"),
    ("spelling counts", engine_module.Engine, "_spelling_counts"),
    ("timeline", Columns, "timeline"),
    ("alternatives", engine_module.Engine, "_alternatives"),
]
LABELS = list(dict.fromkeys(label for label, _, _ in PHASES))


class Phases:
    """Times spent per phase, the outermost timed call counting."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.depth = 0

    def wrap(self, label: str, method: Callable) -> Callable:
        def timed(*args: object, **kwargs: object) -> object:
            outer = self.depth == 0
            self.depth += 1
            started = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                self.depth -= 1
                if outer:
                    self.seconds[label] += time.perf_counter() - started

        return timed


def measure(index: Path, slowest: int, repeat: int) -> list[dict[str, object]]:
    run = searcher_ours(index)
    mix = load_mix()
    medians = []
    for query in mix:
        run(query)
        own = []
        for _ in range(3):
            started = time.perf_counter()
            run(query)
            own.append((time.perf_counter() - started) * 1000)
        medians.append((statistics.median(own), query))
    chosen = [q for _, q in sorted(medians, key=lambda mq: -mq[0])[:slowest]]
    phases = Phases()
    for label, owner, name in PHASES:
        setattr(owner, name, phases.wrap(label, getattr(owner, name)))
    rows = []
    for query in chosen:
        phases.seconds.clear()
        own = []
        for _ in range(repeat):
            started = time.perf_counter()
            run(query)
            own.append((time.perf_counter() - started) * 1000)
        total = sum(own) / 1000
        shares = {label: round(100 * phases.seconds[label] / total) for label in LABELS}
        shares["other"] = max(0, 100 - sum(shares.values()))
        rows.append(
            {
                "query": _describe(query),
                "median_ms": round(statistics.median(own), 2),
                "shares": shares,
            }
        )
    return rows


def _describe(query: dict[str, object]) -> str:
    extras = [f"{k} {query[k]}" for k in ("page", "sort", "source", "from", "to") if k in query]
    return " ".join([str(query["q"]), *(f"({e})" for e in extras)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, metavar="DIR")
    parser.add_argument("--slowest", type=int, default=5, metavar="N")
    parser.add_argument("--repeat", type=int, default=10, metavar="N")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    rows = measure(args.index, args.slowest, args.repeat)
    print(f"\nThe {args.slowest} slowest queries of the mix, share of their time per phase\n")
    header = ["query", "median ms", *LABELS, "other"]
    print_table(
        header,
        [
            [r["query"], r["median_ms"], *(f"{r['shares'][k]} %" for k in [*LABELS, "other"])]
            for r in rows
        ],
    )
    if args.json:
        write_json(args.json, {"rows": rows})
    return 0


if __name__ == "__main__":
    sys.exit(main())
