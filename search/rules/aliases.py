"""The curated alias table: spellings of one name that no spelling rule can reach.

The data lives in ``aliases.json`` as written spellings, each group with a ``why``. Keys are
computed from the spellings with :func:`spelling_key` when the table is first used, so the table
follows any change of the rules without being edited.
"""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

from search.rules.key import spelling_key

__all__ = ["AliasGroup", "alias_groups", "alias_keys"]

AliasGroup = tuple[tuple[str, ...], str]


@cache
def alias_groups() -> tuple[AliasGroup, ...]:
    """The alias groups as ``(spellings, why)`` pairs, loaded once from ``aliases.json``."""
    text = resources.files("search.rules").joinpath("aliases.json").read_text(encoding="utf-8")
    data = json.loads(text)
    return tuple((tuple(g["spellings"]), str(g["why"])) for g in data["groups"])


@cache
def _table() -> dict[str, frozenset[str]]:
    table: dict[str, set[str]] = {}
    for spellings, _why in alias_groups():
        keys = {k for k in map(spelling_key, spellings) if k}
        for k in keys:
            table.setdefault(k, set()).update(keys - {k})
    return {k: frozenset(v) for k, v in table.items() if v}


def alias_keys(key: str) -> frozenset[str]:
    """For a tier-1 key, the keys of the other members of its alias group(s) (may be empty)."""
    return _table().get(key, frozenset())
