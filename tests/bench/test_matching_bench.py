import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VARIANTS = ROOT.parent / "shared" / "eval" / "variants.json"


@pytest.fixture(scope="module")
def bench(load_bench):
    return load_bench("matching")


def test_engine_meets_the_bar(bench) -> None:
    figures = bench.measure_all(bench.load_variants(VARIANTS))
    engine = figures[-1]
    assert engine.groups == 97 and engine.distinct == 57
    assert engine.groups_merged >= 93
    assert engine.false_merges <= 2
    exact = next(f for f in figures if f.name == "exact words only")
    assert exact.false_merges == 0


def test_baselines_are_measured_in_the_same_run(bench) -> None:
    figures = {f.name: f for f in bench.measure_all(bench.load_variants(VARIANTS))}
    soundex = figures["baseline: Soundex"]
    metaphone = figures["baseline: Double Metaphone"]
    folding = figures["baseline: unidecode folding"]
    # Phonetic codes merge more groups than folding, and far more distinct names.
    assert folding.groups_merged < metaphone.groups_merged
    assert metaphone.false_merges > figures[list(figures)[-1]].false_merges
    assert soundex.false_merges > 10


@pytest.mark.parametrize(
    ("a", "b", "name", "same"),
    [
        ("Gaddafi", "Kadhafi", "baseline: Double Metaphone", True),
        ("Gaddafi", "Qaddafi", "baseline: Soundex", False),  # Soundex keeps the first letter
        ("al-Qaeda", "Qaeda", "baseline: unidecode folding", True),
        ("Pêşmerge", "Pesmerge", "baseline: unidecode folding", True),
    ],
)
def test_baseline_codes(bench, a, b, name, same) -> None:
    assert bench.MATCHERS[name](a, b) is same


def test_main_prints_table_and_json(bench, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--variants", str(VARIANTS)]) == 0
    out = capsys.readouterr().out
    assert "| tier 1 + aliases + guarded skeleton (engine) |" in out
    assert "Groups not merged" in out
    assert bench.main(["--variants", str(VARIANTS), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows][-1].endswith("(engine)")
    assert rows[-1]["groups_merged"] >= 93


def test_common_word_collisions_are_measured(load_bench, seeds_index, tmp_path) -> None:
    bench = load_bench("common_words")
    corpus = tmp_path / "c.jsonl"
    rows = [
        {"title": "Prices and prizes", "body": "price prices prize Sairoon Sairun the the"},
        {"title": "Sairun", "body": "Smith Smyth the"},
    ]
    corpus.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    assert bench.common_words(tmp_path, 1) == ["the"]
    assert set(bench.common_words(tmp_path, 3)) == {"the", "prices", "sairun"}
    words = bench.common_words(tmp_path, 100)
    unidecode = bench.collisions(words, bench.KEYS["baseline: unidecode folding"])
    assert unidecode == []  # folding alone merges nothing
    soundex = set(bench.collisions(words, bench.KEYS["baseline: Soundex"]))
    assert {"smith", "smyth", "prize", "price"} <= soundex
    assert "prices" not in bench.collisions(["prices", "price"], bench.KEYS["ours: spelling key"])
    result = bench.run(tmp_path, 100, seeds_index)
    assert result["words"] == len(words)
    assert set(result["rows"]) == {*bench.KEYS, "ours: the engine as it searches"}
