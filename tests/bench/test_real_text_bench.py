"""bench/real_text.py on a small corpus written here: the figures follow from the articles."""

from __future__ import annotations

import json

from search import Engine, index_corpus

ARTICLES = [
    ("h1", "Hezbollah fighters crossed from Lebanon."),
    ("h2", "Hizbollah fighters crossed from Lebanon."),
    ("h3", "Nothing about the group here; Hezbollah's allies met."),
    ("o1", "Talks in Oman went on."),
    ("a1", "Talks in Amman went on."),
]
NAMES = {
    "names": [
        {"name": "Hezbollah", "spellings": ["Hezbollah", "Hizbollah"], "arabic": "حزب الله"},
        {"name": "Oman", "spellings": ["Oman"], "arabic": "عمان"},
        {"name": "Unused", "spellings": ["Zzyzx"], "arabic": "زيزكس"},
    ]
}


def test_real_text_figures(load_bench, tmp_path, capsys):
    bench = load_bench("real_text")
    corpora = tmp_path / "corpora"
    corpora.mkdir()
    rows = [{"id": i, "title": "", "body": body} for i, body in ARTICLES]
    (corpora / "a.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    names = tmp_path / "names.json"
    names.write_text(json.dumps(NAMES, ensure_ascii=False), encoding="utf-8")
    index_corpus(tmp_path / "index", [corpora])

    loaded = bench.load_names(names)
    found = bench.scan(corpora, loaded)
    assert found.articles == 5
    with Engine(tmp_path / "index") as engine:
        results = bench.measure(engine, loaded, found)
    by_name = {r.name: r for r in results}
    assert set(by_name) == {"Hezbollah", "Oman"}  # a name no article uses is left out
    hez = by_name["Hezbollah"]
    assert hez.articles == 3 and hez.varied
    assert hez.spellings == {"Hezbollah": 2, "Hizbollah": 1}
    for f in hez.ours:
        assert (f.recall, f.precision, f.typed_first) == (100.0, 100.0, 100.0)
    oman = by_name["Oman"]
    assert not oman.varied
    assert [(f.recall, f.precision) for f in oman.ours] == [(100.0, 100.0)]  # not Amman
    metaphone = oman.baselines["baseline: Double Metaphone"][0]
    assert metaphone.precision == 50.0  # Double Metaphone gives Oman and Amman one code

    assert (
        bench.main(
            ["--index", str(tmp_path / "index"), "--corpora", str(corpora), "--names", str(names)]
        )
        == 0
    )
    out = capsys.readouterr().out
    assert "| ours (engine) | 1 of 1 |" in out
    assert "| حزب الله | Hezbollah" in out
