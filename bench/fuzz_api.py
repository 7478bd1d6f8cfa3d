"""schemathesis against a real server's /openapi.json: the API as its description promises.

    python bench/fuzz_api.py [--index DIR] [--examples 50] [--seed 1] [--json FILE]

Starts ``news-search serve`` on 127.0.0.1 (a free port) over the index (without --index,
fakes.jsonl indexed into a temporary folder) and runs ``st run`` on its /openapi.json with every
check, at most --examples test cases per operation and phase, in its examples, coverage, fuzzing
and stateful phases, a 10 s timeout per request and 5 s as the longest answer allowed. Its
NDJSON report is read back and each failing check grouped by operation, status and message:

- **server errors** (``not_a_server_error``, ``max_response_time``): a 5xx or an answer slower
  than 5 s. There must be none.
- **responses against the description** (``response_schema_conformance``,
  ``content_type_conformance``, ``status_code_conformance``, ``response_headers_conformance``):
  an answer whose body, type or status the description does not give; what is wrong is the
  description or the server.
- **validation against the description** (``positive_data_acceptance``: a request that fits the
  described parameters refused; ``negative_data_rejection``: one that does not fit accepted).
  Where the server checks more than a JSON Schema says (a page past the last, a source the
  index lacks, unbalanced quotes) the refusal is right; the list says what the description
  leaves out or gets wrong.

schemathesis is an optional dependency (the ``dev`` extra: ``pip install -e '.[dev]'``).
Exit status 1 when there was a server error or an answer that does not fit the description.
"""

from __future__ import annotations

import argparse
import base64
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from timing import print_table, write_json

SERVER = ("not_a_server_error", "max_response_time")
RESPONSES = (
    "response_schema_conformance",
    "content_type_conformance",
    "status_code_conformance",
    "response_headers_conformance",
)
VALIDATION = ("positive_data_acceptance", "negative_data_rejection")
#: The longest a run may take before it is stopped.
TIMEOUT_S = 900


def st_command() -> list[str] | None:
    """How to run schemathesis's CLI here, or None when it is not installed."""
    beside = Path(sys.executable).with_name("st")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("st")
    return [found] if found else None


def available() -> bool:
    return st_command() is not None


def run_schemathesis(
    base_url: str, examples: int, seed: int, folder: Path, max_time: float | None = None
) -> dict[str, Any]:
    """Run ``st run`` against ``base_url``/openapi.json; the checks and the failures grouped."""
    command = st_command()
    if command is None:
        raise RuntimeError("schemathesis is not installed: pip install -e '.[dev]'")
    folder.mkdir(parents=True, exist_ok=True)
    report = folder / "report.ndjson"
    command = [
        *command,
        "--no-color",
        "run",
        f"{base_url}/openapi.json",
        "--checks",
        "all",
        "--max-examples",
        str(examples),
        "--seed",
        str(seed),
        "--workers",
        "1",
        "--request-timeout",
        "10",
        "--max-response-time",
        "5",
        "--max-redirects",
        "0",
        "--report",
        "ndjson",
        "--report-ndjson-path",
        str(report),
        "--output-truncate",
        "true",
    ]
    if max_time:
        command += ["--max-time", str(max_time)]
    # In a folder of its own: hypothesis keeps its example database in the working directory.
    result = subprocess.run(
        command, capture_output=True, text=True, cwd=folder, timeout=TIMEOUT_S, check=False
    )
    (folder / "output.txt").write_text(result.stdout + result.stderr, encoding="utf-8")
    summary = read_report(report)
    summary["exit_status"] = result.returncode
    summary["seconds"] = round(summary.pop("running_time", 0.0), 1)
    return summary


def _message(body: bytes, content_type: str) -> str:
    """An answer's error message with its quoted values and numbers blanked, for grouping."""
    text = ""
    if "json" in content_type:
        try:
            data = json.loads(body)
            text = str(data.get("error", "")) if isinstance(data, dict) else ""
        except ValueError:
            text = "(not JSON)"
    else:
        m = re.search(rb'class="error-message"[^>]*>(.*?)</p>', body, re.S)
        text = m[1].decode("utf-8", "replace") if m else body[:60].decode("utf-8", "replace")
        text = html.unescape(text)
    text = re.sub(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"", "'…'", text)
    text = re.sub(r"\d[\d,]*", "N", text)
    return text[:160]


