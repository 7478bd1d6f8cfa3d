"""The code before issue 17, measured in the same run: its build and its server under load.

    python bench/baseline.py [--commit SHA] [--out DIR] [--json FILE]

Issue 17's targets compare the product with itself as it was ("throughput at least 2x
today's", "peak memory no higher than today"). Figures recorded on another day or machine are
no ratio, so this checks out the commit the issue started from (``git worktree``, into
--out, default bench/out/baseline/), builds an index of the five corpora with it (``--procs 2``,
its wall time, articles/s and the largest process's peak memory), asks that index the query
mix as ``bench/peers.py`` does (its own copy, warm, 3 times each) and runs its own
``bench/load.py`` against it. The current code is measured by ``bench/load.py`` and
``bench/peers.py`` in the same ``make bench``; ``bench/targets.py`` sets the two side by side.
It needs the repository's history (a shallow clone lacks the commit: it says so and stops).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from timing import write_json

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"
#: The last commit before issue 17's changes (main when the issue was taken up).
COMMIT = "fff5959"
OUT = ROOT / "bench" / "out" / "baseline"


def _checkout(commit: str, where: Path) -> None:
    if where.exists():
        subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(where)])
        shutil.rmtree(where, ignore_errors=True)
    result = subprocess.run(
        ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), commit],
        capture_output=True,
        text=True,
    )
    if result.returncode:
        raise SystemExit(f"bench/baseline.py: cannot check out {commit}: {result.stderr.strip()}")


def _env(code: Path) -> dict[str, str]:
    # The old code's package first: the virtual environment's editable install is this one.
    # (Every command also runs in the old checkout: ``python -m`` puts the working directory
    # before PYTHONPATH.)
    return {**os.environ, "PYTHONPATH": str(code)}


def _json_of(code: Path, command: list[str]) -> dict:
    """What a command of the old code prints as JSON, run in its checkout."""
    result = subprocess.run(
        command, env=_env(code), cwd=code, check=True, capture_output=True, text=True
    )
    return json.loads(result.stdout)


def measure(commit: str, out: Path) -> dict[str, object]:
    code, index = out / "code", out / "index"
    out.mkdir(parents=True, exist_ok=True)
    _checkout(commit, code)
    shutil.rmtree(index, ignore_errors=True)
    started = time.perf_counter()
    command = [sys.executable, "-m", "search", "index", "--index", str(index), "--procs", "2"]
    subprocess.run([*command, "--quiet", str(CORPORA)], env=_env(code), cwd=code, check=True)
    seconds = time.perf_counter() - started
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    info = [sys.executable, "-m", "search", "info", "--index", str(index), "--json"]
    documents = _json_of(code, info)["documents"]
    # The mix as bench/peers.py asks it of ours (top 10 with snippets, warm, 3 times each).
    peers = [sys.executable, str(code / "bench" / "peers.py"), "--query-one", "ours", str(index)]
    queries = _json_of(code, [*peers, "--repeat", "3"])
    load_json = out / "load.json"
    load = [sys.executable, str(code / "bench" / "load.py"), "--index", str(index)]
    subprocess.run([*load, "--json", str(load_json)], env=_env(code), cwd=code, check=True)
    return {
        "commit": commit,
        "build": {
            "articles": documents,
            "seconds": round(seconds, 1),
            "articles_per_s": round(documents / seconds, 1),
            "peak_rss_mib": round(peak, 1),
        },
        "queries": {k: queries[k] for k in ("runs", "median_ms", "p95_ms", "p99_ms")},
        "load": json.loads(load_json.read_text(encoding="utf-8")),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commit", default=COMMIT)
    parser.add_argument("--out", type=Path, default=OUT, metavar="DIR")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    figures = measure(args.commit, args.out)
    build = figures["build"]
    queries = figures["queries"]
    print(
        f"\nbaseline {args.commit}: build {build['articles']:,} articles in {build['seconds']} s "
        f"({build['articles_per_s']:,} articles/s, peak {build['peak_rss_mib']} MiB); the mix "
        f"{queries['median_ms']} ms median, {queries['p95_ms']} ms p95"
    )
    if args.json:
        write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
