"""Fuzzing: seeded hostile input through the engine, the command line and a real server.

    python bench/fuzz.py [--index DIR] [--seed N] [--engine N] [--cli N] [--server N]
                         [--schemathesis N] [--json FILE]

Hostile input must never give a traceback, a 5xx, an exit status other than 0 or 2, or a stall.
Three channels are driven with generated queries and parameters (any unicode, astral planes,
combining marks, bidi marks and overrides, zero-width characters, unpaired surrogates where the
channel carries them, Arabic script, control characters and NUL, huge words, 500 nested
parentheses, the 1,000-character edge, operators alone and in odd places, quotes, fields,
wildcards, proximity, boosts, ranges, markup and template payloads, and every parameter with
bad values):

- **engine**: ``SearchRequest.from_params`` and ``Engine.search`` (and ``Engine.article`` for a
  share) in this process. Only ``SearchError`` may be raised; each call must return within 5 s
  (one still running after 60 s is interrupted: a stall); a response must encode as UTF-8 JSON,
  count consistently and carry no tag but ``<mark>`` in its ``*_html``; an error message must be
  one printable line.
- **cli**: ``python -m search query|analyze ...`` as subprocesses (arguments as bytes, so invalid
  UTF-8 arrives as a terminal would send it; NUL cannot be passed). Exit status 0 or 2, no
  "Traceback" on stderr, stdout valid UTF-8 and, with ``--json``, one JSON object: ``ok`` true or
  ``{"ok": false, "error": ..., "status": N}``.
- **server**: ``news-search serve`` on 127.0.0.1 (a free port), raw HTTP/1.1 requests one at a
  time to /api/search, /search, /api/articles/{id}, /articles/{id}, /api/info, /, /healthz,
  /openapi.json and unknown paths, with percent-encoding errors, overlong URLs, odd methods and
  headers. No 5xx, no answer slower than 5 s, no traceback in the server's log; JSON endpoints
  answer JSON of the error shape or, with 200, of the schema /openapi.json describes; pages
  carry no script but ours and no injected element. Requests that uvicorn refuses before the
  application sees them ("Invalid HTTP request received.", 400) are counted apart.

Then, with schemathesis installed (the ``dev`` extra), ``bench/fuzz_api.py`` runs it against
the same server's /openapi.json with ``--schemathesis`` examples per operation (0: skipped).

Findings are grouped into classes (channel, kind, and where it failed: the exception and the
innermost frame of ours, the status, the broken rule) and each class is shrunk to a minimal
reproduction. Without --index, fakes.jsonl (793 articles) is indexed into a temporary folder.
Exit status 1 when anything was found.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import http.client
import json
import math
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import unicodedata
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

from timing import percentile, print_table, write_json

from search import Engine, SearchRequest, index_corpus
from search.errors import SearchError
from search.read.request import parse_flag

ROOT = Path(__file__).resolve().parents[1]
FAKES = ROOT.parent / "shared" / "corpora" / "fakes.jsonl"

#: An answer slower than this is a finding (the engine call, the CLI run, the HTTP round trip).
LIMIT_S = 5.0
#: An engine call still running after this long is interrupted and reported as a stall.
STALL_S = 60.0
#: A CLI run or an HTTP request still unanswered after this long is a stall.
PROCESS_TIMEOUT_S = 60.0
HTTP_TIMEOUT_S = 30.0

# Characters ---------------------------------------------------------------------------------

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u034f\u180e\u2061\u2063\u115f\u3164"
BIDI = "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
SPACES = "\t\n\r\x0b\x0c\x1c\x1d\x1e\x1f\x85\xa0\u1680\u2000\u2003\u2009\u200a"
SPACES += "\u2028\u2029\u202f\u205f\u3000"
CONTROL = "".join(map(chr, [*range(0x20), 0x7F, *range(0x80, 0xA0)]))
COMBINING = "".join(map(chr, [*range(0x300, 0x370), 0x483, 0x488, 0x489, 0x1AB0, 0x1DC0]))
COMBINING += "\u20d0\u20e3\ufe20\u0e49\u094d\u0bcd\u302a\U0001d165\U000e0100"
ARABIC = "".join(map(chr, range(0x621, 0x64B))) + "پچژگکیۀةىئؤأإآٱ"
HARAKAT = "".join(map(chr, range(0x64B, 0x653))) + "\u0670\u0640\u06e1"
ARABIC_OTHER = "٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹\ufdf2\ufdfa\ufdfd\ufefb\ufe8d\ufb50\u06dd\u060c\u061f\u066a"
ASTRAL = "𝔓𝕬𝐀𝟎😀👍🏽🇮🇶👨‍👩‍👧𠀀𐎀𒀀𞤀\U000e0041\U000e007f\U000f0000\U0010fffd\U0010ffff\U0001d7ce"
ODD = "\ufffd\ufffe\uffff\ufdd0ﬁﬃſẞßİıǅΣςΩKÅ①²³½Ⅻ１２ＡＢｚ＊（）＂：〜～＾“”‘’«»‹›„′″…·•–—"
ASCII = "".join(map(chr, range(0x20, 0x7F)))
BENIGN_POOLS = ["zero-width", "bidi", "combining", "arabic", "astral", "odd"]
POOLS = {
    "zero-width": ZERO_WIDTH,
    "bidi": BIDI,
    "spaces": SPACES,
    "control": CONTROL,
    "combining": COMBINING,
    "arabic": ARABIC + HARAKAT + ARABIC_OTHER,
    "astral": ASTRAL,
    "odd": ODD,
    "ascii": ASCII,
}

NAMES = [
    *("Sayirun", "Sairoon", "Sa'irun", "Gaddafi", "Qaddafi", "Kadhafi", "Hezbollah"),
    *("Hizballah", "Moqtada al-Sadr", "Aleppo", "Assad", "Erdogan", "Shi'ite", "Qur'an"),
    *("Ahmadi-Nejad", "al-Qaeda", "Syria", "Iraq", "Amman", "Oman", "Idlib", "Daesh", "ISIS"),
    *("حزب الله", "القذافي", "حماس", "القرآن", "عمر", "حلب", "الأسد", "سوريا", "داعش"),
]
SCRIPT = "<script>window.__pwned=1;alert('xss')</script>"
IMG = '"><img src=x onerror="window.__pwned=1">'
PAYLOADS = [
    *(SCRIPT, IMG, "<svg/onload=alert(1)>", "'><iframe src=javascript:alert(1)>", "{{7*7}}"),
    *("{% raw %}{{7*7}}{% endraw %}", "{{ config }}", "${7*7}", "#{7*7}", "<%= 7*7 %>"),
    *("javascript:alert(1)", "</mark><b>bold</b>", "<mark>", "&amp;&lt;&#x3C;", "%s%s%n%x"),
    *("' OR 1=1 --", "\\", '\\"', "../../etc/passwd", "$(id)", "`id`", "\x1b[31mred\x1b[0m"),
    *("data:text/html,<script>alert(1)</script>", "\x00", "<style>body{display:none}</style>"),
]
OPERATORS = ["OR", "AND", "NOT", "-", "+", "&&", "||", "!", "or", "not", "|", "&", "--", "-+"]
SYNTAX = ['"', "(", ")", "~", "~3", "^", "^2", "*", "?", ":", "[", "]", "{", "}", "\\", "/"]
FIELDS = ["title:", "body:", "unknown:", "TITLE:", "Title:", "id:", "source:", "date:", "url:"]
FIELDS += ["spellings:", "title::", ":", "http:", "a:", "title:title:", "body: "]
WILDCARDS = ["Alep*", "a*", "*x", "Al*ppo", "Ale**", "A*", "Ale?", "?", "*", "**", "al-*"]
WILDCARDS += ["title:Al*", "-Al*", '"Ale*"', "Al*-x", "th*", "Ā*", "حل*", "𝔓*", "1*", "'*"]
SLOPS = ["", "", "~", "~0", "~1", "~3", "~100", "~101", "~999", "~" + "9" * 40, "~-1", "~3~3"]
SLOPS += ["~a", "~ 3", "~٣", "~३", "~²", "~3.5", "^2"]

# Parameters: valid values, and every kind of bad one.
PAGES = ["1", "2", "3", "0", "-1", "100000", "10000", "10001", "1e9", "x", "", " ", "1.5", "+1"]
PAGES += [" 1 ", "0x10", "1_0", "٣", "１", "²", "9" * 50, "9" * 4300, "9" * 4301, "-0", "\x00"]
SIZES = ["1", "10", "100", "0", "101", "-5", "x", "1e2", "10.0", "", "٥٠", "1_00", "9" * 30]
SORTS = ["relevance", "newest", "oldest", "", " ", "RELEVANCE", "Newest", " oldest ", "random"]
SORTS += ["newest\x00", "relevance;drop", "ｎｅｗｅｓｔ", "newest\u200b", "İ", "date", "-newest"]
DATES = ["2011", "2016-06", "2017-04-05", "2020-02-30", "2020-13-01", "2019-02-29", "2020-02-29"]
DATES += ["0000", "0001", "9999", "99999", "2020-1", "2020-01-1", "20-01-01", "2020-00"]
DATES += ["2020-01-00", "2020-12-31T00:00", "yesterday", "", " ", "2020 ", "1e3", "-2020"]
DATES += ["2020\n", "9999-12-31", "0001-01-01", "٢٠١٦", "２０１６", "2016-06-31", "1970-01-01"]
DATES += ["\x1c2016\x1d", "2016\u2028", "20160101", "2016/01/01", "2016-W01", "+2016"]
EXACTS = [None, "1", "true", "TRUE", "0", "false", "", "yes", "2", " 1", "tru", "\x00", "on"]
SOURCE_JUNK = ["", " ", "unknown", "Reuters ", "\x00", "<b>", "a" * 2000, "REUTERS\u200b"]


@dataclass
class Case:
    """One hostile input: a search (or, with ``article`` set, an article read) and its
    parameters as strings, as a front end passes them."""

    q: str = ""
    page: str | None = None
    size: str | None = None
    sort: str | None = None
    date_from: str | None = None
    date_to: str | None = None
    sources: list[str] = field(default_factory=list)
    exact: str | None = None
    article: str | None = None

    def size_of(self) -> int:
        return sum(len(v) for v in self.strings())

    def strings(self) -> list[str]:
        values = [self.q, self.page, self.size, self.sort, self.date_from, self.date_to]
        values += [*self.sources, self.exact, self.article]
        return [v for v in values if v is not None]

    def brief(self) -> dict[str, object]:
        """The fields that differ from a plain search."""
        return {
            k: v for k, v in dataclasses.asdict(self).items() if v not in (None, [], "") or k == "q"
        }


class Hostile:
    """Seeded generators of hostile text and parameters."""

    def __init__(self, seed: str, words: list[str], sources: list[str], ids: list[str]) -> None:
        self.r = random.Random(seed)
        self.words = words or ["Aleppo", "Syria"]
        self.sources = sources or ["reuters"]
        self.ids = ids or ["x"]
        self.surrogates = True  # whether the channel carries unpaired surrogates
        fragments: list[tuple[Callable[[], str], int]] = [
            (self.word, 14),
            (self.mutated_word, 12),
            (self.name, 6),
            (self.operator, 6),
            (self.syntax, 4),
            (self.phrase, 7),
            (self.field, 5),
            (self.wildcard, 5),
            (self.boost_or_range, 3),
            (self.nested, 3),
            (self.huge, 2),
            (self.many_words, 2),
            (self.any_chars, 5),
            (self.pool_chars, 6),
            (self.payload, 4),
            (self.arabic, 5),
            (self.group, 4),
        ]
        self._fragments = [f for f, _ in fragments]
        self._weights = [w for _, w in fragments]

    # Characters and words -------------------------------------------------------------------

    def char(self, benign: bool = False) -> str:
        """Any character; with ``benign``, one a query may hold (no control character, no
        surrogate)."""
        roll = self.r.random()
        if benign:
            return self.r.choice(POOLS[self.r.choice(BENIGN_POOLS)])
        if roll < 0.6:
            pool = POOLS[self.r.choice(list(POOLS))]
            return self.r.choice(pool)
        if roll < 0.64 and self.surrogates:
            return chr(self.r.randrange(0xD800, 0xE000))
        while True:
            c = self.r.randrange(0x110000)
            if not 0xD800 <= c < 0xE000:
                return chr(c)

    def word(self) -> str:
        return self.r.choice(self.words)

    def name(self) -> str:
        return self.r.choice(NAMES)

    def mutated_word(self, benign: bool = False) -> str:
        w = self.r.choice(self.words + NAMES)
        for _ in range(self.r.randint(1, 3)):
            w = self._mutate(w, benign)
        return w

    def soft_word(self) -> str:
        """A word with a searchable oddity: an accent, a mark, a zero-width or bidi character,
        another case or script form."""
        return self.mutated_word(benign=True)

    def _mutate(self, w: str, benign: bool = False) -> str:
        r = self.r
        i = r.randint(0, len(w))
        kind = r.randrange(12)
        if kind == 0:
            return w[:i] + self.char(benign) + w[i:]
        if kind == 1:
            return w + "".join(r.choice(COMBINING) for _ in range(r.randint(1, 30)))
        if kind == 2:
            return w.swapcase()
        if kind == 3:
            return w * r.randint(2, 5)
        if kind == 4:
            return w + r.choice(["'s", "’s", "s", "'", "’", "-", "'-", "s'"])
        if kind == 5:
            return r.choice(["al-", "Al-", "el-", "as-", "al ", "ال"]) + w
        if kind == 6:
            return r.choice(ZERO_WIDTH + BIDI).join([w[:i], w[i:]])
        if kind == 7:
            return w[::-1]
        if kind == 8:
            return unicodedata.normalize(r.choice(["NFD", "NFKD", "NFC", "NFKC"]), w)
        if kind == 9:
            return w.upper()
        if kind == 10:
            return w[:i] + r.choice("-'’.,;_/@#&+=%") + w[i:]
        return "".join(chr(0xFF00 + ord(c) - 0x20) if "!" <= c <= "~" else c for c in w)

    def operator(self) -> str:
        return self.r.choice(OPERATORS)

    def syntax(self) -> str:
        return "".join(self.r.choice(SYNTAX) for _ in range(self.r.randint(1, 4)))

    def phrase(self) -> str:
        r = self.r
        words = " ".join(
            self.r.choice([self.word, self.mutated_word])() for _ in range(r.randint(0, 6))
        )
        opening, closing = r.choice(
            [('"', '"')] * 6 + [('"', ""), ("", '"'), ("“", "”"), ('""', '""')]
        )
        return opening + words + closing + r.choice(SLOPS)

    def field(self) -> str:
        r = self.r
        rest = r.choice([self.word, self.phrase, self.group, self.wildcard, lambda: ""])()
        return r.choice(FIELDS) + rest

    def wildcard(self) -> str:
        if self.r.random() < 0.5:
            return self.r.choice(WILDCARDS)
        w = self.word()
        return w[: self.r.randint(0, len(w))] + self.r.choice(["*", "**", "?", "*?", "*x"])

    def boost_or_range(self) -> str:
        r = self.r
        return r.choice(
            [
                f"{self.word()}^{r.choice(['', '2', '0.5', '-1', '999999', 'x'])}",
                f"[{self.word()} TO {self.word()}]",
                f"{{{self.word()} TO {self.word()}}}",
                "[2010 TO 2012]",
                "[* TO *]",
                f"date:[2010 TO {r.choice(['2012', '*', ''])}]",
                f"({self.word()} {self.word()})^3",
                f'"{self.word()}"^2',
            ]
        )

    def nested(self) -> str:
        r = self.r
        depth = r.choice([2, 31, 32, 33, 64, 100, 333, 497, 500])
        w = self.word()
        shape = r.randrange(9)
        if shape == 0:
            return "(" * depth + w + ")" * depth
        if shape == 1:
            return "(" * depth + w + ")" * r.randint(0, depth)
        if shape == 2:
            return "(" * r.randint(0, depth) + w + ")" * depth
        if shape == 3:
            return "(-" * depth + w + ")" * depth
        if shape == 4:
            return "NOT " * depth + w
        if shape == 5:
            return "-" * depth + w
        if shape == 6:
            return "title:(" * depth + w + ")" * depth
        if shape == 7:
            return f"({w} OR " * depth + w + ")" * depth
        return ")" * depth + w + "(" * depth

    def huge(self) -> str:
        r = self.r
        length = r.choice([100, 500, 998, 999, 1000, 1001, 2000, 5000, 100_000])
        unit = r.choice([self.word(), "a", "𝔓", "é", "\u0301", "ب", "(", '"', "x ", "ﷺ"])
        return (unit * (length // max(1, len(unit)) + 1))[:length]

    def many_words(self) -> str:
        n = self.r.choice([2, 20, 99, 100, 101, 200])
        if self.r.random() < 0.5:
            return " ".join(self.word() for _ in range(n))
        return " ".join(f"{self.word()}{i}" for i in range(n))

    def any_chars(self) -> str:
        return "".join(self.char() for _ in range(self.r.randint(1, 30)))

    def pool_chars(self) -> str:
        pool = POOLS[self.r.choice(list(POOLS))]
        return "".join(self.r.choice(pool) for _ in range(self.r.randint(1, 20)))

    def payload(self) -> str:
        return self.r.choice(PAYLOADS)

    def arabic(self) -> str:
        r = self.r
        if r.random() < 0.4:
            w = r.choice([n for n in NAMES if "\u0600" <= n[0] <= "\u06ff"])
            if r.random() < 0.5:  # tatweel or vowel marks between the letters
                w = "".join(c + r.choice(["", "", "\u0640", r.choice(HARAKAT)]) for c in w)
            return w
        letters = "".join(r.choice(ARABIC + HARAKAT) for _ in range(r.randint(1, 12)))
        return r.choice(["", "", "ال", "حزب "]) + letters + r.choice(["", "", " الله", "الله"])

    def group(self) -> str:
        r = self.r
        inner = f" {r.choice(['OR', 'AND', '', '||', 'NOT', '-'])} ".join(
            self.fragment() for _ in range(r.randint(1, 3))
        )
        return r.choice(["(", "-(", "NOT (", "title:("]) + inner + r.choice([")", ")", ""])

    def fragment(self) -> str:
        return self.r.choices(self._fragments, self._weights)[0]()

    def text(self) -> str:
        r = self.r
        roll = r.random()
        if roll < 0.04:
            return ""
        if roll < 0.10:
            return self.edge()
        if roll < 0.45:
            return self.plausible()
        parts = [self.fragment() for _ in range(r.choices([1, 2, 3, 4, 6], [30, 30, 20, 12, 8])[0])]
        separators = [" "] * 12 + ["", "  ", "\t", "\u3000", "\u200b", "\n", " - ", " OR "]
        q = parts[0]
        for part in parts[1:]:
            q += r.choice(separators) + part
        if r.random() < 0.05:
            q = r.choice(SPACES) + q + r.choice(SPACES)
        return q

    def plausible(self) -> str:
        """A query that mostly parses: words and names (some with searchable oddities),
        phrases, fields, prefixes, exclusions and OR, so that matching, ranking, snippets,
        did-you-mean and fewer-words run on hostile text too."""
        r = self.r
        parts = []
        for _ in range(r.choices([1, 2, 3, 5, 8], [30, 30, 20, 12, 8])[0]):
            w = r.choice([self.word, self.word, self.name, self.soft_word, self.arabic])()
            kind = r.randrange(12)
            if kind == 0:
                w = f'"{w} {self.word()}"' + r.choice(["", "", "~2", "~10"])
            elif kind == 1:
                w = r.choice(["title:", "body:"]) + (f'"{w}"' if " " in w else w)
            elif kind == 2 and " " not in w:
                w = w[: r.randint(2, max(2, len(w)))] + "*"
            elif kind == 3:
                w = "-" + (f'"{w}"' if " " in w else w)
            elif kind == 4:
                w = f"({w} OR {self.soft_word()})"
            parts.append(w)
        q = parts[0]
        for part in parts[1:]:
            q += r.choice([" "] * 8 + [" OR ", " AND ", " || ", "  "]) + part
        return q

    def edge(self) -> str:
        """A query of exactly 999, 1,000 or 1,001 characters (code points)."""
        r = self.r
        length = r.choice([999, 1000, 1001])
        base = r.choice([self.word, self.name, self.phrase, self.arabic, self.any_chars])()
        filler = r.choice([" " + self.word(), " 𝔓", " a", "\u0301", " (x)", " OR y", "x"])
        text = base
        while len(text) < length:
            text += filler
        return text[:length]

    # Parameters -----------------------------------------------------------------------------

    def case(self) -> Case:
        """A query with parameters: every parameter bad in some cases, and in others
        (``clean``) only valid ones, so that hostile text reaches the search itself."""
        r = self.r
        c = Case(q=self.text())
        clean = r.random() < 0.45

        def pick(bad: list[Any], good: list[Any]) -> Any:
            return r.choice(good if clean or r.random() < 0.3 else bad)

        if r.random() < 0.25:
            c.page = pick(PAGES, ["1", "2", "3"])
        if r.random() < 0.25:
            c.size = pick(SIZES, ["1", "5", "10", "50", "100"])
        if r.random() < 0.2:
            c.sort = pick(SORTS, ["relevance", "newest", "oldest"])
        if r.random() < 0.2:
            c.date_from = pick(DATES, ["2011", "2014-06", "2016", "2017-04-05"])
        if r.random() < 0.2:
            c.date_to = pick(DATES, ["2012", "2016-06", "2017-04-05", "2018"])
        if r.random() < 0.2:
            count = r.choice([1, 1, 2, 3, 50])
            c.sources = [self.source(clean) for _ in range(count)]
        if r.random() < 0.2:
            c.exact = pick(EXACTS, ["1", "true", "0", "false"])
        if not clean and r.random() < 0.05:  # a string of pure junk in any parameter
            name = r.choice(["page", "size", "sort", "date_from", "date_to", "exact"])
            setattr(c, name, self.any_chars())
        if r.random() < 0.1:
            c.article = self.article_id()
        return c

    def source(self, clean: bool = False) -> str:
        r = self.r
        if not clean and r.random() < 0.3:
            return r.choice([*SOURCE_JUNK, self.any_chars()])
        name = r.choice(self.sources)
        return r.choice(
            [name, name.upper(), name.title(), name.swapcase(), f" {name} ", name + "x"]
        )

    def article_id(self) -> str:
        r = self.r
        if r.random() < 0.5:
            return r.choice(self.ids)
        real = r.choice(self.ids)
        return r.choice(
            [
                "",
                real + "x",
                real.upper(),
                real + "/",
                "../" + real,
                "..",
                "/",
                "a/b/c",
                real + "?q=x",
                real + "#x",
                "%2F",
                "%",
                self.payload(),
                self.any_chars(),
                "x" * 5000,
                real + "\x00",
            ]
        )


# Findings -----------------------------------------------------------------------------------


@dataclass
class FindingClass:
    """Every finding of one kind from one place, with the smallest reproduction seen."""

    channel: str
    kind: str
    where: str
    count: int = 0
    example: Any = None
    detail: str = ""
    seconds: float = 0.0
    size: int = math.inf  # type: ignore[assignment]
    minimal: Any = None
    same_as: str | None = None
    slowest: list[tuple[float, Any]] = field(default_factory=list)  # for the slow kinds

    @property
    def key(self) -> str:
        return f"{self.channel}: {self.kind}: {self.where}"

    def to_json(self) -> dict[str, object]:
        return {
            "channel": self.channel,
            "kind": self.kind,
            "where": self.where,
            "count": self.count,
            "reproduction": _jsonable(self.minimal if self.minimal is not None else self.example),
            "first_seen": _jsonable(self.example),
            "detail": self.detail,
            "slowest_s": round(self.seconds, 3),
            "same_as": self.same_as,
            "slowest_inputs": [[round(t, 2), _jsonable(e)] for t, e in self.slowest],
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, Case):
        return _jsonable(value.brief())
    if isinstance(value, bytes):
        return value.decode("utf-8", "backslashreplace")
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: _jsonable(v) for k, v in value.items()}
    if isinstance(value, str):
        return value.encode("utf-8", "backslashreplace").decode("utf-8")
    return value


class Findings:
    """Findings grouped into classes (thread-safe: the CLI channel runs two at a time)."""

    def __init__(self) -> None:
        self.classes: dict[str, FindingClass] = {}
        self._lock = threading.Lock()

    def add(
        self,
        channel: str,
        kind: str,
        where: str,
        example: Any,
        size: int,
        detail: str = "",
        seconds: float = 0.0,
    ) -> None:
        with self._lock:
            key = f"{channel}: {kind}: {where}"
            cls = self.classes.setdefault(key, FindingClass(channel, kind, where))
            cls.count += 1
            cls.seconds = max(cls.seconds, seconds)
            if kind.startswith("slower"):  # the ten slowest, slowest first
                cls.slowest = sorted([*cls.slowest, (seconds, example)], key=lambda s: -s[0])
                del cls.slowest[10:]
            if size < cls.size:
                cls.size, cls.example, cls.detail = size, example, detail

    def by_kind(self) -> dict[str, int]:
        counts: Counter[str] = Counter()
        for cls in self.classes.values():
            counts[f"{cls.channel}: {cls.kind}"] += cls.count
        return dict(sorted(counts.items()))

    def __len__(self) -> int:
        return len(self.classes)


def _our_frame(tb: traceback.StackSummary) -> str:
    """The innermost frame in the project's own code (search/, web/), else the innermost."""
    ours = [f for f in tb if "/search/" in f.filename or "/web/" in f.filename]
    frame = (ours or list(tb) or [None])[-1]
    if frame is None:
        return "?"
    path = Path(frame.filename)
    short = "/".join(path.parts[-2:])
    return f"{short}:{frame.lineno} in {frame.name}"


