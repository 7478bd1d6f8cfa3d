"""The time a search may take: refused, never answered in part, past its budget; through the
engine, the CLI and a real server."""

from __future__ import annotations

import json
import time

import pytest

from search import Engine, SearchRequest
from search.errors import TooCostly
from search.read.budget import Budget
from tests.web.conftest import start_server, stop_server

#: A budget no search can keep: refused at the first check.
NONE_LEFT = "0.000001"


def test_a_budget_refuses_once_its_deadline_has_passed():
    budget = Budget(0.05)
    budget.check()  # within it
    time.sleep(0.06)
    with pytest.raises(TooCostly, match=r"more than the 0\.05 s a search may take"):
        budget.check()
    Budget(None).check()  # no deadline
    Budget(0).check()


def test_the_engine_refuses_a_search_past_its_budget_and_goes_on_serving(fakes_index):
    with Engine(fakes_index, budget=float(NONE_LEFT)) as engine:
        with pytest.raises(TooCostly) as info:
            engine.search(SearchRequest.from_params("Syria OR Assad OR Aleppo"))
        assert info.value.status == 400
        engine.budget = None
        response = engine.search(SearchRequest.from_params("Syria OR Assad OR Aleppo"))
        assert response.total == len(
            set(engine.article_ids(SearchRequest.from_params("Syria OR Assad OR Aleppo")))
        )


def test_the_cli_refuses_a_search_past_its_budget(run_cli, fakes_index):
    done = run_cli("query", "--index", fakes_index, "--budget", NONE_LEFT, "--json", "Syria")
    assert done.returncode == 2
    error = json.loads(done.stdout)
    assert error["ok"] is False and error["status"] == 400
    assert "a search may take" in error["error"] and "Traceback" not in done.stderr
    done = run_cli("query", "--index", fakes_index, "--budget", "never", "Syria")
    assert done.returncode == 2 and "not a number of seconds" in done.stderr
    done = run_cli("query", "--index", fakes_index, "--budget", "0", "Syria")
    assert done.returncode == 0


def test_a_server_refuses_a_search_past_its_budget_with_the_json_error(fakes_index):
    server = start_server(fakes_index, "--budget", NONE_LEFT)
    try:
        status, body = server.get("/api/search?q=Syria")
        assert status == 400 and body["ok"] is False and "a search may take" in body["error"]
        assert server.get("/healthz")[0] == 200
        assert server.get("/api/info")[0] == 200
    finally:
        stop_server(server)
