"""The Whoosh analyzers: offsets on the original words, gating, articles, compounds, pickling."""

from __future__ import annotations

import pickle
from collections import Counter
from pathlib import Path

import pytest

from search.analysis.analyzers import (
    ARTICLE_TERM,
    CAPS_MARK,
    SPELLING_SEP,
    NewsTokenizer,
    SpellingFilter,
    compound_form,
    exact_analyzer,
    spelling_analyzer,
)
from search.engines.whoosh.schema import build_schema
from search.rules import exact_form, skeleton, spelling_key

SEEDS = Path(__file__).resolve().parents[2] / "seeds"

TEXT = (
    "ERBIL – Iraq’s cleric Muqtada  al-Sadr met Sa'irun and Pêşmerge in Qur'an class; "
    "Ahmadi-Nejad too."
)


def _tokens(analyzer, text=TEXT, mode="index"):
    return [
        (t.text, t.pos, t.startchar, t.endchar)
        for t in analyzer(text, positions=True, chars=True, mode=mode)
    ]


def test_offsets_point_at_the_original_words():
    for text, _pos, start, end in _tokens(exact_analyzer()):
        assert text == ARTICLE_TERM or exact_form(TEXT[start:end]) == text


@pytest.mark.parametrize(
    "word",
    ["Iraq’s", "Sa'irun", "Pêşmerge", "Qur'an", "Muqtada", "al", "Sadr", "Ahmadi", "Nejad"],
)
def test_tokenizer_keeps_words_whole(word):
    originals = [t.original for t in NewsTokenizer()(TEXT)]
    assert word in originals


def test_folding_changes_text_not_offsets():
    text = "Straße Erdoğan"
    tokens = _tokens(exact_analyzer(), text)
    assert tokens == [("strasse", 0, 0, 6), ("erdogan", 1, 7, 14)]


def test_exact_field_keeps_articles_and_positions():
    tokens = _tokens(exact_analyzer(), "Muqtada al-Sadr said")
    assert [(t, p) for t, p, _, _ in tokens] == [
        ("muqtada", 0),
        ("al", 1),
        (ARTICLE_TERM, 1),  # any hyphenated article, at the article's position and offsets
        ("sadr", 2),
        ("said", 3),
    ]
    assert tokens[1][2:] == tokens[2][2:] == (8, 10)


@pytest.mark.parametrize(
    "text", ["Muqtada as Sadr", "al Sadr", "Al Jazeera", "at-tahrir", "the al-"]
)
def test_article_term_marks_only_an_article_joined_by_a_hyphen(text):
    marked = [t for t, *_ in _tokens(exact_analyzer(), text) if t == ARTICLE_TERM]
    assert len(marked) == (1 if text == "at-tahrir" else 0)


def test_queries_get_no_article_term():
    assert ARTICLE_TERM not in [t for t, *_ in _tokens(exact_analyzer(), "al-Sadr", "query")]


def _spelling_texts(text, mode="index"):
    return [t.text for t in spelling_analyzer()(text, mode=mode)]


def _spelling_terms(text, mode="index"):
    return [
        t.split(SPELLING_SEP) for t in _spelling_texts(text, mode) if not t.startswith(CAPS_MARK)
    ]


def test_spellings_field_records_only_name_like_words():
    terms = _spelling_terms("Saad was sad in the Baath bath. SHE said PRICE and QADDAFI")
    assert [spelling for _, _, spelling in terms] == ["saad", "baath", "qaddafi"]


def test_capitals_that_are_no_name_by_their_letters_are_counted_apart():
    # A headline's capitals say nothing of a name: "ASAD" is counted so that its uses can be
    # left out of the share of uses written as a name (QADDAFI is a name by its letters).
    texts = _spelling_texts("ASAD and Asad said PRICE and QADDAFI; A and US-PRICE")
    assert sorted(t for t in texts if t.startswith(CAPS_MARK)) == [
        CAPS_MARK + "asad",
        CAPS_MARK + "price",
        CAPS_MARK + "price",
        CAPS_MARK + "us",
    ]


def test_spellings_field_leaves_hyphenated_articles_out():
    terms = _spelling_terms("Muqtada al-Sadr and as-Sadr")
    assert [spelling for _, _, spelling in terms] == ["muqtada", "sadr", "sadr"]


def test_a_bare_al_is_not_an_article():
    originals = [(t.original, t.article) for t in NewsTokenizer()("Al Gore and al Qaeda")]
    assert ("Al", False) in originals
    assert ("al", False) in originals


def test_hyphenated_compound_also_records_its_joined_spelling():
    terms = _spelling_terms("Ahmadi-Nejad spoke")
    assert [spelling_key("Ahmadinejad"), "ahmadi-nejad"] in [t[1:] for t in terms]
    assert compound_form("Ahmadi‐Nejad") == "ahmadi-nejad"


def test_spellings_field_holds_skeleton_key_and_spelling():
    terms = _spelling_texts("Sairoon and Sairun")
    key = spelling_key("Sairoon")
    assert terms == [
        SPELLING_SEP.join([skeleton(key), key, "sairoon"]),
        SPELLING_SEP.join([skeleton(key), key, "sairun"]),
    ]


def _per_token_spelling_terms(text):
    """The spellings terms found token by token, as the field's analyzer did before it counted
    compounds (the reference it must agree with)."""
    return [t.text for t in SpellingFilter()(NewsTokenizer()(text, mode="index"))]


@pytest.mark.parametrize(
    "text",
    [
        TEXT,
        "Sadr, Sadr's and al-Sadr; Ahmadi-Nejad and Ahmadi. Hizballah HIZBALLAH hizballah",
        "al-Qaeda al-Qa'ida AL-QAEDA al- -Sadr Sa'irun–Sairoon Mosul's 2024 Erdoğan Pêşmerge",
        *[p.read_text(encoding="utf-8") for p in sorted(SEEDS.glob("*.txt"))],
    ],
)
def test_spellings_field_counts_the_same_terms_as_the_per_token_scan(text):
    counted = _spelling_texts(text)
    reference = _per_token_spelling_terms(text)
    assert Counter(counted) == Counter(reference)
    assert list(dict.fromkeys(counted)) == list(dict.fromkeys(reference))  # first-seen order


def test_analyzers_survive_pickling():
    analyzer = exact_analyzer()
    clone = pickle.loads(pickle.dumps(analyzer))
    assert clone == analyzer
    assert _tokens(clone) == _tokens(analyzer)
    spellings = spelling_analyzer()
    clone = pickle.loads(pickle.dumps(spellings))
    assert clone == spellings
    assert _spelling_texts(TEXT) == [t.text for t in clone(TEXT, mode="index")]


def test_schema_survives_pickling():
    schema = build_schema()
    clone = pickle.loads(pickle.dumps(schema))
    assert clone.names() == schema.names()
    for name in ("title", "body", "spellings"):
        assert clone[name].analyzer == schema[name].analyzer
