"""Matching on real text: every spelling of a name, searched in an index of the five corpora.

    python bench/real_text.py --index DIR [--corpora DIR] [--names bench/names.json] [--json]

For every name of ``bench/names.json`` and every one of its spellings that the corpora use, a
search for that spelling is compared with the articles that use any spelling of the name (found
by reading the corpora, independently of the engine: a spelling is used when it occurs as a
whole word, case and accents ignored, possibly with a plural or possessive s):

- recall: the share of the articles using any spelling that the search retrieves (bar: 98 %);
- precision: the share of what it retrieves that uses one of the spellings (bar: 95 %);
- typed first: of the first results (as many as there are articles with the typed spelling, up
  to 50), the share that use the spelling typed.

The Arabic-script form of each name is searched the same way (the articles are in English).
Baselines computed in the same pass over the corpora: a search that retrieves every article with
a word sharing the query's code under plain unidecode folding, Soundex or Double Metaphone.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from matching import BASELINES

from search import Engine, SearchRequest
from search.write.corpus import Article, find_files, read_file

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPORA = ROOT.parent / "shared/corpora"
DEFAULT_NAMES = ROOT / "bench/names.json"
RECALL_BAR, PRECISION_BAR = 98.0, 95.0
TYPED_FIRST_MAX = 50
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*")


def normalise(word: str) -> str:
    """Lowercase, accents and ayn/hamza marks dropped, every apostrophe as '."""
    text = unicodedata.normalize("NFKD", word.replace("’", "'").replace("ʿ", "'"))
    return "".join(c for c in text if not unicodedata.combining(c)).lower()


def word_forms(token: str) -> set[str]:
    """A corpus token and the forms it stands for without a plural or possessive s."""
    t = normalise(token)
    forms = {t}
    if t.endswith("'s"):
        forms.add(t[:-2])
    elif t.endswith("s"):
        forms.add(t[:-1])
    return forms


@dataclass
class Name:
    name: str
    spellings: list[str]
    arabic: str
    using: dict[str, set[str]] = field(default_factory=dict)  # spelling -> article ids

    @property
    def relevant(self) -> set[str]:
        return set().union(*self.using.values()) if self.using else set()


def load_names(path: Path) -> list[Name]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return [Name(n["name"], n["spellings"], n["arabic"]) for n in data["names"]]


@dataclass
class Scan:
    """What one pass over the corpora found: uses of spellings, and baseline retrievals."""

    articles: int = 0
    baseline_hits: dict[str, dict[str, set[str]]] = field(default_factory=dict)


def scan(corpora: Path, names: list[Name]) -> Scan:
    """Read the corpora once: who uses each spelling, and what each baseline code retrieves."""
    owners: dict[str, list[tuple[Name, str]]] = defaultdict(list)
    for n in names:
        for s in n.spellings:
            owners[normalise(s)].append((n, s))
            n.using[s] = set()
    queries = [s for n in names for s in [*n.spellings, n.arabic]]
    targets = {b: {c for q in queries for c in codes(q)} for b, codes in BASELINES.items()}
    result = Scan(baseline_hits={b: defaultdict(set) for b in BASELINES})
    cache: dict[str, dict[str, set[str]]] = {b: {} for b in BASELINES}
    for path in find_files([corpora]).files:
        for record in read_file(path):
            if not isinstance(record, Article):
                continue
            result.articles += 1
            tokens = set(_WORD.findall(f"{record.title}\n{record.body}"))
            for token in tokens:
                for form in word_forms(token):
                    for n, s in owners.get(form, ()):
                        n.using[s].add(record.id)
                for b, codes in BASELINES.items():
                    found = cache[b].get(token)
                    if found is None:
                        found = cache[b][token] = codes(token) & targets[b]
                    for c in found:
                        result.baseline_hits[b][c].add(record.id)
    return result


@dataclass
class Figures:
    """Recall and precision of one query against one name's articles."""

    query: str
    retrieved: int
    recall: float
    precision: float
    typed_first: float | None = None


def _figures(query: str, retrieved: set[str], relevant: set[str]) -> Figures:
    found = len(retrieved & relevant)
    return Figures(
        query,
        len(retrieved),
        100.0 * found / len(relevant) if relevant else 100.0,
        100.0 * found / len(retrieved) if retrieved else 100.0,
    )


def _ids(engine: Engine, q: str) -> set[str]:
    return set(engine.article_ids(SearchRequest.from_params(q=q)))


def _typed_first(engine: Engine, spelling: str, using: set[str]) -> float:
    k = min(len(using), TYPED_FIRST_MAX)
    hits = engine.search(SearchRequest.from_params(q=spelling, size=k)).hits
    return 100.0 * sum(h.id in using for h in hits) / max(len(hits), 1)


def _baseline(hits: dict[str, set[str]], codes: Callable[[str], set[str]], q: str) -> set[str]:
    return set().union(set(), *(hits.get(c, set()) for c in codes(q)))


@dataclass
class NameResult:
    name: str
    articles: int
    spellings: dict[str, int]  # spellings used, with their article counts
    ours: list[Figures]
    arabic: Figures
    baselines: dict[str, list[Figures]]
    arabic_baselines: dict[str, Figures]

    @property
    def varied(self) -> bool:
        """Whether the corpora use more than one spelling (the test of point 2)."""
        return len(self.spellings) > 1


