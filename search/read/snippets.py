"""Snippets: a window of about 220 characters around the matches, cut at word boundaries.

Pure text work on character offsets; which words match is decided elsewhere
(:mod:`search.read.highlight`). A snippet is a list of segments, plain or marked, rendered to HTML
with only our own ``<mark>`` tags and everything else escaped.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

#: Target length of a snippet, in characters of text (marks and ellipses not counted).
SNIPPET_CHARS = 220
#: How far before the first match a window starts, as a share of its length.
_LEAD_IN = 0.25
ELLIPSIS = "…"
_SPACE_RE = re.compile(r"\s+")


@dataclass(frozen=True)
class Span:
    """A matched word in a text: offsets, and whether it is the exact spelling searched for."""

    start: int
    end: int
    exact: bool = True
    word: str = ""  # the matched word as written, without an article in front of it


@dataclass(frozen=True)
class Segment:
    text: str
    marked: bool = False


_ONE_SPACE = re.compile(r"\s")


def _clean(text: str) -> str:
    return _SPACE_RE.sub(" ", text)


def _word_start(text: str, pos: int) -> int:
    """The start of the first whole word at or after ``pos``."""
    if pos <= 0:
        return 0
    if text[pos - 1].isspace():
        return pos
    m = _ONE_SPACE.search(text, pos)
    return m.end() if m else pos


def _word_end(text: str, pos: int) -> int:
    """The end of the last whole word at or before ``pos``."""
    if pos >= len(text):
        return len(text)
    if text[pos].isspace():
        return pos
    space = max(text.rfind(" ", 0, pos), text.rfind("\n", 0, pos), text.rfind("\t", 0, pos))
    return space if space > 0 else pos


def _best_window(spans: list[Span], width: int) -> tuple[int, int]:
    """The (first, last) span indexes of the window with the most matches, exact ones counting
    double; the earliest such window wins."""
    best = (0, 0)
    best_score = -1
    j = 0
    score = 0  # of spans[i : j + 1], kept as the window slides
    for i, first in enumerate(spans):
        if i > j:
            j, score = i, 0
        elif i:
            score -= 2 if spans[i - 1].exact else 1
        if i == j:
            score = 2 if first.exact else 1
        while j + 1 < len(spans) and spans[j + 1].end - first.start <= width:
            j += 1
            score += 2 if spans[j].exact else 1
        if score > best_score:
            best, best_score = (i, j), score
    return best


def _fragment(text: str, spans: list[Span], width: int) -> tuple[int, int]:
    """(start, end) of the window of about ``width`` characters with the most matches."""
    i, j = _best_window(spans, width)
    room = max(width - (spans[j].end - spans[i].start), 0)
    start = max(0, spans[i].start - int(room * _LEAD_IN) - 1)
    start = min(_word_start(text, start), spans[i].start) if start > 0 else 0
    end = max(min(len(text), start + width), spans[j].end)
    end = max(_word_end(text, end), spans[j].end) if end < len(text) else end
    if end - start < width and start > 0:  # near the end of the text: use the room before
        start = min(_word_start(text, max(0, end - width)), start)
    while start < end and text[start].isspace():
        start += 1
    return start, end


def _spelling(text: str, span: Span) -> str:
    return text[span.start : span.end].casefold()


def _ranges(text: str, spans: list[Span], width: int) -> list[tuple[int, int]]:
    """One window, or two half-size ones when one window would leave a spelling out."""
    if not spans:
        end = _word_end(text, width) if len(text) > width else len(text)
        return [(0, end)]
    start, end = _fragment(text, spans, width)
    inside = {_spelling(text, s) for s in spans if start <= s.start and s.end <= end}
    missing = [s for s in spans if _spelling(text, s) not in inside]
    if not missing:
        return [(start, end)]
    first = _fragment(text, spans, width // 2)
    covered = {_spelling(text, s) for s in spans if first[0] <= s.start and s.end <= first[1]}
    rest = [s for s in spans if _spelling(text, s) not in covered]
    if not rest:
        return [first]
    second = _fragment(text, rest, width // 2)
    if second[0] < first[1] and first[0] < second[1]:  # overlapping: merge
        return [(min(first[0], second[0]), max(first[1], second[1]))]
    return sorted([first, second])


def make_snippet(text: str, spans: list[Span], width: int = SNIPPET_CHARS) -> list[Segment]:
    """The snippet of ``text`` around ``spans``; the lead of the text when nothing matched.

    Every spelling matched should be visible: when one window cannot hold them all, the snippet
    is two windows of half the size, joined by an ellipsis.
    """
    if not text.strip():
        return []
    spans = sorted(spans, key=lambda s: s.start)
    segments: list[Segment] = []
    last_end = 0
    for start, end in _ranges(text, spans, width):
        if segments and start > last_end:
            segments.append(Segment(f" {ELLIPSIS} "))
        elif start > 0 and not segments:
            segments.append(Segment(ELLIPSIS))
        pos = start
        for span in spans:
            if span.start < pos or span.end > end:
                continue
            if span.start > pos:
                segments.append(Segment(_clean(text[pos : span.start])))
            segments.append(Segment(_clean(text[span.start : span.end]), marked=True))
            pos = span.end
        tail = text[pos:end].rstrip()
        if tail:
            segments.append(Segment(_clean(tail)))
        last_end = end
    if last_end < len(text.rstrip()):
        segments.append(Segment(ELLIPSIS))
    return segments


def mark_all(text: str, spans: list[Span]) -> list[Segment]:
    """The whole of ``text`` with every span marked (titles, article pages)."""
    segments: list[Segment] = []
    pos = 0
    for span in sorted(spans, key=lambda s: s.start):
        if span.start < pos:
            continue
        if span.start > pos:
            segments.append(Segment(text[pos : span.start]))
        segments.append(Segment(text[span.start : span.end], marked=True))
        pos = span.end
    if pos < len(text):
        segments.append(Segment(text[pos:]))
    return segments


def to_html(segments: list[Segment]) -> str:
    """Escaped text with ``<mark>`` around the marked segments."""
    return "".join(
        f"<mark>{html.escape(s.text)}</mark>" if s.marked else html.escape(s.text) for s in segments
    )


def to_text(segments: list[Segment], open_mark: str = "[", close_mark: str = "]") -> str:
    """Plain text with marked segments between ``open_mark`` and ``close_mark``."""
    return "".join(f"{open_mark}{s.text}{close_mark}" if s.marked else s.text for s in segments)
