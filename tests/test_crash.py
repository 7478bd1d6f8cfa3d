"""Crash safety: real `news-search index` runs killed (SIGKILL) or interrupted (SIGINT) at
chosen moments, above all while they commit, then the index checked as a user finds it.

After each kill the index must open, hold exactly the last commit's articles or the new
commit's (nothing in between), answer a query, carry the metadata of the generation it holds,
leave no writer process or lock behind, and take the next run. ``bench/crash.py`` does the
same at random moments, many times over.
"""

from __future__ import annotations

import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path

import pytest

from search.engines.whoosh import store
from tests.conftest import FAKES

#: Articles of the committed index, and of the batch each run adds.
BASE, BATCH = 100, 200
#: The file the metadata is written to before it replaces news-search.json: a named pipe put
#: there holds a run right after Whoosh's commit, in the window between it and the metadata.
META_TMP = f".{store.META_FILE}.tmp"


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """The base articles and the batch a run adds (fakes.jsonl's first 100 and next 200)."""
    folder = tmp_path_factory.mktemp("crash-corpus")
    with FAKES.open(encoding="utf-8") as f:
        lines = list(islice(f, BASE + BATCH))
    base, batch = folder / "base.jsonl", folder / "batch.jsonl"
    base.write_text("".join(lines[:BASE]), encoding="utf-8")
    batch.write_text("".join(lines[BASE:]), encoding="utf-8")
    return base, batch


def cli(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "search", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "NEWS_SEARCH_INDEX": str(cwd / "unused")},
        cwd=cwd,
        timeout=120,
        check=False,
    )


def _default_sigint() -> None:
    # A shell may start the test run with SIGINT ignored, which the child would inherit.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@dataclass
