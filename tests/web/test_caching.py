"""Revalidation and compression, through the app over a real index: ETags of the commit read,
304 for a tag that still holds, a new tag once the index changes, gzip for large answers."""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from search import index_corpus
from tests.web.conftest import start_server, stop_server
from web.app import create_app

PATHS = [
    "/api/search?q=Aleppo",
    "/search?q=Aleppo",
    "/api/articles/a1?q=Aleppo",
    "/articles/a1",
    "/api/info",
    "/",
    "/search.atom?q=Aleppo",
    "/api/spellings?q=Aleppo",
    "/spellings?q=Aleppo",
]


def _write(path: Path, ids: list[str]) -> None:
    path.write_text(
        "".join(
            json.dumps({"id": i, "title": f"Aleppo {i}", "body": "Fighting near Aleppo. " * 80})
            + "\n"
            for i in ids
        ),
        encoding="utf-8",
    )


@pytest.fixture
def archive(tmp_path: Path) -> tuple[Path, Path, TestClient]:
    corpus = tmp_path / "a.jsonl"
    _write(corpus, ["a1", "a2"])
    index_corpus(tmp_path / "index", [corpus])
    with TestClient(create_app(tmp_path / "index")) as client:
        yield tmp_path / "index", corpus, client


def test_an_answer_revalidates_until_the_index_changes(archive):
    index_dir, corpus, client = archive
    tags = {}
    for path in PATHS:
        first = client.get(path)
        assert first.status_code == 200, path
        tag = first.headers["etag"]
        assert first.headers["cache-control"] == "no-cache"
        again = client.get(path, headers={"If-None-Match": tag})
        assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == tag
        other = client.get(path, headers={"If-None-Match": 'W/"elsewhere", ' + tag})
        assert other.status_code == 304
        tags[path] = tag
    assert len(set(tags.values())) == len(PATHS)  # each address its own tag
    _write(corpus, ["a1", "a2", "a3"])
    index_corpus(index_dir, [corpus])
    for path, tag in tags.items():
        fresh = client.get(path, headers={"If-None-Match": tag})
        assert fresh.status_code == 200, path  # a new commit: the old tag no longer holds
        assert fresh.headers["etag"] != tag


def test_errors_carry_no_validator(archive):
    _, _, client = archive
    response = client.get("/api/search?q=(Aleppo")
    assert response.status_code == 400 and "etag" not in response.headers


def test_large_answers_are_compressed_when_the_client_accepts_it(archive):
    _, _, client = archive
    response = client.get("/api/articles/a1", headers={"Accept-Encoding": "gzip"})
    assert response.headers["content-encoding"] == "gzip"
    assert response.json()["id"] == "a1"  # the client undoes it
    plain = client.get("/api/articles/a1", headers={"Accept-Encoding": "identity"})
    assert "content-encoding" not in plain.headers
    export = client.get("/search.csv?q=Aleppo", headers={"Accept-Encoding": "gzip"})
    assert export.headers["content-encoding"] == "gzip"
    assert export.text.splitlines()[0].startswith("rank,id,")


# Cross-origin calls ------------------------------------------------------------------------------


def test_no_origin_may_call_the_api_unless_allowed(archive):
    index_dir, _, client = archive
    asked = {"Origin": "https://newsroom.example"}
    assert "access-control-allow-origin" not in client.get("/api/info", headers=asked).headers
    with TestClient(create_app(index_dir, allow_origins=["https://newsroom.example"])) as allowed:
        response = allowed.get("/api/search?q=Aleppo", headers=asked)
        assert response.headers["access-control-allow-origin"] == "https://newsroom.example"
        other = allowed.get("/api/search?q=Aleppo", headers={"Origin": "https://elsewhere.example"})
        assert "access-control-allow-origin" not in other.headers
        preflight = allowed.options(
            "/api/search",
            headers={**asked, "Access-Control-Request-Method": "GET"},
        )
        assert preflight.status_code == 200


def test_serve_refuses_an_origin_that_is_not_one(run_cli, archive):
    index_dir, _, _ = archive
    done = run_cli("serve", "--index", index_dir, "--allow-origin", "example.org/path")
    assert done.returncode == 2
    assert "--allow-origin takes an origin such as https://example.org" in done.stderr


def test_a_real_server_hands_its_allowed_origins_to_every_worker(archive):
    index_dir, _, _ = archive
    server = start_server(index_dir, "--workers", "2", "--allow-origin", "https://a.example")
    try:
        for _ in range(6):  # requests spread over both workers
            request = urllib.request.Request(
                server.url + "/api/info", headers={"Origin": "https://a.example"}
            )
            with urllib.request.urlopen(request, timeout=30) as response:
                assert response.headers["Access-Control-Allow-Origin"] == "https://a.example"
    finally:
        stop_server(server)
