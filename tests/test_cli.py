"""The ``news-search`` command line, run as a subprocess against indexes in temporary folders."""

from __future__ import annotations

import ctypes
import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

from search import Engine, SearchRequest, index_corpus
from search.engines.whoosh.store import META_FILE

SEED_IDS = {"000_531ff39b56e64b0c", "001_087f25d135671d92"}
HIT_KEYS = {"rank", "id", "title", "source", "date", "url", "score", "snippet_html", "matched"}


def error_line(stderr: str) -> str:
    """The one line of a failed command's stderr."""
    assert "Traceback" not in stderr
    lines = stderr.splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith("news-search: error: ")
    return lines[0].removeprefix("news-search: error: ")


def write_jsonl(path: Path, records: list[dict[str, object]], extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + extra, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fakes_facts(shared) -> dict[str, object]:
    """Sources and date range of fakes.jsonl, read straight from the file."""
    with (shared / "corpora" / "fakes.jsonl").open(encoding="utf-8") as f:
        records = [json.loads(line) for line in f]
    dates = sorted(r["date"] for r in records if r["date"])
    return {
        "count": len(records),
        "sources": Counter(r["source"] for r in records),
        "from": dates[0],
        "to": dates[-1],
        "undated": sum(1 for r in records if not r["date"]),
    }


# Help -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["index", "--help"],
        ["query", "--help"],
        ["analyze", "--help"],
        ["info", "--help"],
    ],
)
def test_help_exits_0(run_cli, args):
    result = run_cli(*args)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith(f"usage: news-search {args[0] if len(args) > 1 else ''}")
    assert result.stderr == ""


def test_version_names_the_analyzer(run_cli):
    result = run_cli("--version")
    assert result.returncode == 0
    assert re.fullmatch(r"news-search \S+ \(analyzer \S+\)\n", result.stdout)


def test_no_command_is_a_usage_error(run_cli):
    result = run_cli()
    assert result.returncode == 2
    assert "usage: news-search" in result.stderr


# index ------------------------------------------------------------------------------------------


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """Two good articles, one line that is not JSON, and a file of unknown type."""
    folder = tmp_path / "corpus"
    write_jsonl(
        folder / "news.jsonl",
        [{"id": "n1", "title": "Sairoon wins"}, {"id": "n2", "title": "Erbil talks"}],
        extra="this is not json\n",
    )
    (folder / "README.md").write_text("about this corpus", encoding="utf-8")
    return folder


def test_index_prints_summary_skips_and_ignored_files(run_cli, tmp_path, corpus):
    index_dir = tmp_path / "index"

    result = run_cli("index", "--index", index_dir, corpus)

    assert result.returncode == 0, result.stderr
    assert re.fullmatch(
        rf"{re.escape(str(index_dir))}: added 2, updated 0, removed 0, unchanged 0, skipped 1 "
        r"\(2 articles in the index, \d+\.\ds\)\n",
        result.stdout,
    )
    news = (corpus / "news.jsonl").resolve()
    assert result.stderr.splitlines() == [
        f"skipped {news}:3: not JSON: Expecting value (column 1)",
        f"ignored (not .txt, .jsonl or .csv): {(corpus / 'README.md').resolve()}",
    ]

    again = run_cli("index", "--index", index_dir, corpus)
    assert again.returncode == 0
    assert "added 0, updated 0, removed 0, unchanged 2, skipped 1" in again.stdout


def test_index_uses_the_environment_variable_and_can_print_json(run_cli, tmp_path, corpus):
    index_dir = tmp_path / "env-index"

    result = run_cli("index", "--json", corpus, env_index=index_dir)

    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary | {"seconds": 0} == {
        "ok": True,
        "added": 2,
        "updated": 0,
        "removed": 0,
        "unchanged": 0,
        "skipped": 1,
        "documents": 2,
        "seconds": 0,
        "ignored": [str((corpus / "README.md").resolve())],
    }
    assert (index_dir / META_FILE).is_file()


def test_index_quiet_prints_no_summary(run_cli, tmp_path, corpus):
    result = run_cli("index", "--quiet", "--index", tmp_path / "index", corpus)
    assert result.returncode == 0
    assert result.stdout == ""
    assert "\r" not in result.stderr


