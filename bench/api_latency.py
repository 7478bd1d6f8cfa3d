"""API-latency benchmark: ten typical queries through ``/api/search`` of a real server.

    python bench/api_latency.py --index DIR [--repeat 5] [--json]

Starts ``news-search serve`` on 127.0.0.1 (a free port) over the index, waits for ``/healthz``,
then asks each query once to warm up and --repeat times more, one request at a time, from this
process. Reports the median and 95th percentile of the round trip as the client sees it (HTTP,
JSON and all), and the median of the engine's own ``took_ms``.
"""

from __future__ import annotations

import json
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

from timing import latency_arguments, print_per_query, summary

#: Ten typical queries: names with spelling variants, common words, several words, a phrase,
#: an exclusion, and a filter.
TYPICAL = [
    ("Sayirun", {}),
    ("Gaddafi", {}),
    ("Hizballah", {}),
    ("Shi'ite", {}),
    ("oil prices", {}),
    ("Iraq Kurdish oil", {}),
    ('"Moqtada al-Sadr"', {}),
    ("Syria -Assad", {}),
    ("election results", {"sort": "newest"}),
    ("Erdogan", {"from": "2016", "to": "2017"}),
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> dict[str, object]:
    with urllib.request.urlopen(url, timeout=60) as response:
        return json.loads(response.read())


def serve(
    index_dir: Path, port: int, workers: int = 1, extra: list[str] | None = None
) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "search", "serve", "--index", str(index_dir)]
    command += ["--port", str(port), "--workers", str(workers), *(extra or [])]
    server = subprocess.Popen(command, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with status {server.returncode}")
        try:
            _get(f"http://127.0.0.1:{port}/healthz")
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("the server did not answer /healthz in 120 s")


def run(index_dir: Path, repeat: int) -> dict[str, object]:
    port = free_port()
    server = serve(index_dir, port)
    try:
        base = f"http://127.0.0.1:{port}/api/search?"
        per_query: dict[str, dict[str, float]] = {}
        round_trips: list[float] = []
        took: list[float] = []
        for q, params in TYPICAL:
            url = base + urllib.parse.urlencode({"q": q, **params})
            total = _get(url)["total"]
            runs = []
            for _ in range(repeat):
                started = time.perf_counter()
                body = _get(url)
                runs.append((time.perf_counter() - started) * 1000)
                took.append(float(body["took_ms"]))  # type: ignore[arg-type]
            round_trips += runs
            label = q + "".join(f" {k}={v}" for k, v in params.items())
            per_query[label] = {"total": total, "median_ms": round(statistics.median(runs), 2)}
        documents = _get(f"http://127.0.0.1:{port}/healthz")["documents"]
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "documents": documents,
        "queries": len(TYPICAL),
        **summary(round_trips),
        "engine_median_ms": round(statistics.median(took), 2),
        "per_query": per_query,
    }


def main(argv: list[str] | None = None) -> int:
    args = latency_arguments(__doc__, argv)
    result = run(args.index, args.repeat)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(
        f"/api/search, {result['queries']} typical queries x {args.repeat} over "
        f"{result['documents']:,} articles: median {result['median_ms']} ms, "
        f"p95 {result['p95_ms']} ms round trip (engine's took_ms: median "
        f"{result['engine_median_ms']} ms)\n"
    )
    print_per_query(result["per_query"])  # type: ignore[arg-type]
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
