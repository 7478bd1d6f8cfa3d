"""Common-word collisions: how often a matcher makes an ordinary word match another one.

    python bench/common_words.py [--corpora DIR] [--top 20000] [--index DIR] [--json]

Takes the ``--top`` commonest words (lowercase ASCII letters) of the corpora's titles and
bodies, and reports, for each key function, the share of those words whose key is shared with a
different common word: a word of another light stem, so that "price" and "prices" are one word.
Baselines: Soundex, Double Metaphone and plain unidecode folding; ours: the spelling key.

With ``--index`` (an index of the same corpora) it also measures the engine as it searches: the
share of common words that, typed as a query, reach another common word as a spelling. The
engine gives no variants to a word the archive uses as an ordinary word and indexes spellings of
names only, so this is the figure a reader meets.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path

from matching import BASELINES

from search.rules import spelling_key
from search.rules.fold import fold
from search.rules.stem import light_stem

DEFAULT_CORPORA = Path(__file__).resolve().parents[1].parent / "shared/corpora"
_WORD = re.compile(r"[A-Za-z]+")


def common_words(corpora: Path, top: int) -> list[str]:
    """The ``top`` commonest words of every record's title and body, most common first."""
    counts: Counter[str] = Counter()
    for path in sorted(corpora.glob("*.jsonl")):
        with path.open(encoding="utf-8") as lines:
            for line in lines:
                try:
                    record = json.loads(line)
                except ValueError:
                    continue
                text = f"{record.get('title') or ''} {record.get('body') or ''}"
                counts.update(w.lower() for w in _WORD.findall(text))
    return [w for w, _ in counts.most_common(top)]


def _stems(words: Iterable[str]) -> dict[str, str]:
    return {w: light_stem(fold(w)) for w in words}


def collisions(words: list[str], codes: Callable[[str], set[str]]) -> list[str]:
    """The words that share a code with a word of another stem."""
    stems = _stems(words)
    holders: dict[str, set[str]] = defaultdict(set)
    word_codes = {w: codes(w) for w in words}
    for w, found in word_codes.items():
        for code in found:
            holders[code].add(stems[w])
    return [w for w, found in word_codes.items() if any(len(holders[c]) > 1 for c in found)]


def engine_collisions(words: list[str], index: Path) -> dict[str, list[str]]:
    """Each common word that, as a query, reaches another common word as a spelling."""
    from search import Engine
    from search.read.querybuild import query_tokens

    stems = _stems(words)
    reached: dict[str, list[str]] = {}
    with Engine(index) as engine:
        finder = engine._finder
        for w in words:
            tokens = query_tokens(w)
            if len(tokens) != 1:
                continue
            token = tokens[0]
            others = [
                s.text
                for s in finder.spellings(token.exact, token.key)
                if s.accepted and s.text in stems and stems[s.text] != stems[w]
            ]
            if others:
                reached[w] = others
    return reached


KEYS: dict[str, Callable[[str], set[str]]] = {
    **BASELINES,
    "ours: spelling key": lambda w: {spelling_key(w)} - {""},
}


def run(corpora: Path, top: int, index: Path | None) -> dict[str, object]:
    words = common_words(corpora, top)
    rows: dict[str, dict[str, object]] = {}
    for name, codes in KEYS.items():
        hit = collisions(words, codes)
        rows[name] = {"share": round(100 * len(hit) / len(words), 2), "examples": hit[:12]}
    if index is not None:
        reached = engine_collisions(words, index)
        rows["ours: the engine as it searches"] = {
            "share": round(100 * len(reached) / len(words), 2),
            "examples": [f"{w}->{'/'.join(r[:2])}" for w, r in list(reached.items())[:12]],
        }
    return {"words": len(words), "rows": rows}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, metavar="DIR")
    parser.add_argument("--top", type=int, default=20_000)
    parser.add_argument("--index", type=Path, metavar="DIR")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    result = run(args.corpora, args.top, args.index)
    if args.json:
        print(json.dumps(result, indent=2))
        return 0
    print(f"{result['words']:,} commonest words; share given a key shared with another:\n")
    print("| matcher | collided % | for example |")
    print("|---|---|---|")
    for name, row in result["rows"].items():  # type: ignore[union-attr]
        print(f"| {name} | {row['share']} | {', '.join(row['examples'][:8])} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
