"""The cluster file: read back as written, and every mistake in it named."""

from __future__ import annotations

import json

import pytest

from search.engines.xapian.spec import ClusterSpec, Masters, Server, Shard, read_spec
from search.errors import IndexUnavailable

SPEC = ClusterSpec(
    Masters("127.0.0.1", "/srv/masters", 7200),
    (
        Shard(
            "shard0", (Server("primary", "127.0.0.1", 7201), Server("replica", "10.0.0.2", 7204))
        ),
        Shard("shard1", (Server("primary", "127.0.0.1", 7202),)),
    ),
)


def test_a_cluster_file_reads_back_as_written(tmp_path):
    SPEC.write(tmp_path / "cluster.json")
    assert read_spec(tmp_path / "cluster.json") == SPEC


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d.update(version=2), "version"),
        (lambda d: d.pop("masters"), "masters"),
        (lambda d: d["shards"].clear(), "every shard needs a server"),
        (lambda d: d["shards"][0].update(name="a b"), "a shard's name"),
        (lambda d: d["shards"][1].update(name="shard0"), "two shards have one name"),
        (lambda d: d["shards"][0]["servers"][0].update(port=70000), "a port"),
        (lambda d: d["shards"][0]["servers"][0].update(role="leader"), "role"),
        (lambda d: d["shards"][0].update(servers=[]), "every shard needs a server"),
    ],
)
def test_each_mistake_is_named(tmp_path, change, message):
    data = json.loads(json.dumps(SPEC.to_json()))
    change(data)
    path = tmp_path / "cluster.json"
    path.write_text(json.dumps(data))
    with pytest.raises(IndexUnavailable, match=message):
        read_spec(path)


def test_a_file_that_is_no_json_is_named(tmp_path):
    (tmp_path / "cluster.json").write_text("{not json")
    with pytest.raises(IndexUnavailable, match="cannot read the cluster file"):
        read_spec(tmp_path / "cluster.json")
