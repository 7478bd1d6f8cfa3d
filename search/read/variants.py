"""Which spellings of a query word the index holds, and which of them count as the same name.

The ``spellings`` field holds a term ``skeleton<TAB>key<TAB>spelling`` for every name-like word
of the archive, with how often it occurs. For a query word, one prefix scan on its skeleton lists
every candidate spelling; each is then reached by a tier of matching:

- ``key``: the same spelling key (Sairoon, Sairun, Sayirun all give ``sayrun``);
- ``skeleton``: the same consonant skeleton and a small weighted distance between the keys
  (:func:`search.rules.keys_match`: Gaddafi and Kadhafi);
- ``alias``: a group of the curated alias table (Hawler and Erbil);
- ``script``: for a word in Arabic script, the Latin spellings its letters can be read as
  (:mod:`search.rules.arabic_latin`: القذافي reads as Gaddafi and Kadhafi). Arabic leaves short
  vowels unwritten, so its letters often fit more than one name (عمر: Omar, Amir, Emir). The
  reading with the usual letters (:meth:`search.rules.arabic_latin.LatinReading.cost`) and, among
  those, the most uses, that is a name, is taken for the word, with the spellings it reaches by
  the tiers above; the other names the letters fit are left out (company is too weak a signal
  between unrelated names: Mike keeps company enough like Mecca's).

and, being only a spelling, has to pass two tests of evidence from the archive. It must keep the
same company as the query word (:mod:`search.rules.company`) when both are common enough to tell:
Sony is not Sunni, nor Korean Koran, however alike their letters. And it must be used as a name:
a spelling is a name when it carries a transliteration mark (``sheikh``, ``Qur'an``), or when at
least half of its uses in the archive are written name-like (capitalized, not in a headline in
capitals). That is corpus evidence too, and it is what keeps a sentence-initial "She" away from
"Shi'ite", and "Corn" in a Reuters headline away from "Koran". The same test tells when the query
word itself is an ordinary word ("protest", "sad"): then it is searched as written, with no
variants.
"""

from __future__ import annotations

import heapq
import math
import re
import zlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import lru_cache

from search.analysis.analyzers import (
    CAPS_MARK,
    LOANWORD_MARK,
    LOANWORD_MAX_ZIPF,
    SPELLING_SEP,
    plain_letters,
    spelling_term,
)
from search.analysis.lexicon import english_zipf
from search.backend import Vocabulary
from search.rules import (
    alias_keys,
    bare_possessive,
    exact_form,
    is_name_like,
    key_distance,
    keys_match,
    skeleton,
    spelling_key,
)
from search.rules.aliases import alias_groups
from search.rules.arabic_latin import latin_reading
from search.rules.arabic_script import is_arabic, strip_marks
from search.rules.company import SEPARATOR, similarity, strongest_shared
from search.rules.conventions import rewritten, undone
from search.rules.fold import fold
from search.rules.key import ARTICLES, can_vary, class_form, key_of_folded, loanword_forms
from search.rules.skeleton import MAX_DISTANCE, segments

#: The exact form of a word that may be a loanword in small letters.
_LOANWORD_FORM = re.compile(r"[a-z]{2,}(?:'[a-z]+)*")
_Candidate = tuple[str, str, str, str, str]


#: Conventions are taken only between words of this many letters (Hajj is not hag).
CONVENTION_MIN_LETTERS = 4
#: Two words in small letters that English both writes at least this often (Zipf 2, once in
#: 100 million words) are English words, unless their keys are equal: curd and gourd (2.9 and
#: 2.8) are two words; the spellings of a loanword are mostly rare in English (hejab 0, kabob
#: 1.9, jehad 1.6), or share a key (burqa and burka, 2.6 each).
ENGLISH_BOTH_ZIPF = 2.0


def _sample_key(article_id: str) -> tuple[int, str]:
    """Where an article stands in a company sample: a hash of its id (ties by the id)."""
    return zlib.crc32(article_id.encode("utf-8")), article_id


def _close_letters(a: str, b: str) -> bool:
    """Whether two keys match once one was rewritten by a convention: the very same consonant
    letters (not merely their classes: a convention is one letter for another, and does not
    add another letter's class to it, so Khalid is not Gallet) and at most half a step apart."""
    consonants = [tuple(seg for seg in segments(k) if seg not in "aeiou") for k in (a, b)]
    return consonants[0] == consonants[1] and key_distance(a, b) <= MAX_DISTANCE


