"""Matching-quality benchmark of the transliteration rules on ../shared/eval/variants.json.

Usage: ``python bench/matching.py [--variants PATH] [--json]``

Measures, as defined in the eval README: group recall (groups whose spellings all reach one
another, every ordered pair), pair recall (ordered within-group pairs that match) and false
merges (distinct pairs matched in either direction), for three baselines computed in the same
run (plain unidecode folding, Soundex from jellyfish, Double Metaphone from the Metaphone
package: benchmark-only dependencies, the ``bench`` extra) and four matchers of ours of
increasing reach. A baseline compares the codes of the name with its article and hyphens
dropped, as ours does.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from itertools import permutations
from pathlib import Path

import jellyfish
from metaphone import doublemetaphone
from unidecode import unidecode

from search.rules import (
    alias_keys,
    exact_form,
    explain_match,
    is_name_like,
    matches,
    spelling_key,
)
from search.rules.fold import fold
from search.rules.key import key_of_folded, name_parts
from search.rules.skeleton import keys_match, skeleton
from search.rules.stem import light_stem

DEFAULT_VARIANTS = Path(__file__).resolve().parents[1].parent / "shared/eval/variants.json"

Matcher = Callable[[str, str], bool]


def _exact(q: str, d: str) -> bool:
    return exact_form(q) == exact_form(d)


def _key(q: str, d: str) -> bool:
    return _exact(q, d) or (is_name_like(d) and spelling_key(q) == spelling_key(d) != "")


def _key_alias(q: str, d: str) -> bool:
    return _key(q, d) or (is_name_like(d) and spelling_key(d) in alias_keys(spelling_key(q)))


def _ascii_name(word: str) -> str:
    """The name in lowercase ASCII letters: article, hyphens and marks dropped."""
    return "".join(c for c in unidecode("".join(name_parts(word))).lower() if c.isalpha())


def _unidecode_codes(word: str) -> set[str]:
    return {_ascii_name(word)}


def _soundex_codes(word: str) -> set[str]:
    name = _ascii_name(word)
    return {jellyfish.soundex(name)} if name else set()


def _double_metaphone_codes(word: str) -> set[str]:
    return {code for code in doublemetaphone(_ascii_name(word)) if code}


#: Baselines: two words match when they share a code.
BASELINES: dict[str, Callable[[str], set[str]]] = {
    "baseline: unidecode folding": _unidecode_codes,
    "baseline: Soundex": _soundex_codes,
    "baseline: Double Metaphone": _double_metaphone_codes,
}


def _sharing_a_code(codes: Callable[[str], set[str]]) -> Matcher:
    return lambda q, d: bool(codes(q) & codes(d))


MATCHERS: dict[str, Matcher] = {
    **{name: _sharing_a_code(codes) for name, codes in BASELINES.items()},
    "exact words only": _exact,
    "tier 1 key": _key,
    "tier 1 + aliases": _key_alias,
    "tier 1 + aliases + guarded skeleton (engine)": matches,
}


@dataclass
class Figures:
    """The figures of one matcher on the evaluation set."""

    name: str
    groups: int
    groups_merged: int
    pairs: int
    pairs_matched: int
    distinct: int
    false_merges: int
    us_per_word: float
    failed_groups: list[list[tuple[str, str]]] = field(default_factory=list, repr=False)
    merged_pairs: list[tuple[str, str]] = field(default_factory=list, repr=False)

    @property
    def group_recall(self) -> float:
        return 100.0 * self.groups_merged / self.groups if self.groups else 0.0

    @property
    def pair_recall(self) -> float:
        return 100.0 * self.pairs_matched / self.pairs if self.pairs else 0.0


def load_variants(path: Path = DEFAULT_VARIANTS) -> dict[str, list[list[str]]]:
    """The evaluation set: ``{"groups": [[...], ...], "distinct_pairs": [[a, b], ...]}``."""
    return json.loads(Path(path).read_text(encoding="utf-8"))


def _uncached_key(word: str) -> str:
    from search.rules.fold import strip_possessive
    from search.rules.key import name_parts

    folded = "".join(fold.__wrapped__(p) for p in name_parts(word))
    return key_of_folded.__wrapped__(light_stem.__wrapped__(strip_possessive(folded)))


def time_per_word(words: Sequence[str], name: str, repeat: int = 5) -> float:
    """Microseconds per word for the per-word work of a matcher, without caches."""
    if name in BASELINES:
        work: Callable[[str], object] = BASELINES[name]
    elif name == "exact words only":
        work = lambda w: light_stem.__wrapped__(fold.__wrapped__(w))  # noqa: E731
    elif name.startswith("tier 1 + aliases + guarded"):
        work = lambda w: skeleton.__wrapped__(_uncached_key(w))  # noqa: E731
    else:
        work = _uncached_key
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        for w in words:
            work(w)
        best = min(best, time.perf_counter() - start)
    return 1e6 * best / max(len(words), 1)


def measure(name: str, matcher: Matcher, variants: dict[str, list[list[str]]]) -> Figures:
    """Compute the figures of one matcher."""
    groups, distinct = variants["groups"], variants["distinct_pairs"]
    merged = pairs = matched = 0
    failed: list[list[tuple[str, str]]] = []
    for group in groups:
        misses = [(a, b) for a, b in permutations(group, 2) if not matcher(a, b)]
        n = len(group) * (len(group) - 1)
        pairs += n
        matched += n - len(misses)
        if misses:
            failed.append(misses)
        else:
            merged += 1
    merged_pairs = [(a, b) for a, b in distinct if matcher(a, b) or matcher(b, a)]
    words = sorted({w for g in groups for w in g} | {w for p in distinct for w in p})
    return Figures(
        name=name,
        groups=len(groups),
        groups_merged=merged,
        pairs=pairs,
        pairs_matched=matched,
        distinct=len(distinct),
        false_merges=len(merged_pairs),
        us_per_word=time_per_word(words, name),
        failed_groups=failed,
        merged_pairs=merged_pairs,
    )


def measure_all(variants: dict[str, list[list[str]]]) -> list[Figures]:
    """Figures for every matcher, from exact words only to the full engine semantics."""
    keys_match.cache_clear()
    return [measure(name, m, variants) for name, m in MATCHERS.items()]


def table(figures: Sequence[Figures]) -> str:
    """The figures as a markdown table."""
    lines = [
        "| matcher | groups merged | group recall % | pair recall % | false merges | µs/word |",
        "|---|---|---|---|---|---|",
    ]
    for f in figures:
        lines.append(
            f"| {f.name} | {f.groups_merged} of {f.groups} | {f.group_recall:.1f} | "
            f"{f.pair_recall:.1f} | {f.false_merges} of {f.distinct} | {f.us_per_word:.1f} |"
        )
    return "\n".join(lines)


def report(engine: Figures) -> str:
    """Groups not merged and distinct pairs merged by the engine, with the reasons."""
    out = [f"\nGroups not merged ({len(engine.failed_groups)}):"]
    for misses in engine.failed_groups:
        out.append(f"- {sorted({w for pair in misses for w in pair})}")
        for a, b in misses:
            out.append(f"    {a} -> {b}: {explain_match(a, b).reason}")
    out.append(f"\nDistinct pairs merged ({len(engine.merged_pairs)}):")
    for a, b in engine.merged_pairs:
        for q, d in ((a, b), (b, a)):
            e = explain_match(q, d)
            if e.tier:
                out.append(f"- {q} -> {d}: [{e.tier}] {e.reason}")
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--variants", type=Path, default=DEFAULT_VARIANTS)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = measure_all(load_variants(args.variants))
    if args.json:
        rows = []
        for f in figures:
            row = asdict(f)
            row["group_recall"] = round(f.group_recall, 2)
            row["pair_recall"] = round(f.pair_recall, 2)
            row.pop("failed_groups")
            row["merged_pairs"] = [list(p) for p in f.merged_pairs]
            rows.append(row)
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    else:
        print(table(figures))
        print(report(figures[-1]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
