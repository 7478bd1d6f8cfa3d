"""The ``news-search`` command line: a thin adapter over the engine.

Exit status: 0 on success, 2 for bad input or an unusable index (with a one-line message that
says what to do), 1 when ``index --strict`` met a record it would skip, 130 when interrupted.
"""

from __future__ import annotations

import argparse
import contextlib
import html
import json
import os
import re
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn, TextIO

from search.backend import ENV_CLUSTER, ENV_PARTIAL, ClusterFile, Location
from search.engines.whoosh import store
from search.engines.whoosh.schema import ANALYZER_VERSION
from search.errors import QueryError, SearchError
from search.read.budget import DEFAULT_SECONDS, ENV_BUDGET
from search.read.engine import Engine
from search.read.export import FORMATS
from search.read.export import lines as export_lines
from search.read.request import DEFAULT_SIZE, MAX_SIZE, SORTS, SearchRequest, spellings_off
from search.read.response import SearchResponse, year_spans
from search.write.corpus import Skip
from search.write.indexer import index_corpus
from search.write.progress import Progress

PROG = "news-search"
#: Skip messages printed one by one before the rest are only counted.
MAX_SKIP_LINES = 50
_MARK_RE = re.compile(r"<mark>(.*?)</mark>", re.S)


def _index_dir(value: str) -> Path:
    return Path(value).expanduser()


class _Parser(argparse.ArgumentParser):
    """argparse's parser, whose usage errors also print the JSON error object when the
    command line asks for --json (a query that starts with -, an option without its value)."""

    json_errors = False

    def error(self, message: str) -> NoReturn:
        if self.json_errors:
            error = SearchError(f"{self.prog}: {message}")
            print(json.dumps(error.to_json()))
        super().error(message)