def test_index_reports_at_most_50_skips_one_by_one(run_cli, tmp_path):
    path = write_jsonl(tmp_path / "bad.jsonl", [{"id": "ok", "title": "OK"}], extra="nope\n" * 53)

    result = run_cli("index", "--index", tmp_path / "index", path)

    assert result.returncode == 0
    lines = result.stderr.splitlines()
    assert len(lines) == 51
    assert lines[0].startswith(f"skipped {path}:2: not JSON")
    assert lines[49].startswith(f"skipped {path}:51: not JSON")
    assert lines[50] == "... and 3 more skipped records"
    assert "skipped 53" in result.stdout


def test_index_strict_exits_1_and_commits_nothing(run_cli, tmp_path, corpus):
    index_dir = tmp_path / "index"
    good = write_jsonl(tmp_path / "good.jsonl", [{"id": "g", "title": "Good"}])
    assert run_cli("index", "--index", index_dir, good).returncode == 0
    meta = (index_dir / META_FILE).read_text(encoding="utf-8")

    result = run_cli("index", "--strict", "--index", index_dir, corpus)

    assert result.returncode == 1
    message = error_line(result.stderr)
    assert message.startswith(f"{(corpus / 'news.jsonl').resolve()}:3: not JSON")
    assert "nothing was committed" in message
    assert result.stdout == ""
    assert (index_dir / META_FILE).read_text(encoding="utf-8") == meta
    info = json.loads(run_cli("info", "--json", "--index", index_dir).stdout)
    assert info["documents"] == 1


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--procs", "0", "{tmp}/good.jsonl"], "--procs must be at least 1"),
        (["{tmp}/missing.jsonl"], "no such file or directory: {tmp}/missing.jsonl"),
        (["{tmp}/notes.md"], "{tmp}/notes.md: unsupported file type"),
    ],
)
def test_index_bad_input_exits_2(run_cli, tmp_path, args, message):
    write_jsonl(tmp_path / "good.jsonl", [{"id": "g", "title": "Good"}])
    (tmp_path / "notes.md").write_text("notes", encoding="utf-8")

    result = run_cli(
        "index", "--index", tmp_path / "index", *(a.format(tmp=tmp_path) for a in args)
    )

    assert result.returncode == 2
    assert message.format(tmp=tmp_path) in error_line(result.stderr)
    assert not (tmp_path / "index" / META_FILE).exists()


def test_index_skips_what_once_aborted_the_run_and_indexes_the_rest(run_cli, tmp_path):
    index_dir = tmp_path / "index"
    old = write_jsonl(tmp_path / "old.jsonl", [{"id": "o", "title": "Old news"}])
    assert run_cli("index", "--index", index_dir, old).returncode == 0
    folder = tmp_path / "bad"
    write_jsonl(folder / "a.jsonl", [{"id": "a1", "title": "Good before"}], extra="[" * 100_000)
    write_jsonl(
        folder / "b.jsonl",
        [
            {"id": "tz", "title": "T", "date": "0001-01-01T00:00:00+01:00"},
            {"id": "b1", "title": "Good after"},
        ],
    )
    (folder / "c.jsonl").write_bytes(gzip.compress(b'{"id": "z", "title": "Zipped"}\n'))
    (folder / "loop").symlink_to(folder)

    result = run_cli("index", "--index", index_dir, old, folder)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"skipped {folder / 'loop'}: symbolic link to a directory ({folder}), not followed: "
        "give that directory to index it",
        f"skipped {folder / 'a.jsonl'}:2: not JSON that can be read: nested too deeply",
        f"skipped {folder / 'b.jsonl'}:1: date '0001-01-01T00:00:00+01:00' is out of range "
        "once converted to UTC (years 1 to 9999)",
        f"skipped {folder / 'c.jsonl'}: not a text file: gzip-compressed data "
        "(decompress it first)",
    ]
    assert "added 2, updated 0, removed 0, unchanged 1, skipped 4 (3 articles" in result.stdout


