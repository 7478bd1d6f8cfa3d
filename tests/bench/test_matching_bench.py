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
    assert engine.groups_merged >= 80
    assert engine.false_merges <= 8
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
    assert rows[-1]["groups_merged"] >= 80
