"""``python -m search``: the same as the ``news-search`` command."""

from search.launch import main

raise SystemExit(main())
