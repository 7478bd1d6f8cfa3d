"""The ``news-search`` command's entry point: the command line imported where a Ctrl-C that
comes while it loads (a quarter of a second of imports) ends the program quietly."""

from __future__ import annotations

import sys


def main() -> int:
    """Import the command line and run it; 130 when interrupted before it could start."""
    try:
        from search.cli import main as run
    except KeyboardInterrupt:
        print("\nnews-search: interrupted: nothing was committed", file=sys.stderr)
        return 130
    return run()
