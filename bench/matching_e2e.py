"""Matching measured through the product: spelling sets searched in an index, as users meet it.

    python bench/matching_e2e.py [--set NAME|PATH ...] [--realistic | --both]
                                 [--corpora DIR] [--procs N] [--work DIR] [--json FILE]

For each set (``variants``: ../shared/eval/variants.json; ``dev``, ``heldout`` and
``arabic_script``: bench/matching_sets/; or a file of the same shape), a fresh index is built
with :func:`search.index_corpus` and every spelling is searched with
:meth:`search.Engine.search` (``SearchRequest.from_params(spelling, size=100)``, every page).

Two ways to fill the index:

- synthetic (the default): one short article per spelling, a news sentence that writes the
  spelling as a name in mid-sentence (a lower-case word in lower case), with filler that holds no
  other spelling of the set; the article's id says which spelling it holds;
- realistic (``--realistic``; ``--both`` runs both): the real articles of the corpora that hold
  any spelling of the set (found by reading the corpora, not through the engine: a spelling is
  held when it occurs as a whole word or, for a name of several words, as a sequence of words;
  case and accents ignored, Turkish and Kurdish letters spelled out, with a possessive or, unless
  the corpora write that form more often than the word, a plural s), at most ``--cap`` (100)
  of them per spelling, drawn by a hash of the id, plus one synthetic article for each spelling
  that occurs nowhere. This exercises the evidence the engine uses: how often a spelling is
  written as a name, and the names it keeps company with.

Measures, in both ways, over the articles each spelling is held by:

- groups merged: every spelling's search retrieves every article of every other spelling of the
  group (ordered pairs); pair recall: the ordered pairs that do; article recall: the share of
  the group's articles each spelling's search retrieves (mean over the spellings searched);
- false merges: distinct pairs where either spelling's search retrieves an article that holds
  the other word and neither it nor a spelling of its group, and marks the other word there
  as a match (``Hit.matched``: an article retrieved through another spelling of the query that
  the set does not list, Mahmud for Mahmoud, is not the other word's doing);
- precision: the share of what a search retrieves that holds the spelling or one of its group
  (mean over the spellings searched; on real articles a floor, since a spelling the set does
  not list counts against it);
- Arabic script: each Arabic-script query must retrieve the articles of every Latin spelling
  listed for it (names fully found, Latin spellings found, article recall), and no article
  that holds only the other word of one of its distinct pairs.

Beside them, the rules-level table of bench/matching.py (``measure_all`` on the same set, with
the Soundex, Double Metaphone and unidecode baselines) for the sets in Latin letters. Then, for
every set but a held-out one, the groups not merged and the pairs merged, with the reasons
``news-search analyze`` gives (:meth:`search.Engine.analyze`). A set whose file says
``"held_out": true`` (bench/matching_sets/heldout.json) is reported only in aggregate figures:
no spelling of it is printed or written to ``--json``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import tempfile
import time
import unicodedata
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matching import measure_all
from matching import table as rules_table
from timing import print_table, write_json

from search import Engine, SearchError, SearchRequest, index_corpus
from search.rules import exact_form, explain_match
from search.rules.arabic_script import is_arabic
from search.rules.key import split_hyphens
from search.write.corpus import Article, find_files, read_file

ROOT = Path(__file__).resolve().parents[1]
SETS_DIR = ROOT / "bench" / "matching_sets"
DEFAULT_CORPORA = ROOT.parent / "shared" / "corpora"
SETS = {
    "variants": ROOT.parent / "shared" / "eval" / "variants.json",
    "dev": SETS_DIR / "dev.json",
    "heldout": SETS_DIR / "heldout.json",
    "arabic_script": SETS_DIR / "arabic_script.json",
}
PAGE_SIZE = 100
#: Realistic mode indexes at most this many of the articles that hold each spelling (the
#: engine profiles a spelling's company on 40 of them): the commonest words (aid, Mike, Iraq)
#: would otherwise make an index of most of the corpora.
CAP = 100

# ---------------------------------------------------------------------------------------------
# The sets


@dataclass(frozen=True)
class ArabicName:
    arabic: str
    latin: tuple[str, ...]


@dataclass(frozen=True)
class ArabicPair:
    arabic: str
    latin: tuple[str, ...]  # the Latin spellings of the Arabic word itself
    other: str  # a Latin spelling of another word, which the query must not retrieve


@dataclass
class SpellingSet:
    """One evaluation set: spelling groups and distinct pairs, or Arabic-script names."""

    name: str
    held_out: bool = False
    groups: list[list[str]] = field(default_factory=list)
    pairs: list[tuple[str, str]] = field(default_factory=list)
    names: list[ArabicName] = field(default_factory=list)
    arabic_pairs: list[ArabicPair] = field(default_factory=list)
    kinds: dict[str, str] = field(default_factory=dict)  # spelling -> kind of article

    @property
    def arabic(self) -> bool:
        return bool(self.names or self.arabic_pairs)

    def latin_spellings(self) -> list[str]:
        """Every Latin spelling that gets articles, in a stable order, once each."""
        seen: dict[str, None] = {}
        for g in self.groups:
            seen.update(dict.fromkeys(g))
        for a, b in self.pairs:
            seen.update(dict.fromkeys((a, b)))
        for n in self.names:
            seen.update(dict.fromkeys(n.latin))
        for p in self.arabic_pairs:
            seen.update(dict.fromkeys((*p.latin, p.other)))
        return list(seen)

    def queries(self) -> list[str]:
        """What is searched: every Latin spelling of groups and pairs, every Arabic word."""
        if self.arabic:
            seen = dict.fromkeys(n.arabic for n in self.names)
            seen.update(dict.fromkeys(p.arabic for p in self.arabic_pairs))
            return list(seen)
        seen = {}
        for g in self.groups:
            seen.update(dict.fromkeys(g))
        for a, b in self.pairs:
            seen.update(dict.fromkeys((a, b)))
        return list(seen)

    def rules_input(self) -> dict[str, list[list[str]]]:
        """The set in bench/matching.py's shape."""
        return {"groups": self.groups, "distinct_pairs": [list(p) for p in self.pairs]}


