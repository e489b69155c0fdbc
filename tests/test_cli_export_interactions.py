"""`eightbyeight export interactions` as a real subprocess: a 30-day sharded export under
injected faults, killed (`kill -9`) at five random points and resumed each time, ends with
every ground-truth interaction exactly once."""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import random
import re
import subprocess
import sys
import time
from typing import Any

import pytest
from click.testing import CliRunner

from eightbyeight_async._cli import program
from eightbyeight_async.sandbox import Sandbox

DEADLINE = 60.0


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 13, "days": 30, "interactions_per_day": 40}


def environment(sb: Sandbox) -> dict[str, str]:
    credentials = sb.credentials
    return {
        "EIGHTBYEIGHT_API_BASE_URL": sb.api_base_url,
        "EIGHTBYEIGHT_ANALYTICS_CLIENT_ID": credentials.analytics_client_id,
        "EIGHTBYEIGHT_ANALYTICS_SECRET": credentials.analytics_secret,
    }


def month(sb: Sandbox) -> tuple[str, str]:
    end = sb.tenant.now.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)
    end += dt.timedelta(hours=1)
    return (end - dt.timedelta(days=30)).isoformat(), end.isoformat()


def command(sb: Sandbox, out: pathlib.Path, *extra: str) -> list[str]:
    start, end = month(sb)
    return [
        *("export", "interactions", "--start", start, "--end", end, "--tz", "UTC"),
        *("--out", str(out), "--quiet", *extra),
    ]


def parts(out: pathlib.Path) -> int:
    folder = out.with_name(out.name + ".parts")
    return len(list(folder.glob("*.jsonl"))) if folder.exists() else 0


def test_a_killed_export_resumed_five_times_has_every_interaction_once(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "calls.jsonl"
    sb.faults.latency("*/detailed-reports*", 0.05)
    sb.faults.status("*/detailed-reports/*/data", 503, rate=0.1)
    rng = random.Random(3)
    env = {**os.environ, **environment(sb)}
    for attempt in range(5):
        extra = ["--concurrency", "2"] + (["--resume"] if attempt else [])
        written = parts(out)
        process = subprocess.Popen(
            [sys.executable, "-m", "eightbyeight_async", *command(sb, out, *extra)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + DEADLINE
        while parts(out) <= written and process.poll() is None:
            assert time.monotonic() < deadline, "no slice was written"
            time.sleep(0.02)
        time.sleep(rng.uniform(0, 0.4))
        process.kill()  # SIGKILL: no cleanup, no flush
        process.wait(timeout=10)
    result = CliRunner().invoke(program, command(sb, out, "--resume"), env=environment(sb))
    assert result.exit_code == 0, result.output
    ids = [json.loads(line)["interactionId"] for line in out.read_text().splitlines()]
    start, end = (dt.datetime.fromisoformat(t) for t in month(sb))
    assert ids == sb.truth.interaction_ids(start, end)
    summary = re.search(r"exported ([\d,]+) interactions this run \(([\d,]+) in", result.output)
    assert summary is not None, result.output
    assert int(summary[2].replace(",", "")) == len(ids)
    assert 0 < int(summary[1].replace(",", "")) < len(ids), "the last run resumed, not restarted"


def test_resume_without_a_checkpoint_and_a_fresh_run_over_one_are_refused(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "calls.jsonl"
    missing = CliRunner().invoke(program, command(sb, out, "--resume"), env=environment(sb))
    assert missing.exit_code == 1
    assert "nothing to resume" in missing.output
    (tmp_path / "calls.jsonl.export.json").write_text("{}")
    again = CliRunner().invoke(program, command(sb, out), env=environment(sb))
    assert again.exit_code == 1
    assert "--resume" in again.output
