"""Coverage over time on the results page: the chart and its table against the JSON twin."""

from __future__ import annotations


def test_the_results_page_draws_the_timeline_its_json_twin_serves(fakes_client):
    api = fakes_client.get("/api/search", params={"q": "Aleppo"}).json()
    timeline = api["timeline"]
    page = fakes_client.get("/search", params={"q": "Aleppo"}).text
    counted = [p for p in timeline["periods"] if p["count"]]
    assert f"Matches by {timeline['unit']}, {timeline['periods'][0]['period']} to" in page
    for p in counted:
        link = f"/search?q=Aleppo&amp;from={p['period']}&amp;to={p['period']}"
        # A bar with its count as a tooltip, and a row of the table, each linking the period.
        assert f"<title>{p['period']}: {p['count']:,}</title>" in page
        assert f'<td><a href="{link}">{p["period"]}</a></td><td>{p["count"]:,}</td>' in page
    assert page.count("<rect ") == len(counted)


def test_a_bar_narrows_the_search_to_its_period(fakes_client):
    api = fakes_client.get("/api/search", params={"q": "Aleppo"}).json()
    period = max(api["timeline"]["periods"], key=lambda p: p["count"])
    narrowed = fakes_client.get(
        "/api/search", params={"q": "Aleppo", "from": period["period"], "to": period["period"]}
    ).json()
    assert narrowed["total"] == period["count"]
