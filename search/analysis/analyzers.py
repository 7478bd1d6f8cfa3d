"""Whoosh analyzers: thin wrappers that run the pure rules of ``search.rules`` over tokens.

One tokenizer feeds every field, so a highlight found by tokenizing a stored text again always
lands on the original word:

- :class:`NewsTokenizer` finds words in the original text. It keeps internal apostrophes and
  ayn/hamza marks (``Qur'an``, ``Sa'irun`` stay one word), splits on hyphens, and marks Arabic
  articles written with a hyphen (``al-``, ``ash-``, ``el-`` ...) and the parts of hyphenated
  compounds (``Ahmadi-Nejad``).
- :class:`ExactFilter` turns each word into its exact-word term (folded, possessive dropped,
  light plural stemming). A hyphenated article also gets :data:`ARTICLE_TERM` at its position,
  so a phrase can ask for "any article" in one term ("Muqtada al-Sadr", "Muqtada as-Sadr")
  instead of an OR of al, as, an, at... that English text uses everywhere.
- :class:`SpellingFilter` emits ``skeleton<TAB>key<TAB>spelling`` for name-like words: a small
  field that tells which spellings the index holds, under which key, and how often each is
  written as a name (see :mod:`search.read.variants`). The field's analyzer,
  :class:`SpellingTokenizer`, runs it once per distinct compound of a text, not per token.

An article is indexed through :func:`exact_term_positions` and :func:`spelling_term_counts`
(the fields of :mod:`search.engines.whoosh.schema` call them): the terms these analyzers yield,
gathered by
term, with each distinct compound analysed once and cached across articles instead of every
token going through the pipeline.

Filters change only ``token.text``, never offsets or positions. Tokens are
reused objects: filters mutate and yield them. Every class is picklable and defines ``__eq__``,
because Whoosh pickles the schema into the index and into ``--procs`` worker processes.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterator
from functools import lru_cache

from whoosh.analysis import Composable, Filter, Token, Tokenizer

from search.analysis.lexicon import english_zipf
from search.rules import exact_form, fold, is_name_like, skeleton, spelling_key
from search.rules.fold import APOSTROPHES
from search.rules.key import ARTICLES, HYPHENS, can_vary, split_hyphens

_MARKS = r"[\u0300-\u036f\u0610-\u061a\u064b-\u065f\u0670]"
#: One character of a word: a letter or digit, or a combining mark (accents, Arabic vowel marks).
LETTER = rf"(?:[^\W_]|{_MARKS})"
#: A run of such characters: the same strings as LETTER+, matched run by run (faster in re).
_LETTERS = rf"(?:[^\W_]+|{_MARKS}+)+"
_WORD = rf"{_LETTERS}(?:[{APOSTROPHES}]{_LETTERS})*"
#: A compound: words joined by hyphens with nothing between them ("al-Sadr", "Ahmadi-Nejad"),
#: or but an ayn or hamza mark after the hyphen ("al-'Abadi", "ash-Sha'bi").
#: Group 1 holds the hyphenated parts after the first word (empty for a single word).
COMPOUND_RE = re.compile(rf"{_WORD}((?:[{HYPHENS}][{APOSTROPHES}]?{_WORD})*)")
#: The same compounds, without the group (so that ``findall`` returns whole compounds).
_COMPOUND_FLAT_RE = re.compile(rf"{_WORD}(?:[{HYPHENS}][{APOSTROPHES}]?{_WORD})*")
WORD_RE = re.compile(_WORD)

#: Separates the key from the spelling in the ``spellings`` field's terms.
SPELLING_SEP = "\t"
#: The term indexed, beside the article itself, at the position of every hyphenated article
#: ("al" of "al-Sadr", "as" of "as-Sadr"). No word yields it: the tokenizer splits on hyphens.
ARTICLE_TERM = "al-"


class _Stateless:
    """Equality for analysis components without settings: two of one class are equal (Whoosh
    compares analyzers, and pickles them into the schema)."""

    def __eq__(self, other: object) -> bool:
        return type(self) is type(other)

    def __hash__(self) -> int:
        return hash(type(self).__name__)


class NewsTokenizer(_Stateless, Tokenizer):
    """Split text into words, keeping the facts the filters need about each one.

    Besides Whoosh's usual attributes, every token carries:

    - ``original``: the word exactly as written;
    - ``article``: True for a hyphenated Arabic article ("al" in "al-Sadr");
    - ``compound``: on the first name part of a hyphenated compound, the compound as written
      without its articles ("Ahmadi-Nejad"), else "";
    - ``compound_end``: the end offset of that compound in the text.
    """

    def __call__(
        self,
        value: str,
        positions: bool = False,
        chars: bool = False,
        keeporiginal: bool = False,
        removestops: bool = True,
        start_pos: int = 0,
        start_char: int = 0,
        tokenize: bool = True,
        mode: str = "",
        **kwargs: object,
    ) -> Iterator[Token]:
        t = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        pos = start_pos
        for compound in COMPOUND_RE.finditer(value):
            text = compound.group()
            if compound.end(1) == compound.start(1):
                # One word, no hyphen: by far the commonest case, so it takes the short way.
                t.text = t.original = text
                t.article = False
                t.compound = ""
                t.compound_end = start_char + compound.end()
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + compound.start()
                    t.endchar = t.compound_end
                yield t
                pos += 1
                continue
            words = list(WORD_RE.finditer(text))
            base = compound.start()
            # Leading articles: every part but the last that is an article word.
            n_articles = 0
            while n_articles < len(words) - 1 and words[n_articles].group().lower() in ARTICLES:
                n_articles += 1
            names = words[n_articles:]
            compound_text = ""
            if len(names) > 1:
                compound_text = compound.group()[names[0].start() :]
            for i, word in enumerate(words):
                t.text = t.original = word.group()
                t.article = i < n_articles
                t.compound = compound_text if i == n_articles else ""
                t.compound_end = start_char + compound.end()
                if positions:
                    t.pos = pos
                if chars:
                    t.startchar = start_char + base + word.start()
                    t.endchar = start_char + base + word.end()
                yield t
                pos += 1


class ExactFilter(_Stateless, Filter):
    """Replace each word by its exact-word term (see :func:`search.rules.exact_form`), and add
    :data:`ARTICLE_TERM` at the position of a hyphenated article (not in queries)."""

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            text = exact_form(t.original)
            if text:
                t.text = text
                yield t
                if t.article and t.mode == "index":
                    t.text = ARTICLE_TERM
                    yield t


def spelling_term(key: str, exact: str) -> str:
    """The ``spellings`` field's term for one spelling of a key: ``skeleton<TAB>key<TAB>exact``."""
    return f"{skeleton(key)}{SPELLING_SEP}{key}{SPELLING_SEP}{exact}"


