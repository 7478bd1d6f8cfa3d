"""Other queries to offer when a search finds nothing or very little.

- **Did you mean**: each rare word of the query replaced by the closest word the archive uses
  more often (an edit-distance walk over the title and body vocabulary,
  :mod:`search.read.corrections`). It is offered only when it finds more articles than the query
  did, so following suggestions can never loop: each one finds strictly more than the last.
  A **common misspelling** of an ordinary word (*goverment*, which some writers use) is
  offered its correction whatever the count: a word of 5 letters or more, one edit from a word
  English writes at least a hundred times as often (wordfreq's Zipf scale,
  :mod:`search.analysis.lexicon`: 2 steps, the word itself below 3) and the archive five times as
  often.
  On a sample of 2,324 words of the five corpora used in 3 articles or more, 103 were offered a
  correction, about 70 of them real misspellings (*thier*, *televison*, *becuase*) and the rest
  rare words one letter from common ones (*retort*, *report*).
- **Fewer words**: when nothing matched, the query with one part left out.

The caller counts: ``count(node)`` is the number of articles a query tree finds under the
request's filters.
"""

from __future__ import annotations

from collections.abc import Callable

from search.analysis.analyzers import ARTICLE_TERM
from search.analysis.lexicon import english_zipf
from search.read import querylang as ql
from search.read.corrections import Corrections
from search.read.querybuild import query_tokens
from search.read.response import Alternative
from search.read.variants import VariantFinder
from search.rules import is_name_like

#: A search with fewer results than this is offered a "did you mean".
FEW_RESULTS = 3
#: A word used in fewer articles than this may be a misspelling.
RARE_WORD = 3
#: Letters a correction keeps from the start of the word.
PREFIX = 2
#: Words this long may be two edits away from their correction; shorter ones only one.
LONG_WORD = 6
#: Corrections considered per word.
CANDIDATES = 5
#: A misspelling's correction is written this much more often in English (Zipf steps: 2 is a
#: hundred times) ...
TYPO_ZIPF_GAP = 2.0
#: ... and the word itself is rarer in English than this (2.99 is "thier"; "starred", 3.71,
#: is an English word that only looks like "started").
TYPO_MAX_ZIPF = 3.0
#: ... and in this many times as many articles of the archive (Usenet writes "seperate" in 73
#: articles, "separate" in 671).
TYPO_USE_RATIO = 5
#: Shorter words are not corrected as misspellings ("teh" is one edit from "ten" as well).
TYPO_MIN_LETTERS = 5
#: At most this many "fewer words" alternatives.
MAX_FEWER = 3

Count = Callable[[ql.Node], int]


def _words(node: ql.Node, positive: bool = True) -> list[str]:
    """The words searched for (not excluded), in order, phrase words included."""
    if isinstance(node, ql.Word):
        return [node.text] if positive else []
    if isinstance(node, ql.Phrase):
        return list(node.words) if positive else []
    if isinstance(node, ql.Prefix):
        return []  # a prefix is not a misspelt word
    if isinstance(node, ql.Field):
        return _words(node.node, positive)
    if isinstance(node, ql.Not):
        return _words(node.node, not positive)
    return [w for n in node.nodes for w in _words(n, positive)]


def _replace(node: ql.Node, fixes: dict[str, str]) -> ql.Node:
    if isinstance(node, ql.Word):
        return ql.Word(fixes.get(node.text, node.text))
    if isinstance(node, ql.Phrase):
        return ql.Phrase(tuple(fixes.get(w, w) for w in node.words), node.slop)
    if isinstance(node, ql.Prefix):
        return node
    if isinstance(node, ql.Field):
        return ql.Field(node.name, _replace(node.node, fixes))
    if isinstance(node, ql.Not):
        return node  # excluded words are left as typed
    return type(node)(tuple(_replace(n, fixes) for n in node.nodes))


def _styled(word: str, like: str) -> str:
    """``word`` written in the capitalisation of ``like`` (Sadrr -> Sadr, SADRR -> SADR)."""
    if like.isupper() and len(like) > 1:
        return word.upper()
    if like[:1].isupper():
        return word[:1].upper() + word[1:]
    return word


