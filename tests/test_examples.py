"""Every example runs against the sandbox (`--sandbox`) and says it succeeded."""

from __future__ import annotations

import pathlib
import re
import subprocess
import sys

import pytest

EXAMPLES = pathlib.Path(__file__).parent.parent / "examples"

CASES = [
    ("sandbox_quickstart.py", [], r"identical to the sandbox's ground truth: True"),
    (
        "bulk_export_fan_out.py",
        ["--out", "fan.jsonl"],
        r"(\d+) interactions of 40 agents written.*\n.*\nmatches the sandbox's ground truth: True",
    ),
    (
        "report_job.py",
        [],
        r"report \d+ created; waiting\n7 days: \d+ presented, \d+ accepted, \d+ abandoned\n"
        r"saved .*Queues by day\.csv",
    ),
    (
        "realtime_dashboard.py",
        ["--seconds", "2", "--interval", "0.2"],
        r"watching 12 agents, 4 queues\n(.|\n)*agent \w+: AVAILABLE -> \w+"
        r"(.|\n)*[1-9]\d* changes seen",
    ),
    (
        "sapi_consumer.py",
        ["--seconds", "2", "--checkpoint", "sapi.json"],
        r"[1-9]\d* events \(.*\), 0 duplicates dropped, 0 reconnects; checkpoint in sapi.json",
    ),
    (
        "interaction_export.py",
        ["--days", "5", "--out", "calls.jsonl"],
        r"exported [1-9]\d* interactions to calls.jsonl: 5 days read, 0 already done\n"
        r"matches the sandbox's ground truth: True",
    ),
    (
        "event_streaming_consumer.py",
        ["--seconds", "2", "--checkpoint", "events.json"],
        r"[1-9]\d* events \(.*\), 0 duplicates dropped, \d+ acks, 0 reconnects; last message "
        r"\S+; checkpoint in events.json",
    ),
]


@pytest.mark.parametrize(("script", "arguments", "success"), CASES, ids=[c[0] for c in CASES])
def test_example_runs_on_the_sandbox(
    script: str, arguments: list[str], success: str, tmp_path: pathlib.Path
) -> None:
    command = [sys.executable, str(EXAMPLES / script), *arguments]
    if script != "sandbox_quickstart.py":  # the quickstart always uses the sandbox
        command.append("--sandbox")
    result = subprocess.run(
        command, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    assert re.search(success, result.stdout), result.stdout
