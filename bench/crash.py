"""Crash safety: `news-search index` runs killed at random moments, and what each leaves.

    python bench/crash.py [--kills 20] [--commit-kills 6] [--toc-kills 2] [--sigints 5]
                          [--toc-sigints 1] [--procs 1 2] [--base 100] [--corpus FILE]
                          [--seed 20200109] [--json FILE]

As SQLite and Lucene test themselves: a base index of --base articles of the corpus
(fakes.jsonl by default, copied into a temporary folder at run time), and runs that add the
rest of it, each on a fresh copy of the base index, so that the old commit and the new one
differ in count. Two unkilled runs per --procs measure how long a run takes and when its phase
"committing and merging" begins (read from its progress line, on a terminal of its own). Then,
for each --procs, --kills runs are killed with SIGKILL at a moment drawn (seeded) uniformly
over the measured run, except --commit-kills of them, drawn over the measured length of the
commit phase from the moment the run's progress line says it began, so that several land there,
and --toc-kills, sent the moment the new generation's table of contents appears (the window
before the metadata is updated); and --sigints runs get a Ctrl-C (SIGINT) at a moment drawn over
the whole run, --toc-sigints of them as the new generation appears.

After each: no writer process may be left; the index must open (`news-search info --json`
exits 0) with exactly the old commit's count or the new one's, with the metadata of that
commit (its corpus paths); a query must work (`news-search query --json`); and the next,
unkilled run must complete with the new count, without waiting on a lock left behind. A Ctrl-C
must end the run with exit status 130 and the old commit, or, when it comes once the new
generation is written, be ignored (exit status 0, the new commit).

One line per run (the moment, the phase it was in, exit status, count after, old or new, query
and next run), the totals per --procs and signal, and exit status 1 if any run broke a rule.
"""

from __future__ import annotations

import argparse
import json
import os
import pty
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass, field
from itertools import islice
from pathlib import Path

from timing import print_table, write_json

from search.engines.whoosh import store

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpora" / "fakes.jsonl"
PHASES = ("reading", "analysing", "committing and merging")
#: The phase before the first progress line: Python starting and importing the program.
STARTING = "starting (imports)"
#: A query every base and batch of the shared corpora answers.
QUERY = "Syria"


@dataclass
class Watched:
    """A `news-search index` run, its progress line read from a terminal as it comes."""

    proc: subprocess.Popen[bytes]
    master: int
    started: float
    phases: dict[str, float] = field(default_factory=dict)  # phase -> seconds after the start
    output: bytearray = field(default_factory=bytearray)

    @classmethod
    def start(cls, index_dir: Path, paths: list[Path], procs: int) -> Watched:
        master, slave = pty.openpty()
        proc = subprocess.Popen(
            [
                *(sys.executable, "-m", "search", "index", "--index", str(index_dir)),
                *map(str, paths),
                *("--procs", str(procs)),
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=slave,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
        )
        os.close(slave)
        watched = cls(proc, master, time.monotonic())
        threading.Thread(target=watched._read, daemon=True).start()
        return watched

    def _read(self) -> None:
        while True:
            try:
                data = os.read(self.master, 4096)
            except OSError:
                break
            if not data:
                break
            self.output += data
            now = time.monotonic() - self.started
            for phase in PHASES:
                if phase not in self.phases and phase.encode() in self.output:
                    self.phases[phase] = now

    def phase(self) -> str:
        seen = [p for p in PHASES if p in self.phases]
        return seen[-1] if seen else STARTING

    def finish(self, timeout: float = 300) -> int:
        try:
            self.proc.wait(timeout=timeout)
        finally:
            if self.proc.poll() is None:
                self.proc.kill()
                self.proc.wait()
        time.sleep(0.05)
        os.close(self.master)
        return self.proc.returncode

    def text(self) -> str:
        return self.output.decode("utf-8", errors="replace").replace("\r", "\n")


def cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "search", *map(str, args)],
        capture_output=True,
        text=True,
        encoding="utf-8",
        check=False,
    )


def processes_using(path: Path) -> int:
    """Running processes whose command line names ``path`` (writer processes are forked and
    carry their parent's)."""
    found = 0
    for proc in Path("/proc").iterdir():
        try:
            found += os.fsencode(path) in (proc / "cmdline").read_bytes()
        except OSError:
            continue
    return found


