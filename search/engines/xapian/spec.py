"""The cluster file: which servers hold which shard, and where the shards' masters are written.

A small JSON file, the same on every machine that indexes or searches::

    {
      "version": 1,
      "masters": {"host": "127.0.0.1", "dir": "/srv/news/masters", "replicate_port": 7200},
      "shards": [
        {"name": "shard0", "servers": [
          {"role": "primary", "host": "127.0.0.1", "port": 7201},
          {"role": "replica", "host": "127.0.0.1", "port": 7204}]},
        ...
      ]
    }

``masters.dir`` holds one Xapian database per shard (named as the shard), written by
``news-search index --cluster`` on the masters' host; ``xapian-replicate-server`` serves their
commits on ``replicate_port``. Each shard's servers are ``xapian-tcpsrv`` processes: the
primary serves the master, each replica a copy that ``xapian-replicate`` keeps up to date.
A search asks each shard's servers in the order listed, the next one when one does not answer.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from search.errors import IndexUnavailable

VERSION = 1


@dataclass(frozen=True)
class Server:
    role: str  # "primary" or "replica"
    host: str
    port: int


@dataclass(frozen=True)
class Shard:
    name: str
    servers: tuple[Server, ...]


@dataclass(frozen=True)
class Masters:
    host: str
    dir: str
    replicate_port: int


@dataclass(frozen=True)
class ClusterSpec:
    masters: Masters
    shards: tuple[Shard, ...]

    def master_path(self, shard: Shard) -> Path:
        return Path(self.masters.dir) / shard.name

    def to_json(self) -> dict[str, object]:
        return {"version": VERSION, **asdict(self)}

    def write(self, path: Path) -> None:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.to_json(), indent=2) + "\n", encoding="utf-8")
        tmp.replace(path)


def read_spec(path: Path) -> ClusterSpec:
    """The cluster a file names; :class:`IndexUnavailable` saying what is wrong with it."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise IndexUnavailable(
            f"no cluster file at {path}: start a cluster with "
            f"`news-search cluster start --dir DIR`, which writes DIR/cluster.json"
        ) from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise IndexUnavailable(f"cannot read the cluster file {path}: {error}") from None
    try:
        if data.get("version") != VERSION:
            raise ValueError(f"version {data.get('version')!r}, not {VERSION}")
        m = data["masters"]
        masters = Masters(str(m["host"]), str(m["dir"]), _port(m["replicate_port"]))
        shards = tuple(
            Shard(
                name=_name(s["name"]),
                servers=tuple(
                    Server(_role(v["role"]), str(v["host"]), _port(v["port"])) for v in s["servers"]
                ),
            )
            for s in data["shards"]
        )
        if not shards or any(not s.servers for s in shards):
            raise ValueError("every shard needs a server, and a cluster a shard")
        if len({s.name for s in shards}) != len(shards):
            raise ValueError("two shards have one name")
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise IndexUnavailable(f"the cluster file {path} is not valid: {error}") from None
    return ClusterSpec(masters, shards)


def _port(value: object) -> int:
    if not isinstance(value, int) or not 0 < value < 65536:
        raise ValueError(f"a port is a number from 1 to 65535, not {value!r}")
    return value


def _role(value: object) -> str:
    if value not in ("primary", "replica"):
        raise ValueError(f"a server's role is primary or replica, not {value!r}")
    return str(value)


def _name(value: object) -> str:
    if not isinstance(value, str) or not value.isidentifier():
        raise ValueError(f"a shard's name is a word of letters, digits and _, not {value!r}")
    return value
