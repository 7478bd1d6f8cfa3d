"""The search engine: one open index, searched, described and explained.

An :class:`Engine` reads one commit of an index through the seam (:mod:`search.backend`): an
index folder (the embedded Whoosh engine) or a cluster file (Xapian shard servers), and moves to
a newer commit cheaply. It is not thread-safe: a server gives each worker thread its own
engine, or serialises calls.
"""

from __future__ import annotations

import calendar
import heapq
import math
import re
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import islice

from search.backend import Backend, Location, open_backend
from search.errors import NotFound, PastLastPage, QueryError
from search.read import tree as qt
from search.read.budget import DEFAULT_SECONDS, UNLIMITED, Budget
from search.read.corrections import Corrections
from search.read.highlight import match_spans
from search.read.paragraphs import paragraphs
from search.read.querybuild import FIELDS, QueryBuilder, query_tokens
from search.read.querylang import Node, Word
from search.read.request import SearchRequest
from search.read.response import (
    Alternative,
    Article,
    Hit,
    NamePage,
    SearchResponse,
    SpellingRow,
    SpellingTable,
    format_date,
    present,
)
from search.read.snippets import Span, make_snippet, mark_all, to_html
from search.read.suggest import did_you_mean, fewer_words
from search.read.values import Columns
from search.read.variants import Spelling, VariantFinder
from search.rules import exact_form, explain_match, fold, skeleton
from search.rules.arabic_script import is_arabic, join_allah
from search.rules.company import SEPARATOR as COMPANY_SEPARATOR


@dataclass
class IndexInfo:
    """What ``news-search info`` reports."""

    path: str
    documents: int
    size_bytes: int
    segments: int
    sources: dict[str, int]
    date_from: str | None
    date_to: str | None
    undated: int
    analyzer_version: str | None  # None (null in JSON) when the index has no metadata
    built_at: str | None
    updated_at: str | None
    paths: list[str] = field(default_factory=list)
    #: A cluster's servers: each with its shard, role, address, whether it answers and whether
    #: searches ask it now (empty for a folder).
    servers: list[dict[str, object]] = field(default_factory=list)

    def to_json(self) -> dict[str, object]:
        return {"ok": True, **self.__dict__}


def _matched_spellings(spans: list[Span], into: dict[str, str]) -> None:
    """Add the marked words to ``into`` (exact form -> first spelling seen, possessive dropped)."""
    for span in spans:
        exact = exact_form(span.word)
        if exact not in into:
            into[exact] = re.sub(r"[’']s$", "", span.word)


#: A name page's newest articles, and the names it lists as written with the name.
NEWEST_ON_NAME_PAGE = 10
COMPANY_ON_NAME_PAGE = 15
#: Names of days and months: written with a capital in mid-sentence, yet no company to list.
CALENDAR_WORDS = frozenset(
    w.lower() for w in (*calendar.day_name, *calendar.month_name, *calendar.day_abbr) if w
)


@dataclass
class Export:
    """Every result of one search: how many articles match, how many are listed (each story
    once, unless the search lists every article), and the hits in order as they are read."""

    total: int
    stories: int
    hits: Iterator[Hit]


