"""The command's entry point (search/launch.py) and the package it loads lazily
(search/__init__.py): real processes."""

from __future__ import annotations

import signal
import subprocess
import sys

import search


def test_importing_the_package_loads_no_engine():
    # `import search` must stay cheap, or a Ctrl-C while it loads escapes search/launch.py.
    child = "import sys, search; print(sorted(m for m in sys.modules if m.startswith('whoosh')))"
    done = subprocess.run([sys.executable, "-c", child], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_public_name_resolves():
    assert sorted(search.__all__) == sorted(search._HOMES)
    for name in search.__all__:
        assert getattr(search, name).__name__ == name


def test_ctrl_c_while_the_program_is_still_importing_exits_130_quietly(tmp_path):
    # A real SIGINT, sent by the process to itself the moment it starts importing Whoosh
    # (inside `import search.read.engine`, a quarter of a second into a run): the entry point of
    # `news-search` and `python -m search` must end with 130 and a message, not a traceback.
    child = (
        "import os, signal, sys\n"
        "class Interrupt:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'whoosh':\n"
        "            os.kill(os.getpid(), signal.SIGINT)\n"
        "        return None\n"
        "sys.meta_path.insert(0, Interrupt())\n"
        "from search.launch import main\n"
        "sys.argv = ['news-search', 'info', '--index', sys.argv[1]]\n"
        "raise SystemExit(main())\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", child, str(tmp_path / "index")],
        capture_output=True,
        text=True,
        timeout=60,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    assert done.returncode == 130, done.stderr
    assert "Traceback" not in done.stderr
    assert "interrupted: nothing was committed" in done.stderr