def _without_reading_everything() -> None:
    """In the child, when it runs as root: drop the capabilities that let root read any file
    (CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH) from the bounding set, so that a file's
    permissions hold for it as for anyone (the index, owned by root, stays writable)."""
    if os.geteuid() != 0:
        return
    libc = ctypes.CDLL(None, use_errno=True)
    for capability in (1, 2):
        if libc.prctl(24, capability, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP) failed")


def _run_unprivileged(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "search", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "NEWS_SEARCH_INDEX": str(cwd / "unused")},
        cwd=cwd,
        timeout=120,
        check=False,
        preexec_fn=_without_reading_everything,
    )


def test_unreadable_files_and_folders_are_skipped_and_their_articles_kept(run_cli, tmp_path):
    index_dir = tmp_path / "index"
    folder = tmp_path / "corpus"
    write_jsonl(folder / "a.jsonl", [{"id": "a1", "title": "Open"}, {"id": "a2", "title": "Too"}])
    locked = write_jsonl(folder / "locked.jsonl", [{"id": "l1", "title": "Locked file"}])
    write_jsonl(folder / "sub" / "c.jsonl", [{"id": "c1", "title": "Locked folder"}])
    assert run_cli("index", "--index", index_dir, folder).returncode == 0
    write_jsonl(folder / "new.jsonl", [{"id": "n1", "title": "New"}])
    locked.chmod(0)
    (folder / "sub").chmod(0)
    try:
        probe = _run_unprivileged("index", "--index", tmp_path / "probe", locked, cwd=tmp_path)
        if "Permission denied" not in probe.stderr:
            pytest.skip("files cannot be made unreadable here (root with all capabilities)")

        result = _run_unprivileged("index", "--index", index_dir, folder, cwd=tmp_path)
    finally:
        locked.chmod(0o644)
        (folder / "sub").chmod(0o755)

    assert result.returncode == 0, result.stderr
    assert result.stderr.splitlines() == [
        f"skipped {folder / 'sub'}: directory cannot be read (Permission denied); "
        "the article indexed from it is kept",
        f"skipped {locked}: cannot be read (Permission denied); "
        "the article indexed from it is kept",
    ]
    assert "added 1, updated 0, removed 0, unchanged 2, skipped 2 (5 articles" in result.stdout
    found = json.loads(run_cli("query", "--json", "--index", index_dir, "Locked").stdout)
    assert {hit["id"] for hit in found["hits"]} == {"l1", "c1"}


def test_index_without_paths_reads_the_project_seeds(run_cli, tmp_path):
    result = run_cli("index", "--index", tmp_path / "index")
    assert result.returncode == 0, result.stderr
    assert "added 2, updated 0, removed 0, unchanged 0, skipped 0" in result.stdout


# query ------------------------------------------------------------------------------------------


def test_query_sayirun_finds_both_seed_spellings_marked(run_cli, seeds_index):
    result = run_cli("query", "--index", seeds_index, "Sayirun")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("2 results for Sayirun (")
    assert "[Sairoon]" in out
    assert "[Sairun]" in out
    assert "\x1b[" not in out  # no terminal bold when writing to a pipe
    ranks = re.findall(r"^ +(\d+)\. (.+)$", out, re.M)
    assert [rank for rank, _ in ranks] == ["1", "2"]
    assert {title for _, title in ranks} == {
        "Sadr calls on supporters to protest against US troop presence",
        "Sadr calls on Iraqis to join Friday anti-US protests",
    }
    assert len(re.findall(r"^ {5}no source · no date · score \d+\.\d\d$", out, re.M)) == 2


def test_query_exact_finds_the_typed_spelling_alone(run_cli, seeds_index):
    result = run_cli("query", "--exact", "--index", seeds_index, "Sayirun")

    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("1 result for Sayirun, exact spelling only (")
    assert "[Sayirun]" in out and "Sairoon" not in out and "[Sairun]" not in out
    assert "spellings reached: sayirun (1)" in out
    response = json.loads(
        run_cli("query", "--json", "--exact", "--index", seeds_index, "Sayirun").stdout
    )
    assert response["query"]["exact"] is True and response["total"] == 1
    assert [hit["matched"] for hit in response["hits"]] == [["Sayirun"]]


def test_query_help_says_what_exact_does(run_cli):
    help_text = " ".join(run_cli("query", "--help").stdout.split())
    assert "--exact exact spelling only: search each word as typed" in help_text
    assert "reaching no other spellings" in help_text