def load_set(name: str, path: Path) -> SpellingSet:
    """Read a set file: variants.json's shape (``groups``, ``distinct_pairs``, optional
    ``group_meta`` and ``pair_meta`` with a ``kind`` per spelling), or the Arabic-script shape
    (``names`` with ``arabic`` and ``latin``; ``distinct_pairs`` with ``arabic``, ``latin`` and
    ``other``)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    s = SpellingSet(name=name, held_out=bool(data.get("held_out")))
    if "names" in data:
        for n in data["names"]:
            s.names.append(ArabicName(n["arabic"], tuple(n["latin"])))
            for w in n["latin"]:
                s.kinds.setdefault(w, n.get("kind", ""))
        for p in data.get("distinct_pairs", []):
            s.arabic_pairs.append(ArabicPair(p["arabic"], tuple(p.get("latin", ())), p["other"]))
            for w in (*p.get("latin", ()), p["other"]):
                s.kinds.setdefault(w, p.get("kind", ""))
        return s
    s.groups = [list(g) for g in data["groups"]]
    s.pairs = [(a, b) for a, b in data["distinct_pairs"]]
    for group, meta in zip(s.groups, data.get("group_meta", []), strict=False):
        for w in group:
            s.kinds.setdefault(w, meta.get("kind", ""))
    for pair, meta in zip(s.pairs, data.get("pair_meta", []), strict=False):
        for w, kind in zip(pair, meta.get("kinds", ()), strict=False):
            s.kinds.setdefault(w, kind)
    return s


# ---------------------------------------------------------------------------------------------
# Synthetic articles

#: News sentences by kind of name; ``{w}`` is the spelling, written once, in mid-sentence.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "person": (
        "Officials said on Tuesday that {w} had met the delegation in the capital.",
        "In a statement read on state television, {w} called for calm after the clashes.",
        "The talks were led by {w}, according to two people who were present.",
        "Protesters outside the ministry chanted the name of {w} for several hours.",
    ),
    "place": (
        "Fighting was reported near {w} on Sunday, local officials said.",
        "Thousands of families fled {w} as the army advanced from the south.",
        "The governor of {w} said the road to the border had reopened.",
        "Aid convoys reached {w} after a week of negotiations.",
    ),
    "org": (
        "A spokesman for {w} denied the report in a statement on Monday.",
        "Leaders of {w} met in the capital to discuss the new government.",
        "The statement, attributed to {w}, could not be independently verified.",
    ),
    "group": (
        "Leaders of the {w} community called for restraint after the attack.",
        "Several {w} families said they had received threats.",
    ),
    "term": (
        "Residents said the question of {w} came up again at the weekly meeting.",
        "The report described the {w} in some detail, citing local sources.",
        "Few of those interviewed had heard the word {w} used that way.",
    ),
    "word": (
        'The column in the weekend edition used the word "{w}" twice, readers noted.',
        'Asked what he made of it, the spokesman said "{w}" and nothing more.',
    ),
    "name": (
        "The award went to {w}, the organisers said on Friday.",
        "A long profile of {w} appeared in the weekend edition.",
    ),
    "title": (
        "Prayers at the main mosque were led by the {w} on Friday, witnesses said.",
        "The visitors were received by the {w} at his home outside the city.",
    ),
    "event": (
        "Families gathered for {w} in the old city on Friday, witnesses said.",
        "Markets were busy in the days before {w}, traders said.",
    ),
    "book": (
        "Verses from the {w} were read at the opening of the ceremony.",
        "He quoted the {w} at length in his speech to the crowd.",
    ),
    "language": (
        "The channel began broadcasting in {w} on Monday, its director said.",
        "Schools will teach in {w} from next year, the ministry said.",
    ),
    "generic": (
        "Reporters asked about {w} at the briefing on Tuesday, officials said.",
        "A statement that mentioned {w} was read out at the end of the meeting.",
    ),
}
#: The set files' one-letter kinds and names.
KINDS = {
    "P": "person",
    "L": "place",
    "O": "org",
    "G": "group",
    "T": "term",
    "W": "word",
    "N": "name",
    "X": "title",
    "E": "event",
    "B": "book",
    "S": "language",
}
_TITLES = ("Regional roundup", "News in brief", "From our correspondents", "Wire report")


def _kind(spelling: str, kind: str) -> str:
    kind = KINDS.get(kind, kind)
    if spelling[:1].islower():
        return kind if kind in ("term", "word") else ("term" if kind else "word")
    return kind if kind in TEMPLATES and kind not in ("term", "word") else "generic"


def _template_words(text: str) -> set[str]:
    return {exact_form(w) for w in re.findall(r"[^\W\d_]+", text)}


def synthetic_articles(
    spellings: Sequence[str], kinds: dict[str, str], avoid: Iterable[str], prefix: str = "e2e"
) -> dict[str, dict[str, str]]:
    """One article per spelling: ``{spelling: {"id", "title", "body"}}``.

    The filler of each article holds no word whose exact form is that of a spelling in
    ``avoid`` (the whole set): a template that would is passed over for the next one.
    """
    banned = {exact_form(p) for w in avoid for p in re.split(r"[\s\-‐‑–—]+", w) if p}
    articles = {}
    for i, spelling in enumerate(spellings):
        options = TEMPLATES[_kind(spelling, kinds.get(spelling, ""))] + TEMPLATES["generic"]
        for j in range(len(options)):
            template = options[(i + j) % len(options)]
            if not _template_words(template.replace("{w}", "")) & banned:
                break
        else:
            raise ValueError(f"every template holds a word of the set (spelling {i})")
        title = next(
            (
                t
                for k in range(len(_TITLES))
                if not _template_words(t := _TITLES[(i + k) % 4]) & banned
            ),
            "",
        )
        articles[spelling] = {
            "id": f"{prefix}-{i:04d}:{spelling}",
            "title": title,
            "body": template.format(w=spelling),
        }
    return articles


# ---------------------------------------------------------------------------------------------
# Reading the corpora: which articles hold a spelling

#: Letters read as their digraphs, as Turkish and Kurdish spell them (so Şêx is not "sex").
_LETTERS = str.maketrans({"ş": "sh", "ç": "ch", "ğ": "g", "ı": "i", "’": "'", "ʼ": "'", "ʻ": "'"})
_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)*")
_SEPARATOR = r"[\s\-‐‑–—]+"


def normalise(text: str) -> str:
    """Lowercase, Turkish and Kurdish letters spelled out, accents and marks dropped."""
    text = unicodedata.normalize("NFKD", text.lower().translate(_LETTERS))
    return "".join(c for c in text if not unicodedata.combining(c))


def _parts(spelling: str) -> list[str]:
    return _TOKEN.findall(normalise(spelling))


@dataclass
class CorpusScan:
    """One pass over the corpora: the articles that hold each spelling, and the articles."""

    spellings: list[str]
    holders: dict[str, set[str]] = field(default_factory=dict)
    articles: dict[str, Article] = field(default_factory=dict)
    by_corpus: dict[str, dict[str, int]] = field(default_factory=dict)  # spelling -> corpus -> n
    read: int = 0


def scan_corpora(corpora: Path, spellings: Iterable[str], keep: bool = True) -> CorpusScan:
    """Find, by reading the corpora (not through the engine), the articles that hold each
    spelling: as a whole word (or a sequence of words, for a name of several), with a
    possessive, or with a plural s unless the corpora write the word with that s in more
    articles than without it (Hamas is not the plural of Hama). What a spelling is held by
    does not depend on the other spellings scanned."""
    spellings = list(dict.fromkeys(spellings))
    result = CorpusScan(spellings)
    single: dict[str, list[str]] = defaultdict(list)  # token form -> spellings
    multi: list[tuple[str, list[str], re.Pattern[str]]] = []
    for s in spellings:
        parts = _parts(s)
        if not parts:
            continue
        if len(parts) == 1:
            single[parts[0]].append(s)
        else:
            body = _SEPARATOR.join(re.escape(p) for p in parts)
            multi.append((s, parts, re.compile(rf"(?<![\w']){body}(?:'s|s|')?(?![\w'])")))
    forms: dict[str, set[str]] = defaultdict(set)  # token -> article ids
    wanted = set(single) | {w + e for w in single for e in ("'s", "'", "s")}
    found_multi: dict[str, set[str]] = defaultdict(set)
    corpus_of: dict[str, str] = {}
    for path in find_files([corpora]).files:
        for record in read_file(path):
            if not isinstance(record, Article):
                continue
            result.read += 1
            text = normalise(f"{record.title}\n{record.body}")
            tokens = set(_TOKEN.findall(text))
            hit = False
            for t in tokens & wanted:
                forms[t].add(record.id)
                hit = True
            for s, parts, pattern in multi:
                if all(p in tokens or p + "s" in tokens for p in parts) and pattern.search(text):
                    found_multi[s].add(record.id)
                    hit = True
            if hit:
                corpus_of[record.id] = path.stem
                if keep:
                    result.articles[record.id] = record
    for word, owners in single.items():
        base, plural = forms.get(word, set()), forms.get(word + "s", set())
        ids = base | forms.get(word + "'s", set()) | forms.get(word + "'", set())
        if len(plural) <= len(base):
            ids |= plural  # a plural, or a possessive written without its apostrophe
        for s in owners:
            result.holders[s] = set(ids)
    for s, _, _ in multi:
        result.holders[s] = found_multi.get(s, set())
    for s in spellings:
        result.holders.setdefault(s, set())
        counts: dict[str, int] = defaultdict(int)
        for i in result.holders[s]:
            counts[corpus_of[i]] += 1
        result.by_corpus[s] = dict(sorted(counts.items()))
    return result


def sample(ids: set[str], cap: int) -> set[str]:
    """At most ``cap`` of the ids (all for 0): the first by a hash of the id, so that the same
    articles are drawn for every spelling and in every run."""
    if not cap or len(ids) <= cap:
        return set(ids)
    return set(sorted(ids, key=lambda i: hashlib.sha1(i.encode("utf-8")).hexdigest())[:cap])


# ---------------------------------------------------------------------------------------------
# Searching


@dataclass
class Searched:
    """What every query retrieved, the words it marked in each article, what went wrong."""

    retrieved: dict[str, set[str]] = field(default_factory=dict)
    #: query -> article id -> the words the search marked there (normalised)
    marked: dict[str, dict[str, set[str]]] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)  # query -> error
    slowest_ms: float = 0.0


def retrieve(engine: Engine, q: str) -> tuple[dict[str, set[str]], float]:
    """Every article a search retrieves, page by page as a user pages through it, with the
    spellings it marks in each (``Hit.matched``, normalised)."""
    hits: dict[str, set[str]] = {}
    page, took = 1, 0.0
    while True:
        response = engine.search(SearchRequest.from_params(q, page=page, size=PAGE_SIZE))
        took += response.took_ms
        for h in response.hits:
            hits[h.id] = {normalise(m) for m in h.matched}
        if page >= response.pages:
            return hits, took
        page += 1


def search_all(engine: Engine, queries: Iterable[str]) -> Searched:
    out = Searched()
    for q in queries:
        try:
            hits, took = retrieve(engine, q)
        except SearchError as e:  # a refusal is what a user would see: nothing retrieved
            out.retrieved[q], out.marked[q] = set(), {}
            out.errors[q] = f"{type(e).__name__}: {e}"
            continue
        except Exception as e:  # an engine fault: recorded, and the run goes on
            out.retrieved[q], out.marked[q] = set(), {}
            out.errors[q] = f"crash: {type(e).__name__}: {e}"
            continue
        out.retrieved[q], out.marked[q] = set(hits), hits
        out.slowest_ms = max(out.slowest_ms, took)
    return out


def _marks(searched: Searched, query: str, word: str, ids: set[str]) -> set[str]:
    """The articles among ``ids`` where the search for ``query`` marked ``word`` itself (as
    written, case and accents aside): the search took the word for a spelling of the query."""
    target = normalise(word)
    marked = searched.marked[query]
    return {i for i in ids if target in marked.get(i, ())}


# ---------------------------------------------------------------------------------------------
# Measures


@dataclass
class Miss:
    """An ordered pair of a group that does not match: ``query`` misses articles of ``other``."""

    query: str
    other: str
    missed: int
    of: int
    why: list[str] = field(default_factory=list)  # filled for sets that are not held out


@dataclass
class Merge:
    """A distinct pair merged: ``query``'s search retrieves articles holding only ``other``."""

    query: str
    other: str
    articles: int
    why: list[str] = field(default_factory=list)