def build_parser(json_errors: bool = False) -> argparse.ArgumentParser:
    _Parser.json_errors = json_errors
    common = _Parser(add_help=False)
    common.add_argument(
        "--index",
        metavar="DIR",
        type=_index_dir,
        default=None,
        help=f"index directory (default: ${store.ENV_INDEX}, else the project's index/ folder)",
    )
    common.add_argument(
        "--cluster",
        metavar="FILE",
        type=_index_dir,
        default=None,
        help=(
            "use the cluster this file names (Xapian shard servers, as `cluster start` writes "
            "DIR/cluster.json) instead of an index directory"
        ),
    )
    parser = _Parser(
        prog=PROG,
        description=(
            "Search news archives and find every spelling of a name: Sairoon, Sairun and "
            "Sayirun; Gaddafi, Qaddafi and Kadhafi."
        ),
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", required=True, parser_class=_Parser
    )

    p = commands.add_parser(
        "index",
        parents=[common],
        help="build or update the index from corpus files",
        description=(
            "Index .txt, .jsonl and .csv files (a directory is read recursively). Runs are "
            "incremental: new articles are added, changed ones re-indexed, unchanged ones left, "
            "and articles that disappeared from the paths given are removed."
        ),
    )
    p.add_argument(
        "paths", nargs="*", metavar="PATH", type=Path, help="files or directories (default: seeds/)"
    )
    p.add_argument("--rebuild", action="store_true", help="start from scratch")
    p.add_argument(
        "--procs",
        type=int,
        default=1,
        metavar="N",
        help="writer processes, for an index folder (default: 1)",
    )
    p.add_argument("--strict", action="store_true", help="fail, committing nothing, on any skip")
    p.add_argument("--quiet", action="store_true", help="no progress line and no summary")
    p.add_argument("--json", action="store_true", help="print the summary as JSON")

    p = commands.add_parser(
        "query",
        parents=[common],
        help="search the index",
        description=(
            'All words are required; "quoted phrases" match in sequence (in any spelling), '
            '"a b"~3 with up to 3 words between; -word excludes; OR matches either side; ( ) '
            "groups; Alep* matches words beginning so; title:word and body:word search one "
            "field. Quote the whole query for the shell: news-search query 'Sadr -Sairoon'. An "
            "empty query ('') lists every article that passes the filters, newest first."
        ),
    )
    p.add_argument("text", nargs="+", metavar="TEXT", help="the query")
    p.add_argument(
        "--limit",
        default=str(DEFAULT_SIZE),
        metavar="N",
        help=f"results per page, 1-{MAX_SIZE} (default: {DEFAULT_SIZE})",
    )
    p.add_argument("--page", default="1", metavar="N", help="page number (default: 1)")
    # Checked by SearchRequest, not by argparse, so that a bad value gets the one-line error (and
    # the JSON error object with --json) that every other bad parameter gets.
    p.add_argument(
        "--sort",
        default=None,
        metavar="ORDER",
        help=f"{', '.join(SORTS)} (default: relevance; newest for an empty query)",
    )
    p.add_argument(
        "--from", dest="date_from", metavar="DATE", help="from this date (YYYY[-MM[-DD]])"
    )
    p.add_argument("--to", dest="date_to", metavar="DATE", help="up to this date, inclusive")
    p.add_argument(
        "--source",
        action="append",
        default=[],
        metavar="NAME",
        help="only this source; else every source differing from it only in case (repeatable)",
    )
    p.add_argument(
        "--exact",
        action="store_true",
        help=(
            "exact spelling only: search each word as typed (case, accents and a plural or "
            "possessive s aside), reaching no other spellings (Sayirun finds Sayirun, not Sairoon)"
        ),
    )
    p.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="SPELLING",
        help="a spelling switched off: not searched for the words that reach it (repeatable)",
    )
    p.add_argument(
        "--collapse",
        action=argparse.BooleanOptionalAction,
        default=True,
        help=(
            "list a story that several articles of one source tell (a repost, a wire copy sent "
            "again) once, its other copies counted (the default); --no-collapse lists every "
            "matching article"
        ),
    )
    p.add_argument("--json", action="store_true", help="print the response as JSON")
    p.add_argument(
        "--format",
        choices=("text", "json", *FORMATS),
        default=None,
        help=(
            "text (default), json (as --json), or csv or jsonl: one row per result (rank, id, "
            "title, source, date, url, score, matched spellings, snippet)"
        ),
    )
    p.add_argument(
        "--all",
        action="store_true",
        help="with --format csv or jsonl: every result, not one page (--limit and --page aside)",
    )
    _partial_option(p)
    _budget_option(p)

    p = commands.add_parser(
        "analyze",
        parents=[common],
        help="show how words are analysed and which spellings of the index they match",
    )
    p.add_argument("words", nargs="+", metavar="WORD")
    p.add_argument("--json", action="store_true", help="print the analysis as JSON")

    p = commands.add_parser(
        "show",
        parents=[common],
        help="print one article",
        description=(
            "Print one article by its id (the id a result shows): title, source, date, url and "
            "its paragraphs; with --q, the words that query matches are marked."
        ),
    )
    p.add_argument("id", metavar="ID", help="the article's id")
    p.add_argument("--q", default="", metavar="QUERY", help="mark what this query matches")
    p.add_argument("--exact", action="store_true", help="mark the query's words as typed only")
    p.add_argument(
        "--without",
        action="append",
        default=[],
        metavar="SPELLING",
        help="a spelling switched off in the search: not marked (repeatable)",
    )
    p.add_argument("--json", action="store_true", help="print the article as JSON")

    p = commands.add_parser(
        "name",
        parents=[common],
        help="print a name's page: its spellings by outlet and year, its company, its newest",
        description=(
            "Print what the archive holds of one name, in every spelling: how many articles "
            "write each spelling, in which outlets and years, the names written with it most "
            "often, and its newest articles (the page /names/NAME shows)."
        ),
    )
    p.add_argument("name", metavar="NAME", help="one word, as in Hezbollah")
    p.add_argument("--json", action="store_true", help="print the name page as JSON")

    p = commands.add_parser("info", parents=[common], help="describe the index")
    p.add_argument("--json", action="store_true", help="print the description as JSON")

    p = commands.add_parser(
        "serve",
        parents=[common],
        help="serve the search pages and the JSON API over HTTP",
        description=(
            "Serve the web frontend and the JSON API (uvicorn). The index is re-read when it "
            "changes on disk, so an index run while the server is up needs no restart."
        ),
    )
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (default: 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port to listen on (default: 8000)")
    p.add_argument(
        "--workers",
        type=int,
        default=1,
        metavar="N",
        help="server processes, each with its own searcher (default: 1)",
    )
    p.add_argument(
        "--allow-origin",
        action="append",
        default=[],
        metavar="ORIGIN",
        help=(
            "let pages of this origin (https://example.org) call the JSON API from a browser "
            "(CORS; repeatable; default: none)"
        ),
    )
    _partial_option(p)
    _budget_option(p)

    p = commands.add_parser(
        "cluster",
        help="start, stop or list a cluster of shard servers on this machine (127.0.0.1)",
        description=(
            "A cluster for trying and testing: Xapian shard servers (xapian-tcpsrv), each "
            "shard with replicas kept up to date by xapian-replicate, all on 127.0.0.1. "
            "`start` writes DIR/cluster.json, which index, query, serve, info and analyze "
            "take with --cluster."
        ),
    )
    actions = p.add_subparsers(dest="action", metavar="ACTION", required=True, parser_class=_Parser)
    a = actions.add_parser("start", help="start the servers and write DIR/cluster.json")
    a.add_argument("--dir", type=_index_dir, required=True, metavar="DIR", help="its folder")
    a.add_argument("--shards", type=int, default=3, metavar="N", help="shards (default: 3)")
    a.add_argument(
        "--replicas", type=int, default=1, metavar="N", help="replicas of each shard (default: 1)"
    )
    a.add_argument(
        "--interval",
        type=int,
        default=1,
        metavar="SECONDS",
        help="seconds a replica waits between two looks at its master (default: 1)",
    )
    a = actions.add_parser("stop", help="stop every server of the cluster")
    a.add_argument("--dir", type=_index_dir, required=True, metavar="DIR", help="its folder")
    a = actions.add_parser(
        "status", help="list every server: shard, role, port, pid, whether it answers"
    )
    a.add_argument("--dir", type=_index_dir, required=True, metavar="DIR", help="its folder")
    a.add_argument("--json", action="store_true", help="print the list as JSON")
    return parser


def _partial_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--partial",
        action="store_true",
        help=(
            "with --cluster: answer without a shard none of whose servers answers, naming it "
            "in the answer's missing_shards (default: such a search fails, naming the shard)"
        ),
    )


