"""Which spellings of a word an index holds: the query-time tiers of matching.

The ``spellings`` field holds one term per name-like spelling in the index,
``skeleton<TAB>key<TAB>exact``. A prefix scan on a skeleton therefore lists, in one seek, every
spelling key of the index that could be a variant of a query word, and the spellings behind
each key. The guard (:func:`search.rules.keys_match`) then accepts or rejects each candidate,
and the alias table adds the keys no rule can reach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from whoosh.reading import IndexReader

from search.analysis import SPELLING_SEP
from search.rules import alias_keys, keys_match, skeleton

#: Tiers a key can be reached by, best first.
TIERS = ("key", "alias", "skeleton")


@dataclass
class KeyVariant:
    """A spelling key of the index reached from a query word."""

    key: str
    tier: str  # "key": the query word's own key; "alias" or "skeleton": a variant key
    spellings: dict[str, int] = field(default_factory=dict)  # exact spelling -> document count


def _scan(reader: IndexReader, prefix: str) -> dict[str, dict[str, int]]:
    """key -> {spelling: document count} for every spellings term under ``prefix``."""
    found: dict[str, dict[str, int]] = {}
    for raw in reader.expand_prefix("spellings", prefix):
        term = raw.decode("utf-8")
        _, key, exact = term.split(SPELLING_SEP, 2)
        found.setdefault(key, {})[exact] = reader.doc_frequency("spellings", term)
    return found


class VariantFinder:
    """Finds the index's keys that match a query word's key, for one reader."""

    def __init__(self, reader: IndexReader) -> None:
        self.reader = reader
        self.variants = lru_cache(maxsize=4096)(self._variants)

    def _variants(self, key: str) -> tuple[KeyVariant, ...]:
        """The keys of the index reached from ``key``, the key itself first when present."""
        found: dict[str, KeyVariant] = {}
        for candidate, spellings in _scan(self.reader, skeleton(key) + SPELLING_SEP).items():
            if candidate == key:
                found[candidate] = KeyVariant(candidate, "key", spellings)
            elif keys_match(key, candidate):
                found[candidate] = KeyVariant(candidate, "skeleton", spellings)
        for alias in sorted(alias_keys(key)):
            if alias in found and found[alias].tier != "skeleton":
                continue
            prefix = skeleton(alias) + SPELLING_SEP + alias + SPELLING_SEP
            spellings = _scan(self.reader, prefix).get(alias)
            if spellings:
                found[alias] = KeyVariant(alias, "alias", spellings)
        return tuple(sorted(found.values(), key=lambda v: (TIERS.index(v.tier), v.key)))
