"""Query-latency benchmark: run the committed query mix against an index and report the figures.

    python bench/query_latency.py --index DIR [--repeat 5] [--json]

Each query runs through the engine exactly as `news-search query` runs it (top 10 with
snippets, one searcher reused), once to warm up and then --repeat times; the table gives the
median and the 95th percentile over all timed runs, and the median of each query.
"""

from __future__ import annotations

import json
import statistics
import time
from pathlib import Path

from timing import latency_arguments, print_per_query, summary

from search import Engine, SearchRequest

QUERIES = Path(__file__).resolve().parent / "queries.txt"


def load_queries(path: Path = QUERIES) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def run(index_dir: Path, repeat: int) -> dict[str, object]:
    queries = load_queries()
    per_query: dict[str, dict[str, float]] = {}
    timings: list[float] = []
    with Engine(index_dir) as engine:
        for q in queries:
            request = SearchRequest.from_params(q)
            total = engine.search(request).total
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                engine.search(request)
                runs.append((time.perf_counter() - started) * 1000)
            timings += runs
            per_query[q] = {"total": total, "median_ms": round(statistics.median(runs), 2)}
        documents = engine.info().documents
    return {
        "documents": documents,
        "queries": len(queries),
        **summary(timings),
        "per_query": per_query,
    }


def main(argv: list[str] | None = None) -> int:
    args = latency_arguments(__doc__, argv)
    result = run(args.index, args.repeat)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"{result['queries']} queries x {args.repeat} over {result['documents']:,} articles: "
        f"median {result['median_ms']} ms, p95 {result['p95_ms']} ms (top 10 with snippets)\n"
    )
    print_per_query(result["per_query"])  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