#: The ``spellings`` field's term for a word written in capitals that does not look like a name
#: in small letters ("ASAD", "PRICE"): a headline's capitals say nothing of whether a word is a
#: name, so its uses are left out of the share written as a name (search.read.variants).
CAPS_MARK = "\x1f"


#: The mark of the ``spellings`` field's terms for words in small letters that are no common
#: English words: loanwords (zakat, zakah; souk, souq). They meet only such words, never names
#: (curd is not Kurd), and a search in small letters reaches them (search.read.variants).
LOANWORD_MARK = "~"
#: A word in small letters more common in English than this (Zipf, search.analysis.lexicon) is an
#: English word: sad, bath and protest (4.4 and more) are; jihad (3.5) and bazaar (3.4) are
#: loanwords English writes often. The loanwords of search.rules.key always are loanwords.
LOANWORD_MAX_ZIPF = 3.6
_LOWER_WORD = re.compile(r"[a-z]{2,}(?:'[a-z]+)*'?")


def loanword_term(word: str) -> str | None:
    """The loanword term of a word written in small letters that no English text writes
    often ("zakah", "souk"), else None."""
    if word != word.lower():
        return None
    folded = fold(word)
    if not _LOWER_WORD.fullmatch(folded) or len(folded) < 4:
        return None
    key = spelling_key(word)
    if not can_vary(key) or english_zipf(folded) >= LOANWORD_MAX_ZIPF:
        return None
    return LOANWORD_MARK + spelling_term(key, exact_form(word))