def read_report(path: Path) -> dict[str, Any]:
    """The checks run and the failures found, from an NDJSON report of ``st run``."""
    checks: dict[str, Counter[str]] = {}
    groups: dict[tuple[str, str, str, int, str], dict[str, Any]] = {}
    cases = 0
    running_time = 0.0
    operations: set[str] = set()
    if not path.exists():
        return {"error": "no report was written", "checks": {}, "failures": []}
    with path.open(encoding="utf-8") as f:
        for line in f:
            event = json.loads(line)
            if "EngineFinished" in event:
                running_time = float(event["EngineFinished"].get("running_time", 0.0))
            finished = event.get("ScenarioFinished")
            if not finished:
                continue
            recorder = finished["recorder"]
            label = recorder.get("label", "")
            operations.add(label.split(" -> ")[0])
            interactions = recorder.get("interactions", {})
            for case_id, results in recorder.get("checks", {}).items():
                cases += 1
                for check in results:
                    name = check["name"]
                    checks.setdefault(name, Counter())[check["status"]] += 1
                    if check["status"] != "failure":
                        continue
                    failure = check.get("failure_info", {}).get("failure", {})
                    interaction = interactions.get(case_id) or {}
                    request = interaction.get("request", {})
                    response = interaction.get("response") or {}
                    status = int(response.get("status_code", 0))
                    content_type = ",".join(response.get("headers", {}).get("content-type", []))
                    content = response.get("content") or {}
                    body = (
                        base64.b64decode(content["$base64"])
                        if "$base64" in content
                        else str(content.get("string", "")).encode()
                    )
                    operation = failure.get("operation") or label
                    key = (
                        name,
                        operation,
                        failure.get("title", ""),
                        status,
                        _message(body, content_type),
                    )
                    uri = request.get("uri", "")
                    group = groups.setdefault(
                        key,
                        {
                            "check": name,
                            "code": failure.get("code", ""),
                            "title": failure.get("title", ""),
                            "operation": operation,
                            "status": status,
                            "message": key[4],
                            "count": 0,
                            "example": uri,
                            "detail": failure.get("message", ""),
                        },
                    )
                    group["count"] += 1
                    if len(uri) < len(group["example"]):
                        group["example"] = uri
    failures = sorted(groups.values(), key=lambda g: (g["check"], g["operation"], -g["count"]))
    by_check = {name: dict(counts) for name, counts in sorted(checks.items())}
    server_errors = sum(g["count"] for g in failures if g["check"] in SERVER)
    nonconforming = sum(g["count"] for g in failures if g["check"] in RESPONSES)
    return {
        "operations": len(operations),
        "test_cases": cases,
        "running_time": running_time,
        "checks": by_check,
        "server_errors": server_errors,
        "nonconforming_responses": nonconforming,
        "failures": failures,
    }


def print_summary(summary: dict[str, Any]) -> None:
    if "skipped" in summary:
        print(f"schemathesis: skipped ({summary['skipped']})")
        return
    print(
        f"schemathesis: {summary['test_cases']:,} test cases over {summary['operations']} "
        f"operations in {summary['seconds']} s: {summary['server_errors']} server errors, "
        f"{summary['nonconforming_responses']} answers that do not fit the description\n"
    )
    rows = [
        [name, counts.get("success", 0), counts.get("failure", 0)]
        for name, counts in summary["checks"].items()
    ]
    print_table(["check", "passed", "failed"], rows)
    if summary["failures"]:
        print("\nfailing checks, grouped (operation, status, message):")
    for group in summary["failures"]:
        kind = (
            "SERVER"
            if group["check"] in SERVER
            else "response"
            if group["check"] in RESPONSES
            else "validation"
        )
        print(
            f"- [{kind}] {group['check']} ({group['code']} {group['title']}), "
            f"{group['operation']}, {group['status']}: {group['message']!r} "
            f"({group['count']} cases)"
        )
        print(f"    e.g. {group['example'][:300]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--index", type=Path, metavar="DIR")
    parser.add_argument("--examples", type=int, default=50, metavar="N")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures here")
    args = parser.parse_args(argv)
    if not available():
        print("schemathesis is not installed: pip install -e '.[dev]'", file=sys.stderr)
        return 2
    import fuzz

    with tempfile.TemporaryDirectory(prefix="fuzz-api-") as tmp:
        folder = Path(tmp)
        index_dir = args.index or fuzz.build_fakes_index(folder)
        server = fuzz.start_server(index_dir, folder / "server.log")
        try:
            summary = run_schemathesis(server.url, args.examples, args.seed, folder / "st")
        finally:
            fuzz.stop_server(server)
        if "Traceback" in server.log_text():
            summary["server_log_tracebacks"] = server.log_text().count("Traceback")
    print_summary(summary)
    if args.json:
        write_json(args.json, summary)
    return 1 if summary["server_errors"] or summary["nonconforming_responses"] else 0


if __name__ == "__main__":
    raise SystemExit(main())
