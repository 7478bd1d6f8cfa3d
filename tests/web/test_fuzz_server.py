"""Hostile requests to a real ``news-search serve`` on 127.0.0.1: a seeded run of bench/fuzz.py's
server channel, and schemathesis against the served /openapi.json.

No request may get a 5xx or take over 5 s, JSON endpoints answer JSON of the error shape or of
the described schema, pages carry no markup but ours, and the server logs no traceback. Defects
found are tested one by one below (xfail, strict, while one awaits a fix, and left out of the
seeded run by class in KNOWN).
"""

from __future__ import annotations

import importlib
import json
import re
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from web.openapi import openapi_spec

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))  # the bench scripts import their helpers as run from bench/
fuzz = importlib.import_module("fuzz")
fuzz_api = importlib.import_module("fuzz_api")

SEED = 20_260_101
REQUESTS = 500
ST_EXAMPLES = 25

#: Classes reported and awaiting a fix, with the test that reproduces each.
KNOWN: dict[str, str] = {}


@pytest.fixture(scope="module")
def server(fakes_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    log = tmp_path_factory.mktemp("fuzz-server") / "server.log"
    process = fuzz.start_server(fakes_index, log)
    yield process
    fuzz.stop_server(process)


def test_hostile_requests_get_no_5xx_and_json_of_the_described_shape(server, fakes_index):
    findings = fuzz.Findings()
    figures = fuzz.fuzz_server(server, REQUESTS, SEED, findings, fakes_index, log=lambda _: None)
    assert figures["requests"] == REQUESTS
    outcomes = figures["outcomes"]
    assert outcomes.get("ok", 0) > REQUESTS // 10 and outcomes.get("refused", 0) > REQUESTS // 10
    assert not [s for s in figures["statuses"] if s.startswith("5")]
    assert figures["slowest_ms"] < fuzz.LIMIT_S * 1000
    found = [
        cls.to_json()
        for key, cls in findings.classes.items()
        if not any(re.fullmatch(pattern, key) for pattern in KNOWN)
    ]
    assert found == []
    assert "Traceback" not in server.log_text()


@pytest.mark.parametrize(
    ("target", "status"),
    [
        (b"/api/search?q=%ff%fe", 400),  # invalid UTF-8, percent-encoded: U+FFFD, no letters
        (b"/api/search?q=%", 400),
        (b"/api/search?q=Aleppo&q=Idlib", 400),
        (b"/api/search?q=" + b"(" * 500 + b"a" + b")" * 500, 400),
        (b"/api/search?page=1e9", 400),
        (b"/api/search?from=2020-02-30", 400),
        (b"/api/articles/%ff", 404),
        (b"/api/nope", 404),
    ],
)
def test_malformed_requests_get_the_json_error_shape(server, target, status):
    answer = fuzz.http_request(server.port, b"GET", target)
    assert answer.status == status
    body = json.loads(answer.body)
    assert set(body) == {"ok", "error", "status", "code", "parameter"} and body["status"] == status


def test_bytes_that_are_not_ascii_in_the_request_line_are_refused_by_uvicorn(server):
    answer = fuzz.http_request(server.port, b"GET", b"/api/search?q=\xff")
    assert answer.status == 400 and answer.body == b"Invalid HTTP request received."


def test_without_filters_is_what_the_description_says(server):
    spec = json.loads(fuzz.http_request(server.port, b"GET", b"/openapi.json").body)
    answer = fuzz.http_request(server.port, b"GET", b"/api/search?q=Hezbollah&source=etilaf")
    body = json.loads(answer.body)
    assert answer.status == 200 and body["total"] == 0 and body["without_filters"] is not None
    assert fuzz.validate(body, {"$ref": "#/components/schemas/SearchResponse"}, spec) == ""


@pytest.mark.parametrize(
    ("target", "path"),
    [(b"/articles/x?nope=1", "/articles/{id}"), (b"/api/info?nope=1", "/api/info")],
)
def test_every_status_answered_is_described(server, target, path):
    spec = json.loads(fuzz.http_request(server.port, b"GET", b"/openapi.json").body)
    answer = fuzz.http_request(server.port, b"GET", target)
    assert str(answer.status) in spec["paths"][path]["get"]["responses"]


@pytest.mark.parametrize(
    "query",
    [
        b"exact=1",
        b"page=1_0",
        b"page=%D9%A1",  # Arabic-Indic one
        b"size=%EF%BC%95",  # fullwidth five
        b"size=%2B5",
        b"page=%202%20",
        b"from=%D9%A2%D9%A0%D9%A1%D9%A6",  # 2016 in Arabic-Indic digits
        b"sort=NEWEST",
    ],
)
def test_the_server_refuses_what_the_description_does_not_allow(server, query):
    spec = json.loads(fuzz.http_request(server.port, b"GET", b"/openapi.json").body)
    request = fuzz.Request(b"GET", b"/api/search?" + query)
    described = fuzz._undescribed_value(request, spec["paths"]["/api/search"]["get"]) == ""
    assert described or fuzz.http_request(server.port, b"GET", request.target).status == 400


# schemathesis ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def schemathesis_run(server, tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("schemathesis")
    return fuzz_api.run_schemathesis(server.url, ST_EXAMPLES, SEED, folder)


def _failures(run: dict[str, object], *checks: str) -> list[dict[str, object]]:
    return [f for f in run["failures"] if f["check"] in checks]  # type: ignore[union-attr]


def test_schemathesis_finds_no_server_error_and_no_answer_off_the_schema(schemathesis_run, server):
    run = schemathesis_run
    assert run["operations"] == len(openapi_spec()["paths"]) and run["test_cases"] >= 100
    assert run["checks"]["not_a_server_error"].get("success", 0) >= 100
    assert _failures(run, *fuzz_api.SERVER) == []
    assert _failures(run, "response_schema_conformance", "content_type_conformance") == []
    assert "Traceback" not in server.log_text()


def test_schemathesis_sees_only_described_statuses(schemathesis_run):
    assert _failures(schemathesis_run, "status_code_conformance") == []
