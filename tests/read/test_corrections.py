"""Edit-distance suggestions (search.read.corrections) against Whoosh's own, on a real index.

Whoosh walks a multi-segment index's vocabulary measuring Damerau-Levenshtein distance (a
transposition is one edit), and a single segment's with a plain Levenshtein automaton (it is two):
the reference here is the first, on an index of two segments."""

from __future__ import annotations

from pathlib import Path

import pytest
from whoosh.index import open_dir

from search import index_corpus
from search.engines.whoosh.backend import WhooshVocabulary
from search.read.corrections import Corrections

FAKES = Path(__file__).resolve().parents[3] / "shared" / "corpora" / "fakes.jsonl"

WORDS = [
    "protesst",
    "goverment",
    "refugess",
    "sairun",
    "sayirun",
    "hizbolah",
    "syrain",
    "a",
    "zz",
    "aleppo",
    "kurdistn",
    "presdient",
    "xqzv",
]


@pytest.fixture(scope="module")
def searcher(tmp_path_factory):
    index_dir = tmp_path_factory.mktemp("corrections")
    index_corpus(index_dir, [FAKES], procs=2)  # a segment per writer process
    with open_dir(str(index_dir)).searcher() as searcher:
        assert not searcher.reader().is_atomic()
        yield searcher


@pytest.mark.parametrize("word", WORDS)
@pytest.mark.parametrize(
    ("maxdist", "prefix", "limit"), [(1, 2, 5), (2, 2, 5), (2, 1, 3), (1, 0, 8)]
)
def test_the_same_suggestions_as_whoosh_in_the_same_order(searcher, word, maxdist, prefix, limit):
    expected = searcher.suggest("body", word, limit=limit, maxdist=maxdist, prefix=prefix)
    corrections = Corrections(WhooshVocabulary(searcher.reader()))
    assert corrections.suggest(word, limit=limit, maxdist=maxdist, prefix=prefix) == expected
    # again, from the cached vocabulary of the prefix
    assert corrections.suggest(word, limit=limit, maxdist=maxdist, prefix=prefix) == expected


def test_a_transposition_is_one_edit(searcher):
    corrections = Corrections(WhooshVocabulary(searcher.reader()))
    assert corrections.suggest("syrain", limit=5, maxdist=1, prefix=2)[0] == "syrian"
    assert corrections.suggest("goverment", limit=5, maxdist=1, prefix=2)[0] == "government"
