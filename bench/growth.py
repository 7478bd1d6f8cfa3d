"""Growth: how build time, index size, build memory and query latency grow with the archive.

    python bench/growth.py [--corpora DIR] [--out DIR] [--sizes 52641 250000 500000]
                           [--procs 2] [--repeat 3] [--json FILE]

For each size, a synthetic corpus is written to --out (default bench/out/growth/): the JSON
Lines corpora repeated, every copy after the first with new ids (``<id>~synthetic-<n>``) and
its source labelled ``<source> (synthetic)``, cut at the size asked for. It is indexed from
scratch by ``news-search index --procs N`` in a fresh process (wall time, articles/s, index
size, peak resident memory of the largest process), and the committed mix bench/mix.json is
run through the engine over it (top 10 with snippets, warm, --repeat times: median and 95th
percentile).
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from index_corpora import build_into
from peers import load_mix, searcher_ours
from timing import percentile, print_table, write_json

from search.write.corpus import find_files

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
DEFAULT_OUT = ROOT / "bench" / "out" / "growth"
SIZES = [52641, 250_000, 500_000]


def write_corpus(corpora: Path, size: int, out: Path) -> int:
    """A corpus of ``size`` records under ``out``: the corpora, then copies with new ids."""
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir(parents=True)
    lines = [
        line
        for path in find_files([corpora]).files
        if path.suffix == ".jsonl"
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    written = 0
    copy = 0
    with (out / "articles.jsonl").open("w", encoding="utf-8") as f:
        while written < size:
            for line in lines:
                if written >= size:
                    break
                if copy:
                    record = json.loads(line)
                    record["id"] = f"{record.get('id')}~synthetic-{copy}"
                    if record.get("source"):
                        record["source"] = f"{record['source']} (synthetic)"
                    line = json.dumps(record, ensure_ascii=False)
                f.write(line + "\n")
                written += 1
            copy += 1
    return written


def queries(index_dir: Path, repeat: int) -> dict[str, object]:
    run = searcher_ours(index_dir)
    timings: list[float] = []
    for query in load_mix():
        run(query)  # warm-up
        for _ in range(repeat):
            started = time.perf_counter()
            run(query)
            timings.append((time.perf_counter() - started) * 1000)
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
    }


def _measure_one(corpora: Path, size: int, out: Path, procs: int, repeat: int) -> dict:
    corpus = out / f"corpus-{size}"
    written = write_corpus(corpora, size, corpus)
    row: dict[str, object] = {"size": size, "records": written}
    shutil.rmtree(out / f"index-{size}", ignore_errors=True)
    row |= build_into(corpus, out / f"index-{size}", procs)
    row |= queries(out / f"index-{size}", repeat)
    return row


def measure(corpora: Path, sizes: list[int], out: Path, procs: int, repeat: int) -> list[dict]:
    """Each size measured in a fresh process, so that peak memory is that build's alone."""
    rows = []
    for size in sizes:
        command = [sys.executable, __file__, "--one", str(size), "--corpora", str(corpora)]
        command += ["--out", str(out), "--procs", str(procs), "--repeat", str(repeat)]
        result = subprocess.run(command, capture_output=True, text=True, check=False)
        if result.returncode:
            raise SystemExit(f"growth to {size:,} failed:\n{result.stderr.strip()}")
        rows.append(json.loads(result.stdout))
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, metavar="DIR")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR")
    parser.add_argument("--sizes", type=int, nargs="+", default=SIZES, metavar="N")
    parser.add_argument("--procs", type=int, default=2, metavar="N")
    parser.add_argument("--repeat", type=int, default=3, metavar="N")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.one:
        row = _measure_one(args.corpora, args.one, args.out, args.procs, args.repeat)
        print(json.dumps(row))
        return 0
    rows = measure(args.corpora, args.sizes, args.out, args.procs, args.repeat)
    print(f"Growth: the corpora repeated with new ids, --procs {args.procs}\n")
    columns = ["articles", "seconds", "articles_per_s", "index_mib", "peak_rss_mib"]
    print_table(
        ["articles", "seconds", "articles/s", "index MiB", "peak RSS MiB", "median ms", "p95 ms"],
        [[r[c] for c in [*columns, "median_ms", "p95_ms"]] for r in rows],
    )
    if args.json:
        write_json(args.json, rows)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