def _tail(text: str, lines: int = 6) -> str:
    return "\n".join(text.rstrip().splitlines()[-lines:])


_TAG_RE = re.compile(r"</?([a-zA-Z][^\s>/]*)")


def _printable_line(message: str) -> bool:
    """Whether an error message is one line a terminal shows as it is (no control or line
    separator characters)."""
    return bool(message) and all(
        c == " " or unicodedata.category(c) not in ("Cc", "Zl", "Zp") for c in message
    )


# The engine ---------------------------------------------------------------------------------


class Stall(BaseException):
    """An engine call ran past STALL_S (a BaseException, so that no ``except Exception`` of
    the code under test swallows it)."""


@contextlib.contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Interrupt the block with :class:`Stall` after ``seconds`` (main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(signum: int, frame: object) -> None:
        raise Stall

    previous = signal.signal(signal.SIGALRM, stop)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def engine_verdict(engine: Engine, case: Case) -> tuple[str, str, str, float]:
    """Run one case through the engine: (outcome, kind, where, seconds) with outcome "ok",
    "refused" (a SearchError) or "finding" (then kind and where say which)."""
    started = time.perf_counter()
    try:
        with _deadline(STALL_S):
            if case.article is not None:
                request = None
                result: Any = engine.article(case.article, case.q, parse_flag(case.exact, "exact"))
            else:
                request = SearchRequest.from_params(
                    case.q,
                    page=case.page,
                    size=case.size,
                    sort=case.sort,
                    date_from=case.date_from,
                    date_to=case.date_to,
                    sources=case.sources,
                    exact=case.exact,
                )
                result = engine.search(request)
    except SearchError as e:
        seconds = time.perf_counter() - started
        if not _printable_line(e.message):
            return "finding", "error message not one printable line", type(e).__name__, seconds
        if e.status not in (400, 404, 503):
            return "finding", "error status", f"{type(e).__name__} {e.status}", seconds
        return "refused", "", "", seconds
    except Stall:
        return "finding", "stall", f"over {STALL_S:g} s", time.perf_counter() - started
    except Exception as e:  # the findings this is for
        tb = traceback.extract_tb(e.__traceback__)
        where = f"{type(e).__name__} at {_our_frame(tb)}"
        return "finding", "exception", where, time.perf_counter() - started
    seconds = time.perf_counter() - started
    problem = _check_result(result, request)
    if problem:
        return "finding", "wrong answer", problem, seconds
    return "ok", "", "", seconds


def _check_result(result: Any, request: SearchRequest | None) -> str:
    """What is wrong with an answer, or ""."""
    data = result.to_json()
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except (TypeError, ValueError, UnicodeEncodeError) as e:
        return f"not UTF-8 JSON: {type(e).__name__}"
    if request is None:
        fragments = [data["title_html"], *data["paragraphs_html"]]
    else:
        if not 0 <= data["stories"] <= data["total"]:
            return "more stories than articles"
        if data["pages"] != math.ceil(data["stories"] / request.size):
            return "stories and pages disagree"
        hits = data["hits"]
        if len(hits) > request.size:
            return "more hits than the page size"
        offset = (request.page - 1) * request.size
        if [h["rank"] for h in hits] != list(range(offset + 1, offset + 1 + len(hits))):
            return "ranks not consecutive from the page's first"
        if data["total"] and not hits:
            return "a total but no hits on a page within it"
        fragments = [f for h in hits for f in (h["title_html"], h["snippet_html"])]
    for fragment in fragments:
        if set(_TAG_RE.findall(fragment)) - {"mark"}:
            return "a tag other than <mark> in an *_html field"
    return ""


def fuzz_engine(
    index_dir: Path, n: int, seed: int, findings: Findings, log: Callable[[str], None] = print
) -> dict[str, object]:
    engine = Engine(index_dir)
    gen = Hostile(f"{seed}-engine", vocabulary(), list(engine.sources()), article_ids(engine))
    outcomes: Counter[str] = Counter()
    times: list[float] = []
    slowest: tuple[float, Case | None] = (0.0, None)
    started = time.monotonic()
    try:
        for i in range(n):
            case = gen.case()
            outcome, kind, where, seconds = engine_verdict(engine, case)
            outcomes[outcome] += 1
            times.append(seconds)
            if seconds > slowest[0]:
                slowest = (seconds, case)
            if seconds > LIMIT_S and kind != "stall":
                findings.add(
                    "engine",
                    f"slower than {LIMIT_S:g} s",
                    "engine.search",
                    case,
                    case.size_of(),
                    f"{seconds:.2f} s",
                    seconds,
                )
            if outcome == "finding":
                findings.add("engine", kind, where, case, case.size_of(), "", seconds)
                if kind == "stall":  # its state may be half-built: start again
                    engine.close()
                    engine = Engine(index_dir)
            if (i + 1) % 20_000 == 0:
                log(f"  engine: {i + 1:,} of {n:,} ({time.monotonic() - started:.0f} s)")
        return {
            "queries": n,
            "outcomes": dict(outcomes),
            "seconds": round(time.monotonic() - started, 1),
            **_latency(times),
            "slowest_input": _jsonable(slowest[1]),
        }
    finally:
        engine.close()


def _latency(times: list[float]) -> dict[str, object]:
    if not times:
        return {"slowest_ms": None, "p99_ms": None, "median_ms": None}
    return {
        "slowest_ms": round(max(times) * 1000, 1),
        "p99_ms": round(percentile(times, 0.99) * 1000, 2),
        "median_ms": round(percentile(times, 0.5) * 1000, 2),
    }


def vocabulary(corpus: Path = FAKES, limit: int = 3000) -> list[str]:
    """Words of the corpus's titles (names and common words), in a fixed order."""
    words: Counter[str] = Counter()
    if corpus.exists():
        with corpus.open(encoding="utf-8") as f:
            for line in f:
                title = json.loads(line).get("title") or ""
                words.update(re.findall(r"[^\W\d_][\w'’-]*", title))
    return [w for w, _ in words.most_common(limit)] + NAMES


def article_ids(engine: Engine, limit: int = 200) -> list[str]:
    """Ids of real articles (the newest), through the engine's own search."""
    response = engine.search(SearchRequest.from_params("", size=100))
    ids = [h.id for h in response.hits]
    if response.pages > 1 and len(ids) < limit:
        ids += [h.id for h in engine.search(SearchRequest.from_params("", size=100, page=2)).hits]
    return ids[:limit]


# Shrinking ----------------------------------------------------------------------------------


def _ddmin(items: list[Any], fails: Callable[[list[Any]], bool], budget: list[int]) -> list[Any]:
    """Zeller's delta debugging: a smaller list for which ``fails`` still holds."""
    chunks = 2
    while len(items) >= 2 and budget[0] > 0:
        size = math.ceil(len(items) / chunks)
        reduced = False
        for start in range(0, len(items), size):
            if budget[0] <= 0:
                break
            candidate = items[:start] + items[start + size :]
            budget[0] -= 1
            if candidate and fails(candidate):
                items, chunks, reduced = candidate, max(chunks - 1, 2), True
                break
        if not reduced:
            if chunks >= len(items):
                break
            chunks = min(len(items), chunks * 2)
    return items


def shrink_case(case: Case, fails: Callable[[Case], bool], budget: int = 400) -> Case:
    """A smaller case that still fails the same way: parameters left out, then the query text
    and each parameter cut down word by word and character by character."""
    left = [budget]
    best = dataclasses.replace(case, sources=list(case.sources))
    for name in ("page", "size", "sort", "date_from", "date_to", "exact", "article"):
        if getattr(best, name) is not None and left[0] > 0:
            left[0] -= 1
            trial = dataclasses.replace(best, **{name: None})
            if fails(trial):
                best = trial
    if best.sources and left[0] > 0:
        kept = _ddmin(best.sources, lambda s: fails(dataclasses.replace(best, sources=s)), left)
        left[0] -= 1
        best = dataclasses.replace(best, sources=kept)
        if fails(dataclasses.replace(best, sources=[])):
            best = dataclasses.replace(best, sources=[])
    for name in ("q", "article", "page", "size", "sort", "date_from", "date_to", "exact"):
        value = getattr(best, name)
        if not value:
            continue
        if left[0] > 0 and value.strip() and fails(dataclasses.replace(best, **{name: ""})):
            best = dataclasses.replace(best, **{name: ""})
            continue
        words = re.split(r"(\s+)", value)
        if len(words) > 2:
            words = _ddmin(
                words,
                lambda w, n=name, b=best: fails(dataclasses.replace(b, **{n: "".join(w)})),
                left,
            )
            best = dataclasses.replace(best, **{name: "".join(words)})
        chars = list(getattr(best, name))
        chars = _ddmin(
            chars, lambda c, n=name, b=best: fails(dataclasses.replace(b, **{n: "".join(c)})), left
        )
        best = dataclasses.replace(best, **{name: "".join(chars)})
    return best


def shrink_engine_classes(index_dir: Path, findings: Findings) -> None:
    """Shrink each engine class to a minimal case that fails in the same place."""
    engine = Engine(index_dir)
    try:
        for cls in findings.classes.values():
            if cls.channel != "engine" or not isinstance(cls.example, Case):
                continue
            if cls.kind.startswith("slower") or cls.kind == "stall":
                cls.minimal = cls.example  # shrinking a slow input costs its time per try
                continue

            def fails(case: Case, cls: FindingClass = cls) -> bool:
                outcome, kind, where, _ = engine_verdict(engine, case)
                return outcome == "finding" and kind == cls.kind and where == cls.where

            cls.minimal = shrink_case(cls.example, fails)
    finally:
        engine.close()


def engine_reproduces(index_dir: Path, case: Case) -> str | None:
    """The engine class a CLI or server case falls into, if the engine alone fails on it."""
    with Engine(index_dir) as engine:
        outcome, kind, where, _ = engine_verdict(engine, case)
    if outcome != "finding":
        return None
    return f"engine: {kind}: {where}"


# The command line ---------------------------------------------------------------------------


#: Linux refuses a single argument of 128 KiB or more (MAX_ARG_STRLEN): longer ones are cut.
MAX_ARG_BYTES = 100_000


def to_argv_bytes(text: str) -> bytes:
    """A string as a terminal would pass it: UTF-8, an unpaired surrogate of U+DC80-U+DCFF as
    the raw byte it stands for (as Python decodes undecodable argv bytes), others as the
    invalid three-byte sequence; NUL cannot be passed and is left out."""
    out = bytearray()
    for c in text.replace("\x00", ""):
        if 0xDC80 <= ord(c) <= 0xDCFF:
            out.append(ord(c) - 0xDC00)
        else:
            out += c.encode("utf-8", "surrogatepass")
    return bytes(out)


@dataclass
class CliCase:
    argv: list[bytes]
    json: bool
    case: Case | None  # the search it stands for, when it is one

    def size_of(self) -> int:
        return sum(len(a) for a in self.argv)

    def shell(self) -> str:
        """The command as one shell line."""
        import shlex

        return "news-search " + " ".join(
            shlex.quote(a.decode("utf-8", "surrogateescape")) if a.isascii() else _ansi_c(a)
            for a in self.argv
        )


def _ansi_c(arg: bytes) -> str:
    """A bash $'...' word for bytes that are not plain ASCII."""
    body = "".join(
        chr(b) if 0x20 <= b < 0x7F and chr(b) not in "'\\" else f"\\x{b:02x}" for b in arg
    )
    return f"$'{body}'"


def cli_case(gen: Hostile) -> CliCase:
    r = gen.r
    gen.surrogates = True
    case = gen.case()
    want_json = r.random() < 0.7
    if r.random() < 0.1:  # analyze: the same words, explained
        words = case.q.split() or [case.q]
        words_bytes = [to_argv_bytes(w)[:MAX_ARG_BYTES] for w in words[:1000]]
        argv = [b"analyze", *([b"--json"] if want_json else []), b"--", *words_bytes]
        return CliCase(argv, want_json, None)
    options: list[bytes] = []
    values = [
        ("--page", case.page),
        ("--limit", case.size),
        ("--sort", case.sort),
        ("--from", case.date_from),
        ("--to", case.date_to),
    ]
    for name, value in values:
        if value is not None:
            options.append(f"{name}=".encode() + to_argv_bytes(value)[:MAX_ARG_BYTES])
    options += [b"--source=" + to_argv_bytes(s)[:MAX_ARG_BYTES] for s in case.sources]
    if case.exact is not None and case.exact.strip().lower() in ("1", "true"):
        options.append(b"--exact")
    if want_json:
        options.append(b"--json")
    r.shuffle(options)
    text = [case.q] if r.random() < 0.8 else case.q.split(" ")
    text_args = [to_argv_bytes(t)[:MAX_ARG_BYTES] for t in text]
    junk: list[bytes] = []
    if r.random() < 0.08:
        junk = [r.choice([b"--nope", b"--limit", b"--page", b"--exact=1", b"--from", b"-x"])]
    separator = (
        [b"--"] if r.random() < 0.85 or not any(a.startswith(b"-") for a in text_args) else []
    )
    argv = [b"query", *options, *junk, *separator, *text_args]
    return CliCase(argv, want_json, case if not junk else None)


def run_cli(index_dir: Path, cli: CliCase, cwd: Path) -> subprocess.CompletedProcess[bytes] | None:
    env = {**os.environ, "NEWS_SEARCH_INDEX": str(cwd), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable.encode(), b"-m", b"search", *cli.argv, b"--index", bytes(index_dir)]
    if b"--" in cli.argv:  # options after "--" would be text: put --index before it
        at = cli.argv.index(b"--")
        command = [sys.executable.encode(), b"-m", b"search", *cli.argv[:at]]
        command += [b"--index", bytes(index_dir), *cli.argv[at:]]
    try:
        return subprocess.run(
            command, capture_output=True, env=env, cwd=cwd, timeout=PROCESS_TIMEOUT_S, check=False
        )
    except subprocess.TimeoutExpired:
        return None


def cli_verdict(
    result: subprocess.CompletedProcess[bytes] | None, cli: CliCase
) -> tuple[str, str, str]:
    """(outcome, kind, where) for one CLI run."""
    if result is None:
        return "finding", "stall", f"no exit within {PROCESS_TIMEOUT_S:g} s"
    stderr = result.stderr.decode("utf-8", "replace")
    if "Traceback" in stderr:
        last = stderr.rstrip().splitlines()[-1]
        frames = re.findall(r'File "([^"]+)", line (\d+), in (\S+)', stderr)
        ours = [f for f in frames if "/search/" in f[0] or "/web/" in f[0]] or frames
        place = (
            f"{'/'.join(Path(ours[-1][0]).parts[-2:])}:{ours[-1][1]} in {ours[-1][2]}"
            if ours
            else "?"
        )
        return "finding", "traceback", f"{last.split(':')[0]} at {place}"
    if result.returncode not in (0, 2):
        return "finding", "exit status", str(result.returncode)
    try:
        stdout = result.stdout.decode("utf-8")
    except UnicodeDecodeError:
        return "finding", "stdout not UTF-8", ""
    if not cli.json:
        return ("ok" if result.returncode == 0 else "refused"), "", ""
    try:
        data = json.loads(stdout)
    except ValueError:
        usage = "usage:" in stderr
        return "finding", "--json printed no JSON object", "usage error" if usage else "other"
    problem = _json_shape(data, result.returncode)
    if problem:
        return "finding", "--json shape", problem
    return ("ok" if result.returncode == 0 else "refused"), "", ""


def _json_shape(data: object, returncode: int) -> str:
    if not isinstance(data, dict):
        return "not an object"
    if data.get("ok") is True:
        return "" if returncode == 0 else "ok true with a failing exit status"
    if set(data) != {"ok", "error", "status", "code", "parameter"} or data["ok"] is not False:
        return "error without the error shape"
    if (
        not isinstance(data["error"], str)
        or not data["error"]
        or not isinstance(data["status"], int)
    ):
        return "error shape with wrong types"
    if returncode != 2:
        return "an error object with exit status 0"
    return ""


def fuzz_cli(
    index_dir: Path, n: int, seed: int, findings: Findings, workers: int = 2
) -> dict[str, object]:
    with Engine(index_dir) as engine:
        sources, ids = list(engine.sources()), article_ids(engine)
    gen = Hostile(f"{seed}-cli", vocabulary(), sources, ids)
    cases = [cli_case(gen) for _ in range(n)]
    outcomes: Counter[str] = Counter()
    times: list[float] = []
    slowest: tuple[float, CliCase | None] = (0.0, None)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="fuzz-cli-") as tmp:
        cwd = Path(tmp)

        def one(cli: CliCase) -> tuple[CliCase, float, tuple[str, str, str]]:
            t = time.perf_counter()
            result = run_cli(index_dir, cli, cwd)
            return cli, time.perf_counter() - t, cli_verdict(result, cli)

        with ThreadPoolExecutor(max_workers=workers) as pool:
            for cli, seconds, (outcome, kind, where) in pool.map(one, cases):
                outcomes[outcome] += 1
                times.append(seconds)
                if seconds > slowest[0]:
                    slowest = (seconds, cli)
                if seconds > LIMIT_S and kind != "stall":
                    findings.add(
                        "cli",
                        f"slower than {LIMIT_S:g} s",
                        "query",
                        cli.shell(),
                        cli.size_of(),
                        f"{seconds:.2f} s",
                        seconds,
                    )
                if outcome == "finding":
                    findings.add("cli", kind, where, cli, cli.size_of(), "", seconds)
    for cls in findings.classes.values():  # the command lines as shell text
        if cls.channel == "cli" and isinstance(cls.example, CliCase):
            example = cls.example
            cls.example = example.shell()
            if example.case is not None:
                cls.same_as = engine_reproduces(index_dir, example.case)
    return {
        "runs": n,
        "outcomes": dict(outcomes),
        "seconds": round(time.monotonic() - started, 1),
        **_latency(times),
        "slowest_input": slowest[1].shell() if slowest[1] else None,
    }


