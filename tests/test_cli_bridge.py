"""`eightbyeight bridge` as a user runs it: a real subprocess against the sandbox and a real
redis-server, killed with SIGKILL at random moments while events flow and restarted, then
checked against the sandbox's ground truth; and in-process runs for the summary, Event
Streaming and the usage errors."""

from __future__ import annotations

import json
import os
import pathlib
import random
import re
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import IO, Any, cast

import pytest
import redis
from click.testing import CliRunner

from eightbyeight_async._cli import program
from eightbyeight_async.sandbox import Sandbox

STREAM = "8x8:events"
DEADLINE = 30.0
KILLS = 20


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 5, "sapi_time_scale": 600.0}


@pytest.fixture
def db(redis_url: str) -> redis.Redis:
    return redis.Redis.from_url(redis_url, decode_responses=True)


def environment(sb: Sandbox) -> dict[str, str]:
    """The `EIGHTBYEIGHT_*` variables that point the program at `sb`."""
    credentials = sb.credentials
    return {
        "EIGHTBYEIGHT_BASE_URL": sb.base_url,
        "EIGHTBYEIGHT_API_BASE_URL": sb.api_base_url,
        "EIGHTBYEIGHT_TENANT": credentials.tenant_name,
        "EIGHTBYEIGHT_DATA_TOKEN": credentials.data_token,
        "EIGHTBYEIGHT_EVENTS_URL": sb.events_url,
        "EIGHTBYEIGHT_EVENTS_API_KEY": credentials.events_api_key,
    }


def spawn(sb: Sandbox, arguments: list[str], stderr: IO[str]) -> subprocess.Popen[str]:
    """The program as a subprocess (`python -m eightbyeight_async bridge ...`) against `sb`."""
    return subprocess.Popen(
        [sys.executable, "-m", "eightbyeight_async", *arguments],
        env={**os.environ, **environment(sb)},
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        text=True,
    )


def wait_until(
    condition: Callable[[], bool], what: str, detail: Callable[[], str] = lambda: ""
) -> None:
    deadline = time.monotonic() + DEADLINE
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what} {detail()}")
        time.sleep(0.02)


def entries(db: redis.Redis) -> list[tuple[str, dict[str, str]]]:
    return cast("list[tuple[str, dict[str, str]]]", db.xrange(STREAM))


def stream_keys(db: redis.Redis) -> list[tuple[str, int]]:
    """(instanceId, sequenceId) of every entry, in stream order."""
    keys = []
    for _, fields in entries(db):
        instance, _, sequence = fields["source_id"].rpartition(":")
        keys.append((instance, int(sequence)))
    return keys


def truth_keys(sb: Sandbox, subscription_id: str) -> list[tuple[str, int]]:
    log = sb.truth.streaming(subscription_id)
    return [(e[n]["msgInfo"]["instanceId"], e[n]["msgInfo"]["sequenceId"]) for e in log for n in e]


SUMMARY = re.compile(
    r"([\d,]+) events, ([\d,]+) duplicates dropped, (\d+) gaps, (\d+) reconnects, "
    r"(\d+) Redis reconnects in [\d.]+s"
)


