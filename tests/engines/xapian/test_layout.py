"""How an article is laid out in a Xapian document, and the query tree as Xapian's, against a
real database on disk."""

from __future__ import annotations

from datetime import datetime

import pytest

xapian = pytest.importorskip("xapian")

from search.engines.xapian import layout  # noqa: E402
from search.engines.xapian.backend import to_xapian  # noqa: E402
from search.engines.xapian.spec import Shard  # noqa: E402
from search.engines.xapian.writer import shard_of  # noqa: E402
from search.read import tree as qt  # noqa: E402

ARTICLE = {
    "id": "a1",
    "title": "Muqtada al-Sadr speaks",
    "body": "Moqtada al-Sadr said the Sairoon bloc won. The bloc won again.",
    "source": "Reuters",
    "date": datetime(2018, 5, 14, 9, 30),
    "undated": 0,
    "url": "https://example.org/a1",
    "hash": b"\x01" * 20,
    "story": b"story-key",
    "origin": b"/corpus/a.jsonl",
    "spellings": ("Moqtada al-Sadr said the Sairoon bloc won.", "Muqtada al-Sadr speaks"),
    "company": b"Moqtada",
}


@pytest.fixture
def db(tmp_path):
    database = xapian.WritableDatabase(str(tmp_path / "db"), xapian.DB_CREATE_OR_OPEN)
    database.add_document(layout.document(ARTICLE))
    other = {**ARTICLE, "id": "a2", "title": "", "body": "won the bloc", "source": ""}
    database.add_document(layout.document({k: v for k, v in other.items() if k != "date"}))
    database.commit()
    return database


def _matches(db, q: qt.Query) -> set[str]:
    enquire = xapian.Enquire(db)
    enquire.set_query(to_xapian(q))
    return {layout.stored_fields(m.document.get_data())["id"] for m in enquire.get_mset(0, 10)}


def test_stored_fields_come_back_as_indexed(db):
    fields = layout.stored_fields(db.get_document(1).get_data())
    assert fields == {
        "id": "a1",
        "title": ARTICLE["title"],
        "body": ARTICLE["body"],
        "source": "Reuters",
        "date": datetime(2018, 5, 14, 9, 30),
        "url": "https://example.org/a1",
    }
    assert layout.stored_fields(db.get_document(2).get_data())["date"] is None


def test_dates_keep_their_order_and_come_back():
    moments = [datetime(1987, 2, 26), datetime(1970, 1, 1), datetime(2018, 5, 14, 9, 30, 1)]
    values = [layout.date_value(m) for m in moments]
    assert [layout.from_date_value(v) for v in values] == moments
    assert sorted(values) == [layout.date_value(m) for m in sorted(moments)]


def test_phrases_keep_their_order_and_their_slop(db):
    assert _matches(db, qt.Phrase("body", ("bloc", "won"))) == {"a1"}
    assert _matches(db, qt.Phrase("body", ("won", "bloc"))) == set()
    # "won. The bloc" and "won the bloc": a word between.
    assert _matches(db, qt.Phrase("body", ("won", "bloc"), slop=2)) == {"a1", "a2"}
    # A position that may hold any spelling.
    either = qt.Or((qt.Term("body", "muqtada"), qt.Term("body", "moqtada")))
    assert _matches(db, qt.Sequence((either, qt.Term("body", "al")))) == {"a1"}
    assert _matches(db, qt.AndNot(qt.Every(), qt.Term("body", "sairoon"))) == {"a2"}
    assert _matches(db, qt.Term("title", "bloc")) == set()


def test_the_source_and_the_id_are_whole_terms(db):
    assert db.get_termfreq(layout.term("source", "Reuters")) == 1
    assert db.get_termfreq(layout.term("id", "a2")) == 1
    assert db.get_termfreq(layout.term("body", "bloc")) == 2


def test_an_article_keeps_its_shard_whatever_the_run():
    shards = tuple(Shard(f"shard{i}", ()) for i in range(3))
    placed = [shard_of(f"id{i}", shards) for i in range(3000)]
    assert placed == [shard_of(f"id{i}", shards) for i in range(3000)]
    assert all(800 < placed.count(i) < 1200 for i in range(3))
