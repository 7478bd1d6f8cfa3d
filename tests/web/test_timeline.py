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
    boxes = sum(1 for s in timeline["by_source"] for n in s["counts"] if n)
    boxes += sum(1 for n in timeline["other_sources"] or [] if n)
    assert page.count("<rect ") == len(counted) + boxes  # the chart, and the chart split


def test_the_split_by_source_shows_each_sources_counts(fakes_client):
    api = fakes_client.get("/api/search", params={"q": "Aleppo"}).json()
    timeline = api["timeline"]
    page = fakes_client.get("/search", params={"q": "Aleppo"}).text
    assert len(timeline["by_source"]) == 5 and timeline["other_sources"]
    assert "split by source</summary>" in page
    for one in timeline["by_source"]:
        assert f'<th scope="col">{one["source"]}</th>' in page
        for period, count in zip(timeline["periods"], one["counts"], strict=True):
            if count:
                assert f"<title>{period['period']}, {one['source']}: {count:,}</title>" in page
    for i, period in enumerate(timeline["periods"]):
        total = sum(s["counts"][i] for s in timeline["by_source"]) + timeline["other_sources"][i]
        assert total == period["count"]


def test_a_bar_narrows_the_search_to_its_period(fakes_client):
    api = fakes_client.get("/api/search", params={"q": "Aleppo"}).json()
    period = max(api["timeline"]["periods"], key=lambda p: p["count"])
    narrowed = fakes_client.get(
        "/api/search", params={"q": "Aleppo", "from": period["period"], "to": period["period"]}
    ).json()
    assert narrowed["total"] == period["count"]
