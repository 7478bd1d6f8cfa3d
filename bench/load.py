"""Load test: `/api/search` of a real server under 1, 8 and 32 concurrent clients.

    python bench/load.py --index DIR [--clients 1 8 32] [--seconds 10] [--workers N]
                         [--json FILE]
    python bench/load.py --live [--clients 32] [--seconds 60] [--workers 2] [--json FILE]

Starts ``news-search serve --workers N`` (default: one per core) on 127.0.0.1 over the index,
waits for ``/healthz``, then for each client count starts a separate load-generating process
(this script with ``--drive``): that many threads, each with its own keep-alive connection,
asking the committed mix (bench/mix.json, as API parameters) in turn, one request after
another, for --seconds. Reported per client count: requests per second, the median and 95th
percentile of the round trip, the errors (a 5xx status, or no answer) and the requests refused
with a 4xx (a page past the last, a source the index lacks: the right answer, not an error);
then the server's memory after the load (each process's peak, from /proc).

With ``--live``, the load runs while an index run adds articles. An index of the four other
corpora (every ../shared/corpora/*.jsonl but fakes.jsonl) is built once into
bench/out/live/base and copied to bench/out/live/index; ``news-search serve --workers 2``
serves the copy, and the clients (default 32, for 60 s) ask the mix, three probe queries
(words with exact=1 that no article of the four corpora holds, found by the engine, each with
its count in an index of fakes.jsonl alone) and the empty query (every article) in turn. After
a sixth of the time, ``news-search index`` adds fakes.jsonl (793 articles) to the served index.
Reported: requests, errors, every total seen for each query over time, how often a total went
backwards (a response that began after another one for the same query had ended showed a
smaller total: there must be none), and each probe's totals (0 before the commit, its full
count after, without a restart).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from api_latency import free_port, serve
from peers import DEFAULT_CORPORA, ROOT, load_mix
from timing import percentile, print_table, write_json

from search import Engine, SearchError, SearchRequest, index_corpus

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
        memory = server_memory(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {"workers": workers, "seconds": seconds, "rows": rows, "memory": memory}


def server_memory(pid: int) -> dict[str, float]:
    """The largest peak resident memory (VmHWM) among the server's processes, and their
    total resident memory now, in MiB (Linux's /proc)."""
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    peak = total = 0.0
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        fields = dict(line.split(":", 1) for line in status.splitlines() if ":" in line)
        peak = max(peak, int(fields["VmHWM"].split()[0]) / 1024)
        total += int(fields["VmRSS"].split()[0]) / 1024
    return {"processes": len(pids), "peak_rss_mib": round(peak, 1), "rss_mib": round(total, 1)}


# Live indexing --------------------------------------------------------------------------------

LIVE_OUT = ROOT / "bench" / "out" / "live"
#: An index run of --live taking longer than this is stopped (and the load with it).
LONGEST_INDEX_RUN_S = 600.0
FAKES = DEFAULT_CORPORA / "fakes.jsonl"


def drive_live(
    port: int, clients: int, seconds: float, targets: list[str], stop: Path | None = None
) -> dict[str, object]:
    """Like :func:`drive`, until ``stop`` exists (or for ``seconds`` at most), recording each
    answer: [client, target, started, ended, status, total] (times on the system's monotonic
    clock, shared by every process; total -1 when the answer had none)."""
    deadline = time.monotonic() + seconds
    seen: list[list[list[float]]] = [[] for _ in range(clients)]

    def client(i: int) -> None:
        connection = _connect(port)
        n = i
        while time.monotonic() < deadline and not (stop and stop.exists()):
            target = n % len(targets)
            n += 1
            started = time.monotonic()
            total = -1
            try:
                connection.request("GET", targets[target])
                response = connection.getresponse()
                body = response.read()
                status = response.status
                if status == 200:
                    total = int(json.loads(body)["total"])
            except (OSError, http.client.HTTPException, ValueError):
                status = 0
                connection.close()
                connection = _connect(port)
            seen[i].append([i, target, started, time.monotonic(), status, total])
        connection.close()

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return {"answers": [row for own in seen for row in own]}


def backwards(answers: list[list[float]]) -> list[dict[str, object]]:
    """The answers whose total is smaller than that of an answer to the same query that had
    ended before they began (by happens-before, so concurrent answers are not compared)."""
    found = []
    by_target: dict[int, list[list[float]]] = {}
    for row in answers:
        if row[4] == 200:
            by_target.setdefault(int(row[1]), []).append(row)
    for target, rows in by_target.items():
        ended = sorted(rows, key=lambda r: r[3])
        highest, at, done = -1, None, 0
        for row in sorted(rows, key=lambda r: r[2]):
            while done < len(ended) and ended[done][3] < row[2]:
                if ended[done][5] > highest:
                    highest, at = int(ended[done][5]), ended[done]
                done += 1
            if row[5] < highest:
                found.append(
                    {
                        "target": target,
                        "total": int(row[5]),
                        "after": highest,
                        "ended_at": at[3] if at else None,
                        "began_at": row[2],
                    }
                )
    return found


def find_probes(base: Path, added: Path, n: int = 3) -> list[tuple[str, int]]:
    """Up to ``n`` words, searched with exact spelling only, that no article of the index
    ``base`` holds and the most articles of the index ``added`` hold, each with another count
    (so not a word and its plural): (word, count there)."""
    words: Counter[str] = Counter()
    with Engine(added) as engine:
        for hit in engine.search(SearchRequest.from_params("", size=100)).hits:
            words.update(w.lower() for w in re.findall(r"[a-zA-Z]{5,}", hit.title))
        counts = {
            w: engine.search(SearchRequest.from_params(w, exact=True)).total
            for w, _ in words.most_common(300)
        }
    probes = []
    with Engine(base) as engine:
        for word, count in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
            if count in {c for _, c in probes}:
                continue
            if engine.search(SearchRequest.from_params(word, exact=True)).total == 0:
                probes.append((word, count))
            if len(probes) == n:
                break
    return probes


def live_targets(mix: list[dict[str, object]], probes: list[tuple[str, int]]) -> list[str]:
    probe_paths = [
        "/api/search?" + urllib.parse.urlencode({"q": word, "exact": 1}) for word, _ in probes
    ]
    return [*paths(mix), *probe_paths, "/api/search"]


def run_live(
    index_dir: Path,
    added: list[Path],
    added_index: Path,
    clients: int,
    seconds: float,
    workers: int,
    delay: float,
    after: float = 5.0,
) -> dict[str, object]:
    """Serve ``index_dir`` with ``workers`` processes; ``clients`` keep-alive clients for
    ``seconds``, and at least ``after`` seconds after the index run ended; after ``delay``
    seconds that run adds ``added`` (whose articles alone are indexed at ``added_index``) to the
    served index. The figures, and every total seen."""
    with Engine(index_dir) as engine:
        before = engine.documents()
    with Engine(added_index) as engine:
        adding = engine.documents()
    probes = find_probes(index_dir, added_index)
    targets = live_targets(load_mix(), probes)
    folder = Path(tempfile.mkdtemp(prefix="live-load-"))
    (folder / "targets.json").write_text(json.dumps(targets), encoding="utf-8")
    stop = folder / "stop"
    port = free_port()
    server = serve(index_dir, port, workers=workers)
    try:
        command = [sys.executable, __file__, "--drive", str(port), "--clients", str(clients)]
        command += ["--seconds", str(seconds + LONGEST_INDEX_RUN_S + after)]
        command += ["--targets", str(folder / "targets.json"), "--stop", str(stop)]
        driver = subprocess.Popen(command, stdout=subprocess.PIPE, text=True)
        started = time.monotonic()
        time.sleep(delay)
        indexing = [sys.executable, "-m", "search", "index", "--index", str(index_dir)]
        index_started = time.monotonic()
        indexer = subprocess.run(
            [*indexing, "--quiet", *map(str, added)],
            capture_output=True,
            text=True,
            timeout=LONGEST_INDEX_RUN_S,
            check=False,
        )
        index_ended = time.monotonic()
        time.sleep(max(started + seconds - time.monotonic(), after))
        stop.touch()
        out, _ = driver.communicate(timeout=120)
        answers = json.loads(out)["answers"]
        with Engine(index_dir) as engine:
            after = engine.documents()
    finally:
        server.terminate()
        server.wait(timeout=30)
        shutil.rmtree(folder, ignore_errors=True)
    return live_figures(
        answers,
        targets,
        probes,
        before,
        adding,
        after,
        index_started,
        index_ended,
        indexer.returncode,
        indexer.stderr,
    )


def live_figures(
    answers: list[list[float]],
    targets: list[str],
    probes: list[tuple[str, int]],
    before: int,
    adding: int,
    after: int,
    index_started: float,
    index_ended: float,
    index_status: int,
    index_stderr: str,
) -> dict[str, object]:
    start = min((row[2] for row in answers), default=index_started)
    end = max((row[3] for row in answers), default=index_ended)
    errors = [row for row in answers if row[4] == 0 or row[4] >= 500]
    refused = [row for row in answers if 400 <= row[4] < 500]
    latencies = [(row[3] - row[2]) * 1000 for row in answers]
    totals: dict[str, list[int]] = {}  # each query's distinct totals, in the order first seen
    for row in sorted(answers, key=lambda r: r[3]):
        if row[4] == 200:
            seen = totals.setdefault(targets[int(row[1])], [])
            if int(row[5]) not in seen:
                seen.append(int(row[5]))
    probe_rows = []
    for (word, count), target in zip(probes, targets[-1 - len(probes) : -1], strict=True):
        rows = sorted(
            (r for r in answers if targets[int(r[1])] == target and r[4] == 200), key=lambda r: r[3]
        )
        full = [r for r in rows if r[5] == count]
        probe_rows.append(
            {
                "q": word,
                "expected": count,
                "first_total": int(rows[0][5]) if rows else None,
                "last_total": int(rows[-1][5]) if rows else None,
                "answers": len(rows),
                "full_count_after_commit_s": (round(full[0][3] - index_ended, 2) if full else None),
            }
        )
    every = totals.get(targets[-1], [])
    return {
        "clients": len({row[0] for row in answers}),
        "requests": len(answers),
        "seconds": round(end - start, 1),
        "requests_per_s": round(len(answers) / max(end - start, 1e-9), 1),
        "median_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p95_ms": round(percentile(latencies, 0.95), 2) if latencies else None,
        "slowest_ms": round(max(latencies), 1) if latencies else None,
        "errors": len(errors),
        "refused": len(refused),
        "backwards": backwards(answers),
        "index_run": {
            "status": index_status,
            "started_s": round(index_started - start, 1),
            "took_s": round(index_ended - index_started, 1),
            "stderr": index_stderr[-2000:],
        },
        "documents": {"before": before, "adding": adding, "after": after},
        "every_article_totals": every,
        "probes": probe_rows,
        "totals": totals,
    }


def base_index(corpora: Path = DEFAULT_CORPORA) -> Path:
    """An index of every corpus but fakes.jsonl, built once into bench/out/live/base."""
    base = LIVE_OUT / "base"
    files = sorted(p for p in corpora.glob("*.jsonl") if p.name != FAKES.name)
    try:
        with Engine(base) as engine:
            if engine.documents():
                return base
    except SearchError:  # missing, partial or outdated: built again
        pass
    shutil.rmtree(base, ignore_errors=True)
    command = [sys.executable, "-m", "search", "index", "--index", str(base), "--procs", "2"]
    subprocess.run([*command, "--rebuild", "--quiet", *map(str, files)], check=True)
    return base


def live(clients: int, seconds: float, workers: int) -> dict[str, object]:
    base = base_index()
    served = LIVE_OUT / "index"
    shutil.rmtree(served, ignore_errors=True)
    shutil.copytree(base, served)
    with tempfile.TemporaryDirectory(prefix="live-") as tmp:
        fakes_only = Path(tmp) / "fakes"
        index_corpus(fakes_only, [FAKES])
        figures = run_live(
            served, [FAKES], fakes_only, clients, seconds, workers, delay=seconds / 6
        )
    figures["workers"] = workers
    return figures


def print_live(figures: dict[str, object]) -> None:
    docs = figures["documents"]
    run = figures["index_run"]
    print(
        f"/api/search under load while indexing: `news-search serve --workers "
        f"{figures['workers']}`, {figures['clients']} keep-alive clients for "
        f"{figures['seconds']} s; `news-search index` added {docs['adding']:,} articles to "
        f"{docs['before']:,} (now {docs['after']:,}), starting at {run['started_s']} s and "
        f"taking {run['took_s']} s (exit status {run['status']})\n"
    )
    columns = ["requests", "requests_per_s", "median_ms", "p95_ms", "slowest_ms", "errors"]
    columns.append("refused")
    print_table(
        [
            "requests",
            "requests/s",
            "median ms",
            "p95 ms",
            "slowest ms",
            "errors",
            "refused (4xx)",
            "totals that went backwards",
        ],
        [[figures[c] for c in columns] + [len(figures["backwards"])]],
    )
    print("\nprobes (exact=1, words only fakes.jsonl holds):\n")
    print_table(
        ["query", "first total", "last total", "expected", "answers", "full count after commit"],
        [
            [
                p["q"],
                p["first_total"],
                p["last_total"],
                p["expected"],
                p["answers"],
                "never"
                if p["full_count_after_commit_s"] is None
                else f"{p['full_count_after_commit_s']} s",
            ]
            for p in figures["probes"]
        ],
    )
    print(f"\nevery article (the empty query): totals {figures['every_article_totals']}")
    changed = {q: t for q, t in figures["totals"].items() if len(t) > 1}
    print(f"queries whose total changed: {len(changed)} of {len(figures['totals'])}")
    for q, t in changed.items():
        print(f"- {urllib.parse.unquote_plus(q)}: {' -> '.join(map(str, t))}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, metavar="DIR")
    parser.add_argument(
        "--clients", type=int, nargs="+", metavar="N", help="default: 1 8 32 (--live: 32)"
    )
    parser.add_argument("--seconds", type=float, metavar="S", help="default: 10 (--live: 60)")
    parser.add_argument(
        "--workers", type=int, metavar="N", help="default: one per core (--live: 2)"
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument(
        "--live", action="store_true", help="load while an index run adds fakes.jsonl"
    )
    parser.add_argument("--drive", type=int, metavar="PORT", help=argparse.SUPPRESS)
    parser.add_argument("--targets", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--stop", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.drive and args.targets:  # the clients of --live, in a process of their own
        targets = json.loads(args.targets.read_text(encoding="utf-8"))
        answers = drive_live(args.drive, args.clients[0], args.seconds, targets, args.stop)
        print(json.dumps(answers))
        return 0
    if args.drive:
        print(json.dumps(drive(args.drive, args.clients[0], args.seconds or 10.0)))
        return 0
    if args.live:
        clients = args.clients[0] if args.clients else 32
        figures = live(clients, args.seconds or 60.0, args.workers or 2)
        print_live(figures)
        if args.json:
            write_json(args.json, figures)
        probes_ok = all(
            p["first_total"] == 0 and p["last_total"] == p["expected"] for p in figures["probes"]
        )
        ok = not figures["errors"] and not figures["backwards"] and probes_ok
        return 0 if ok and figures["probes"] else 1
    if args.index is None:
        parser.error("--index is required")
    args.seconds = args.seconds or 10.0
    workers = args.workers or os.cpu_count() or 1
    figures = run(args.index, args.clients or [1, 8, 32], args.seconds, workers)
    print(
        f"/api/search under load: `news-search serve --workers {figures['workers']}`, "
        f"{args.seconds:g} s per client count, bench/mix.json in turn\n"
    )
    columns = ["clients", "requests", "requests_per_s", "median_ms", "p95_ms", "errors", "refused"]
    print_table(
        ["clients", "requests", "requests/s", "median ms", "p95 ms", "errors", "refused (4xx)"],
        [[r[c] for c in columns] for r in figures["rows"]],  # type: ignore[attr-defined]
    )
    memory = figures["memory"]
    print(
        f"\nServer memory after the load: {memory['processes']} processes, "  # type: ignore[index]
        f"{memory['rss_mib']} MiB resident in all, the largest peak "  # type: ignore[index]
        f"{memory['peak_rss_mib']} MiB"  # type: ignore[index]
    )
    if args.json:
        write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