class Engine:
    """Search one index: a folder, or a cluster."""

    def __init__(self, location: Location, budget: float | None = DEFAULT_SECONDS) -> None:
        """``location``: an index folder, or a :class:`~search.backend.ClusterFile`;
        ``budget``: the seconds a search may take before it is refused (None: no limit)."""
        self.location = location
        self.budget = budget
        self.backend: Backend = open_backend(location)
        self._opened()

    def _opened(self) -> None:
        """Forget what was learnt of the commit before."""
        self._finder = VariantFinder(self.backend.vocabulary())
        self._corrections = Corrections(self.backend.vocabulary())
        self._info: IndexInfo | None = None  # described once per commit
        self._sources: dict[str, int] | None = None

    def close(self) -> None:
        self.backend.close()

    def __enter__(self) -> Engine:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def refresh(self) -> bool:
        """Pick up a newer commit of the index, if any; True when there was one."""
        if not self.backend.refresh():
            return False
        self._opened()
        return True

    # Searching --------------------------------------------------------------------------------

    def search(self, request: SearchRequest) -> SearchResponse:
        """One page of results; :class:`~search.errors.TooCostly` when the search runs past
        the budget."""
        with self._budgeted() as budget:
            return self._search(request, budget)

    @contextmanager
    def _budgeted(self) -> Iterator[Budget]:
        """One search's time budget, checked by the set pass too while it lasts."""
        budget = Budget(self.budget)
        self.backend.budget = budget
        try:
            yield budget
        finally:
            self.backend.budget = UNLIMITED

    def _selection(
        self, request: SearchRequest, budget: Budget = UNLIMITED
    ) -> tuple[QueryBuilder, qt.Query, frozenset[int] | None, set[int]]:
        """The builder, the query, the matches within the dates (None: every article) and
        those within every filter, of one request."""
        builder = self._builder(request, budget)
        query = builder.build(request.node) if request.node else qt.Every()
        docs, _ = self._matches(query, request.date_from, request.date_to)
        return builder, query, docs, self._allowed(docs, self._source_names(request))

    def _search(self, request: SearchRequest, budget: Budget) -> SearchResponse:
        started = time.perf_counter()
        builder = self._builder(request, budget)
        query = builder.build(request.node) if request.node else qt.Every()
        chosen = self._source_names(request)
        # The matches as a set, without scoring (the engine's set pass): the exact total
        # and the
        # source facet at once; then only the page's hits are ranked, among those matches.
        docs, by_source = self._matches(query, request.date_from, request.date_to)
        allowed = self._allowed(docs, chosen)
        total = len(allowed)
        shown, more = self._shown(request, allowed)
        pages = math.ceil(len(shown) / request.size)
        if request.page > max(pages, 1):
            raise PastLastPage(
                f"page {request.page} is past the last page of results ({max(pages, 1)})",
                max(pages, 1),
            )
        hits: list[Hit] = []
        if total:
            offset = (request.page - 1) * request.size
            ranked = self._rank(request, builder, query, docs, shown, offset + request.size)
            for i, (docnum, score) in enumerate(ranked[offset:]):
                budget.check()
                hits.append(self._hit(offset + i + 1, docnum, score, builder, more))
        response = SearchResponse(
            query=request.echo(),
            total=total,
            stories=len(shown),
            page=request.page,
            pages=pages,
            took_ms=0.0,
            hits=hits,
            spellings=self._spelling_counts(builder, allowed),
            timeline=self._columns().timeline(allowed),
            sources={
                name: n
                for name, n in sorted(by_source.items(), key=lambda kv: (-kv[1], kv[0]))
                if name
            },
        )
        if request.node is not None:
            self._alternatives(request, request.node, chosen, response, budget)
        response.missing_shards = self.backend.missing_shards()
        response.took_ms = round((time.perf_counter() - started) * 1000, 2)
        return response

    def export(self, request: SearchRequest) -> Export:
        """Every result of a search (its page and size aside), in the order of its pages: the
        total at once, within the budget, and the hits as they are read (with their snippets),
        which :mod:`search.read.export` writes as CSV or JSON Lines. The hits are read from this
        engine's commit: use the engine for nothing else until they are read."""
        with self._budgeted() as budget:
            builder, query, docs, allowed = self._selection(request, budget)
            shown, more = self._shown(request, allowed)
            ranked = self._rank(request, builder, query, docs, shown, len(shown)) if shown else []
        hits = (
            self._hit(rank, docnum, score, builder, more)
            for rank, (docnum, score) in enumerate(ranked, 1)
        )
        return Export(total=len(allowed), stories=len(shown), hits=hits)

    def _shown(self, request: SearchRequest, allowed: set[int]) -> tuple[set[int], dict[int, int]]:
        """The matches a search lists (each story once, unless it asks for every article),
        and for each one listed, how many other matches tell its story."""
        if not request.collapse:
            return allowed, {}
        return self._columns().stories(allowed)

    def article_ids(self, request: SearchRequest) -> list[str]:
        """The ids of every article a search matches, within its filters, in index order.

        What a search counts in ``total``, without ranking or paging: for exports and for
        measuring recall.
        """
        allowed = self._selection(request)[3]
        return self.backend.article_ids(sorted(allowed))

    def _spelling_counts(self, builder: QueryBuilder, matches: set[int]) -> dict[str, int]:
        """Each spelling searched (typed or reached) with the number of the matching articles
        that write it, most first; spellings no match writes are left out."""
        return {text: len(held) for text, held in self._spelling_sets(builder, matches).items()}

    def _spelling_sets(self, builder: QueryBuilder, matches: set[int]) -> dict[str, set[int]]:
        """Each spelling searched (typed or reached) with the matching articles that write it,
        the most written first; spellings no match writes are left out."""
        found = {}
        for text in sorted(builder.terms.exact | set(builder.terms.reached)):
            parts = tuple(text.split("-"))
            holding: set[int] = set()
            for f in FIELDS:
                q = qt.Phrase(f, parts) if len(parts) > 1 else qt.Term(f, text)
                holding |= self.backend.docs(q)
            holding &= matches
            if holding:
                found[text] = holding
        return dict(sorted(found.items(), key=lambda kv: (-len(kv[1]), kv[0])))

    def spelling_table(self, request: SearchRequest, by_year: bool = False) -> SpellingTable:
        """Which outlet writes which spelling, and when: for each spelling the matches write
        (under every filter), how many of them per source and per year or month (the periods
        of the search's timeline; with ``by_year``, per year whatever the span)."""
        with self._budgeted() as budget:
            builder, _, _, allowed = self._selection(request, budget)
            held = self._spelling_sets(builder, allowed)
        return self._spelling_table(request, allowed, held, by_year)

    def _spelling_table(
        self, request: SearchRequest, allowed: set[int], held: dict[str, set[int]], by_year: bool
    ) -> SpellingTable:
        columns = self._columns()
        timeline = columns.timeline(allowed)
        if timeline and by_year:
            timeline = timeline.by_year()
        sources = Counter(columns.source[n] for n in allowed)
        rows = [
            SpellingRow(
                spelling=text,
                total=len(docnums),
                by_source=dict(Counter(columns.source[n] for n in docnums)),
                by_period=dict(columns.periods(docnums, timeline.unit if timeline else "year")),
                undated=sum(1 for n in docnums if not columns.month[n]),
            )
            for text, docnums in held.items()
        ]
        return SpellingTable(
            query=request.echo(),
            total=len(allowed),
            sources=[name for name, _ in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0]))],
            unit=timeline.unit if timeline else None,
            periods=[p for p, _ in timeline.periods] if timeline else [],
            rows=rows,
        )

    def name_page(self, name: str, size: int = NEWEST_ON_NAME_PAGE) -> NamePage:
        """A name as a page: its spellings with how many articles write each, per outlet and
        per year; the names most often written in the same articles (the company the index
        records of each article); and its ``size`` newest articles. :class:`QueryError` when
        ``name`` is not one word."""
        one_word = f"a name page is for one word, as in /names/Hezbollah, not {name!r}"
        try:
            request = SearchRequest.from_params(name, size=size, sort="newest")
        except QueryError as error:
            raise QueryError(f"{one_word}: {error.message}", "name") from None
        if not isinstance(request.node, Word):
            raise QueryError(one_word, "name")
        with self._budgeted() as budget:
            builder, query, docs, allowed = self._selection(request, budget)
            held = self._spelling_sets(builder, allowed)
            ranked = self._rank(request, builder, query, docs, allowed, size) if allowed else []
            newest = [self._hit(i, n, None, builder) for i, (n, _) in enumerate(ranked, 1)]
        table = self._spelling_table(replace(request, sort="relevance"), allowed, held, True)
        own = {part for text in held for part in text.split("-")}
        return NamePage(
            name=request.q,
            total=len(allowed),
            spellings=table,
            company=self._company_of(allowed, own),
            newest=newest,
        )

    def _company_of(self, docs: set[int], leave_out: set[str]) -> list[Alternative]:
        """The names the most of ``docs`` write (as the index's company column keeps each
        article's), each with how many of them do; those in ``leave_out`` aside."""
        if not docs:
            return []
        company = self.backend.vocabulary().company
        counts: Counter[str] = Counter()
        for n in docs:
            raw = company(n)
            if raw:
                counts.update(set(raw.decode("utf-8").split(COMPANY_SEPARATOR)))
        for name in leave_out | CALENDAR_WORDS:
            counts.pop(name, None)
        ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        # Capitals in mid-sentence catch some ordinary words too ("Human Rights Watch"): only
        # the words the archive uses as names are listed.
        names = (kv for kv in ranked if self._finder.is_name(kv[0]))
        return [Alternative(q=name, total=n) for name, n in islice(names, COMPANY_ON_NAME_PAGE)]

    def _alternatives(
        self,
        request: SearchRequest,
        node: Node,
        chosen: list[str],
        response: SearchResponse,
        budget: Budget,
    ) -> None:
        """Fill in "did you mean", and for an empty result the queries that would find more."""

        def count(other: Node) -> int:
            query = self._builder(request, budget).build(other)
            docs, _ = self._matches(query, request.date_from, request.date_to)
            return len(self._allowed(docs, chosen))

        response.suggestion = did_you_mean(
            node, response.total, self._corrections, self._finder, count
        )
        if response.total == 0:
            response.fewer_words = fewer_words(node, count)
            if request.filtered:
                query = self._builder(request, budget).build(node)
                docs, _ = self._matches(query, None, None)
                if docs:
                    response.without_filters = self._columns().coverage(docs)

    def _rank(
        self,
        request: SearchRequest,
        builder: QueryBuilder,
        query: qt.Query,
        docs: frozenset[int] | None,
        allowed: set[int],
        limit: int,
    ) -> list[tuple[int, float | None]]:
        """The first ``limit`` of the matches ``allowed`` in the order asked for, as
        (document, score or None); ties in document order.

        ``docs`` are the matches within the dates (None: every article), ``allowed`` those
        within every filter."""
        if request.sort != "relevance":
            # By date: a sort of the matching documents' column values, no scoring at all.
            columns = self._columns()
            undated, date = columns.undated, columns.date
            sign = -1 if request.sort == "newest" else 1
            order = heapq.nsmallest(limit, allowed, key=lambda n: (undated[n], sign * date[n], n))
            return [(n, None) for n in order]
        # Other spellings reached: the articles that write a word (or a phrase) as it was
        # typed come first, then those with only other spellings, each by relevance.
        typed_query = builder.terms.typed_query(FIELDS)
        typed = None if typed_query is None else self.backend.docs(typed_query)
        return self.backend.top(query, allowed, limit, first=typed)

    def _matches(
        self, query: qt.Query, first: datetime | None, last: datetime | None
    ) -> tuple[frozenset[int] | None, dict[str, int]]:
        """The documents matching ``query`` within the dates, and their count per source
        ("" for none). The documents are None for every article with no dates given."""
        columns = self._columns()
        if isinstance(query, qt.Every) and not (first or last):
            return None, self._source_counts()
        docs = self.backend.docs(query)
        if first or last:
            docs = frozenset(columns.within(docs, first, last))
        return docs, columns.count_sources(docs)

    def _allowed(self, docs: frozenset[int] | None, chosen: list[str]) -> set[int]:
        """The documents that pass the filters: the matches within the dates (None: every
        article) from the chosen sources (any, when none is chosen)."""
        columns = self._columns()
        found = columns.live() if docs is None else docs
        if not chosen:
            return set(found)
        names = set(chosen)
        return {n for n in found if columns.source[n] in names}

    def _columns(self) -> Columns:
        return self.backend.columns()

    def _builder(self, request: SearchRequest, budget: Budget = UNLIMITED) -> QueryBuilder:
        """The query builder of one request: its exact flag and the spellings it switched off."""
        return QueryBuilder(
            self._finder, exact=request.exact, budget=budget, without=frozenset(request.without)
        )

    def _source_names(self, request: SearchRequest) -> list[str]:
        """The chosen sources as the index spells them: a name as the index has it, else
        every name that differs from it only in case ("REUTERS": Reuters and reuters)."""
        if not request.sources:
            return []
        # The source field's own vocabulary: no pass over the documents per query.
        names = [name for name in self.backend.field_terms("source") if name]
        chosen: list[str] = []
        for asked in request.sources:
            found = (
                [asked]
                if asked in names
                else [n for n in names if n.casefold() == asked.casefold()]
            )
            if not found:
                listed = ", ".join(sorted(names)[:12]) or "none"
                raise QueryError(f"unknown source {asked!r}; this index has: {listed}", "source")
            chosen.extend(n for n in found if n not in chosen)
        return chosen

    # Reading ----------------------------------------------------------------------------------

    def article(
        self,
        article_id: str,
        q: str = "",
        exact: bool = False,
        without: tuple[str, ...] = (),
        *,
        reached_from: SearchRequest | None = None,
    ) -> Article:
        """One article, with every word the query ``q`` matched marked (with ``exact``, as the
        search for the words as typed only matched them; ``without``, the spellings switched
        off, unmarked); or, with ``reached_from``, as that search matched it (its filters, sort
        and page echoed in the article's ``search``, for a way back to its results)."""
        if reached_from is not None:
            q, exact, without = reached_from.q, reached_from.exact, reached_from.without
        search = reached_from or SearchRequest.from_params(q, exact=exact, without=without)
        builder = QueryBuilder(self._finder, exact=exact, without=frozenset(without))
        if search.node is not None:
            builder.build(search.node)
        fields = (
            None if re.search("[\ud800-\udfff]", article_id) else self._stored_by_id(article_id)
        )
        if fields is None:
            raise NotFound(f"no article has the id {article_id!r}")
        title = fields.get("title", "")
        body = fields.get("body", "")
        matched: dict[str, str] = {}
        title_spans = match_spans(title, builder.terms, "title")
        body_spans = match_spans(body, builder.terms, "body")
        _matched_spellings(title_spans, matched)
        _matched_spellings(body_spans, matched)
        paragraphs_html = []
        for paragraph in paragraphs(body):
            start, end = paragraph.start, paragraph.end
            spans = [
                replace(s, start=s.start - start, end=s.end - start)
                for s in body_spans
                if start <= s.start and s.end <= end
            ]
            paragraphs_html.append(to_html(mark_all(paragraph.text(body), spans)))
        return Article(
            id=fields["id"],
            title=present(title),
            source=present(fields.get("source")),
            date=format_date(fields.get("date")),
            url=present(fields.get("url")),
            body=body,
            q=q.strip(),
            exact=exact,
            without=list(without),
            search=search.echo(),
            title_html=to_html(mark_all(title, title_spans)),
            paragraphs_html=paragraphs_html,
            matched=list(matched.values()),
            same_story=self._same_story(fields["id"]),
        )

    def _same_story(self, article_id: str) -> list[Hit]:
        """The other articles telling the story an article tells, in the order that picks the
        one a search lists (the earliest first)."""
        docnum = self.backend.find(article_id)
        columns = self._columns()
        if docnum is None or docnum not in columns.telling:
            return []
        others = [n for n in columns.told[columns.telling[docnum]] if n != docnum]
        stored = self.backend.stored_many(others)
        return [Hit.listed(rank, fields) for rank, fields in enumerate(stored, 1)]

    def _stored_by_id(self, article_id: str) -> dict[str, object] | None:
        docnum = self.backend.find(article_id)
        return None if docnum is None else self.backend.stored(docnum)

    def _hit(
        self,
        rank: int,
        docnum: int,
        score: float | None,
        builder: QueryBuilder,
        more: dict[int, int] | None = None,
    ) -> Hit:
        fields = self.backend.stored(docnum)
        title = fields.get("title", "")
        body = fields.get("body", "")
        title_spans = match_spans(title, builder.terms, "title")
        body_spans = match_spans(body, builder.terms, "body")
        matched: dict[str, str] = {}
        _matched_spellings(title_spans, matched)
        _matched_spellings(body_spans, matched)
        return replace(
            Hit.listed(rank, fields, None if score is None else round(score, 4)),
            title_html=to_html(mark_all(title, title_spans)),
            snippet_html=to_html(make_snippet(body, body_spans)),
            matched=list(matched.values()),
            more_like_this=more.get(docnum, 0) if more else 0,
        )

    # Describing -------------------------------------------------------------------------------

    def generation(self) -> int:
        """The commit this engine reads (it grows with every commit of the index; -1 for an
        index with no segment yet)."""
        return self.backend.generation()

    def documents(self) -> int:
        """Articles in the open commit (no walk over the index folder, unlike :meth:`info`)."""
        return self.backend.documents()

    def sources(self) -> dict[str, int]:
        """Article count per named source, most articles first."""
        return {name: n for name, n in self._source_counts().items() if name}

    def _source_counts(self) -> dict[str, int]:
        """Article count per source ("" for none), counted once per commit."""
        if self._sources is None:
            columns = self._columns()
            counts = Counter(map(columns.source.__getitem__, columns.live()))
            self._sources = dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
        return self._sources

    def info(self) -> IndexInfo:
        """The index described (counted once per commit; the size is read each time)."""
        if self._info is None:
            self._info = self._describe()
        described = self.backend.describe()
        self._info.size_bytes, self._info.servers = described.size_bytes, described.servers
        return self._info

    def _describe(self) -> IndexInfo:
        first, last, undated = self._columns().date_range()
        described = self.backend.describe()
        return IndexInfo(
            path=described.path,
            documents=self.documents(),
            size_bytes=described.size_bytes,
            segments=described.segments,
            sources=self.sources(),
            date_from=format_date(first),
            date_to=format_date(last),
            undated=undated,
            analyzer_version=described.analyzer_version,
            built_at=described.built_at,
            updated_at=described.updated_at,
            paths=described.paths,
            servers=described.servers,
        )

    def analyze(self, words: list[str]) -> list[dict[str, object]]:
        """For each word: its analysis, and which spellings of the index it reaches, and why."""
        report = []
        for word in join_allah(" ".join(words)).split():
            for token in query_tokens(word):
                if token.article:
                    continue
                spellings = self._finder.reach(token.original, token.exact, token.key)
                # An ordinary word is searched as written, unless it reached the spellings of
                # a loanword (zakat, zakah).
                ordinary = (
                    None
                    if spellings
                    else self._finder.query_word_is_ordinary(token.exact, token.key)
                )
                report.append(
                    {
                        "word": token.original,
                        "folded": fold(token.original),
                        "exact": token.exact,
                        "uses": self._finder.uses(token.exact),
                        "key": token.key,
                        "skeleton": skeleton(token.key) if token.key else "",
                        "ordinary_word": ordinary.why if ordinary else None,
                        "spellings": [
                            {
                                "spelling": s.text,
                                "key": s.key,
                                "tier": s.tier,
                                "accepted": s.accepted,
                                "uses": s.uses,
                                "name_uses": s.name_uses,
                                "why": f"{_rule(token.original, s)}; {s.why}",
                            }
                            for s in spellings
                        ],
                    }
                )
        return report


def _rule(query_word: str, spelling: Spelling) -> str:
    """Why the rules reach a spelling from a query word, in one phrase."""
    if spelling.tier == "alias":
        return f"alias of {query_word!r} in search/rules/aliases.json"
    if spelling.tier == "possessive":
        return "an s the stemmer keeps, as a possessive whose apostrophe was lost"
    if spelling.tier == "convention":
        return "one language's way of writing a letter (search/rules/conventions.py)"
    if is_arabic(query_word):  # the script tier, and the spellings its reading reaches
        return f"read from the Arabic letters of {query_word!r} (search/rules/arabic_latin.py)"
    # Both sides are names by now (the archive says so): compare them as names.
    return explain_match(_capitalized(query_word), _capitalized(spelling.text)).reason


def _capitalized(word: str) -> str:
    return word[:1].upper() + word[1:]
