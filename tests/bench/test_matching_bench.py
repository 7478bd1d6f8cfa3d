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
    exact = figures[0]
    assert exact.false_merges == 0


def test_main_prints_table_and_json(bench, capsys: pytest.CaptureFixture[str]) -> None:
    assert bench.main(["--variants", str(VARIANTS)]) == 0
    out = capsys.readouterr().out
    assert "| tier 1 + aliases + guarded skeleton (engine) |" in out
    assert "Groups not merged" in out
    assert bench.main(["--variants", str(VARIANTS), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows][-1].endswith("(engine)")
    assert rows[-1]["groups_merged"] >= 80
