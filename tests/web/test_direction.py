"""Arabic-script queries on the pages: the box and the echoed query read right to left and as
Arabic, the rest of the page as it was."""

from __future__ import annotations


def test_an_arabic_query_is_marked_as_arabic_where_it_is_echoed(seeds_client):
    page = seeds_client.get("/search", params={"q": "سائرون"}).text
    assert 'dir="auto" lang="ar"' in page  # the search box
    assert '<bdi lang="ar">سائرون</bdi></h1>' in page


def test_a_latin_query_gets_no_language(seeds_client):
    page = seeds_client.get("/search", params={"q": "Sairoon"}).text
    assert 'lang="ar"' not in page
    assert "<bdi>Sairoon</bdi></h1>" in page