def _is_english(word: str, key: str) -> bool:
    """Whether a word typed in small letters is a common English word (as typed: kisses,
    not its stem kisse), unless it is one of the loanwords of :mod:`search.rules.key`."""
    return english_zipf(word) >= LOANWORD_MAX_ZIPF and class_form(key) not in loanword_forms()


#: A spelling counts as a name when at least this share of its uses are written name-like.
NAME_SHARE = 0.5
#: Company is compared only when both spellings occur in at least this many articles; below it
#: the letters alone decide (a rare spelling is most often a variant, and too rare to judge).
COMPANY_MIN_ARTICLES = 4
#: Articles sampled for a spelling's company (those whose ids hash lowest).
COMPANY_SAMPLE = 40
#: Below this similarity of company, two spellings are taken for different names.
COMPANY_MIN_SIMILARITY = 0.05
#: Two spellings of the same key are written alike: only company with almost nothing in common
#: says they are different words (Sony against Sunni, 0.009); different people bearing one
#: name keep company less alike than that bar (Huseyin and Hussein, 0.013; Asad and Assad).
KEY_MIN_SIMILARITY = 0.01
#: The company a possessive written without its apostrophe ("Qaedas") must share with the word
#: it extends, when both are common: it is the same word in the same kind of story (0.86 for
#: Qaedas), not merely a name of the same region (Hamas and Hama, 0.23).
POSSESSIVE_MIN_SIMILARITY = 0.4
#: A word in fewer than COMPANY_MIN_ARTICLES articles is too rare to profile, but when its
#: articles write at least this many names and not one of them is in the company of a common
#: spelling it would match by skeleton, it is a stranger (Korn, the band, for Koran).
RARE_MIN_NAMES = 3
#: Tiers a spelling can be reached by, best first, with the weight of a match in each, relative
#: to the exact spelling typed.
TIER_WEIGHTS = {
    "exact": 1.0,
    "key": 0.35,
    "possessive": 0.35,
    "alias": 0.3,
    "skeleton": 0.2,
    "convention": 0.2,
    "script": 0.35,
}


@dataclass(frozen=True)
class Spelling:
    """One spelling of the index reached (or not) from a query word."""

    text: str  # the exact-word term; a hyphenated compound is written with "-"
    key: str
    tier: str  # "exact", "key", "possessive", "alias", "skeleton", "convention" or "script"
    name_uses: int  # uses written name-like
    uses: int  # all uses, in titles and bodies
    accepted: bool
    why: str

    @property
    def weight(self) -> float:
        return TIER_WEIGHTS[self.tier]

    @property
    def words(self) -> list[str]:
        """The exact-word terms of this spelling (several for a hyphenated compound)."""
        return self.text.split("-")


def _share(name_uses: int, uses: int) -> str:
    return f"{name_uses:,} of {uses:,} use{'' if uses == 1 else 's'} written as a name"


