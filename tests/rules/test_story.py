"""The story rule: which articles tell one story (search.rules.story)."""

from __future__ import annotations

import json

from search.rules.story import _SIGNATURE, _WORD, MIN_WORDS, own_words, story_key

STORY = (
    "Oil prices rose on Tuesday after the producers agreed to keep their output quotas for "
    "another six months, traders in London said, and analysts expected more gains this week."
)


def test_the_same_words_from_the_same_source_are_one_story_whatever_the_layout():
    rewrapped = STORY.upper().replace(", ", ",\n    ").replace(" the ", "  the  ")
    assert story_key("Reuters", STORY) == story_key("REUTERS", rewrapped) != ""


def test_another_source_or_another_word_is_another_story():
    assert story_key("Reuters", STORY) != story_key("AP", STORY)
    corrected = STORY.replace("six months", "nine months")
    assert story_key("Reuters", STORY) != story_key("Reuters", corrected)


def test_a_reply_quoting_a_post_is_not_the_post():
    reply = "In article <1@host>, ann@host writes:\n" + "\n".join(
        f"> {line}" for line in STORY.split(", ")
    )
    reply += "\nI doubt the quotas will hold, as they never have before in all these years."
    assert story_key("sci.econ", reply) != story_key("sci.econ", STORY)
    assert "oil" not in own_words(reply)


def test_quotes_and_a_signature_aside_a_repost_is_the_same_story():
    repost = STORY + "\n> an old quote\n-- \nAnn, Economics Dept, ann@host"
    assert story_key("sci.econ", repost) == story_key("sci.econ", STORY)


def test_a_short_body_has_no_story():
    short = " ".join(["word"] * (MIN_WORDS - 1))
    assert story_key("Reuters", short) == ""
    assert story_key("Reuters", short + " more") != ""
    assert story_key(None, None) == ""


def test_the_same_text_days_later_is_a_new_telling():
    from datetime import datetime

    from search.rules.story import WINDOW_DAYS, tellings

    d = datetime.fromisoformat
    # A wire's fixed text for a recurring event: each meeting is news of its own.
    assert tellings([d("1987-03-05"), d("1987-03-19"), d("1987-04-02")]) == [0, 1, 2]
    assert tellings([d("1987-03-05"), d("1987-03-05T18:00"), d("1987-03-08")]) == [0, 0, 0]
    assert WINDOW_DAYS == 3
    # Within the window of the telling's first, not of the one before.
    assert tellings([d("2019-07-01"), d("2019-07-03"), d("2019-07-05")]) == [0, 0, 1]
    assert tellings([None, None]) == [0, 0]
    assert tellings([d("2019-07-01"), None]) == [0, 1]


def _line_by_line(body: str) -> list[str]:
    """The plain definition of own_words: every line read, quotes and signature left out."""
    words: list[str] = []
    for line in body.splitlines():
        if _SIGNATURE.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        words += _WORD.findall(line.casefold())
    return words


def test_own_words_of_a_body_without_quotes_are_read_in_one_pass(shared):
    bodies = [
        "Straße\rund\u2028STRASSE\x0bÉtat\x1cfin\u0085end",  # every line break splitlines knows
        "a > b, so -- said the ministers",  # a quote sign and a dash in mid-line
        "text\n  > quoted\nmore\n-- \nsignature",
    ]
    with (shared / "corpora" / "20newsgroups.jsonl").open(encoding="utf-8") as f:
        lines = [line for _, line in zip(range(2000), f, strict=False)]
        bodies += [str(json.loads(line).get("body") or "") for line in lines]
    for body in bodies:
        assert own_words(body) == _line_by_line(body), body[:80]
