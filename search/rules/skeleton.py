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
_F_P = frozenset("fp")
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
    (A skeleton without the first vowel's class merged Shujaiya and Shejaiya, but Koran and
    Keren too, on real text.)
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


def _closed(segs: tuple[str, ...], i: int) -> bool:
    """Whether the vowel at ``segs[i]`` stands before two consonants (a closed syllable)."""
    return i + 2 < len(segs) and segs[i + 1] not in _VOWELS and segs[i + 2] not in _VOWELS


def _sub_cost(sa: tuple[str, ...], i: int, sb: tuple[str, ...], j: int) -> float:
    a, b = sa[i], sb[j]
    if a == b:
        return 0.0
    av, bv = a in _VOWELS, b in _VOWELS
    if av and bv:
        if i == 0 and j == 0:
            # A word-initial vowel is written with alif and hamza, and romanisation spells it
            # consistently; only e for i (Esfahan/Isfahan, Ebrahim/Ibrahim) varies there.
            return 0.5 if {a, b} == {"e", "i"} else 1.0
        if "e" in (a, b) or {a, b} == {"i", "u"}:
            return 0.5
        # A vowel before two consonants is short: Arabic script leaves it unwritten, and
        # romanisations guess a or i (Kirkuk/Karkuk, Tikrit/Takrit), unlike the long vowels
        # that keep Karim and Karam apart; a short u is another vowel (Basra is not Bosra).
        return 0.5 if "u" not in (a, b) and _closed(sa, i) and _closed(sb, j) else 1.0
    if av or bv:
        return 1.0
    if {a, b} == _F_P:
        # Arabic has no p, and Persian, Kurdish and Turkish write p for a letter of its own:
        # only old European renderings swap them (Ispahan), so it costs half a step.
        return 0.5
    ca, cb = _CLASSES.get(a, a), _CLASSES.get(b, b)
    return 0.0 if ca == cb else 1.0


def _indel_cost(segs: tuple[str, ...], i: int) -> float:
    """Inserting or deleting ``segs[i]``: half a step for an ``h`` or a vowel between consonants
    (a short vowel written or not: Zawahiri/Zawahri), a whole step for a vowel next to another
    vowel (Koran is not Korean) and for any other consonant."""
    seg = segs[i]
    if seg == "h":
        return 0.5
    if seg not in _VOWELS:
        return 1.0
    beside_vowel = (i > 0 and segs[i - 1] in _VOWELS) or (
        i + 1 < len(segs) and segs[i + 1] in _VOWELS
    )
    return 1.0 if beside_vowel else 0.5


def _e_for_short_vowels(sa: tuple[str, ...], sb: tuple[str, ...]) -> bool:
    """Whether one key writes ``e`` where the other writes other vowels, and nothing else differs.

    Persian and Turkish romanisation writes every short a or i as e (Meshed for Mashhad,
    Kerbala for Karbala): one writing habit, counted once however many vowels it touches.
    The first letter is excluded (see :func:`_sub_cost`).
    """
    if len(sa) != len(sb) or sa[0] != sb[0]:
        return False
    diffs = [(x, y) for x, y in zip(sa, sb, strict=True) if x != y]
    if not diffs:
        return False
    return all(y == "e" and x in _VOWELS for x, y in diffs) or all(
        x == "e" and y in _VOWELS for x, y in diffs
    )


@lru_cache(maxsize=200_000)
def key_distance(a: str, b: str) -> float:
    """Weighted edit distance between two tier-1 keys, over segments (kh, sh... count as one).

    Substitution within a consonant class costs 0 (k/q/g/kh, s/z, sh/ch, th/d/dh, w/v, j/zh),
    but f/p 0.5; ``e`` against another vowel 0.5 (it is written for a, i and u), and i against
    u; a/i/u against each other 1, or 0.5 before two consonants (a short vowel); a word-initial
    vowel 1 unless e for i. Inserting or deleting an ``h``, or a vowel between consonants, 0.5;
    anything else 1.
    A key that writes e for every short vowel of the other is 0.5 from it (Meshed, Mashhad).
    """
    sa, sb = segments(a), segments(b)
    if _e_for_short_vowels(sa, sb):
        return 0.5
    ia = [_indel_cost(sa, i) for i in range(len(sa))]
    ib = [_indel_cost(sb, j) for j in range(len(sb))]
    prev = [0.0]
    for cost in ib:
        prev.append(prev[-1] + cost)
    for i, a_cost in enumerate(ia):
        cur = [prev[0] + a_cost]
        for j, b_cost in enumerate(ib):
            cur.append(
                min(prev[j + 1] + a_cost, cur[j] + b_cost, prev[j] + _sub_cost(sa, i, sb, j))
            )
        prev = cur
    return prev[-1]


#: Distance accepted between two keys with equal skeletons, by the length of the shorter key:
#: keys of up to ``_SHORT`` letters only reach keys that differ by consonant classes (Qom and
#: Ghom, not Dan and Dean), keys shorter than ``_LONG`` one half-step, longer keys two.
MAX_DISTANCE = 0.5
MAX_DISTANCE_LONG = 1.0
_SHORT = 3
_LONG = 7


def max_distance(a: str, b: str) -> float:
    """The distance threshold for a pair of keys (depends on the shorter one only)."""
    shorter = min(len(a), len(b))
    if shorter <= _SHORT:
        return 0.0
    return MAX_DISTANCE_LONG if shorter >= _LONG else MAX_DISTANCE


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
