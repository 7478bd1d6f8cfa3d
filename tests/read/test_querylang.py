"""The query syntax: what parses into what, and every bad query's one-line reason."""

from __future__ import annotations

import pytest

from search.errors import QueryError
from search.read.querylang import (
    MAX_DEPTH,
    And,
    Field,
    Not,
    Or,
    Phrase,
    Prefix,
    Word,
    parse_query,
    unparse,
)


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
        ("Alep*", Prefix("Alep")),
        ("Alep** Homs", And((Prefix("Alep"), Word("Homs")))),
        ("title:Aleppo", Field("title", Word("Aleppo"))),
        ("Title:Aleppo", Field("title", Word("Aleppo"))),
        ('body:"Mahdi Army"', Field("body", Phrase(("Mahdi", "Army")))),
        ("title:Alep*", Field("title", Prefix("Alep"))),
        (
            "title:(Sadr OR Sistani) -body:Iran",
            And(
                (
                    Field("title", Or((Word("Sadr"), Word("Sistani")))),
                    Not(Field("body", Word("Iran"))),
                )
            ),
        ),
        ('"Assad regime"~3', Phrase(("Assad", "regime"), slop=3)),
        ('"Assad"~3', Phrase(("Assad",))),  # one word: nothing to be near
        ("Re: Iraq 10:30", And((Word("Re:"), Word("Iraq"), Word("10:30")))),
        ("Sadr?", Word("Sadr?")),  # a question mark at the end is punctuation
        ("Sadr || Sistani && Najaf", And((Or((Word("Sadr"), Word("Sistani"))), Word("Najaf")))),
        # A part written twice is searched once; nested groups of one kind are one group.
        ("oil oil  oil", Word("oil")),
        ("(a b) (b c)", And((Word("a"), Word("b"), Word("c")))),
        ("a OR (b OR a)", Or((Word("a"), Word("b")))),
        ("x (a OR -b)", And((Word("x"), Or((Word("a"), Not(Word("b"))))))),
        ("x -(-a)", And((Word("x"), Not(Not(Word("a")))))),
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
        ("Al*ppo", "a wildcard (*) stands only at the end of a word"),
        ("*ppo", "a wildcard (*) stands only at the end of a word"),
        ("a*", "a wildcard needs at least 2 letters"),
        ("Al?ppo", "single-letter wildcards (?) are not supported"),
        ("Aleppo~", "fuzzy search (word~) is not supported"),
        ("Aleppo~2", "fuzzy search (word~) is not supported"),
        ("Aleppo^2", "boosts (word^2) are not supported"),
        ("[1987 TO 1990]", "ranges ([a TO b]) are not supported"),
        ('"Assad regime"~', "a proximity search needs a number"),
        ('"Assad regime"~101', "at most ~100"),
        ("foo:bar", "unknown field 'foo'"),
        ("http://example.org", "unknown field 'http'"),
        ("title:", "needs a word"),
        ("title:-Sadr", "title: needs a word, a phrase or a group after it"),
        ("(" * 330 + "Sadr" + ")" * 330, f"more than {MAX_DEPTH} deep"),
        ("-(" * 248 + "a" + ")" * 248 + " b", f"more than {MAX_DEPTH} deep"),
        (" ".join(f"w{i}" for i in range(101)), "the query has 101 words; the limit is 100"),
        (" OR ".join(["common"] * 3 + [f"w{i}" for i in range(100)]), "the limit is 100"),
        ("Sadr\x00", "control character"),
        ("Sadr \udcff", "not valid UTF-8"),
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
        'Alep* title:Aleppo body:"Mahdi Army"~2 -title:(Sadr OR Sistani)',
        "x (a OR -b) -(-c)",
        'title:(a -b) "c d"~5',
    ],
)
def test_unparse_gives_text_that_parses_back_to_the_same_tree(query):
    tree = parse_query(query)
    assert parse_query(unparse(tree)) == tree
