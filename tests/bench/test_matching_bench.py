import importlib.util
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = ROOT / "bench" / "matching.py"
VARIANTS = ROOT.parent / "shared" / "eval" / "variants.json"

pytestmark = pytest.mark.skipif(not VARIANTS.exists(), reason="no shared eval set")


def _bench():
    spec = importlib.util.spec_from_file_location("bench_matching", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_engine_meets_the_bar() -> None:
    bench = _bench()
    figures = bench.measure_all(bench.load_variants(VARIANTS))
    engine = figures[-1]
    assert engine.groups == 97 and engine.distinct == 57
    assert engine.groups_merged >= 80
    assert engine.false_merges <= 8
    exact = figures[0]
    assert exact.false_merges == 0


def test_main_prints_table_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    bench = _bench()
    assert bench.main(["--variants", str(VARIANTS)]) == 0
    out = capsys.readouterr().out
    assert "| tier 1 + aliases + guarded skeleton (engine) |" in out
    assert "Groups not merged" in out
    assert bench.main(["--variants", str(VARIANTS), "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert [r["name"] for r in rows][-1].endswith("(engine)")
    assert rows[-1]["groups_merged"] >= 80
