"""The embedded engine behind the seam: one Whoosh index folder, searched through one searcher.

A searcher is opened once (that costs far more than a search) and replaced when the folder has
a newer commit. Matches come from the set pass (:mod:`search.engines.whoosh.docsets`), ranking
from our BM25F scorer (:mod:`search.engines.whoosh.scorer`), values from the columns.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from whoosh import scoring
from whoosh.reading import IndexReader

from search.backend import Description
from search.engines.whoosh import store
from search.engines.whoosh.columns import read_columns
from search.engines.whoosh.docsets import DocSets
from search.engines.whoosh.queries import to_whoosh
from search.engines.whoosh.scorer import Scorer
from search.read import tree as qt
from search.read.budget import UNLIMITED, Budget
from search.read.values import Columns


class WhooshVocabulary:
    """A Whoosh reader's terms and statistics (:class:`search.backend.Vocabulary`)."""

    def __init__(self, reader: IndexReader) -> None:
        self._reader = reader
        self._company = reader.column_reader("company") if reader.has_column("company") else None

    def doc_count_all(self) -> int:
        return int(self._reader.doc_count_all())

    def doc_frequency(self, fieldname: str, text: str) -> int:
        return int(self._reader.doc_frequency(fieldname, text))

    def frequency(self, fieldname: str, text: str) -> float:
        return float(self._reader.frequency(fieldname, text))

    def expand_prefix(self, fieldname: str, prefix: str) -> Iterator[bytes]:
        return self._reader.expand_prefix(fieldname, prefix)

    def term_documents(self, fieldname: str, text: str) -> list[int]:
        return list(self._reader.postings(fieldname, text).all_ids())

    def article_ids(self, docnums: list[int]) -> list[str]:
        ids = self._reader.column_reader("id")
        return [ids[n] for n in docnums]

    def company(self, docnum: int) -> bytes | None:
        return None if self._company is None else self._company[docnum]


class WhooshBackend:
    """One index folder's latest commit (:class:`search.backend.Backend`)."""

    def __init__(self, index_dir: Path) -> None:
        self.index_dir = index_dir
        self.ix = store.open_index(index_dir)
        self._open()

    def _open(self) -> None:
        self.searcher = self.ix.searcher(weighting=scoring.BM25F())
        self._vocabulary = WhooshVocabulary(self.searcher.reader())
        self._columns: Columns | None = None
        self._docsets: DocSets | None = None
        self._scorer: Scorer | None = None
        self._budget = UNLIMITED

    @property
    def budget(self) -> Budget:
        return self._budget

    @budget.setter
    def budget(self, budget: Budget) -> None:
        self._budget = budget
        self._sets().budget = self._ranking().budget = budget

    def refresh(self) -> bool:
        """A new searcher, rather than Whoosh's ``Searcher.refresh()``: that one reuses the open
        segment readers, which keep the deletions they were opened with, and adds back segments
        the new commit merged away, so replaced, removed and merged articles would come back
        (twice, after a merge)."""
        if self.ix.latest_generation() == self.searcher.reader().generation():
            return False
        old = self.searcher
        self._open()
        old.close()
        return True

    def close(self) -> None:
        self.searcher.close()

    def generation(self) -> int:
        generation = self.searcher.reader().generation()
        return -1 if generation is None else int(generation)

    def documents(self) -> int:
        return int(self.searcher.reader().doc_count())

    def vocabulary(self) -> WhooshVocabulary:
        return self._vocabulary

    def columns(self) -> Columns:
        if self._columns is None:
            self._columns = read_columns(self.searcher.reader())
        return self._columns

    def docs(self, query: qt.Query) -> frozenset[int]:
        return self._sets().docs(to_whoosh(query))

    def top(
        self, query: qt.Query, among: set[int], limit: int, first: frozenset[int] | None = None
    ) -> list[tuple[int, float]]:
        return self._ranking().top(to_whoosh(query), among, limit, first=first)

    def stored(self, docnum: int) -> dict[str, object]:
        return self.searcher.stored_fields(docnum)

    def stored_many(self, docnums: Iterable[int]) -> list[dict[str, object]]:
        return [self.searcher.stored_fields(n) for n in docnums]

    def find(self, article_id: str) -> int | None:
        return self.searcher.document_number(id=article_id)

    def article_ids(self, docnums: list[int]) -> list[str]:
        ids = self.searcher.reader().column_reader("id")
        return [ids[n] for n in docnums]

    def field_terms(self, fieldname: str) -> list[str]:
        return list(self.searcher.reader().field_terms(fieldname))

    def describe(self) -> Description:
        meta = store.read_meta(self.index_dir)
        return Description(
            path=str(self.index_dir.resolve()),
            size_bytes=store.dir_size(self.index_dir),
            segments=len(self.searcher.reader().leaf_readers()),
            analyzer_version=meta.analyzer_version if meta else None,
            built_at=meta.built_at if meta else None,
            updated_at=meta.updated_at if meta else None,
            paths=meta.paths if meta else [],
            servers=[],
        )

    def missing_shards(self) -> list[str]:
        return []

    def _sets(self) -> DocSets:
        if self._docsets is None:
            self._docsets = DocSets(self.searcher, self.columns().deleted)
        return self._docsets

    def _ranking(self) -> Scorer:
        if self._scorer is None:
            self._scorer = Scorer(self.searcher, self._sets())
        return self._scorer
