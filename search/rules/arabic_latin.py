"""How an Arabic-script word is written in Latin letters: the spelling keys it may have.

:func:`latin_pattern` reads an Arabic-script word as the set of spelling keys
(:func:`search.rules.spelling_key`) English-language news could write for it. Arabic writes
consonants and long vowels and leaves short vowels out, so the pattern requires every written
letter and lets any short vowel (a, e, i, u) or none stand after each consonant. Each letter
may be written the ways romanisation and dialects write its sound: ق as k or g (Qaddafi,
Gaddafi), ج as j or g, ث as th, s or t (Uthman, Usman, Othman), ذ as d, z, th or t (Latakia),
ض and ظ as d or z (Ramadan, Ramazan), و as u, w or v (Jawad, Javad), ي as i, y or e,
ا as a (or e, the Persian and Levantine long a). The article ال is not part of the name, an
ع or a hamza may be written as a vowel, a y (Da'esh, Daesh -> ``daysh``) or not at all, and a
name ending in الله (Abdullah, Hezbollah) ends in the key's ``ulla``. Persian and Kurdish
letters (پ چ ژ گ ڤ ڕ ڵ ۆ ێ ە) read as their sounds.

Nothing here names a particular word: the rules are the letters' sounds.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from search.rules.arabic_script import ALLAH, strip_marks
from search.rules.skeleton import skeleton

__all__ = ["LatinReading", "latin_pattern", "latin_reading", "skeleton_starts"]

#: One letter's slot: the Latin strings a key may have for it, each with a cost: 0 for the usual
#: reading, 1 for a dialect's or a writer's habit (ق as g, ث as s, a dropped h). The costs rank
#: the readings of one word; every reading listed matches.
Slot = tuple[tuple[str, int], ...]

_VOWELS = ("a", "e", "i", "u")
#: A short vowel after a consonant: unwritten in Arabic, so any of these or none.
_SHORT: Slot = tuple((v, 0) for v in (*_VOWELS, ""))
#: Consonant letters: the usual Latin writing first, then the others (after the key's own
#: rules: q -> k, gh -> g, dh -> d, zh -> j, doubled letters single).
_CONSONANTS: dict[str, tuple[str, ...]] = {
    "ب": ("b", "p"),
    "پ": ("p",),
    "ت": ("t",),
    "ث": ("th", "s", "t"),
    "ج": ("j", "g"),
    "چ": ("ch",),
    "ح": ("h",),
    "خ": ("kh", "k", "h"),
    "د": ("d",),
    "ذ": ("d", "z", "th", "t"),
    "ر": ("r",),
    "ڕ": ("r",),
    "ز": ("z",),
    "ژ": ("j",),
    "س": ("s",),
    "ش": ("sh", "ch"),
    "ص": ("s",),
    "ض": ("d", "z"),
    "ط": ("t",),
    "ظ": ("z", "d"),
    "غ": ("g", "kh"),
    "ف": ("f",),
    "ڤ": ("v", "w", "f"),
    "ق": ("k", "g"),
    "ك": ("k", "g"),
    "گ": ("g",),
    "ل": ("l",),
    "ڵ": ("l",),
    "م": ("m",),
    "ن": ("n",),
}
#: Letters that write a long vowel (or carry the vowel of the consonant before them): a short
#: vowel is never written between a consonant and one of these (so القرآن is Koran, not Korean).
_LONG = frozenset("اآوىيةۆێە")
#: Hamza and ayn inside a word: a vowel, the y that keys write for a vowel after a (Da'esh ->
#: daysh, Qa'ida -> kayda), or nothing.
_GLOTTAL: Slot = tuple((v, 0) for v in (*_VOWELS, "y", ""))
_KURDISH_VOWELS: dict[str, Slot] = {
    "ۆ": (("u", 0), ("w", 0)),
    "ێ": (("e", 0), ("i", 0), ("y", 0)),
    # "" when it makes a diphthong the key writes as u (هەولێر Hewler -> huler)
    "ە": (("a", 0), ("e", 0), ("", 0)),
}
#: Letter forms the Latin reading does not tell apart (ى and ة are kept: they are read).
_LETTER_FORMS = str.maketrans({"أ": "ا", "إ": "ا", "ٱ": "ا", "ی": "ي", "ې": "ي", "ک": "ك"})


def _consonant(letter: str) -> Slot:
    usual, *others = _CONSONANTS[letter]
    return ((usual, 0), *((o, 1) for o in others))


def _after(nxt: str | None) -> Slot | None:
    """The short-vowel slot after a consonant, given the letter that follows it (None: none)."""
    if nxt is None or nxt in _LONG:
        return None
    return _SHORT


def _glide(glides: tuple[str, ...], vowel: str) -> Slot:
    """و or ي after a consonant: the long vowel, or a short vowel (or none) and the glide. The
    first glide is the usual one; the others cost 1 (و as v: Javad)."""
    usual = [(vowel, 0)] + [(v + glides[0], 0) for v in (*_VOWELS, "")]
    return (*usual, *((v + g, 1) for g in glides[1:] for v in (*_VOWELS, "")))


def _final_h(slots: list[Slot]) -> Slot:
    """A word-final ح or ه: keys drop a final h after a vowel (Rafah -> rafa, Fateh -> fate)."""
    if slots and slots[-1] == _SHORT:
        slots.pop()
        return (("h", 0), ("a", 0), ("e", 1))
    return (("h", 0), ("", 0))


def _slots(word: str) -> list[Slot]:
    """The word as a sequence of slots; [] for a word with a letter this table does not read."""
    word = strip_marks(word).translate(_LETTER_FORMS)
    suffix: list[Slot] = []
    if word.endswith(ALLAH) and len(word) > len(ALLAH):
        word, suffix = word[: -len(ALLAH)], [(("ula", 0),)]
    if word.startswith("ال") and len(word) > 3:
        word = word[2:]  # the article
    slots: list[Slot] = []
    last = len(word) - 1
    for i, c in enumerate(word):
        nxt = word[i + 1] if i < last else None
        vowel_follows = True
        if c in _CONSONANTS:
            if c == "ح" and nxt is None:
                slots.append(_final_h(slots))
                continue
            slots.append(_consonant(c))
        elif c in "اع" and i == 0:
            # A seat for the word's first vowel (إدلب Idlib, أحمد Ahmed, عمر Omar); before a
            # long vowel letter, that letter writes it (إيران Iran, عادل Adel).
            vowels = tuple((v, 0) for v in _VOWELS)
            slots.append((*vowels, ("", 0)) if nxt in _LONG else vowels)
            vowel_follows = False
        elif c in "اآ":
            slots.append((("a", 0),))
            vowel_follows = False
        elif c in "عءئؤ":
            slots.append(_GLOTTAL + ((("w", 0),) if c == "ؤ" else ()))
            vowel_follows = False
        elif c == "و":
            if i == 0:
                slots.append((("w", 0), ("v", 1)))
            else:
                slots.append(_glide(("w", "v"), "u"))
                if nxt is None:
                    slots[-1] += (("", 1),)  # a silent final و (عمرو Amr)
        elif c == "ي":
            if i == 0:
                slots.append((("y", 0),))
            elif i == 1 and word[0] in "اع":
                slots.append((("i", 0), ("y", 0), ("e", 0), ("", 0)))  # Iran, Yazidi, Ezidi
            elif nxt is None:
                slots.append(_glide(("y",), "i"))
            else:
                slots.append((*_glide(("y",), "i"), ("e", 1)))  # بيشمركة Peshmerga
        elif c == "ى":
            slots.append((("a", 0), ("i", 0)))
            vowel_follows = False
        elif c == "ة":
            # -a, -ah; the Levantine and Persian -e, -eh is a habit (and English's silent e).
            slots.append((("a", 0), ("e", 1), ("at", 1), ("et", 1)))
            vowel_follows = False
        elif c == "ه":
            if i == 0:
                slots.append((("h", 0),))
            elif nxt is None:
                slots.append((*_final_h(slots), ("at", 1)))  # also ة written as ه
                continue
            else:
                slots.append((("h", 0), ("", 1)))  # Mashhad, Meshed
        elif c in _KURDISH_VOWELS:
            slots.append(_KURDISH_VOWELS[c])
            vowel_follows = False
        else:
            return []
        if vowel_follows:
            after = _after(nxt)
            if after is not None:
                slots.append(after)
    if len(slots) > 1 and slots[-1] == (("s", 0),) and slots[-2] == _SHORT:
        # Plural stemming drops a final s after a consonant from Latin keys (Homs -> hum); after
        # a written vowel it stays (Hamas is not Hama).
        slots[-2:] = [tuple((end, 0) for end in ("as", "es", "is", "us", "s", ""))]
    return slots + suffix


@dataclass(frozen=True)
class LatinReading:
    """How one Arabic-script word may be written in Latin letters."""

    pattern: re.Pattern[str]  # one group per slot: matches whole spelling keys
    costs: tuple[dict[str, int], ...]  # per slot: each Latin string's cost
    #: The first letters the skeleton (:func:`search.rules.skeleton`) of a matching key can
    #: have: where to look for candidates among the index's spellings.
    starts: frozenset[str]

    def cost(self, key: str) -> int | None:
        """How far from the usual reading a spelling key is (0: the usual letters), or None
        when the key is not a reading of the word."""
        m = self.pattern.fullmatch(key)
        if m is None:
            return None
        return sum(cost[text] for cost, text in zip(self.costs, m.groups(), strict=True))


@lru_cache(maxsize=4096)
def latin_reading(word: str) -> LatinReading | None:
    """The Latin reading of an Arabic-script word; None for a word this module cannot read.

    >>> reading = latin_reading("القذافي")
    >>> [reading.cost(key) for key in ("kadafi", "gadafi", "hafez")], sorted(reading.starts)
    ([0, 1, None], ['K'])
    """
    slots = _slots(word)
    if not slots:
        return None
    groups = []
    costs = []
    for slot in slots:
        cost: dict[str, int] = {}
        for text, c in slot:
            cost[text] = min(c, cost.get(text, c))
        ordered = sorted(cost, key=lambda t: (cost[t], -len(t)))
        groups.append("(" + "|".join(ordered) + ")")
        costs.append(cost)
    starts: set[str] = set()
    for slot in slots:
        starts.update(skeleton(text)[:1] for text, _ in slot if text)
        if all(text for text, _ in slot):
            break
    return LatinReading(re.compile("".join(groups)), tuple(costs), frozenset(starts))


def latin_pattern(word: str) -> re.Pattern[str] | None:
    """The spelling keys an Arabic-script word may be written as in Latin letters, as a regular
    expression to match whole keys against; None for a word this module cannot read.

    >>> [bool(latin_pattern("القذافي").fullmatch(key)) for key in ("gadafi", "kadafi", "hafez")]
    [True, True, False]
    """
    reading = latin_reading(word)
    return reading.pattern if reading else None


def skeleton_starts(word: str) -> frozenset[str]:
    """The first letters of the skeletons of the keys :func:`latin_pattern` matches."""
    reading = latin_reading(word)
    return reading.starts if reading else frozenset()
