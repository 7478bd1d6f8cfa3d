"""The index schema and the version of the analysis that built it."""

from __future__ import annotations

import hashlib
from pathlib import Path

from whoosh.fields import DATETIME, ID, NUMERIC, STORED, TEXT, Schema

from search.analysis import exact_analyzer, key_analyzer, spelling_analyzer

#: Bump by hand for a change of schema; rule changes are caught by the fingerprint below.
SCHEMA_VERSION = 1

#: Modules whose behaviour decides which terms an index holds. Query-time rules (the skeleton
#: guard, the alias table) are deliberately absent: changing them needs no rebuild.
_INDEX_TIME_SOURCES = (
    "analysis.py",
    "rules/fold.py",
    "rules/stem.py",
    "rules/key.py",
    "rules/skeleton.py",
)


def _fingerprint() -> str:
    digest = hashlib.sha256()
    package = Path(__file__).resolve().parent
    for name in _INDEX_TIME_SOURCES:
        path = package / name
        if path.exists():
            digest.update(name.encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


#: Recorded with every index; an index built by another version is refused.
ANALYZER_VERSION = f"{SCHEMA_VERSION}.{_fingerprint()}"

#: Query boosts per field: a title match above a body match, the exact word above a variant.
FIELD_BOOSTS = {"title": 4.0, "body": 2.0, "title_key": 1.0, "body_key": 0.5}
#: Multiplier for keys reached through the skeleton guard or the alias table (tier 2).
VARIANT_BOOST = 0.6


def build_schema() -> Schema:
    """The schema of a News Search index."""
    return Schema(
        id=ID(stored=True, unique=True, sortable=True),
        title=TEXT(analyzer=exact_analyzer(), stored=True),
        body=TEXT(analyzer=exact_analyzer(), stored=True),
        title_key=TEXT(analyzer=key_analyzer()),
        body_key=TEXT(analyzer=key_analyzer()),
        spellings=TEXT(analyzer=spelling_analyzer(), phrase=False),
        date=DATETIME(stored=True, sortable=True),
        # 1 for an article without a date, so that both date orders can put those last.
        undated=NUMERIC(int, bits=8, sortable=True),
        source=ID(stored=True, sortable=True),
        url=STORED(),
        # Content hash, for incremental runs, and the file the article came from, for removals.
        hash=ID(stored=True, sortable=True),
        origin=ID(stored=True, sortable=True),
    )
