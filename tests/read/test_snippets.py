"""Snippets: length, word boundaries, ellipses, every spelling visible, escaping."""

from __future__ import annotations

import random
import re

import pytest

from search.read.snippets import (
    ELLIPSIS,
    SNIPPET_CHARS,
    Span,
    _best_window,
    make_snippet,
    mark_all,
    to_html,
    to_text,
)

WORDS = " ".join(f"word{i}" for i in range(200))


def _span(text: str, word: str, nth: int = 0, exact: bool = True) -> Span:
    starts = [m.start() for m in re.finditer(re.escape(word), text)]
    start = starts[nth]
    return Span(start, start + len(word), exact=exact, word=word)


def _plain(segments) -> str:
    return "".join(s.text for s in segments)


def test_lead_of_the_article_when_nothing_matched():
    segments = make_snippet(WORDS, [])
    text = _plain(segments)
    assert text.startswith("word0 word1")
    assert text.endswith(ELLIPSIS)
    assert len(text) <= SNIPPET_CHARS + 1
    assert not any(s.marked for s in segments)


def test_short_text_is_whole_without_ellipses():
    segments = make_snippet("Sadr called for protests.", [])
    assert _plain(segments) == "Sadr called for protests."


@pytest.mark.parametrize("target", ["word3", "word100", "word199"])
def test_window_holds_the_match_and_cuts_at_word_boundaries(target):
    text = WORDS
    segments = make_snippet(text, [_span(text, target)])
    plain = _plain(segments)
    assert target in plain
    body = plain.strip(ELLIPSIS)
    for word in body.split():
        assert re.fullmatch(r"word\d+", word), word
    assert 150 <= len(body) <= 250
    assert [s.text for s in segments if s.marked] == [target]


def test_ellipses_only_where_text_was_cut():
    text = WORDS
    first = _plain(make_snippet(text, [_span(text, "word0")]))
    assert not first.startswith(ELLIPSIS) and first.endswith(ELLIPSIS)
    last = _plain(make_snippet(text, [_span(text, "word199")]))
    assert last.startswith(ELLIPSIS) and not last.endswith(ELLIPSIS)


def test_window_prefers_the_densest_cluster_of_matches():
    text = (
        WORDS.replace("word20 ", "Sadr ").replace("word150 ", "Sadr ").replace("word152 ", "Sadr ")
    )
    spans = [_span(text, "Sadr", i) for i in range(3)]
    segments = make_snippet(text, spans)
    assert sum(s.marked for s in segments) == 2
    assert "word151" in _plain(segments)


def test_two_windows_when_one_would_hide_a_spelling():
    text = WORDS.replace("word10 ", "Sairun ").replace("word180 ", "Sayirun ")
    spans = [_span(text, "Sairun", exact=False), _span(text, "Sayirun")]
    segments = make_snippet(text, spans)
    marked = [s.text for s in segments if s.marked]
    assert marked == ["Sairun", "Sayirun"]
    assert f" {ELLIPSIS} " in _plain(segments)
    assert len(_plain(segments)) <= SNIPPET_CHARS + 10


def test_whitespace_is_collapsed_in_the_snippet():
    text = "Sadr   called\n\nfor   protests."
    assert _plain(make_snippet(text, [_span(text, "Sadr")])) == "Sadr called for protests."


def test_html_escapes_everything_but_our_marks():
    text = 'Sadr <script>alert("x")</script> & <b onmouseover="x">'
    html = to_html(make_snippet(text, [_span(text, "Sadr")]))
    assert html.startswith("<mark>Sadr</mark>")
    assert "<script>" not in html and "<b " not in html
    assert "&lt;script&gt;" in html and "&amp;" in html


def test_marked_text_is_escaped_too():
    text = "a <x> b"
    html = to_html(mark_all(text, [Span(2, 5)]))
    assert html == "a <mark>&lt;x&gt;</mark> b"


def test_mark_all_keeps_the_whole_text():
    text = "Sadr calls on supporters"
    segments = mark_all(text, [_span(text, "Sadr"), _span(text, "supporters")])
    assert _plain(segments) == text
    assert to_text(segments) == "[Sadr] calls on [supporters]"


def test_empty_text_gives_no_snippet():
    assert make_snippet("", []) == []
    assert make_snippet("   ", []) == []


def _every_window(spans: list[Span], width: int) -> tuple[int, int]:
    """The plain definition of the best window: each window's matches summed anew."""
    best, best_score, j = (0, 0), -1.0, 0
    for i, first in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1].end - first.start <= width:
            j += 1
        score = sum(2.0 if s.exact else 1.0 for s in spans[i : j + 1])
        if score > best_score:
            best, best_score = (i, j), score
    return best


def test_the_best_window_slides_as_each_window_summed_anew_would_choose():
    rng = random.Random(1)
    for _ in range(5000):
        starts = sorted(rng.sample(range(2000), rng.randrange(1, 30)))
        spans = [Span(s, s + rng.randrange(1, 30), exact=rng.random() < 0.4) for s in starts]
        for width in (50, 110, 220):
            assert _best_window(spans, width) == _every_window(spans, width)
