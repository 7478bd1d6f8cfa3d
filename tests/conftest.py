"""Shared fixtures: the shared data, indexes built once per session, and the CLI as a subprocess.

Indexes built here are read-only for tests: a test that changes an index builds its own.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from search import index_corpus

#: The repository sits at <root>/main and the shared data at <root>/shared.
SHARED = Path(__file__).resolve().parents[2] / "shared"
CORPORA = SHARED / "corpora"
SEEDS = SHARED / "seeds"
FAKES = CORPORA / "fakes.jsonl"

#: Searches that exercise every kind of query over fakes.jsonl: names in several spellings,
#: phrases (across spellings, with articles), ORs of phrases, exclusions, ANDs of ORs, a stop
#: word and a word no article writes.
PROBE_QUERIES = [
    "Hizballah",
    "Qaeda",
    "Shiite",
    "oil prices",
    '"Moqtada al-Sadr"',
    '"Muqtada as-Sadr"',
    "al-Sadr",
    '"central bank"',
    '"oil prices" Iraq',
    '"Hizballah fighters" OR "Hezbollah fighters"',
    '"the Syrian regime"',
    "Ahmadi-Nejad",
    "Syria -Assad",
    "Hezbollah OR Hizballah",
    "Iraq Kurdish oil",
    "Assad regime",
    "(Damascus OR Aleppo) rebels",
    "the",
    "zzyzxnotaword",
]


@pytest.fixture(scope="session")
def shared() -> Path:
    """The shared data folder: corpora/*.jsonl, seeds/, eval/."""
    return SHARED


@pytest.fixture(scope="session")
def seeds_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the two seed articles (one says Sairoon; the other Sairun and Sayirun)."""
    index_dir = tmp_path_factory.mktemp("seeds-index")
    index_corpus(index_dir, [SEEDS])
    return index_dir


@pytest.fixture(scope="session")
def fakes_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of the 793 articles of fakes.jsonl (15 sources, dated 2011-02-02 to 2018-07-18)."""
    index_dir = tmp_path_factory.mktemp("fakes-index")
    index_corpus(index_dir, [FAKES])
    return index_dir


@pytest.fixture(scope="session")
def updated_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """fakes.jsonl indexed by two writer processes (two segments), then again after 100
    articles were dropped and 20 changed: a multi-segment index with deletions."""
    root = tmp_path_factory.mktemp("docsets")
    lines = FAKES.read_text(encoding="utf-8").splitlines()
    corpus = root / "fakes.jsonl"
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    index_corpus(root / "index", [corpus], procs=2)
    changed = []
    for i, line in enumerate(lines[100:]):
        record = json.loads(line)
        if i < 20:
            record["body"] += " Hizballah was named again."
        changed.append(json.dumps(record))
    corpus.write_text("\n".join(changed) + "\n", encoding="utf-8")
    index_corpus(root / "index", [corpus])
    return root / "index"


CliRunner = Callable[..., subprocess.CompletedProcess[str]]


@pytest.fixture(scope="session")
def run_cli(tmp_path_factory: pytest.TempPathFactory) -> CliRunner:
    """Run ``python -m search ARGS...`` and return the completed process (text output).

    NEWS_SEARCH_INDEX points at an empty temporary folder unless ``env_index`` is given, so a
    command without ``--index`` never touches the project's own index/.
    """
    no_index = tmp_path_factory.mktemp("no-index")

    def run(
        *args: str | Path, env_index: Path | None = None, timeout: float = 120
    ) -> subprocess.CompletedProcess[str]:
        env = {**os.environ, "NEWS_SEARCH_INDEX": str(env_index or no_index)}
        return subprocess.run(
            [sys.executable, "-m", "search", *map(str, args)],
            capture_output=True,
            text=True,
            encoding="utf-8",
            env=env,
            cwd=no_index,
            timeout=timeout,
            check=False,
        )

    return run