def caps_term(word: str) -> str | None:
    """The capitals term of a word written in capitals (two letters or more) that is no name by
    its letters, else None."""
    if sum(c.isalpha() for c in word) > 1 and word.isupper() and word.lower() != word:
        exact = exact_form(word)
        return CAPS_MARK + exact if exact else None
    return None


#: Turkish letters English-language news writes as plain s and c (Başbuğ as Basbug, Çelik as
#: Celik), where the fold spells out their sound (sh, ch) as Kurdish and Persian romanisation do.
_TURKISH_ASCII = str.maketrans({"ş": "s", "Ş": "S", "ç": "c", "Ç": "C"})


def plain_letters(word: str) -> str:
    """A word with the Turkish letters ş and ç as the press writes them in plain letters."""
    return word.translate(_TURKISH_ASCII)


def _name_terms(word: str) -> tuple[str, ...]:
    """The ``spellings`` terms of one word written as a name: its key's, and for a word with
    ş or ç also the key of the word as the press writes it in plain letters (Basbug); none
    when it has no key."""
    key = spelling_key(word)
    if not key:
        return ()
    exact = exact_form(word)
    terms = [spelling_term(key, exact)]
    plain = plain_letters(word)
    if plain != word:
        plain_key = spelling_key(plain)
        if plain_key and plain_key != key:
            terms.append(spelling_term(plain_key, exact))
    return tuple(terms)


class SpellingFilter(_Stateless, Filter):
    """Emit ``skeleton<TAB>key<TAB>spelling`` for every name-like word
    (:mod:`search.read.variants`).

    A hyphenated compound of names also emits its joined spelling (``ahmadi-nejad``), so that
    "Ahmadinejad" can find it.
    """

    def __call__(self, tokens: Iterator[Token]) -> Iterator[Token]:
        for t in tokens:
            if t.article:
                continue
            if not is_name_like(t.original):
                other = caps_term(t.original) or loanword_term(t.original)
                if other:
                    t.text = other
                    yield t
                continue
            compound = t.compound
            for term in _name_terms(t.original):
                t.text = term
                yield t
            if compound:
                joined = spelling_key(compound)
                if joined:
                    t.text = spelling_term(joined, compound_form(compound))
                    yield t


#: Whether a compound holds a hyphen (else it is one word, and one token).
_HYPHENATED = re.compile(f"[{HYPHENS}]").search
_TOKENIZER = NewsTokenizer()
_SPELLING = SpellingFilter()


@lru_cache(maxsize=200_000)
def compound_spelling_terms(compound: str) -> tuple[str, ...]:
    """The ``spellings`` terms of one compound (a word, or words joined by hyphens) as found
    by the tokenizer in any text: no term depends on the words around the compound."""
    if not _HYPHENATED(compound):
        # One word (nearly every compound): what SpellingFilter makes of its one token.
        if is_name_like(compound):
            return _name_terms(compound)
        other = caps_term(compound) or loanword_term(compound)
        return (other,) if other else ()
    return tuple(t.text for t in _SPELLING(_TOKENIZER(compound)))


class SpellingTokenizer(_Stateless, Tokenizer):
    """The ``spellings`` field's analyzer: the :class:`SpellingFilter` terms of a text.

    The field keeps no positions or offsets, only each term's count per article, so there is no
    need to walk the text token by token: the terms are those of :func:`spelling_term_counts`,
    each yielded as many times as it occurs. This is the same multiset of terms as
    ``NewsTokenizer() | SpellingFilter()`` yields, at a fraction of the cost of the per-token
    pipeline.
    """

    def __call__(self, value: str, mode: str = "", **kwargs: object) -> Iterator[Token]:
        t = Token(mode=mode, **kwargs)
        t.boost = 1.0
        t.stopped = False
        for term, count in spelling_term_counts(value).items():
            t.text = term
            for _ in range(count):
                yield t