class Run:
    """A `news-search index` run whose progress line goes to a terminal, read as it comes:
    when each phase began, seconds after the start."""

    proc: subprocess.Popen[bytes]
    master: int
    started: float = field(default_factory=time.monotonic)
    phases: dict[str, float] = field(default_factory=dict)
    output: bytearray = field(default_factory=bytearray)

    @classmethod
    def start(cls, index_dir: Path, *paths: Path, procs: int = 1) -> Run:
        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "search", "index", "--index", str(index_dir)),
                *map(str, paths),
                *("--procs", str(procs)),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=slave,
            env={**os.environ, "NEWS_SEARCH_INDEX": str(index_dir.parent / "unused")},
            preexec_fn=_default_sigint,
        )
        os.close(slave)
        run = cls(proc, master)
        threading.Thread(target=run._read, daemon=True).start()
        return run

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:  # the terminal closed with the last process holding it
                break
            if not data:
                break
            self.output += data
            for phase in ("analysing", "committing and merging"):
                if phase.encode() in self.output and phase not in self.phases:
                    self.phases[phase] = time.monotonic() - self.started

    def wait_for(self, condition, what: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while not condition():
            assert self.proc.poll() is None, f"the run ended before {what}: {self.text()}"
            assert time.monotonic() < deadline, f"never {what}"
            time.sleep(0.001)

    def wait_for_phase(self, phase: str) -> None:
        self.wait_for(lambda: phase in self.phases, f"reached {phase!r}")

    def finish(self, timeout: float = 60) -> tuple[int, str]:
        try:
            self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
            assert self.proc.stdout is not None
            self.proc.stdout.close()
        time.sleep(0.05)  # the reader thread drains the terminal
        os.close(self.master)
        return self.proc.returncode, self.text()

    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace")


def _processes_using(path: Path) -> list[str]:
    """Command lines of the running processes that mention ``path`` (writer processes are
    forked, with their parent's command line)."""
    found = []
    for proc in Path("/proc").iterdir():
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if str(path) in cmdline:
            found.append(cmdline)
    return found


def _assert_no_process_left(path: Path) -> None:
    deadline = time.monotonic() + 10
    while _processes_using(path) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_using(path) == []


def _assert_consistent(index_dir: Path, tmp_path: Path, allowed: dict[int, list[Path]]) -> int:
    """The index opens with the count of one of the commits allowed (count -> its corpus
    paths), answers a query, and its metadata names that commit's paths; its count."""
    info = cli("info", "--json", "--index", index_dir, cwd=tmp_path)
    assert info.returncode == 0, info.stderr
    described = json.loads(info.stdout)
    count = described["documents"]
    assert count in allowed, f"{count} articles: neither the old commit nor the new one"
    assert described["paths"] == sorted(str(p.resolve()) for p in allowed[count])
    found = cli("query", "--json", "--index", index_dir, "Syria", cwd=tmp_path)
    assert found.returncode == 0, found.stderr
    assert json.loads(found.stdout)["total"] > 0
    return count


def _next_run_completes(index_dir: Path, tmp_path: Path, *paths: Path, documents: int) -> None:
    result = cli("index", "--json", "--index", index_dir, *paths, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["documents"] == documents
    assert not (index_dir / store.PENDING_META_FILE).exists()


@pytest.fixture(scope="module")
def base_index(tmp_path_factory: pytest.TempPathFactory, corpus: tuple[Path, Path]) -> Path:
    """An index of the base articles, built once (tests write to copies)."""
    folder = tmp_path_factory.mktemp("crash-base")
    assert cli("index", "--index", folder / "index", corpus[0], cwd=folder).returncode == 0
    return folder / "index"


@pytest.fixture
def index_dir(tmp_path: Path, base_index: Path) -> Path:
    """A copy of the index of the base articles."""
    return Path(shutil.copytree(base_index, tmp_path / "index"))


# Killed while committing ------------------------------------------------------------------------


@pytest.mark.parametrize("procs", [1, 2])
@pytest.mark.parametrize("moment", ["commit begins", "new generation appears"])
def test_kill_9_while_committing_leaves_the_old_commit_or_the_new(
    index_dir, tmp_path, corpus, procs, moment
):
    base, batch = corpus
    generation = store.committed_generation(index_dir)
    run = Run.start(index_dir, base, batch, procs=procs)
    if moment == "commit begins":
        run.wait_for_phase("committing and merging")
    else:  # the table of contents is renamed into place: the metadata comes right after
        toc = index_dir / f"_{store.INDEX_NAME}_{generation + 1}.toc"
        run.wait_for_phase("committing and merging")
        run.wait_for(toc.exists, "wrote the new generation")
    run.proc.send_signal(signal.SIGKILL)
    returncode, _ = run.finish()

    assert returncode == -signal.SIGKILL
    _assert_no_process_left(index_dir)
    count = _assert_consistent(index_dir, tmp_path, {BASE: [base], BASE + BATCH: [base, batch]})
    if moment == "new generation appears":
        assert count == BASE + BATCH
    _next_run_completes(index_dir, tmp_path, base, batch, documents=BASE + BATCH)


def test_a_worker_whose_parent_died_before_its_watch_began_exits():
    # A parent killed between forking a worker and the worker's after-fork hook has already
    # handed the worker to init: the watch must compare with the pid recorded before the fork.
    # Here the recorded parent is a pid that is not the worker's parent (as after such a death).
    code = (
        "import os, time\n"
        "from search.write import indexer\n"
        "workers = indexer._Workers()\n"
        "workers.parent = os.getppid() + 1_000_000\n"
        "indexer._exit_with_parent(workers)\n"
        "time.sleep(30)\n"
    )
    started = time.monotonic()
    done = subprocess.run([sys.executable, "-c", code], timeout=20, check=False)
    assert done.returncode == 1
    assert time.monotonic() - started < 10


# Killed between Whoosh's commit and the metadata ------------------------------------------------


def test_first_build_killed_between_commit_and_metadata_opens_and_updates(tmp_path, corpus):
    # Before, the metadata was written only after the commit: such an index was refused
    # ("no readable news-search.json: rebuild it") by searches and by the next run.
    base, batch = corpus
    index_dir = tmp_path / "index"
    index_dir.mkdir()
    os.mkfifo(index_dir / META_TMP)
    run = Run.start(index_dir, base, procs=2)
    run.wait_for(lambda: store.committed_generation(index_dir) >= 1, "committed")
    run.proc.send_signal(signal.SIGKILL)
    returncode, _ = run.finish()
    (index_dir / META_TMP).unlink()

    assert returncode == -signal.SIGKILL
    assert not (index_dir / store.META_FILE).exists()
    assert _assert_consistent(index_dir, tmp_path, {BASE: [base]}) == BASE
    _next_run_completes(index_dir, tmp_path, base, batch, documents=BASE + BATCH)


def test_update_killed_between_commit_and_metadata_has_the_new_commits_metadata(
    index_dir, tmp_path, corpus
):
    base, batch = corpus
    before = (index_dir / store.META_FILE).read_text(encoding="utf-8")
    generation = store.committed_generation(index_dir)
    os.mkfifo(index_dir / META_TMP)
    run = Run.start(index_dir, base, batch, procs=1)
    run.wait_for(lambda: store.committed_generation(index_dir) > generation, "committed")
    run.proc.send_signal(signal.SIGKILL)
    run.finish()
    (index_dir / META_TMP).unlink()

    assert (index_dir / store.META_FILE).read_text(encoding="utf-8") == before
    # The batch's path is in the metadata read: that of the generation the index holds.
    assert _assert_consistent(index_dir, tmp_path, {BASE + BATCH: [base, batch]}) == BASE + BATCH
    _next_run_completes(index_dir, tmp_path, base, batch, documents=BASE + BATCH)


# Ctrl-C -----------------------------------------------------------------------------------------


def test_ctrl_c_as_the_commit_begins_exits_130_and_commits_nothing(index_dir, tmp_path, corpus):
    base, batch = corpus
    run = Run.start(index_dir, base, batch, procs=2)
    run.wait_for_phase("committing and merging")
    run.proc.send_signal(signal.SIGINT)
    returncode, output = run.finish()

    assert returncode == 130, output
    assert "interrupted: nothing was committed" in output
    assert "Traceback" not in output
    _assert_no_process_left(index_dir)
    assert _assert_consistent(index_dir, tmp_path, {BASE: [base]}) == BASE
    _next_run_completes(index_dir, tmp_path, base, batch, documents=BASE + BATCH)


def test_ctrl_c_once_the_new_generation_is_written_is_ignored(index_dir, tmp_path, corpus):
    # Held in the window between Whoosh's commit and the metadata, the run is committed: a
    # Ctrl-C then must not end it saying "nothing was committed" (it did, with exit status 130).
    base, batch = corpus
    generation = store.committed_generation(index_dir)
    os.mkfifo(index_dir / META_TMP)
    run = Run.start(index_dir, base, batch)
    run.wait_for(lambda: store.committed_generation(index_dir) > generation, "committed")
    run.proc.send_signal(signal.SIGINT)
    time.sleep(1.0)
    alive = run.proc.poll() is None
    run.proc.send_signal(signal.SIGKILL)
    returncode, output = run.finish()
    (index_dir / META_TMP).unlink()

    assert alive, f"the run ended on the Ctrl-C (exit status {returncode}): {output}"
    assert "nothing was committed" not in output
    assert _assert_consistent(index_dir, tmp_path, {BASE + BATCH: [base, batch]}) == BASE + BATCH
    _next_run_completes(index_dir, tmp_path, base, batch, documents=BASE + BATCH)


def test_ctrl_c_held_just_before_the_commit_stops_the_writer_processes(index_dir, tmp_path, corpus):
    # Held writing the metadata of the generation about to be committed: the last moment an
    # interrupt cancels the run. The writer processes must be stopped, or this one waits for
    # them at exit for ever.
    base, batch = corpus
    os.mkfifo(index_dir / f".{store.PENDING_META_FILE}.tmp")
    run = Run.start(index_dir, base, batch, procs=2)
    run.wait_for_phase("committing and merging")
    time.sleep(0.5)
    run.proc.send_signal(signal.SIGINT)
    returncode, output = run.finish(timeout=30)
    (index_dir / f".{store.PENDING_META_FILE}.tmp").unlink()

    assert returncode == 130, output
    assert "interrupted: nothing was committed" in output
    _assert_no_process_left(index_dir)
    assert _assert_consistent(index_dir, tmp_path, {BASE: [base]}) == BASE
    _next_run_completes(index_dir, tmp_path, base, batch, documents=BASE + BATCH)