def _correction(
    word: str, corrections: Corrections, finder: VariantFinder, misspelling: bool = False
) -> str | None:
    """For a rare word, the closest word the archive uses more often; for a word used more
    (and always with ``misspelling``), the correction of a common misspelling of an ordinary
    word only (see the module's docstring)."""
    tokens = query_tokens(word)
    if len(tokens) != 1:  # compounds and "al-" forms are left alone
        return None
    exact = tokens[0].exact
    used = finder.documents(exact)
    if len(exact) < 3 or not exact.isalpha():
        return None
    if misspelling or used >= RARE_WORD:
        return _misspelling_fixed(word, exact, used, corrections, finder)
    # Closest first (Whoosh ranks one walk by frequency alone, so walk at distance 1, then 2),
    # then most used. The body vocabulary holds the title's too; keeping the first two letters
    # makes a walk over it about ten times faster (20 ms rather than 200 on the five corpora).
    candidates: list[str] = []
    for maxdist in (1, 2) if len(exact) >= LONG_WORD else (1,):
        candidates = [
            c
            for c in corrections.suggest(exact, limit=CANDIDATES, maxdist=maxdist, prefix=PREFIX)
            if c != exact and c != ARTICLE_TERM and finder.documents(c) > used
        ]
        if candidates:
            break
    if not candidates:
        return None
    if is_name_like(word):
        # A capitalised word is likely a name: a name of the archive beats a commoner word.
        names = [c for c in candidates if finder.is_name(c)]
        candidates = names or candidates
    return _styled(candidates[0], word)


def _misspelling_fixed(
    word: str, exact: str, used: int, corrections: Corrections, finder: VariantFinder
) -> str | None:
    if len(exact) < TYPO_MIN_LETTERS or is_name_like(word) or finder.is_name(exact):
        return None  # a name's other spellings are searched anyway
    own = english_zipf(exact)
    if own >= TYPO_MAX_ZIPF:
        return None
    # One edit only: a misspelling of a common word is one letter off (goverment, recieve,
    # seperate), while two edits reach other words (shiite, shift).
    for c in corrections.suggest(exact, limit=CANDIDATES, maxdist=1, prefix=PREFIX):
        if (
            c != exact
            and c != ARTICLE_TERM
            and english_zipf(c) - own >= TYPO_ZIPF_GAP
            and finder.documents(c) >= TYPO_USE_RATIO * max(used, 1)
        ):
            return _styled(c, word)
    return None


def did_you_mean(
    node: ql.Node, total: int, corrections: Corrections, finder: VariantFinder, count: Count
) -> Alternative | None:
    """One corrected query that finds more than ``total`` articles, or None."""
    misspelling = total >= FEW_RESULTS  # then only common misspellings are corrected
    fixes: dict[str, str] = {}
    for word in dict.fromkeys(_words(node)):
        fixed = _correction(word, corrections, finder, misspelling)
        if fixed:
            fixes[word] = fixed
    if not fixes:
        return None
    # All the corrections together first, then each alone: the one that finds most wins.
    trials = [fixes] + ([{w: f} for w, f in fixes.items()] if len(fixes) > 1 else [])
    best: Alternative | None = None
    for trial in trials:
        changed = _replace(node, trial)
        found = count(changed)
        if found > total and (best is None or found > best.total):
            best = Alternative(ql.unparse(changed), found)
    return best


def fewer_words(node: ql.Node, count: Count) -> list[Alternative]:
    """For a query that found nothing: the query without one of its parts, best first."""
    if not isinstance(node, ql.And):
        return []
    found: list[Alternative] = []
    for i, part in enumerate(node.nodes):
        if isinstance(part, ql.Not):
            continue
        rest = node.nodes[:i] + node.nodes[i + 1 :]
        if not any(not isinstance(n, ql.Not) for n in rest):
            continue
        smaller: ql.Node = rest[0] if len(rest) == 1 else ql.And(rest)
        n = count(smaller)
        if n:
            found.append(Alternative(ql.unparse(smaller), n))
    found.sort(key=lambda a: -a.total)
    return found[:MAX_FEWER]
