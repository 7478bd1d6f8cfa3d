"""What the benchmarks share: percentiles, Markdown tables, options, and JSON output."""

from __future__ import annotations

import argparse
import json
import statistics
from pathlib import Path


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def print_table(header: list[str], rows: list[list[object]]) -> None:
    """A Markdown table: the header, its rule, and one line per row (numbers of 1,000 or more
    with thousands separators)."""

    def cell(value: object) -> str:
        return f"{value:,}" if isinstance(value, int | float) and abs(value) >= 1000 else str(value)

    print("| " + " | ".join(header) + " |")
    print("|" + "---|" * len(header))
    for row in rows:
        print("| " + " | ".join(map(cell, row)) + " |")


def print_per_query(per_query: dict[str, dict[str, float]]) -> None:
    """A Markdown table: each query, its result count and its median time."""
    rows = [[q, figures["total"], figures["median_ms"]] for q, figures in per_query.items()]
    print_table(["query", "results", "median ms"], rows)


def summary(timings: list[float]) -> dict[str, object]:
    """The run count, median and 95th percentile of timings in milliseconds."""
    return {
        "runs": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
    }


def latency_arguments(doc: str, argv: list[str] | None) -> argparse.Namespace:
    """The options every latency benchmark takes: --index, --repeat and --json."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, metavar="DIR")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--json", action="store_true")
    return parser.parse_args(argv)


def write_json(path: Path, figures: object) -> None:
    """Write a benchmark's figures to ``path`` (its folder made if need be)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(figures, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
