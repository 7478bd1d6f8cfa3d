"""Bad corpus input: every kind of bad file and record, indexed on top of an existing index.

    python bench/bad_corpus.py [--good 200] [--corpus FILE] [--json FILE]

In a temporary folder: an index of --good articles of fakes.jsonl (copied there at run time),
then a corpus folder with those same articles and, beside them, one folder per bad case
holding the bad file (or link, or folder) and good articles: after the bad record in the same
file where a file can go on, and in a file of their own beside it. The real `news-search index`
is run once over the whole folder; as root it runs without the capabilities that let root read
any file, so that unreadable files are unreadable for it.

One line per case: the message the run gave (FILE:LINE: reason), whether the rest was indexed
(the good articles of that case's folder), and whether the case went as it must. Then the
counts: articles before and after, added and skipped, and the articles of the first index
still there, which proves nothing already in the index was lost. Exit status 1 when a case
did not go as it must.
"""

from __future__ import annotations

import argparse
import ctypes
import gzip
import json
import os
import random
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

from timing import print_table, write_json

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "fakes.jsonl"


def good(name: str, n: int = 0) -> dict[str, str]:
    """A good article of a case."""
    return {"id": f"{name}-good-{n}", "title": f"A good article of {name}"}


def jsonl(*records: object) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in records).encode("utf-8")


@dataclass
class Case:
    """A bad input: what to put in its folder, and what the run must say."""

    name: str
    build: Callable[[Path, str], None]  # fills the case's folder
    expect: str  # a part of the message the run must give ("" for a case that is indexed)
    good: int = 1  # good articles in the folder that must be indexed
    indexed: list[str] = field(default_factory=list)  # ids of the case that must be indexed


def write(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)


def _record_case(name: str, bad: bytes, expect: str, suffix: str = ".jsonl") -> Case:
    """A bad line between two good ones, and a good file beside it."""

    def build(folder: Path, case: str) -> None:
        before, after = jsonl(good(case, 1)), jsonl(good(case, 2))
        write(folder / f"bad{suffix}", before + bad.rstrip(b"\n") + b"\n" + after)
        write(folder / "good.jsonl", jsonl(good(case)))

    return Case(name, build, expect, good=3)


def _file_case(name: str, filename: str, content: bytes, expect: str) -> Case:
    def build(folder: Path, case: str) -> None:
        write(folder / filename, content)
        write(folder / "good.jsonl", jsonl(good(case)))

    return Case(name, build, expect)


def _csv_nul(folder: Path, case: str) -> None:
    rows = [f"{case}-good-1,Good,ok", f"{case}-nul,Bad\0title,x", f"{case}-good-2,Good,ok"]
    write(folder / "nul.csv", ("id,title,body\n" + "\n".join(rows) + "\n").encode())
    write(folder / "good.jsonl", jsonl(good(case)))


def _symlink_loops(folder: Path, case: str) -> None:
    folder.mkdir(parents=True)
    (folder / "loop").symlink_to(folder)
    (folder / "a.jsonl").symlink_to(folder / "b.jsonl")
    (folder / "b.jsonl").symlink_to(folder / "a.jsonl")
    write(folder / "good.jsonl", jsonl(good(case)))


def _unreadable_file(folder: Path, case: str) -> None:
    write(folder / "locked.jsonl", jsonl({"id": f"{case}-locked", "title": "Locked"}))
    (folder / "locked.jsonl").chmod(0)
    write(folder / "good.jsonl", jsonl(good(case)))


def _unreadable_folder(folder: Path, case: str) -> None:
    write(folder / "locked" / "inner.jsonl", jsonl({"id": f"{case}-inner", "title": "Inner"}))
    (folder / "locked").chmod(0)
    write(folder / "good.jsonl", jsonl(good(case)))


def _duplicate(first_id: str) -> Callable[[Path, str], None]:
    def build(folder: Path, case: str) -> None:
        write(folder / "dup.jsonl", jsonl({"id": first_id, "title": "Again"}, good(case, 1)))
        write(folder / "good.jsonl", jsonl(good(case)))

    return build


def _indexed(name: str, records: list[dict[str, str]]) -> Case:
    """Records that look odd but are articles: they must be indexed (and reachable)."""

    def build(folder: Path, case: str) -> None:
        write(folder / "odd.jsonl", jsonl(*records))
        write(folder / "good.jsonl", jsonl(good(case)))

    return Case(name, build, "", indexed=[r["id"] for r in records])


