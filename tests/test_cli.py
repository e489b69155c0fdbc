"""The `eightbyeight` program, driven as a user would: in-process through click's runner and
as a real subprocess (interruptions, Ctrl-C), against sandboxes, checked against ground truth."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import pathlib
import re
import signal
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
    return {"seed": 5, "days": 10, "interactions_per_day": 60, "sapi_time_scale": 600.0}


def environment(sb: Sandbox, **changes: str) -> dict[str, str]:
    """The `EIGHTBYEIGHT_*` variables that point the program at `sb`."""
    credentials = sb.credentials
    return {
        "EIGHTBYEIGHT_BASE_URL": sb.base_url,
        "EIGHTBYEIGHT_API_BASE_URL": sb.api_base_url,
        "EIGHTBYEIGHT_TENANT": credentials.tenant_name,
        "EIGHTBYEIGHT_DATA_TOKEN": credentials.data_token,
        "EIGHTBYEIGHT_ACTION_TOKEN": credentials.action_token,
        "EIGHTBYEIGHT_ANALYTICS_CLIENT_ID": credentials.analytics_client_id,
        "EIGHTBYEIGHT_ANALYTICS_SECRET": credentials.analytics_secret,
        "EIGHTBYEIGHT_EVENTS_URL": sb.events_url,
        "EIGHTBYEIGHT_EVENTS_API_KEY": credentials.events_api_key,
        **changes,
    }


def spawn(sb: Sandbox, *arguments: str, **env: str) -> subprocess.Popen[str]:
    """The program as a subprocess (`python -m eightbyeight_async ...`) against `sb`."""
    return subprocess.Popen(
        [sys.executable, "-m", "eightbyeight_async", *arguments],
        env={**os.environ, **environment(sb, **env)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def wait_until(condition: object, what: str) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():  # type: ignore[operator]
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def jsonl(path: pathlib.Path) -> list[dict[str, object]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


DATES = "2024-05-25,2024-06-04"


def expected_ids(sb: Sandbox, **query: str) -> list[int]:
    return [int(r["interaction-id"]) for r in sb.truth.stats("allinteractions", d=DATES, **query)]


# --- export ---------------------------------------------------------------------------------


def test_export_writes_exactly_the_ground_truth_as_jsonl(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "calls.jsonl"
    result = CliRunner().invoke(
        program,
        [
            "export",
            "stats",
            "all-interactions",
            "--dates",
            DATES,
            "--filter",
            "media_type=Phone",
            "--out",
            str(out),
            "-q",
        ],
        env=environment(sb),
    )
    assert result.exit_code == 0, result.output
    ids = [record["interaction_id"] for record in jsonl(out)]
    assert ids == expected_ids(sb, media_type="Phone")
    assert len(ids) > 50, "more than one page"
    assert f"exported {len(ids):,} records" in result.stdout


def test_export_as_csv_keeps_the_server_rows_and_one_header(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "calls.csv"
    result = CliRunner().invoke(
        program,
        [
            "export",
            "stats",
            "all-interactions",
            "--dates",
            DATES,
            "--format",
            "csv",
            "--out",
            str(out),
            "-q",
        ],
        env=environment(sb),
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    expected = sb.truth.stats("allinteractions", d=DATES)
    assert [int(row["interaction-id"]) for row in rows] == [
        int(r["interaction-id"]) for r in expected
    ]
    assert "interaction-id" not in out.read_text().split("\n", 1)[1], "one header only"


def test_export_resumes_after_being_killed_without_loss_or_duplicates(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "calls.jsonl"
    progress = tmp_path / "calls.jsonl.progress.json"
    arguments = [
        "export",
        "stats",
        "all-interactions",
        "--dates",
        DATES,
        "--out",
        str(out),
        "-q",
        "--prefetch",
        "1",
    ]
    sb.faults.latency("/api/stats/allinteractions*", 0.15)
    try:
        process = spawn(sb, *arguments)

        def some_pages_written() -> bool:
            return progress.exists() and json.loads(progress.read_text())["records"] >= 150

        wait_until(some_pages_written, "the first pages")
        process.kill()  # no chance to clean up: the harshest interruption
        process.wait(timeout=10)
    finally:
        sb.faults.clear()
    written = json.loads(progress.read_text())["records"]
    assert written < len(expected_ids(sb)), "the export was interrupted part-way"
    result = CliRunner().invoke(program, [*arguments, "--resume"], env=environment(sb))
    assert result.exit_code == 0, result.output
    assert [r["interaction_id"] for r in jsonl(out)] == expected_ids(sb)
    again = CliRunner().invoke(program, [*arguments, "--resume"], env=environment(sb))
    assert again.exit_code == 1
    assert "already complete" in again.output


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["export", "stats", "agents", "--dates", DATES], "agents takes no --dates"),
        (["export", "stats", "all-interactions", "--filter", "oops"], "key=value"),
        (["export", "stats", "all-interactions", "--resume"], "nothing to resume"),
        (["export", "stats", "agent-interactions", "--filter", "agent_id=nobody"], "404"),
        (["export", "stats", "all-interactions", "--dates", "yesterday"], "date"),
    ],
)
def test_export_failures_are_one_line_with_a_non_zero_exit(
    sb: Sandbox, tmp_path: pathlib.Path, arguments: list[str], message: str
) -> None:
    result = CliRunner().invoke(
        program, [*arguments, "--out", str(tmp_path / "x.jsonl"), "-q"], env=environment(sb)
    )
    assert result.exit_code == 1
    error_lines = [line for line in result.output.splitlines() if line.startswith("Error:")]
    assert len(error_lines) == 1, result.output
    assert message in error_lines[0]
    assert "Traceback" not in result.output


def test_a_wrong_token_is_one_line_and_debug_shows_the_traceback(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    arguments = ["export", "stats", "groups", "--out", str(tmp_path / "g.jsonl"), "-q"]
    env = environment(sb, EIGHTBYEIGHT_DATA_TOKEN="wrong")
    result = CliRunner().invoke(program, arguments, env=env)
    assert result.exit_code == 1
    assert "PermissionDeniedError" in result.output
    assert "wrong" not in result.output
    debug = CliRunner().invoke(program, ["--debug", *arguments], env=env)
    assert debug.exit_code == 1
    assert debug.exception is not None
    flag = CliRunner().invoke(
        program, ["--data-token", sb.credentials.data_token, *arguments], env=env
    )
    assert flag.exit_code == 0, "a flag overrides the variable"


# --- report ---------------------------------------------------------------------------------


def test_report_create_wait_download_then_status_and_rows(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    end = sb.tenant.now.replace(minute=0, second=0, microsecond=0)
    create = [
        *("report", "create", "--type", "queue-interactions-summary", "--title", "CLI test"),
        *("--start", (end - dt.timedelta(days=3)).isoformat(), "--end", end.isoformat()),
        *("--granularity", "day", "--group-by", "queue", "--filter", "queue=101,102"),
        *("--grand-total", "--download", str(tmp_path)),
    ]
    result = CliRunner().invoke(program, create, env=environment(sb))
    assert result.exit_code == 0, result.output
    report_id = re.search(r"report (\d+) created", result.stdout)[1]  # type: ignore[index]
    assert f"report {report_id} DONE" in result.stdout
    saved = pathlib.Path(re.search(r"saved (.+)", result.stdout)[1])  # type: ignore[index]
    assert saved == tmp_path / "CLI test.csv"
    expected = sb.truth.analytics_rows(report_id)
    assert len(saved.read_text(encoding="utf-8").splitlines()) == len(expected) + 1  # header
    status = CliRunner().invoke(program, ["report", "status", report_id], env=environment(sb))
    assert status.stdout.strip() == "DONE"
    out = tmp_path / "rows.jsonl"
    rows = CliRunner().invoke(
        program, ["report", "rows", report_id, "--out", str(out)], env=environment(sb)
    )
    assert rows.exit_code == 0, rows.output
    written = jsonl(out)
    assert len(written) == len(expected)
    assert written[-1]["total"]["type"] == "grandtotal"  # type: ignore[index]


def test_report_validation_errors_are_one_line(sb: Sandbox) -> None:
    result = CliRunner().invoke(
        program,
        [
            *("report", "create", "--type", "queue-interactions-summary", "--title", "bad/title"),
            *("--start", "2024-06-01T00:00Z", "--end", "2024-06-02T00:00Z"),
            *("--granularity", "day", "--group-by", "queue"),
        ],
        env=environment(sb),
    )
    assert result.exit_code == 1
    assert "title" in result.output
    assert "Traceback" not in result.output


# --- stream ---------------------------------------------------------------------------------


def test_stream_survives_a_reconnect_and_stops_cleanly_on_ctrl_c(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "events.jsonl"
    process = spawn(sb, "stream", "--subscription-id", "cli-ctrl-c", "--out", str(out))

    def lines() -> int:
        return len(out.read_text().splitlines()) if out.exists() else 0

    wait_until(lambda: lines() >= 10, "the first events")
    assert sb.streaming.drop("cli-ctrl-c") == 1
    seen = lines()
    wait_until(lambda: lines() >= seen + 10, "events after the reconnect")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    events = jsonl(out)
    keys = [(e["msg_info"]["instance_id"], e["msg_info"]["sequence_id"]) for e in events]  # type: ignore[index]
    log = sb.truth.streaming("cli-ctrl-c")
    assert (
        keys
        == [(e[n]["msgInfo"]["instanceId"], e[n]["msgInfo"]["sequenceId"]) for e in log for n in e][
            : len(keys)
        ]
    )
    summary = re.search(
        r"([\d,]+) events, ([\d,]+) duplicates dropped, \d+ gaps, (\d+) reconnects", stderr
    )
    assert summary is not None, stderr
    assert int(summary[1].replace(",", "")) == len(events)
    assert int(summary[3]) >= 1


def test_stream_resumes_from_its_checkpoint(sb: Sandbox, tmp_path: pathlib.Path) -> None:
    out, checkpoint = tmp_path / "events.jsonl", tmp_path / "sapi.json"
    common = ["stream", "--out", str(out), "--checkpoint", str(checkpoint), "--max-events", "15"]
    first = CliRunner().invoke(
        program, [*common, "--subscription-id", "cli-ckpt"], env=environment(sb)
    )
    assert first.exit_code == 0, first.output
    second = CliRunner().invoke(program, common, env=environment(sb))
    assert second.exit_code == 0, second.output
    sequences = [e["msg_info"]["sequence_id"] for e in jsonl(out)]  # type: ignore[index]
    assert len(sequences) == 30
    assert sequences == sorted(set(sequences)), "no event twice across the restart"


def test_stream_needs_a_subscription(sb: Sandbox) -> None:
    result = CliRunner().invoke(program, ["stream"], env=environment(sb))
    assert result.exit_code == 2
    assert "--subscription-id" in result.output


def test_stream_of_event_streaming_survives_a_drop_and_stops_cleanly_on_ctrl_c(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    out = tmp_path / "events.jsonl"
    process = spawn(sb, "stream", "--api", "events", "--start", "earliest", "--out", str(out))

    def lines() -> int:
        return len(out.read_text().splitlines()) if out.exists() else 0

    wait_until(lambda: lines() >= 10, "the first events")
    assert sb.events.drop() == 1
    seen = lines()
    wait_until(lambda: lines() >= seen + 10, "events after the reconnect")
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=20)
    assert process.returncode == 0, stderr
    ids = [e["message"]["message_id"] for e in jsonl(out)]  # type: ignore[index]
    assert ids == [m.message_id for m in sb.events.log()][: len(ids)]
    summary = re.search(r"([\d,]+) events, .* (\d+) reconnects, ([\d,]+) acks", stderr)
    assert summary is not None, stderr
    assert int(summary[1].replace(",", "")) == len(ids)
    assert int(summary[2]) >= 1


def test_stream_of_event_streaming_resumes_from_its_checkpoint(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    out, checkpoint = tmp_path / "events.jsonl", tmp_path / "events.json"
    sb.events.pause()
    sb.events.emit(40)
    common = ["stream", "--api", "events", "--start", "earliest", "--out", str(out)]
    common += ["--checkpoint", str(checkpoint), "--max-events", "15"]
    for _ in range(2):
        result = CliRunner().invoke(program, common, env=environment(sb))
        assert result.exit_code == 0, result.output
    ids = [e["message"]["message_id"] for e in jsonl(out)]  # type: ignore[index]
    assert ids == [m.message_id for m in sb.events.log()][:30]


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        (["--topic", "all"], "need --api events"),
        (["--api", "events", "--subscription-id", "x"], "SAPI's"),
    ],
)
def test_stream_options_belong_to_their_api(
    sb: Sandbox, arguments: list[str], problem: str
) -> None:
    result = CliRunner().invoke(
        program, ["stream", "--subscription-id", "s", *arguments], env=environment(sb)
    )
    assert result.exit_code == 2
    assert problem in result.output


# --- sandbox and demo -----------------------------------------------------------------------


def test_sandbox_command_serves_until_interrupted() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "eightbyeight_async", "sandbox", "--days", "2"],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    settings = {}
    for line in process.stdout:
        name, sep, value = line.strip().partition("=")
        if sep:
            settings[name] = value
        if name == "EIGHTBYEIGHT_RECENT_CALLS_TOKEN":
            break
    import httpx

    response = httpx.get(
        settings["EIGHTBYEIGHT_BASE_URL"] + "/api/stats/groups.json",
        auth=(settings["EIGHTBYEIGHT_TENANT"], settings["EIGHTBYEIGHT_DATA_TOKEN"]),
    )
    assert response.status_code == 200
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=20) == 0


def test_demo_runs_the_main_job_and_summarises_it(tmp_path: pathlib.Path) -> None:
    result = subprocess.run(
        [
            *(sys.executable, "-m", "eightbyeight_async", "demo", "--json"),
            *("--out-dir", str(tmp_path), "--days", "5", "--seconds", "2"),
        ],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    summary = json.loads(result.stdout)
    assert summary["identical"] is True
    assert summary["records"] == summary["expected_records"] > 0
    assert summary["records"] == len(jsonl(tmp_path / "interactions.jsonl"))
    assert summary["faults_injected"] > 0
    assert summary["reconnects"] >= 1
    events = jsonl(tmp_path / "events.jsonl")
    assert summary["events"] == len(events) > 0
    keys = [(e["msg_info"]["instance_id"], e["msg_info"]["sequence_id"]) for e in events]  # type: ignore[index]
    assert len(set(keys)) == len(keys), "no event delivered twice through the reconnect"
    interactions, report, events_file = map(pathlib.Path, summary["files"])
    assert interactions == tmp_path / "interactions.jsonl"
    assert events_file == tmp_path / "events.jsonl"
    assert report.parent == tmp_path
    assert report.suffix == ".csv"
    assert summary["report_rows"] > 0
    assert len(report.read_text(encoding="utf-8").splitlines()) == summary["report_rows"] + 1


def test_demo_prints_a_readable_summary_table() -> None:
    from rich.console import Console

    from eightbyeight_async._cli._demo import DemoSummary

    console = Console(record=True, width=100)
    console.print(DemoSummary(records=7, expected_records=7, identical=True, reconnects=2).table())
    text = console.export_text()
    assert re.search(r"identical to the sandbox's ground truth\s*\S\s*yes", text)
    assert re.search(r"SAPI reconnects\s*\S\s*2", text)


# --- realtime -------------------------------------------------------------------------------


def test_realtime_tables_show_the_servers_agents_and_queues(sb: Sandbox) -> None:
    env = {**environment(sb), "COLUMNS": "200"}
    agents = CliRunner().invoke(program, ["realtime", "agents"], env=env)
    assert agents.exit_code == 0, agents.output
    for agent_id in sb.realtime.agents():
        assert agent_id in agents.stdout
    queues = CliRunner().invoke(program, ["realtime", "queues"], env=env)
    assert queues.exit_code == 0, queues.output
    for queue in sb.realtime.queues().values():
        assert queue["queue-name"] in queues.stdout


def test_realtime_watch_redraws_on_changes_and_stops(sb: Sandbox) -> None:
    queue_id = next(iter(sb.realtime.queues()))
    process = spawn(sb, "realtime", "queues", "--watch", "--interval", "0.1", "--updates", "2")
    for size in range(100, 400):  # keep changing until the watcher has seen a change
        sb.realtime.set_queue_size(queue_id, size)
        try:
            process.wait(timeout=0.3)
            break
        except subprocess.TimeoutExpired:
            continue
    stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 0, stderr
    assert "2 updates" in stderr
    assert re.search(r"\b[1-3]\d\d\b", stdout), "the redrawn table shows the new size"
