"""The index schema and the version of the analysis that built it."""

from __future__ import annotations

from whoosh.fields import COLUMN, DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from search.analysis import exact_analyzer, spelling_analyzer

#: Recorded with every index; an index built by another version is refused with the command
#: that rebuilds it. Bump it whenever the terms an index holds change: the schema, the tokenizer,
#: folding, stemming, spelling keys, the name gate or skeletons (tests/test_schema.py fails until
#: the bump is made). Query-time rules (the skeleton guard's distance, the alias table) need none.
ANALYZER_VERSION = "4"


#: Query boosts per field: a title match counts twice a body match.
FIELD_BOOSTS = {"title": 2.0, "body": 1.0}


def build_schema() -> Schema:
    """The schema of a News Search index."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=exact_analyzer(), stored=True),
        body=TEXT(analyzer=exact_analyzer(), stored=True),
        spellings=TEXT(analyzer=spelling_analyzer(), phrase=False),
        # The names the article writes in mid-sentence (search.rules.company), as UTF-8 joined
        # by SEPARATOR: the evidence that two close spellings name one thing.
        company=COLUMN(),
        date=DATETIME(stored=True, sortable=True),
        # 1 for an article without a date, so that both date orders can put those last.
        undated=NUMERIC(int, bits=8, sortable=True),
        source=ID(stored=True, sortable=True),
        url=STORED(),
        # Content hash, for incremental runs, and the file the article came from, for removals.
        hash=ID(stored=True, sortable=True),
        origin=ID(stored=True, sortable=True),
    )