@dataclass
class Figures:
    """The end-to-end figures of one set in one mode."""

    set: str
    mode: str
    held_out: bool
    articles: int = 0
    queries: int = 0
    groups: int = 0
    groups_merged: int = 0
    pairs: int = 0
    pairs_matched: int = 0
    article_recall: float = 0.0
    distinct: int = 0
    false_merges: int = 0
    precision: float = 0.0
    names: int = 0
    names_found: int = 0
    latin: int = 0
    latin_found: int = 0
    errors: int = 0
    slowest_ms: float = 0.0
    seconds: float = 0.0
    failed_groups: list[list[Miss]] = field(default_factory=list)
    merged_pairs: list[list[Merge]] = field(default_factory=list)
    failed_names: list[tuple[str, list[Miss]]] = field(default_factory=list)
    error_list: dict[str, str] = field(default_factory=dict)

    @property
    def group_recall(self) -> float:
        return _pct(self.groups_merged, self.groups)

    @property
    def pair_recall(self) -> float:
        return _pct(self.pairs_matched, self.pairs)

    @property
    def false_merge_rate(self) -> float:
        return _pct(self.false_merges, self.distinct)

    def summary(self) -> dict[str, object]:
        """The aggregate figures (all that is reported for a held-out set)."""
        out: dict[str, object] = {
            "set": self.set,
            "mode": self.mode,
            "held_out": self.held_out,
            "articles": self.articles,
            "queries": self.queries,
        }
        if self.names:
            out.update(
                names=self.names,
                names_fully_found=self.names_found,
                latin_spellings=self.latin,
                latin_spellings_found=self.latin_found,
            )
        else:
            out.update(
                groups=self.groups,
                groups_merged=self.groups_merged,
                group_recall=round(self.group_recall, 2),
                ordered_pairs=self.pairs,
                pairs_matched=self.pairs_matched,
                pair_recall=round(self.pair_recall, 2),
            )
        out.update(
            article_recall=round(self.article_recall, 2),
            distinct_pairs=self.distinct,
            false_merges=self.false_merges,
            false_merge_rate=round(self.false_merge_rate, 2),
            precision=round(self.precision, 2),
            errors=self.errors,
            slowest_query_ms=round(self.slowest_ms, 1),
            seconds=round(self.seconds, 1),
        )
        return out


