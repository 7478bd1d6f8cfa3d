"""Words of the archive within a few edits of a word: the candidates of "did you mean".

Whoosh's ``Searcher.suggest`` walks every term of the field under the word's first letters and
measures the Damerau-Levenshtein distance to each, in Python: about 15 ms a walk on the five
corpora, and a correction may take two. Here each prefix's terms and their frequencies are read
once per commit (cached), the distance is measured only for terms that two cheap lower bounds
cannot rule out (the difference of the lengths, and of the letters), and
the suggestions are ranked as Whoosh ranks them: the most frequent first, then alphabetically.

The distance is Damerau-Levenshtein's, as Whoosh measures it over an index of several
segments: a transposition is one edit ("syrain" is one edit from "syrian"). Over a single
segment Whoosh walks a plain Levenshtein automaton instead, where it is two; here it is one
either way.
"""

from __future__ import annotations

from collections import Counter
from functools import lru_cache

from whoosh.support.levenshtein import distance

from search.backend import Vocabulary

#: Prefixes whose terms are kept per commit.
CACHED_PREFIXES = 256


class Corrections:
    """Edit-distance suggestions from one field of one reader."""

    def __init__(self, reader: Vocabulary, fieldname: str = "body") -> None:
        self._reader = reader
        self._fieldname = fieldname
        self._terms = lru_cache(maxsize=CACHED_PREFIXES)(self._terms_under)

    def suggest(self, word: str, limit: int, maxdist: int, prefix: int) -> list[str]:
        """Up to ``limit`` terms within ``maxdist`` edits of ``word`` that share its first
        ``prefix`` letters, the most frequent first (the word itself included, if used)."""
        length = len(word)
        letters = Counter(word)
        found = [
            (frequency, term)
            for term, frequency in self._terms(word[:prefix])
            if abs(len(term) - length) <= maxdist
            and _bag_distance(Counter(term), letters) <= maxdist
            and distance(term, word, limit=maxdist) <= maxdist
        ]
        # Whoosh keeps the greatest (frequency, term) pairs, then lists them by frequency, then
        # alphabetically.
        kept = sorted(found, reverse=True)[:limit]
        return [term for _, term in sorted(kept, key=lambda ft: (-ft[0], ft[1]))]

    def _terms_under(self, prefix: str) -> tuple[tuple[str, int], ...]:
        frequency = self._reader.frequency
        terms = []
        for raw in self._reader.expand_prefix(self._fieldname, prefix):
            term = raw.decode("utf-8")
            terms.append((term, max(1, int(frequency(self._fieldname, term)))))
        return tuple(terms)


def _bag_distance(a: Counter[str], b: Counter[str]) -> int:
    """A lower bound of the edit distance of two words from their letters alone: an insertion,
    deletion or substitution changes the letters each side lacks by at most one, and a
    transposition not at all."""
    return max(sum((a - b).values()), sum((b - a).values()))
