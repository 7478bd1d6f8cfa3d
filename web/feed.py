"""A search as an Atom feed (RFC 4287): its newest results, so that a saved search is a
subscription. Built from the one response shape (:class:`~search.read.response.SearchResponse`),
serialised by ElementTree, which escapes every text and attribute."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

from search.read.export import snippet_text
from search.read.response import SearchResponse
from web import views

ATOM = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
#: The newest results a feed carries.
ENTRIES = 50

ET.register_namespace("", ATOM)

#: Characters XML 1.0 cannot carry (ElementTree would write them, and the feed would not parse).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def rfc3339(value: str | None) -> str | None:
    """An ISO date of ours (UTC: a day, or a day and time without a zone) in Atom's form."""
    if not value:
        return None
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", {k: _xml(v) for k, v in attrs.items()})
    if text is not None:
        element.text = _xml(text)
    return element


def _xml(text: str) -> str:
    return _NOT_XML.sub("\ufffd", text)


def atom(response: SearchResponse, base: str, self_path: str, fallback_updated: str) -> bytes:
    """The feed of a search's newest results. ``base`` is the server's address
    (``http://host:port``), ``self_path`` the feed's own path and query; ``fallback_updated``
    (RFC 3339) dates the feed and its undated entries when no result has a date."""
    query = response.query
    q = str(query.get("q") or "")
    page = views.search_url({**query, "size": None})
    dates = [d for d in (rfc3339(hit.date) for hit in response.hits) if d]
    updated = max(dates) if dates else fallback_updated
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", base + self_path)
    _add(feed, "title", f"News Search: {q}" if q else "News Search: every article")
    _add(feed, "subtitle", f"{response.total:,} results, the newest {len(response.hits)} here")
    _add(feed, "updated", updated)
    _add(feed, "link", rel="self", type=MEDIA_TYPE.split(";")[0], href=base + self_path)
    _add(feed, "link", rel="alternate", type="text/html", href=base + page)
    _add(_add(feed, "author"), "name", "News Search")
    for hit in response.hits:
        entry = _add(feed, "entry")
        article = base + views.article_url(hit.id, {**query, "page": None, "size": None})
        _add(entry, "id", base + views.article_path(hit.id))
        _add(entry, "title", hit.title or hit.id)
        _add(entry, "updated", rfc3339(hit.date) or updated)
        _add(entry, "link", rel="alternate", type="text/html", href=article)
        original = views.web_url(hit.url)
        if original:
            _add(entry, "link", rel="related", href=original)
        if hit.source:
            _add(_add(entry, "author"), "name", hit.source)
        summary = snippet_text(hit.snippet_html)
        if summary:
            _add(entry, "summary", summary)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