# The server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ServerProcess:
    process: subprocess.Popen[bytes]
    port: int
    log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def log_text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def start_server(index_dir: Path, log: Path, workers: int = 1) -> ServerProcess:
    """``news-search serve`` on 127.0.0.1 and a free port, its output into ``log``."""
    port = free_port()
    command = [sys.executable, "-m", "search", "serve", "--index", str(index_dir)]
    command += ["--port", str(port), "--workers", str(workers)]
    with log.open("wb") as out:
        process = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = ServerProcess(process, port, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}: {server.log_text()}")
        try:
            if http_request(port, b"GET", b"/healthz").status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    stop_server(server)
    raise RuntimeError("the server did not answer /healthz within 120 s")


def stop_server(server: ServerProcess) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes
    seconds: float


def http_request(
    port: int,
    method: bytes,
    target: bytes,
    headers: list[bytes] | None = None,
    body: bytes = b"",
    version: bytes = b"HTTP/1.1",
    timeout: float = HTTP_TIMEOUT_S,
) -> Answer:
    """One request written byte for byte on a new connection (so that malformed targets reach
    the server as sent), read with http.client's response parser."""
    lines = [method + b" " + target + b" " + version]
    lines += headers if headers is not None else [b"Host: 127.0.0.1", b"Connection: close"]
    raw = b"\r\n".join(lines) + b"\r\n\r\n" + body
    started = time.perf_counter()
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        with contextlib.suppress(OSError):  # closed while sending: read what it said
            sock.sendall(raw)
        response = http.client.HTTPResponse(sock, method=method.decode("latin-1"))
        response.begin()
        data = response.read()
        return Answer(
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            data,
            time.perf_counter() - started,
        )


