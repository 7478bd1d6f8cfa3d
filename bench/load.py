"""Load test: `/api/search` of a real server under 1, 8 and 32 concurrent clients.

    python bench/load.py --index DIR [--clients 1 8 32] [--seconds 10] [--workers N]
                         [--json FILE]

Starts ``news-search serve --workers N`` (default: one per core) on 127.0.0.1 over the index,
waits for ``/healthz``, then for each client count starts a separate load-generating process
(this script with ``--drive``): that many threads, each with its own keep-alive connection,
asking the committed mix (bench/mix.json, as API parameters) in turn, one request after
another, for --seconds. Reported per client count: requests per second, the median and 95th
percentile of the round trip, the errors (a 5xx status, or no answer) and the requests refused
with a 4xx (a page past the last, a source the index lacks: the right answer, not an error).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

from api_latency import free_port, serve
from peers import load_mix
from timing import percentile, print_table, write_json

#: The mix's fields as API parameters.
_PARAMS = {"q": "q", "sort": "sort", "from": "from", "to": "to", "source": "source", "page": "page"}


def paths(mix: list[dict[str, object]]) -> list[str]:
    """The mix as request paths of /api/search."""
    found = []
    for query in mix:
        params = {name: str(query[key]) for key, name in _PARAMS.items() if key in query}
        found.append("/api/search?" + urllib.parse.urlencode(params))
    return found


def _connect(port: int) -> http.client.HTTPConnection:
    """A keep-alive connection that sends each request at once (no Nagle delay)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    connection.connect()
    connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return connection


def drive(port: int, clients: int, seconds: float) -> dict[str, object]:
    """Run ``clients`` threads against the server for ``seconds``; their figures."""
    targets = paths(load_mix())
    deadline = time.monotonic() + seconds
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    refused = [0] * clients

    def client(i: int) -> None:
        connection = _connect(port)
        n = i  # each client starts at another query of the mix
        while time.monotonic() < deadline:
            path = targets[n % len(targets)]
            n += 1
            started = time.perf_counter()
            try:
                connection.request("GET", path)
                response = connection.getresponse()
                response.read()
                status = response.status
            except (OSError, http.client.HTTPException):
                status = 0  # no answer
                connection.close()
                connection = _connect(port)
            latencies[i].append((time.perf_counter() - started) * 1000)
            if status >= 500 or status == 0:
                errors[i] += 1
            elif status != 200:
                refused[i] += 1
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    every = [ms for own in latencies for ms in own]
    return {
        "clients": clients,
        "requests": len(every),
        "errors": sum(errors),
        "refused": sum(refused),
        "seconds": round(elapsed, 1),
        "requests_per_s": round(len(every) / elapsed, 1),
        "median_ms": round(statistics.median(every), 2) if every else None,
        "p95_ms": round(percentile(every, 0.95), 2) if every else None,
    }


def run(index_dir: Path, clients: list[int], seconds: float, workers: int) -> dict[str, object]:
    port = free_port()
    server = serve(index_dir, port, workers=workers)
    try:
        rows = []
        for n in clients:
            command = [sys.executable, __file__, "--drive", str(port), "--clients", str(n)]
            result = subprocess.run(
                [*command, "--seconds", str(seconds)], capture_output=True, text=True, check=True
            )
            rows.append(json.loads(result.stdout))
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"workers": workers, "seconds": seconds, "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, metavar="DIR")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32], metavar="N")
    parser.add_argument("--seconds", type=float, default=10.0, metavar="S")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, metavar="N")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--drive", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.drive:
        print(json.dumps(drive(args.drive, args.clients[0], args.seconds)))
        return 0
    if args.index is None:
        parser.error("--index is required")
    figures = run(args.index, args.clients, args.seconds, args.workers)
    print(
        f"/api/search under load: `news-search serve --workers {figures['workers']}`, "
        f"{args.seconds:g} s per client count, bench/mix.json in turn\n"
    )
    columns = ["clients", "requests", "requests_per_s", "median_ms", "p95_ms", "errors", "refused"]
    print_table(
        ["clients", "requests", "requests/s", "median ms", "p95 ms", "errors", "refused (4xx)"],
        [[r[c] for c in columns] for r in figures["rows"]],  # type: ignore[attr-defined]
    )
    if args.json:
        write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