def _pct(n: int, of: int) -> float:
    return 100.0 * n / of if of else 0.0


def _mean(values: list[float]) -> float:
    return sum(values) / len(values) if values else 100.0


def measure_latin(
    s: SpellingSet, holders: dict[str, set[str]], searched: Searched, f: Figures
) -> None:
    """Groups, pairs, article recall, false merges and precision of a set in Latin letters."""
    ret = searched.retrieved
    mates: dict[str, set[str]] = defaultdict(set)
    for g in s.groups:
        for w in g:
            mates[w].update(g)
    recalls: list[float] = []
    for g in s.groups:
        f.groups += 1
        misses = []
        for q in dict.fromkeys(g):
            relevant = set().union(*(holders[w] for w in g))
            recalls.append(_pct(len(ret[q] & relevant), len(relevant)) if relevant else 100.0)
            for other in dict.fromkeys(g):
                if other == q:
                    continue
                f.pairs += 1
                missed = holders[other] - ret[q]
                if missed:
                    misses.append(Miss(q, other, len(missed), len(holders[other])))
                else:
                    f.pairs_matched += 1
        if misses:
            f.failed_groups.append(misses)
        else:
            f.groups_merged += 1
    f.article_recall = _mean(recalls)
    f.distinct = len(s.pairs)
    for a, b in s.pairs:
        merges = []
        for q, other in ((a, b), (b, a)):
            own = holders[q].union(*(holders[w] for w in mates[q]))
            wrong = _marks(searched, q, other, ret[q] & (holders[other] - own))
            if wrong:
                merges.append(Merge(q, other, len(wrong)))
        if merges:
            f.false_merges += 1
            f.merged_pairs.append(merges)
    precisions = []
    for q in s.queries():
        if ret[q]:
            own = holders[q].union(*(holders[w] for w in mates[q]))
            precisions.append(_pct(len(ret[q] & own), len(ret[q])))
    f.precision = _mean(precisions)