@dataclass
class Request:
    method: bytes
    target: bytes
    headers: list[bytes] | None = None
    body: bytes = b""
    version: bytes = b"HTTP/1.1"
    case: Case | None = None  # the search or article read it stands for, when it is one

    def size_of(self) -> int:
        return len(self.target) + sum(map(len, self.headers or [])) + len(self.body)

    def describe(self) -> str:
        text = f"{self.method.decode('latin-1')} {self.target.decode('latin-1')}"
        if len(text) > 300:
            text = text[:300] + f"... ({len(self.target):,} bytes)"
        if self.headers is not None or self.body or self.version != b"HTTP/1.1":
            text += f" {self.version.decode()} headers={self.headers!r} body={self.body!r}"
        return text


_BAD_ESCAPES = ["%", "%z", "%zz", "%e9", "%ed%a0%80", "%c0%af", "%f4%90%80%80", "%00", "%25"]
_BAD_ESCAPES += ["%ff%fe", "%e2%82", "%2", "%%", "%u0041", "%C3%A9", "%0a", "%0d%0a", "%2B"]


def _encode(value: str, r: random.Random) -> str:
    """A parameter value percent-encoded as a browser would, or oddly."""
    data = value.encode("utf-8", "surrogatepass")
    roll = r.random()
    if roll < 0.7:
        return urllib.parse.quote_plus(data, safe="")
    if roll < 0.85:
        return urllib.parse.quote(data, safe="()\"':*~^[]{}!$,;@/?")
    if roll < 0.95:  # junk escapes dropped in
        text = urllib.parse.quote(data, safe="")
        i = r.randint(0, len(text))
        return text[:i] + r.choice(_BAD_ESCAPES) + text[i:]
    return urllib.parse.quote(urllib.parse.quote(data, safe=""), safe="")  # twice


