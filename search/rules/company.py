"""The company a spelling keeps: evidence from the text that two spellings name one thing.

Rules on letters reach a wall: Sunni and Sony, Koran and Korean, Greek and Creek are as close in
writing as Hezbollah and Hizbollah. What tells them apart is the text around them. An article
that writes Hizbollah names Lebanon, Nasrallah and Beirut as one that writes Hezbollah does; an
article about Sony names Apple, Japan and PlayStation, and one about Sunnis names Shia, Iraq
and Baghdad.

The company of an article is the names it writes in mid-sentence (capitalized words not at the
start of a sentence), the most frequent first. The company of a spelling is the names of a sample
of the articles that use it; two spellings are compared by the cosine of those profiles, each
name weighted by its rarity in the archive (a name in every article tells nothing).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Mapping

from search.rules.stem import exact_form

__all__ = ["COMPANY_SIZE", "SEPARATOR", "article_company", "similarity", "strongest_shared"]

#: Names kept per article, most frequent first.
COMPANY_SIZE = 16
#: Joins the names of one article in the index's company column.
SEPARATOR = "\x1f"

_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")
#: The words of _WORD that start with a capital, in text whose letters are all ASCII: a word
#: starts where no letter, nor a letter and an apostrophe, comes before.
_CAPITALIZED_ASCII = re.compile(r"(?<![A-Za-z])(?<![A-Za-z]['’])[A-Z][A-Za-z]*(?:['’][A-Za-z]+)*")
#: Punctuation beyond ASCII that news copy uses (removed to tell whether the letters are ASCII).
_ASCII_PUNCTUATION = str.maketrans("", "", "’‘“”—–…«»•·\u00a0")
#: What may stand between a sentence's end and its first word.
_OPENERS = " \t\"“‘'([«-—–"
_SENTENCE_ENDS = ".!?:;\n\r"


def article_company(text: str, size: int = COMPANY_SIZE) -> list[str]:
    """The exact-word terms of the names an article writes in mid-sentence, most frequent first.

    Words of fewer than three letters and words at the start of a sentence (where any word is
    capitalized) are left out. Ties keep the order of first appearance.

    >>> article_company("Fighting in Idlib. The army said Idlib and Hama fell. Later, Assad spoke.")
    ['idlib', 'hama', 'assad']
    """
    # Text whose letters are all ASCII (most news copy, curly quotes and dashes aside) has its
    # capitalized words found directly; other text has every word read.
    latin = text.isascii() or text.translate(_ASCII_PUNCTUATION).isascii()
    counts: Counter[str] = Counter()
    for m in (_CAPITALIZED_ASCII if latin else _WORD).finditer(text):
        word = m.group()
        if not word[0].isupper() or len(word) < 3:
            continue
        j = m.start() - 1
        while j >= 0 and text[j] in _OPENERS:
            j -= 1
        if j < 0 or text[j] in _SENTENCE_ENDS:
            continue
        counts[exact_form(word)] += 1
    return [w for w, _ in counts.most_common(size)]


def similarity(
    a: Mapping[str, float], b: Mapping[str, float], weight: Callable[[str], float]
) -> float:
    """Cosine of two company profiles (name -> share of sampled articles), weighted by rarity."""
    va = {w: v * weight(w) for w, v in a.items()}
    vb = {w: v * weight(w) for w, v in b.items()}
    norm = math.sqrt(sum(v * v for v in va.values())) * math.sqrt(sum(v * v for v in vb.values()))
    if not norm:
        return 0.0
    return sum(v * vb.get(w, 0.0) for w, v in va.items()) / norm


def strongest_shared(
    a: Mapping[str, float], b: Mapping[str, float], weight: Callable[[str], float], n: int = 4
) -> list[str]:
    """The names that contribute most to the similarity of two profiles (for explanations)."""
    shared = {w: a[w] * b[w] * weight(w) ** 2 for w in a.keys() & b.keys()}
    return [w for w, _ in sorted(shared.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]