def measure_arabic(
    s: SpellingSet, holders: dict[str, set[str]], searched: Searched, f: Figures
) -> None:
    """Names fully found, Latin spellings found, article recall, false merges, precision."""
    ret = searched.retrieved
    recalls = []
    own_of: dict[str, set[str]] = defaultdict(set)
    for n in s.names:
        own_of[n.arabic].update(n.latin)
    for p in s.arabic_pairs:
        own_of[p.arabic].update(p.latin)
    for n in s.names:
        f.names += 1
        relevant = set().union(*(holders[w] for w in n.latin))
        recalls.append(_pct(len(ret[n.arabic] & relevant), len(relevant)) if relevant else 100.0)
        misses = []
        for w in n.latin:
            f.latin += 1
            missed = holders[w] - ret[n.arabic]
            if missed:
                misses.append(Miss(n.arabic, w, len(missed), len(holders[w])))
            else:
                f.latin_found += 1
        if misses:
            f.failed_names.append((n.arabic, misses))
        else:
            f.names_found += 1
    f.article_recall = _mean(recalls)
    f.distinct = len(s.arabic_pairs)
    for p in s.arabic_pairs:
        own = set().union(*(holders[w] for w in own_of[p.arabic]))
        wrong = _marks(searched, p.arabic, p.other, ret[p.arabic] & (holders[p.other] - own))
        if wrong:
            f.false_merges += 1
            f.merged_pairs.append([Merge(p.arabic, p.other, len(wrong))])
    precisions = []
    for q in s.queries():
        if ret[q]:
            own = set().union(*(holders[w] for w in own_of[q]))
            precisions.append(_pct(len(ret[q] & own), len(ret[q])))
    f.precision = _mean(precisions)


