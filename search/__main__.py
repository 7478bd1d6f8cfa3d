"""``python -m search``: the same as the ``news-search`` command."""

from search.cli import main

raise SystemExit(main())
