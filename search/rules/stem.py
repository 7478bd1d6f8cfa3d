"""A light English plural stemmer and the exact-word term built on it."""

from __future__ import annotations

from functools import lru_cache

from search.rules.fold import fold, strip_possessive

__all__ = ["bare_possessive", "exact_form", "light_stem"]

_VOWELS = frozenset("aeiou")


@lru_cache(maxsize=200_000)
def light_stem(word: str) -> str:
    """Strip an English plural from a folded lowercase word (after Lucene's EnglishMinimalStemmer).

    Rules, first match wins; words shorter than 4 letters are never touched:

    - ``-ies`` -> ``-y`` (countries -> country) unless after a or e (Aries is kept).
    - ``-aes``, ``-ees``, ``-oes`` and ``-ies`` after a/e: kept whole, as Lucene does.
    - other ``-es``, any ``-Cs`` and ``-ys``: drop the s (protests -> protest, forces -> force,
      days -> day; Homs -> hom, consistently on both sides of a search).
    - ``-ss``, ``-us``: kept (Cyprus, status, Abbas's double s, Idriss).
    - ``-as``: kept after a consonant (Hamas stays distinct from Hama; Abbas, Texas, atlas, gas),
      stripped after a vowel (militias -> militia, Shias -> shia, ideas -> idea).
    - ``-is``: stripped only after a consonant other than s in words of 6 letters or more
      (Iraqis -> iraqi, Sunnis -> sunni, Qataris -> qatari), kept otherwise (crisis, analysis,
      Paris, Tunis, Idris, this, his).
    - ``-os``: stripped after i or e (videos, radios, studios), kept otherwise (Carlos, chaos).

    No -ing/-ed stemming: names such as Hamed, Ahmed, Sayyed or Ramadan would be damaged by it.
    """
    n = len(word)
    if n < 4 or word[-1] != "s":
        return word
    prev = word[-2]
    if prev in "us":
        return word
    if prev == "e":
        third = word[-3]
        if third == "i" and word[-4] not in "ae":
            return word[:-3] + "y"
        if third in "iaoe":
            return word
        return word[:-1]
    if prev == "a":
        return word[:-1] if word[-3] in _VOWELS else word
    if prev == "i":
        third = word[-3]
        if n >= 6 and third not in _VOWELS and third != "s":
            return word[:-1]
        return word
    if prev == "o":
        return word[:-1] if word[-3] in "ie" else word
    if prev == "'":
        return word
    return word[:-1]


@lru_cache(maxsize=200_000)
def exact_form(word: str) -> str:
    """The exact-word term: fold, drop a trailing possessive ``'s``, then :func:`light_stem`.

    Internal apostrophes are kept (``Qur'an`` -> ``qur'an``); ``Sadr's`` and ``Iraq’s`` give
    ``sadr`` and ``iraq``.
    """
    return light_stem(strip_possessive(fold(word)))


def bare_possessive(exact: str) -> str | None:
    """The exact-word term of ``exact`` with a possessive or plural *s* that no rule folds, or
    None when the stemmer already folds it.

    Copy that has lost its apostrophes writes "al-Qaedas former branch" for al-Qaeda's. The
    stemmer keeps a final *s* after a consonant and *a* (*Hamas* is not *Hama*) and after most
    *o*s (*Carlos*), so ``qaedas`` and ``aleppos`` are words of their own, which the archive's
    company can join to the words they extend (see :mod:`search.read.variants`). Where the stemmer
    does fold the *s* (``assads`` -> ``assad``), there is nothing to join.

    >>> bare_possessive("qaeda"), bare_possessive("aleppo"), bare_possessive("assad")
    ('qaedas', 'aleppos', None)
    """
    plural = exact + "s"
    return plural if exact and light_stem(plural) != exact else None
