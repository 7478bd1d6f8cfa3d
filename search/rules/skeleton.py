"""Tier 2: the consonant skeleton of a spelling key and the guarded distance between keys.

A skeleton is a coarse code used to find candidate keys; the weighted distance then decides.
Skeleton equality is a necessary condition for a tier-2 match, so the engine can group its key
vocabulary by skeleton and compare a query key only with the keys in its group.
"""

from __future__ import annotations

from functools import lru_cache

from search.rules.key import CONSONANT_CLASSES, SEGMENT

__all__ = ["MAX_DISTANCE", "key_distance", "keys_match", "segments", "skeleton"]

_CLASSES = CONSONANT_CLASSES
_VOWELS = frozenset("aeiou")
#: Vowel classes for the skeleton: the front/open vowels a, e, i against the rounded u (o is
#: already u in a key).
_VOWEL_CLASS = {"a": "a", "e": "a", "i": "a", "u": "u", "o": "u"}


def segments(key: str) -> tuple[str, ...]:
    """Split a key into letters, with the digraphs kh, sh, ch, th, dh, zh as one segment."""
    return tuple(SEGMENT.findall(key))


@lru_cache(maxsize=200_000)
def skeleton(key: str) -> str:
    """Tier 2: the consonant skeleton of a tier-1 key.

    Consonants become their class letter (upper case; y, w and h are kept as consonants), the
    first vowel of the word is kept as its class (``a`` for a/e/i, ``u`` for o/u) in its place,
    later vowels are dropped, and a word ending in a vowel gets that vowel's class at the end.
    ``husayn`` -> ``HuSYN``, ``hasan`` -> ``HaSN``, ``khamenay`` -> ``KaMNY``, ``suni`` -> ``SuNa``.
    """
    out: list[str] = []
    seen_vowel = False
    segs = segments(key)
    for seg in segs:
        if seg in _VOWELS:
            if not seen_vowel:
                out.append(_VOWEL_CLASS[seg])
                seen_vowel = True
            continue
        out.append(_CLASSES.get(seg, seg.upper()))
    if segs and segs[-1] in _VOWELS:
        out.append(_VOWEL_CLASS[segs[-1]])
    return "".join(out)


def _sub_cost(a: str, b: str) -> float:
    if a == b:
        return 0.0
    av, bv = a in _VOWELS, b in _VOWELS
    if av and bv:
        return 0.5 if "e" in (a, b) or {a, b} == {"i", "u"} else 1.0
    if av or bv:
        return 1.0
    ca, cb = _CLASSES.get(a, a), _CLASSES.get(b, b)
    return 0.0 if ca == cb else 1.0


def _indel_cost(a: str) -> float:
    return 0.5 if a in _VOWELS or a == "h" else 1.0


@lru_cache(maxsize=200_000)
def key_distance(a: str, b: str) -> float:
    """Weighted edit distance between two tier-1 keys, over segments (kh, sh... count as one).

    Substitution within a consonant class costs 0 (k/q/g/kh, s/z, sh/ch, th/d/dh, w/v, f/p, j/zh);
    ``e`` against another vowel 0.5 (it is written for a, i and u); a/i/u against each other 1;
    inserting or deleting a vowel or an ``h`` 0.5; anything else 1.
    """
    sa, sb = segments(a), segments(b)
    prev = [0.0]
    for y in sb:
        prev.append(prev[-1] + _indel_cost(y))
    for x in sa:
        cur = [prev[0] + _indel_cost(x)]
        for j, y in enumerate(sb, 1):
            cur.append(
                min(
                    prev[j] + _indel_cost(x),
                    cur[j - 1] + _indel_cost(y),
                    prev[j - 1] + _sub_cost(x, y),
                )
            )
        prev = cur
    return prev[-1]


#: Distance accepted between two keys with equal skeletons: short keys (fewer than
#: ``_LONG`` letters in the shorter) tolerate one half-step, long keys two.
MAX_DISTANCE = 0.5
_LONG = 7
MAX_DISTANCE_LONG = 1.0


def max_distance(a: str, b: str) -> float:
    """The distance threshold for a pair of keys (depends on the shorter one only)."""
    return MAX_DISTANCE_LONG if min(len(a), len(b)) >= _LONG else MAX_DISTANCE


@lru_cache(maxsize=200_000)
def keys_match(query_key: str, index_key: str) -> bool:
    """Tier-2 guard: equal keys, or equal skeletons and a distance within :func:`max_distance`.

    Symmetric: swapping the arguments never changes the answer.
    """
    if not query_key or not index_key:
        return False
    if query_key == index_key:
        return True
    if skeleton(query_key) != skeleton(index_key):
        return False
    return key_distance(query_key, index_key) <= max_distance(query_key, index_key)
