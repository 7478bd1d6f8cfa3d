"""Building and updating an index: incremental runs, skips, rebuilds, --strict, several writer
processes, interrupted runs and the analyzer version recorded with the index."""

from __future__ import annotations

import gzip
import json
import os
import random
import signal
import subprocess
import sys
import time
from itertools import islice
from pathlib import Path

import pytest
from starlette.testclient import TestClient
from whoosh import index as whoosh_index

from search import Engine, IndexUnavailable, SearchRequest, index_corpus
from search.engines.whoosh import store
from search.engines.whoosh.schema import ANALYZER_VERSION, build_schema
from search.engines.whoosh.store import INDEX_NAME, META_FILE, read_meta
from search.errors import StrictSkipError
from web import create_app
from web.views import article_path

ARTICLES = [
    {
        "id": "a1",
        "title": "Sairoon wins the vote",
        "body": "Sadr celebrates in Baghdad.",
        "date": "2018-05-19",
    },
    {"id": "a2", "title": "Kurdish talks in Erbil", "body": "Delegations met on Monday."},
    {
        "id": "a3",
        "title": "Basra protests",
        "body": "Water shortages drive anger.",
        "source": "rudaw",
    },
]


def write_jsonl(path: Path, records: list[dict[str, object]], extra: str = "") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in records) + extra, encoding="utf-8")
    return path


def counts(summary) -> dict[str, int]:
    return {k: getattr(summary, k) for k in ("added", "updated", "removed", "unchanged", "skipped")}


def ids(index_dir: Path, q: str) -> set[str]:
    """Every id a query finds."""
    with Engine(index_dir) as engine:
        response = engine.search(SearchRequest.from_params(q, size=100))
        assert response.total <= 100
        return {hit.id for hit in response.hits}