def _budget_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--budget",
        type=_seconds,
        default=DEFAULT_SECONDS,
        metavar="SECONDS",
        help=(
            f"seconds a search may take before it is refused (default: {DEFAULT_SECONDS:g}; "
            "0 for no limit)"
        ),
    )


def _seconds(value: str) -> float:
    try:
        seconds = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number of seconds: {value!r}") from None
    if not 0 <= seconds <= 3600 or seconds != seconds:
        raise argparse.ArgumentTypeError(f"must be from 0 to 3600 seconds, not {value}")
    return seconds


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"{version('news-search')} (analyzer {ANALYZER_VERSION})"
    except PackageNotFoundError:  # pragma: no cover - running from a bare checkout
        return f"(analyzer {ANALYZER_VERSION})"


def main(argv: Sequence[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    args = build_parser(json_errors="--json" in argv).parse_args(argv)
    try:
        location = _location(args)
        handler = {
            "index": cmd_index,
            "query": cmd_query,
            "analyze": cmd_analyze,
            "info": cmd_info,
            "serve": cmd_serve,
            "show": cmd_show,
            "name": cmd_name,
            "cluster": cmd_cluster,
        }
        return handler[args.command](args, location)
    except SearchError as e:
        try:
            if getattr(args, "json", False):
                print(json.dumps(e.to_json()), flush=True)
        except BrokenPipeError:  # the error object piped into head and the like
            sys.stdout = None  # type: ignore[assignment]  # nothing more can be written
        print(f"{PROG}: error: {e.message}", file=sys.stderr)
        return e.exit_code
    except KeyboardInterrupt:
        print(f"\n{PROG}: interrupted: nothing was committed", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into head and the like
        sys.stderr.close()
        return 0


def _location(args: argparse.Namespace) -> Location:
    """The index a command reads or writes: --cluster FILE, else --index DIR (or its default)."""
    cluster = getattr(args, "cluster", None)
    if cluster is not None:
        if args.index is not None:
            raise SearchError("--index and --cluster name two indexes: give one")
        if getattr(args, "partial", False):
            os.environ[ENV_PARTIAL] = "1"
        return ClusterFile(cluster)
    if getattr(args, "partial", False):
        raise SearchError("--partial goes with --cluster (an index folder has no shards)")
    return getattr(args, "index", None) or store.default_index_dir()


# Subcommands ------------------------------------------------------------------------------------


def cmd_index(args: argparse.Namespace, index_dir: Location) -> int:
    if args.procs < 1:
        raise SearchError("--procs must be at least 1")
    paths = args.paths or store.default_corpus_paths()
    skips: list[Skip] = []

    def report(skip: Skip) -> None:
        skips.append(skip)
        if len(skips) <= MAX_SKIP_LINES:
            print(f"skipped {skip}", file=sys.stderr)

    progress = Progress(enabled=False if args.quiet or args.json else None)
    summary = None
    try:
        summary = index_corpus(
            index_dir,
            paths,
            rebuild=args.rebuild,
            procs=args.procs,
            strict=args.strict,
            progress=progress,
            on_skip=report,
        )
        _ignore_interrupts()
    except KeyboardInterrupt:
        if summary is None:  # raised by index_corpus: nothing was committed
            raise
        _ignore_interrupts()
    if len(skips) > MAX_SKIP_LINES:
        print(f"... and {len(skips) - MAX_SKIP_LINES:,} more skipped records", file=sys.stderr)
    for path in summary.ignored:
        print(f"ignored (not .txt, .jsonl or .csv): {path}", file=sys.stderr)
    if args.json:
        print(json.dumps(summary.to_json()))
    elif not args.quiet:
        where = index_dir.path if isinstance(index_dir, ClusterFile) else index_dir
        print(f"{where}: {summary.line()}")
    return 0


def _ignore_interrupts() -> None:
    """Once a run is committed, a Ctrl-C can neither undo it nor be reported as "nothing was
    committed" (index_corpus ignores one that comes during the commit itself): ignored, also
    while Python shuts down (which puts back the default action of a Python handler)."""
    with contextlib.suppress(ValueError):  # not the main thread: signals are not ours
        signal.signal(signal.SIGINT, signal.SIG_IGN)


def cmd_query(args: argparse.Namespace, index_dir: Location) -> int:
    request = SearchRequest.from_params(
        " ".join(args.text),
        page=args.page,
        size=args.limit,
        sort=args.sort,
        date_from=args.date_from,
        date_to=args.date_to,
        sources=args.source,
        exact=args.exact,
        without=args.without,
        collapse=args.collapse,
    )
    chosen = "json" if args.json else args.format or "text"
    if args.json and args.format not in (None, "json"):
        raise QueryError(f"--json and --format {args.format} ask for two formats: give one")
    if args.all and chosen not in FORMATS:
        raise QueryError("--all goes with --format csv or --format jsonl (every result as rows)")
    with Engine(index_dir, budget=args.budget) as engine:
        if args.all:
            for line in export_lines(chosen, engine.export(request).hits):
                sys.stdout.write(line)
            return 0
        response = engine.search(request)
    if chosen == "json":
        print(json.dumps(response.to_json(), ensure_ascii=False))
    elif chosen in FORMATS:
        sys.stdout.writelines(export_lines(chosen, response.hits))
    else:
        print_response(response, sys.stdout)
    return 0


def cmd_analyze(args: argparse.Namespace, index_dir: Location) -> int:
    for word in args.words:
        if re.search("[\ud800-\udfff]", word):
            raise SearchError(f"{word!r} is not valid UTF-8 text")
    with Engine(index_dir) as engine:
        report = engine.analyze(args.words)
    if args.json:
        print(json.dumps({"ok": True, "words": report}, ensure_ascii=False))
        return 0
    for entry in report:
        print(f"{entry['word']}")
        print(f"  folded:    {entry['folded']}")
        uses = entry["uses"]
        print(f"  exact:     {entry['exact']} ({uses:,} use{'' if uses == 1 else 's'} here)")
        print(f"  key:       {entry['key'] or '-'}")
        print(f"  skeleton:  {entry['skeleton'] or '-'}")
        if entry["ordinary_word"]:
            print(f"  searched as written, no variants: {entry['ordinary_word']}")
            continue
        spellings = entry["spellings"]
        if not spellings:
            print("  variants:  none in this index")
        for s in spellings:  # type: ignore[union-attr]
            verdict = "matches" if s["accepted"] else "rejected"
            print(f"  {verdict:<9}  {s['spelling']} ({s['tier']}): {s['why']}")
    return 0


def readable_date(value: str | None) -> str:
    """A response's date (``2018-05-14T00:00:00Z``) as the text output prints it: the day
    alone at midnight, else the day and time in UTC."""
    if not value:
        return "no date"
    if value.endswith("T00:00:00Z"):
        return value[:10]
    return value.replace("T", " ").replace("Z", " UTC")


def cmd_show(args: argparse.Namespace, index_dir: Location) -> int:
    with Engine(index_dir) as engine:
        article = engine.article(args.id, args.q, args.exact, spellings_off(args.without))
    if args.json:
        print(json.dumps(article.to_json(), ensure_ascii=False))
        return 0
    bold = sys.stdout.isatty() and os.environ.get("NO_COLOR") is None
    print(render_marks(article.title_html, bold) or "(no title)")
    print(" · ".join([article.source or "no source", readable_date(article.date)]))
    print(f"id: {article.id}")
    if article.url:
        print(f"url: {article.url}")
    if article.matched:
        print(f"matched: {', '.join(article.matched)}")
    for other in article.same_story:
        told = f"{other.source or 'no source'} · {readable_date(other.date)}"
        print(f"same story: {other.id} · {told} · {other.title or '(no title)'}")
    for paragraph in article.paragraphs_html:
        print()
        print(render_marks(paragraph, bold))
    return 0


def cmd_name(args: argparse.Namespace, index_dir: Location) -> int:
    with Engine(index_dir) as engine:
        page = engine.name_page(args.name)
    if args.json:
        print(json.dumps(page.to_json(), ensure_ascii=False))
        return 0
    rows = page.spellings.rows
    print(f"{page.name}: {page.total:,} article{'' if page.total == 1 else 's'}", end="")
    print(f" in {len(rows)} spelling{'' if len(rows) == 1 else 's'}" if rows else "")
    for row in rows:
        outlets = ", ".join(
            f"{name or 'no source'} {n:,}"
            for name, n in sorted(row.by_source.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        years = ", ".join(f"{y} {n:,}" for y, n in sorted(row.by_period.items()))
        print(f"  {row.spelling}: {row.total:,}")
        print(f"    outlets: {outlets}")
        print(f"    years: {years or '-'}" + (f" ({row.undated:,} undated)" if row.undated else ""))
    if page.company:
        print("written with it: " + ", ".join(f"{c.q} {c.total:,}" for c in page.company))
    if page.newest:
        print("newest:")
    for hit in page.newest:
        title = hit.title or "(no title)"
        print(f"  {readable_date(hit.date)} · {hit.source or 'no source'} · {title} · id: {hit.id}")
    return 0


def cmd_info(args: argparse.Namespace, index_dir: Location) -> int:
    with Engine(index_dir) as engine:
        info = engine.info()
    if args.json:
        print(json.dumps(info.to_json(), ensure_ascii=False))
        return 0
    sources = ", ".join(f"{name} ({count:,})" for name, count in info.sources.items()) or "none"
    dates = (
        f"{readable_date(info.date_from)} to {readable_date(info.date_to)}"
        if info.date_from
        else "no dates"
    )
    rows = [
        ("index", info.path),
        ("articles", f"{info.documents:,}"),
        ("size on disk", _size(info.size_bytes)),
        ("segments", str(info.segments)),
        ("sources", sources),
        ("date range", f"{dates} ({info.undated:,} undated)"),
        ("analyzer version", info.analyzer_version or "-"),
        ("built", info.built_at or "-"),
        ("updated", info.updated_at or "-"),
        ("corpus paths", ", ".join(info.paths) or "-"),
    ]
    if info.servers:
        rows[0] = ("cluster", info.path)
        rows[3] = ("shards", str(info.segments))
    for name, value in rows:
        print(f"{name + ':':<18}{value}")
    for server in info.servers:
        state = "answers" if server["answers"] else "DOWN"
        using = ", searched" if server["in_use"] else ""
        print(
            f"  {server['shard']} {server['role']:<8} {server['host']}:{server['port']} "
            f"{state}{using}"
        )
    return 0


def cmd_cluster(args: argparse.Namespace, _: Location) -> int:
    from search.engines.xapian import local

    if args.action == "start":
        cluster_file = local.start(args.dir, args.shards, args.replicas, args.interval)
        print(
            f"{PROG}: started {args.shards} shard{'s' if args.shards != 1 else ''} with "
            f"{args.replicas} replica{'s' if args.replicas != 1 else ''} each; "
            f"use --cluster {cluster_file}",
            file=sys.stderr,
        )
        print(cluster_file)
        return 0
    if args.action == "stop":
        running = local.stop(args.dir)
        print(f"{PROG}: stopped {running} process{'es' if running != 1 else ''}", file=sys.stderr)
        return 0
    rows = local.status(args.dir)
    if args.json:
        print(json.dumps({"ok": True, "servers": rows}))
        return 0
    print(f"{'name':<22}{'shard':<8}{'role':<9}{'port':<7}{'pid':<9}state")
    for row in rows:
        state = "answers" if row["answers"] else "running" if row["running"] else "DOWN"
        print(
            f"{row['name']:<22}{row['shard'] or '-':<8}{row['role'] or '-':<9}"
            f"{row['port'] or '-'!s:<7}{row['pid']!s:<9}{state}"
        )
    return 0


_ORIGIN = re.compile(r"https?://[^\s/?#]+")


def _origins(values: list[str]) -> list[str]:
    """The origins --allow-origin names, checked: a scheme and a host, no path (CORS compares
    them as written)."""
    for value in values:
        if not _ORIGIN.fullmatch(value):
            raise SearchError(
                f"--allow-origin takes an origin such as https://example.org, not {value!r}"
            )
    return [value.rstrip("/") for value in values]


def cmd_serve(args: argparse.Namespace, index_dir: Location) -> int:
    if not 0 <= args.port <= 65535:
        raise SearchError(f"--port must be between 0 and 65535, not {args.port}")
    if args.workers < 1:
        raise SearchError("--workers must be at least 1")
    origins = _origins(args.allow_origin)
    with Engine(index_dir) as engine:  # refuse to start on a missing or outdated index
        documents = engine.info().documents
    from web import server  # the server is needed by this command only
    from web.app import ENV_ORIGINS

    # Read by each worker's app factory.
    if isinstance(index_dir, ClusterFile):
        os.environ[ENV_CLUSTER] = str(index_dir.path.resolve())
        os.environ.pop(store.ENV_INDEX, None)
    else:
        os.environ[store.ENV_INDEX] = str(index_dir.resolve())
        os.environ.pop(ENV_CLUSTER, None)
    os.environ[ENV_BUDGET] = str(args.budget)
    os.environ[ENV_ORIGINS] = " ".join(origins)
    print(
        f"{PROG}: serving {documents:,} articles from "
        f"{index_dir.path if isinstance(index_dir, ClusterFile) else index_dir} on "
        f"http://{args.host}:{args.port} (Ctrl-C to stop)",
        file=sys.stderr,
        flush=True,
    )
    server.run("web.app:app_from_environment", args.host, args.port, args.workers)
    return 0


# Output -----------------------------------------------------------------------------------------


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024 or unit == "GiB":
            return f"{size:,.1f} {unit}" if unit != "B" else f"{n} B"
        size /= 1024
    return f"{n} B"  # pragma: no cover


def render_marks(snippet_html: str, bold: bool) -> str:
    """Snippet HTML (escaped text and our own <mark> tags) for a terminal or a plain file."""
    opening, closing = ("\x1b[1m", "\x1b[0m") if bold else ("[", "]")
    marked = _MARK_RE.sub(lambda m: f"\x00{m.group(1)}\x01", snippet_html)
    return html.unescape(marked).replace("\x00", opening).replace("\x01", closing)


def print_response(response: SearchResponse, out: TextIO) -> None:
    bold = out.isatty() and os.environ.get("NO_COLOR") is None
    total = response.total
    noun = "result" if total == 1 else "results"
    what = f"for {response.query['q']}" if response.query["q"] else "(every article)"
    if response.query.get("exact"):
        what += ", exact spelling only"
    if response.stories != total:
        what += f"; {response.stories:,} stories, each listed once"
    print(f"{total:,} {noun} {what} ({response.took_ms:.1f} ms)", file=out)
    for hit in response.hits:
        print(file=out)
        print(f"{hit.rank:>3}. {render_marks(hit.title_html, bold)}", file=out)
        meta = [hit.source or "no source", readable_date(hit.date)]
        if hit.score is not None:
            meta.append(f"score {hit.score:.2f}")
        print(f"     {' · '.join(meta)}", file=out)
        print(f"     id: {hit.id}" + (f" · {hit.url}" if hit.url else ""), file=out)
        if hit.snippet_html:
            print(f"     {render_marks(hit.snippet_html, bold)}", file=out)
        if hit.matched:
            print(f"     matched: {', '.join(hit.matched)}", file=out)
        if hit.more_like_this:
            copies = "copy" if hit.more_like_this == 1 else "copies"
            print(f"     {hit.more_like_this:,} more like this ({copies} of this story)", file=out)
    if response.pages > 1:
        print(f"\npage {response.page} of {response.pages}", file=out)
    if response.timeline:
        counted = [f"{p} ({n:,})" for p, n in response.timeline.periods if n]
        undated = response.timeline.undated
        print(
            f"\nby {response.timeline.unit}: {', '.join(counted)}"
            + (f"; {undated:,} undated" if undated else ""),
            file=out,
        )
    if response.spellings:
        spellings = ", ".join(f"{s} ({n:,})" for s, n in list(response.spellings.items())[:12])
        print(f"\nspellings reached: {spellings}", file=out)
    if response.suggestion:
        found = response.suggestion.total
        print(f"\ndid you mean: {response.suggestion.q} ({found:,} results)", file=out)
    for other in response.fewer_words:
        print(f"with fewer words: {other.q} ({other.total:,} results)", file=out)
    elsewhere = response.without_filters
    if elsewhere:
        noun = "result" if elsewhere.total == 1 else "results"
        dated = f", dated {year_spans(elsewhere.years)}" if elsewhere.years else ""
        undated = f" ({elsewhere.undated:,} undated)" if elsewhere.undated else ""
        print(
            f"without the date and source filters: {elsewhere.total:,} {noun}{dated}{undated}",
            file=out,
        )


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
