"""Index-time benchmark: build an index of the five shared corpora and report the figures.

    python bench/index_corpora.py [--procs 1 2] [--corpora DIR] [--json]

Each build runs `news-search index --rebuild` as a separate process into a temporary directory
and reports wall time, articles per second, index size on disk and the peak resident memory of
the build (the largest of the indexing process and its writer processes).
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import print_table

from search.engines.whoosh.store import dir_size

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"


def build(corpora: Path, procs: int) -> dict[str, object]:
    """One build, run from a fresh process so that peak memory is this build's alone."""
    result = subprocess.run(
        [sys.executable, __file__, "--one", str(procs), "--corpora", str(corpora)],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)


def _build_here(corpora: Path, procs: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="news-search-bench-") as tmp:
        return build_into(corpora, Path(tmp) / "index", procs)


def build_into(corpora: Path, index_dir: Path, procs: int) -> dict[str, object]:
    """Index ``corpora`` from scratch into ``index_dir`` with `news-search index` as a child
    process; its figures. The peak memory is the largest of this process's children so far:
    call it from a fresh process."""
    started = time.perf_counter()
    result = subprocess.run(
        [
            *(sys.executable, "-m", "search", "index", "--index", str(index_dir)),
            *("--rebuild", "--json", "--procs", str(procs), str(corpora)),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    seconds = time.perf_counter() - started
    peak_kib = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    summary = json.loads(result.stdout)
    return {
        "procs": procs,
        "articles": summary["documents"],
        "skipped": summary["skipped"],
        "seconds": round(seconds, 1),
        "articles_per_s": round(summary["documents"] / seconds, 1),
        "index_mib": round(dir_size(index_dir) / 2**20, 1),
        "peak_rss_mib": round(peak_kib / 1024, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        print(json.dumps(_build_here(args.corpora, args.one)))
        return 0
    rows = [build(args.corpora, procs) for procs in args.procs]
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    print(f"Index build of {args.corpora}\n")
    columns = ["procs", "articles", "skipped", "seconds", "articles_per_s", "index_mib"]
    print_table(
        ["procs", "articles", "skipped", "seconds", "articles/s", "index MiB", "peak RSS MiB"],
        [[r[c] for c in [*columns, "peak_rss_mib"]] for r in rows],
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
