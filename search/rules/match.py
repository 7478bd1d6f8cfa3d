"""Word-level matching semantics of the engine, with a human-readable explanation."""

from __future__ import annotations

from dataclasses import dataclass

from search.rules.aliases import alias_keys
from search.rules.key import can_vary, is_name_like, spelling_key, split_hyphens
from search.rules.skeleton import key_distance, keys_match, max_distance, skeleton
from search.rules.stem import exact_form

__all__ = ["MatchExplanation", "explain_match", "matches"]


@dataclass(frozen=True)
class MatchExplanation:
    """Whether and how a search for one word finds a document word.

    ``tier`` is ``"exact"``, ``"key"``, ``"alias"``, ``"skeleton"`` or ``None`` (no match);
    ``reason`` is one human line.
    """

    tier: str | None
    reason: str

    def __bool__(self) -> bool:
        return self.tier is not None


def _exact_parts(word: str) -> tuple[str, ...]:
    return tuple(exact_form(p) for p in split_hyphens(word))


def explain_match(query_word: str, doc_word: str) -> MatchExplanation:
    """Does a search for ``query_word`` find a document containing ``doc_word``, and why?

    - ``exact``: the exact-word terms are equal (hyphenated words: the sequence of their parts,
      articles included, so ``al-Sadr`` is not exactly ``Sadr``);
    - otherwise only a name-like query word can match by spelling (the engine decides that from
      how the archive writes the word: mostly capitalized, or with a transliteration mark), and
      only name-like document words (:func:`is_name_like`):
      equal spelling keys (``key``), an alias of the query's key (``alias``), or equal skeletons
      within the distance threshold (``skeleton``).
    """
    qe, de = _exact_parts(query_word), _exact_parts(doc_word)
    if qe and qe == de:
        return MatchExplanation("exact", f"same exact form {'-'.join(qe)!r}")
    if not is_name_like(query_word):
        return MatchExplanation(
            None, f"{query_word!r} is an ordinary word (not name-like): searched as written"
        )
    if not is_name_like(doc_word):
        return MatchExplanation(
            None, f"{doc_word!r} is not name-like (lowercase word), so it has no spelling key"
        )
    qk, dk = spelling_key(query_word), spelling_key(doc_word)
    if not qk or not dk:
        return MatchExplanation(None, "no spelling key left")
    for word, key in ((query_word, qk), (doc_word, dk)):
        if not can_vary(key):
            return MatchExplanation(
                None, f"{word!r} (key {key!r}) is too short or has no vowel: only exact matches"
            )
    if qk == dk:
        return MatchExplanation("key", f"same spelling key {qk!r}")
    if dk in alias_keys(qk):
        return MatchExplanation("alias", f"alias group: {qk!r} and {dk!r}")
    qs, ds = skeleton(qk), skeleton(dk)
    if qs != ds:
        return MatchExplanation(None, f"keys {qk!r} / {dk!r}: skeletons {qs!r} and {ds!r} differ")
    dist, limit = key_distance(qk, dk), max_distance(qk, dk)
    if keys_match(qk, dk):
        return MatchExplanation(
            "skeleton", f"keys {qk!r} / {dk!r}: skeletons {qs!r} equal, distance {dist} <= {limit}"
        )
    return MatchExplanation(
        None, f"keys {qk!r} / {dk!r}: skeletons {qs!r} equal, but distance {dist} > {limit}"
    )


def matches(query_word: str, doc_word: str) -> bool:
    """Whether a search for ``query_word`` finds a document containing ``doc_word``."""
    return explain_match(query_word, doc_word).tier is not None