class VariantFinder:
    """Finds the spellings of query words in one reader's vocabulary (cached per reader)."""

    def __init__(self, reader: Vocabulary) -> None:
        self.reader = reader
        # One commit's term statistics never change: each is looked up once (a lookup walks
        # every segment's term table).
        self.doc_frequency = lru_cache(maxsize=65536)(reader.doc_frequency)
        self.frequency = lru_cache(maxsize=65536)(reader.frequency)
        self.spellings = lru_cache(maxsize=4096)(self._spellings)
        self.company = lru_cache(maxsize=4096)(self._company)
        self._readings_of = lru_cache(maxsize=1024)(self._readings)
        self._rarity = lru_cache(maxsize=65536)(self._rarity_of)

    def _company(self, text: str) -> dict[str, float]:
        """The company of an exact-word term: name -> share of sampled articles that write it."""
        if not self.doc_frequency("body", text):
            return {}
        docs = self.reader.term_documents("body", text)
        # The articles whose ids hash lowest: a sample that is the same whatever engine holds
        # them and in whatever order (a folder written by several processes, a cluster's
        # shards), where one taken evenly through the index order was not.
        keyed = zip(map(_sample_key, self.reader.article_ids(docs)), docs, strict=True)
        sample = [n for _, n in heapq.nsmallest(COMPANY_SAMPLE, keyed)]
        counts: Counter[str] = Counter()
        for n in sample:
            raw = self.reader.company(n)
            if raw:
                counts.update(set(raw.decode("utf-8").split(SEPARATOR)) - {text})
        return {w: c / len(sample) for w, c in counts.items()}

    def _rarity_of(self, text: str) -> float:
        total = self.reader.doc_count_all()
        return math.log(total / (1 + self.doc_frequency("body", text))) + 1 if total else 0

    def company_evidence(self, a: str, b: str) -> tuple[float, list[str]] | None:
        """How alike the company of two exact-word terms is, with the names they share most;
        None when either occurs in fewer than :data:`COMPANY_MIN_ARTICLES` articles."""
        if min(self.documents(a), self.documents(b)) < COMPANY_MIN_ARTICLES:
            return None
        ca, cb = self.company(a), self.company(b)
        if not ca or not cb:
            return None
        return similarity(ca, cb, self._rarity), strongest_shared(ca, cb, self._rarity)

    def uses(self, text: str) -> int:
        """Occurrences of an exact-word term in titles and bodies."""
        return int(self.frequency("title", text) + self.frequency("body", text))

    def documents(self, text: str) -> int:
        """Articles whose body (or, failing that, title) holds an exact-word term."""
        return max(self.doc_frequency("body", text), self.doc_frequency("title", text))

    def caps_uses(self, text: str) -> int:
        """Uses of an exact-word term written in capitals by a word that is no name by its
        letters ("ASAD" in a headline): evidence neither way."""
        return int(self.frequency("spellings", CAPS_MARK + text))

    def _name_uses(self, text: str, key: str) -> int:
        return int(self.frequency("spellings", spelling_term(key, text)))

    def _judge(self, text: str, key: str, tier: str, name_uses: int) -> Spelling:
        if "-" in text:
            # A hyphenated compound is searched as a phrase of its parts: every part must be a
            # name of its own, or "A-Man" would turn into the phrase "a man".
            # An article inside the compound ("Abd-al") is no name of its own, nor an ordinary
            # word: it is not judged.
            parts = [
                self._judge(
                    part, spelling_key(part), tier, self._name_uses(part, spelling_key(part))
                )
                for part in text.split("-")
                if part not in ARTICLES
            ]
            ordinary = [p.text for p in parts if not p.accepted]
            why = f"ordinary parts: {', '.join(ordinary)}" if ordinary else "all parts are names"
            return Spelling(text, key, tier, name_uses, name_uses, not ordinary, why)
        # Uses in a headline's capitals tell nothing: they are left out.
        uses = max(self.uses(text) - self.caps_uses(text), name_uses)
        if is_name_like(text):
            accepted, why = True, "spelled like a transliteration"
        elif uses and name_uses >= NAME_SHARE * uses:
            accepted, why = True, f"a name: {_share(name_uses, uses)}"
        else:
            accepted, why = False, f"an ordinary word: {_share(name_uses, uses)}"
        return Spelling(text, key, tier, name_uses, uses, accepted, why)

    def is_name(self, text: str) -> bool:
        """Whether the archive uses an exact-word term as a name (the test spellings pass)."""
        key = spelling_key(text)
        return bool(key) and self._judge(text, key, "exact", self._name_uses(text, key)).accepted

    def query_word_is_ordinary(self, exact: str, key: str) -> Spelling | None:
        """The query word's own spelling when the archive uses it as an ordinary word."""
        uses = self.uses(exact)
        if not uses or not key:
            return None
        own = self._judge(exact, key, "exact", self._name_uses(exact, key))
        return None if own.accepted else own

    def _compare_company(
        self, exact: str, spelling: Spelling, least: float = COMPANY_MIN_SIMILARITY
    ) -> Spelling:
        """Reject a spelling whose company differs from the query word's (both common): a
        similarity under ``least``."""
        evidence = self.company_evidence(exact, spelling.text)
        if evidence is None:
            return self._compare_rare_company(exact, spelling)
        score, shared = evidence
        names = f" (both name {', '.join(shared)})" if shared else ""
        if score < least:
            why = f"different company: similarity {score:.2f} < {least}{names}"
            return replace(spelling, accepted=False, why=why)
        return replace(spelling, why=f"{spelling.why}; same company: {score:.2f}{names}")

    def _compare_rare_company(self, exact: str, spelling: Spelling) -> Spelling:
        """Reject a spelling reached by looser letters than a shared key (the skeleton, a
        reading of Arabic script) when one of the two words is common, the other too rare to
        profile, and the rare one's articles name several names, none in the common one's
        company. A shared key is the same name written another way, and different people
        share a name (Osama, Usama): it needs no such evidence."""
        counts = self.documents(exact), self.documents(spelling.text)
        if spelling.tier == "key" or min(counts) == 0 or max(counts) < COMPANY_MIN_ARTICLES:
            return spelling
        rare, common = (exact, spelling.text) if counts[0] < counts[1] else (spelling.text, exact)
        theirs, ours = self.company(rare), self.company(common)
        if len(theirs) < RARE_MIN_NAMES or not ours or set(ours) & set(theirs):
            return spelling
        sample = ", ".join(sorted(theirs, key=lambda w: (-theirs[w], w))[:3])
        why = f"a stranger: {rare!r} is written with {sample}, none in the company of {common!r}"
        return replace(spelling, accepted=False, why=why)

    def _spellings(self, exact: str, key: str, small: bool = False) -> tuple[Spelling, ...]:
        """Every spelling of the index reached from a query word, accepted or not, best first;
        ``small``: the word was typed in small letters and is no common English word (a
        loanword's spellings are reached).

        The query word's own spelling is not listed: the exact tier always applies.
        """
        if not can_vary(key):
            return ()
        found: dict[str, Spelling] = {}
        loanword = small and self._add_loanwords(exact, key, found)
        if self.query_word_is_ordinary(exact, key):
            return tuple(found.values()) if loanword else ()
        for _, candidate, text, tier, why in self._candidates("", exact, key):
            if text in found:
                continue
            spelling = self._judge(text, candidate, tier, self._name_uses(text, candidate))
            if why:
                spelling = replace(spelling, why=f"{why}; {spelling.why}")
            if spelling.accepted:
                least = KEY_MIN_SIMILARITY if tier == "key" else COMPANY_MIN_SIMILARITY
                spelling = self._compare_company(exact, spelling, least)
            found[text] = spelling
        # An alias joins keys: every spelling of the index with the key of a member of the
        # query's alias group is reached (Ramadhan through Ramadan's key, for Ramazan).
        listed = {exact_form(w) for group, _ in alias_groups() for w in group}
        for alias_key in sorted(alias_keys(key)):
            for raw in self.reader.expand_prefix("spellings", skeleton(alias_key) + SPELLING_SEP):
                _, candidate, text = raw.decode("utf-8").split(SPELLING_SEP, 2)
                if candidate == alias_key and text != exact and text not in found:
                    spelling = self._judge(
                        text, candidate, "alias", self._name_uses(text, candidate)
                    )
                    if spelling.accepted and text not in listed:
                        # A spelling of the table's key but not in the table: the key is
                        # looser than the spellings listed (Shi, for Shi'ite), so company
                        # may tell another word.
                        spelling = self._compare_company(exact, spelling)
                    found[text] = spelling
        self._add_bare_possessives(exact, found)
        order = list(TIER_WEIGHTS)
        return tuple(sorted(found.values(), key=lambda s: (order.index(s.tier), -s.uses, s.text)))

    def _candidates(self, mark: str, exact: str, key: str) -> Iterator[_Candidate]:
        """The spellings of one world of the index (``mark`` "" for names,
        :data:`~search.analysis.analyzers.LOANWORD_MARK` for loanwords) that a query word's letters
        reach, as (term, key, spelling, tier, why): the same key, the skeleton's guarded
        distance, or a writing convention (:mod:`search.rules.conventions`: Cemal for Jamal,
        Ahmet for Ahmed, zakah for zakat), the query word rewritten matching a spelling's key
        or a spelling rewritten matching the query's; those are found under the keys of the
        query word rewritten either way. The tiers come best first; a spelling may come twice.
        """

        def scan(skel: str) -> Iterator[tuple[str, str, str]]:
            for raw in self.reader.expand_prefix("spellings", mark + skel + SPELLING_SEP):
                term = raw.decode("utf-8")
                _, candidate, text = term[len(mark) :].split(SPELLING_SEP, 2)
                if text != exact and can_vary(candidate):
                    yield term, candidate, text

        for term, candidate, text in scan(skeleton(key)):
            if candidate == key:
                yield term, candidate, text, "key", ""
            elif keys_match(key, candidate):
                yield term, candidate, text, "skeleton", ""
        if len(exact) < CONVENTION_MIN_LETTERS:
            return
        mine = [(name, key_of_folded(other)) for name, other in rewritten(exact)]
        looked = {key_of_folded(other) for _, other in undone(exact)} | {k for _, k in mine}
        for skel in sorted({skeleton(k) for k in looked if k}):
            for term, candidate, text in scan(skel):
                if len(text) < CONVENTION_MIN_LETTERS:
                    continue
                why = next((name for name, k in mine if _close_letters(k, candidate)), None)
                if why is None:
                    why = next(
                        (
                            name
                            for name, other in rewritten(text)
                            if _close_letters(key, key_of_folded(other))
                        ),
                        None,
                    )
                if why is not None:
                    yield term, candidate, text, "convention", why

    def _add_loanwords(self, exact: str, key: str, found: dict[str, Spelling]) -> bool:
        """Add the spellings in small letters of a word no English text writes often, a
        loanword (zakat, zakah; souk, souq), reached as names are by their letters: among the
        words the index recorded as loanwords (:data:`search.analysis.analyzers.LOANWORD_MARK`), and
        among the names those spelled like a transliteration (souq, qibla; never Kurd, for
        curd). True when ``exact`` may be a loanword."""
        if not _LOANWORD_FORM.fullmatch(exact):
            return False
        for term, candidate, text, tier, why in self._candidates(LOANWORD_MARK, exact, key):
            if text in found:
                continue
            if tier != "key" and min(english_zipf(exact), english_zipf(text)) >= ENGLISH_BOTH_ZIPF:
                # Looser letters than a key between two words English writes (curd, gourd):
                # two English words, not two spellings of one loanword (burqa, burka share a key).
                why = f"two English words: {exact!r} and {text!r} are both in English's word list"
                found[text] = Spelling(text, candidate, tier, 0, self.uses(text), False, why)
                continue
            loan_uses = int(self.frequency("spellings", term))
            uses = max(self.uses(text) - self.caps_uses(text), loan_uses)
            accepted = loan_uses >= NAME_SHARE * uses
            share = f"{loan_uses:,} of {uses:,} use{'' if uses == 1 else 's'} in small letters"
            why = f"{why}; " if why else ""
            why += f"a loanword, no common English word: {share}"
            spelling = Spelling(text, candidate, tier, loan_uses, uses, accepted, why)
            if accepted:
                spelling = self._compare_company(exact, spelling)
            found[text] = spelling
        for _, candidate, text, tier, why in self._candidates("", exact, key):
            if text not in found and is_name_like(text):
                spelling = self._judge(text, candidate, tier, self._name_uses(text, candidate))
                if why:
                    spelling = replace(spelling, why=f"{why}; {spelling.why}")
                found[text] = self._compare_company(exact, spelling)
        return True

    def _add_bare_possessives(self, exact: str, found: dict[str, Spelling]) -> None:
        """Add the possessives written without an apostrophe ("al-Qaedas") of the query word
        and of the spellings it reaches, where the stemmer cannot fold them: each is judged as
        a name, by its company against the word it extends, and must be the rarer of the two:
        a search for Hama, Abba or Luca does not take Hamas, Abbas or Lucas."""
        bases = [exact, *(s.text for s in found.values() if s.accepted and "-" not in s.text)]
        for base in bases:
            text = bare_possessive(base)
            if text is None or text == exact or text in found or not self.uses(text):
                continue
            key = spelling_key(text)
            spelling = self._judge(text, key, "possessive", self._name_uses(text, key))
            if spelling.accepted and spelling.uses >= self.uses(base):
                # A possessive that lost its apostrophe is a minority form of the name.
                why = f"more common than {base!r}: a word of its own"
                spelling = replace(spelling, accepted=False, why=why)
            elif spelling.accepted:
                spelling = self._compare_company(base, spelling, POSSESSIVE_MIN_SIMILARITY)
            found[text] = replace(spelling, why=f"the possessive of {base!r}; {spelling.why}")

    def reach(self, original: str, exact: str, key: str) -> tuple[Spelling, ...]:
        """Every spelling a query word reaches: :meth:`spellings` for a word in Latin letters,
        the Latin readings of a word in Arabic script (read from its letters as written: the
        exact form merges ة into ه and ى into ي, which are read differently)."""
        if is_arabic(original):
            return self._readings_of(strip_marks(original))
        small = original == original.lower() and not _is_english(fold(original), key)
        found = self.cluster(exact, key, small)
        plain = spelling_key(plain_letters(original))
        if plain and plain != key:
            # Başbuğ also as the press writes it in plain letters, Basbug.
            seen = {s.text for s in found}
            found += tuple(s for s in self.spellings(exact, plain, small) if s.text not in seen)
        return found

    def cluster(self, exact: str, key: str, small: bool = False) -> tuple[Spelling, ...]:
        """The spellings a word in Latin letters is searched with: those reached from the
        commonest spelling among the word and the spellings it reaches (its head), so that
        every spelling of a name that leads to the same head finds the same articles (the
        commonest is the best judged: its company is the best known).

        The word's own spelling is always searched (the exact tier); when the head does not
        reach a spelling the word reaches, it is listed as left out."""
        own = self.spellings(exact, key, small)
        # Only a spelling of the same key can head: looser letters (a skeleton, an alias)
        # could lead to another name's spellings.
        accepted = [s for s in own if s.accepted and s.tier == "key" and "-" not in s.text]
        if not accepted:
            return own
        head = max(accepted, key=lambda s: (self.documents(s.text), s.text))
        if self.documents(head.text) <= self.documents(exact):
            return own
        theirs = {s.text: s for s in self.spellings(head.text, head.key, small)}
        found: dict[str, Spelling] = {
            head.text: replace(head, why=f"the commonest spelling reached (head); {head.why}")
        }
        for spelling in theirs.values():
            if spelling.text == exact:
                continue
            mine = next((s for s in own if s.text == spelling.text), None)
            tier = mine.tier if mine is not None else spelling.tier
            found[spelling.text] = replace(
                spelling, tier=tier, why=f"as for {head.text!r}, the head: {spelling.why}"
            )
        for spelling in own:
            if spelling.text not in found and spelling.text != head.text:
                why = f"not a spelling of {head.text!r}, the head; {spelling.why}"
                found[spelling.text] = replace(spelling, accepted=False, why=why)
        order = list(TIER_WEIGHTS)
        return tuple(sorted(found.values(), key=lambda s: (order.index(s.tier), -s.uses, s.text)))

    def _readings(self, word: str) -> tuple[Spelling, ...]:
        """The Latin spellings of the index an Arabic-script word reads as (see the module
        docstring), accepted or not: the word's reading first, then what it reaches."""
        latin = latin_reading(word)
        if latin is None:
            return ()
        readings: list[tuple[int, Spelling]] = []
        for start in sorted(latin.starts):
            for raw in self.reader.expand_prefix("spellings", start):
                _, candidate, text = raw.decode("utf-8").split(SPELLING_SEP, 2)
                cost = latin.cost(candidate)
                if cost is not None and can_vary(candidate):
                    name_uses = self._name_uses(text, candidate)
                    readings.append((cost, self._judge(text, candidate, "script", name_uses)))
        # The usual letters first, then the commonest: the word's reading.
        readings.sort(key=lambda r: (r[0], -r[1].uses, r[1].text))
        names = [s for _, s in readings if s.accepted]
        if not names:
            return tuple(s for _, s in readings)
        anchor = names[0]
        found = {anchor.text: replace(anchor, why=f"the reading; {anchor.why}")}
        for spelling in self.spellings(anchor.text, anchor.key):
            if spelling.accepted:
                why = f"a spelling of {anchor.text!r}, the reading; {spelling.why}"
                found.setdefault(spelling.text, replace(spelling, why=why))
        for _, reading in readings:
            if reading.text not in found:
                if reading.accepted:
                    why = f"another name the letters fit, not a spelling of {anchor.text!r}"
                    reading = replace(reading, accepted=False, why=f"{why}; {reading.why}")
                found[reading.text] = reading
        return tuple(found.values())
