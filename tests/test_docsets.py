"""Matching documents as sets (search.docsets), and the ranking built on them, against Whoosh's
own walk and sort on real indexes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from whoosh import query as wq
from whoosh import scoring, sorting

from search import Engine, SearchRequest, index_corpus
from search import engine as engine_module
from search.columns import Columns
from search.docsets import DocSets
from search.querybuild import FIELDS, QueryBuilder
from search.querylang import parse_query
from search.variants import VariantFinder

FAKES = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "fakes.jsonl"

QUERIES = [
    "Hizballah",
    "Qaeda",
    "Shiite",
    "oil prices",
    '"Moqtada al-Sadr"',
    '"Muqtada as-Sadr"',
    "al-Sadr",
    '"central bank"',
    '"oil prices" Iraq',
    '"Hizballah fighters" OR "Hezbollah fighters"',
    '"the Syrian regime"',
    "Ahmadi-Nejad",
    "Syria -Assad",
    "Hezbollah OR Hizballah",
    "Iraq Kurdish oil",
    "the",
    "zzyzxnotaword",
]


@pytest.fixture(scope="module")
def updated_index(tmp_path_factory) -> Path:
    """fakes.jsonl indexed by two writer processes (two segments), then again after 100
    articles were dropped and 20 changed: a multi-segment index with deletions."""
    root = tmp_path_factory.mktemp("docsets")
    lines = FAKES.read_text(encoding="utf-8").splitlines()
    corpus = root / "fakes.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_corpus(root / "index", [corpus], procs=2)
    changed = []
    for i, line in enumerate(lines[100:]):
        record = json.loads(line)
        if i < 20:
            record["body"] += " Hizballah was named again."
        changed.append(json.dumps(record))
    corpus.write_text("\n".join(changed) + "\n", encoding="utf-8")
    index_corpus(root / "index", [corpus])
    return root / "index"


def _queries(searcher) -> list[wq.Query]:
    finder = VariantFinder(searcher.reader())
    built = [
        QueryBuilder(finder, exact=exact).build(parse_query(q))
        for q in QUERIES
        for exact in (False, True)
    ]
    return [*built, wq.Every(), wq.Term("body", "hizballah"), wq.NullQuery]


@pytest.mark.parametrize("cache_ids", [500_000, 50])
def test_sets_equal_whooshs_walk_over_segments_with_deletions(updated_index, cache_ids):
    with Engine(updated_index) as engine:
        searcher = engine.ix.searcher(weighting=scoring.BM25F())
    with searcher:
        reader = searcher.reader()
        assert len(searcher.leaf_searchers()) >= 2 and reader.has_deletions()
        deleted = Columns.read(reader).deleted
        docsets = DocSets(searcher, deleted, cache_ids=cache_ids)
        for query in _queries(searcher):
            expected = set(searcher.docs_for_query(query))
            assert docsets.docs(query) == expected, query
            assert docsets.docs(query) == expected, query  # again, from the cache
        assert not docsets.live() & deleted
        assert len(docsets.live()) == reader.doc_count()


def test_scoring_queries_score_every_match_as_whoosh_does(updated_index):
    # Among a query's matches (the set pass decides them), its terms and phrases are scored as
    # Whoosh scores the query: phrases without reading positions, the same scores (up to the
    # rounding of a sum taken in another order: an Or is always a tree of unions here).
    with Engine(updated_index) as engine:
        searcher = engine.ix.searcher(weighting=scoring.BM25F())
    with searcher:
        docsets = DocSets(searcher, Columns.read(searcher.reader()).deleted)
        phrases = 0
        for query in _queries(searcher):
            if isinstance(query, wq.AndNot | wq.Every):
                # Whoosh's own AndNot lets excluded documents through (below); every article
                # (an empty query) is ordered by date, never scored.
                continue
            matches = set(docsets.docs(query))
            scoring_query = docsets.scoring_query(query)
            phrases += scoring_query != query
            expected = sorted((h.docnum, h.score) for h in searcher.search(query, limit=None))
            # (Whoosh takes an empty filter for no filter at all.)
            got = sorted(
                (h.docnum, h.score)
                for h in searcher.search(scoring_query, limit=None, filter=matches)
                if matches
            )
            assert [d for d, _ in got] == [d for d, _ in expected], query
            assert [s for _, s in got] == pytest.approx([s for _, s in expected], rel=1e-12)
            if matches:
                top = [h.docnum for h in searcher.search(scoring_query, limit=5, filter=matches)]
                assert top == [h.docnum for h in searcher.search(query, limit=5)], query
        assert phrases >= 10  # the queries with phrases were rewritten


def test_whooshs_andnot_lets_an_excluded_document_through(tmp_path):
    # Why the engine never hands Whoosh an AndNot: its matcher looks at the excluded part only
    # when both parts start on the same document, so an excluded document that comes first in
    # the included part passes ("Hezbollah -Israel" listed an article writing Israel's). The
    # set pass, and so every total and page, excludes it.
    corpus = tmp_path / "c.jsonl"
    bodies = ["Israel said so.", "Hezbollah and Israel's army.", "Hezbollah said so."]
    corpus.write_text(
        "".join(json.dumps({"id": f"a{i}", "body": b}) + "\n" for i, b in enumerate(bodies)),
        encoding="utf-8",
    )
    index_corpus(tmp_path / "index", [corpus])
    with Engine(tmp_path / "index") as engine:
        searcher = engine.ix.searcher(weighting=scoring.BM25F())
        response = engine.search(SearchRequest.from_params("Hezbollah -Israel"))
    assert [hit.id for hit in response.hits] == ["a2"] and response.total == 1
    with searcher:
        query = QueryBuilder(VariantFinder(searcher.reader())).build(
            parse_query("Hezbollah -Israel")
        )
        assert isinstance(query, wq.AndNot)
        docsets = DocSets(searcher, Columns.read(searcher.reader()).deleted)
        assert docsets.docs(query) == {2}
        assert set(searcher.docs_for_query(query)) == {1, 2}  # the day Whoosh is fixed, this fails


def _reference(index_dir: Path, q: str, page: int, size: int, sort: str) -> list[tuple]:
    """The page as Whoosh's collectors order it: typed spellings first through a query facet,
    dates through field facets (what the engine did before it ranked from sets)."""
    from whoosh.index import open_dir

    with open_dir(str(index_dir)).searcher(weighting=scoring.BM25F()) as searcher:
        builder = QueryBuilder(VariantFinder(searcher.reader()))
        query = builder.build(parse_query(q))
        if sort != "relevance":
            facet = sorting.MultiFacet(
                [
                    sorting.FieldFacet("undated"),
                    sorting.FieldFacet("date", reverse=sort == "newest"),
                ]
            )
        elif builder.terms.typed_query(FIELDS) is not None:
            typed = builder.terms.typed_query(FIELDS)
            facet = sorting.MultiFacet(
                [sorting.QueryFacet({0: typed}, other=1), sorting.ScoreFacet()]
            )
        else:
            facet = None
        results = searcher.search(query, limit=page * size, sortedby=facet)
        page_hits = results[(page - 1) * size : page * size]
        rows = []
        for hit in page_hits:
            score = None
            if sort == "relevance":
                score = -hit.score[-1] if isinstance(hit.score, tuple) else hit.score
                score = round(float(score), 4)
            rows.append((hit["id"], score))
        return rows


@pytest.mark.parametrize(
    ("q", "page", "size", "sort"),
    [
        ("Hizballah", 1, 10, "relevance"),  # 5 typed, the rest other spellings
        ("Hizballah", 1, 3, "relevance"),  # the page holds typed ones only
        ("Hizballah", 2, 4, "relevance"),  # the page straddles typed and the rest
        ("Qaida", 3, 10, "relevance"),
        ("Shiite", 1, 50, "relevance"),
        ("oil prices", 1, 10, "relevance"),  # no other spelling: one top-N search
        ("Syria", 4, 10, "newest"),
        ("Syria", 2, 20, "oldest"),
        ("Hezbollah OR Hizballah", 1, 25, "relevance"),
        ('"central bank"', 1, 10, "relevance"),
        ('"Moqtada al-Sadr"', 1, 10, "relevance"),  # a phrase across spellings
        ('"oil prices" Iraq', 1, 5, "relevance"),
        ('"Hizballah fighters" OR Syria', 2, 10, "relevance"),
    ],
)
@pytest.mark.parametrize("score_all", [engine_module.SCORE_ALL, 0], ids=["one-search", "top-n"])
def test_pages_are_ranked_as_whoosh_sorts_them(
    fakes_index, monkeypatch, q, page, size, sort, score_all
):
    # Both ways of ranking a query that reached other spellings: every match scored in one
    # search, and (as for many matches) typed spellings and the rest as two top-N searches.
    monkeypatch.setattr(engine_module, "SCORE_ALL", score_all)
    with Engine(fakes_index) as engine:
        response = engine.search(
            SearchRequest.from_params(q, page=str(page), size=str(size), sort=sort, collapse=False)
        )
    got = [(hit.id, hit.score) for hit in response.hits]
    assert got == _reference(fakes_index, q, page, size, sort)
    assert len(got) == min(size, response.total - (page - 1) * size)


def _words_of(searcher, low: int, high: int, count: int) -> list[str]:
    reader = searcher.reader()
    words = [
        t.decode("utf-8")
        for t in reader.lexicon("body")
        if low < reader.doc_frequency("body", t) < high and t.isalpha()
    ]
    return words[:: max(1, len(words) // count)][:count]


def test_whooshs_pruning_keeps_the_top_n_of_a_union_of_terms(fakes_index):
    # The engine lets Whoosh's top-N collector prune the matcher tree (replace) for a word in
    # its spellings only: the ranking must be the full sort's first N, at every N.
    with Engine(fakes_index) as engine:
        searcher = engine.ix.searcher(weighting=scoring.BM25F())
    with searcher:
        docsets = DocSets(searcher, Columns.read(searcher.reader()).deleted)
        finder = VariantFinder(searcher.reader())
        checked = 0
        for word in _words_of(searcher, 20, 600, 60):
            query = QueryBuilder(finder).build(parse_query(word.capitalize()))
            scoring_query = docsets.scoring_query(query)
            assert engine_module._union_of_terms(scoring_query)
            full = sorted((-h.score, h.docnum) for h in searcher.search(scoring_query, limit=None))
            for limit in (1, 3, 10, 25):
                top = [(-h.score, h.docnum) for h in searcher.search(scoring_query, limit=limit)]
                assert top == full[:limit], (word, limit)
            checked += 1
        assert checked >= 50


@pytest.mark.parametrize(
    "q",
    [
        "Damascus OR Aleppo",  # more than SCORE_ALL matches, an Or of Ors
        "Syria",  # matches that lead the scorer
        "Assad regime",  # an And of Ors: Whoosh's pruning lost its best match
        '"Syrian army" OR rebels',
        "rebels Idlib",
    ],
)
def test_paging_lists_every_match_once(fakes_index, q):
    with Engine(fakes_index) as engine:
        for collapse in (False, True):
            first = engine.search(SearchRequest.from_params(q, size=10, collapse=collapse))
            listed = []
            for page in range(1, first.pages + 1):
                request = SearchRequest.from_params(q, size=10, page=str(page), collapse=collapse)
                response = engine.search(request)
                listed += [hit.id for hit in response.hits]
                copies = sum(hit.more_like_this for hit in response.hits)
                assert collapse or copies == 0
            assert len(listed) == len(set(listed)) == first.stories
            every = set(engine.article_ids(SearchRequest.from_params(q)))
            assert set(listed) == every if not collapse else set(listed) <= every
