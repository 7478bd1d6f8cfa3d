"""The work one request can force: answered or refused within the time budget, never holding
a server's worker longer.

    python bench/costly.py --index DIR [--budget 2] [--json FILE]

Each request below goes to a real ``news-search serve --workers 1 --budget B`` on 127.0.0.1
over the index (the five corpora, say) while another thread asks ``/healthz`` every 50 ms:
the request's status and time, the longest the health check waited meanwhile, and the
server's resident memory before and after (peak per request is bounded by what one search
holds: its sets of matches, at most every article). A request is fine when it is answered, or
refused with a 4xx, within the budget and a second of slack, and the health check was never
kept waiting longer than that.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

from api_latency import free_port, serve
from timing import print_table, write_json

#: Words of any English text: a search over many of them touches most of the archive.
COMMON = " ".join(
    [
        "the of to and a in is that for it as was with be by on not he this are or his from at",
        "which but have an they you were their one all we can her has there been if more when",
        "will would who so no said its also than into them some only other new about these time",
        "two may could after first over people any like year what out up most very him",
    ]
).split()
SLACK_S = 1.0


def requests() -> list[tuple[str, dict[str, str]]]:
    """The costly requests, with what makes each costly."""
    phrase = '"' + " ".join((COMMON * 2)[:50]) + '"'
    return [
        ("page 100,000", {"q": "said", "page": "100000"}),
        ("the last page of a common word", {"q": "said", "page": "2244"}),
        ("an OR of 100 common words", {"q": " OR ".join(COMMON[:100])}),
        ("an OR of 200 common words", {"q": " OR ".join((COMMON * 2)[:200])}),
        ("an AND of 50 common words", {"q": " ".join(COMMON[:50])}),
        ("a 50-word phrase of common words", {"q": phrase}),
        ("a prefix of 2 letters", {"q": "th*"}),
        ("a prefix of 2 letters, under 1,000 words", {"q": "No*"}),
        ("a prefix of 3 letters, hundreds of words", {"q": "pla*"}),
        ("every article, newest first, page 5,000", {"q": "", "page": "5000"}),
        ("a name in every spelling", {"q": "Gaddafi"}),
    ]


def _get(url: str, timeout: float) -> tuple[int, dict[str, object]]:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as e:
        return e.code, json.loads(e.read())


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def _poll_health(base: str, done: threading.Event, waits: list[float]) -> None:
    """Ask /healthz every 50 ms until ``done``, noting how long each answer took."""
    while not done.is_set():
        started = time.perf_counter()
        _get(f"{base}/healthz", 60)
        waits.append(time.perf_counter() - started)
        time.sleep(0.05)


def _worker_pid(server_pid: int) -> int:
    """The process that answers (uvicorn may run the app in a child)."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children")
    kids = children.read_text().split() if children.exists() else []
    return int(kids[0]) if kids else server_pid


def measure(index_dir: Path, budget: float) -> list[dict[str, object]]:
    port = free_port()
    server = serve(index_dir, port, extra=["--budget", str(budget)])
    base = f"http://127.0.0.1:{port}"
    rows = []
    try:
        pid = _worker_pid(server.pid)
        _get(f"{base}/api/search?q=warm", 60)
        for name, params in requests():
            waits: list[float] = []
            done = threading.Event()
            before = _rss_mib(pid)
            checker = threading.Thread(target=_poll_health, args=(base, done, waits), daemon=True)
            checker.start()
            started = time.perf_counter()
            status, body = _get(f"{base}/api/search?{urllib.parse.urlencode(params)}", 120)
            seconds = time.perf_counter() - started
            done.set()
            checker.join()
            within = seconds <= budget + SLACK_S and max(waits, default=0) <= budget + SLACK_S
            rows.append(
                {
                    "request": name,
                    "status": status,
                    "answer": f"total {body['total']:,}" if body.get("ok") else body["error"],
                    "seconds": round(seconds, 2),
                    "healthz_longest_wait_s": round(max(waits, default=0.0), 2),
                    "rss_before_mib": before,
                    "rss_after_mib": _rss_mib(pid),
                    "within_budget": within and status < 500,
                }
            )
    finally:
        server.terminate()
        server.wait(timeout=30)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, metavar="DIR")
    parser.add_argument("--budget", type=float, default=2.0, metavar="SECONDS")
    parser.add_argument("--json", type=Path, metavar="FILE")
    args = parser.parse_args(argv)
    rows = measure(args.index, args.budget)
    print(f"Costly requests to serve --workers 1 --budget {args.budget:g} over {args.index}\n")
    columns = ["request", "status", "seconds", "healthz_longest_wait_s"]
    columns += ["rss_before_mib", "rss_after_mib", "within_budget"]
    print_table(columns, [[row[c] for c in columns] for row in rows])
    print()
    for row in rows:
        print(f"- {row['request']}: {row['answer']}")
    fine = sum(1 for row in rows if row["within_budget"])
    print(f"\n{fine} of {len(rows)} answered or refused within the budget (+{SLACK_S:g} s)")
    if args.json:
        write_json(args.json, {"budget_s": args.budget, "requests": rows})
    return 0 if fine == len(rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
