"""A cluster on this machine, for trying and testing: shard and replica servers on 127.0.0.1.

``start`` makes ``DIR/masters/`` (an empty master per shard), starts ``xapian-replicate-server``
on them, a ``xapian-tcpsrv`` per master (the shard's primary) and, for each replica, a
``xapian-replicate`` that keeps a copy in ``DIR/replicas/`` up to date and a ``xapian-tcpsrv``
serving it; then it writes ``DIR/cluster.json`` (:mod:`.spec`) and ``DIR/servers.json`` (the
processes, for ``stop`` and ``status``). Every process runs in a session of its own, so that
stopping one stops the children a server forks for its connections.
"""

from __future__ import annotations

import contextlib
import json
import os
import shlex
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from search.engines.xapian.backend import answers
from search.engines.xapian.spec import ClusterSpec, Masters, Server, Shard
from search.engines.xapian.writer import create_master
from search.errors import SearchError

CLUSTER_FILE = "cluster.json"
SERVERS_FILE = "servers.json"
#: Seconds a replica waits between two looks at its master's commits.
REPLICATE_INTERVAL = 1
#: Seconds to wait for a server started to answer.
START_TIMEOUT = 15.0
#: Seconds one look of a replica at its master may take before it is given up and made again
#: (xapian-replicate was seen to hang on a connection now and then).
LOOK_TIMEOUT = 5
TOOLS = ("xapian-tcpsrv", "xapian-replicate-server", "xapian-replicate")
#: The servers this process started, kept to be reaped when stopped.
_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}


@dataclass(frozen=True)
class Process:
    """One process of a local cluster."""

    name: str
    kind: str  # "server", "replicate-server" or "replicate"
    shard: str | None
    role: str | None
    port: int | None
    pid: int

    def alive(self) -> bool:
        try:
            os.kill(self.pid, 0)
        except ProcessLookupError:
            return False
        except PermissionError:  # pragma: no cover - another user's process of that pid
            return True
        # A zombie (killed, not yet reaped by its parent) is no server.
        try:
            stat = Path(f"/proc/{self.pid}/stat").read_text()
        except OSError:
            return True
        return stat.rsplit(")", 1)[-1].split()[0] != "Z"


def tools_missing() -> list[str]:
    return [tool for tool in TOOLS if shutil.which(tool) is None]


def _free_ports(n: int) -> list[int]:
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


def start(directory: Path, shards: int, replicas: int, interval: int = REPLICATE_INTERVAL) -> Path:
    """Start a cluster of ``shards`` shards with ``replicas`` replicas each in ``directory``;
    the path of its cluster file."""
    if shards < 1 or replicas < 0:
        raise SearchError("a cluster needs --shards 1 or more and --replicas 0 or more")
    missing = tools_missing()
    if missing:
        raise SearchError(
            f"{', '.join(missing)} not found: install Xapian's tools "
            "(Debian: apt-get install xapian-tools)"
        )
    directory = directory.resolve()
    if (directory / SERVERS_FILE).exists() and any(p.alive() for p in _processes(directory)):
        raise SearchError(f"a cluster is running in {directory}: stop it first")
    masters = directory / "masters"
    copies = directory / "replicas"
    logs = directory / "logs"
    for folder in (masters, copies, logs):
        folder.mkdir(parents=True, exist_ok=True)
    ports = iter(_free_ports(1 + shards * (1 + replicas)))
    replicate_port = next(ports)
    names = [f"shard{i}" for i in range(shards)]
    for name in names:
        if not (masters / name / "iamglass").exists():
            create_master(masters / name)
    started: list[Process] = []
    try:
        started.append(
            _spawn(
                "replicate-server",
                ["xapian-replicate-server", "-I", "127.0.0.1", "-p", str(replicate_port), masters],
                logs,
                Process("replicate-server", "replicate-server", None, None, replicate_port, 0),
            )
        )
        _wait_port(replicate_port)
        spec_shards = []
        for name in names:
            servers = []
            port = next(ports)
            started.append(_serve(name, "primary", port, masters / name, logs))
            servers.append(Server("primary", "127.0.0.1", port))
            for k in range(1, replicas + 1):
                copy = copies / f"{name}-r{k}"
                pull = ["xapian-replicate", "-h", "127.0.0.1", "-p", str(replicate_port)]
                pull += ["-m", name]
                once = subprocess.run(
                    [*pull, "-o", str(copy)], capture_output=True, text=True, timeout=120
                )
                if once.returncode != 0:
                    raise SearchError(f"cannot copy {name} to its replica: {once.stderr.strip()}")
                # One connection per look (-o), each given up after LOOK_TIMEOUT and made
                # again: xapian-replicate's own loop (-i) hung for good on a look now and then
                # (two commits in quick succession), leaving its replica behind.
                look = shlex.join(["timeout", str(LOOK_TIMEOUT), *pull, "-o", str(copy)])
                loop = f"while :; do {look}; sleep {interval}; done"
                started.append(
                    _spawn(
                        f"{name}-r{k}-replicate",
                        ["sh", "-c", loop],
                        logs,
                        Process(f"{name}-r{k}-replicate", "replicate", name, "replica", None, 0),
                    )
                )
                port = next(ports)
                started.append(_serve(name, "replica", port, copy, logs, k))
                servers.append(Server("replica", "127.0.0.1", port))
            spec_shards.append(Shard(name, tuple(servers)))
        for process in started:
            if process.kind == "server" and process.port is not None:
                _wait_port(process.port)
    except BaseException:
        for process in started:
            _kill(process)
        raise
    spec = ClusterSpec(Masters("127.0.0.1", str(masters), replicate_port), tuple(spec_shards))
    spec.write(directory / CLUSTER_FILE)
    _write_processes(directory, started)
    return directory / CLUSTER_FILE