def _query_string(pairs: list[tuple[str, str]], r: random.Random) -> str:
    parts = []
    for name, value in pairs:
        if r.random() < 0.02:
            parts.append(_encode(name, r))  # a name without "="
        else:
            parts.append(f"{_encode(name, r)}={_encode(value, r)}")
    return r.choice(["&"] * 9 + ["&&", ";"]).join(parts)


def _search_pairs(case: Case, r: random.Random) -> list[tuple[str, str]]:
    pairs = [("q", case.q)] if case.q or r.random() < 0.5 else []
    for name, value in (
        ("page", case.page),
        ("size", case.size),
        ("sort", case.sort),
        ("from", case.date_from),
        ("to", case.date_to),
        ("exact", case.exact),
    ):
        if value is not None:
            pairs.append((name, value))
    pairs += [("source", s) for s in case.sources]
    roll = r.random()
    if roll < 0.04:
        pairs.append((r.choice(["sise", "Q", "q ", "q[]", "", "\x00", "limit", "x" * 300]), "1"))
    elif roll < 0.08 and pairs:
        pairs.append(r.choice(pairs))  # repeated
    r.shuffle(pairs)
    return pairs


UNKNOWN_PATHS = [
    *("/api/nope", "/nope", "/api", "/api/", "/api/search/", "/api/articles", "/api/articles/"),
    *("/articles/", "/articles", "//", "/api//search", "/static/", "/static/nope.css"),
    *("/static/../web/app.py", "/static/%2e%2e/%2e%2e/pyproject.toml", "/%2e%2e/", "/.git/config"),
    *("/search/", "/healthz/", "/openapi.json/", "/index.html", "/favicon.ico", "/API/SEARCH"),
    *("/api/info/x", "/api/search;x", "/%00", "/%ff", "/\\", "/api/articles/%", "/robots.txt"),
]


