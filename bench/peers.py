"""Speed beside the engines a user could pick instead: plain Whoosh, SQLite FTS5 and tantivy.

    python bench/peers.py [--corpora DIR] [--out DIR] [--procs 1 2] [--repeat 5]
                          [--mix FILE] [--engines ours whoosh fts5 tantivy] [--json FILE]

Every engine indexes the same articles (the corpora, default ../shared/corpora, read by
search.write.corpus as `news-search index` reads them) and answers the same committed query mix
(bench/mix.json, or --mix FILE): the top 10 of each query with a snippet per hit, and the
total.

- **ours**: `index_corpus` with every matching tier, searched through `Engine.search`;
- **whoosh**: plain Whoosh, its StemmingAnalyzer on title and body, no transliteration fields,
  BM25F with the title counting twice, its own highlighter for snippets;
- **fts5**: SQLite's FTS5 (porter stemmer), bm25 with the title counting twice, ``snippet()``;
  it builds in one thread whatever --procs says;
- **tantivy**: tantivy's Python bindings, the en_stem tokenizer, its SnippetGenerator, a writer
  with --procs threads.

Each build runs in a fresh process, into --out (default bench/out/peers/), and reports wall
time, articles/s, index size and the build's peak resident memory (the largest process: a
Whoosh writer forks its workers). Each engine's queries run in a fresh process too: every query
once to warm up, then --repeat times; reported are the median, 95th and 99th percentiles over
all timed runs, and every figure of a peer as a ratio to ours. Words are ANDed in every engine;
quotes make a phrase.
"""

from __future__ import annotations

import argparse
import json
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import datetime
from pathlib import Path

from timing import percentile, print_table, write_json

from search.engines.whoosh.store import dir_size
from search.read import querylang as ql
from search.write.corpus import Article, find_files, read_file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
DEFAULT_OUT = ROOT / "bench" / "out" / "peers"
MIX = Path(__file__).resolve().parent / "mix.json"
ENGINES = ["ours", "whoosh", "fts5", "tantivy"]
PAGE = 10
SNIPPET_CHARS = 220


def load_mix(path: Path = MIX) -> list[dict[str, object]]:
    return json.loads(path.read_text(encoding="utf-8"))["queries"]


def articles(corpora: Path) -> Iterator[Article]:
    for path in find_files([corpora]).files:
        for record in read_file(path):
            if isinstance(record, Article):
                yield record


def _day(text: object, end: bool = False) -> datetime | None:
    if not text:
        return None
    day = datetime.strptime(str(text), "%Y-%m-%d")
    return day.replace(hour=23, minute=59, second=59) if end else day


# Query text as each peer writes it: words ANDed, quoted phrases kept. ------------------------


def _quoted(q: str) -> str:
    """Every word or phrase of the query (read by the engine's own parser) as a quoted string,
    ANDed by FTS5 and by tantivy's parser as it is set here, so that apostrophes and hyphens
    are text, not syntax. The mix holds words and phrases only."""
    node = ql.parse_query(q)
    parts = node.nodes if isinstance(node, ql.And) else (node,)
    texts = [" ".join(p.words) if isinstance(p, ql.Phrase) else p.text for p in parts]  # type: ignore[union-attr]
    return " ".join(f'"{text}"' for text in texts)


# ours ------------------------------------------------------------------------------------------


def build_ours(corpora: Path, path: Path, procs: int) -> int:
    from search import index_corpus

    return index_corpus(path, [corpora], rebuild=True, procs=procs).documents


def searcher_ours(path: Path) -> Callable[[dict[str, object]], tuple[int, list[str]]]:
    from search import Engine, SearchError, SearchRequest

    engine = Engine(path)

    def run(query: dict[str, object]) -> tuple[int, list[str]]:
        request = SearchRequest.from_params(
            str(query["q"]),
            page=str(query.get("page", 1)),
            size=str(PAGE),
            sort=str(query.get("sort", "relevance")),
            date_from=query.get("from"),  # type: ignore[arg-type]
            date_to=query.get("to"),  # type: ignore[arg-type]
            sources=[str(query["source"])] if query.get("source") else [],
        )
        try:
            response = engine.search(request)
        except SearchError:  # a page past the last, a source this index lacks: nothing found
            return 0, []
        return response.total, [hit.snippet_html for hit in response.hits]

    return run


# plain Whoosh ----------------------------------------------------------------------------------


