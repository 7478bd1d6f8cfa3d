"""Stories told more than once: what the story rule (search/rules/story.py) merges in each
corpus, how alike the merged texts are, what it leaves apart, and what collapsing costs a search.

    python bench/duplicates.py [--index DIR] [--json] [CORPUS ...]

For each corpus (default: the five of ../shared/corpora): the articles, the stories told more
than once (the same words within 3 days: search.rules.story) and their copies besides the one
listed, the least alike pair merged (Jaccard of
4-word shingles of their own words: 1.0 is word for word), and the near copies left apart
(same source and title, shingles at least 80% alike, different keys). With --index, each query
of bench/mix.json through the engine with and without collapsing: the articles, the results
listed, and the median time of each (ratio in the same run).
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from search import Engine, SearchRequest  # noqa: E402
from search.rules.story import own_words, story_key, tellings  # noqa: E402
from search.write.corpus import Article, read_file  # noqa: E402

CORPORA = ROOT.parent / "shared" / "corpora"


def shingles(words: list[str]) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + 4]) for i in range(max(1, len(words) - 3))}


def alike(a: list[str], b: list[str]) -> float:
    sa, sb = shingles(a), shingles(b)
    return len(sa & sb) / max(1, len(sa | sb))


def corpus_figures(path: Path) -> dict[str, object]:
    told: dict[str, list[tuple[object, list[str]]]] = defaultdict(list)
    by_title: dict[tuple[str, str], list[tuple[str, list[str]]]] = defaultdict(list)
    articles = 0
    for article in read_file(path):
        if not isinstance(article, Article):
            continue  # a record the indexer skips
        articles += 1
        words = own_words(article.body)
        key = story_key(article.source, article.body)
        if key:
            told[key].append((article.date, words))
            by_title[(article.source.casefold(), article.title.casefold())].append((key, words))
    retold = []
    for group in told.values():
        group.sort(key=lambda dw: (dw[0] is None, dw[0] or datetime.min))
        numbers = tellings([date for date, _ in group])
        for number in set(numbers):
            telling = [w for (_, w), n in zip(group, numbers, strict=True) if n == number]
            if len(telling) > 1:
                retold.append(telling)
    least = min((alike(g[0], w) for g in retold for w in g[1:]), default=None)
    apart = 0
    for group in by_title.values():
        if 2 <= len(group) <= 20:
            for i, (key, words) in enumerate(group):
                for other_key, other in group[i + 1 :]:
                    apart += key != other_key and alike(words, other) >= 0.8
    return {
        "articles": articles,
        "stories_told_again": len(retold),
        "copies": sum(len(g) - 1 for g in retold),
        "least_alike_merged": None if least is None else round(least, 3),
        "near_copies_apart": apart,
    }


def search_figures(index_dir: Path, repeat: int = 3) -> dict[str, object]:
    queries = json.loads((ROOT / "bench" / "mix.json").read_text(encoding="utf-8"))["queries"]
    rows, times = [], {True: [], False: []}
    with Engine(index_dir, budget=None) as engine:
        for entry in queries:
            q = str(entry.get("q", ""))
            found = {}
            for collapse in (False, True):
                request = SearchRequest.from_params(q, page=entry.get("page"), collapse=collapse)
                engine.search(request)
                runs = []
                for _ in range(repeat):
                    started = time.perf_counter()
                    response = engine.search(request)
                    runs.append((time.perf_counter() - started) * 1000)
                times[collapse].append(statistics.median(runs))
                found[collapse] = response
            rows.append({"q": q, "articles": found[False].total, "listed": found[True].stories})
    every, once = statistics.median(times[False]), statistics.median(times[True])
    return {
        "queries": len(rows),
        "median_ms_every_article": round(every, 2),
        "median_ms_each_story_once": round(once, 2),
        "ratio": round(once / every, 3),
        "queries_with_copies": sum(1 for r in rows if r["listed"] < r["articles"]),
        "rows": rows,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpora", nargs="*", type=Path)
    parser.add_argument("--index", type=Path)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    paths = args.corpora or sorted(CORPORA.glob("*.jsonl"))
    figures: dict[str, object] = {"corpora": {p.name: corpus_figures(p) for p in paths}}
    if args.index:
        figures["search"] = search_figures(args.index)
    if args.json:
        print(json.dumps(figures, indent=2))
        return 0
    header = ["corpus", "articles", "stories told again", "copies", "least alike merged"]
    print("| " + " | ".join([*header, "near copies apart"]) + " |")
    print("|---|---|---|---|---|---|")
    for name, f in figures["corpora"].items():  # type: ignore[union-attr]
        print(
            f"| {name} | {f['articles']:,} | {f['stories_told_again']:,} | {f['copies']:,} | "
            f"{f['least_alike_merged']} | {f['near_copies_apart']:,} |"
        )
    if args.index:
        s = figures["search"]
        print(
            f"\n{s['queries']} queries of bench/mix.json: median {s['median_ms_every_article']} ms "
            f"listing every article, {s['median_ms_each_story_once']} ms each story once "
            f"({s['ratio']}x); {s['queries_with_copies']} queries list fewer results than "
            "articles"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
