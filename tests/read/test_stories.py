"""Each story listed once (SearchRequest.collapse): a real index of articles written here, with
copies of one story, updated and removed in incremental runs."""

from __future__ import annotations

import json
from pathlib import Path

from search import Engine, SearchRequest, index_corpus

TEXT = (
    "Protesters gathered in Basra on Friday to demand jobs and clean water, and the governor "
    "promised to meet their leaders next week, officials said in a statement to the press."
)


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


RECORDS = [
    {"id": "w1", "title": "Basra protests", "body": TEXT, "source": "Wire", "date": "2019-07-02"},
    {"id": "w2", "title": "BASRA PROTESTS (REPEAT)", "body": TEXT, "source": "wire",
     "date": "2019-07-01"},
    {"id": "w3", "title": "Basra protests grow", "body": TEXT, "source": "Wire",
     "date": "2019-07-03"},
    {"id": "a1", "title": "Basra protests", "body": TEXT, "source": "AP", "date": "2019-07-03"},
    {"id": "a2", "title": "Basra calm", "body": "Basra was calm on Saturday.", "source": "AP"},
]  # fmt: skip


def test_a_story_is_listed_once_through_its_earliest_article(tmp_path):
    corpus = _write(tmp_path / "a.jsonl", RECORDS)
    index_corpus(tmp_path / "ix", [corpus])
    with Engine(tmp_path / "ix") as engine:
        once = engine.search(SearchRequest.from_params("Basra"))
        every = engine.search(SearchRequest.from_params("Basra", collapse=False))
        assert (once.total, once.stories, once.pages) == (5, 3, 1)
        assert (every.total, every.stories) == (5, 5)
        listed = {hit.id: hit.more_like_this for hit in once.hits}
        assert listed == {"w2": 2, "a1": 0, "a2": 0}  # w2: the earliest dated of the wire's
        assert all(hit.more_like_this == 0 for hit in every.hits)
        assert once.sources == every.sources  # facets count articles
        article = engine.article("w3", "Basra")
        assert [other.id for other in article.same_story] == ["w2", "w1"]  # earliest first
        assert engine.article("a2").same_story == []
        export = engine.export(SearchRequest.from_params("Basra"))
        assert (export.total, export.stories, len(list(export.hits))) == (5, 3, 3)
        by_date = engine.search(SearchRequest.from_params("Basra", sort="oldest", size=1))
        assert by_date.pages == 3 and by_date.hits[0].id == "w2"


def test_updates_and_removals_keep_the_stories_right(tmp_path):
    corpus = _write(tmp_path / "a.jsonl", RECORDS)
    index_corpus(tmp_path / "ix", [corpus])
    changed = [r for r in RECORDS if r["id"] != "w2"]
    changed[0] = {**changed[0], "body": TEXT + " More were expected on Sunday in the city."}
    _write(corpus, changed)
    index_corpus(tmp_path / "ix", [corpus])  # incremental: w2 removed, w1 rewritten
    with Engine(tmp_path / "ix") as engine:
        once = engine.search(SearchRequest.from_params("Basra"))
        assert (once.total, once.stories) == (4, 4)  # w3 tells its story alone now
        assert engine.article("w3").same_story == []


def test_the_same_text_a_fortnight_later_is_another_story(tmp_path):
    later = {"id": "w9", "title": "Basra protests", "body": TEXT, "source": "Wire",
             "date": "2019-07-20"}  # fmt: skip
    corpus = _write(tmp_path / "a.jsonl", [*RECORDS, later])
    index_corpus(tmp_path / "ix", [corpus])
    with Engine(tmp_path / "ix") as engine:
        once = engine.search(SearchRequest.from_params("Basra"))
        assert (once.total, once.stories) == (6, 4)
        listed = {hit.id: hit.more_like_this for hit in once.hits}
        assert listed["w9"] == 0 and listed["w2"] == 2  # 1 to 3 July, not the 20th
        assert [other.id for other in engine.article("w2").same_story] == ["w1", "w3"]
        assert engine.article("w9").same_story == []