#: How the moment of a signal is drawn: uniformly over the measured run, from its start; over
#: the measured commit phase, from when the run's progress says it began; or the moment the new
#: generation's table of contents appears (the window before the metadata is updated).
WHOLE_RUN, COMMIT_PHASE, NEW_GENERATION = "whole run", "commit phase", "new generation"


@dataclass(frozen=True)
class Moment:
    drawn: str
    seconds: float = 0.0  # after the start (whole run) or after the commit began


@dataclass
class Outcome:
    run: int
    procs: int
    signal: str
    drawn: str  # how the moment was chosen (see Moment)
    at_s: float  # when the signal was sent, seconds after the start
    at_share: float  # the same, as a share of the measured run
    phase: str  # the phase the run was in
    exit_status: int
    orphans: int  # writer processes still there 10 s after the signal
    count: int | None  # articles after (None: the index did not open)
    commit: str  # "old", "new" or "neither"
    metadata_ok: bool  # the metadata is that of the commit the index holds
    query_ok: bool
    next_ok: bool
    next_s: float
    ok: bool
    problems: list[str] = field(default_factory=list)


def one_run(
    number: int,
    base_index: Path,
    work: Path,
    paths: list[Path],
    procs: int,
    sig: signal.Signals,
    moment: Moment,
    duration: float,
    counts: tuple[int, int],
) -> Outcome:
    old, new = counts
    index_dir = work / f"run-{number}"
    shutil.copytree(base_index, index_dir)
    generation = store.committed_generation(index_dir)
    watched = Watched.start(index_dir, paths, procs)

    def due() -> bool:
        elapsed = time.monotonic() - watched.started
        if moment.drawn == WHOLE_RUN:
            return elapsed >= moment.seconds
        if moment.drawn == COMMIT_PHASE:
            begun = watched.phases.get("committing and merging")
            return begun is not None and elapsed >= begun + moment.seconds
        return store.committed_generation(index_dir) > generation

    while not due() and watched.proc.poll() is None:
        time.sleep(0.001)
    sent = time.monotonic() - watched.started
    phase = watched.phase()
    if watched.proc.poll() is not None:
        phase = "ended before the signal"
    elif store.committed_generation(index_dir) > generation:
        phase += " (new generation written)"
    watched.proc.send_signal(sig)
    exit_status = watched.finish()
    deadline = time.monotonic() + 10
    while processes_using(paths[-1]) and time.monotonic() < deadline:
        time.sleep(0.1)
    orphans = processes_using(paths[-1])

    problems = []
    info = cli("info", "--json", "--index", index_dir)
    count = json.loads(info.stdout)["documents"] if info.returncode == 0 else None
    commit = {old: "old", new: "new"}.get(count, "neither") if count is not None else "neither"
    metadata_ok = False
    if count is None:
        problems.append(f"the index does not open: {info.stderr.strip()}")
    else:
        described = sorted(json.loads(info.stdout)["paths"])
        expected = paths[:1] if commit == "old" else paths
        metadata_ok = described == sorted(str(p) for p in expected)
        if not metadata_ok:
            problems.append(f"metadata paths {described} are not the {commit} commit's")
    if commit == "neither":
        problems.append(f"{count} articles: neither the old commit ({old}) nor the new ({new})")
    found = cli("query", "--json", "--index", index_dir, QUERY)
    query_ok = found.returncode == 0 and json.loads(found.stdout)["total"] > 0
    if not query_ok:
        problems.append(f"the query fails: {found.stderr.strip()}")
    if orphans:
        problems.append(f"{orphans} writer processes left")
    problems += exit_problems(sig, exit_status, phase, commit, watched.text())

    started = time.monotonic()
    after = cli("index", "--json", "--index", index_dir, *paths)
    next_s = time.monotonic() - started
    next_ok = after.returncode == 0 and json.loads(after.stdout)["documents"] == new
    if not next_ok:
        problems.append(f"the next run: {after.stderr.strip() or after.stdout.strip()}")
    shutil.rmtree(index_dir)
    return Outcome(
        run=number,
        procs=procs,
        signal=sig.name,
        drawn=moment.drawn,
        at_s=round(sent, 3),
        at_share=round(sent / duration, 3),
        phase=phase,
        exit_status=exit_status,
        orphans=orphans,
        count=count,
        commit=commit,
        metadata_ok=metadata_ok,
        query_ok=query_ok,
        next_ok=next_ok,
        next_s=round(next_s, 2),
        ok=not problems,
        problems=problems,
    )