def measure(engine: Engine, names: list[Name], found: Scan) -> list[NameResult]:
    results = []
    for n in names:
        relevant = n.relevant
        if not relevant:
            continue
        used = {s: len(ids) for s, ids in n.using.items() if ids}
        ours = []
        for s in used:
            f = _figures(s, _ids(engine, s), relevant)
            f.typed_first = _typed_first(engine, s, n.using[s])
            ours.append(f)
        baselines = {
            b: [_figures(s, _baseline(found.baseline_hits[b], codes, s), relevant) for s in used]
            for b, codes in BASELINES.items()
        }
        arabic_baselines = {
            b: _figures(n.arabic, _baseline(found.baseline_hits[b], codes, n.arabic), relevant)
            for b, codes in BASELINES.items()
        }
        results.append(
            NameResult(
                n.name,
                len(relevant),
                used,
                ours,
                _figures(n.arabic, _ids(engine, n.arabic), relevant),
                baselines,
                arabic_baselines,
            )
        )
    return results


def _passes(f: Figures) -> bool:
    return f.recall >= RECALL_BAR and f.precision >= PRECISION_BAR


def _worst(figures: list[Figures]) -> tuple[float, float]:
    return min(f.recall for f in figures), min(f.precision for f in figures)


def _row(per_name: list[list[Figures]]) -> dict[str, float]:
    """Names passing (every query of the name passes), mean recall and precision of queries."""
    flat = [f for fs in per_name for f in fs]
    n = max(len(flat), 1)
    return {
        "names passing": sum(all(_passes(f) for f in fs) for fs in per_name),
        "mean recall": round(sum(f.recall for f in flat) / n, 1),
        "mean precision": round(sum(f.precision for f in flat) / n, 1),
    }


def summary(results: list[NameResult]) -> dict[str, object]:
    varied = [r for r in results if r.varied]
    latin = {"ours (engine)": _row([r.ours for r in varied])}
    arabic = {"ours (engine)": _row([[r.arabic] for r in results])}
    for b in BASELINES:
        latin[b] = _row([r.baselines[b] for r in varied])
        arabic[b] = _row([[r.arabic_baselines[b]] for r in results])
    return {
        "names with several spellings in the corpora": len(varied),
        "names in the corpora (Arabic-script test)": len(results),
        "latin": latin,
        "arabic": arabic,
    }


def print_tables(results: list[NameResult], totals: dict[str, object]) -> None:
    print(
        f"Point 2: {totals['names with several spellings in the corpora']} names whose "
        "spellings vary in the corpora; a name passes when every spelling's search has "
        f"recall >= {RECALL_BAR:g} % and precision >= {PRECISION_BAR:g} %.\n"
    )
    print("| matcher | names passing | mean recall % | mean precision % |")
    print("|---|---|---|---|")
    for label, row in totals["latin"].items():  # type: ignore[union-attr]
        print(
            f"| {label} | {row['names passing']} of "
            f"{totals['names with several spellings in the corpora']} | "
            f"{row['mean recall']} | {row['mean precision']} |"
        )
    print(
        "\n| name | articles | spellings used (articles) | worst recall % | "
        "worst precision % | typed first % (worst) |"
    )
    print("|---|---|---|---|---|---|")
    for r in results:
        if not r.varied:
            continue
        rec, prec = _worst(r.ours)
        first = min(f.typed_first or 0.0 for f in r.ours)
        spellings = ", ".join(f"{s} ({c})" for s, c in r.spellings.items())
        flag = "" if all(_passes(f) for f in r.ours) else " **below bar**"
        print(
            f"| {r.name}{flag} | {r.articles} | {spellings} | {rec:.1f} | {prec:.1f} | "
            f"{first:.0f} |"
        )
    n = totals["names in the corpora (Arabic-script test)"]
    print(f"\nPoint 3: the Arabic-script form of {n} names, searched in the English corpora.\n")
    print("| matcher | names passing | mean recall % | mean precision % |")
    print("|---|---|---|---|")
    for label, row in totals["arabic"].items():  # type: ignore[union-attr]
        print(
            f"| {label} | {row['names passing']} of {n} | {row['mean recall']} | "
            f"{row['mean precision']} |"
        )
    print("\n| Arabic | name | articles | retrieved | recall % | precision % |")
    print("|---|---|---|---|---|---|")
    for r in results:
        a = r.arabic
        flag = "" if _passes(a) else " **below bar**"
        print(
            f"| {a.query} | {r.name}{flag} | {r.articles} | {a.retrieved} | "
            f"{a.recall:.1f} | {a.precision:.1f} |"
        )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, required=True, metavar="DIR")
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, metavar="DIR")
    parser.add_argument("--names", type=Path, default=DEFAULT_NAMES)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    names = load_names(args.names)
    found = scan(args.corpora, names)
    with Engine(args.index) as engine:
        results = measure(engine, names, found)
    totals = summary(results)
    if args.json:
        print(
            json.dumps(
                {"summary": totals, "names": [r.__dict__ for r in results]},
                default=lambda o: o.__dict__,
                indent=2,
                ensure_ascii=False,
            )
        )
    else:
        print_tables(results, totals)
    return 0


if __name__ == "__main__":
    sys.exit(main())
