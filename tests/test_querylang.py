"""The query syntax: what parses into what, and every bad query's one-line reason."""

from __future__ import annotations

import pytest

from search.errors import QueryError
from search.querylang import And, Not, Or, Phrase, Word, parse_query, unparse


@pytest.mark.parametrize(
    ("query", "tree"),
    [
        ("Sayirun", Word("Sayirun")),
        ("  Sadr   protest ", And((Word("Sadr"), Word("protest")))),
        ('"Moqtada al-Sadr"', Phrase(("Moqtada", "al-Sadr"))),
        ('Sadr "Mahdi Army"', And((Word("Sadr"), Phrase(("Mahdi", "Army"))))),
        ("Sadr -Sairoon", And((Word("Sadr"), Not(Word("Sairoon"))))),
        ("Sadr NOT Sairoon", And((Word("Sadr"), Not(Word("Sairoon"))))),
        ('Sadr -"Mahdi Army"', And((Word("Sadr"), Not(Phrase(("Mahdi", "Army")))))),
        ("Hezbollah OR Hizballah", Or((Word("Hezbollah"), Word("Hizballah")))),
        (
            "Sadr Hezbollah OR Hizballah",
            And((Word("Sadr"), Or((Word("Hezbollah"), Word("Hizballah"))))),
        ),
        (
            "(Sadr OR Sistani) protest",
            And((Or((Word("Sadr"), Word("Sistani"))), Word("protest"))),
        ),
        ("Sadr AND protest", And((Word("Sadr"), Word("protest")))),
        ("or and not", And((Word("or"), Word("and"), Word("not")))),
        ("al-Sadr anti-US", And((Word("al-Sadr"), Word("anti-US")))),
        ("Qur'an", Word("Qur'an")),
        ("حزب الله", Word("حزبالله")),  # a theophoric name is one word
        ('"حسن نصر الله" لبنان', And((Phrase(("حسن", "نصرالله")), Word("لبنان")))),
        ("-Sadr protest", And((Not(Word("Sadr")), Word("protest")))),
    ],
)
def test_parse(query, tree):
    assert parse_query(query) == tree


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "empty query"),
        ("   ", "empty query"),
        ("x" * 1001, "query too long: 1,001 characters"),
        ('"Moqtada al-Sadr', "unbalanced quotes"),
        ('Sadr "', "unbalanced quotes"),
        ("(Sadr OR Sistani", "unbalanced parentheses"),
        ("Sadr)", "unbalanced parentheses"),
        (")(", "unbalanced parentheses"),
        ("OR", "OR needs a word on each side"),
        ("Sadr OR", "OR needs a word on each side"),
        ("OR Sadr", "OR needs a word on each side"),
        ("Sadr OR OR Sistani", "OR needs a word on each side"),
        ("AND", "AND needs a word on each side"),
        ("-", "needs a word after it"),
        ("NOT", "needs a word after it"),
        ("()", "operators but no words"),
        ('""', "empty phrase"),
        ("-Sadr", "only excludes words"),
        ("-Sadr -Sistani", "only excludes words"),
    ],
)
def test_bad_queries_give_a_reason(query, message):
    with pytest.raises(QueryError) as info:
        parse_query(query)
    assert message in info.value.message
    assert "\n" not in info.value.message


def test_a_query_of_exactly_the_limit_is_accepted():
    assert parse_query("x" * 1000) == Word("x" * 1000)


@pytest.mark.parametrize(
    "query",
    [
        "Sayirun",
        '"Moqtada al-Sadr" protest',
        'Sadr -Sairoon -"Mahdi Army"',
        "Sadr Hezbollah OR Hizballah",
        "(Sadr OR Sistani) protest",
        "Sadr OR (Sistani protest)",
        "Sadr NOT (Sistani OR Hakim) Najaf",
        "(a b) c",
        "(a OR b) OR c",
        "al-Sadr Qur'an anti-US",
    ],
)
def test_unparse_gives_text_that_parses_back_to_the_same_tree(query):
    tree = parse_query(query)
    assert parse_query(unparse(tree)) == tree
