"""Tier 1: the spelling key of one word, and the index-time gate that decides who gets one.

The key is a deterministic respelling that erases the differences English-language news makes
when it writes Arabic, Persian, Kurdish and Turkish sounds in Latin letters. Each rule below is
about a sound or a writing habit, never about a particular name:

- marks for ayn and hamza and apostrophes carry no sound in English text: dropped, and an
  ``h`` written before one after a vowel (Persian ``-eh'i``) goes with it;
- articles: a leading ``al-``/``el-``/``ash-``/... followed by a hyphen, or camel-cased ``alX``,
  is not part of the name; other hyphenated parts are joined;
- ``Abd`` + the article (Abdul, Abdel, Abdol, Abd-al) is one name element: ``abdu``; a final
  ``-allah``/``-ullah``/``-ollah`` (the name of God in theophoric names) is one element: ``-ulla``;
- consonants: a ``u`` written after ``g`` before e/i to keep it hard is dropped (Naguib,
  Guevara), ``q`` -> ``k``, ``ph`` -> ``f``, ``dh`` -> ``d``, ``gh`` -> ``g``, ``zh``/``dj``
  -> ``j`` (Persian nezhad/nejad, French Hadj), ``ck`` -> ``k``, ``c`` -> ``s`` before e/i/y and
  ``k`` elsewhere (``ch`` kept), a non-initial ``x`` -> ``kh`` (Kurdish Zaxo);
- long vowels written double or as digraphs: ``ee`` -> ``i``, ``oo``/``ou`` -> ``u``, then every
  doubled letter is collapsed (gemination is not written consistently: Hassan/Hasan);
- ``o`` -> ``u`` (Arabic has no o; Osama/Usama, Qom/Qum);
- diphthongs: ``au`` -> ``aw``; ``aw``/``ew``/``ow`` before a consonant or at the end -> ``u``
  (az-Zawr/Zor, Nowruz/Nauruz); ``ai``/``ay``/``ae``/``ei``/``ey`` -> ``ay``, after dropping a
  ``y`` written between two vowels (Sayirun/Sairun, Riyadh/Riad, -iyah/-ia);
- a final ``y`` after a consonant -> ``i`` (Houthy/Houthi), a final ``h`` after a vowel is dropped
  (Fallujah/Falluja), an English ``-ite`` on a word ending in ``i`` is dropped (Shi'ite/Shi'i);
- ``e`` is kept as its own letter: it is written for a, i and u, which must stay apart
  (Karim/Karam, Jamal/Jamil); the tier-2 distance treats it as half-way to each of them.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from search.rules.fold import APOSTROPHES, fold, strip_possessive
from search.rules.stem import light_stem

__all__ = [
    "ARTICLES",
    "CONSONANT_CLASSES",
    "LOANWORDS",
    "can_vary",
    "class_form",
    "is_name_like",
    "key_of_folded",
    "loanword_forms",
    "name_parts",
    "spelling_key",
]

#: Consonant classes: letters that romanisation uses for one sound, or for sounds that English
#: speakers do not tell apart in these languages (shared with the tier-2 skeleton).
CONSONANT_CLASSES = {
    "k": "K", "q": "K", "g": "K", "kh": "K", "c": "K", "x": "K",
    "s": "S", "z": "S",
    "sh": "X", "ch": "X",
    "th": "D", "d": "D", "dh": "D",
    "w": "W", "v": "W",
    "f": "F", "p": "F",
    "j": "J", "zh": "J",
}  # fmt: skip
#: One letter of a key, with the digraphs kh, sh, ch, th, dh, zh as one.
SEGMENT = re.compile(r"kh|sh|ch|th|dh|zh|[a-z]")

#: Arabic, Persian and Turkish loanwords that English text writes in lower case, with their
#: common spellings. A lowercase word whose key equals one of theirs up to consonant classes is
#: name-like. Words whose key an English word shares (khan/can, bey/bay, souk/suck, eid/aid,
#: rial/real, dinar/diner, wadi/wade) are deliberately absent.
LOANWORDS = (
    "sheikh",
    "sheik",
    "shaykh",
    "sharia",
    "shariah",
    "hijab",
    "hejab",
    "niqab",
    "burqa",
    "burka",
    "chador",
    "abaya",
    "jilbab",
    "jihad",
    "jihadi",
    "jihadist",
    "mujahid",
    "fatwa",
    "imam",
    "mullah",
    "mufti",
    "ayatollah",
    "intifada",
    "hajj",
    "umrah",
    "halal",
    "haram",
    "emir",
    "emirate",
    "caliph",
    "caliphate",
    "khalifa",
    "madrassa",
    "madrasa",
    "hadith",
    "sunnah",
    "ummah",
    "zakat",
    "iftar",
    "suhoor",
    "takfir",
    "takfiri",
    "salafi",
    "salafist",
    "wahhabi",
    "sufi",
    "dervish",
    "pasha",
    "shahid",
    "shaheed",
    "fedayeen",
    "mukhabarat",
    "majlis",
    "shura",
)

#: Arabic articles (with sun-letter assimilation) that romanisation writes before a hyphen.
ARTICLES = frozenset(
    [
        "al",
        "el",
        "il",
        "ul",
        "as",
        "ash",
        "ad",
        "adh",
        "ar",
        "at",
        "ath",
        "an",
        "az",
        "ez",
        "es",
        "esh",
        "ed",
        "er",
        "et",
        "en",
    ]
)
#: Hyphens and dashes that may join the parts of a romanised name (Ahmadi-Nejad, al‑Sadr).
HYPHENS = "-‐‑‒–—"
_HYPHENS = re.compile(f"[{HYPHENS}]+")
_CAMEL_ARTICLE = re.compile(r"^[AaEe]l(?=[A-Z])")
_APOS = re.escape(APOSTROPHES)
_NAME_START = re.compile(rf"^(?:[a-z]{{1,3}}[-‐‑][{_APOS}]?)?[{_APOS}]?[^\W\d_]")
_CAMEL = re.compile(r"^[a-z]+[A-Z]")
#: Spellings that do not occur in English words but are typical of romanised names: q not
#: followed by u, kh (not across an English compound: stockholder, workhorse, bulkhead), a doubled
#: a, or an apostrophe between letters that is not an English contraction (n't, 's, 're, 'll...).
_FOREIGN_LOWER = re.compile(
    r"q(?!u)|(?<![ck])kh(?!ea|o[lru])|aa|[a-z]'(?!(?:s|t|re|ll|ve|d|m)$)[a-z]"
)
#: Letters that only romanisation uses (macrons, dots below, Turkish/Kurdish letters).
_TRANSLIT_LETTERS = frozenset("āīūēōḥṣḍṭẓḏṯġḫşğıçêîûʿʾʻʼ")


@lru_cache(maxsize=200_000)
def is_name_like(word: str) -> bool:
    """Whether an index token gets a spelling key (queries compute keys for every word).

    True when the token starts with a capital letter, possibly after a hyphenated article
    (``al-Sadr``) or an apostrophe; is camel-cased after an article (``alQaeda``); contains a
    letter of a non-Latin script (Arabic script); or is a lowercase word spelled in a way English
    words are not (``sheikh``, ``niqab``, ``shari'a``, ``Pêşmerge``-style letters). Lowercase
    English words (sad, bath, sunny, she) are False, and so is a word in capitals whose
    lowercase form is (``SHE``, ``PRICE``): capitals in headlines are no evidence of a name.
    """
    if not word:
        return False
    if word.isupper() and word.lower() != word and sum(c.isalpha() for c in word) > 1:
        # Headlines and wire copy in capitals say nothing about names: judge "SHE" as "she".
        # (Some capitals have no small letter, 𝔓 among them: such a word is judged as it is.)
        return is_name_like(word.lower())
    m = _NAME_START.match(word)
    if m and m.group(0)[-1].isupper():
        return True
    if _CAMEL.match(word):
        return True
    for c in word:
        if c in _TRANSLIT_LETTERS:
            return True
        if c.isalpha() and not c.isascii() and "LATIN" not in unicodedata.name(c, "LATIN"):
            return True
    if _FOREIGN_LOWER.search(fold(word)):
        return True
    return class_form(spelling_key(word)) in loanword_forms()


def can_vary(key: str) -> bool:
    """Whether a word with this spelling key may match other spellings at all.

    Not when the key has fewer than three letters (initials, "Al", "Li") or no vowel (acronyms
    and units: HQ, GHz, NKVD): those are searched as written.
    """
    return len(key) >= 3 and any(v in key for v in "aeiou")


def class_form(key: str) -> str:
    """A key with every consonant replaced by its class (vowels kept): ``shayk`` -> ``XayK``."""
    return "".join(CONSONANT_CLASSES.get(s, s) for s in SEGMENT.findall(key))


@lru_cache(maxsize=1)
def loanword_forms() -> frozenset[str]:
    """The consonant-class forms of the keys of :data:`LOANWORDS`."""
    return frozenset(class_form(spelling_key(w)) for w in LOANWORDS)


def split_hyphens(word: str) -> list[str]:
    """The parts of a hyphenated form: ``Ahmadi-Nejad`` -> ``["Ahmadi", "Nejad"]``."""
    return [p for p in _HYPHENS.split(word) if p]


def name_parts(word: str) -> list[str]:
    """Split a hyphenated form and drop a leading article: ``al-Qaeda`` -> ``["Qaeda"]``."""
    parts = split_hyphens(word)
    if len(parts) > 1 and fold(parts[0]).strip(APOSTROPHES) in ARTICLES:
        parts = parts[1:]
    if len(parts) == 1:
        parts[0] = _CAMEL_ARTICLE.sub("", parts[0])
    return parts


#: The respelling rules, in order: a pattern, its replacement, and strings one of which every
#: match holds (none: always tried), so that a rule that cannot match is not run.
_RULES: tuple[tuple[re.Pattern[str], str, tuple[str, ...]], ...] = tuple(
    (re.compile(pattern), repl, guard)
    for pattern, repl, guard in (
        (r"(?<=[aeiou])h'", "'", ("h'",)),  # Khameneh'i -> Khamene'i
        (r"[^a-z]+", "", ()),  # ayn, hamza, apostrophes, digits
        (r"gu(?=[eiy])", "g", ("gu",)),  # a u that keeps g hard before e or i: Naguib, Guevara
        (r"^abd[aeiou](?=[^aeiou])", "abdu", ("abd",)),  # Abdul/Abdel/Abdol/Abdal
        (r"(?<=[^aeiou])[aeiou]ll[aeiou]h?$", "ulla", ("ll",)),  # -allah/-ullah/-ollah
        (r"(?<=.)x", "kh", ("x",)),
        (r"zh|dj", "j", ("zh", "dj")),
        (r"ph", "f", ("ph",)),
        (r"ck", "k", ("ck",)),
        (r"q", "k", ("q",)),
        (r"dh", "d", ("dh",)),
        (r"gh", "g", ("gh",)),
        (r"tch", "ch", ("tch",)),
        (r"c(?=[eiy])", "s", ("c",)),
        (r"c(?!h)", "k", ("c",)),
        (r"iite$", "i", ("iite",)),  # Shi'ite -> Shi'i
        (r"ee", "i", ("ee",)),
        (r"ou(?=[aeiou])", "w", ("ou",)),  # French ou for w: Oualid, Anouar
        (r"oo|ou", "u", ("oo", "ou")),
        (r"(.)\1+", r"\1", ()),
        (r"au", "aw", ("au",)),
        (r"[aeo]w(?=[^aeiouy]|$)", "u", ("w",)),
        (r"o", "u", ("o",)),
        (r"(?<=[^aeiou])y$", "i", ("y",)),
        (r"(?<=[aeiou])y(?=[aeiou])", "", ("y",)),
        (r"(?<=[^aeiouwy])y(?=[aeiou])", "i", ("y",)),  # a glide after a consonant: Qalqilya, -iya
        (r"ae|ai|ei|ey", "ay", ("ae", "ai", "ei", "ey")),
        (r"(?<=[aeiou])h$", "", ("h",)),
        (r"(.)\1+", r"\1", ()),
    )
)


@lru_cache(maxsize=200_000)
def key_of_folded(text: str) -> str:
    """Apply the tier-1 respelling rules to a folded, stemmed, article-free word."""
    for pattern, repl, guard in _RULES:
        if not guard or any(g in text for g in guard):
            text = pattern.sub(repl, text)
    return text


@lru_cache(maxsize=200_000)
def spelling_key(word: str) -> str:
    """Tier 1: the spelling key of one word as written (``""`` when nothing is left).

    ``Sairoon``, ``Sairun``, ``Sayirun``, ``Saairun``, ``Sa'irun`` and ``Sairoun`` all give
    ``sayrun``; ``al-Qaeda``, ``alQaeda`` and ``Qa'ida`` give ``kayda``; ``Ahmadi-Nejad`` gives
    the key of ``Ahmadinejad``.
    """
    folded = "".join(fold(p) for p in name_parts(word))
    return key_of_folded(light_stem(strip_possessive(folded)))