def cases(first_id: str) -> list[Case]:
    rng = random.Random(20200109)
    random_bytes = bytes(rng.randrange(256) for _ in range(64 * 1024))
    big = b'{"id": "big", "title": "Big", "body": "' + b"word " * (10 * 2**20) + b'"}'
    return [
        _file_case(
            "gzip", "data.jsonl", gzip.compress(jsonl(good("x")) * 50), "gzip-compressed data"
        ),
        _file_case("random-bytes", "noise.jsonl", random_bytes, "not a text file: binary data"),
        _file_case("utf-16", "wide.jsonl", jsonl(good("y")).decode().encode("utf-16"), "UTF-16"),
        _record_case("invalid-utf-8", b'{"id": "u", "title": "caf\xe9"}', "not valid UTF-8"),
        _record_case("50-mb-line", big, "the line is 50.0 MiB; a record may be at most 10.0 MiB"),
        _record_case("nested-json", b"[" * 100_000, "nested too deeply"),
        _record_case("json-array", jsonl([good("z")]), "not a JSON object but list"),
        _record_case("huge-number", b'{"id": 1' + b"0" * 5000 + b"}", "integer string conversion"),
        _record_case("lone-surrogate", b'{"id": "s", "title": "\\ud800"}', "lone surrogate"),
        _file_case(
            "csv-no-header",
            "rows.csv",
            b"c1,A title,A body\nc2,Another,Body\n",
            "CSV header has neither a 'title' nor a 'body' column (is the header row missing?",
        ),
        Case("csv-nul-bytes", _csv_nul, "field 'title' contains a NUL character", good=3),
        _file_case("empty-jsonl", "empty.jsonl", b"", "empty file"),
        _file_case("empty-csv", "empty.csv", b"", "empty file"),
        _file_case("empty-txt", "empty.txt", b"\n\n", "empty file (only blank lines)"),
        Case("symlink-loops", _symlink_loops, "symbolic link"),
        Case("unreadable-file", _unreadable_file, "cannot be read (Permission denied)"),
        Case("unreadable-folder", _unreadable_folder, "directory cannot be read"),
        Case("duplicate-id", _duplicate(first_id), f"duplicate id {first_id!r}", good=2),
        _indexed(
            "id-with-slashes", [{"id": "a/b/c", "title": "Slashes"}, {"id": "/x/", "title": "X"}]
        ),
        _record_case("id-with-newline", jsonl({"id": "a\nb", "title": "T"}), "(U+000A)"),
        _record_case("id-with-tab", jsonl({"id": "a\tb", "title": "T"}), "(U+0009)"),
        _record_case("id-600-chars", jsonl({"id": "i" * 600, "title": "T"}), "at most 512"),
        _record_case(
            "impossible-date", jsonl({"title": "T", "date": "2020-02-30"}), "unparseable date"
        ),
        _record_case(
            "date-overflows-utc",
            jsonl({"title": "T", "date": "0001-01-01T00:00:00+01:00"}),
            "out of range once converted to UTC",
        ),
        _record_case("year-10000", jsonl({"title": "T", "date": "10000-01-01"}), "unparseable"),
        _indexed(
            "years-1-and-9999",
            [
                {"id": "year-1", "title": "Year one", "date": "0001-01-01"},
                {"id": "year-9999", "title": "Year last", "date": "9999-12-31T23:59:59"},
            ],
        ),
    ]


