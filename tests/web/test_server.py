"""``news-search serve``: a real uvicorn process on 127.0.0.1, living with the indexer."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading

from search import index_corpus
from tests.conftest import FAKES, SEEDS
from tests.web.conftest import free_port, start_server, stop_server


def test_the_server_answers_as_the_cli_does(fakes_server, fakes_index, run_cli):
    status, api = fakes_server.get("/api/search?q=Kadhafi&size=5")
    assert status == 200
    cli = json.loads(
        run_cli("query", "--json", "--limit", "5", "--index", fakes_index, "Kadhafi").stdout
    )
    api.pop("took_ms"), cli.pop("took_ms")
    assert api == cli
    status, error = fakes_server.get("/api/search?q=%22")
    assert status == 400 and error["ok"] is False


def test_exact_spelling_only_over_http_is_what_the_cli_prints_with_exact(
    fakes_server, fakes_index, run_cli
):
    status, api = fakes_server.get("/api/search?q=Hezbollah&exact=true")
    assert status == 200 and api["query"]["exact"] is True
    cli = run_cli("query", "--json", "--exact", "--index", fakes_index, "Hezbollah")
    cli_json = json.loads(cli.stdout)
    api.pop("took_ms"), cli_json.pop("took_ms")
    assert api == cli_json
    _, every = fakes_server.get("/api/search?q=Hezbollah")
    assert api["total"] < every["total"]
    status, error = fakes_server.get("/api/search?q=Hezbollah&exact=maybe")
    assert status == 400
    assert error == {
        "ok": False,
        "error": "exact must be 1, true, 0 or false, not 'maybe'",
        "status": 400,
        "code": "invalid_parameter",
        "parameter": "exact",
    }


def test_an_index_run_while_serving_needs_no_restart_and_drops_no_request(tmp_path):
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copytree(SEEDS, corpus / "seeds")
    index = tmp_path / "index"
    index_corpus(index, [corpus])
    server = start_server(index)
    try:
        assert server.get("/api/search?q=Assad")[1]["total"] == 0
        shutil.copy(FAKES, corpus / "fakes.jsonl")
        indexer = subprocess.Popen(
            [sys.executable, "-m", "search", "index", "--index", str(index), "--quiet", str(corpus)]
        )
        answers: list[int] = []
        failures: list[str] = []

        def ask() -> None:
            while indexer.poll() is None:
                try:
                    status, body = server.get("/api/search?q=Sayirun")
                    answers.append(status)
                    if status != 200 or body["total"] != 2:
                        failures.append(f"{status} {body}")
                except OSError as e:  # pragma: no cover - reported below
                    failures.append(repr(e))

        clients = [threading.Thread(target=ask) for _ in range(3)]
        for client in clients:
            client.start()
        assert indexer.wait(timeout=600) == 0
        for client in clients:
            client.join()
        assert not failures and len(answers) >= 3
        status, found = server.get("/api/search?q=Assad")
        assert status == 200 and found["total"] > 50
        assert server.get("/healthz")[1]["documents"] == 795
    finally:
        stop_server(server)


def test_several_workers_serve_the_same_index(fakes_index):
    server = start_server(fakes_index, "--workers", "2")
    try:
        totals = {server.get("/api/search?q=Aleppo")[1]["total"] for _ in range(6)}
        assert len(totals) == 1 and totals.pop() > 100
    finally:
        stop_server(server)


def test_serve_refuses_a_missing_index_with_the_command_that_builds_it(run_cli, tmp_path):
    result = run_cli("serve", "--index", tmp_path / "none", "--port", str(free_port()))
    assert result.returncode == 2
    assert "news-search index --index" in result.stderr and "Traceback" not in result.stderr


def test_serve_reports_a_port_in_use(run_cli, fakes_server, fakes_index):
    port = fakes_server.url.rsplit(":", 1)[1]
    result = run_cli("serve", "--index", fakes_index, "--port", port, timeout=60)
    assert result.returncode != 0
    assert "address already in use" in result.stderr.lower()
    assert "Traceback" not in result.stderr


def test_serve_checks_its_options(run_cli, fakes_index):
    result = run_cli("serve", "--index", fakes_index, "--port", "70000")
    assert result.returncode == 2 and "--port must be between 0 and 65535" in result.stderr
    result = run_cli("serve", "--index", fakes_index, "--workers", "0")
    assert result.returncode == 2 and "--workers must be at least 1" in result.stderr
