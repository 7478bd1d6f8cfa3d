"""Research-tool benchmark: the pages beyond a results list, through a real server, each as a
ratio of the plain search for the same words measured in the same run.

    python bench/research.py --index DIR [--repeat 5] [--json]

Starts ``news-search serve`` on 127.0.0.1 over the index and, for each name of NAMES, asks once
to warm up and --repeat times more, one request at a time: ``/api/search`` (the peer: the
results list every other page is measured against), ``/api/names/{name}`` (spellings by outlet
and year, company, newest), ``/api/spellings`` (spellings by outlet and period), ``/search.atom``
(the newest 50 as a feed) and ``/search.csv`` (every result, streamed and read to the end).
Reports each endpoint's median and 95th percentile round trip and its median as a ratio of the
search's.
"""

from __future__ import annotations

import json
import statistics
import time
import urllib.parse
import urllib.request
from pathlib import Path

from api_latency import free_port, serve
from timing import latency_arguments, percentile, print_table

#: Names with spellings by outlet, from rare to common in the five corpora.
NAMES = ["Sayirun", "Hizballah", "Gaddafi", "Aleppo", "Erdogan", "Assad", "Iraq"]
ENDPOINTS = {
    "search": "/api/search?q={q}",
    "name page": "/api/names/{q}",
    "spellings": "/api/spellings?q={q}",
    "feed": "/search.atom?q={q}",
    "export (csv, all)": "/search.csv?q={q}",
}


def _read(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.read()


def run(index_dir: Path, repeat: int) -> dict[str, object]:
    port = free_port()
    server = serve(index_dir, port)
    base = f"http://127.0.0.1:{port}"
    timings: dict[str, list[float]] = {name: [] for name in ENDPOINTS}
    per_name: dict[str, dict[str, object]] = {}
    try:
        for name in NAMES:
            q = urllib.parse.quote(name, safe="")
            page = json.loads(_read(f"{base}/api/names/{q}"))
            with urllib.request.urlopen(f"{base}/search.csv?q={q}", timeout=120) as export:
                export.read()
                rows = int(export.headers["X-Total-Count"])
            per_name[name] = {
                "total": page["total"],
                "spellings": len(page["spellings"]),
                "company": [c["name"] for c in page["company"][:5]],
                "exported": rows,
            }
            for endpoint, path in ENDPOINTS.items():
                url = base + path.format(q=q)
                _read(url)
                for _ in range(repeat):
                    started = time.perf_counter()
                    _read(url)
                    timings[endpoint].append((time.perf_counter() - started) * 1000)
        documents = json.loads(_read(f"{base}/healthz"))["documents"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    search_median = statistics.median(timings["search"])
    return {
        "documents": documents,
        "names": len(NAMES),
        "repeat": repeat,
        "endpoints": {
            endpoint: {
                "median_ms": round(statistics.median(runs), 2),
                "p95_ms": round(percentile(runs, 0.95), 2),
                "x_search": round(statistics.median(runs) / search_median, 2),
            }
            for endpoint, runs in timings.items()
        },
        "per_name": per_name,
    }


def main(argv: list[str] | None = None) -> int:
    args = latency_arguments(__doc__, argv)
    result = run(args.index, args.repeat)
    if args.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))
        return 0
    print(
        f"{result['names']} names x {args.repeat} over {result['documents']:,} articles, "
        "round trips through a real server; ratios against /api/search in this run\n"
    )
    rows = [
        [endpoint, figures["median_ms"], figures["p95_ms"], f"{figures['x_search']}x"]
        for endpoint, figures in result["endpoints"].items()  # type: ignore[union-attr]
    ]
    print_table(["endpoint", "median ms", "p95 ms", "median vs search"], rows)
    print()
    rows = [
        [name, f["total"], f["spellings"], ", ".join(f["company"]), f["exported"]]
        for name, f in result["per_name"].items()  # type: ignore[union-attr]
    ]
    print_table(["name", "articles", "spellings", "written with it (first 5)", "exported"], rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
