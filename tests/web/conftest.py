"""Web fixtures: the app over real indexes through Starlette's test client, hostile articles,
and ``news-search serve`` as a real server process."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from search import index_corpus
from web import create_app

#: Payloads put in indexed articles and in queries: none may reach a page unescaped.
SCRIPT = "<script>alert('xss')</script>"
IMG = '"><img src=x onerror="alert(1)">'
HOSTILE = [
    {
        "id": "x1",
        "title": f"{SCRIPT} Sairoon wins",
        "body": f"The Sairoon list {IMG} won. {SCRIPT} Sairun voters cheered.",
        "source": "<b onmouseover=alert(1)>Evil</b>",
        "url": "javascript:alert(document.cookie)",
        "date": "2018-05-14",
    },
    {
        "id": 'x2"><script>alert(2)</script>',
        "title": "Sairun & <i>friends</i>",
        "body": "Sairun's 'quoted' \"text\" & <style>body{display:none}</style> more.",
        "source": "Wire",
        "url": "https://example.org/a?b=1&c=<2>",
        "date": "2018-05-15",
    },
]


@pytest.fixture(scope="session")
def hostile_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of articles whose every field carries script and attribute payloads."""
    root = tmp_path_factory.mktemp("hostile")
    corpus = root / "hostile.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in HOSTILE), encoding="utf-8")
    index_corpus(root / "index", [corpus])
    return root / "index"


@pytest.fixture(scope="module")
def seeds_client(seeds_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(seeds_index)) as client:
        yield client


@pytest.fixture(scope="module")
def fakes_client(fakes_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(fakes_index)) as client:
        yield client


@pytest.fixture(scope="module")
def hostile_client(hostile_index: Path) -> Iterator[TestClient]:
    with TestClient(create_app(hostile_index)) as client:
        yield client


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    """A ``news-search serve`` process on 127.0.0.1."""

    process: subprocess.Popen[str]
    url: str
    index: Path

    def get(self, path: str, timeout: float = 30) -> tuple[int, dict[str, object]]:
        """GET a JSON endpoint: (status, body)."""
        try:
            with urllib.request.urlopen(self.url + path, timeout=timeout) as response:
                return response.status, json.loads(response.read())
        except urllib.error.HTTPError as e:
            return e.code, json.loads(e.read())


def start_server(index: Path, *extra: str) -> Server:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "search", "serve", "--index", index, "--port", str(port), *extra],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    server = Server(process, f"http://127.0.0.1:{port}", index)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            output = process.stdout.read() if process.stdout else ""
            raise AssertionError(f"the server exited with {process.returncode}: {output}")
        try:
            if server.get("/healthz", timeout=2)[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.1)
    stop_server(server)
    raise AssertionError("the server did not answer /healthz within 60 s")


def stop_server(server: Server) -> None:
    server.process.terminate()
    try:
        server.process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        server.process.kill()
        server.process.wait()
    if server.process.stdout:
        server.process.stdout.close()


@pytest.fixture(scope="module")
def fakes_server(fakes_index: Path) -> Iterator[Server]:
    server = start_server(fakes_index)
    yield server
    stop_server(server)


#: Payloads for the browser: each would run script if it reached a page unescaped (setting
#: ``window.__pwned`` or opening an alert), break out of an attribute, an element or the title,
#: or be read as a template.
PWNED = "__pwned"
TEMPLATES = ["{{7*7}}", "{% raw %}{{7*7}}{% endraw %}", "${7*7}", "#{7*7}", "<%= 7*7 %>"]
RUNNING = [
    f"<script>window.{PWNED}=1;alert(1)</script>",
    f'"><img src=x onerror="window.{PWNED}=2;alert(2)">',
    f'\'><svg onload="window.{PWNED}=3">',
    f'<iframe srcdoc="<script>parent.{PWNED}=4</script>"></iframe>',
    f'<a href="javascript:window.{PWNED}=5">click</a>',
    f"</title><script>window.{PWNED}=6</script>",
    f"</textarea></mark><script>window.{PWNED}=7</script>",
    f'<meta http-equiv="refresh" content="0;url=javascript:window.{PWNED}=8">',
    f'<body onload="window.{PWNED}=9"><style>body{{display:none}}</style>',
    f"{{{{constructor.constructor('window.{PWNED}=10')()}}}}",
]
PAYLOAD_ARTICLES = [
    {
        "id": "p1",
        "title": f"Sairoon {TEMPLATES[0]} {RUNNING[0]}",
        "body": "\n\n".join(f"Sairoon voters: {p}" for p in RUNNING + TEMPLATES),
        "source": RUNNING[1],
        "url": f"javascript:window.{PWNED}=11",
        "date": "2018-05-14",
    },
    {
        "id": f'"><svg onload="window.{PWNED}=12">',
        "title": f"{RUNNING[5]} Sairun {TEMPLATES[1]}",
        "body": "\n\n".join(f"{p} Sairun list" for p in reversed(RUNNING + TEMPLATES)),
        "source": TEMPLATES[0],
        "url": f'https://example.org/"><script>window.{PWNED}=13</script>',
        "date": "2018-05-15",
    },
    {
        "id": TEMPLATES[0],
        "title": TEMPLATES[0],
        "body": f"Sayirun {TEMPLATES[0]} and {TEMPLATES[2]}.",
        "source": f"<script>window.{PWNED}=14</script>",
        "url": f"data:text/html,<script>window.{PWNED}=15</script>",
        "date": "2018-05-16",
    },
]


@pytest.fixture(scope="session")
def payload_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An index of articles whose every field (but the date) carries script, attribute,
    ``javascript:`` and template payloads."""
    root = tmp_path_factory.mktemp("payloads")
    corpus = root / "payloads.jsonl"
    corpus.write_text("".join(json.dumps(r) + "\n" for r in PAYLOAD_ARTICLES), encoding="utf-8")
    index_corpus(root / "index", [corpus])
    return root / "index"
