"""What the latency benchmarks share: percentiles and the per-query table."""

from __future__ import annotations


def percentile(values: list[float], share: float) -> float:
    """The value below which ``share`` of ``values`` lie (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(share * (len(ordered) - 1)))]


def print_per_query(per_query: dict[str, dict[str, float]]) -> None:
    """A Markdown table: each query, its result count and its median time."""
    print("| query | results | median ms |")
    print("|---|---|---|")
    for q, figures in per_query.items():
        print(f"| {q} | {figures['total']:,} | {figures['median_ms']} |")
