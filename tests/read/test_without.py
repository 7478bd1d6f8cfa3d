"""Spellings switched off (``without``): through the engine on a real index, against the
reference evaluator, and through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search import Engine, QueryError, SearchRequest, index_corpus
from search.engines.whoosh import store
from tests.reference import Reference

ROWS = [
    ("g1", "Muammar Gaddafi spoke."),
    ("g2", "Colonel Gadhafi spoke."),
    ("g3", "Kadhafi and Gaddafi."),
    ("g4", "Qaddafi left."),
    ("x1", "Nothing of him."),
]


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Engine, Reference]:
    root = tmp_path_factory.mktemp("without")
    corpus = root / "a.jsonl"
    corpus.write_text(
        "".join(json.dumps({"id": i, "title": "Libya", "body": b}) + "\n" for i, b in ROWS),
        encoding="utf-8",
    )
    index_corpus(root / "index", [corpus])
    with Engine(root / "index") as engine:
        yield root / "index", engine, Reference(store.open_index(root / "index").reader())


def ids(engine: Engine, q: str, without: list[str]) -> list[str]:
    response = engine.search(SearchRequest.from_params(q, without=without))
    return sorted(hit.id for hit in response.hits)


def test_a_spelling_switched_off_is_not_searched(archive):
    _, engine, reference = archive
    assert ids(engine, "Gaddafi", []) == ["g1", "g2", "g3", "g4"]
    assert ids(engine, "Gaddafi", ["Gadhafi"]) == ["g1", "g3", "g4"]
    assert ids(engine, "Gaddafi", ["gadhafi", "QADDAFI"]) == ["g1", "g3"]
    # A word typed is searched whatever: switching off its own spelling changes nothing.
    assert ids(engine, "Gaddafi", ["gaddafi"]) == ["g1", "g2", "g3", "g4"]
    for without in ([], ["gadhafi"], ["gadhafi", "kadhafi", "qaddafi"]):
        request = SearchRequest.from_params("Gaddafi", without=without)
        response = engine.search(request)
        expected = reference.evaluate(request)
        assert response.total == expected.total
        assert response.spellings == expected.spellings
        assert response.query["without"] == list(request.without)


def test_a_spelling_switched_off_must_be_one_word():
    with pytest.raises(QueryError, match="without takes one spelling"):
        SearchRequest.from_params("Gaddafi", without=["Abu Bakr"])


def test_the_cli_switches_spellings_off(run_cli, archive):
    index_dir, _, _ = archive
    done = run_cli("query", "--index", index_dir, "Gaddafi", "--without", "Gadhafi", "--json")
    assert done.returncode == 0, done.stderr
    body = json.loads(done.stdout)
    assert body["total"] == 3 and body["query"]["without"] == ["gadhafi"]
