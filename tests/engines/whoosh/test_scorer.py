"""The scorer of our own (search.engines.whoosh.scorer) against Whoosh's BM25F and Whoosh's own
sort, on real
indexes: the same scores for every match, the same pages."""

from __future__ import annotations

import random
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest
from whoosh import query as wq
from whoosh import scoring, sorting
from whoosh.searching import Searcher

from search import Engine, SearchRequest
from search.engines.whoosh.backend import WhooshVocabulary
from search.engines.whoosh.columns import read_columns
from search.engines.whoosh.docsets import DocSets
from search.engines.whoosh.queries import to_whoosh
from search.engines.whoosh.scorer import Scorer, _best
from search.read.querybuild import FIELDS, QueryBuilder
from search.read.querylang import parse_query
from search.read.variants import VariantFinder
from tests.conftest import PROBE_QUERIES


@contextmanager
def _scoring(index_dir: Path) -> Iterator[tuple[Searcher, DocSets, Scorer]]:
    """A BM25F searcher of an index, its set pass and the scorer over them."""
    with Engine(index_dir) as engine:
        searcher = engine.backend.ix.searcher(weighting=scoring.BM25F())
    with searcher:
        docsets = DocSets(searcher, read_columns(searcher.reader()).deleted)
        yield searcher, docsets, Scorer(searcher, docsets)


def _has_and(q: wq.Query) -> bool:
    """Whether a query holds an And (whose parts Whoosh adds in another order)."""
    if type(q) is wq.And:
        return True
    return any(_has_and(child) for child in q.children())


def _whoosh_scores(searcher, query: wq.Query, allowed: frozenset[int]) -> dict[int, float]:
    if isinstance(query, wq.AndNot):  # an exclusion adds nothing: score what it keeps
        query = query.a
    return {
        hit.docnum: hit.score
        for hit in searcher.search(query, limit=None, filter=set(allowed))
        if allowed
    }


def test_every_match_scores_as_whoosh_scores_it(updated_index):
    # Over two segments with deletions: the same documents; the same bits for words, spellings
    # and phrases; an And's sum within 1e-12 (it is added in the query's order here).
    with _scoring(updated_index) as (searcher, docsets, scorer):
        finder = VariantFinder(WhooshVocabulary(searcher.reader()))
        exact = approx = 0
        for text in PROBE_QUERIES:
            for typed_only in (False, True):
                query = to_whoosh(QueryBuilder(finder, exact=typed_only).build(parse_query(text)))
                allowed = docsets.docs(query)
                docs, scores = scorer.scores(query, allowed)
                got = dict(zip(docs.tolist(), scores.tolist(), strict=True))
                expected = _whoosh_scores(searcher, query, allowed)
                assert sorted(got) == sorted(expected), text
                if _has_and(query):
                    approx += 1
                    for docnum, score in expected.items():
                        assert got[docnum] == pytest.approx(score, rel=1e-12), (text, docnum)
                else:
                    exact += 1
                    assert got == expected, text
        assert exact >= 20 and approx >= 8


def test_a_query_of_every_article_scores_zero_for_each(updated_index):
    with _scoring(updated_index) as (_, docsets, scorer):
        live = docsets.live()
        top = scorer.top(wq.Every(), live, 5)
        assert top == [(n, 0.0) for n in sorted(live)[:5]]


def test_best_keeps_ties_in_document_order_at_every_limit():
    # Against a plain sort, with many ties (scores drawn from a few values).
    rng = random.Random(5)
    for _ in range(200):
        size = rng.randrange(0, 60)
        docs = np.array(sorted(rng.sample(range(1000), size)), dtype=np.int64)
        scores = np.array([rng.choice([0.5, 1.25, 2.0, 3.75]) for _ in range(size)])
        expected = sorted(
            zip(docs.tolist(), scores.tolist(), strict=True), key=lambda h: (-h[1], h[0])
        )
        for limit in (None, 0, 1, 2, 5, size, size + 3):
            assert _best(docs, scores, limit) == expected[:limit], (size, limit)


def test_first_documents_come_before_the_others(fakes_index):
    with _scoring(fakes_index) as (searcher, docsets, scorer):
        builder = QueryBuilder(VariantFinder(WhooshVocabulary(searcher.reader())))
        query = to_whoosh(builder.build(parse_query("Hizballah")))
        allowed = docsets.docs(query)
        typed = docsets.docs(to_whoosh(builder.terms.typed_query(FIELDS)))
        assert 0 < len(typed) < len(allowed)
        every = scorer.top(query, allowed, None, first=typed)
        assert [n for n, _ in every[: len(typed)]] == sorted(
            typed, key=lambda n: (-dict(every)[n], n)
        )
        assert {n for n, _ in every[len(typed) :]} == allowed - typed
        for limit in (1, len(typed) - 1, len(typed), len(typed) + 2, len(allowed)):
            assert scorer.top(query, allowed, limit, first=typed) == every[:limit]


def _reference(index_dir: Path, q: str, page: int, size: int, sort: str) -> list[tuple]:
    """The page as Whoosh's collectors order it: typed spellings first through a query facet,
    dates through field facets (what the engine did before it ranked from sets)."""
    from whoosh.index import open_dir

    with open_dir(str(index_dir)).searcher(weighting=scoring.BM25F()) as searcher:
        builder = QueryBuilder(VariantFinder(WhooshVocabulary(searcher.reader())))
        query = to_whoosh(builder.build(parse_query(q)))
        if sort != "relevance":
            facet = sorting.MultiFacet(
                [
                    sorting.FieldFacet("undated"),
                    sorting.FieldFacet("date", reverse=sort == "newest"),
                ]
            )
        elif builder.terms.typed_query(FIELDS) is not None:
            typed = to_whoosh(builder.terms.typed_query(FIELDS))
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
        ("oil prices", 1, 10, "relevance"),  # no other spelling reached
        ("Syria", 4, 10, "newest"),
        ("Syria", 2, 20, "oldest"),
        ("Hezbollah OR Hizballah", 1, 25, "relevance"),
        ('"central bank"', 1, 10, "relevance"),
        ('"Moqtada al-Sadr"', 1, 10, "relevance"),  # a phrase across spellings
        ('"oil prices" Iraq', 1, 5, "relevance"),
        ('"Hizballah fighters" OR Syria', 2, 10, "relevance"),
    ],
)
def test_pages_are_ranked_as_whoosh_sorts_them(fakes_index, q, page, size, sort):
    with Engine(fakes_index) as engine:
        response = engine.search(
            SearchRequest.from_params(q, page=str(page), size=str(size), sort=sort, collapse=False)
        )
    got = [(hit.id, hit.score) for hit in response.hits]
    assert got == _reference(fakes_index, q, page, size, sort)
    assert len(got) == min(size, response.total - (page - 1) * size)


@pytest.mark.parametrize(
    "q",
    [
        "Damascus OR Aleppo",  # an Or of Ors
        "Syria",
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


def test_a_document_the_query_does_not_match_is_a_fault_not_a_zero(fakes_index):
    with _scoring(fakes_index) as (_, docsets, scorer):
        query = wq.Term("body", "hizballah")
        matches = docsets.docs(query)
        stranger = min(docsets.live() - matches)
        with pytest.raises(RuntimeError, match="1 of"):
            scorer.scores(query, [*matches, stranger])