def test_a_bridge_killed_at_random_moments_writes_every_event_exactly_once(
    sb: Sandbox, redis_url: str, db: redis.Redis, tmp_path: pathlib.Path
) -> None:
    rng = random.Random(18)
    sb.streaming.rate = 60
    # SAPI has no acknowledgements: what the server sent to a stream counts as delivered, and
    # a reconnect replays only its last `replay_overlap` events. Exactly once across kill -9
    # needs that replay to cover what was in flight (sent, not yet in Redis) when it died;
    # here up to a few hundred events (the backlog written at once after each restart: the
    # rate times the seconds a restart takes, several on a loaded machine, hence a low rate).
    sb.streaming.replay_overlap = 1024
    arguments = ["bridge", "--source", "sapi", "--subscription-id", "cli-bridge-kill"]
    arguments += ["--to", redis_url, "--stream", STREAM]
    log = tmp_path / "stderr.txt"
    with log.open("a", encoding="utf-8") as stderr:
        for _ in range(KILLS):
            written = db.xlen(STREAM)
            process = spawn(sb, arguments, stderr)

            def progress(process: subprocess.Popen[str] = process, written: int = written) -> bool:
                return process.poll() is not None or db.xlen(STREAM) > written

            try:
                wait_until(progress, "entries", log.read_text)
                assert process.poll() is None, log.read_text()
                time.sleep(rng.uniform(0.0, 0.4))  # the kill lands anywhere in the writing
            finally:
                process.kill()
                process.wait(timeout=DEADLINE)
            assert process.returncode == -signal.SIGKILL
        sb.streaming.pause()  # from here the ground truth is fixed
        expected = truth_keys(sb, "cli-bridge-kill")
        final = spawn(sb, arguments, stderr)
        try:

            def missing() -> str:
                found = set(stream_keys(db))
                lost = [key for key in expected if key not in found]
                return f"({len(lost)} missing, from {lost[:3]}; log: {log.read_text()[-1500:]})"

            wait_until(lambda: db.xlen(STREAM) >= len(expected), "the bridge to catch up", missing)
            # connected, so its signal handlers are in place (the killed ones may have written
            # everything already, and a SIGTERM during its start-up would end it by default)
            wait_until(lambda: sb.streaming.connections("cli-bridge-kill") > 0, "its stream")
            time.sleep(0.3)  # anything written past the truth would show up now
            final.send_signal(signal.SIGTERM)
            final.wait(timeout=DEADLINE)
        finally:
            final.kill()
    assert final.returncode == 0, log.read_text()
    keys = stream_keys(db)
    assert len(keys) == len(set(keys)), "no event twice"
    assert keys == expected, "every ground-truth event once, in order"
    assert len(expected) > 200
    summary = SUMMARY.search(log.read_text().splitlines()[-1])
    assert summary is not None, log.read_text()[-2000:]
    position = json.loads(db.hget(f"{STREAM}:position", "sapi:cli-bridge-kill"))  # type: ignore[arg-type]
    assert position["last_sequence"] == {expected[-1][0]: expected[-1][1]}
    assert db.hget(f"{STREAM}:position", "sapi:cli-bridge-kill:entries") == str(len(expected))


def test_the_summary_counts_what_was_written(sb: Sandbox, redis_url: str, db: redis.Redis) -> None:
    arguments = ["bridge", "--subscription-id", "cli-bridge-once", "--to", redis_url]
    result = CliRunner().invoke(program, [*arguments, "--max-events", "12"], env=environment(sb))
    assert result.exit_code == 0, result.output
    summary = SUMMARY.search(result.output)
    assert summary is not None, result.output
    assert int(summary[1]) == 12
    assert stream_keys(db) == truth_keys(sb, "cli-bridge-once")[:12]


def test_event_streaming_through_the_cli_resumes_after_its_position(
    sb: Sandbox, redis_url: str, db: redis.Redis
) -> None:
    sb.events.pause()
    sb.events.emit(30)
    arguments = ["bridge", "--source", "events", "--to", redis_url, "--maxlen", "1000"]
    for _ in range(2):
        result = CliRunner().invoke(
            program, [*arguments, "--max-events", "15"], env=environment(sb)
        )
        assert result.exit_code == 0, result.output
    ids = [fields["source_id"] for _, fields in entries(db)]
    assert ids == [m.message_id for m in sb.events.log()][:30]


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ([], "--subscription-id"),
        (["--subscription-id", "s", "--topic", "all"], "need --source events"),
        (["--source", "events", "--subscription-id", "s"], "SAPI's"),
        (["--subscription-id", "s", "--maxlen", "0"], "--maxlen"),
    ],
)
def test_bridge_usage_errors(sb: Sandbox, arguments: list[str], problem: str) -> None:
    result = CliRunner().invoke(program, ["bridge", *arguments], env=environment(sb))
    assert result.exit_code == 2
    assert problem in result.output