def test_query_json_over_the_seeds(run_cli, seeds_index):
    result = run_cli("query", "--json", "--index", seeds_index, "Sayirun")

    assert result.returncode == 0, result.stderr
    assert result.stdout.count("\n") == 1
    response = json.loads(result.stdout)
    assert {"ok", "query", "total", "page", "pages", "took_ms", "hits"} <= response.keys()
    assert response["ok"] is True
    assert response["query"]["q"] == "Sayirun"
    assert (response["total"], response["page"], response["pages"]) == (2, 1, 1)
    assert response["took_ms"] >= 0
    hits = response["hits"]
    assert all(hit.keys() >= HIT_KEYS for hit in hits)
    assert [hit["rank"] for hit in hits] == [1, 2]
    assert {hit["id"] for hit in hits} == SEED_IDS
    snippets = " ".join(hit["snippet_html"] for hit in hits)
    assert "<mark>Sairoon</mark>" in snippets
    assert "<mark>Sairun</mark>" in snippets
    matched = {spelling for hit in hits for spelling in hit["matched"]}
    assert {"Sairoon", "Sairun"} <= matched


def test_query_shows_source_date_score_and_pages(run_cli, fakes_index):
    result = run_cli("query", "--index", fakes_index, "--limit", "3", "Hezbollah")

    assert result.returncode == 0, result.stderr
    metas = re.findall(r"^ {5}(\w+) · (\d{4}-\d\d-\d\d) · score (\d+\.\d\d)$", result.stdout, re.M)
    assert len(metas) == 3
    scores = [float(score) for *_, score in metas]
    assert scores == sorted(scores, reverse=True)
    assert re.search(r"^ +3\. .*\[Hezbollah\]", result.stdout, re.M)
    total = int(re.match(r"(\d+) results for Hezbollah", result.stdout)[1])
    assert f"page 1 of {-(-total // 3)}" in result.stdout


def test_query_json_filters_sorts_and_pages(run_cli, fakes_index):
    result = run_cli(
        "query",
        "--json",
        "--index",
        fakes_index,
        "--source",
        "ALAlam",
        "--from",
        "2016",
        "--to",
        "2016-06",
        "--sort",
        "newest",
        "--limit",
        "5",
        "--page",
        "2",
        "Syria",
    )

    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["query"] | {"q": "Syria"} == {
        "q": "Syria",
        "page": 2,
        "size": 5,
        "sort": "newest",
        "from": "2016-01-01",
        "to": "2016-06-30",
        "source": ["ALAlam"],
        "exact": False,
        "without": [],
        "collapse": True,
    }
    assert response["total"] > 10
    assert response["page"] == 2
    hits = response["hits"]
    assert [hit["rank"] for hit in hits] == [6, 7, 8, 9, 10]
    assert {hit["source"] for hit in hits} == {"alalam"}
    dates = [hit["date"] for hit in hits]
    assert dates == sorted(dates, reverse=True)
    assert all("2016-01-01" <= d <= "2016-06-30" for d in dates)


def test_an_empty_query_lists_the_newest_articles_under_the_filters(run_cli, fakes_index):
    result = run_cli("query", "--json", "--index", fakes_index, "", "--source", "alalam")
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert response["query"]["sort"] == "newest"
    assert response["total"] == response["sources"]["alalam"] > 10
    dates = [hit["date"] for hit in response["hits"]]
    assert dates == sorted(dates, reverse=True)
    assert {hit["source"] for hit in response["hits"]} == {"alalam"}