def exit_problems(
    sig: signal.Signals, status: int, phase: str, commit: str, text: str
) -> list[str]:
    """What is wrong with how a run ended on ``sig``, given the commit it left."""
    if sig == signal.SIGINT and phase == STARTING and status == -signal.SIGINT:
        # Python's own KeyboardInterrupt, raised before the program's main() runs.
        return ["Ctrl-C while Python imports the program: a traceback, exit status -2"]
    if "Traceback" in text:
        return ["a traceback"]
    if sig == signal.SIGKILL:
        return [] if status in (-signal.SIGKILL, 0) else [f"exit status {status}"]
    if status == 130 and commit != "old":
        return ["exit status 130 (nothing committed) but the new commit is there"]
    if status == 130 and "nothing was committed" not in text:
        return ["exit status 130 without its message"]
    if status == 0 and commit != "new":
        return ["exit status 0 but the old commit"]
    return [] if status in (0, 130) else [f"exit status {status}"]


def measure(base_index: Path, work: Path, paths: list[Path], procs: int) -> dict[str, float]:
    """Two unkilled runs: how long a run takes and when its commit phase begins (the longer
    of each)."""
    durations, commits = [], []
    for n in range(2):
        index_dir = work / f"measure-{procs}-{n}"
        shutil.copytree(base_index, index_dir)
        watched = Watched.start(index_dir, paths, procs)
        if watched.finish() != 0:
            raise SystemExit(f"an unkilled run failed:\n{watched.text()}")
        durations.append(time.monotonic() - watched.started)
        commits.append(watched.phases.get("committing and merging", durations[-1]))
        shutil.rmtree(index_dir)
    return {"duration_s": round(max(durations), 3), "commit_from_s": round(max(commits), 3)}


def run(
    corpus: Path,
    base: int,
    procs_list: list[int],
    kills: int,
    commit_kills: int,
    toc_kills: int,
    sigints: int,
    toc_sigints: int,
    seed: int,
) -> dict[str, object]:
    rng = random.Random(seed)
    with tempfile.TemporaryDirectory(prefix="news-search-crash-") as name:
        work = Path(name)
        with corpus.open(encoding="utf-8") as f:
            lines = [line for line in f if line.strip()]
        paths = [work / "base.jsonl", work / "batch.jsonl"]
        paths[0].write_text("".join(islice(lines, base)), encoding="utf-8")
        paths[1].write_text("".join(lines[base:]), encoding="utf-8")
        base_index = work / "base-index"
        first = cli("index", "--json", "--index", base_index, paths[0])
        if first.returncode:
            raise SystemExit(first.stderr)
        counts = (json.loads(first.stdout)["documents"], len(lines))
        timings: dict[int, dict[str, float]] = {}
        outcomes: list[Outcome] = []
        for procs in procs_list:
            timing = timings[procs] = measure(base_index, work, paths, procs)
            duration, commit = timing["duration_s"], timing["commit_from_s"]
            whole = kills - commit_kills - toc_kills
            plan = [
                *(
                    (signal.SIGKILL, Moment(WHOLE_RUN, rng.uniform(0, duration)))
                    for _ in range(whole)
                ),
                *(
                    (signal.SIGKILL, Moment(COMMIT_PHASE, rng.uniform(0, duration - commit)))
                    for _ in range(commit_kills)
                ),
                *((signal.SIGKILL, Moment(NEW_GENERATION)) for _ in range(toc_kills)),
                *(
                    (signal.SIGINT, Moment(WHOLE_RUN, rng.uniform(0, duration)))
                    for _ in range(sigints - toc_sigints)
                ),
                *((signal.SIGINT, Moment(NEW_GENERATION)) for _ in range(toc_sigints)),
            ]
            for sig, moment in plan:
                outcome = one_run(
                    len(outcomes) + 1, base_index, work, paths, procs, sig, moment, duration, counts
                )
                outcomes.append(outcome)
                print(
                    f"run {outcome.run}: procs {procs}, {sig.name} at {outcome.at_s:.2f}s "
                    f"({outcome.phase}): {outcome.commit} commit, "
                    f"{'ok' if outcome.ok else '; '.join(outcome.problems)}",
                    file=sys.stderr,
                    flush=True,
                )
        return {
            "corpus": str(corpus),
            "seed": seed,
            "old_count": counts[0],
            "new_count": counts[1],
            "timings": {str(p): t for p, t in timings.items()},
            "runs": [asdict(o) for o in outcomes],
            "totals": totals(outcomes),
        }