_EXACT = NewsTokenizer() | ExactFilter()

#: Distinct compounds analysed per process before :data:`_EXACT_CACHE` starts over (the five
#: shared corpora write about 300,000).
EXACT_CACHE_SIZE = 500_000
#: compound -> its exact-field entry (see :func:`_exact_entry`).
_EXACT_CACHE: dict[str, str | tuple[int, tuple[tuple[int, str], ...]]] = {}


def compound_exact_terms(compound: str) -> tuple[int, tuple[tuple[int, str], ...]]:
    """How many positions one compound takes, and its exact-field terms as ``(offset, term)``
    pairs, as :func:`exact_analyzer` indexes it in any text (no term depends on the words
    around the compound)."""
    terms = tuple((t.pos, t.text) for t in _EXACT(compound, positions=True, mode="index"))
    return len(WORD_RE.findall(compound)), terms


def _exact_entry(compound: str) -> str | tuple[int, tuple[tuple[int, str], ...]]:
    """The cached form of :func:`compound_exact_terms`: for one word (nearly every compound)
    its term itself ("" for none), else the width and terms."""
    if len(_EXACT_CACHE) >= EXACT_CACHE_SIZE:
        _EXACT_CACHE.clear()
    if not _HYPHENATED(compound):  # one word, one token: its exact form
        _EXACT_CACHE[compound] = entry = exact_form(compound)
        return entry
    _EXACT_CACHE[compound] = entry = compound_exact_terms(compound)  # two words or more
    return entry


#: The last text whose compounds were found, and they: an article's body is read for its exact
#: terms, then again for its spellings.
_LAST_COMPOUNDS: tuple[str, list[str]] = ("", [])


def _compounds(text: str) -> list[str]:
    """The compounds of ``text`` in order (kept for the next call with the very same text)."""
    global _LAST_COMPOUNDS
    last = _LAST_COMPOUNDS  # one read: another thread may replace it
    if text is last[0]:
        return last[1]
    found = _COMPOUND_FLAT_RE.findall(text)
    _LAST_COMPOUNDS = (text, found)
    return found


def exact_term_positions(text: str) -> dict[str, list[int]]:
    """Every exact-field term of ``text`` with its positions: what
    ``exact_analyzer()(text, positions=True, mode="index")`` yields, gathered by term.

    This is how an article is indexed. The compounds are found by one regex pass (in C) and
    each distinct compound is analysed once (cached across articles), so the per-word cost is
    a dictionary append, not a trip through the token pipeline.
    """
    positions: defaultdict[str, list[int]] = defaultdict(list)
    cached = _EXACT_CACHE.get
    pos = 0
    for compound in _compounds(text):
        entry = cached(compound)
        if entry is None:
            entry = _exact_entry(compound)
        if entry.__class__ is str:
            positions[entry].append(pos)  # type: ignore[index]
            pos += 1
        else:
            width, terms = entry  # type: ignore[misc]
            for offset, term in terms:
                positions[term].append(pos + offset)
            pos += width
    positions.pop("", None)
    return positions


def spelling_term_counts(*texts: str) -> Counter[str]:
    """Every ``spellings`` term of ``texts`` with how often it occurs: what
    :class:`SpellingTokenizer` yields for them, counted (for one text, or for the texts joined
    by a line break: no compound spans one)."""
    found: Counter[str] = Counter()
    for text in texts:
        found.update(_compounds(text))
    counts: Counter[str] = Counter()
    for compound, count in found.items():
        for term in compound_spelling_terms(compound):
            counts[term] += count
    return counts


def compound_form(compound: str) -> str:
    """The exact-word form of a hyphenated compound: its parts' exact forms joined by "-"."""
    return "-".join(exact_form(part) for part in split_hyphens(compound))


def exact_analyzer() -> Composable:
    """The analyzer of the exact-word fields (``title``, ``body``)."""
    return NewsTokenizer() | ExactFilter()


def spelling_analyzer() -> Composable:
    """The analyzer of the ``spellings`` field."""
    return SpellingTokenizer()
