"""Build the matching sets of this folder from curated lists, or check them.

    python bench/matching_sets/build.py --groups FILE --pairs FILE --arabic FILE [--corpora DIR]
    python bench/matching_sets/build.py --check [--corpora DIR]

Building reads three curated lists (kept out of the repository: dev.json and heldout.json
together hold every item, and re-deriving the split from them is what ``--check`` does):

- groups, one a line: ``KIND | spelling, spelling, ... | note``, under ``# category: NAME``;
- pairs, one a line: ``KIND word | KIND word | note``, under ``# category: NAME``;
- Arabic-script names: ``arabic | latin; latin | category | KIND | features``, and after
  ``# pairs`` the distinct pairs: ``arabic | its latin; ... | other latin | note``.

KIND is one letter (see ``KINDS`` in bench/matching_e2e.py: P person, L place, O organisation,
G group of people, T lower-case loanword, W English word, N English or other name, X title,
E event, B book, S language). Every spelling is looked up in the corpora (``source.found``);
the split is seeded and stratified by category (see ``ABOUT``). ``--check`` prints only counts
and item ids, never a spelling, so that it can run on the held-out file.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # bench/, for matching_e2e

from matching_e2e import _TOKEN, DEFAULT_CORPORA, SETS, normalise, scan_corpora  # noqa: E402

from search.rules.key import ARTICLES  # noqa: E402

SEED = 20240611
HELD_OUT_SHARE = 0.4

CONVENTIONS = {
    "levant": "Levantine and French-influenced romanisation of Syria, Lebanon, Jordan and "
    "Palestine: e for a short a or i, -ieh/-iyeh/-eh for a final ة, ou for u (French), ch for "
    "sh in Lebanese French, j or g for ج, doubled consonants written or not",
    "gulf": "Gulf romanisation (Saudi Arabia, the Emirates, Qatar, Kuwait, Bahrain, Oman, "
    "Yemen): a or i for short vowels, -ah or -a for ة, dh for ذ, q or k for ق, ei/ai/ay for "
    "the diphthong, doubled consonants written or not",
    "iraq": "Iraqi romanisation as wire services write it: dh, th or z for ظ and ض (Kadhimi, "
    "Kathimi, Kazimi), -iyah/-iya for ية, ou or u, doubled consonants written or not",
    "egypt": "Egyptian romanisation: g for ج (Gamal, Naguib, Hegazy), y or i for a final ي "
    "(Morsy, Ghaly), ou (French), e for short vowels; Sudanese names as the same press writes "
    "them",
    "maghreb": "Maghreb French-style romanisation (Morocco, Algeria, Tunisia, Libya): ou for u "
    "and w, dj for ج, ch for ش, c for s (Youcef), fused articles and Ben/Bel (Benkirane, "
    "Belhadj, Essebsi, Ennahda), e for short vowels",
    "persian": "Persian romanisation: e for a short a or i (Mohsen, Rezaei), o for a short u, "
    "v for و (Vahid), z for ض ذ ظ (Reza against Rida), gh for ق (Bagher, Ghalibaf), -eh for a "
    "final ه or ة (Fatemeh)",
    "turkish": "Turkish names as English-language news writes them: with the Turkish letters "
    "(ş ç ğ ı ö ü İ) and in the ASCII press form, and Turkish forms of Arabic names (c for ج, "
    "e for a, a final t or p for d or b: Cemal, Mehmet, Recep)",
    "kurdish": "the Kurdish (Kurmanji) Latin alphabet (x for kh, ş for sh, c for j, ç for ch, "
    "ê î û for long vowels) against the English press forms; Sorani names as the same press "
    "writes them",
    "pashto": "Afghan (Pashto and Dari) names as the English-language press writes them: u, a "
    "or e for short vowels (Hekmatyar, Hikmatyar), -ullah/-ollah, q or k for ق, kh or k",
    "urdu": "Pakistani (Urdu) romanisation: e for a short a (Pervez, Shehbaz, Rehman), ee and oo "
    "for long vowels, z for ض ذ ظ (Zia, Zulfikar), q or k for ق",
    "loanword-lowercase": "Arabic, Persian, Turkish and Urdu words English writes in lower "
    "case, with the spellings dictionaries and the press give them",
    "lookalike-english": "a name and an English word or name that a too-eager phonetic matcher "
    "merges with it (the same Soundex or Double Metaphone code, or a shared consonant skeleton)",
    "same-consonants": "two different words of the source language (with their Arabic or "
    "Persian spelling in the note) whose Latin spellings share their consonants",
}

ABOUT = (
    "Spelling groups and distinct pairs for bench/matching_e2e.py, built as follows. (1) "
    "Curated by hand by the benchmark's author from knowledge of how English-language news "
    "romanises Arabic, Persian, Turkish, Kurdish, Pashto and Urdu names and words (the "
    "conventions are named per category in 'conventions'); no other evaluation list was "
    "consulted, and ../shared/eval/variants.json only to mark and place overlaps. A group is "
    "the spellings of one word of the source language, whoever bears it (Omer and Omar are one "
    "group, so are Mehdi and Mahdi); a distinct pair is two different words of the source "
    "language (category same-consonants, with both words in Arabic or Persian letters in the "
    "note), or a name and an English word or name that a phonetic matcher merges with it "
    "(category lookalike-english). Kinds say how an article writes the spelling: P person, L "
    "place, O organisation, G group of people, T lower-case loanword, W English word, N English "
    "or other name, X title, E event, B book, S language. (2) Every spelling was looked up in "
    "the five corpora of ../shared/corpora by reading them (bench/matching_e2e.py scan_corpora: "
    "a whole word, or a sequence for a name of several words; case and accents ignored, Turkish "
    "and Kurdish letters spelled out; with a possessive, or a plural s the corpora write less "
    "often than the word): 'source.found' gives, per spelling found, the articles per corpus "
    "that hold it (a word found is not always this name: Amara, Hilla and Maan have other "
    "bearers, and English words are counted in every sense); the spellings in "
    "'source.not_found' rest on the category's convention as English-language news uses it, "
    "never on a misspelling made up for the purpose. (3) Items that share a spelling (case and "
    "accents ignored; or a word of a name of several words, articles aside) form one "
    "component and stay on one side of the split; a component that "
    f"shares a spelling with variants.json or arabic_script.json goes to dev ('overlaps' names "
    f"the file). The other components were shuffled with Python's random.Random({SEED}) and "
    "taken in that order for heldout.json whenever taking one kept every stratum it touches "
    f"(the groups of one category, or the pairs of one category) within {HELD_OUT_SHARE:.0%} "
    "of the stratum, rounded; the rest is dev.json. 'python bench/matching_sets/build.py "
    "--check' re-derives the split and the corpus counts from dev.json and heldout.json."
)

ARABIC_ABOUT = (
    "Arabic-script names (Arabic, Persian, Kurdish Sorani and Urdu letters), each with the "
    "Latin spellings English-language news uses for it, for bench/matching_e2e.py: the "
    "Arabic-script query must retrieve the articles of every Latin spelling listed, and none "
    "of the articles that hold only the other word of a distinct pair. Curated by hand by the "
    "benchmark's author, as dev.json and heldout.json were (see their 'about'); 'features' says "
    "what each name tests: exonym (an English name the letters do not spell: دمشق Damascus), "
    "article (ال), multi-word, abd (عبد + name), bin and ibn (son of), abu, allah (a name "
    "ending in الله), persian-letters, kurdish-letters, urdu-letters, zwnj (a zero-width "
    "non-joiner inside the word, as Persian writes it), one-latin-word (two Arabic-script words "
    "that Latin writes as one). 'source.found' counts the articles of the corpora that hold "
    "each Latin spelling, read as for dev.json."
)

KIND_LETTERS = set("PLOGTWNXEBS")

#: The examples the issue that asked for these sets gives (public to whoever writes the rules):
#: an item that holds one is kept in dev.
ISSUE_EXAMPLES = (
    "Gaddafi Qaddafi Kadhafi Hezbollah Hizballah Sairoon Sairun Sayirun Amman Oman Iran Iraq "
    "Sunni Sony Naguib Najib Gamal Jamal Abdelmadjid Abdulmajid Bouteflika Benkirane Vahid "
    "Wahid Fatemeh Fatima Khamenei Khamene'i Başbuğ Basbug Erdoğan Erdogan Çelik Celik Cemal "
    "Mehmet Mehmed Muhammad Hüseyin Huseyin Hussein Ömer Omer Omar Recep Rajab Xebat Khabat "
    "Şêx Sheikh Hekmatyar Hikmatyar Haqqani Zardari Musharraf Musharaf shura shoura zakat zakah "
    "waqf wakf niqab nikab mujahideen Sonny sunny Koran Korn Curran Koren Huthi Huddy Qom QCOM "
    "Shiite Chee Benghazi Banksy Hama Hamas Doha Duha Karim Karam Jamil Hassan Said Saad "
    "Samarra Samara Tikrit Takrit Mehdi Mahdi Damascus Syria Cairo Egypt Beirut"
)


@dataclass
class Item:
    id: str
    kind: str  # "group" or "pair"
    category: str
    spellings: list[str]
    kinds: list[str]
    note: str
    overlaps: list[str] = field(default_factory=list)


def _fields(line: str) -> list[str]:
    return [f.strip() for f in line.split("|")]


def parse_groups(path: Path) -> list[Item]:
    items, category, n = [], "", Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# category:"):
            category = line.split(":", 1)[1].strip()
        elif line.strip() and not line.startswith("#"):
            kind, spellings, note = _fields(line)
            assert kind in KIND_LETTERS, line
            words = [w.strip() for w in spellings.split(",") if w.strip()]
            assert len(words) >= 2 and len(set(words)) == len(words), line
            n[category] += 1
            items.append(
                Item(f"g-{category}-{n[category]:03d}", "group", category, words, [kind], note)
            )
    return items


def parse_pairs(path: Path) -> list[Item]:
    items, category, n = [], "", Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# category:"):
            category = line.split(":", 1)[1].strip()
        elif line.strip() and not line.startswith("#"):
            a, b, note = _fields(line)
            (ka, wa), (kb, wb) = a.split(None, 1), b.split(None, 1)
            assert {ka, kb} <= KIND_LETTERS and normalise(wa) != normalise(wb), line
            n[category] += 1
            items.append(
                Item(f"p-{category}-{n[category]:03d}", "pair", category, [wa, wb], [ka, kb], note)
            )
    return items


def parse_arabic(path: Path) -> tuple[list[dict[str, object]], list[dict[str, object]]]:
    names, pairs, in_pairs = [], [], False
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("# pairs"):
            in_pairs = True
        elif line.strip() and not line.startswith("#"):
            f = _fields(line)
            if in_pairs:
                arabic, latin, other, note = f
                pairs.append(
                    {
                        "arabic": arabic,
                        "latin": [w.strip() for w in latin.split(";")],
                        "other": other,
                        "note": note,
                    }
                )
            else:
                arabic, latin, category, kind, features = f
                names.append(
                    {
                        "arabic": arabic,
                        "latin": [w.strip() for w in latin.split(";")],
                        "category": category,
                        "kind": kind,
                        "features": [x.strip() for x in features.split(",") if x.strip()],
                    }
                )
    return names, pairs


def _norm(w: str) -> str:
    return normalise(w)


def _source(spellings: list[str], by_corpus: dict[str, dict[str, int]], convention: str) -> dict:
    found = {w: by_corpus[w] for w in spellings if by_corpus.get(w)}
    missing = [w for w in spellings if not by_corpus.get(w)]
    basis = "corpora" if not missing else ("convention" if not found else "corpora + convention")
    out: dict[str, object] = {"basis": basis, "found": found, "not_found": missing}
    if missing:
        out["convention"] = convention
    return out


def _keys(spelling: str) -> set[str]:
    """What ties items together: the spelling (case and accents aside) and, for a name of
    several words, each word but an article (Abdul-Aziz ties to Aziz)."""
    parts = _TOKEN.findall(normalise(spelling))
    return {_norm(spelling)} | {p for p in parts if len(parts) > 1 and p not in ARTICLES}


def split(items: list[Item], forced: set[str]) -> set[str]:
    """The ids of the held-out items: components (items sharing a spelling) kept whole,
    components holding a forced item kept in dev, the others drawn in a seeded order while
    each stratum (groups or pairs of one category) stays within its held-out share."""
    parent = {it.id: it.id for it in items}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    owner: dict[str, str] = {}
    for it in items:
        for k in sorted({k for w in it.spellings for k in _keys(w)}):
            if k in owner:
                parent[find(it.id)] = find(owner[k])
            else:
                owner[k] = it.id
    order = {it.id: i for i, it in enumerate(items)}
    components: dict[str, list[Item]] = defaultdict(list)
    for it in items:
        components[find(it.id)].append(it)
    strata = Counter((it.kind, it.category) for it in items)
    target = {s: round(HELD_OUT_SHARE * n) for s, n in strata.items()}
    taken: Counter[tuple[str, str]] = Counter()
    # In the pool's order (a component by its first item), whatever root union-find chose.
    candidates = sorted(
        (root for root, members in components.items() if not any(m.id in forced for m in members)),
        key=lambda root: order[components[root][0].id],
    )
    random.Random(SEED).shuffle(candidates)
    held: set[str] = set()
    for root in candidates:
        # A component is held out whole, if no stratum (kind and category) it touches goes
        # past its share by it.
        size = Counter((m.kind, m.category) for m in components[root])
        if all(taken[s] + n <= target[s] for s, n in size.items()):
            held.update(m.id for m in components[root])
            taken.update(size)
    return held


def _words(text: str) -> set[str]:
    return set(_TOKEN.findall(normalise(text)))


def _mentioned(spelling: str, words: set[str]) -> bool:
    parts = _TOKEN.findall(normalise(spelling))
    return bool(parts) and all(p in words for p in parts)


def overlaps(items: list[Item], arabic_text: str) -> set[str]:
    """Mark the items that share a spelling with variants.json or arabic_script.json, or that
    the issue's examples or the sets' own descriptions (ABOUT, CONVENTIONS) name; then, until
    nothing changes, the items a note of a dev item names. Return the ids of all of them: they
    stay in dev, so that nothing dev.json says names a held-out spelling."""
    variants = json.loads(SETS["variants"].read_text(encoding="utf-8"))
    public = {_norm(w) for g in variants["groups"] for w in g}
    public |= {_norm(w) for p in variants["distinct_pairs"] for w in p}
    described = _words(" ".join([ISSUE_EXAMPLES, ABOUT, *CONVENTIONS.values()]))
    arabic = _words(arabic_text)
    forced = set()
    for it in items:
        it.overlaps = []
        words = {_norm(w) for w in it.spellings}
        if words & public:
            it.overlaps.append("variants.json")
        if any(_mentioned(w, arabic) for w in it.spellings):
            it.overlaps.append("arabic_script.json")
        if any(_mentioned(w, described) for w in it.spellings):
            it.overlaps.append("named in the issue or in this file's description")
        if it.overlaps:
            forced.add(it.id)
    while True:
        held = split(items, forced)
        noted = _words(" ".join(it.note for it in items if it.id not in held))
        named = {
            it.id
            for it in items
            if it.id in held and any(_mentioned(w, noted) for w in it.spellings)
        }
        if not named:
            return forced
        for it in items:
            if it.id in named:
                it.overlaps.append("named in a note of a dev item")
        forced |= named


def _meta(it: Item, by_corpus: dict[str, dict[str, int]]) -> dict[str, object]:
    convention = f"the {it.category} convention (see 'conventions')"
    meta: dict[str, object] = {"id": it.id, "category": it.category}
    if it.kind == "group":
        meta["kind"] = it.kinds[0]
    else:
        meta["kinds"] = it.kinds
    meta["note"] = it.note
    meta["source"] = _source(it.spellings, by_corpus, convention)
    if it.overlaps:
        meta["overlaps"] = it.overlaps
    return meta


def write_split(items: list[Item], held: set[str], by_corpus: dict[str, dict[str, int]]) -> None:
    for name, held_out in (("dev", False), ("heldout", True)):
        chosen = [it for it in items if (it.id in held) == held_out]
        groups = [it for it in chosen if it.kind == "group"]
        pairs = [it for it in chosen if it.kind == "pair"]
        data = {
            "about": ABOUT,
            "held_out": held_out,
            "seed": SEED,
            "counts": {
                "groups": dict(sorted(Counter(it.category for it in groups).items())),
                "distinct_pairs": dict(sorted(Counter(it.category for it in pairs).items())),
            },
            "conventions": CONVENTIONS,
            "groups": [it.spellings for it in groups],
            "distinct_pairs": [it.spellings for it in pairs],
            "group_meta": [_meta(it, by_corpus) for it in groups],
            "pair_meta": [_meta(it, by_corpus) for it in pairs],
        }
        _dump(HERE / f"{name}.json", data)


def _dump(path: Path, data: dict[str, object]) -> None:
    """JSON with one item per line in the lists (readable diffs), UTF-8 as written."""
    lines = ["{"]
    keys = list(data)
    for i, key in enumerate(keys):
        value = data[key]
        end = "," if i < len(keys) - 1 else ""
        if isinstance(value, list):
            lines.append(f"  {json.dumps(key)}: [")
            for j, v in enumerate(value):
                sep = "," if j < len(value) - 1 else ""
                lines.append(f"    {json.dumps(v, ensure_ascii=False)}{sep}")
            lines.append(f"  ]{end}")
        else:
            lines.append(f"  {json.dumps(key)}: {json.dumps(value, ensure_ascii=False)}{end}")
    lines.append("}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def load_items() -> tuple[list[Item], set[str]]:
    """The pool as dev.json and heldout.json hold it, in the pool's order; the held-out ids."""
    items, held = [], set()
    for name in ("dev", "heldout"):
        data = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
        for spellings, meta in zip(data["groups"], data["group_meta"], strict=True):
            items.append(
                Item(meta["id"], "group", meta["category"], spellings, [meta["kind"]], meta["note"])
            )
            if data["held_out"]:
                held.add(meta["id"])
        for spellings, meta in zip(data["distinct_pairs"], data["pair_meta"], strict=True):
            items.append(
                Item(meta["id"], "pair", meta["category"], spellings, meta["kinds"], meta["note"])
            )
            if data["held_out"]:
                held.add(meta["id"])
    order = {"group": 0, "pair": 1}
    position = {c: i for i, c in enumerate(CONVENTIONS)}
    items.sort(key=lambda it: (order[it.kind], position[it.category], it.id))
    return items, held