def documents(index_dir: Path) -> int:
    with Engine(index_dir) as engine:
        return engine.info().documents


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A corpus folder with one JSON Lines file of three articles and one text file."""
    folder = tmp_path / "corpus"
    write_jsonl(folder / "a.jsonl", ARTICLES)
    (folder / "b.txt").write_text("Mosul rebuilds\n\nThe old city reopens.\n", encoding="utf-8")
    return folder


@pytest.fixture
def index_dir(tmp_path: Path) -> Path:
    return tmp_path / "index"


# Incremental runs -------------------------------------------------------------------------------


def test_first_run_adds_every_article(index_dir, corpus):
    summary = index_corpus(index_dir, [corpus])
    assert counts(summary) == {"added": 4, "updated": 0, "removed": 0, "unchanged": 0, "skipped": 0}
    assert summary.documents == 4
    assert ids(index_dir, "Basra") == {"a3"}
    assert ids(index_dir, "Mosul") == {"b"}


def test_second_run_with_nothing_changed_leaves_everything(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    summary = index_corpus(index_dir, [corpus])
    assert counts(summary) == {"added": 0, "updated": 0, "removed": 0, "unchanged": 4, "skipped": 0}
    assert summary.documents == documents(index_dir) == 4


def test_changed_body_is_updated(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    changed = [dict(ARTICLES[0], body="Sadr celebrates in Najaf."), *ARTICLES[1:]]
    write_jsonl(corpus / "a.jsonl", changed)

    summary = index_corpus(index_dir, [corpus])

    assert counts(summary) == {"added": 0, "updated": 1, "removed": 0, "unchanged": 3, "skipped": 0}
    assert summary.documents == 4
    assert ids(index_dir, "Najaf") == {"a1"}
    assert ids(index_dir, "Baghdad") == set()


@pytest.mark.parametrize(
    "field", [("title", "Sairun wins the vote"), ("date", "2018-05-20"), ("source", "afp")]
)
def test_any_changed_field_is_updated(index_dir, corpus, field):
    index_corpus(index_dir, [corpus])
    write_jsonl(corpus / "a.jsonl", [dict(ARTICLES[0], **dict([field])), *ARTICLES[1:]])
    summary = index_corpus(index_dir, [corpus])
    assert (summary.updated, summary.unchanged) == (1, 3)


def test_article_removed_from_a_file_is_removed(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    write_jsonl(corpus / "a.jsonl", ARTICLES[:2])

    summary = index_corpus(index_dir, [corpus])

    assert counts(summary) == {"added": 0, "updated": 0, "removed": 1, "unchanged": 3, "skipped": 0}
    assert summary.documents == documents(index_dir) == 3
    assert ids(index_dir, "Basra") == set()


def test_deleted_file_in_a_folder_has_its_articles_removed(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    (corpus / "a.jsonl").unlink()
    summary = index_corpus(index_dir, [corpus])
    assert (summary.removed, summary.unchanged, summary.documents) == (3, 1, 1)


def test_added_file_is_added(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    write_jsonl(corpus / "sub" / "c.jsonl", [{"id": "c1", "title": "Kirkuk oil"}])

    summary = index_corpus(index_dir, [corpus])

    assert counts(summary) == {"added": 1, "updated": 0, "removed": 0, "unchanged": 4, "skipped": 0}
    assert ids(index_dir, "Kirkuk") == {"c1"}


def test_indexing_another_path_removes_nothing_of_the_first(index_dir, tmp_path, corpus):
    other = write_jsonl(tmp_path / "other.jsonl", [{"id": "o1", "title": "Tikrit news"}])
    index_corpus(index_dir, [corpus])
    write_jsonl(corpus / "a.jsonl", ARTICLES[:1])  # gone from the first path, not yet re-read

    summary = index_corpus(index_dir, [other])

    assert counts(summary) == {"added": 1, "updated": 0, "removed": 0, "unchanged": 0, "skipped": 0}
    assert summary.documents == 5
    assert ids(index_dir, "Basra") == {"a3"}
    # Reading the first path again now removes what left it, and nothing of the other path.
    summary = index_corpus(index_dir, [corpus])
    assert (summary.removed, summary.unchanged, summary.documents) == (2, 2, 3)
    assert ids(index_dir, "Tikrit") == {"o1"}


def test_article_moved_to_another_file_is_updated_not_lost(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    write_jsonl(corpus / "a.jsonl", ARTICLES[:2])
    write_jsonl(corpus / "c.jsonl", ARTICLES[2:])

    summary = index_corpus(index_dir, [corpus])

    assert (summary.added, summary.updated, summary.removed) == (0, 1, 0)
    assert ids(index_dir, "Basra") == {"a3"}
    # It now belongs to its new file: re-reading the old one alone leaves it alone.
    summary = index_corpus(index_dir, [corpus / "a.jsonl"])
    assert counts(summary) == {"added": 0, "updated": 0, "removed": 0, "unchanged": 2, "skipped": 0}
    assert ids(index_dir, "Basra") == {"a3"}


def test_skipped_records_are_counted_and_reported(index_dir, tmp_path):
    path = write_jsonl(
        tmp_path / "mixed.jsonl",
        ARTICLES[:1],
        extra='not json\n{"id": "x", "title": "T", "date": "someday"}\n{"id": "y"}\n',
    )
    skips = []

    summary = index_corpus(index_dir, [path], on_skip=skips.append)

    assert counts(summary) == {"added": 1, "updated": 0, "removed": 0, "unchanged": 0, "skipped": 3}
    assert [str(s).split(": ")[0] for s in skips] == [f"{path}:2", f"{path}:3", f"{path}:4"]
    assert summary.documents == 1


def test_duplicate_id_within_a_run_is_skipped_and_the_first_kept(index_dir, tmp_path):
    first = write_jsonl(tmp_path / "1.jsonl", [{"id": "d", "title": "Falluja first"}])
    second = write_jsonl(
        tmp_path / "2.jsonl",
        [{"id": "d", "title": "Fallujah second"}, {"id": "e", "title": "Other"}],
        extra=json.dumps({"id": "e", "title": "Other again"}) + "\n",
    )
    skips = []

    summary = index_corpus(index_dir, [first, second], on_skip=skips.append)

    assert (summary.added, summary.skipped, summary.documents) == (2, 2, 2)
    assert [(s.origin, s.line) for s in skips] == [(str(second), 1), (str(second), 3)]
    assert all("duplicate id" in s.reason for s in skips)
    assert f"{first}:1" in skips[0].reason
    with Engine(index_dir) as engine:
        [hit] = engine.search(SearchRequest.from_params("Falluja")).hits
    assert hit.title == "Falluja first"


def test_a_file_gone_before_it_is_read_is_skipped_and_its_articles_kept(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    # A line that cannot be read, in the file read first: its skip is reported while the run
    # is under way, and the next file is deleted then, after it was listed and counted.
    write_jsonl(corpus / "a.jsonl", ARTICLES, extra="oops\n")
    write_jsonl(corpus / "c.jsonl", [{"id": "c1", "title": "Kirkuk oil"}])
    skips = []

    def remove_the_next_file(skip) -> None:
        skips.append(skip)
        (corpus / "b.txt").unlink(missing_ok=True)

    summary = index_corpus(index_dir, [corpus], on_skip=remove_the_next_file)

    assert counts(summary) == {"added": 1, "updated": 0, "removed": 0, "unchanged": 3, "skipped": 2}
    assert [str(s) for s in skips] == [
        f"{(corpus / 'a.jsonl').resolve()}:4: not JSON: Expecting value (column 1)",
        f"{(corpus / 'b.txt').resolve()}: cannot be read (No such file or directory); "
        "the article indexed from it is kept",
    ]
    assert summary.documents == documents(index_dir) == 5
    assert ids(index_dir, "Mosul") == {"b"}
    # Once the file is gone from the folder, the next run removes its article.
    summary = index_corpus(index_dir, [corpus])
    assert (summary.removed, summary.skipped, summary.documents) == (1, 1, 4)


def test_a_file_that_became_binary_keeps_its_articles_and_the_rest_is_indexed(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    path = corpus / "a.jsonl"
    path.write_bytes(gzip.compress(path.read_bytes()))
    write_jsonl(corpus / "c.jsonl", [{"id": "c1", "title": "Kirkuk oil"}])
    skips = []

    summary = index_corpus(index_dir, [corpus], on_skip=skips.append)

    assert counts(summary) == {"added": 1, "updated": 0, "removed": 0, "unchanged": 1, "skipped": 1}
    assert [str(s) for s in skips] == [
        f"{path.resolve()}: not a text file: gzip-compressed data (decompress it first); "
        "the 3 articles indexed from it are kept"
    ]
    assert summary.documents == 5
    assert ids(index_dir, "Basra") == {"a3"}


def test_links_that_loop_or_lead_to_directories_are_skipped_and_counted(index_dir, corpus):
    (corpus / "loop").symlink_to(corpus)
    (corpus / "x.jsonl").symlink_to(corpus / "y.jsonl")
    (corpus / "y.jsonl").symlink_to(corpus / "x.jsonl")
    skips = []

    summary = index_corpus(index_dir, [corpus], on_skip=skips.append)

    assert (summary.added, summary.skipped, summary.documents) == (4, 3, 4)
    assert [(s.origin, s.reason.split(" (")[0]) for s in skips] == [
        (str(corpus / "loop"), "symbolic link to a directory"),
        (str(corpus / "x.jsonl"), "symbolic link loop"),
        (str(corpus / "y.jsonl"), "symbolic link loop"),
    ]
    with pytest.raises(StrictSkipError, match="symbolic link to a directory"):
        index_corpus(index_dir, [corpus], strict=True)


def test_records_that_once_raised_are_skipped_and_the_run_goes_on(index_dir, tmp_path):
    path = tmp_path / "hostile.jsonl"
    path.write_text(
        "[" * 100_000
        + "\n"
        + json.dumps({"id": "tz", "title": "T", "date": "0001-01-01T00:00:00+01:00"})
        + "\n"
        + '{"id": "s", "title": "lone \\ud800"}\n'
        + json.dumps({"id": "n\nl", "title": "Newline in the id"})
        + "\n"
        + json.dumps({"id": "ok", "title": "Tikrit news"})
        + "\n",
        encoding="utf-8",
    )
    skips = []

    summary = index_corpus(index_dir, [path], on_skip=skips.append)

    assert (summary.added, summary.skipped, summary.documents) == (1, 4, 1)
    assert [s.line for s in skips] == [1, 2, 3, 4]
    assert ids(index_dir, "Tikrit") == {"ok"}


def test_every_year_a_date_can_have_is_indexed_filtered_and_sorted(index_dir, tmp_path):
    path = write_jsonl(
        tmp_path / "years.jsonl",
        [
            {"id": "first", "title": "Year one", "date": "0001-01-01T01:00:00+01:00"},
            {"id": "last", "title": "Year last", "date": "9999-12-31T23:59:59.999999"},
            {"id": "now", "title": "Year now", "date": "2020-01-09"},
        ],
    )
    index_corpus(index_dir, [path])
    with Engine(index_dir) as engine:
        info = engine.info()
        # Every moment to the second, in UTC ("Z"), whatever the zone and precision given.
        assert (info.date_from, info.date_to) == ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59Z")
        for sort, order in [
            ("oldest", ["first", "now", "last"]),
            ("newest", ["last", "now", "first"]),
        ]:
            hits = engine.search(SearchRequest.from_params("Year", sort=sort)).hits
            assert [h.id for h in hits] == order
        found = engine.search(SearchRequest.from_params("Year", date_from="9999", date_to="9999"))
        assert [h.id for h in found.hits] == ["last"]


def test_ids_with_slashes_and_other_url_characters_are_reachable_on_the_web(index_dir, tmp_path):
    # /articles/{id} takes the rest of the path: an id may hold slashes, and every character
    # that is not a control character (those are refused when the corpus is read).
    odd = ["a/b/c", "/lead/", "a//b", "a/../b", "./x", "...", "a b?c#d&e", "é/ü", "\u200fmark"]
    path = write_jsonl(
        tmp_path / "ids.jsonl", [{"id": i, "title": f"Mosul {n}"} for n, i in enumerate(odd)]
    )
    index_corpus(index_dir, [path])

    with TestClient(create_app(index_dir)) as client:
        found = client.get("/api/search", params={"q": "Mosul", "size": 20}).json()
        assert {hit["id"] for hit in found["hits"]} == set(odd)
        for n, article_id in enumerate(odd):
            article = client.get(article_path(article_id, api=True))
            assert article.status_code == 200, article_id
            assert (article.json()["id"], article.json()["title"]) == (article_id, f"Mosul {n}")
            page = client.get(article_path(article_id))
            assert page.status_code == 200 and f"Mosul {n}" in page.text, article_id
        # With slashes as written, too.
        assert client.get("/api/articles/a/b/c").json()["id"] == "a/b/c"


def test_ignored_files_are_listed(index_dir, corpus):
    (corpus / "README.md").write_text("not a corpus", encoding="utf-8")
    summary = index_corpus(index_dir, [corpus])
    assert summary.ignored == [str((corpus / "README.md").resolve())]
    assert summary.added == 4


# Rebuild and --strict ---------------------------------------------------------------------------


def test_rebuild_starts_from_scratch(index_dir, tmp_path, corpus):
    other = write_jsonl(tmp_path / "other.jsonl", [{"id": "o1", "title": "Tikrit news"}])
    index_corpus(index_dir, [corpus])
    index_corpus(index_dir, [other])

    summary = index_corpus(index_dir, [corpus], rebuild=True)

    assert counts(summary) == {"added": 4, "updated": 0, "removed": 0, "unchanged": 0, "skipped": 0}
    assert summary.documents == documents(index_dir) == 4
    assert ids(index_dir, "Tikrit") == set()
    meta = read_meta(index_dir)
    assert meta is not None
    assert meta.paths == [str(corpus.resolve())]


def test_metadata_records_version_times_and_paths(index_dir, tmp_path, corpus):
    other = write_jsonl(tmp_path / "other.jsonl", [{"id": "o1", "title": "Tikrit news"}])
    index_corpus(index_dir, [corpus])
    index_corpus(index_dir, [other])
    data = json.loads((index_dir / META_FILE).read_text(encoding="utf-8"))
    assert data["analyzer_version"] == ANALYZER_VERSION
    assert data["built_at"].endswith("Z")
    assert data["updated_at"] >= data["built_at"]
    assert data["paths"] == sorted([str(corpus.resolve()), str(other.resolve())])


def test_strict_raises_and_commits_nothing(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    meta_before = (index_dir / META_FILE).read_text(encoding="utf-8")
    changed = [dict(ARTICLES[0], body="Sadr celebrates in Najaf."), *ARTICLES[1:2]]
    write_jsonl(corpus / "a.jsonl", changed, extra='{"id": "bad", "title": "T", "date": "soon"}\n')

    with pytest.raises(StrictSkipError, match="nothing was committed") as info:
        index_corpus(index_dir, [corpus], strict=True)

    assert f"{(corpus / 'a.jsonl').resolve()}:3" in info.value.message
    assert info.value.exit_code == 1
    assert documents(index_dir) == 4
    assert ids(index_dir, "Baghdad") == {"a1"}
    assert ids(index_dir, "Najaf") == set()
    assert ids(index_dir, "Basra") == {"a3"}
    assert (index_dir / META_FILE).read_text(encoding="utf-8") == meta_before
    # Without --strict the same corpus indexes, skipping the bad record.
    summary = index_corpus(index_dir, [corpus])
    assert counts(summary) == {"added": 0, "updated": 1, "removed": 1, "unchanged": 2, "skipped": 1}


def test_failed_strict_first_run_does_not_block_the_next_run(index_dir, tmp_path):
    bad = write_jsonl(tmp_path / "bad.jsonl", ARTICLES, extra="oops\n")
    with pytest.raises(StrictSkipError):
        index_corpus(index_dir, [bad], strict=True)
    with pytest.raises(IndexUnavailable, match="news-search index"):
        Engine(index_dir)

    summary = index_corpus(index_dir, [bad])

    assert (summary.added, summary.skipped, summary.documents) == (3, 1, 3)


# Without the key fields -------------------------------------------------------------------------


def test_an_index_without_the_key_fields_is_searched_by_exact_words(tmp_path, shared):
    plain, keyed = tmp_path / "plain", tmp_path / "keyed"
    index_corpus(plain, [shared / "seeds"], variants=False)
    index_corpus(keyed, [shared / "seeds"])
    ix = store.open_dir(plain)
    with ix.reader() as reader:
        assert reader.doc_count() == 2
        assert list(reader.field_terms("spellings")) == []
        company = reader.column_reader("company")
        assert [company[n] for n in range(2)] == [b"", b""]
    with Engine(plain) as without_keys, Engine(keyed) as with_keys:
        # Exact spelling only finds what it finds in the full index; without the switch, no
        # other spelling is reached either.
        for q in ("Sayirun", '"Muqtada al-Sadr"', "Sadr -Sairoon"):
            exact = SearchRequest.from_params(q, exact="1")
            expected = _by_id(with_keys.search(exact))
            assert _by_id(without_keys.search(exact)) == expected, q
            found = without_keys.search(SearchRequest.from_params(q))
            assert {hit.id for hit in found.hits} == set(expected), q
        sayirun = without_keys.search(SearchRequest.from_params("Sayirun"))
        assert sayirun.total == 1 and sayirun.spellings == {"sayirun": 1}
        assert with_keys.search(SearchRequest.from_params("Sayirun")).total == 2


# Several writer processes -----------------------------------------------------------------------


def test_two_processes_index_the_same_searchable_documents_as_one(tmp_path, shared):
    sample = tmp_path / "sample.jsonl"
    with (shared / "corpora" / "fakes.jsonl").open(encoding="utf-8") as f:
        sample.write_text("".join(islice(f, 100)), encoding="utf-8")
    one, two = tmp_path / "one", tmp_path / "two"

    s1 = index_corpus(one, [sample], procs=1)
    s2 = index_corpus(two, [sample], procs=2)

    assert counts(s1) == counts(s2) == {**counts(s1), "added": 100}
    assert s1.documents == s2.documents == 100
    queries = [
        "Syria",
        "Hezbollah",
        '"chemical attack"',
        "Assad -Russia",
        "Aleppo OR Homs",
        "al-Qaeda",
    ]
    with Engine(one) as e1, Engine(two) as e2:
        assert e1.info().sources == e2.info().sources
        for q in queries:
            for sort in ("relevance", "newest"):
                request = SearchRequest.from_params(q, size=100, sort=sort)
                r1, r2 = e1.search(request), e2.search(request)
                assert r1.total == r2.total > 0, q
                # The same hits with the same scores and snippets; ties may come in another
                # order, as documents are numbered by segment.
                assert _by_id(r1) == _by_id(r2), q
                order = (lambda h: h.score) if sort == "relevance" else (lambda h: h.date)
                assert list(map(order, r1.hits)) == list(map(order, r2.hits)), q


def _by_id(response) -> dict[str, tuple[object, ...]]:
    return {h.id: (h.title, h.date, h.score, h.snippet_html, h.matched) for h in response.hits}


# Interrupted runs -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def big_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """4,000 synthetic articles: several seconds of indexing."""
    rng = random.Random(20200109)
    letters = "abdefghiklmnorstuwyz"
    words = ["".join(rng.choices(letters, k=rng.randint(3, 9))) for _ in range(3000)]
    path = tmp_path_factory.mktemp("big") / "big.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for n in range(4000):
            title = " ".join(rng.choices(words, k=8)).title()
            body = " ".join(rng.choices(words, k=150))
            f.write(json.dumps({"id": f"big-{n}", "title": title, "body": body}) + "\n")
    return path


def _default_sigint() -> None:
    # A shell may start the test run with SIGINT ignored, which the child would inherit.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _processes_using(path: Path) -> list[str]:
    """Command lines of the running processes that mention ``path``."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in cmdline:
            found.append(cmdline)
    return found


