import json
from collections import Counter

import pytest

from search.rules import company
from search.rules.company import COMPANY_SIZE, article_company, similarity, strongest_shared
from search.rules.stem import exact_form


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # Sentence-initial words are capitalized whatever they are: left out.
        ("The army said Idlib fell. Hama held.", ["idlib"]),
        # Most frequent first; ties in order of appearance; possessives and plurals folded.
        ("in Idlib and Hama, then Hama's and Idlib, and Hama again", ["hama", "idlib"]),
        ("troops of the Shiites and Sunnis", ["shiite", "sunni"]),
        # Words of fewer than three letters and lowercase words are not names.
        ("said Al and UN and the army", []),
        # After an opening quote or bracket a sentence can still start.
        ('He said. "Nobody came," said Nasrallah.', ["nasrallah"]),
        ("", []),
    ],
)
def test_article_company(text: str, expected: list[str]) -> None:
    assert article_company(text) == expected


def test_article_company_keeps_the_most_frequent_up_to_size() -> None:
    text = "x " + " ".join(f" w Name{chr(97 + i)}" * (i + 1) for i in range(5))
    assert article_company(text, size=2) == ["namee", "named"]


def flat(_: str) -> float:
    return 1.0


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ({"lebanon": 1.0, "beirut": 0.5}, {"lebanon": 1.0, "beirut": 0.5}, 1.0),
        ({"lebanon": 1.0}, {"japan": 1.0}, 0.0),
        ({}, {"japan": 1.0}, 0.0),
        ({"lebanon": 1.0, "beirut": 1.0}, {"lebanon": 1.0, "japan": 1.0}, 0.5),
    ],
)
def test_similarity_is_a_cosine(a, b, expected) -> None:
    assert similarity(a, b, flat) == pytest.approx(expected)
    assert similarity(b, a, flat) == pytest.approx(expected)


def test_similarity_weighs_rare_names_more() -> None:
    a = {"us": 1.0, "nasrallah": 1.0}
    b = {"us": 1.0, "apple": 1.0}
    rarity = {"us": 0.1, "nasrallah": 5.0, "apple": 5.0}.__getitem__
    assert similarity(a, b, rarity) < similarity(a, b, flat)


def test_strongest_shared_orders_by_contribution() -> None:
    a = {"lebanon": 1.0, "beirut": 0.5, "us": 1.0}
    b = {"lebanon": 1.0, "beirut": 1.0, "japan": 1.0}
    assert strongest_shared(a, b, flat) == ["lebanon", "beirut"]
    assert strongest_shared(a, b, flat, n=1) == ["lebanon"]


def _every_word_company(text: str, size: int = COMPANY_SIZE) -> list[str]:
    """The plain definition: every word read, the capitalized ones in mid-sentence counted."""
    counts: Counter[str] = Counter()
    for m in company._WORD.finditer(text):
        word = m.group()
        if not word[0].isupper() or len(word) < 3:
            continue
        j = m.start() - 1
        while j >= 0 and text[j] in company._OPENERS:
            j -= 1
        if j < 0 or text[j] in company._SENTENCE_ENDS:
            continue
        counts[exact_form(word)] += 1
    return [w for w, _ in counts.most_common(size)]


TRICKY = [
    "He met O'Neil and 'Quoted' McDonald's iPhone men, then d'Estaing, x'Yz and 3Com's Abc.",
    "Curly ‘Quote’ and “Double” — then O’Brien’s Café; Émile met Ştefan in Zürich.",
    "ALL CAPS WORDS. Then Idlib, Idlib again; Hama… and «Aleppo» fell.\u00a0Later Homs.",
    "x" * 3 + " Abc_Def Ghi-Jkl Mno9Pqr",
]


def test_company_is_that_of_reading_every_word(shared):
    texts = list(TRICKY)
    with (shared / "corpora" / "fakes.jsonl").open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            texts += [str(record.get("body") or ""), str(record.get("title") or "")]
    for text in texts:
        assert article_company(text) == _every_word_company(text), text[:80]