def _without_reading_everything() -> None:
    """In the child, when it runs as root: drop CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH, so
    that file permissions hold for it."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def cli(*args: str | Path, drop: bool = False) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "search", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
        preexec_fn=_without_reading_everything if drop else None,
    )


def _can_drop_root_reading(tmp: Path) -> bool:
    probe = tmp / "probe.txt"
    probe.write_text("x", encoding="utf-8")
    probe.chmod(0)
    result = subprocess.run(
        [sys.executable, "-c", f"open({str(probe)!r}).read()"],
        capture_output=True,
        check=False,
        preexec_fn=_without_reading_everything,
    )
    probe.chmod(0o644)
    return result.returncode != 0


def run(corpus: Path, count: int) -> dict[str, object]:
    from starlette.testclient import TestClient

    from search import Engine
    from web import create_app
    from web.views import article_path

    with tempfile.TemporaryDirectory(prefix="news-search-bad-") as name:
        tmp = Path(name)
        folder, index_dir = tmp / "corpus", tmp / "index"
        folder.mkdir()
        with corpus.open(encoding="utf-8") as f:
            lines = list(islice(f, count))
        base = folder / "00-good" / "base.jsonl"  # read first: a duplicate comes later
        base.parent.mkdir()
        base.write_text("".join(lines), encoding="utf-8")
        base_ids = [json.loads(line)["id"] for line in lines]
        first = cli("index", "--json", "--index", index_dir, base)
        if first.returncode:
            raise SystemExit(first.stderr)
        before = json.loads(first.stdout)["documents"]

        all_cases = cases(base_ids[0])
        for n, case in enumerate(all_cases, 1):
            case.build(folder / f"{n:02d}-{case.name}", case.name)
        permissions_hold = _can_drop_root_reading(tmp)
        result = cli("index", "--json", "--index", index_dir, folder, drop=True)
        for path in folder.rglob("*"):  # let the folder be removed
            if not path.is_symlink():
                path.chmod(0o755 if path.is_dir() else 0o644)

        summary = json.loads(result.stdout) if result.returncode == 0 else {}
        messages = [
            line.removeprefix("skipped ")
            for line in result.stderr.splitlines()
            if line.startswith("skipped ")
        ]
        rows = []
        with Engine(index_dir) as engine, TestClient(create_app(index_dir)) as client:

            def reachable(ids: list[str]) -> bool:
                return all(client.get(article_path(i, api=True)).status_code == 200 for i in ids)

            for n, case in enumerate(all_cases, 1):
                where = str(folder / f"{n:02d}-{case.name}")
                said = [m for m in messages if m.startswith(where)]
                rest = reachable([good(case.name, k)["id"] for k in range(case.good)])
                odd_ones = reachable(case.indexed)
                if case.expect:
                    ok = rest and bool(said) and all(case.expect in m for m in said)
                else:
                    ok = rest and not said and odd_ones
                if case.name.startswith("unreadable") and not permissions_hold:
                    ok, said = True, ["(not checked: root reads every file here)"]
                rows.append(
                    {
                        "case": case.name,
                        "messages": [m.removeprefix(where + "/") for m in said],
                        "rest_indexed": rest,
                        "indexed_and_reachable": case.indexed if odd_ones else [],
                        "ok": ok,
                    }
                )
            after = engine.documents()
            kept = sum(reachable([i]) for i in base_ids)
        expected_added = sum(c.good + len(c.indexed) for c in all_cases)
        return {
            "good": count,
            "exit_status": result.returncode,
            "traceback": "Traceback" in result.stderr,
            "before": before,
            "after": after,
            "added": summary.get("added"),
            "expected_added": expected_added,
            "skipped": summary.get("skipped"),
            "messages": len(messages),
            "first_index_kept": kept,
            "cases": rows,
        }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--good", type=int, default=200, help="articles of the first index")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    figures = run(args.corpus, args.good)
    print_table(
        ["case", "message given", "rest indexed", "as it must"],
        [
            [
                row["case"],
                "<br>".join(row["messages"])
                or f"none (indexed: {', '.join(row['indexed_and_reachable'])})",
                "yes" if row["rest_indexed"] else "NO",
                "yes" if row["ok"] else "NO",
            ]
            for row in figures["cases"]
        ],
    )
    print()
    traceback = "yes" if figures["traceback"] else "no"
    print(
        f"exit status {figures['exit_status']}, traceback: {traceback}; "
        f"articles before {figures['before']:,}, after {figures['after']:,} "
        f"(added {figures['added']}, expected {figures['expected_added']}), "
        f"skipped {figures['skipped']} ({figures['messages']} messages); "
        f"articles of the first index still there: {figures['first_index_kept']:,} "
        f"of {figures['before']:,}"
    )
    failed = [row["case"] for row in figures["cases"] if not row["ok"]]
    good_run = (
        not failed
        and figures["exit_status"] == 0
        and not figures["traceback"]
        and figures["first_index_kept"] == figures["before"]
        and figures["after"] == figures["before"] + figures["expected_added"]
    )
    print("every case went as it must" if good_run else f"NOT as it must: {', '.join(failed)}")
    if args.json:
        write_json(args.json, figures)
    return 0 if good_run else 1


if __name__ == "__main__":
    raise SystemExit(main())