# ---------------------------------------------------------------------------------------------
# Reasons, as news-search analyze gives them


def _targets(spelling: str) -> set[str]:
    """The exact-word terms by which analyze lists a spelling (whole, and its parts)."""
    parts = [exact_form(p) for p in split_hyphens(spelling) for p in p.split()]
    return {exact_form(spelling), "-".join(parts), *parts} - {""}


def reasons(engine: Engine, query: str, other: str) -> list[str]:
    """Why a search for ``query`` reaches (or not) the spelling ``other``: analyze's verdict on
    each word of the query, or, when analyze does not list it, the rules' explanation."""
    out = []
    targets = _targets(other)
    try:
        report = engine.analyze([query])
    except Exception as e:  # an engine fault is a finding, not a reason to stop
        return [f"analyze failed: {type(e).__name__}: {e}"]
    for word in report:
        w = word["word"]
        if word.get("ordinary_word"):
            out.append(f"{w!r} is searched as written: {word['ordinary_word']}")
            continue
        listed = [sp for sp in word["spellings"] if sp["spelling"] in targets]  # type: ignore[index]
        for sp in listed:
            verdict = "accepted" if sp["accepted"] else "rejected"
            out.append(f"{w!r} reaches {sp['spelling']!r} [{sp['tier']}], {verdict}: {sp['why']}")
        if not listed and not is_arabic(str(w)):
            explained = explain_match(str(w), other)
            if explained.tier == "exact":
                out.append(f"{w!r} and {other!r} are one exact word: {explained.reason}")
                continue
            why = explained.reason
            out.append(
                f"{w!r} (key {word['key']!r}, skeleton {word['skeleton']!r}) does not list "
                f"{other!r}: {why}"
            )
        elif not listed:
            out.append(f"{w!r} does not list {other!r} among its readings")
    return out


# ---------------------------------------------------------------------------------------------
# A run


@dataclass
class Run:
    """One set in one mode: the index, what was searched, the figures."""

    figures: Figures
    index: Path


def _write_corpus(path: Path, records: Iterable[dict[str, object]]) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as out:
        for r in records:
            out.write(json.dumps(r, ensure_ascii=False) + "\n")
            n += 1
    return n


def _article_record(a: Article) -> dict[str, object]:
    return {
        "id": a.id,
        "title": a.title,
        "body": a.body,
        "date": a.date.isoformat() if a.date else None,
        "source": a.source,
        "url": a.url,
    }