def _whoosh_schema():
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import DATETIME, ID, TEXT, Schema

    return Schema(
        id=ID(stored=True, unique=True),
        title=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        body=TEXT(analyzer=StemmingAnalyzer(), stored=True),
        date=DATETIME(stored=True, sortable=True),
        source=ID(stored=True),
    )


def build_whoosh(corpora: Path, path: Path, procs: int) -> int:
    from whoosh.index import create_in

    path.mkdir(parents=True)
    ix = create_in(str(path), _whoosh_schema())
    options = {"procs": procs, "multisegment": True} if procs > 1 else {}
    writer = ix.writer(limitmb=256, **options)
    n = 0
    for a in articles(corpora):
        doc = {"id": a.id, "title": a.title, "body": a.body, "source": a.source}
        if a.date is not None:
            doc["date"] = a.date
        writer.add_document(**doc)
        n += 1
    writer.commit()
    return n


def searcher_whoosh(path: Path) -> Callable[[dict[str, object]], tuple[int, list[str]]]:
    from whoosh import highlight
    from whoosh import query as wq
    from whoosh.index import open_dir
    from whoosh.qparser import MultifieldParser

    ix = open_dir(str(path))
    searcher = ix.searcher()
    parser = MultifieldParser(["title", "body"], ix.schema, fieldboosts={"title": 2.0})

    def run(query: dict[str, object]) -> tuple[int, list[str]]:
        parsed = parser.parse(str(query["q"]))
        filters: list[wq.Query] = []
        if query.get("from") or query.get("to"):
            start, end = _day(query.get("from")), _day(query.get("to"), end=True)
            filters.append(wq.DateRange("date", start, end))
        if query.get("source"):
            filters.append(wq.Term("source", str(query["source"])))
        newest = query.get("sort") == "newest"
        page = searcher.search_page(
            parsed,
            int(query.get("page", 1)),  # type: ignore[arg-type]
            pagelen=PAGE,
            filter=wq.And(filters) if filters else None,
            sortedby="date" if newest else None,
            reverse=newest,
        )
        page.results.fragmenter = highlight.ContextFragmenter(maxchars=SNIPPET_CHARS)
        return page.total, [hit.highlights("body") for hit in page]

    return run


# SQLite FTS5 -----------------------------------------------------------------------------------


def build_fts5(corpora: Path, path: Path, procs: int) -> int:
    path.mkdir(parents=True)
    db = sqlite3.connect(path / "fts5.db")
    db.execute(
        "CREATE VIRTUAL TABLE articles USING fts5("
        "title, body, id UNINDEXED, source UNINDEXED, date UNINDEXED, "
        "tokenize='porter unicode61')"
    )
    rows = (
        (a.title, a.body, a.id, a.source, a.date.strftime("%Y-%m-%d %H:%M:%S") if a.date else None)
        for a in articles(corpora)
    )
    with db:
        db.executemany("INSERT INTO articles VALUES (?, ?, ?, ?, ?)", rows)
    n = db.execute("SELECT count(*) FROM articles").fetchone()[0]
    db.close()
    return int(n)


def searcher_fts5(path: Path) -> Callable[[dict[str, object]], tuple[int, list[str]]]:
    db = sqlite3.connect(path / "fts5.db")

    def run(query: dict[str, object]) -> tuple[int, list[str]]:
        where, params = ["articles MATCH ?"], [_quoted(str(query["q"]))]
        if query.get("from"):
            where.append("date >= ?")
            params.append(f"{query['from']} 00:00:00")
        if query.get("to"):
            where.append("date <= ?")
            params.append(f"{query['to']} 23:59:59")
        if query.get("source"):
            where.append("source = ?")
            params.append(str(query["source"]))
        condition = " AND ".join(where)
        total = db.execute(f"SELECT count(*) FROM articles WHERE {condition}", params).fetchone()
        order = (
            "date IS NULL, date DESC"
            if query.get("sort") == "newest"
            else "bm25(articles, 2.0, 1.0)"
        )
        offset = (int(query.get("page", 1)) - 1) * PAGE  # type: ignore[arg-type]
        rows = db.execute(
            f"SELECT snippet(articles, 1, '<b>', '</b>', '…', 32) FROM articles "
            f"WHERE {condition} ORDER BY {order} LIMIT {PAGE} OFFSET {offset}",
            params,
        ).fetchall()
        return int(total[0]), [row[0] for row in rows]

    return run


# tantivy ---------------------------------------------------------------------------------------


