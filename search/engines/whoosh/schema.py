"""The index schema and the version of the analysis that built it."""

from __future__ import annotations

from collections.abc import Iterator

from whoosh.columns import FixedBytesColumn, NumericColumn
from whoosh.fields import COLUMN, DATETIME, ID, STORED, TEXT, Schema
from whoosh.system import pack_uint

from search.analysis.analyzers import (
    exact_analyzer,
    exact_term_positions,
    spelling_analyzer,
    spelling_term_counts,
)
from search.analysis.version import ANALYZER_VERSION
from search.engines.whoosh.codec import CompactPositions

__all__ = ["ANALYZER_VERSION", "build_schema"]


#: What :meth:`whoosh.fields.FieldType.index` yields per term: bytes, frequency, weight, value.
IndexedTerm = tuple[bytes, int, float, bytes]


class ExactText(TEXT):
    """The exact-word fields (``title``, ``body``): Whoosh's TEXT with positions (stored as
    :class:`search.engines.whoosh.codec.CompactPositions`), indexing a text by
    :func:`search.analysis.analyzers.exact_term_positions`. The postings are the ones Whoosh's own
    ``index`` makes from :func:`search.analysis.analyzers.exact_analyzer` (tests/test_schema.py)."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(analyzer=exact_analyzer(), **kwargs)
        self.format = CompactPositions(field_boost=self.format.field_boost)

    def index(self, value: object, **kwargs: object) -> Iterator[IndexedTerm]:
        if not isinstance(value, str):
            yield from super().index(value, **kwargs)
            return
        encode, boost = self.format.encode, self.format.field_boost
        for term, positions in exact_term_positions(value).items():
            freq = len(positions)
            yield term.encode("utf-8"), freq, float(freq) * boost, encode(positions)


class SpellingText(TEXT):
    """The ``spellings`` field: term counts only, indexing a text, or a tuple of texts (an
    article's body and title: read as one text, without joining them), by
    :func:`search.analysis.analyzers.spelling_term_counts`."""

    def __init__(self) -> None:
        super().__init__(analyzer=spelling_analyzer(), phrase=False)

    def index(self, value: object, **kwargs: object) -> Iterator[IndexedTerm]:
        texts = (value,) if isinstance(value, str) else value
        if not (isinstance(texts, tuple) and all(isinstance(text, str) for text in texts)):
            yield from super().index(value, **kwargs)
            return
        boost = self.format.field_boost
        for term, freq in spelling_term_counts(*texts).items():
            yield term.encode("utf-8"), freq, float(freq) * boost, pack_uint(freq)


class StoredDate(DATETIME):
    """The date: stored, and a column to filter and sort by. No terms: a date filter reads the
    column (:mod:`search.engines.whoosh.columns`), which is faster than Whoosh's numeric range
    terms."""

    indexed = False


def build_schema() -> Schema:
    """The schema of a News Search index.

    Only what a search looks up by term is indexed: the words, the spellings, the id (to replace
    an article). What is only read per document is a column.
    """
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=ExactText(stored=True),
        body=ExactText(stored=True),
        spellings=SpellingText(),
        # The names the article writes in mid-sentence (search.rules.company), as UTF-8 joined
        # by SEPARATOR: the evidence that two close spellings name one thing.
        company=COLUMN(),
        date=StoredDate(stored=True, sortable=True),
        # 1 for an article without a date, so that both date orders can put those last.
        undated=COLUMN(NumericColumn("B")),
        source=ID(stored=True, sortable=True),
        # The story the article tells (search.rules.story, UTF-8): articles of one story share
        # it, to be shown once (grouped into tellings by date once per commit).
        story=COLUMN(),
        url=STORED(),
        # For incremental runs: the SHA-1 of what is indexed about the article, to tell a
        # changed one, and the file it came from (UTF-8), to tell one removed from its file.
        hash=COLUMN(FixedBytesColumn(20)),
        origin=COLUMN(),
    )
