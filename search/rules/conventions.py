"""Writing conventions of one language or region that put a letter where others write another.

A spelling key erases the differences every romanisation shares; a convention is narrower:
one language writes one sound with a letter that elsewhere writes another sound, so the rule
may only apply to a spelling that has the letter, and only turn it into the other letter.

- Turkish and Kurdish write c for j (Cemal, Jamal; Helebce, Halabja), and Turkish devoices a
  final d to t and b to p (Ahmet, Ahmed; Recep, Rajab; Tayyip, Tayyib);
- Egyptian Arabic says and writes g for j (Gamal, Jamal; Naguib, Najib);
- Persian (and Urdu) pronounce the Arabic letters ض ذ ظ as z (Reza, Rida; Kazimi, Kadhimi;
  Ramazan, Ramadan);
- the feminine ending ة is written -a, -ah or -eh, and -at where it is read before another word
  (zakat, zakah; Rahmat, Rahma);
- English drops a plural s from a name that ends in one (Younis, Yunus), which the index's
  light stemmer does too: a name whose exact form may have lost an s is given it back.

Each convention turns an exact-word term that has its letter into the spelling the other
convention writes (:func:`rewritten`); the engine reaches a spelling of the index when one of
the two, rewritten, matches the other (:func:`search.rules.keys_match` between their keys),
and finds the candidates by looking under the keys of the query word rewritten the other way
(:func:`undone`). Kamal does not meet Jamal: it has no c, no g.

Nothing here names a particular word: each rule is one writing habit.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from search.rules.stem import light_stem

__all__ = ["CONVENTIONS", "Convention", "rewritten", "undone"]


@dataclass(frozen=True)
class Convention:
    """One language's habits: each is a letter (a pattern), the letter others write for it,
    and how the others' letter may stand in a key (to find, from it, the spellings that hold
    the letter: Turkish c reads as s or k in a key)."""

    name: str
    habits: tuple[tuple[re.Pattern[str], str, re.Pattern[str], tuple[str, ...]], ...]


def _habit(
    letter: str, other: str, back: str, keyed: tuple[str, ...]
) -> tuple[re.Pattern[str], str, re.Pattern[str], tuple[str, ...]]:
    return re.compile(letter), other, re.compile(back), keyed


#: Final devoicing is taken only from words of this many letters: Kurt is not Kurd.
_DEVOICED_MIN = 5

CONVENTIONS = (
    Convention(
        "Turkish and Kurdish letters (c for j, a final t for d and p for b)",
        (
            _habit(r"c(?![hk])", "j", r"j", ("s", "k")),
            _habit(rf"(?<=.{{{_DEVOICED_MIN - 1}}})t$", "d", r"d$", ("t",)),
            _habit(rf"(?<=.{{{_DEVOICED_MIN - 1}}})p$", "b", r"b$", ("p",)),
        ),
    ),
    Convention("Egyptian g for j", (_habit(r"g(?!h)", "j", r"j", ("g",)),)),
    Convention(
        "Persian z for the Arabic d, dh, z of ض ذ ظ",
        (_habit(r"z(?!h)", "d", r"dh|d", ("z",)),),
    ),
    # A key drops a final h after a vowel, so -ah and -eh are -a and -e there.
    Convention(
        "the feminine ending ة written -at",
        (_habit(r"(?<=..[ae])t$", "", r"(?<=.[ae])h?$", ("t",)),),
    ),
)
#: What the plural s a light stemmer takes from a name is called in explanations.
PLURAL_S = "a plural s the stemmer took from a name"


@lru_cache(maxsize=65536)
def rewritten(exact: str) -> tuple[tuple[str, str], ...]:
    """The other spelling an exact-word term stands for under each convention whose letters
    it holds, as (convention, spelling), every habit of the convention applied; and the term
    with a final s given back where the light stemmer may have taken one."""
    found = []
    for convention in CONVENTIONS:
        other = exact
        for letter, replacement, _, _ in convention.habits:
            other = letter.sub(replacement, other)
        if other != exact:
            found.append((convention.name, other))
    if exact[-1:].isalpha() and light_stem(exact + "s") == exact:
        found.append((PLURAL_S, exact + "s"))
    return tuple(found)


@lru_cache(maxsize=65536)
def undone(exact: str) -> tuple[tuple[str, str], ...]:
    """Spellings that an exact-word term could be :func:`rewritten` from, as a key reads them,
    to look for in the index: for each habit, the others' letter turned back into each way
    the letter stands in a key; and a final s dropped."""
    found: dict[str, str] = {}
    for convention in CONVENTIONS:
        # Every combination of the convention's habits (Recep: c for j and p for b at once).
        forms = {exact}
        for _, _, back, keyed in convention.habits:
            forms |= {back.sub(letter, form) for form in forms for letter in keyed}
        for form in sorted(forms - {exact}):
            found.setdefault(form, convention.name)
    if len(exact) > 3 and exact.endswith("s"):
        found.setdefault(exact[:-1], PLURAL_S)
    return tuple((name, form) for form, name in found.items())
