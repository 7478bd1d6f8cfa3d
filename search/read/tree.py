"""The query tree the read path hands an engine: what to match, and how much each part weighs.

Built by :mod:`search.read.querybuild` from a parsed query, evaluated by an engine behind the
seam (:mod:`search.backend`), which turns it into its own query objects. The nodes are frozen
and hashable, so that an engine may keep what it found for a node.

Semantics every engine keeps (the embedded one is the reference):

- ``Term``: the articles whose field holds the term; it weighs ``boost`` times the term's score.
- ``Phrase``: the words in order, each at most ``slop`` positions after the one before (1: side
  by side). ``Sequence``: the same over parts that are each a ``Term`` or an ``Or`` of terms of
  one field (a position may hold any spelling).
- ``Or``: any part; ``And``: every part; ``AndNot``: the first without the second (which adds
  nothing to the score); ``Every``: every article, with no score.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    fieldname: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    fieldname: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class Sequence:
    subqueries: tuple[Query, ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class Or:
    subqueries: tuple[Query, ...]


@dataclass(frozen=True)
class And:
    subqueries: tuple[Query, ...]


@dataclass(frozen=True)
class AndNot:
    a: Query
    b: Query


@dataclass(frozen=True)
class Every:
    pass


Query = Term | Phrase | Sequence | Or | And | AndNot | Every