@pytest.mark.parametrize(
    ("args", "message", "parameter"),
    [
        (["a" * 1001], "query too long: 1,001 characters (the limit is 1,000)", "q"),
        # The query language's own messages: only what they must mention.
        (['"Sadr protests'], "quote", "q"),
        (["(Sadr OR Sairun"], "parenthes", "q"),
        (["Sadr)"], "parenthes", "q"),
        (["OR"], "OR", "q"),
        (["-"], "-", "q"),
        (["Sadr", "--from", "2020-13-01"], "from: '2020-13-01' is not a real date", "from"),
        (["Sadr", "--to", "yesterday"], "to must be a date like", "to"),
        (["Sadr", "--from", "2018", "--to", "2017"], "from (2018-01-01) is after to", "to"),
        (["Sadr", "--page", "0"], "page must be between 1 and 10,000, not 0", "page"),
        (["Sadr", "--page", "abc"], "page must be a whole number, not 'abc'", "page"),
        (["Sadr", "--page", "999"], "page 999 is past the last page of results", "page"),
        (["Sadr", "--limit", "500"], "size must be between 1 and 100, not 500", "size"),
        (["Sadr", "--limit", "0"], "size must be between 1 and 100, not 0", "size"),
        (["Sadr", "--sort", "bogus"], "sort must be one of relevance, newest, oldest", "sort"),
        (["Sadr", "--source", "nowhere"], "unknown source 'nowhere'; this index has: ", "source"),
    ],
)
def test_query_bad_input_exits_2_with_one_line_and_the_json_error(
    run_cli, fakes_index, args, message, parameter
):
    result = run_cli("query", "--json", "--index", fakes_index, *args)

    assert result.returncode == 2
    error = error_line(result.stderr)
    assert message in error
    body = json.loads(result.stdout)
    assert body == {**body, "ok": False, "error": error, "status": 400, "parameter": parameter}
    assert body["code"] in ("invalid_query", "invalid_parameter", "past_last_page")
    assert (body["code"] == "invalid_query") == (parameter == "q")


@pytest.mark.parametrize("args", [["OR"], ["Sadr", "--sort", "bogus"]], ids=["query", "parameter"])
def test_query_bad_input_without_json_prints_nothing_on_stdout(run_cli, fakes_index, args):
    result = run_cli("query", "--index", fakes_index, *args)
    assert result.returncode == 2
    assert error_line(result.stderr)
    assert result.stdout == ""


# Unusable indexes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("command", "where"),
    [
        (["query", "Sadr"], "empty"),
        (["query", "Sadr"], "missing"),
        (["query", "Sadr"], "env"),
        (["info"], "empty"),
        (["analyze", "Sadr"], "missing"),
    ],
)
def test_missing_index_names_the_index_command(run_cli, tmp_path, command, where):
    index_dir = tmp_path / "nothing-here"
    if where != "missing":
        index_dir.mkdir()
    if where == "env":
        result = run_cli(*command, env_index=index_dir)
    else:
        result = run_cli(command[0], "--index", index_dir, *command[1:])

    assert result.returncode == 2
    error = error_line(result.stderr)
    assert error.startswith(f"no index at {index_dir}")
    assert "`news-search index" in error
    assert not (tmp_path / "nothing-here" / META_FILE).exists()


def test_missing_index_with_json_prints_the_error_object(run_cli, tmp_path):
    result = run_cli("query", "--json", "--index", tmp_path, "Sadr")
    assert result.returncode == 2
    error = error_line(result.stderr)
    assert json.loads(result.stdout) == {
        "ok": False,
        "error": error,
        "status": 503,
        "code": "index_unavailable",
        "parameter": None,
    }


def _garbage_segments(index_dir: Path) -> None:
    for path in index_dir.glob("*.seg"):
        path.write_bytes(b"garbage")


def _garbage_toc(index_dir: Path) -> None:
    for path in index_dir.glob("_MAIN_*.toc"):
        path.write_bytes(b"garbage")


def _garbage_everywhere(index_dir: Path) -> None:
    for path in index_dir.iterdir():
        path.write_bytes(b"\x00garbage\xff")


def _no_meta(index_dir: Path) -> None:
    (index_dir / META_FILE).unlink()


def _garbage_meta(index_dir: Path) -> None:
    (index_dir / META_FILE).write_text("{not json", encoding="utf-8")


def _other_version(index_dir: Path) -> None:
    meta = json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    meta["analyzer_version"] = "0.000000000000"
    (index_dir / META_FILE).write_text(json.dumps(meta), encoding="utf-8")


