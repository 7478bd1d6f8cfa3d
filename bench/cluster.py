"""The cluster against the embedded index: the same results, and how each grows.

    python bench/cluster.py compare [--corpora DIR] [--index DIR] [--dir DIR] [--shards 3]
                                    [--replicas 1] [--json FILE]
    python bench/cluster.py scale --corpus DIR [--dir DIR] [--shards 3] [--procs 2]
                                  [--repeat 3] [--json FILE]

``compare`` starts a local cluster (``news-search cluster start``) in --dir (default
bench/out/cluster/), indexes the corpora into it and into an embedded index (--index, default
bench/out/index, built when missing or stale), and runs every query of bench/mix.json and of the
matching benchmarks' spelling sets (variants.json and dev.json: each spelling as a query)
through both engines: totals, stories, source and timeline facets and matched spellings must be
equal; the top 10 are compared by overlap and order. Held-out names are not used.

``scale`` indexes one corpus (bench/growth.py writes the synthetic ones) from scratch into the
embedded index (``--procs`` writer processes) and into a cluster of --shards shards with no
replica, each by the CLI in a fresh process: build time and rate, size, the peak memory of the
indexing process, the memory of every shard server after the queries, and the mix's latency
(top 10 with snippets, --repeat times), with a projection to 10 million articles.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from peers import load_mix
from timing import percentile, print_table, write_json

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from bench.matching_e2e import SETS, load_set  # noqa: E402
from search import Engine, SearchError, SearchRequest  # noqa: E402
from search.backend import ClusterFile  # noqa: E402
from search.engines.whoosh.store import dir_size  # noqa: E402

DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
OUT = ROOT / "bench" / "out"


def _cli(*args: object) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "search", *map(str, args)], capture_output=True, text=True
    )
    if result.returncode:
        raise SystemExit(f"news-search {' '.join(map(str, args))} failed:\n{result.stderr}")
    return result.stdout


def start_cluster(directory: Path, shards: int, replicas: int) -> Path:
    if (directory / "servers.json").exists():
        _cli("cluster", "stop", "--dir", directory)
    shutil.rmtree(directory, ignore_errors=True)
    return Path(
        _cli(
            "cluster", "start", "--dir", directory, "--shards", shards, "--replicas", replicas
        ).strip()
    )


def replica_lag(directory: Path, limit: float = 60.0) -> float:
    """Seconds from now (just after a commit) until every replica holds what its master does."""
    import xapian

    spec = json.loads((directory / "cluster.json").read_text(encoding="utf-8"))
    started = time.perf_counter()
    while time.perf_counter() - started < limit:
        behind = 0
        for shard in spec["shards"]:
            master = xapian.Database(str(Path(spec["masters"]["dir"]) / shard["name"]))
            want = master.get_lastdocid(), master.get_doccount()
            for server in shard["servers"][1:]:
                copy = xapian.remote_open(server["host"], server["port"])
                behind += (copy.get_lastdocid(), copy.get_doccount()) != want
        if not behind:
            return round(time.perf_counter() - started, 2)
        time.sleep(0.05)
    return float("inf")


def request_of(query: dict[str, object]) -> SearchRequest:
    return SearchRequest.from_params(
        str(query["q"]),
        page=str(query.get("page", 1)),
        size="10",
        sort=str(query.get("sort", "relevance")),
        date_from=query.get("from"),  # type: ignore[arg-type]
        date_to=query.get("to"),  # type: ignore[arg-type]
        sources=[str(query["source"])] if query.get("source") else [],
    )


def matching_queries() -> list[dict[str, object]]:
    """Each spelling of the variants and dev sets, as a query (held-out sets left out)."""
    found: list[dict[str, object]] = []
    for name in ("variants", "dev"):
        for q in load_set(name, SETS[name]).queries():
            found.append({"kind": f"{name} spelling", "q": q})
    return found


def _answer(engine: Engine, query: dict[str, object]) -> dict[str, object] | str:
    try:
        response = engine.search(request_of(query))
    except SearchError as error:
        return f"error: {error.code}"
    data = response.to_json()
    return {
        "total": data["total"],
        "stories": data["stories"],
        "pages": data["pages"],
        "sources": data["sources"],
        "timeline": data["timeline"],
        "spellings": data["spellings"],
        "ids": [h["id"] for h in data["hits"]],  # type: ignore[index]
        "matched": [sorted(h["matched"]) for h in data["hits"]],  # type: ignore[index]
    }


def compare(args: argparse.Namespace) -> dict[str, object]:
    index = args.index
    try:
        Engine(index).close()
    except SearchError:
        _cli("index", "--index", index, "--rebuild", "--procs", "2", "--quiet", args.corpora)
    cluster_file = start_cluster(args.dir, args.shards, args.replicas)
    started = time.perf_counter()
    _cli("index", "--cluster", cluster_file, "--quiet", args.corpora)
    build_s = time.perf_counter() - started
    fresh = [replica_lag(args.dir)]
    extra = args.dir / "extra.jsonl"
    for run in range(3):  # small incremental runs: the replicas catch up by change sets
        extra.write_text(
            "".join(
                json.dumps({"id": f"fresh-{run}-{i}", "body": f"Hizballah said {run} {i}."}) + "\n"
                for i in range(30)
            ),
            encoding="utf-8",
        )
        _cli("index", "--cluster", cluster_file, "--quiet", args.corpora, extra)
        fresh.append(replica_lag(args.dir))
    extra.write_text("", encoding="utf-8")  # read again, empty: its articles are removed
    _cli("index", "--cluster", cluster_file, "--quiet", args.corpora, extra)
    fresh.append(replica_lag(args.dir))
    queries = [*load_mix(), *matching_queries()]
    rows = []
    same = {"counts": 0, "top10_same_order": 0, "top1": 0, "top10_same_set": 0}
    overlaps: list[float] = []
    differing: list[dict[str, object]] = []
    embedded, cluster = Engine(index), Engine(ClusterFile(cluster_file))
    times: dict[str, list[float]] = {"embedded": [], "cluster": []}
    for query in queries:
        answers = {}
        for name, engine in (("embedded", embedded), ("cluster", cluster)):
            _answer(engine, query)  # warm
            t = time.perf_counter()
            answers[name] = _answer(engine, query)
            times[name].append((time.perf_counter() - t) * 1000)
        a, b = answers["embedded"], answers["cluster"]
        if isinstance(a, str) or isinstance(b, str):
            ok = a == b
            same["counts"] += ok
            if not ok:
                differing.append({"q": query["q"], "embedded": a, "cluster": b})
            continue
        counts = all(a[k] == b[k] for k in ("total", "stories", "sources", "timeline", "spellings"))
        same["counts"] += counts
        if not counts:
            differing.append(
                {"q": query["q"], **{k: [a[k], b[k]] for k in ("total", "stories", "spellings")}}
            )
        top_a, top_b = a["ids"], b["ids"]
        overlap = len(set(top_a) & set(top_b)) / max(1, len(top_a)) if top_a or top_b else 1.0
        overlaps.append(overlap)
        same["top10_same_order"] += top_a == top_b
        same["top10_same_set"] += set(top_a) == set(top_b)
        same["top1"] += top_a[:1] == top_b[:1]
        rows.append([query.get("kind", ""), query["q"], a["total"], b["total"], f"{overlap:.0%}"])
    embedded.close()
    cluster.close()
    _cli("cluster", "stop", "--dir", args.dir)
    result = {
        "queries": len(queries),
        "same_counts": same["counts"],
        "top10_same_order": same["top10_same_order"],
        "top10_same_set": same["top10_same_set"],
        "top1_same": same["top1"],
        "mix_overlap": {f"{r[0]}: {r[1]}": r[4] for r in rows[: len(load_mix())]},
        "top10_overlap_mean": round(statistics.mean(overlaps), 3),
        "top10_overlap_min": round(min(overlaps), 3),
        "differing_counts": differing,
        "cluster_build_s": round(build_s, 1),
        "replica_lag_s": fresh,
        "latency_ms": {
            name: {
                "median": round(statistics.median(t), 2),
                "p95": round(percentile(t, 0.95), 2),
            }
            for name, t in times.items()
        },
    }
    print_table(["kind", "query", "embedded total", "cluster total", "top-10 overlap"], rows[:40])
    print(json.dumps({k: v for k, v in result.items() if k != "differing_counts"}, indent=2))
    for d in differing[:20]:
        print("differs:", json.dumps(d, ensure_ascii=False)[:400])
    return result


def _server_rss_mib(directory: Path) -> list[float]:
    """Resident memory of each shard server with the processes it forked (MiB)."""
    data = json.loads((directory / "servers.json").read_text(encoding="utf-8"))
    sizes = []
    for process in data["processes"]:
        if process["kind"] != "server":
            continue
        group = subprocess.run(
            ["ps", "-o", "rss=", "-g", str(process["pid"])], capture_output=True, text=True
        ).stdout.split()
        sizes.append(round(sum(int(k) for k in group) / 1024, 1))
    return sizes


def _latency(engine: Engine, repeat: int) -> dict[str, float]:
    timings = []
    for query in load_mix():
        _answer(engine, query)
        for _ in range(repeat):
            t = time.perf_counter()
            _answer(engine, query)
            timings.append((time.perf_counter() - t) * 1000)
    return {
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
    }


def _build(command: list[object]) -> dict[str, object]:
    """One index run in a fresh process: its seconds, summary and peak memory."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    t = time.perf_counter()
    summary = json.loads(_cli(*command))
    seconds = time.perf_counter() - t
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return {
        "articles": summary["documents"],
        "seconds": round(seconds, 1),
        "articles_per_s": round(summary["documents"] / seconds, 1),
        "peak_rss_mib": round(max(peak, before) / 1024, 1),
    }