def build(args: argparse.Namespace) -> int:
    items = parse_groups(args.groups) + parse_pairs(args.pairs)
    names, arabic_pairs = parse_arabic(args.arabic)
    arabic_text = json.dumps([names, arabic_pairs, ARABIC_ABOUT], ensure_ascii=False)
    every = [w for it in items for w in it.spellings]
    every += [w for n in names for w in n["latin"]]  # type: ignore[attr-defined]
    every += [w for p in arabic_pairs for w in [*p["latin"], p["other"]]]  # type: ignore[list-item]
    scan = scan_corpora(args.corpora, every, keep=False)
    forced = overlaps(items, arabic_text)
    held = split(items, forced)
    write_split(items, held, scan.by_corpus)
    for n in names:
        n["source"] = _source(list(n["latin"]), scan.by_corpus, "")  # type: ignore[arg-type]
        n["source"].pop("convention", None)  # type: ignore[attr-defined]
    for p in arabic_pairs:
        p["source"] = _source([*p["latin"], p["other"]], scan.by_corpus, "")  # type: ignore[list-item]
        p["source"].pop("convention", None)  # type: ignore[attr-defined]
    _dump(
        HERE / "arabic_script.json",
        {"about": ARABIC_ABOUT, "names": names, "distinct_pairs": arabic_pairs},
    )
    report(items, held)
    return 0