@pytest.mark.parametrize(
    "damage",
    [_garbage_segments, _garbage_toc, _garbage_everywhere, _no_meta, _garbage_meta, _other_version],
    ids=lambda f: f.__name__.strip("_"),
)
def test_corrupt_index_is_refused_until_rebuilt(run_cli, tmp_path, shared, damage):
    index_dir = tmp_path / "index"
    index_corpus(index_dir, [shared / "seeds"])
    damage(index_dir)

    result = run_cli("query", "--index", index_dir, "Sayirun")
    assert result.returncode == 2
    error = error_line(result.stderr)
    assert str(index_dir) in error
    assert f"`news-search index --rebuild --index {index_dir}" in error
    assert result.stdout == ""

    result = run_cli("index", "--index", index_dir, shared / "seeds")
    assert result.returncode == 2
    assert "`news-search index --rebuild" in error_line(result.stderr)

    rebuilt = run_cli("index", "--rebuild", "--index", index_dir, shared / "seeds")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert "added 2, updated 0, removed 0, unchanged 0, skipped 0 (2 articles" in rebuilt.stdout
    with Engine(index_dir) as engine:
        assert engine.search(SearchRequest.from_params("Sayirun")).total == 2


@pytest.mark.parametrize("command", [["info"], ["analyze", "Sayirun"]])
def test_other_commands_refuse_a_corrupt_index(run_cli, tmp_path, shared, command):
    index_dir = tmp_path / "index"
    index_corpus(index_dir, [shared / "seeds"])
    _garbage_segments(index_dir)
    result = run_cli(command[0], "--index", index_dir, *command[1:])
    assert result.returncode == 2
    assert f"`news-search index --rebuild --index {index_dir}" in error_line(result.stderr)


def test_other_analyzer_version_message_gives_the_rebuild_command_with_paths(
    run_cli, tmp_path, shared
):
    index_dir = tmp_path / "index"
    index_corpus(index_dir, [shared / "seeds"])
    _other_version(index_dir)
    result = run_cli("query", "--index", index_dir, "Sadr")
    error = error_line(result.stderr)
    assert "built by analyzer version 0.000000000000" in error
    assert error.endswith(
        f"`news-search index --rebuild --index {index_dir} {(shared / 'seeds').resolve()}`"
    )


# info -------------------------------------------------------------------------------------------


def test_info_describes_the_index(run_cli, fakes_index, fakes_facts):
    meta = json.loads((fakes_index / META_FILE).read_text(encoding="utf-8"))

    result = run_cli("info", "--index", fakes_index)

    assert result.returncode == 0, result.stderr
    rows = dict(re.findall(r"^([a-z ]+): +(.*)$", result.stdout, re.M))
    assert rows["articles"] == f"{fakes_facts['count']:,}"
    assert re.fullmatch(r"\d+\.\d (KiB|MiB)", rows["size on disk"])
    sources = dict(re.findall(r"(\w+) \(([\d,]+)\)", rows["sources"]))
    assert {k: int(v) for k, v in sources.items()} == fakes_facts["sources"]
    assert rows["date range"] == (
        f"{fakes_facts['from']} to {fakes_facts['to']} ({fakes_facts['undated']} undated)"
    )
    assert rows["analyzer version"] == meta["analyzer_version"]
    assert rows["built"] == meta["built_at"]
    assert rows["corpus paths"] == meta["paths"][0]


def test_info_json(run_cli, fakes_index, fakes_facts):
    result = run_cli("info", "--json", env_index=fakes_index)

    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    meta = json.loads((fakes_index / META_FILE).read_text(encoding="utf-8"))
    assert info["ok"] is True
    assert info["path"] == str(fakes_index.resolve())
    assert info["documents"] == fakes_facts["count"]
    assert info["size_bytes"] == sum(p.stat().st_size for p in fakes_index.iterdir() if p.is_file())
    assert info["sources"] == fakes_facts["sources"]
    assert list(info["sources"].values()) == sorted(info["sources"].values(), reverse=True)
    moments = (f"{fakes_facts['from']}T00:00:00Z", f"{fakes_facts['to']}T00:00:00Z")
    assert (info["date_from"], info["date_to"]) == moments
    assert info["undated"] == fakes_facts["undated"]
    assert info["analyzer_version"] == meta["analyzer_version"]
    assert info["built_at"] == meta["built_at"]
    assert info["paths"] == meta["paths"]


