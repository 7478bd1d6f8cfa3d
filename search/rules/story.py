"""One story, several articles: reposts, wire copies sent again under another headline, the same
Usenet post filed twice. A pure rule, free of the index.

Two articles are one story when they come from the same outlet (the source, ignoring case) and
their bodies say the same thing in their own words: the same words in the same order, once
case, punctuation, spacing and line breaks are set aside, and once the lines a post quotes from
another (Usenet's ``> `` lines) and its signature (after a ``-- `` line) are left out. A body of
fewer than :data:`MIN_WORDS` words of its own is too short to tell a story apart: it has no
key, and is never merged. The same words dated more than :data:`WINDOW_DAYS` days after the
first article of a telling are a new telling (:func:`tellings`): a wire's fixed text for a
recurring event ("the Bundesbank left its credit policies unchanged") is news each time.

Measured on the five shared corpora (bench/duplicates.py): every pair merged writes the same
words; articles that differ by a word or a figure (a corrected wire) are left apart.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta

__all__ = ["MIN_WORDS", "WINDOW_DAYS", "own_words", "story_key", "tellings"]

#: Fewer words of its own than this and an article has no story key.
MIN_WORDS = 20
#: Articles of one key are one telling while dated within this many days of its first.
WINDOW_DAYS = 3

_WORD = re.compile(r"\w+")
_SIGNATURE = re.compile(r"^-- ?$")


def own_words(body: str) -> list[str]:
    """The words a body writes itself, casefolded: its quoted lines and its signature left out.

    >>> own_words("In article <1@x>, Ann writes:\\n> Quoted text\\nMy reply.\\n-- \\nBob")
    ['in', 'article', '1', 'x', 'ann', 'writes', 'my', 'reply']
    """
    if ">" not in body and "--" not in body:  # no quoted line, no signature: one pass
        return _WORD.findall(body.casefold())
    words: list[str] = []
    for line in body.splitlines():
        if _SIGNATURE.match(line):
            break
        if line.lstrip().startswith(">"):
            continue
        words += _WORD.findall(line.casefold())
    return words


def story_key(source: str | None, body: str | None) -> str:
    """The key the articles of one story share ("" for a body too short to have one)."""
    words = own_words(body or "")
    if len(words) < MIN_WORDS:
        return ""
    text = f"{(source or '').casefold()}\0{' '.join(words)}"
    return hashlib.blake2b(text.encode("utf-8"), digest_size=12).hexdigest()


def tellings(dates: list[datetime | None]) -> list[int]:
    """The tellings of the articles of one story key, given in the order that picks the one
    listed (the earliest dated first, the undated last): a number for each, the same for the
    articles of one telling. A telling starts with its earliest article and takes every later
    one dated within :data:`WINDOW_DAYS` days of it; the undated make one telling of their own.

    >>> d = datetime.fromisoformat
    >>> tellings([d("1987-03-05"), d("1987-03-06"), d("1987-03-19"), None, None])
    [0, 0, 1, 2, 2]
    """
    found: list[int] = []
    first: datetime | None = None
    number = -1
    undated = -1
    for date in dates:
        if date is None:
            if undated < 0:
                number += 1
                undated = number
            found.append(undated)
            continue
        if first is None or date - first > timedelta(days=WINDOW_DAYS):
            number += 1
            first = date
        found.append(number)
    return found