def scale(args: argparse.Namespace) -> dict[str, object]:
    index = args.dir / "embedded"
    shutil.rmtree(index, ignore_errors=True)
    embedded = _build(
        ["index", "--index", index, "--rebuild", "--json", "--procs", args.procs, args.corpus]
    )
    embedded["index_mib"] = round(dir_size(index) / 2**20, 1)
    with Engine(index) as engine:
        embedded |= _latency(engine, args.repeat)
    cluster_dir = args.dir / "cluster"
    cluster_file = start_cluster(cluster_dir, args.shards, 0)
    cluster = _build(["index", "--cluster", cluster_file, "--json", args.corpus])
    masters = cluster_dir / "masters"
    shard_mib = [
        round(sum(p.stat().st_size for p in d.rglob("*") if p.is_file()) / 2**20, 1)
        for d in sorted(masters.iterdir())
    ]  # change sets included (a first build keeps none)
    cluster["index_mib"] = round(sum(shard_mib), 1)
    cluster["shard_mib"] = shard_mib
    with Engine(ClusterFile(cluster_file)) as engine:
        cluster |= _latency(engine, args.repeat)
        # Each server with the process it forked for the engine's connection.
        cluster["server_rss_mib"] = _server_rss_mib(cluster_dir)
    _cli("cluster", "stop", "--dir", cluster_dir)
    per_shard = cluster["articles"] / args.shards  # type: ignore[operator]
    target = 10_000_000
    projection = {
        "articles": target,
        "shard_mib_each": round(max(shard_mib) / per_shard * target / args.shards, 1),
        "nodes_for_shards_of_this_size": round(target / per_shard),
        "mib_per_article": round(cluster["index_mib"] / cluster["articles"], 5),  # type: ignore[operator]
    }
    result = {"embedded": embedded, "cluster": cluster, "projection": projection}
    print(json.dumps(result, indent=2))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    modes = parser.add_subparsers(dest="mode", required=True)
    c = modes.add_parser("compare")
    c.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA)
    c.add_argument("--index", type=Path, default=OUT / "index")
    c.add_argument("--dir", type=Path, default=OUT / "cluster")
    c.add_argument("--shards", type=int, default=3)
    c.add_argument("--replicas", type=int, default=1)
    c.add_argument("--json", type=Path)
    s = modes.add_parser("scale")
    s.add_argument("--corpus", type=Path, required=True)
    s.add_argument("--dir", type=Path, default=OUT / "cluster-scale")
    s.add_argument("--shards", type=int, default=3)
    s.add_argument("--procs", type=int, default=2)
    s.add_argument("--repeat", type=int, default=3)
    s.add_argument("--json", type=Path)
    args = parser.parse_args(argv)
    result = compare(args) if args.mode == "compare" else scale(args)
    if args.json:
        write_json(args.json, result)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
