"""Folding of one token to lowercase ASCII (no offsets involved: token text only).

Order matters: letters whose ASCII spelling is a digraph in Turkish, Kurdish and Persian
romanisation (ş -> sh, ç -> ch) are mapped first, because NFKD would otherwise strip the cedilla
and leave a bare s or c. Then NFKD drops the remaining combining marks (macrons, dots below,
circumflexes), and unidecode handles whatever is left (other scripts, ligatures, ß -> ss).
Arabic script is not romanised: a word in it keeps its letters, normalised
(:mod:`search.rules.arabic_script`), so that حماس is not the English HMS; how it reaches Latin
spellings is :mod:`search.rules.arabic_latin`'s job.
All the marks that stand for an apostrophe, an ayn or a hamza become one ASCII apostrophe.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from unidecode import unidecode

from search.rules.arabic_script import is_arabic, normalize

__all__ = ["APOSTROPHES", "fold", "strip_possessive"]

#: Characters written for an apostrophe, an ayn or a hamza in romanised names.
APOSTROPHES = "'’ʼʻʿʾ`′‘ʹʽ"

_LETTERS = {
    "ş": "sh",
    "Ş": "Sh",
    "ș": "sh",
    "Ș": "Sh",
    "ç": "ch",
    "Ç": "Ch",
    "ı": "i",
    "İ": "I",
    "ğ": "g",
    "Ğ": "G",
    "ẍ": "gh",
    "ž": "zh",
    "Ž": "Zh",
    "č": "ch",
    "Č": "Ch",
    "š": "sh",
    "Š": "Sh",
    "ḫ": "kh",
    "ḵ": "kh",
    "ṯ": "th",
    "ḏ": "dh",
    "ġ": "gh",
    "ß": "ss",
}
_TABLE = str.maketrans({**_LETTERS, **{c: "'" for c in APOSTROPHES}})


@lru_cache(maxsize=200_000)
def fold(word: str) -> str:
    """Fold one token to lowercase ASCII, keeping apostrophes (as ``'``); Arabic script is
    normalised instead.

    >>> fold("Pêşmerge"), fold("Erdoğan"), fold("Qur’ān"), fold("Straße")
    ('peshmerge', 'erdogan', "qur'an", 'strasse')
    """
    if word.isascii() and "`" not in word:
        return word.lower()
    if is_arabic(word):
        return normalize(word)
    text = word.translate(_TABLE)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    if not text.isascii():
        text = unidecode(text)
    return text.lower()


def strip_possessive(word: str) -> str:
    """Drop a trailing possessive ``'s`` (or a bare trailing apostrophe) from a folded word."""
    if word.endswith("'s") and len(word) > 2:
        return word[:-2]
    return word.rstrip("'")