def server_request(gen: Hostile) -> Request:
    r = gen.r
    gen.surrogates = True
    roll = r.random()
    if roll < 0.60:
        case = gen.case()
        case.article = None
        path = r.choice([b"/api/search"] * 2 + [b"/search"])
        qs = _query_string(_search_pairs(case, r), r)
        if path == b"/search" and r.random() < 0.1:
            path = b"/"  # the home page redirects a query string to /search
        return Request(r.choice([b"GET"] * 19 + [b"HEAD"]), path + b"?" + qs.encode(), case=case)
    if roll < 0.82:
        case = gen.case()
        case.article = case.article if case.article is not None else gen.article_id()
        pairs = [("q", case.q)] if case.q else []
        if case.exact is not None:
            pairs.append(("exact", case.exact))
        if r.random() < 0.05:
            pairs.append(r.choice([("page", "1"), ("q", "x"), ("nope", "")]))
        api = r.random() < 0.6
        encoded = _encode(case.article, r).replace("+", "%20")
        if r.random() < 0.1:  # unencoded slashes and dots stay in the path
            encoded = urllib.parse.quote(case.article.encode("utf-8", "surrogatepass"), safe="/.")
        target = (b"/api/articles/" if api else b"/articles/") + encoded.encode()
        if pairs:
            target += b"?" + _query_string(pairs, r).encode()
        return Request(b"GET", target, case=case)
    if roll < 0.86:
        qs = "" if r.random() < 0.6 else "?" + _query_string([(gen.pool_chars()[:5], "1")], r)
        path = r.choice(["/api/info", "/", "/healthz", "/openapi.json"])
        return Request(b"GET", (path + qs).encode())
    if roll < 0.93:
        return Request(
            r.choice([b"GET", b"GET", b"HEAD", b"POST"]), r.choice(UNKNOWN_PATHS).encode()
        )
    return _protocol_junk(gen)


def _protocol_junk(gen: Hostile) -> Request:
    """Requests at the HTTP level: odd methods, versions and headers, raw bytes, huge URLs."""
    r = gen.r
    kind = r.randrange(10)
    path = r.choice([b"/api/search?q=Aleppo", b"/search?q=Aleppo", b"/api/info", b"/"])
    if kind == 0:
        return Request(
            r.choice([b"POST", b"PUT", b"DELETE", b"OPTIONS", b"PATCH", b"TRACE", b"FOO"]), path
        )
    if kind == 1:  # overlong URLs
        length = r.choice([2000, 8190, 8192, 16384, 65536, 1_000_000])
        return Request(b"GET", (b"/api/search?q=" + b"a" * length)[: length + 14])
    if kind == 2:  # raw bytes in the target
        raw = "".join(gen.char() for _ in range(r.randint(1, 8))).encode("utf-8", "surrogatepass")
        return Request(
            b"GET", r.choice([b"/api/search?q=", b"/search?q=", b"/api/articles/"]) + raw
        )
    if kind == 3:
        return Request(
            b"GET",
            path,
            version=r.choice([b"HTTP/1.0", b"HTTP/2.0", b"HTTP/0.9", b"HTTP/9"]),
            headers=[b"Connection: close"],
        )
    if kind == 4:
        return Request(b"GET", path, headers=[b"Connection: close"])  # no Host
    if kind == 5:
        big = b"X-Big: " + b"a" * r.choice([100, 8000, 70000])
        return Request(b"GET", path, headers=[b"Host: x", b"Connection: close", big])
    if kind == 6:
        return Request(
            b"GET",
            path,
            headers=[b"Host: x", b"Connection: close", b"Content-Length: 5"],
            body=b"hello",
        )
    if kind == 7:
        many = [f"X-{i}: {i}".encode() for i in range(r.choice([50, 500]))]
        return Request(b"GET", path, headers=[b"Host: x", b"Connection: close", *many])
    if kind == 8:
        odd = r.choice(
            [
                b"Accept: text/html",
                b"Accept: */*;q=0",
                b"Accept-Encoding: gzip, br",
                b"Accept-Language: ar",
                b"Host: \xff",
                b"Cookie: a=" + b"b" * 4000,
                b"Range: bytes=0-10",
                b"If-None-Match: *",
                b"Content-Type: application/json",
            ]
        )
        return Request(b"GET", path, headers=[b"Host: x", b"Connection: close", odd])
    return Request(
        b"GET", r.choice([b"*", b"http://127.0.0.1/api/info", b"api/info", b"/api/info#x"])
    )


