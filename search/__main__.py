"""``python -m search``: the same as the ``news-search`` command."""

try:
    from search.cli import main
except KeyboardInterrupt:  # Ctrl-C while the program is still starting: nothing was done
    raise SystemExit(130) from None

raise SystemExit(main())