@pytest.mark.parametrize("procs", [1, 2])
@pytest.mark.parametrize(
    ("sig", "returncode"),
    [(signal.SIGKILL, -signal.SIGKILL), (signal.SIGINT, 130)],
    ids=["kill-9", "sigint"],
)
def test_interrupted_run_leaves_the_last_commit(
    index_dir, tmp_path, corpus, big_corpus, sig, returncode, procs
):
    index_corpus(index_dir, [corpus])
    meta_before = (index_dir / META_FILE).read_text(encoding="utf-8")
    files_before = set(os.listdir(index_dir))
    env = {**os.environ, "NEWS_SEARCH_INDEX": str(tmp_path / "unused")}
    proc = subprocess.Popen(
        [
            *(sys.executable, "-m", "search", "index", "--index", str(index_dir)),
            *(str(big_corpus), "--procs", str(procs)),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        preexec_fn=_default_sigint,
    )
    try:
        # Wait until the writer has opened its new segment's files, then let it index a while.
        deadline = time.monotonic() + 30
        while not set(os.listdir(index_dir)) - files_before:
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the index run never started writing"
            time.sleep(0.05)
        time.sleep(0.5)
        assert proc.poll() is None, "the run ended before it could be interrupted"
        proc.send_signal(sig)
        proc.wait(timeout=30)
        # Writer processes must not outlive the run (a kill -9 gives them no chance to be told).
        deadline = time.monotonic() + 10
        while _processes_using(big_corpus) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _processes_using(big_corpus) == []
        _, stderr = proc.communicate(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()

    assert proc.returncode == returncode
    assert "Traceback" not in stderr
    if sig == signal.SIGINT:
        assert "interrupted" in stderr
    assert (index_dir / META_FILE).read_text(encoding="utf-8") == meta_before
    assert documents(index_dir) == 4
    assert ids(index_dir, "Basra") == {"a3"}
    # The lock is free and the leftovers are harmless: the next run works.
    summary = index_corpus(
        index_dir, [write_jsonl(tmp_path / "next.jsonl", [{"id": "n", "title": "Next"}])]
    )
    assert (summary.added, summary.documents) == (1, 5)
    assert ids(index_dir, "Next") == {"n"}


# Analyzer version -------------------------------------------------------------------------------


def test_index_built_by_another_analyzer_version_is_refused_until_rebuilt(index_dir, corpus):
    index_corpus(index_dir, [corpus])
    meta_path = index_dir / META_FILE
    data = json.loads(meta_path.read_text(encoding="utf-8"))
    assert data["analyzer_version"] == ANALYZER_VERSION
    data["analyzer_version"] = "0.000000000000"
    meta_path.write_text(json.dumps(data), encoding="utf-8")

    with pytest.raises(IndexUnavailable, match="--rebuild") as searching:
        Engine(index_dir)
    with pytest.raises(IndexUnavailable, match="--rebuild") as indexing:
        index_corpus(index_dir, [corpus])
    for error in (searching, indexing):
        assert "analyzer version 0.000000000000" in error.value.message
        assert str(corpus.resolve()) in error.value.message

    summary = index_corpus(index_dir, [corpus], rebuild=True)

    assert (summary.added, summary.documents) == (4, 4)
    assert json.loads(meta_path.read_text(encoding="utf-8"))["analyzer_version"] == ANALYZER_VERSION
    assert ids(index_dir, "Basra") == {"a3"}


@pytest.mark.parametrize("procs", [1, 2])
def test_rebuild_of_an_index_with_an_older_schema_uses_the_new_one(index_dir, corpus, procs):
    # An index written by an older version lacks fields added since; Whoosh's worker processes
    # open the index by themselves and must still see this version's schema.
    old = build_schema()
    old.remove("company")
    index_dir.mkdir()
    whoosh_index.create_in(str(index_dir), old, INDEX_NAME).writer().commit()
    (index_dir / META_FILE).write_text(json.dumps({"analyzer_version": "1"}), encoding="utf-8")

    summary = index_corpus(index_dir, [corpus], rebuild=True, procs=procs)

    assert (summary.added, summary.documents) == (4, 4)
    assert ids(index_dir, "Basra") == {"a3"}
