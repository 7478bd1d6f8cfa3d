"""Matching quality and cost in one run: the tables of issue 4, points 1 to 3 and 5.

    python bench/quality.py [--index DIR] [--corpora DIR] [--procs 2] [--rounds 1] [--repeat 5]
                            [--skip-build]

Runs, one after the other, each as its own process (so that no cache of one warms another):

1. bench/matching.py: group recall, pair recall and false merges on ../shared/eval, with the
   unidecode, Soundex and Double Metaphone baselines (point 1);
2. bench/common_words.py --index DIR: the share of the commonest words given another common
   word's key, per key function and for the engine as it searches (point 1);
3. bench/real_text.py --index DIR: recall, precision and typed-first per name on the corpora,
   for Latin spellings and Arabic-script forms (points 2 and 3);
4. bench/matching_cost.py --index DIR: query latency with every tier on against exact words
   only, and indexing time with and without the key fields (point 5; --skip-build leaves the
   two builds out; --procs, --rounds and --repeat are passed on).

--index is an index of the corpora (default bench/out/index, which ``make bench-matching``
builds or brings up to date first). Exits with 1 if any step failed, naming it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

from search import SearchError
from search.engines.whoosh.store import open_index

BENCH = Path(__file__).resolve().parent
DEFAULT_INDEX = BENCH / "out" / "index"
DEFAULT_CORPORA = BENCH.parents[1] / "shared" / "corpora"


def steps(args: argparse.Namespace) -> list[tuple[str, list[str]]]:
    """Each step's heading and its script with arguments."""
    index = ["--index", str(args.index)]
    corpora = ["--corpora", str(args.corpora)]
    cost = [*index, *corpora, "--procs", str(args.procs), "--rounds", str(args.rounds)]
    cost += ["--repeat", str(args.repeat)]
    return [
        ("Point 1: matching quality on the evaluation set", ["matching.py"]),
        ("Point 1: common words given another's key", ["common_words.py", *index, *corpora]),
        ("Points 2 and 3: matching on real text", ["real_text.py", *index, *corpora]),
        (
            "Point 5: what matching costs",
            ["matching_cost.py", *cost, *(["--skip-build"] if args.skip_build else [])],
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, default=DEFAULT_INDEX, metavar="DIR")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, metavar="DIR")
    parser.add_argument("--procs", type=int, default=2, metavar="N")
    parser.add_argument("--rounds", type=int, default=1, metavar="N")
    parser.add_argument("--repeat", type=int, default=5, metavar="N")
    parser.add_argument("--skip-build", action="store_true", help="no index builds in point 5")
    args = parser.parse_args(argv)
    try:
        open_index(args.index).close()
    except SearchError as e:
        print(f"quality: {e.message}", file=sys.stderr)
        return 2
    failed = []
    for title, (script, *script_args) in steps(args):
        print(f"\n## {title} (bench/{script})\n", flush=True)
        done = subprocess.run([sys.executable, str(BENCH / script), *script_args], check=False)
        if done.returncode:
            failed.append(f"bench/{script} (exit status {done.returncode})")
    if failed:
        print(f"\nquality: failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
