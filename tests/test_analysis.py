"""The Whoosh analyzers: offsets on the original words, gating, articles, compounds, pickling."""

from __future__ import annotations

import pickle

import pytest

from search.analysis import (
    SPELLING_SEP,
    NewsTokenizer,
    exact_analyzer,
    key_analyzer,
    spelling_analyzer,
)
from search.rules import exact_form, skeleton, spelling_key
from search.schema import build_schema

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
        assert exact_form(TEXT[start:end]) == text


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
        ("sadr", 2),
        ("said", 3),
    ]


def test_key_field_keys_only_name_like_words_at_index_time():
    keys = [t for t, *_ in _tokens(key_analyzer(), "Saad was sad in the Baath bath")]
    assert keys == [spelling_key("Saad"), spelling_key("Baath")]


def test_key_field_keys_every_word_in_a_query():
    keys = [t for t, *_ in _tokens(key_analyzer(), "saad sad", mode="query")]
    assert keys == [spelling_key("saad"), spelling_key("sad")]


def test_key_field_drops_hyphenated_articles_but_keeps_positions():
    tokens = _tokens(key_analyzer(), "Muqtada al-Sadr and as-Sadr")
    assert [(t, p) for t, p, _, _ in tokens] == [
        (spelling_key("Muqtada"), 0),
        (spelling_key("Sadr"), 2),
        (spelling_key("Sadr"), 5),
    ]


def test_a_bare_al_is_not_an_article():
    originals = [(t.original, t.article) for t in NewsTokenizer()("Al Gore and al Qaeda")]
    assert ("Al", False) in originals
    assert ("al", False) in originals


def test_hyphenated_compound_also_emits_its_joined_key():
    tokens = _tokens(key_analyzer(), "Ahmadi-Nejad spoke")
    joined = spelling_key("Ahmadinejad")
    assert (joined, 0) in [(t, p) for t, p, _, _ in tokens]
    assert (spelling_key("Ahmadi"), 0) in [(t, p) for t, p, _, _ in tokens]


def test_spellings_field_holds_skeleton_key_and_spelling():
    terms = [t for t, *_ in _tokens(spelling_analyzer(), "Sairoon and Sairun")]
    key = spelling_key("Sairoon")
    assert terms == [
        SPELLING_SEP.join([skeleton(key), key, "sairoon"]),
        SPELLING_SEP.join([skeleton(key), key, "sairun"]),
    ]


@pytest.mark.parametrize("factory", [exact_analyzer, key_analyzer, spelling_analyzer])
def test_analyzers_survive_pickling(factory):
    analyzer = factory()
    clone = pickle.loads(pickle.dumps(analyzer))
    assert clone == analyzer
    assert _tokens(clone) == _tokens(analyzer)


def test_schema_survives_pickling():
    schema = build_schema()
    clone = pickle.loads(pickle.dumps(schema))
    assert clone.names() == schema.names()
    for name in ("title", "body", "title_key", "body_key", "spellings"):
        assert clone[name].analyzer == schema[name].analyzer
