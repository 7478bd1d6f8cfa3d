"""Issue 17's targets, each as the ratio it sets, from the figures of one `make bench` run.

    python bench/targets.py [--peers FILE] [--load FILE] [--baseline FILE] [--json FILE]

Reads what bench/peers.py (--peers, default bench/out/peers.json), bench/load.py (--load,
default bench/out/load.json) and bench/baseline.py (--baseline, default
bench/out/baseline.json: the code before the issue, measured in the same run) wrote, and prints
one row per target: the figure, the peer's, their ratio, the target and whether it is met.
Without a baseline file, the rows that need one say so.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from timing import print_table, write_json

OUT = Path(__file__).resolve().parent / "out"


def _load(path: Path) -> dict | None:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def _by_engine(rows: list[dict], procs: int | None = None) -> dict[str, dict]:
    return {r["engine"]: r for r in rows if procs is None or r.get("procs") == procs}


def _row(what: str, ours: float, peer: float | None, peer_name: str, target: str, met) -> list:
    """One target: ``met`` judges the ratio (None: a figure with no target of its own)."""
    if peer is None:
        return [what, ours, "-", "-", target, f"no {peer_name} figure"]
    ratio = ours / peer if peer else float("inf")
    verdict = met(ratio)
    status = "" if verdict is None else "met" if verdict else "missed"
    return [what, ours, f"{peer} ({peer_name})", f"{ratio:.2f}x", target, status]


def rows(peers: dict, load: dict | None, baseline: dict | None) -> list[list]:
    queries = _by_engine(peers["queries"])
    builds = _by_engine(peers["builds"], procs=2)
    ours, tantivy, fts5 = queries["ours"], queries.get("tantivy"), queries.get("fts5")
    found: list[list] = []
    for key, limit in (("median_ms", 3.0), ("p95_ms", 5.0)):
        label = "median" if key == "median_ms" else "p95"
        found.append(
            _row(
                f"query {label} ms",
                ours[key],
                tantivy and tantivy[key],
                "tantivy",
                f"<= {limit:g}x tantivy",
                lambda r, limit=limit: r <= limit,
            )
        )
        found.append(
            _row(
                f"query {label} ms",
                ours[key],
                fts5 and fts5[key],
                "FTS5",
                "< 1x FTS5",
                lambda r: r < 1,
            )
        )
    then = baseline and baseline.get("queries")
    for key in ("median_ms", "p95_ms"):
        label = "median" if key == "median_ms" else "p95"
        found.append(
            _row(
                f"query {label} ms",
                ours[key],
                then and then[key],
                "before issue 17",
                "(no target)",
                lambda r: None,
            )
        )
    build, whoosh = builds["ours"], builds.get("whoosh")
    found.append(
        [
            "build articles/s, 2 processes",
            build["articles_per_s"],
            "-",
            "-",
            ">= 1,300",
            "met" if build["articles_per_s"] >= 1300 else "missed",
        ]
    )
    found.append(
        _row(
            "build articles/s, 2 processes",
            build["articles_per_s"],
            whoosh and whoosh["articles_per_s"],
            "plain Whoosh",
            ">= 3.5x plain Whoosh",
            lambda r: r >= 3.5,
        )
    )
    found.append(
        _row(
            "index MiB",
            build["index_mib"],
            whoosh and whoosh["index_mib"],
            "plain Whoosh",
            "<= 1.3x plain Whoosh",
            lambda r: r <= 1.3,
        )
    )
    old_build = baseline and baseline["build"]
    found.append(
        _row(
            "build articles/s, 2 processes",
            build["articles_per_s"],
            old_build and old_build["articles_per_s"],
            "before issue 17",
            "about 2x before",
            lambda r: r >= 2,
        )
    )
    found.append(
        _row(
            "build peak RSS MiB",
            build["peak_rss_mib"],
            old_build and old_build["peak_rss_mib"],
            "before issue 17",
            "<= 1x before",
            lambda r: r <= 1,
        )
    )
    if load is not None:
        now = {r["clients"]: r for r in load["rows"]}.get(32)
        then = baseline and {r["clients"]: r for r in baseline["load"]["rows"]}.get(32)
        if now is not None:
            found.append(
                _row(
                    "32 clients, requests/s",
                    now["requests_per_s"],
                    then and then["requests_per_s"],
                    "before issue 17",
                    ">= 2x before",
                    lambda r: r >= 2,
                )
            )
            found.append(
                [
                    "32 clients, errors",
                    now["errors"],
                    "-",
                    "-",
                    "0",
                    "met" if now["errors"] == 0 else "missed",
                ]
            )
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--peers", type=Path, default=OUT / "peers.json", metavar="FILE")
    parser.add_argument("--load", type=Path, default=OUT / "load.json", metavar="FILE")
    parser.add_argument("--baseline", type=Path, default=OUT / "baseline.json", metavar="FILE")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the rows here")
    args = parser.parse_args(argv)
    peers = _load(args.peers)
    if peers is None:
        raise SystemExit(f"bench/targets.py: no {args.peers}: run bench/peers.py --json first")
    table = rows(peers, _load(args.load), _load(args.baseline))
    print("\nIssue 17's targets, from one run\n")
    print_table(["figure", "ours", "peer", "ratio", "target", ""], table)
    if args.json:
        write_json(args.json, {"rows": table})
    return 0


if __name__ == "__main__":
    sys.exit(main())
