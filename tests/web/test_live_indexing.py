"""Load while indexing, with real processes: ``news-search serve --workers 2`` answers a few
keep-alive clients while ``news-search index`` adds fakes.jsonl to the small index it serves
(bench/load.py --live, shortened). No request fails, no total goes backwards, and the new
articles are found without a restart."""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

from search import index_corpus
from tests.conftest import FAKES, SEEDS

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))  # the bench scripts import their helpers as run from bench/
load = importlib.import_module("load")


def test_totals_never_go_backwards_and_new_articles_appear_while_indexing(tmp_path, fakes_index):
    index = tmp_path / "index"
    index_corpus(index, [SEEDS])
    figures = load.run_live(
        index, [FAKES], fakes_index, clients=4, seconds=6, workers=2, delay=1.0, after=2.0
    )
    assert figures["index_run"]["status"] == 0, figures["index_run"]["stderr"]
    assert figures["documents"] == {"before": 2, "adding": 793, "after": 795}
    assert figures["requests"] > 50 and figures["errors"] == 0
    assert figures["backwards"] == []
    # Every article: the seeds' two, then all 795 once the run committed.
    assert figures["every_article_totals"] == [2, 795]
    assert len(figures["probes"]) == 3
    for probe in figures["probes"]:
        assert probe["first_total"] == 0 and probe["expected"] > 0, probe
        assert probe["last_total"] == probe["expected"], probe
        assert probe["full_count_after_commit_s"] is not None


def test_backwards_compares_only_answers_that_happened_in_order():
    # [client, target, started, ended, status, total]
    answers = [
        [0, 0, 0.0, 1.0, 200, 5],
        [1, 0, 0.5, 3.0, 200, 4],  # concurrent with the first: not compared
        [0, 0, 2.0, 2.5, 200, 5],
        [1, 0, 4.0, 4.5, 200, 4],  # began after an answer of 5 had ended: backwards
        [0, 1, 5.0, 5.5, 500, -1],
    ]
    found = load.backwards(answers)
    assert [(f["total"], f["after"]) for f in found] == [(4, 5)]