#: The described path of each route (as _route names them).
_DESCRIBED = {
    **{p: p for p in ("/api/search", "/api/info", "/healthz", "/openapi.json", "/", "/search")},
    "/api/articles/": "/api/articles/{id}",
    "/articles/": "/articles/{id}",
}
_SCHEMA_FOR = {
    "/api/search": "SearchResponse",
    "/api/info": "Info",
    "/healthz": "Health",
}
_INVALID_HTTP = b"Invalid HTTP request received."
#: h11's limit on a request line and headers as uvicorn runs it: past it the request is refused,
#: and the connection may close before the refusal can be read.
H11_LIMIT = 16 * 1024
#: The tags our templates write: a page holding any other was injected into.
OUR_TAGS = frozenset(
    m.lower()
    for page in (ROOT / "web" / "templates").glob("*.html")
    for m in re.findall(r"<([a-zA-Z][a-zA-Z0-9]*)", page.read_text(encoding="utf-8"))
)


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in OUR_TAGS:
            self.problems.append(f"<{tag}>")
        if tag == "script":
            self.scripts += 1
            if dict(attrs) != {"src": "/static/keys.js", "defer": None}:
                self.problems.append("a script not ours")
        for name, value in attrs:
            if name.startswith("on"):
                self.problems.append(f"an {name} attribute")
            if name in ("href", "src", "action", "formaction") and (
                value or ""
            ).strip().lower().startswith(("javascript:", "data:")):
                self.problems.append(f"a {name} to {value[:20]!r}")


def injected(page: bytes) -> str:
    """What was injected into a page of ours: a tag no template writes, a script not ours, an
    event handler or a javascript: link; "" when nothing was."""
    parser = _Tags()
    parser.feed(page.decode("utf-8", "replace"))
    parser.close()
    if parser.scripts != 1:
        parser.problems.append(f"{parser.scripts} scripts")
    return ", ".join(dict.fromkeys(parser.problems))


def server_verdict(
    request: Request, answer: Answer | None, spec: dict[str, Any]
) -> tuple[str, str, str]:
    """(outcome, kind, where): outcome "ok", "refused" (a 4xx of ours), "protocol" (refused by
    uvicorn before the application) or "finding"."""
    if answer is None:
        if request.size_of() > H11_LIMIT:  # uvicorn closed the connection on it, as it may
            return "protocol", "", ""
        return "finding", "no answer", ""
    if answer.status >= 500:
        return "finding", "5xx", f"{answer.status} {_route(request)}"
    if answer.body == _INVALID_HTTP or (answer.status == 400 and "date" not in answer.headers):
        return "protocol", "", ""
    route = _route(request)
    described = _DESCRIBED.get(route)
    if described and request.method in (b"GET", b"HEAD"):
        statuses = spec["paths"][described]["get"]["responses"]
        if str(answer.status) not in statuses:
            return "finding", "status not in /openapi.json", f"{answer.status} {described}"
    head = request.method == b"HEAD"
    if 300 <= answer.status < 400 or head:
        return "ok", "", ""
    kind = answer.headers.get("content-type", "")
    if route.startswith("/api/") or route in ("/healthz", "/openapi.json"):
        if not kind.startswith("application/json"):
            return "finding", "JSON endpoint answered without JSON", f"{answer.status} {route}"
        try:
            data = json.loads(answer.body)
        except ValueError:
            return "finding", "JSON endpoint answered invalid JSON", f"{answer.status} {route}"
        if answer.status == 200:
            if route == "/openapi.json":
                return "ok", "", ""
            schema = _SCHEMA_FOR.get(route, "Article" if route.startswith("/api/articles/") else "")
            problem = (
                validate(data, {"$ref": f"#/components/schemas/{schema}"}, spec)
                if schema
                else "unknown route"
            )
            if problem:
                return "finding", "answer does not fit /openapi.json", f"{schema}: {problem}"
            problem = _undescribed_value(request, spec["paths"][described]["get"])
            if problem:
                return "finding", "accepted a value /openapi.json does not allow", problem
            return "ok", "", ""
        problem = _json_shape(data, 2)
        if problem:
            return "finding", "error without the error shape", f"{answer.status} {route}: {problem}"
        if data["status"] != answer.status:
            return "finding", "error status differs from the HTTP status", route
        return "refused", "", ""
    if not route.startswith("/"):  # "*", "api/info", an absolute URL: no route of ours
        return ("ok" if answer.status < 400 else "refused"), "", ""
    if not kind.startswith("text/html"):
        if route.startswith("/static/") and answer.status == 200:
            return "ok", "", ""
        return "finding", "page answered without HTML", f"{answer.status} {route}"
    problem = injected(answer.body)
    if problem:
        return "finding", "markup injected into a page", f"{route}: {problem}"
    return ("ok" if answer.status < 400 else "refused"), "", ""


def _undescribed_value(request: Request, operation: dict[str, Any]) -> str:
    """A parameter of an accepted request whose value the described schema does not allow
    (JSON Schema reads \\d as an ASCII digit; an empty value counts as none, as the search
    form sends it), as "name: why"; "" when every value fits."""
    query = request.target.partition(b"?")[2].decode("latin-1")
    described = {p["name"]: p["schema"] for p in operation.get("parameters", [])}
    for name, value in urllib.parse.parse_qsl(query, keep_blank_values=True):
        schema = described.get(name)
        if schema is None or value == "":
            continue
        kind = schema.get("type")
        if kind == "array":
            schema, kind = schema["items"], schema["items"].get("type")
        if kind == "integer":
            if not re.fullmatch(r"-?[0-9]+", value):
                return f"{name}: not written as an integer"
            number = int(value)
            if not schema.get("minimum", number) <= number <= schema.get("maximum", number):
                return f"{name}: out of the described range"
        elif kind == "boolean" and value not in ("true", "false"):
            return f"{name}: not true or false"
        elif "enum" in schema and value not in schema["enum"]:
            return f"{name}: not one of {schema['enum']}"
        elif "pattern" in schema and not re.search(schema["pattern"], value, re.ASCII):
            return f"{name}: does not match {schema['pattern']}"
    return ""


def _route(request: Request) -> str:
    """The route a request's path names, as the application reads it."""
    path = request.target.split(b"?", 1)[0]
    text = urllib.parse.unquote(path.decode("latin-1"))
    for prefix in ("/api/articles/", "/articles/", "/static/"):
        if text.startswith(prefix):
            return prefix
    return text


def validate(value: Any, schema: dict[str, Any], spec: dict[str, Any], at: str = "") -> str:
    """What does not fit ``schema`` (the subset of JSON Schema /openapi.json uses), or ""."""
    if "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].lstrip("#/").split("/"):
            node = node[part]
        return validate(value, node, spec, at)
    if "oneOf" in schema:
        fits = [s for s in schema["oneOf"] if not validate(value, s, spec, at)]
        return "" if len(fits) == 1 else f"{at or '.'}: fits {len(fits)} of oneOf"
    if "const" in schema and value != schema["const"]:
        return f"{at or '.'}: {value!r} is not {schema['const']!r}"
    if "enum" in schema and value not in schema["enum"]:
        return f"{at or '.'}: {value!r} not in {schema['enum']}"
    types = schema.get("type")
    if types is not None:
        allowed = [types] if isinstance(types, str) else types
        if not any(_is_type(value, t) for t in allowed):
            return f"{at or '.'}: {type(value).__name__} where {'/'.join(allowed)} is described"
    if isinstance(value, dict):
        for name in schema.get("required", []):
            if name not in value:
                return f"{at}.{name}: missing"
        properties = schema.get("properties", {})
        extra = schema.get("additionalProperties")
        for name, item in value.items():
            sub = properties.get(name, extra if isinstance(extra, dict) else None)
            if sub is not None:
                problem = validate(item, sub, spec, f"{at}.{name}")
                if problem:
                    return problem
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            problem = validate(item, schema["items"], spec, f"{at}[{i}]")
            if problem:
                return problem
    if isinstance(value, int | float) and "minimum" in schema and value < schema["minimum"]:
        return f"{at or '.'}: {value} below {schema['minimum']}"
    return ""


def _is_type(value: Any, name: str) -> bool:
    return {
        "string": isinstance(value, str),
        "integer": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, int | float) and not isinstance(value, bool),
        "boolean": isinstance(value, bool),
        "null": value is None,
        "object": isinstance(value, dict),
        "array": isinstance(value, list),
    }[name]


