"""Paging on the results page: a page past the last links the last one, the pager's forms jump
to any page and choose the page size, carrying every other parameter."""

from __future__ import annotations

import re
from html import unescape

import pytest


def _forms(page: str) -> list[str]:
    jump = re.search(r'<div class="jump">(.*?)</div>', page, re.S)
    assert jump, "no pager forms"
    return re.findall(r"<form .*?</form>", jump.group(1), re.S)


def _fields(form: str) -> list[tuple[str, str]]:
    hidden = re.findall(r'type="hidden" name="(\w+)" value="([^"]*)"', form)
    return [(name, unescape(value)) for name, value in hidden]


def test_a_page_past_the_last_links_the_last_page(fakes_client):
    last = fakes_client.get("/api/search", params={"q": "Aleppo", "source": "sana"}).json()["pages"]
    response = fakes_client.get("/search", params={"q": "Aleppo", "source": "sana", "page": 99})
    assert response.status_code == 400
    link = f'href="/search?q=Aleppo&amp;source=sana&amp;page={last}">Go to the last page'
    assert link in response.text
    # No results: the last page is the first, with no page parameter.
    response = fakes_client.get("/search", params={"q": "zzqqxxj", "page": 5})
    assert 'href="/search?q=zzqqxxj">Go to the last page' in response.text
    # The JSON twin keeps its error shape.
    body = fakes_client.get("/api/search", params={"q": "Aleppo", "page": 99}).json()
    assert body["ok"] is False and "past the last page" in body["error"]


@pytest.mark.parametrize("size", [10, 25])
def test_the_pager_forms_carry_the_search_and_ask_for_page_and_size(fakes_client, size):
    params = {"q": "Aleppo", "source": ["sana", "ahram"], "from": "2016", "exact": 1, "size": size}
    page = fakes_client.get("/search", params={**params, "page": 2}).text
    jump, sizes = _forms(page)
    carried = [
        ("q", "Aleppo"),
        ("from", "2016-01-01"),
        ("source", "sana"),
        ("source", "ahram"),
        ("exact", "1"),
    ]
    assert _fields(jump) == carried + ([("size", str(size))] if size != 10 else [])
    assert 'name="page" min="1"' in jump and 'value="2"' in jump
    assert _fields(sizes) == carried  # a new size starts again at page 1
    assert f'<option value="{size}" selected>' in sizes
    # What the forms submit is a search that works.
    answer = fakes_client.get("/api/search", params=[*_fields(jump), ("page", "2")]).json()
    assert answer["page"] == 2 and answer["query"]["size"] == size
