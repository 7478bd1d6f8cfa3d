"""/search.csv and /search.jsonl: every result of a search, through the app and through a real
server, against the pages of /api/search."""

from __future__ import annotations

import csv
import io
import json
import threading
import urllib.request

import pytest

from search.read.export import COLUMNS


def _api_ids(client, params: dict[str, object]) -> tuple[int, list[str]]:
    first = client.get("/api/search", params={**params, "size": 100}).json()
    ids = [hit["id"] for hit in first["hits"]]
    for page in range(2, first["pages"] + 1):
        body = client.get("/api/search", params={**params, "size": 100, "page": page}).json()
        ids += [hit["id"] for hit in body["hits"]]
    return first["stories"], ids


@pytest.mark.parametrize(
    "params",
    [
        {"q": "Damascus OR Aleppo"},
        {"q": "Syria -Aleppo", "sort": "newest"},
        {"q": "rebels", "from": "2016-02", "to": "2016-06", "source": "SANA"},
        {"q": "", "source": "reuters"},
    ],
)
def test_an_export_is_every_page_of_the_search(fakes_client, params):
    total, ids = _api_ids(fakes_client, params)
    response = fakes_client.get("/search.csv", params=params)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="news-search.csv"'
    assert response.headers["x-total-count"] == str(total)
    rows = list(csv.reader(io.StringIO(response.text, newline="")))
    assert rows[0] == list(COLUMNS)
    assert [row[1] for row in rows[1:]] == ids
    response = fakes_client.get("/search.jsonl", params=params)
    assert response.headers["content-type"] == "application/x-ndjson"
    assert [json.loads(line)["id"] for line in response.text.splitlines()] == ids


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("q=Aleppo&page=2", "unknown parameter 'page'"),
        ("q=Aleppo&size=5", "unknown parameter 'size'"),
        ("q=Aleppo&source=Nowhere", "unknown source 'Nowhere'"),
        ("q=(Aleppo", "parenthes"),
    ],
)
def test_a_bad_export_gets_the_json_error_shape(fakes_client, query, message):
    for path in ("/search.csv", "/search.jsonl"):
        response = fakes_client.get(f"{path}?{query}")
        assert response.status_code == 400
        body = response.json()
        assert body["ok"] is False and body["status"] == 400
        assert message in body["error"]


def test_the_results_page_links_its_exports(fakes_client):
    page = fakes_client.get("/search", params={"q": "Aleppo", "sort": "newest", "page": 2}).text
    assert 'href="/search.csv?q=Aleppo&amp;sort=newest" download>CSV</a>' in page
    assert 'href="/search.jsonl?q=Aleppo&amp;sort=newest" download>JSON Lines</a>' in page
    assert "download>CSV" not in fakes_client.get("/search", params={"q": "zzzzqqq"}).text


def test_a_real_server_streams_an_export_and_answers_meanwhile(fakes_server):
    # Every article of fakes.jsonl as JSON Lines, read slowly, while /healthz is asked: the
    # export has an engine of its own, so the shared one is free.
    url = f"{fakes_server.url}/search.jsonl?q=&collapse=0"  # every article, copies too
    with urllib.request.urlopen(url, timeout=60) as export:
        total = int(export.headers["X-Total-Count"])
        first = json.loads(export.readline())
        answered = []
        thread = threading.Thread(target=lambda: answered.append(fakes_server.get("/healthz")))
        thread.start()
        thread.join(30)
        rest = [json.loads(line) for line in export.read().decode("utf-8").splitlines()]
    assert answered and answered[0][0] == 200
    rows = [first, *rest]
    assert len(rows) == total == answered[0][1]["documents"]
    assert [row["rank"] for row in rows] == list(range(1, total + 1))
    assert len({row["id"] for row in rows}) == total
