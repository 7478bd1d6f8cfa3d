"""The query syntax a news reader expects, parsed into a small tree. No Whoosh here.

- words are all required: ``Sadr protest``;
- ``"quoted phrases"`` match words in sequence (across spellings, too);
- ``-word``, ``-"a phrase"`` or ``NOT word`` exclude;
- ``OR`` between two parts matches either (it binds tighter than the implicit AND:
  ``Sadr Hezbollah OR Hizballah`` is ``Sadr AND (Hezbollah OR Hizballah)``);
- ``( ... )`` groups; ``AND`` may be written but changes nothing.

Operators are recognised in capitals only, so "or" and "not" stay ordinary words. In Arabic
script, a word and a following الله are one word, as Latin spellings write them (حزب الله:
Hezbollah).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.errors import QueryError
from search.rules.arabic_script import join_allah

MAX_QUERY_CHARS = 1000


@dataclass(frozen=True)
class Word:
    text: str


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]


@dataclass(frozen=True)
class Not:
    node: Node


@dataclass(frozen=True)
class And:
    nodes: tuple[Node, ...]


@dataclass(frozen=True)
class Or:
    nodes: tuple[Node, ...]


Node = Word | Phrase | Not | And | Or

_TOKEN_RE = re.compile(r'\s*(?:(")([^"]*)(")?|([()])|(-)(?=["(\w])|([^\s()"]+))')
_OPERATORS = {"OR", "AND", "NOT"}


@dataclass(frozen=True)
class _Tok:
    kind: str  # "word", "phrase", "(", ")", "-", "OR", "AND", "NOT"
    text: str = ""


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
        quote, phrase, closing, paren, minus, word = m.groups()
        if quote:
            if closing is None:
                raise QueryError('unbalanced quotes: a phrase opened with " is never closed')
            tokens.append(_Tok("phrase", phrase))
        elif paren:
            tokens.append(_Tok(paren))
        elif minus:
            tokens.append(_Tok("-"))
        elif word in _OPERATORS:
            tokens.append(_Tok(word))
        elif not word.strip("-+"):
            tokens.append(_Tok("-"))
        else:
            tokens.append(_Tok("word", word.lstrip("-+")))
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.i = 0

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
        return nodes[0] if len(nodes) == 1 else And(tuple(nodes))

    def or_expr(self) -> Node:
        nodes = [self.unary()]
        while (tok := self.peek()) is not None and tok.kind == "OR":
            self.take()
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND"):
                raise QueryError("OR needs a word on each side")
            nodes.append(self.unary())
        return nodes[0] if len(nodes) == 1 else Or(tuple(nodes))

    def unary(self) -> Node:
        tok = self.take()
        if tok.kind in ("-", "NOT"):
            nxt = self.peek()
            if nxt is None or nxt.kind in (")", "OR", "AND", "-", "NOT"):
                raise QueryError(f"{tok.kind if tok.kind == 'NOT' else '-'} needs a word after it")
            return Not(self.unary())
        if tok.kind == "OR":
            raise QueryError("OR needs a word on each side")
        if tok.kind == "(":
            if self.peek() is None:
                raise QueryError("unbalanced parentheses: '(' is never closed")
            node = self.and_expr()
            if self.peek() is None:
                raise QueryError("unbalanced parentheses: '(' is never closed")
            self.take()
            return node
        if tok.kind == "phrase":
            words = tuple(tok.text.split())
            if not words:
                raise QueryError('empty phrase: put words between the quotes, "like this"')
            return Phrase(words)
        return Word(tok.text)


def _has_positive(node: Node) -> bool:
    if isinstance(node, Not):
        return False
    if isinstance(node, And):
        return any(_has_positive(n) for n in node.nodes)
    if isinstance(node, Or):
        return all(_has_positive(n) for n in node.nodes)
    return True


def parse_query(query: str) -> Node:
    """Parse a user's query, raising :class:`QueryError` with a one-line reason if it is bad."""
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(
            f"query too long: {len(query):,} characters (the limit is {MAX_QUERY_CHARS:,})"
        )
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
    return node


def unparse(node: Node) -> str:
    """The query text for a tree: ``parse_query(unparse(node)) == node``."""
    if isinstance(node, Word):
        return node.text
    if isinstance(node, Phrase):
        return '"' + " ".join(node.words) + '"'
    if isinstance(node, Not):
        inner = node.node
        return "-" + (unparse(inner) if isinstance(inner, Word | Phrase) else f"({unparse(inner)})")
    if isinstance(node, And):
        return " ".join(f"({unparse(n)})" if isinstance(n, And) else unparse(n) for n in node.nodes)
    return " OR ".join(
        f"({unparse(n)})" if isinstance(n, And | Or) else unparse(n) for n in node.nodes
    )
