"""How common a word is in English: the evidence that a word in small letters is an English
word, not a loanword whose spellings vary (zakat and zakah, souk and souq).

The data are wordfreq's English frequency list (Robyn Speer et al., code Apache-2.0, data
CC BY-SA 4.0), drawn from Wikipedia, subtitles, news, books, the web and Twitter: general
reference data, not a list of ours. A word's Zipf frequency is log10 of its uses per billion
words (3 is once in a million). The list is read once per process, the first time a word is
looked up (about a tenth of a second), and only the words of Zipf 1 or more are kept.
"""

from __future__ import annotations

import math
from functools import cache

#: Words rarer in English than this (Zipf) are not kept: none of them decides anything.
MIN_ZIPF = 1.0


@cache
def _english() -> dict[str, float]:
    from wordfreq import get_frequency_dict

    frequencies = get_frequency_dict("en", wordlist="best")
    zipfs = {word: math.log10(f) + 9 for word, f in frequencies.items()}
    return {word: round(z, 2) for word, z in zipfs.items() if z >= MIN_ZIPF}


def english_zipf(word: str) -> float:
    """How common ``word`` (in small letters) is in English, as a Zipf frequency; 0.0 for a
    word the list does not hold."""
    return _english().get(word, 0.0)