def fuzz_server(
    server: ServerProcess,
    n: int,
    seed: int,
    findings: Findings,
    index_dir: Path,
    log: Callable[[str], None] = print,
) -> dict[str, object]:
    """``n`` requests, one at a time, to a running server."""
    spec = json.loads(http_request(server.port, b"GET", b"/openapi.json").body)
    with Engine(index_dir) as engine:
        sources, ids = list(engine.sources()), article_ids(engine)
    gen = Hostile(f"{seed}-server", vocabulary(), sources, ids)
    outcomes: Counter[str] = Counter()
    statuses: Counter[int] = Counter()
    times: list[float] = []
    slowest: tuple[float, Request | None] = (0.0, None)
    log_seen = len(server.log_text())  # its start-up line
    started = time.monotonic()
    for i in range(n):
        request = server_request(gen)
        try:
            answer: Answer | None = http_request(
                server.port,
                request.method,
                request.target,
                request.headers,
                request.body,
                request.version,
            )
        except (OSError, http.client.HTTPException):
            answer = None
        outcome, kind, where = server_verdict(request, answer, spec)
        outcomes[outcome] += 1
        if answer is not None:
            statuses[answer.status] += 1
            times.append(answer.seconds)
            if answer.seconds > slowest[0]:
                slowest = (answer.seconds, request)
            if answer.seconds > LIMIT_S:
                findings.add(
                    "server",
                    f"slower than {LIMIT_S:g} s",
                    _route(request),
                    request.describe(),
                    request.size_of(),
                    f"{answer.seconds:.2f} s",
                    answer.seconds,
                )
        if outcome == "finding":
            detail = ""
            text = server.log_text()
            if "Traceback" in text[log_seen:] or "ERROR" in text[log_seen:]:
                detail = _tail(text[log_seen:], 12)
            log_seen = len(text)
            findings.add(
                "server",
                kind,
                where,
                request,
                request.size_of(),
                detail,
                answer.seconds if answer else 0.0,
            )
        if server.process.poll() is not None:
            findings.add(
                "server",
                "server exited",
                str(server.process.returncode),
                request.describe(),
                request.size_of(),
                _tail(server.log_text()),
            )
            break
        if (i + 1) % 1000 == 0:
            log(f"  server: {i + 1:,} of {n:,} ({time.monotonic() - started:.0f} s)")
    text = server.log_text()
    if "Traceback" in text[log_seen:]:
        findings.add(
            "server", "traceback in the server's log", "", None, 0, _tail(text[log_seen:], 12)
        )
    for cls in findings.classes.values():
        if cls.channel == "server" and isinstance(cls.example, Request):
            example = cls.example
            cls.minimal = _shrink_request(server, example, cls, spec)
            cls.example = example.describe()
            if example.case is not None:
                cls.same_as = engine_reproduces(index_dir, example.case)
    return {
        "requests": n,
        "outcomes": dict(outcomes),
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
        "seconds": round(time.monotonic() - started, 1),
        **_latency(times),
        "slowest_input": slowest[1].describe() if slowest[1] else None,
    }


def _shrink_request(
    server: ServerProcess, request: Request, cls: FindingClass, spec: dict[str, Any]
) -> str:
    """The request with its query string cut down while it still fails the same way."""
    if request.headers is not None or b"?" not in request.target or cls.kind.startswith("slower"):
        return request.describe()
    path, _, qs = request.target.partition(b"?")

    def fails(parts: list[bytes]) -> bool:
        trial = dataclasses.replace(request, target=path + b"?" + b"&".join(parts))
        try:
            answer = http_request(server.port, trial.method, trial.target)
        except (OSError, http.client.HTTPException):
            answer = None
        outcome, kind, where = server_verdict(trial, answer, spec)
        return outcome == "finding" and kind == cls.kind and where == cls.where

    parts = _ddmin(qs.split(b"&"), fails, [100])
    shrunk = dataclasses.replace(request, target=path + b"?" + b"&".join(parts))
    return shrunk.describe()


# Running it all -----------------------------------------------------------------------------


def build_fakes_index(folder: Path) -> Path:
    index_dir = folder / "index"
    index_corpus(index_dir, [FAKES])
    return index_dir


def run(
    index_dir: Path | None,
    seed: int,
    engine_n: int,
    cli_n: int,
    server_n: int,
    st_examples: int,
    log: Callable[[str], None] = print,
) -> dict[str, Any]:
    findings = Findings()
    figures: dict[str, Any] = {"seed": seed}
    with tempfile.TemporaryDirectory(prefix="fuzz-") as tmp:
        folder = Path(tmp)
        if index_dir is None:
            log(f"indexing {FAKES} into a temporary folder")
            index_dir = build_fakes_index(folder)
        with Engine(index_dir) as engine:
            figures["documents"] = engine.documents()
        if engine_n:
            log(f"engine: {engine_n:,} queries")
            figures["engine"] = fuzz_engine(index_dir, engine_n, seed, findings, log)
            shrink_engine_classes(index_dir, findings)
        if cli_n:
            log(f"cli: {cli_n:,} runs")
            figures["cli"] = fuzz_cli(index_dir, cli_n, seed, findings)
        if server_n or st_examples:
            server = start_server(index_dir, folder / "server.log")
            try:
                if server_n:
                    log(f"server: {server_n:,} requests to {server.url}")
                    figures["server"] = fuzz_server(
                        server, server_n, seed, findings, index_dir, log
                    )
                if st_examples:
                    figures["schemathesis"] = _schemathesis(server, st_examples, seed, folder, log)
            finally:
                stop_server(server)
    figures["findings_by_kind"] = findings.by_kind()
    figures["findings"] = [cls.to_json() for cls in findings.classes.values()]
    return figures


def _schemathesis(
    server: ServerProcess, examples: int, seed: int, folder: Path, log: Callable[[str], None]
) -> dict[str, Any]:
    try:
        import fuzz_api
    except ImportError:  # pragma: no cover - run from elsewhere
        sys.path.insert(0, str(Path(__file__).parent))
        import fuzz_api
    if not fuzz_api.available():
        log("schemathesis: not installed (pip install -e '.[dev]'): skipped")
        return {"skipped": "schemathesis is not installed"}
    log(f"schemathesis: {examples} examples per operation against {server.url}/openapi.json")
    return fuzz_api.run_schemathesis(server.url, examples, seed, folder / "schemathesis")


def print_figures(figures: dict[str, Any]) -> None:
    print(f"\nFuzzing over {figures['documents']:,} articles, seed {figures['seed']}\n")
    rows = []
    for channel, count_key in (("engine", "queries"), ("cli", "runs"), ("server", "requests")):
        f = figures.get(channel)
        if not f:
            continue
        outcomes = f["outcomes"]
        rows.append(
            [
                channel,
                f[count_key],
                outcomes.get("ok", 0),
                outcomes.get("refused", 0),
                outcomes.get("protocol", 0),
                outcomes.get("finding", 0),
                f["median_ms"],
                f["p99_ms"],
                f["slowest_ms"],
                f["seconds"],
            ]
        )
    print_table(
        [
            "channel",
            "inputs",
            "answered",
            "refused (4xx, exit 2)",
            "refused by uvicorn",
            "findings",
            "median ms",
            "p99 ms",
            "slowest ms",
            "run s",
        ],
        rows,
    )
    for channel in ("engine", "cli", "server"):
        f = figures.get(channel)
        if f and f.get("slowest_input") is not None:
            text = json.dumps(f["slowest_input"], ensure_ascii=False)
            print(f"\nslowest {channel} input ({f['slowest_ms']} ms): {text[:400]}")
    st = figures.get("schemathesis")
    if st:
        print()
        import fuzz_api

        fuzz_api.print_summary(st)
    kinds = figures["findings_by_kind"]
    print(f"\nfindings by kind: {json.dumps(kinds) if kinds else 'none'}")
    for cls in figures["findings"]:
        print(f"\n- {cls['channel']}: {cls['kind']}: {cls['where']} ({cls['count']:,} inputs)")
        print(f"  reproduction: {json.dumps(cls['reproduction'], ensure_ascii=False)[:600]}")
        if cls["same_as"]:
            print(f"  the engine alone fails the same input: {cls['same_as']}")
        if cls["detail"]:
            print("  " + cls["detail"].replace("\n", "\n  "))
        for seconds, example in cls["slowest_inputs"]:
            print(f"  {seconds} s: {json.dumps(example, ensure_ascii=False)[:300]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, metavar="DIR", help="default: fakes.jsonl, indexed")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--engine", type=int, default=100_000, metavar="N", help="engine queries")
    parser.add_argument("--cli", type=int, default=300, metavar="N", help="CLI runs")
    parser.add_argument("--server", type=int, default=5_000, metavar="N", help="HTTP requests")
    parser.add_argument(
        "--schemathesis",
        type=int,
        default=50,
        metavar="N",
        help="schemathesis examples per operation (0: none)",
    )
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    figures = run(
        args.index,
        args.seed,
        args.engine,
        args.cli,
        args.server,
        args.schemathesis,
        lambda line: print(line, file=sys.stderr, flush=True),
    )
    print_figures(figures)
    if args.json:
        write_json(args.json, figures)
    st_failed = bool(figures.get("schemathesis", {}).get("server_errors"))
    return 1 if figures["findings"] or st_failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
