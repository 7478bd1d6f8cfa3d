"""The README and --help say what the code does (after Datasette's documentation tests)."""

from __future__ import annotations

import argparse
import re
import shlex
from pathlib import Path

import pytest

from search.cli import build_parser
from search.read.querylang import MAX_QUERY_CHARS
from search.read.request import MAX_SIZE, SORTS

README = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")


def _subparsers() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


@pytest.mark.parametrize("command", sorted(_subparsers()))
def test_every_subcommand_is_documented(command):
    assert f"news-search {command}" in README


@pytest.mark.parametrize(
    ("command", "option"),
    sorted(
        (name, opt)
        for name, sub in _subparsers().items()
        for action in sub._actions
        for opt in action.option_strings
        if opt.startswith("--") and opt != "--help"
    ),
)
def test_every_option_is_documented(command, option):
    assert f"`{option}" in README or f"{option} " in README, f"{command} {option}"


def _readme_commands() -> list[str]:
    return [
        line.split("#")[0].strip()
        for line in README.splitlines()
        if line.startswith("news-search ")
    ]


@pytest.mark.parametrize("line", _readme_commands())
def test_readme_examples_parse(line):
    build_parser().parse_args(shlex.split(line)[1:])


def test_readme_states_the_limits_the_code_enforces():
    assert f"{MAX_QUERY_CHARS:,} characters" in README
    assert f"1-{MAX_SIZE}" in README
    assert "relevance|newest|oldest" in README and tuple(SORTS) == ("relevance", "newest", "oldest")


def test_readme_json_example_has_the_response_keys():
    from search.read.response import Hit, SearchResponse

    response = SearchResponse(query={}, total=0, page=1, pages=0, took_ms=0.0)
    for key in response.to_json():
        assert f'"{key}"' in README
    hit_keys = Hit(1, "", "", "", None, "", 0.0, "", "", []).to_json()
    for key in hit_keys:
        assert f'"{key}"' in README


def test_help_mentions_the_index_variable():
    help_text = _subparsers()["query"].format_help()
    assert "NEWS_SEARCH_INDEX" in help_text
    assert re.search(r"--index DIR", help_text)
