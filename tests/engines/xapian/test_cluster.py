"""A cluster on loopback: shard and replica servers (Xapian's) started by the tests, searched
by the engine, the CLI and a real server process, against the embedded index of the same
articles; faults made by kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from search import Engine, SearchRequest, index_corpus
from search.backend import ClusterFile
from search.errors import IndexUnavailable, ShardUnavailable
from tests.conftest import CORPORA, FAKES, SEEDS
from tests.web.conftest import free_port

local = pytest.importorskip("search.engines.xapian.local", reason="xapian bindings missing")

if local.tools_missing():
    if os.environ.get("NEWS_SEARCH_REQUIRE_CLUSTER") == "1":
        raise RuntimeError(f"the cluster tests need {', '.join(local.tools_missing())}")
    pytest.skip("Xapian's tools (xapian-tools) are not installed", allow_module_level=True)

import xapian  # noqa: E402

QUERIES = [
    {"q": "Hizballah"},
    {"q": "Sayirun"},
    {"q": '"Moqtada al-Sadr"'},
    {"q": "Qaeda"},
    {"q": "oil -Iraq"},
    {"q": "Syria", "sort": "newest"},
    {"q": "Iraq", "date_from": "2016-01-01", "date_to": "2017-12-31"},
    {"q": "Assad", "sources": ["sana"]},
    {"q": "Aleppo OR Alep*"},
    {"q": "title:Damascus"},
    {"q": ""},
]


def _request(params: dict[str, object], **extra: object) -> SearchRequest:
    return SearchRequest.from_params(**{**params, **extra})  # type: ignore[arg-type]


def _cluster(directory: Path, replicas: int = 1) -> Path:
    return local.start(directory, 3, replicas)


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """A cluster of 3 shards with a replica each, holding the seeds and the fakes."""
    directory = tmp_path_factory.mktemp("cluster")
    cluster_file = _cluster(directory)
    try:
        index_corpus(ClusterFile(cluster_file), [SEEDS, FAKES])
        yield cluster_file
    finally:
        local.stop(directory)


@pytest.fixture(scope="module")
def embedded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    index = tmp_path_factory.mktemp("embedded") / "index"
    index_corpus(index, [SEEDS, FAKES])
    return index


@pytest.fixture
def own_cluster(tmp_path: Path) -> Iterator[Path]:
    """A cluster of its own, for a test that kills its servers."""
    cluster_file = _cluster(tmp_path / "c")
    try:
        index_corpus(ClusterFile(cluster_file), [SEEDS, FAKES])
        yield cluster_file
    finally:
        local.stop(tmp_path / "c")


def _servers(cluster_file: Path) -> list[dict[str, object]]:
    return local.status(cluster_file.parent)


def _kill(cluster_file: Path, shard: str, role: str | None = None) -> None:
    for row in _servers(cluster_file):
        if row["kind"] == "server" and row["shard"] == shard and role in (None, row["role"]):
            os.killpg(int(row["pid"]), signal.SIGKILL)  # the server and its connections


# The same results ---------------------------------------------------------------------------


def test_the_cluster_counts_as_the_embedded_index(cluster, embedded):
    with Engine(ClusterFile(cluster)) as remote, Engine(embedded) as here:
        assert remote.documents() == here.documents() == 795
        for params in QUERIES:
            a, b = (
                here.search(_request(params)).to_json(),
                remote.search(_request(params)).to_json(),
            )
            for key in ("total", "stories", "pages", "sources", "timeline", "spellings"):
                assert a[key] == b[key], (params, key)
            assert a["total"] > 0, params
            # Every match the same article, counted the same way.
            ids = sorted(here.article_ids(_request(params)))
            assert sorted(remote.article_ids(_request(params))) == ids, params


def test_the_cluster_ranks_the_typed_spelling_first_and_pages_deep(cluster, embedded):
    with Engine(ClusterFile(cluster)) as remote, Engine(embedded) as here:
        request = _request({"q": "Hizballah"}, size="5")
        typed = {h.id for h in here.search(request).hits if "Hizballah" in h.matched}
        hits = remote.search(request).hits
        # The articles writing the spelling typed come first, as in the embedded index.
        leading = [h for h in hits if "Hizballah" in h.matched]
        assert hits[: len(leading)] == leading and {h.id for h in leading} == typed

        # Every page together lists every story once, on both engines.
        def every(engine: Engine) -> list[str]:
            first = engine.search(_request({"q": "Syria"}, size="50"))
            found = [h.id for h in first.hits]
            for page in range(2, first.pages + 1):
                found += [
                    h.id
                    for h in engine.search(_request({"q": "Syria"}, size="50", page=str(page))).hits
                ]
            return found

        listed = every(remote)
        assert len(listed) == len(set(listed)) == here.search(_request({"q": "Syria"})).stories
        # The same stories listed, each by the same article (the order of equal ranks aside).
        assert sorted(listed) == sorted(every(here))


def test_articles_name_pages_and_the_spelling_table_come_from_the_cluster(cluster, embedded):
    with Engine(ClusterFile(cluster)) as remote, Engine(embedded) as here:
        hit = here.search(_request({"q": "Sayirun"})).hits[0]
        a, b = here.article(hit.id, q="Sayirun"), remote.article(hit.id, q="Sayirun")
        assert a.to_json() == b.to_json()
        page_a, page_b = here.name_page("Hezbollah"), remote.name_page("Hezbollah")
        assert page_a.total == page_b.total
        assert page_a.spellings.to_json() == page_b.spellings.to_json()
        assert [c.to_json() for c in page_a.company] == [c.to_json() for c in page_b.company]
        analysed = [w["spellings"] for w in here.analyze(["Hizballah"])]
        assert [w["spellings"] for w in remote.analyze(["Hizballah"])] == analysed


# The commands -------------------------------------------------------------------------------


def test_status_lists_every_server_with_its_shard_role_port_and_pid(cluster, run_cli):
    result = run_cli("cluster", "status", "--dir", cluster.parent, "--json")
    assert result.returncode == 0, result.stderr
    servers = [r for r in json.loads(result.stdout)["servers"] if r["kind"] == "server"]
    assert sorted((r["shard"], r["role"]) for r in servers) == [
        (f"shard{i}", role) for i in range(3) for role in ("primary", "replica")
    ]
    assert all(r["answers"] and r["pid"] > 0 and r["port"] > 0 for r in servers)
    text = run_cli("cluster", "status", "--dir", cluster.parent).stdout
    assert "shard2-r1" in text and "answers" in text


def test_query_info_and_analyze_take_the_cluster(cluster, run_cli):
    result = run_cli("query", "--cluster", cluster, "--json", "Sayirun")
    assert result.returncode == 0, result.stderr
    body = json.loads(result.stdout)
    assert body["total"] == 2 and body["missing_shards"] == []
    info = json.loads(run_cli("info", "--cluster", cluster, "--json").stdout)
    assert info["documents"] == 795 and info["segments"] == 3 and len(info["servers"]) == 6
    assert run_cli("analyze", "--cluster", cluster, "Sairun").returncode == 0


def test_a_bad_cluster_file_is_a_clear_error(tmp_path, run_cli):
    bad = tmp_path / "cluster.json"
    result = run_cli("query", "--cluster", bad, "x")
    assert result.returncode == 2 and "no cluster file" in result.stderr
    bad.write_text('{"version": 1, "shards": []}')
    result = run_cli("query", "--cluster", bad, "--json", "x")
    assert result.returncode == 2 and "not valid" in result.stderr
    assert json.loads(result.stdout)["code"] == "index_unavailable"
    assert "Traceback" not in result.stderr
    both = run_cli("query", "--cluster", bad, "--index", tmp_path, "x")
    assert both.returncode == 2 and "give one" in both.stderr
    partial = run_cli("query", "--index", tmp_path, "--partial", "x")
    assert partial.returncode == 2 and "--partial goes with --cluster" in partial.stderr


def test_a_cluster_is_written_by_one_process(cluster, run_cli):
    result = run_cli("index", "--cluster", cluster, "--procs", "2", SEEDS)
    assert result.returncode == 2 and "--procs is for an index folder" in result.stderr


# Faults -------------------------------------------------------------------------------------


class _ClusterServer:
    def __init__(self, cluster_file: Path, *extra: str) -> None:
        self.port = free_port()
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "search",
                "serve",
                "--cluster",
                str(cluster_file),
                "--port",
                str(self.port),
                *extra,
            ],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                self.get("/healthz")
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("the server did not start")

    def get(self, path: str) -> tuple[int, dict[str, object]]:
        url = f"http://127.0.0.1:{self.port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=30) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read())

    def stop(self) -> None:
        self.process.terminate()
        self.process.communicate(timeout=20)


def test_a_primary_killed_during_queries_fails_over_with_no_error_seen(own_cluster):
    server = _ClusterServer(own_cluster)
    try:
        status, expected = server.get("/api/search?q=Syria")
        assert status == 200
        seen: list[tuple[int, object]] = []
        stop = threading.Event()

        def ask() -> None:
            while not stop.is_set():
                status, body = server.get("/api/search?q=Syria")
                seen.append((status, body.get("total")))

        asker = threading.Thread(target=ask)
        asker.start()
        time.sleep(0.5)
        _kill(own_cluster, "shard0", "primary")  # mid-query, while the asker asks
        time.sleep(1.5)
        stop.set()
        asker.join()
        assert len(seen) > 10
        assert all(s == (200, expected["total"]) for s in seen), seen
        rows = {r["name"]: r for r in _servers(own_cluster)}
        assert not rows["shard0-primary"]["answers"] and rows["shard0-r1"]["answers"]
    finally:
        server.stop()


def test_a_shard_with_every_server_down_is_a_503_naming_it_or_a_flagged_partial_answer(
    own_cluster, run_cli
):
    with Engine(ClusterFile(own_cluster)) as engine:
        full = engine.search(_request({"q": "Syria"})).total
    _kill(own_cluster, "shard1")
    result = run_cli("query", "--cluster", own_cluster, "--json", "Syria")
    assert result.returncode == 2 and "shard1" in result.stderr
    assert json.loads(result.stdout)["code"] == "shard_unavailable"
    with pytest.raises(ShardUnavailable, match="shard1"):
        Engine(ClusterFile(own_cluster))
    partial = run_cli("query", "--cluster", own_cluster, "--partial", "--json", "Syria")
    assert partial.returncode == 0, partial.stderr
    body = json.loads(partial.stdout)
    assert body["missing_shards"] == ["shard1"] and 0 < body["total"] < full


def test_a_running_server_answers_503_naming_the_shard_when_it_goes_down(own_cluster):
    server = _ClusterServer(own_cluster)
    try:
        assert server.get("/api/search?q=Syria")[0] == 200
        _kill(own_cluster, "shard2")
        status, body = server.get("/api/search?q=Syria")
        assert status == 503 and body["code"] == "shard_unavailable"
        assert "shard2" in str(body["error"]) and body["ok"] is False
    finally:
        server.stop()


def test_a_replica_catches_up_after_an_indexing_run(own_cluster, tmp_path):
    replica = next(
        r
        for r in _servers(own_cluster)
        if r["kind"] == "server" and r["shard"] == "shard0" and r["role"] == "replica"
    )
    before = xapian.remote_open("127.0.0.1", int(replica["port"])).get_doccount()
    extra = tmp_path / "extra.jsonl"
    extra.write_text(
        "".join(
            json.dumps({"id": f"x{i}", "title": "Hizballah", "body": f"Hezbollah said {i}."}) + "\n"
            for i in range(60)
        )
    )
    index_corpus(ClusterFile(own_cluster), [SEEDS, FAKES, extra])
    committed = time.monotonic()
    master = xapian.Database(str(own_cluster.parent / "masters" / "shard0")).get_doccount()
    assert master > before
    while time.monotonic() - committed < 30:
        db = xapian.remote_open("127.0.0.1", int(replica["port"]))
        if db.get_doccount() == master:
            break
        time.sleep(0.1)
    lag = time.monotonic() - committed
    assert db.get_doccount() == master, "the replica did not catch up in 30 s"
    assert lag < 10  # a look each second (cluster start --interval), then the change sets


def test_an_interrupted_run_leaves_every_shard_at_its_last_commit(own_cluster):
    masters = own_cluster.parent / "masters"

    def state() -> list[tuple[int, bytes]]:
        found = []
        for shard in ("shard0", "shard1", "shard2"):
            db = xapian.Database(str(masters / shard))
            found.append((db.get_doccount(), db.get_metadata("news-search.generation")))
            db.close()
        return found

    before = state()
    run = subprocess.Popen(
        [
            *(sys.executable, "-m", "search", "index", "--cluster", str(own_cluster), "--quiet"),
            *(str(CORPORA / "reuters21578.jsonl"), str(SEEDS)),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    time.sleep(4)  # well into the analysis of some 20,000 articles
    assert run.poll() is None
    run.kill()
    run.wait()
    assert state() == before
    # Nothing left locked: the next run writes.
    summary = index_corpus(ClusterFile(own_cluster), [SEEDS, FAKES])
    assert summary.unchanged == 795 and state()[0][1] == b"2"


def test_indexing_while_serving_shows_the_new_articles_after_the_commit(own_cluster, tmp_path):
    server = _ClusterServer(own_cluster)
    try:
        extra = tmp_path / "extra.jsonl"
        extra.write_text(json.dumps({"id": "new1", "body": "Zanzibarian tidings."}) + "\n")
        results: list[int] = []
        done = threading.Event()

        def ask() -> None:
            while not done.is_set():
                results.append(server.get("/api/search?q=Syria")[0])

        asker = threading.Thread(target=ask)
        asker.start()
        index_corpus(ClusterFile(own_cluster), [SEEDS, FAKES, extra])
        done.set()
        asker.join()
        assert results and set(results) == {200}
        status, body = server.get("/api/search?q=Zanzibarian")
        assert status == 200 and body["total"] == 1
    finally:
        server.stop()


def test_an_empty_cluster_says_how_to_fill_it(tmp_path):
    cluster_file = local.start(tmp_path / "c", 2, 0)
    try:
        with pytest.raises(IndexUnavailable, match="holds no articles yet"):
            Engine(ClusterFile(cluster_file))
    finally:
        local.stop(tmp_path / "c")
