"""An article's paragraphs, as its writer meant them. Pure text work, no Whoosh here.

Corpora break lines for different reasons. Wire copy (Reuters) wraps every line at about 65
characters and starts each paragraph with an indent; Usenet posts wrap prose at about 75, leave
a blank line between paragraphs, and quote replies line by line (``>``, ``|``); scraped web
copy holds a paragraph per line. So, within each run of lines between blank lines:

- consecutive quoted lines (``>``, ``|``, list items) are one paragraph that keeps its line
  breaks;
- among the others, an indented line after unindented ones starts a paragraph, and unindented
  lines continue it (wire copy);
- otherwise, when the lines are wrapped prose (every line but the last fills most of the
  widest), they are one paragraph;
- otherwise each line is a paragraph (signatures, tables, a paragraph per line).

A paragraph is a range of the body and whether its line breaks are spaces, so that offsets of
matches in the body carry over to it unchanged.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import groupby

#: A line whose first character marks a quote, a list item or a table.
_QUOTED = re.compile(r"^\s*(?:[>|:#*•]|-\s|\d+[.)]\s)")
_INDENTED = re.compile(r"^(?: {2,}|\t)\S")
#: Wrapped prose: every line but a paragraph's last is at least this share of the widest.
_FILLED = 0.6
#: Lines narrower than this are not taken for wrapped prose.
_MIN_WIDTH = 40


@dataclass(frozen=True)
class Paragraph:
    """``body[start:end]``; with ``joined``, its line breaks read as spaces."""

    start: int
    end: int
    joined: bool

    def text(self, body: str) -> str:
        text = body[self.start : self.end]
        return re.sub("[\r\n]", " ", text) if self.joined else text


def _lines(body: str, start: int, end: int) -> list[tuple[int, int]]:
    """The (start, end) of each line of ``body[start:end]``, without its line break."""
    found = []
    for m in re.finditer(r"[^\r\n]*", body[start:end]):
        if m.start() == m.end() and found and found[-1][1] == start + m.start():
            continue
        found.append((start + m.start(), start + m.end()))
    return found


def _trimmed(body: str, start: int, end: int) -> tuple[int, int]:
    while start < end and body[start].isspace():
        start += 1
    while end > start and body[end - 1].isspace():
        end -= 1
    return start, end


def _is_wrapped(body: str, lines: list[tuple[int, int]]) -> bool:
    texts = [body[a:b].rstrip() for a, b in lines]
    if len(texts) < 2:
        return False
    width = max(len(t) for t in texts)
    return width >= _MIN_WIDTH and all(len(t) >= _FILLED * width for t in texts[:-1])


def paragraphs(body: str) -> list[Paragraph]:
    """The paragraphs of ``body``, in order, none of them blank."""
    found: list[Paragraph] = []
    for block in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", body):
        lines = [(a, b) for a, b in _lines(body, block.start(), block.end()) if body[a:b].strip()]
        # Quoted lines and the lines between them are told apart first: a reply written right
        # under the lines it quotes is prose of its own.
        for quoted, run in groupby(lines, key=lambda line: bool(_QUOTED.match(body[slice(*line)]))):
            found.extend(_run(body, list(run), quoted))
    return found


def _run(body: str, lines: list[tuple[int, int]], quoted: bool) -> list[Paragraph]:
    """The paragraphs of consecutive lines, all quoted or none."""
    texts = [body[a:b] for a, b in lines]
    indented = [bool(_INDENTED.match(t)) for t in texts]
    if quoted:  # a quote keeps its lines
        starts, joined = [0], False
    elif any(indented[i] and not indented[i - 1] for i in range(1, len(texts))):
        # Wire copy: a paragraph from each indented line to the next.
        starts = [0, *(i for i in range(1, len(texts)) if indented[i])]
        joined = True
    elif _is_wrapped(body, lines):
        starts, joined = [0], True
    else:
        starts, joined = list(range(len(texts))), False  # a paragraph a line
    return [
        Paragraph(*_trimmed(body, lines[first][0], lines[nxt - 1][1]), joined)
        for first, nxt in zip(starts, [*starts[1:], len(lines)], strict=True)
    ]
