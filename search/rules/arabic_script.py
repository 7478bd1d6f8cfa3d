"""Arabic script: the exact form of its words, as Lucene's Arabic and Persian normalisers make it.

Vowel marks, shadda and tatweel are dropped; the alef forms (أ إ آ ٱ) are written ا, alef
maqsura ى and Persian ی are written ي, ta marbuta ة is written ه, and Persian ک is written ك:
writers and keyboards vary on all of these. :func:`join_allah` joins a theophoric name written
as two words ("حزب الله") into the one word Latin spellings make of it (Hezbollah).
"""

from __future__ import annotations

import re

__all__ = ["ALLAH", "is_arabic", "join_allah", "normalize", "strip_marks"]

_ARABIC_RANGES = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff"
_ARABIC = re.compile(f"[{_ARABIC_RANGES}]")
#: Vowel marks (harakat), shadda, sukun, superscript alef, Quranic marks, and tatweel.
_MARKS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_NORMAL = str.maketrans(
    {
        "أ": "ا",
        "إ": "ا",
        "آ": "ا",
        "ٱ": "ا",
        "ى": "ي",
        "ی": "ي",
        "ې": "ي",
        "ة": "ه",
        "ۀ": "ه",
        "ک": "ك",
    }
)
#: The name of God, written after the first part of a theophoric name ("حزب الله").
ALLAH = "الله"
_JOIN_ALLAH = re.compile(f"(?<=[{_ARABIC_RANGES}])\\s+(?={ALLAH}(?![{_ARABIC_RANGES}]))")


def is_arabic(word: str) -> bool:
    """Whether a word contains a letter of the Arabic script (Arabic, Persian, Kurdish...)."""
    return bool(_ARABIC.search(word))


def strip_marks(word: str) -> str:
    """An Arabic-script word without vowel marks, shadda and tatweel (its letters only)."""
    return _MARKS.sub("", word)


def normalize(word: str) -> str:
    """The exact form of an Arabic-script word (see the module docstring).

    >>> normalize("القُرْآن"), normalize("مقتدى"), normalize("إدلب")
    ('القران', 'مقتدي', 'ادلب')
    """
    return strip_marks(word).translate(_NORMAL)


def join_allah(text: str) -> str:
    """Join a word and a following الله into one word, as Latin spellings write the name:
    ``حزب الله`` (Hezbollah), ``عبد الله`` (Abdullah), ``نصر الله`` (Nasrallah)."""
    return _JOIN_ALLAH.sub("", text)