def totals(outcomes: list[Outcome]) -> list[dict[str, object]]:
    rows = []
    for key in sorted({(o.procs, o.signal) for o in outcomes}):
        group = [o for o in outcomes if (o.procs, o.signal) == key]
        rows.append(
            {
                "procs": key[0],
                "signal": key[1],
                "runs": len(group),
                "in_commit_phase": sum("committing" in o.phase for o in group),
                "after_new_generation": sum("new generation written" in o.phase for o in group),
                "old": sum(o.commit == "old" for o in group),
                "new": sum(o.commit == "new" for o in group),
                "neither": sum(o.commit == "neither" for o in group),
                "not_opening": sum(o.count is None for o in group),
                "metadata_wrong": sum(not o.metadata_ok for o in group),
                "query_failing": sum(not o.query_ok for o in group),
                "orphans": sum(o.orphans for o in group),
                "next_run_failing": sum(not o.next_ok for o in group),
                "ok": sum(o.ok for o in group),
            }
        )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20, help="SIGKILL runs per --procs")
    parser.add_argument(
        "--commit-kills", type=int, default=6, help="of them, drawn over the commit phase"
    )
    parser.add_argument(
        "--toc-kills", type=int, default=2, help="of them, as the new generation appears"
    )
    parser.add_argument("--sigints", type=int, default=5, help="SIGINT runs per --procs")
    parser.add_argument(
        "--toc-sigints", type=int, default=1, help="of them, as the new generation appears"
    )
    parser.add_argument("--procs", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--base", type=int, default=100, help="articles of the base index")
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--seed", type=int, default=20200109)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    if (
        min(args.commit_kills, args.toc_kills) < 0
        or args.commit_kills + args.toc_kills > args.kills
    ):
        parser.error("--commit-kills and --toc-kills must add up to at most --kills")
    if not 0 <= args.toc_sigints <= args.sigints:
        parser.error("--toc-sigints must be between 0 and --sigints")
    figures = run(
        args.corpus,
        args.base,
        args.procs,
        args.kills,
        args.commit_kills,
        args.toc_kills,
        args.sigints,
        args.toc_sigints,
        args.seed,
    )
    old, new = figures["old_count"], figures["new_count"]
    for procs, timing in figures["timings"].items():
        print(
            f"procs {procs}: a run takes {timing['duration_s']:.2f}s, committing and merging "
            f"from {timing['commit_from_s']:.2f}s; old commit {old:,} articles, new {new:,}"
        )
    print()
    print_table(
        [
            "run",
            "procs",
            "signal",
            "drawn over",
            "at",
            "phase",
            "exit",
            "count after",
            "old/new",
            "query",
            "next run",
        ],
        [
            [
                o["run"],
                o["procs"],
                o["signal"],
                o["drawn"],
                f"{o['at_s']:.2f}s ({100 * o['at_share']:.0f}%)",
                o["phase"],
                o["exit_status"],
                "-" if o["count"] is None else o["count"],
                o["commit"] + ("" if o["ok"] else " ✗ " + "; ".join(o["problems"])),
                "ok" if o["query_ok"] else "FAILS",
                f"ok ({o['next_s']:.1f}s)" if o["next_ok"] else "FAILS",
            ]
            for o in figures["runs"]
        ],
    )
    print()
    header = list(figures["totals"][0]) if figures["totals"] else []
    print_table(header, [list(row.values()) for row in figures["totals"]])
    broken = [o for o in figures["runs"] if not o["ok"]]
    print()
    print(
        f"{len(figures['runs'])} runs, {len(broken)} broke a rule"
        + (f": runs {', '.join(str(o['run']) for o in broken)}" if broken else "")
    )
    if args.json:
        write_json(args.json, figures)
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(main())
