"""Name pages (/names/{name}) and their JSON twin, through the app over a real index."""

from __future__ import annotations

import re
from urllib.parse import unquote

from search import Engine


def test_the_json_twin_is_the_engines_name_page(fakes_client, fakes_index):
    with Engine(fakes_index) as engine:
        expected = engine.name_page("Hizballah").to_json()
    body = fakes_client.get("/api/names/Hizballah").json()
    assert body == expected
    assert body["ok"] is True and body["name"] == "Hizballah"
    assert body["search_url"] == "/api/search?q=Hizballah"
    search = fakes_client.get(body["search_url"]).json()
    assert search["total"] == body["total"]
    assert {row["spelling"]: row["total"] for row in body["spellings"]} == search["spellings"]


def test_the_page_shows_spellings_outlets_years_company_and_newest(fakes_client):
    response = fakes_client.get("/names/Hezbollah")
    assert response.status_code == 200
    page = response.text
    assert '<h1 id="name-heading" dir="auto">Hezbollah</h1>' in page
    body = fakes_client.get("/api/names/Hezbollah").json()
    assert f"{body['total']:,} articles</a>" in page
    for row in body["spellings"]:
        assert f'<a href="/search?q={row["spelling"]}&amp;exact=1">' in page
    assert 'id="by-outlet"' in page and 'id="by-year"' not in page and 'id="by-period"' in page
    assert "By year" in page
    for entry in body["company"]:
        shown = entry["name"][:1].upper() + entry["name"][1:]
        assert f'<a href="/names/{shown}">{shown}</a>' in page
    assert page.count('<li><a href="/articles/') == len(body["newest"]) == 10
    assert '<link rel="alternate" type="application/json" href="/api/names/Hezbollah">' in page


def test_a_results_page_links_each_marked_name_to_its_page(fakes_client):
    page = fakes_client.get("/search", params={"q": "Hizballah"}).text
    linked = set(re.findall(r'<a href="/names/([^"]+)" title="The name page of', page))
    assert {"Hizballah", "Hezbollah"} <= {unquote(name) for name in linked}
    for name in linked:
        assert fakes_client.get(f"/names/{name}").status_code == 200


def test_a_name_with_no_article_is_an_empty_page_not_an_error(fakes_client):
    response = fakes_client.get("/names/Zzyzxville")
    assert response.status_code == 200 and "No article writes Zzyzxville" in response.text
    assert fakes_client.get("/api/names/Zzyzxville").json()["total"] == 0


def test_not_one_word_is_a_400_naming_the_parameter(fakes_client):
    for name in ["Assad%20regime", "Assad%20OR%20Aleppo", "%22Assad", "Ale*"]:
        response = fakes_client.get(f"/api/names/{name}")
        assert response.status_code == 400, name
        body = response.json()
        assert (body["code"], body["parameter"]) == ("invalid_parameter", "name")
        assert "one word" in body["error"]
        assert fakes_client.get(f"/names/{name}").status_code == 400
    unknown = fakes_client.get("/api/names/Assad?size=3").json()
    assert (unknown["code"], unknown["parameter"]) == ("unknown_parameter", "size")


def test_a_name_in_arabic_script_is_marked_as_arabic(fakes_client):
    page = fakes_client.get("/names/حزب").text
    assert 'lang="ar" dir="auto">حزب</h1>' in page