def run_set(
    s: SpellingSet,
    mode: str,
    work: Path,
    procs: int = 1,
    scan: CorpusScan | None = None,
    cap: int = CAP,
) -> Run:
    """Index the set's articles (synthetic, or real ones from ``scan``: at most ``cap`` of
    the articles of each spelling, 0 for all), search every query, and measure."""
    started = time.perf_counter()
    spellings = s.latin_spellings()
    synthetic = synthetic_articles(spellings, s.kinds, spellings, prefix=s.name)
    holders: dict[str, set[str]] = {}
    records: list[dict[str, object]] = []
    if mode == "realistic":
        assert scan is not None
        real_ids = set().union(*(sample(scan.holders.get(w, set()), cap) for w in spellings))
        records = [_article_record(scan.articles[i]) for i in sorted(real_ids)]
        for w in spellings:
            holders[w] = scan.holders.get(w, set()) & real_ids
            if not holders[w]:
                records.append(synthetic[w])
                holders[w] = {synthetic[w]["id"]}
    else:
        for w in spellings:
            records.append(synthetic[w])
            holders[w] = {synthetic[w]["id"]}
    base = work / f"{s.name}-{mode}"
    articles = _write_corpus(base / "corpus" / "articles.jsonl", records)
    index = base / "index"
    index_corpus(index, [base / "corpus"], rebuild=True, procs=procs)
    f = Figures(set=s.name, mode=mode, held_out=s.held_out, articles=articles)
    with Engine(index, budget=None) as engine:
        searched = search_all(engine, s.queries())
    f.queries = len(searched.retrieved)
    f.errors, f.error_list, f.slowest_ms = (
        len(searched.errors),
        searched.errors,
        searched.slowest_ms,
    )
    if s.arabic:
        measure_arabic(s, holders, searched, f)
    else:
        measure_latin(s, holders, searched, f)
    f.seconds = time.perf_counter() - started
    return Run(f, index)


# ---------------------------------------------------------------------------------------------
# Output


def headline(figures: Sequence[Figures]) -> None:
    rows: list[list[object]] = []
    for f in figures:
        if f.names:
            groups = pairs = "—"
            names = (
                f"{f.names_found} of {f.names} ({_pct(f.names_found, f.names):.1f} %); "
                f"Latin spellings {f.latin_found} of {f.latin}"
            )
        else:
            groups = f"{f.groups_merged} of {f.groups} ({f.group_recall:.1f} %)"
            pairs = f"{f.pairs_matched} of {f.pairs} ({f.pair_recall:.1f} %)"
            names = "—"
        merges = f"{f.false_merges} of {f.distinct} ({f.false_merge_rate:.1f} %)"
        rows.append(
            [
                f.set + (" (held out)" if f.held_out else ""),
                f.mode,
                f.articles,
                groups,
                pairs,
                f"{f.article_recall:.1f}",
                merges,
                f"{f.precision:.1f}",
                names,
                f.errors,
                f"{f.seconds:.0f}",
            ]
        )
    print_table(
        [
            "set",
            "mode",
            "articles",
            "groups merged",
            "pair recall",
            "article recall %",
            "false merges",
            "precision %",
            "Arabic names fully found",
            "errors",
            "s",
        ],
        rows,
    )


def details(f: Figures, index: Path) -> list[str]:
    """The groups not merged, the pairs merged and the Arabic names not fully found, with
    reasons (never called for a held-out set)."""
    assert not f.held_out
    out = []
    realistic = f.mode == "realistic"

    def count(m: Miss) -> str:
        return f" (missed {m.missed} of {m.of} articles)" if realistic else ""

    with Engine(index, budget=None) as engine:

        def explain(m: Miss | Merge, indent: str) -> None:
            m.why = reasons(engine, m.query, m.other)
            out.extend(f"{indent}{r}" for r in m.why)

        if f.names:
            out.append(f"\nArabic-script names not fully found ({len(f.failed_names)}):")
            for arabic, misses in f.failed_names:
                out.append(f"- {arabic}")
                for m in misses:
                    out.append(f"    {m.query} -> {m.other}{count(m)}")
                    explain(m, "      ")
        else:
            out.append(f"\nGroups not merged ({len(f.failed_groups)}):")
            for misses in f.failed_groups:
                words = list(dict.fromkeys(w for m in misses for w in (m.query, m.other)))
                out.append(f"- {', '.join(words)}")
                for m in misses:
                    out.append(f"    {m.query} -> {m.other}{count(m)}")
                    explain(m, "      ")
        out.append(f"\nDistinct pairs merged ({len(f.merged_pairs)}):")
        for merges in f.merged_pairs:
            for mm in merges:
                n = (
                    f" ({mm.articles} article{'' if mm.articles == 1 else 's'})"
                    if realistic
                    else ""
                )
                out.append(f"- {mm.query} -> {mm.other}{n}")
                explain(mm, "    ")
    if f.error_list:
        out.append(f"\nQueries that failed ({len(f.error_list)}):")
        out.extend(f"- {q}: {e}" for q, e in f.error_list.items())
    return out


