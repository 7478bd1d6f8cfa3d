"""Searches drawn from an archive's own words, seeded: for comparing the engine with the
reference evaluator (:mod:`tests.reference`).

Every query is built from the stored text of the index: common and rare words, capitalised
names, spellings the index's ``spellings`` field links (several spellings under one key),
hyphenated compounds and articles ("al-X"), real phrases of 2 to 4 consecutive words of an
article, prefixes of 2 to 6 letters, proximity; combined with exclusions, ORs, nested groups,
double negations, an OR holding a lone exclusion and fields. The parameters around it: exact
spelling, date ranges from the archive's dates, sources (with other capitals, and names that
differ only in case), sizes 1 to 100, pages, sorts, every copy listed (collapse off). Some
searches are meant to be refused (bad syntax, a word without letters, a prefix too short or
of too many words, an unknown source, a page past the end, dates the wrong way round), so that
both sides are seen to refuse.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict

from search.analysis.analyzers import CAPS_MARK, COMPOUND_RE, LOANWORD_MARK, SPELLING_SEP
from search.rules.key import ARTICLES, HYPHENS

#: Arabic-script words (names the archives write in Latin letters), beside the archive's own.
ARABIC_WORDS = ("القذافي", "حزب الله", "حماس", "الصدر", "صدام", "بغداد", "القرآن", "عمر")
#: Queries that must be refused: syntax, no letters, bad prefixes, unsupported operators.
REFUSED = (
    '""',
    '"unclosed',
    "(oil",
    "oil)",
    "oil OR",
    "AND oil",
    "-oil",
    "NOT oil",
    "title:",
    "subject:oil",
    "o*",
    "*",
    "oil~",
    "oil^2",
    "[a TO b]",
    "Al*ppo",
    "!!!",
    "—",
    "ـ",
    "al-Sa*",
    "oil -(-gas OR -water)",
    '"a b"~',
    '"a b"~101',
)


def _words(text: str) -> list[str]:
    """The compounds of a text as written (words, or words joined by hyphens)."""
    return [m.group() for m in COMPOUND_RE.finditer(text)]


class QueryGenerator:
    """Random searches over one reference's articles (``tests.reference.Reference``)."""

    def __init__(self, reference: object, seed: int = 0) -> None:
        self.rng = random.Random(seed)
        self.docs = reference.docs  # type: ignore[attr-defined]
        self.sources = reference.sources  # type: ignore[attr-defined]
        frequency: Counter[str] = Counter()
        capitalised: Counter[str] = Counter()
        hyphenated: set[str] = set()
        for doc in self.docs:
            words = _words(doc.title) + _words(doc.body)
            frequency.update(set(words))
            for i, w in enumerate(words):
                if i and w[:1].isupper() and not w.isupper():
                    capitalised[w] += 1
                if any(h in w for h in HYPHENS):
                    hyphenated.add(w)
        ranked = [w for w, _ in frequency.most_common()]
        self.common = ranked[:300] or ["news"]
        self.rare = [w for w, n in frequency.items() if n <= 2] or self.common
        self.names = [w for w, n in capitalised.most_common(3000) if n >= 2] or self.common
        self.hyphenated = sorted(hyphenated) or self.common
        self.articled = [
            w for w in self.hyphenated if w.split("-")[0].lower() in ARTICLES
        ] or self.hyphenated
        self.arabic = sorted(
            {w for w in frequency if any("\u0600" <= c <= "\u06ff" for c in w)}
        ) + list(ARABIC_WORDS)
        self.variants = self._variants(reference.reader) or self.names  # type: ignore[attr-defined]
        self.dates = sorted({doc.date for doc in self.docs if doc.date is not None})
        self.with_text = [doc for doc in self.docs if doc.body or doc.title]

    @staticmethod
    def _variants(reader: object) -> list[str]:
        """Spellings that share a key with another spelling of the index, capitalised."""
        by_key: defaultdict[str, set[str]] = defaultdict(set)
        for raw in reader.lexicon("spellings"):  # type: ignore[attr-defined]
            parts = raw.decode("utf-8").split(SPELLING_SEP, 2)
            if len(parts) == 3 and not parts[0].startswith((CAPS_MARK, LOANWORD_MARK)):
                by_key[parts[1]].add(parts[2])
        found = [t for texts in by_key.values() if len(texts) > 1 for t in texts]
        return sorted(t[:1].upper() + t[1:] for t in found)

    # Parts of a query -----------------------------------------------------------------------

    def word(self) -> str:
        rng = self.rng
        pool = rng.choices(
            [self.common, self.rare, self.names, self.variants, self.hyphenated, self.articled,
             self.arabic],
            weights=[20, 20, 20, 20, 6, 8, 3],
        )[0]  # fmt: skip
        word = rng.choice(pool)
        roll = rng.random()
        if roll < 0.08:
            word = word.lower()
        elif roll < 0.12:
            word = word.upper()
        elif roll < 0.15:
            word += rng.choice(("'s", "’s", "s"))
        return word

    def phrase(self) -> str:
        """2 to 4 consecutive words of an article (sometimes around an "al-X"), in quotes,
        sometimes with a proximity."""
        rng = self.rng
        words: list[str] = []
        for _ in range(20):
            doc = rng.choice(self.with_text)
            text = doc.title if (rng.random() < 0.3 and doc.title) or not doc.body else doc.body
            compounds = _words(text)
            if len(compounds) < 2:
                continue
            n = rng.randint(2, 4)
            starts = range(max(1, len(compounds) - n + 1))
            articled = [i for i in starts if compounds[i] in self.articled]
            start = rng.choice(articled) if articled and rng.random() < 0.5 else rng.choice(starts)
            words = compounds[start : start + n]
            break
        if len(words) < 2:
            words = [self.word(), self.word()]
        if rng.random() < 0.15:
            words = [w.lower() for w in words]
        if rng.random() < 0.1:
            rng.shuffle(words)
        phrase = '"' + " ".join(words) + '"'
        roll = rng.random()
        if roll < 0.2:
            phrase += f"~{rng.choice((1, 2, 3, 5, 10, 100))}"
        elif roll < 0.23:
            phrase += "~0"
        return phrase

    def prefix(self) -> str:
        rng = self.rng
        for _ in range(10):
            word = rng.choice(rng.choice((self.common, self.rare, self.names)))
            if "-" not in word and len(word) >= 2:
                return word[: rng.randint(2, min(6, len(word)))] + "*"
        return "pr*"

    def atom(self, depth: int = 0) -> str:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            part = self.word()
        elif roll < 0.75:
            part = self.phrase()
        elif roll < 0.83:
            part = self.prefix()
        elif roll < 0.9 and depth < 2:
            part = f"({self.expression(depth + 1)})"
        else:
            part = self.word()
        if rng.random() < 0.1:
            part = f"{rng.choice(('title', 'body', 'Title'))}:{part}"
        return part

    def expression(self, depth: int = 0) -> str:
        """One query: a few atoms joined by the operators."""
        rng = self.rng
        a, b, c = self.atom(depth), self.atom(depth), self.atom(depth)
        shapes = [
            (a, 25),
            (f"{a} {b}", 15),
            (f"{a} -{b}", 10),
            (f"{a} OR {b}", 10),
            (f"{a} ({b} OR {c})", 6),
            (f"({a} OR {b}) -{c}", 6),
            (f"{a} -(-{b})", 4),
            (f"{a} ({b} OR -{c})", 5),
            (f"{a} (-{b} OR {c})", 3),
            (f"{a} NOT {b}", 3),
            (f"{a} {b} {c}", 4),
            (f"{a} OR {b} OR {c}", 3),
            (f"{a} AND ({b} || -{c})", 2),
            (f"title:({a} OR {b}) body:{c}", 2),
            (f"{a} -title:{b}", 2),
            (f"{a} title:(-{b})", 2),
            (f"({a} -{b}) OR ({c} -{a})", 2),
        ]
        texts, weights = zip(*shapes, strict=True)
        return rng.choices(texts, weights=weights)[0]

    # Parameters -------------------------------------------------------------------------------

    def _date(self) -> str:
        rng = self.rng
        if not self.dates:
            return str(rng.randint(1987, 2020))
        day = rng.choice(self.dates)
        return rng.choice((day.strftime("%Y"), day.strftime("%Y-%m"), day.strftime("%Y-%m-%d")))

    def _source(self) -> str:
        rng = self.rng
        if not self.sources or rng.random() < 0.04:
            return rng.choice(("Rooters", "nobody", "REUTERSX"))
        name = rng.choice(self.sources)
        roll = rng.random()
        if roll < 0.2:
            return name.upper()
        if roll < 0.35:
            return name.lower()
        if roll < 0.45:
            return name.title()
        if roll < 0.5:
            return f"  {name} "
        return name

    def params(self) -> dict[str, object]:
        """The parameters of one search (``SearchRequest.from_params(**params)``)."""
        rng = self.rng
        roll = rng.random()
        if roll < 0.03:
            q = ""
        elif roll < 0.06:
            q = rng.choice(REFUSED)
        else:
            q = self.expression()
        params: dict[str, object] = {"q": q}
        if rng.random() < 0.15:
            params["exact"] = rng.choice((True, "1", "true"))
        roll = rng.random()
        if roll < 0.2:
            params["sort"] = "newest"
        elif roll < 0.35:
            params["sort"] = "oldest"
        elif roll < 0.5:
            params["sort"] = "relevance"
        roll = rng.random()
        if roll < 0.15:
            params["size"] = rng.randint(1, 5)
        elif roll < 0.35:
            params["size"] = rng.randint(6, 100)
        elif roll < 0.4:
            params["size"] = 100
        roll = rng.random()
        if roll < 0.1:
            params["page"] = 2
        elif roll < 0.15:
            params["page"] = rng.randint(3, 30)
        elif roll < 0.16:
            params["page"] = 10_000
        if rng.random() < 0.2:
            first, last = sorted((self._date(), self._date()))
            roll = rng.random()
            if roll < 0.4:
                params["date_from"], params["date_to"] = first, last
            elif roll < 0.6:
                params["date_from"] = first
            elif roll < 0.8:
                params["date_to"] = last
            elif roll < 0.9:
                params["date_from"] = params["date_to"] = first
            else:
                params["date_from"], params["date_to"] = last, first  # maybe the wrong way
        if rng.random() < 0.2:
            params["sources"] = [self._source() for _ in range(rng.choice((1, 1, 1, 2, 3)))]
        if rng.random() < 0.2:
            params["collapse"] = rng.choice((False, "0", "false"))  # every copy listed
        return params

    def __iter__(self) -> QueryGenerator:
        return self

    def __next__(self) -> dict[str, object]:
        return self.params()