def _tantivy_schema():
    import tantivy

    builder = tantivy.SchemaBuilder()
    builder.add_text_field("id", stored=True, tokenizer_name="raw")
    builder.add_text_field("title", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("body", stored=True, tokenizer_name="en_stem")
    builder.add_text_field("source", stored=True, tokenizer_name="raw")
    builder.add_date_field("date", stored=True, indexed=True, fast=True)
    return builder.build()


def build_tantivy(corpora: Path, path: Path, procs: int) -> int:
    import tantivy

    path.mkdir(parents=True)
    index = tantivy.Index(_tantivy_schema(), path=str(path))
    writer = index.writer(heap_size=256 * 2**20, num_threads=procs)
    n = 0
    for a in articles(corpora):
        fields: dict[str, object] = {
            "id": a.id,
            "title": a.title,
            "body": a.body,
            "source": a.source,
        }
        if a.date is not None:
            fields["date"] = a.date
        writer.add_document(tantivy.Document(**fields))
        n += 1
    writer.commit()
    writer.wait_merging_threads()
    return n


def searcher_tantivy(path: Path) -> Callable[[dict[str, object]], tuple[int, list[str]]]:
    import tantivy

    index = tantivy.Index.open(str(path))
    schema = index.schema
    searcher = index.searcher()

    def run(query: dict[str, object]) -> tuple[int, list[str]]:
        parsed = index.parse_query(
            _quoted(str(query["q"])),
            ["title", "body"],
            field_boosts={"title": 2.0},
            conjunction_by_default=True,
        )
        clauses = [(tantivy.Occur.Must, parsed)]
        if query.get("from") or query.get("to"):
            start, end = _day(query.get("from")), _day(query.get("to"), end=True)
            dates = tantivy.Query.range_query(schema, "date", tantivy.FieldType.Date, start, end)
            clauses.append((tantivy.Occur.Must, dates))
        if query.get("source"):
            source = tantivy.Query.term_query(schema, "source", str(query["source"]))
            clauses.append((tantivy.Occur.Must, source))
        final = parsed if len(clauses) == 1 else tantivy.Query.boolean_query(clauses)
        offset = (int(query.get("page", 1)) - 1) * PAGE  # type: ignore[arg-type]
        options: dict[str, object] = {"limit": PAGE, "offset": offset, "count": True}
        if query.get("sort") == "newest":
            options |= {"order_by_field": "date", "order": tantivy.Order.Desc}
        result = searcher.search(final, **options)
        snippets = tantivy.SnippetGenerator.create(searcher, final, schema, "body")
        snippets.set_max_num_chars(SNIPPET_CHARS)
        found = [
            snippets.snippet_from_doc(searcher.doc(address)).to_html() for _, address in result.hits
        ]
        return int(result.count or 0), found

    return run


BUILDERS: dict[str, Callable[[Path, Path, int], int]] = {
    "ours": build_ours,
    "whoosh": build_whoosh,
    "fts5": build_fts5,
    "tantivy": build_tantivy,
}
SEARCHERS = {
    "ours": searcher_ours,
    "whoosh": searcher_whoosh,
    "fts5": searcher_fts5,
    "tantivy": searcher_tantivy,
}


# Running each part in its own process ------------------------------------------------------------


def _peak_mib() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return round(max(own, children) / 1024, 1)


def _build_here(engine: str, corpora: Path, path: Path, procs: int) -> dict[str, object]:
    shutil.rmtree(path, ignore_errors=True)
    started = time.perf_counter()
    count = BUILDERS[engine](corpora, path, procs)
    seconds = time.perf_counter() - started
    return {
        "engine": engine,
        "procs": procs,
        "articles": count,
        "seconds": round(seconds, 1),
        "articles_per_s": round(count / seconds, 1),
        "index_mib": round(dir_size(path) / 2**20, 1),
        "peak_rss_mib": _peak_mib(),
    }


def _query_here(engine: str, path: Path, repeat: int, mix_path: Path = MIX) -> dict[str, object]:
    run = SEARCHERS[engine](path)
    mix = load_mix(mix_path)
    timings: list[float] = []
    per_query = []
    for query in mix:
        total, snippets = run(query)  # warm-up
        own = []
        for _ in range(repeat):
            started = time.perf_counter()
            total, snippets = run(query)
            own.append((time.perf_counter() - started) * 1000)
        timings += own
        per_query.append(
            {
                "kind": query["kind"],
                "q": query["q"],
                "total": total,
                "hits": len(snippets),
                "median_ms": round(statistics.median(own), 2),
            }
        )
    return {
        "engine": engine,
        "runs": len(timings),
        "median_ms": round(statistics.median(timings), 2),
        "p95_ms": round(percentile(timings, 0.95), 2),
        "p99_ms": round(percentile(timings, 0.99), 2),
        "per_query": per_query,
    }


def _child(*args: str) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=False
    )
    if result.returncode:
        raise SystemExit(f"bench/peers.py {' '.join(args)} failed:\n{result.stderr.strip()}")
    return json.loads(result.stdout)