def _details_json(f: Figures) -> dict[str, object]:
    """The failures of a set that is not held out, with their reasons."""
    return {
        "groups_not_merged": [
            [
                {"query": m.query, "other": m.other, "missed": m.missed, "of": m.of, "why": m.why}
                for m in ms
            ]
            for ms in f.failed_groups
        ],
        "pairs_merged": [
            [{"query": m.query, "other": m.other, "articles": m.articles, "why": m.why} for m in ms]
            for ms in f.merged_pairs
        ],
        "names_not_fully_found": [
            {
                "arabic": a,
                "missed": [{"latin": m.other, "missed": m.missed, "why": m.why} for m in ms],
            }
            for a, ms in f.failed_names
        ],
        "query_errors": f.error_list,
    }


def resolve_sets(names: Sequence[str]) -> list[tuple[str, Path]]:
    out = []
    for n in names:
        if n in SETS:
            out.append((n, SETS[n]))
        else:
            path = Path(n)
            out.append((path.stem, path))
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        action="append",
        metavar="NAME",
        help=f"a set to run ({', '.join(SETS)}, or a file); repeatable; default: all four",
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--realistic", action="store_true", help="real articles of the corpora")
    mode.add_argument("--both", action="store_true", help="synthetic and realistic")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, metavar="DIR")
    parser.add_argument("--procs", type=int, default=2, metavar="N", help="writer processes")
    parser.add_argument(
        "--cap",
        type=int,
        default=CAP,
        metavar="N",
        help=f"realistic mode: at most N articles per spelling (default {CAP}; 0: all)",
    )
    parser.add_argument("--work", type=Path, metavar="DIR", help="keep the indexes here")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures")
    args = parser.parse_args(argv)
    modes = (
        ["synthetic", "realistic"]
        if args.both
        else (["realistic"] if args.realistic else ["synthetic"])
    )
    sets = [load_set(n, p) for n, p in resolve_sets(args.set or list(SETS))]
    scan = None
    if "realistic" in modes:
        every = dict.fromkeys(w for s in sets for w in s.latin_spellings())
        scan = scan_corpora(args.corpora, every)
    with tempfile.TemporaryDirectory(prefix="matching-e2e-") as tmp:
        work = args.work or Path(tmp)
        runs = [run_set(s, m, work, args.procs, scan, args.cap) for s in sets for m in modes]
        figures = [r.figures for r in runs]
        print("## Matching through the product (bench/matching_e2e.py)\n")
        if scan is not None:
            print(f"Realistic mode: {scan.read:,} articles of {args.corpora} read once.\n")
        headline(figures)
        latin = [s for s in sets if not s.arabic]
        rules: dict[str, list[dict[str, object]]] = {}
        for s in latin:
            rule_figures = measure_all(s.rules_input())
            rules[s.name] = [
                {
                    "matcher": r.name,
                    "groups_merged": r.groups_merged,
                    "groups": r.groups,
                    "pair_recall": round(r.pair_recall, 2),
                    "false_merges": r.false_merges,
                    "distinct": r.distinct,
                    "us_per_word": round(r.us_per_word, 2),
                }
                for r in rule_figures
            ]
            held = " (held out)" if s.held_out else ""
            print(f"\n### Rules level on {s.name}{held} (bench/matching.py measure_all)\n")
            print(rules_table(rule_figures))
        for s in sets:
            if s.arabic:
                print(f"\n(Rules level on {s.name}: not measured; bench/matching.py compares words")
                print("in Latin letters, and an Arabic-script reading needs an index.)")
        for r in runs:
            if r.figures.held_out:
                print(f"\n### {r.figures.set}, {r.figures.mode}: held out, aggregate figures only")
                continue
            print(f"\n### {r.figures.set}, {r.figures.mode}")
            print("\n".join(details(r.figures, r.index)))
    if args.json:
        write_json(
            args.json,
            {
                "end_to_end": [
                    {**f.summary(), **({} if f.held_out else _details_json(f))} for f in figures
                ],
                "rules": rules,
            },
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