def test_info_of_an_undated_index_without_sources(run_cli, seeds_index):
    result = run_cli("info", "--index", seeds_index)
    assert result.returncode == 0
    assert re.search(r"^sources: +none$", result.stdout, re.M)
    assert re.search(r"^date range: +no dates \(2 undated\)$", result.stdout, re.M)


# analyze ----------------------------------------------------------------------------------------


def test_analyze_shows_forms_and_the_spellings_matched(run_cli, seeds_index):
    result = run_cli("analyze", "--index", seeds_index, "Sayirun")

    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Sayirun"
    fields = dict(re.findall(r"^  (folded|key|skeleton): +(\S+)", result.stdout, re.M))
    assert fields["folded"] == "sayirun"
    assert fields["key"] != "-"
    assert fields["skeleton"] != "-"
    # The index's spellings it reaches, on lines that do not reject them.
    for spelling in ("sairoon", "sairun"):
        reached = [line for line in lines[1:] if re.search(rf"\b{spelling}\b", line)]
        assert reached, spelling
        assert not any("rejected" in line for line in reached), spelling


def test_analyze_json(run_cli, seeds_index):
    result = run_cli("analyze", "--json", "--index", seeds_index, "Sayirun")

    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["ok"] is True
    [word] = report["words"]
    assert (word["word"], word["folded"]) == ("Sayirun", "sayirun")
    assert word["key"]
    assert word["skeleton"]
    reached = set(re.findall(r'"(sairoon|sairun)"', json.dumps(word)))
    assert reached == {"sairoon", "sairun"}


def test_analyze_word_absent_from_the_index(run_cli, seeds_index):
    result = run_cli("analyze", "--index", seeds_index, "Zanzibar")
    assert result.returncode == 0
    assert result.stdout.startswith("Zanzibar\n  folded:    zanzibar\n")
    assert not re.search(r"sairoon|sairun|sayirun", result.stdout)


def test_commands_never_write_to_an_index_they_only_read(run_cli, tmp_path, seeds_index):
    copy = tmp_path / "copy"
    shutil.copytree(seeds_index, copy)
    before = {p.name: p.read_bytes() for p in copy.iterdir()}
    for command in (["query", "Sadr"], ["info"], ["analyze", "Sadr"]):
        assert run_cli(command[0], "--index", copy, *command[1:]).returncode == 0
    assert {p.name: p.read_bytes() for p in copy.iterdir()} == before


@pytest.mark.parametrize(
    "args",
    [
        ["query", "--json", b"\xff\xfe"],
        ["query", "--json", "--source", b"\xffx", "Sairun"],
        ["query", "--json", "--from", b"\xff", "Sairun"],
        ["analyze", "--json", b"Sair\xffun"],
    ],
)
def test_bytes_that_are_not_utf8_get_a_message_and_valid_json(seeds_index, args):
    # The command line can carry any bytes; what --json prints must stay valid UTF-8 JSON.
    done = subprocess.run(
        [sys.executable, "-m", "search", *args, "--index", str(seeds_index)],
        capture_output=True,
        check=False,
        timeout=60,
    )
    assert done.returncode == 2 and b"Traceback" not in done.stderr
    error = json.loads(done.stdout.decode("utf-8"))
    assert error["ok"] is False and error["status"] == 400


def test_name_prints_the_name_page_and_its_json(run_cli, fakes_index):
    with Engine(fakes_index) as engine:
        expected = engine.name_page("Hizballah").to_json()
    result = run_cli("name", "--json", "--index", fakes_index, "Hizballah")
    assert result.returncode == 0 and json.loads(result.stdout) == expected
    text = run_cli("name", "--index", fakes_index, "Hizballah").stdout
    first = expected["spellings"][0]
    assert text.startswith(f"Hizballah: {expected['total']:,} articles in ")
    assert f"  {first['spelling']}: {first['total']:,}\n" in text
    assert "written with it: " + expected["company"][0]["name"] in text
    assert f"id: {expected['newest'][0]['id']}" in text


def test_name_refuses_more_than_one_word(run_cli, fakes_index):
    result = run_cli("name", "--json", "--index", fakes_index, "Assad regime")
    assert result.returncode == 2 and "one word" in error_line(result.stderr)
    assert json.loads(result.stdout)["parameter"] == "name"