def measure(
    engines: list[str],
    corpora: Path,
    out: Path,
    procs: list[int],
    repeat: int,
    mix: Path = MIX,
) -> dict[str, object]:
    builds, queries = [], []
    for engine in engines:
        for n in procs:
            path = out / f"{engine}-{n}"
            builds.append(
                _child("--build-one", engine, str(path), str(n), "--corpora", str(corpora))
            )
        path = out / f"{engine}-{procs[-1]}"
        queries.append(
            _child("--query-one", engine, str(path), "--repeat", str(repeat), "--mix", str(mix))
        )
    return {"corpora": str(corpora), "mix": str(mix), "builds": builds, "queries": queries}


def _ratio(value: float, ours: float) -> str:
    return f"{value / ours:.2f}x" if ours else "-"


BUILD_FIGURES = ("articles_per_s", "index_mib", "peak_rss_mib")
BUILD_LABELS = ("articles/s", "index MiB", "peak RSS MiB")
QUERY_FIGURES = ("median_ms", "p95_ms", "p99_ms")
QUERY_LABELS = ("median ms", "p95 ms", "p99 ms")


def _ratio_labels(labels: tuple[str, ...]) -> list[str]:
    return [x for label in labels for x in (label, "vs ours")]


def _found(figures: dict) -> str:
    """One engine's median time and total for one query."""
    return f"{figures['median_ms']} ({figures['total']:,})"


def _with_ratios(entry: dict, base: dict, figures: tuple[str, ...]) -> list[object]:
    """Each of ``figures`` of ``entry``, followed by its ratio to ``base``'s."""
    return [x for f in figures for x in (entry[f], _ratio(entry[f], base[f]))]


def print_tables(figures: dict[str, object]) -> None:
    builds: list[dict] = figures["builds"]  # type: ignore[assignment]
    queries: list[dict] = figures["queries"]  # type: ignore[assignment]
    ours_build = {b["procs"]: b for b in builds if b["engine"] == "ours"}
    print(f"Index builds of {figures['corpora']}\n")
    print_table(
        ["engine", "procs", "articles", "seconds", *_ratio_labels(BUILD_LABELS)],
        [
            [
                *(b["engine"], b["procs"], b["articles"], b["seconds"]),
                *_with_ratios(b, ours_build.get(b["procs"], b), BUILD_FIGURES),
            ]
            for b in builds
        ],
    )
    ours = next((q for q in queries if q["engine"] == "ours"), queries[0])
    mix = Path(str(figures["mix"]))
    print(f"\n{len(load_mix(mix))} queries of {mix.name}, top {PAGE} with snippets, warm\n")
    print_table(
        ["engine", *_ratio_labels(QUERY_LABELS)],
        [[q["engine"], *_with_ratios(q, ours, QUERY_FIGURES)] for q in queries],
    )
    print("\nPer query (median ms; total found)\n")
    names = [q["engine"] for q in queries]
    print_table(
        ["kind", "query", *names],
        [
            [row["kind"], row["q"], *(_found(q["per_query"][i]) for q in queries)]
            for i, row in enumerate(ours["per_query"])
        ],
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, metavar="DIR")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, metavar="DIR")
    parser.add_argument("--procs", type=int, nargs="+", default=[1, 2], metavar="N")
    parser.add_argument("--repeat", type=int, default=5, metavar="N")
    parser.add_argument("--mix", type=Path, default=MIX, metavar="FILE", help="the query mix")
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=ENGINES)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    parser.add_argument(
        "--build-one", nargs=3, metavar=("ENGINE", "DIR", "PROCS"), help=argparse.SUPPRESS
    )
    parser.add_argument("--query-one", nargs=2, metavar=("ENGINE", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.build_one:
        engine, path, procs = args.build_one
        print(json.dumps(_build_here(engine, args.corpora, Path(path), int(procs))))
        return 0
    if args.query_one:
        engine, path = args.query_one
        print(json.dumps(_query_here(engine, Path(path), args.repeat, args.mix)))
        return 0
    engines = ["ours", *(e for e in args.engines if e != "ours")]
    figures = measure(engines, args.corpora, args.out, sorted(args.procs), args.repeat, args.mix)
    print_tables(figures)
    if args.json:
        write_json(args.json, figures)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
