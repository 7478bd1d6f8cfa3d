"""The query syntax a news reader expects, parsed into a small tree. No Whoosh here.

- words are all required: ``Sadr protest``;
- ``"quoted phrases"`` match words in sequence (across spellings, too); ``"Assad regime"~3``
  lets up to 3 other words stand between each word and the next, in the same order;
- ``Alep*`` matches every word that begins with ``Alep`` (as written: no other spellings);
- ``title:Aleppo``, ``body:"Mahdi Army"``, ``title:(Sadr OR Sistani)`` search one field only;
- ``-word``, ``-"a phrase"`` or ``NOT word`` exclude;
- ``OR`` between two parts matches either (it binds tighter than the implicit AND:
  ``Sadr Hezbollah OR Hizballah`` is ``Sadr AND (Hezbollah OR Hizballah)``); ``||`` is OR;
- ``( ... )`` groups; ``AND`` (or ``&&``) may be written but changes nothing.

Operators are recognised in capitals only, so "or" and "not" stay ordinary words. In Arabic
script, a word and a following الله are one word, as Latin spellings write them (حزب الله:
Hezbollah). Syntax of other engines that this one does not support (fuzzy ``word~``, boosts
``word^2``, ranges ``[a TO b]``, inner wildcards ``Al*ppo``) is refused with a message, never
searched as something else. A part written twice is searched once (``oil oil`` is ``oil``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.errors import QueryError
from search.rules.arabic_script import join_allah

MAX_QUERY_CHARS = 1000
#: Groups, exclusions and fields nest at most this deep.
MAX_DEPTH = 32
#: Words a query may hold, over all its parts (a phrase's words count one by one).
MAX_WORDS = 100
#: The most words a proximity search lets stand between two of its words.
MAX_SLOP = 100
#: The fields a query may name (``title:``, ``body:``).
FIELD_NAMES = ("title", "body")


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Prefix:
    """Every word that begins with ``text`` (written without its ``*``)."""

    text: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    slop: int = 0  # words allowed between each word and the next (0: in sequence)


@dataclass(frozen=True)
class Field:
    """``node`` searched in one field only (``title`` or ``body``)."""

    name: str
    node: Node


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Word | Prefix | Phrase | Field | Not | And | Or

_TOKEN_RE = re.compile(
    r'\s*(?:(")([^"]*)(")?(~\d*)?'  # a phrase, maybe with ~N
    r"|([()])"
    r"|(-)(?=[\"(\w])"
    r"|([A-Za-z]+):(?=[^\s:])"  # a field name before its word, phrase or group
    r"|((?i:title|body)):(?=\s|$)"  # a field name before nothing
    r'|([^\s()"]+))'
)
_OPERATORS = {"OR": "OR", "AND": "AND", "NOT": "NOT", "||": "OR", "&&": "AND"}
#: Characters other engines give a meaning that this one does not have.
_UNSUPPORTED = (
    ("~", "fuzzy search (word~) is not supported: every spelling of a name is searched "
     'already; for words near each other write "a b"~3'),
    ("^", "boosts (word^2) are not supported"),
    ("[", "ranges ([a TO b]) are not supported: give dates with from and to"),
    ("]", "ranges ([a TO b]) are not supported: give dates with from and to"),
    ("{", "ranges ({a TO b}) are not supported: give dates with from and to"),
    ("}", "ranges ({a TO b}) are not supported: give dates with from and to"),
)  # fmt: skip


@dataclass(frozen=True)
class _Tok:
    kind: str  # "word", "prefix", "phrase", "field", "(", ")", "-", "OR", "AND", "NOT"
    text: str = ""
    slop: int = 0


def _word_token(word: str) -> _Tok:
    """A word as written (after any leading - or +), checked for syntax this engine lacks."""
    for char, message in _UNSUPPORTED:
        if char in word:
            raise QueryError(f"{message} (in {word!r})")
    if "?" in word.rstrip("?"):
        raise QueryError(f"single-letter wildcards (?) are not supported (in {word!r})")
    if "*" in word:
        stem = word.rstrip("*")
        if "*" in stem:
            raise QueryError(f"a wildcard (*) stands only at the end of a word, not in {word!r}")
        if len(stem) < 2:
            raise QueryError(f"a wildcard needs at least 2 letters before it, not {word!r}")
        return _Tok("prefix", stem)
    return _Tok("word", word)


def _lex(query: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    pos = 0
    while pos < len(query):
        if query[pos:].strip() == "":
            break
        m = _TOKEN_RE.match(query, pos)
        if m is None:  # pragma: no cover - the pattern matches any non-blank character
            raise QueryError(f"cannot read the query at character {pos + 1}")
        pos = m.end()
        quote, phrase, closing, slop, paren, minus, field, bare, word = m.groups()
        if bare:
            raise QueryError(f"{bare.lower()}: needs a word, a phrase or a group after it")
        if quote:
            if closing is None:
                raise QueryError('unbalanced quotes: a phrase opened with " is never closed')
            tokens.append(_Tok("phrase", phrase, _slop(phrase, slop)))
        elif paren:
            tokens.append(_Tok(paren))
        elif minus:
            tokens.append(_Tok("-"))
        elif field:
            if field.lower() not in FIELD_NAMES:
                raise QueryError(
                    f"unknown field {field!r}: search title: or body:, or put the words in "
                    f'quotes ("{field}:...") to search them as words'
                )
            tokens.append(_Tok("field", field.lower()))
        elif word in _OPERATORS:
            tokens.append(_Tok(_OPERATORS[word]))
        elif not word.strip("-+"):
            tokens.append(_Tok("-"))
        else:
            tokens.append(_word_token(word.lstrip("-+")))
    return tokens


def _slop(phrase: str, written: str | None) -> int:
    if written is None:
        return 0
    if written == "~":
        raise QueryError('a proximity search needs a number after the ~, as in "a b"~3')
    slop = int(written[1:])
    if slop > MAX_SLOP:
        raise QueryError(f"a proximity search allows at most ~{MAX_SLOP}, not ~{slop}")
    return slop


def _flat(kind: type[And] | type[Or], nodes: list[Node]) -> Node:
    """``nodes`` joined by ``kind``: nested parts of the same kind inlined, repeats dropped."""
    parts: list[Node] = []
    for node in nodes:
        parts.extend(node.nodes if isinstance(node, kind) else (node,))
    unique = tuple(dict.fromkeys(parts))
    return unique[0] if len(unique) == 1 else kind(unique)


class _Parser:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.i = 0
        self.depth = 0

    def peek(self) -> _Tok | None:
        return self.tokens[self.i] if self.i < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.i]
        self.i += 1
        return tok

    def parse(self) -> Node:
        node = self.and_expr()
        tok = self.peek()
        if tok is not None:  # only a stray ")" stops and_expr early
            raise QueryError("unbalanced parentheses: ')' without a matching '('")
        return node

    def and_expr(self) -> Node:
        nodes: list[Node] = []
        while (tok := self.peek()) is not None and tok.kind != ")":
            if tok.kind == "AND":
                self.take()
                if not nodes or self.peek() is None or self.peek().kind in (")", "OR", "AND"):
                    raise QueryError("AND needs a word on each side")
                continue
            nodes.append(self.or_expr())
        if not nodes:
            raise QueryError("the query has operators but no words to search for")
        return _flat(And, nodes)

    def or_expr(self) -> Node:
        nodes = [self.unary()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise QueryError("OR needs a word on each side")
            nodes.append(self.unary())
        return _flat(Or, nodes)

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise QueryError(
                f"the query nests groups, exclusions or fields more than {MAX_DEPTH} deep"
            )

    def unary(self) -> Node:
        tok = self.take()
        if tok.kind in ("-", "NOT"):
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND", "-", "NOT"):
                raise QueryError(f"{tok.kind if tok.kind == 'NOT' else '-'} needs a word after it")
            self.nested()
            node: Node = Not(self.unary())
            self.depth -= 1
            return node
        if tok.kind == "field":
            nxt = self.peek()
            if nxt is None or nxt.kind not in ("word", "prefix", "phrase", "("):
                raise QueryError(f"{tok.text}: needs a word, a phrase or a group after it")
            self.nested()
            node = Field(tok.text, self.unary())
            self.depth -= 1
            return node
        if tok.kind in ("OR", "AND"):
            raise QueryError(f"{tok.kind} needs a word on each side")
        if tok.kind == "(":
            if self.peek() is None:
                raise QueryError("unbalanced parentheses: '(' is never closed")
            self.nested()
            node = self.and_expr()
            self.depth -= 1
            if self.peek() is None:
                raise QueryError("unbalanced parentheses: '(' is never closed")
            self.take()
            return node
        if tok.kind == "phrase":
            words = tuple(tok.text.split())
            if not words:
                raise QueryError('empty phrase: put words between the quotes, "like this"')
            return Phrase(words, tok.slop if len(words) > 1 else 0)
        if tok.kind == "prefix":
            return Prefix(tok.text)
        return Word(tok.text)


def _has_positive(node: Node) -> bool:
    if isinstance(node, Not):
        return False
    if isinstance(node, Field):
        return _has_positive(node.node)
    if isinstance(node, And):
        return any(_has_positive(n) for n in node.nodes)
    if isinstance(node, Or):
        return all(_has_positive(n) for n in node.nodes)
    return True


def count_words(node: Node) -> int:
    """The words of a query tree, over all its parts."""
    if isinstance(node, Word | Prefix):
        return 1
    if isinstance(node, Phrase):
        return len(node.words)
    if isinstance(node, Field | Not):
        return count_words(node.node)
    return sum(count_words(n) for n in node.nodes)


def _check_text(query: str) -> None:
    """Refuse text that cannot be searched or echoed: undecodable bytes (from a command line
    that was not UTF-8) and control characters."""
    if re.search("[\ud800-\udfff]", query):
        raise QueryError("the query is not valid UTF-8 text")
    if re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", query):
        raise QueryError("the query holds a control character")


def parse_query(query: str) -> Node:
    """Parse a user's query, raising :class:`QueryError` with a one-line reason if it is bad."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query too long: {len(query):,} characters (the limit is {MAX_QUERY_CHARS:,})"
        )
    _check_text(query)
    if not query.strip():
        raise QueryError("empty query: type at least one word")
    tokens = _lex(join_allah(query))
    depth = 0
    for tok in tokens:
        depth += {"(": 1, ")": -1}.get(tok.kind, 0)
        if depth < 0:
            raise QueryError("unbalanced parentheses: ')' without a matching '('")
    if depth > 0:
        raise QueryError("unbalanced parentheses: '(' is never closed")
    node = _Parser(tokens).parse()
    if not _has_positive(node):
        raise QueryError("the query only excludes words: add at least one word to search for")
    words = count_words(node)
    if words > MAX_WORDS:
        raise QueryError(f"the query has {words:,} words; the limit is {MAX_WORDS}")
    return node


def unparse(node: Node) -> str:
    """The query text for a tree: ``parse_query(unparse(node)) == node``."""
    if isinstance(node, Word):
        return node.text
    if isinstance(node, Prefix):
        return node.text + "*"
    if isinstance(node, Phrase):
        phrase = '"' + " ".join(node.words) + '"'
        return f"{phrase}~{node.slop}" if node.slop else phrase
    if isinstance(node, Field):
        inner = node.node
        return f"{node.name}:" + (unparse(inner) if _is_leaf(inner) else f"({unparse(inner)})")
    if isinstance(node, Not):
        inner = node.node
        return "-" + (unparse(inner) if _is_leaf(inner) else f"({unparse(inner)})")
    if isinstance(node, And):
        return " ".join(f"({unparse(n)})" if isinstance(n, And) else unparse(n) for n in node.nodes)
    return " OR ".join(
        f"({unparse(n)})" if isinstance(n, And | Or) else unparse(n) for n in node.nodes
    )


def _is_leaf(node: Node) -> bool:
    return isinstance(node, Word | Prefix | Phrase | Field)