def _serve(shard: str, role: str, port: int, db: Path, logs: Path, k: int = 0) -> Process:
    name = f"{shard}-{'primary' if role == 'primary' else f'r{k}'}"
    command = ["xapian-tcpsrv", "--interface", "127.0.0.1", "--port", str(port), str(db)]
    return _spawn(name, command, logs, Process(name, "server", shard, role, port, 0))


def _spawn(name: str, command: list[object], logs: Path, template: Process) -> Process:
    log = (logs / f"{name}.log").open("ab")
    try:
        child = subprocess.Popen(
            [str(c) for c in command],
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            start_new_session=True,
        )
    finally:
        log.close()
    _CHILDREN[child.pid] = child
    return Process(**{**template.__dict__, "pid": child.pid})


def _wait_port(port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.05)
    raise SearchError(f"a cluster server did not start listening on 127.0.0.1:{port}")


def _processes(directory: Path) -> list[Process]:
    try:
        data = json.loads((directory / SERVERS_FILE).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return []
    except (OSError, json.JSONDecodeError) as error:
        raise SearchError(f"cannot read {directory / SERVERS_FILE}: {error}") from None
    return [Process(**p) for p in data["processes"]]


def _write_processes(directory: Path, processes: list[Process]) -> None:
    data = {"processes": [p.__dict__ for p in processes]}
    (directory / SERVERS_FILE).write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")


def _kill(process: Process) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
    except (ProcessLookupError, PermissionError):
        return
    deadline = time.monotonic() + 3
    while process.alive() and time.monotonic() < deadline:
        time.sleep(0.05)
    if process.alive():
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    child = _CHILDREN.pop(process.pid, None)
    if child is not None:  # a child of this process: reaped
        child.wait(timeout=5)


def stop(directory: Path) -> int:
    """Stop every process of the cluster in ``directory``; how many were running."""
    directory = directory.resolve()
    if not (directory / SERVERS_FILE).exists():
        raise SearchError(f"no cluster was started in {directory} (no {SERVERS_FILE})")
    processes = _processes(directory)
    running = sum(1 for p in processes if p.alive())
    for process in processes:
        _kill(process)
    (directory / SERVERS_FILE).unlink()
    return running


def status(directory: Path) -> list[dict[str, object]]:
    """Every process of the cluster in ``directory``: its shard, role, port, pid, whether it
    runs and (for a server) whether it answers."""
    directory = directory.resolve()
    if not (directory / SERVERS_FILE).exists():
        raise SearchError(f"no cluster was started in {directory} (no {SERVERS_FILE})")
    rows = []
    for p in _processes(directory):
        running = p.alive()
        answering = (
            running and answers(Server(p.role or "", "127.0.0.1", p.port))
            if p.kind == "server" and p.port
            else running
        )
        rows.append(
            {
                "name": p.name,
                "kind": p.kind,
                "shard": p.shard,
                "role": p.role,
                "port": p.port,
                "pid": p.pid,
                "running": running,
                "answers": answering,
            }
        )
    return rows