def report(items: list[Item], held: set[str]) -> None:
    """Counts per category and side: no spelling."""
    rows: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for it in items:
        rows[(it.kind, it.category)][it.id in held] += 1
    for (kind, category), (dev, heldout) in sorted(rows.items()):
        print(f"{kind:5} {category:20} dev {dev:3}  heldout {heldout:3}")
    total = Counter((it.kind, it.id in held) for it in items)
    print(
        f"groups: dev {total[('group', False)]}, heldout {total[('group', True)]}; "
        f"pairs: dev {total[('pair', False)]}, heldout {total[('pair', True)]}"
    )


def check(args: argparse.Namespace) -> int:
    """Re-derive the split and the corpus counts from the files; print ids, never spellings."""
    items, held = load_items()
    arabic = json.loads((HERE / "arabic_script.json").read_text(encoding="utf-8"))
    for entry in arabic["names"] + arabic["distinct_pairs"]:
        entry.pop("source")
    arabic_text = json.dumps(
        [arabic["names"], arabic["distinct_pairs"], ARABIC_ABOUT], ensure_ascii=False
    )
    forced = overlaps(items, arabic_text)
    again = split(items, forced)
    problems = [f"split differs: {i}" for i in sorted(held ^ again)]
    every = [w for it in items for w in it.spellings]
    every += [w for n in arabic["names"] for w in n["latin"]]
    every += [w for p in arabic["distinct_pairs"] for w in [*p["latin"], p["other"]]]
    scan = scan_corpora(args.corpora, every, keep=False)
    for name in ("dev", "heldout"):
        data = json.loads((HERE / f"{name}.json").read_text(encoding="utf-8"))
        metas = data["group_meta"] + data["pair_meta"]
        lists = data["groups"] + data["distinct_pairs"]
        for spellings, meta in zip(lists, metas, strict=True):
            if meta["source"]["found"] != {
                w: scan.by_corpus[w] for w in spellings if scan.by_corpus[w]
            }:
                problems.append(f"corpus counts differ: {meta['id']}")
    report(items, held)
    print("\n".join(problems) or "check: the split and the corpus counts are as recorded")
    return 1 if problems else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--groups", type=Path)
    parser.add_argument("--pairs", type=Path)
    parser.add_argument("--arabic", type=Path)
    parser.add_argument("--corpora", type=Path, default=DEFAULT_CORPORA, metavar="DIR")
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    if args.check:
        return check(args)
    if not (args.groups and args.pairs and args.arabic):
        parser.error("building needs --groups, --pairs and --arabic (or --check)")
    return build(args)


if __name__ == "__main__":
    sys.exit(main())
