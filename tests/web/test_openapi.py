"""The API description and the README against the routes and real responses."""

from __future__ import annotations

from pathlib import Path

import pytest
from starlette.routing import Route

from web import create_app
from web.openapi import SCHEMAS, openapi_spec
from web.params import SEARCH_PARAMS

README = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")


def _documented_path(route: Route) -> str:
    return route.path.replace("{article_id:path}", "{id}")


def test_every_route_is_described_and_nothing_else(fakes_index):
    app = create_app(fakes_index)
    routes = {_documented_path(r) for r in app.routes if isinstance(r, Route)}
    assert routes == set(openapi_spec()["paths"])


def test_the_search_parameters_are_those_the_code_reads():
    spec = openapi_spec()
    for path in ("/api/search", "/search"):
        params = spec["paths"][path]["get"]["parameters"]
        assert [p["name"] for p in params] == list(SEARCH_PARAMS)


def test_the_description_is_served(fakes_client):
    served = fakes_client.get("/openapi.json").json()
    assert served == openapi_spec()
    assert served["openapi"].startswith("3.1")


def _assert_fits(value, schema_name: str) -> None:
    schema = SCHEMAS[schema_name]
    assert set(value) == set(schema["properties"]), schema_name
    assert set(schema["required"]) == set(schema["properties"])


@pytest.mark.parametrize(
    ("path", "schema"),
    [
        ("/api/search?q=Assad&size=3", "SearchResponse"),
        ("/api/search?q=goverment", "SearchResponse"),
        ("/api/info", "Info"),
        ("/healthz", "Health"),
        ("/api/search?q=%22", "Error"),
        ("/api/articles/nope", "Error"),
        ("/api/names/Hezbollah", "NamePage"),
        ("/api/names/a%20b", "Error"),
    ],
)
def test_real_responses_have_exactly_the_described_properties(fakes_client, path, schema):
    body = fakes_client.get(path).json()
    _assert_fits(body, schema)
    if schema == "SearchResponse":
        assert body["hits"] or body["suggestion"]
        for hit in body["hits"]:
            _assert_fits(hit, "Hit")
        described = SCHEMAS["SearchResponse"]["properties"]["query"]["properties"]
        assert set(body["query"]) == set(described)
    if schema == "NamePage":
        assert body["spellings"] and body["company"] and body["newest"]
        for hit in body["newest"]:
            _assert_fits(hit, "Hit")
        row = SCHEMAS["NamePage"]["properties"]["spellings"]["items"]["properties"]
        assert all(set(spelling) == set(row) for spelling in body["spellings"])
        company = SCHEMAS["NamePage"]["properties"]["company"]["items"]["properties"]
        assert all(set(entry) == set(company) for entry in body["company"])


def test_an_article_has_exactly_the_described_properties(fakes_client):
    hit = fakes_client.get("/api/search?q=Assad").json()["hits"][0]
    _assert_fits(fakes_client.get(f"/api/articles/{hit['id']}?q=Assad").json(), "Article")


def test_the_readme_documents_every_endpoint_and_parameter():
    for path in openapi_spec()["paths"]:
        assert f"`{path}" in README, path
    for name in SEARCH_PARAMS:
        assert f"`{name}`" in README, name
