"""The Redis bridge against the sandbox (SAPI and Event Streaming) and a real redis-server:
the entry format, exactly once in order, the position beside the last entry, restarts of the
bridge and of Redis, a lost EXEC reply, MAXLEN, malformed frames and backlog notices; and the
refusal to run under trio (redis-py is asyncio-only)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import pytest
import redis.asyncio as redis_asyncio
from redis.exceptions import ConnectionError as RedisConnectionError
from redis_server import RedisServer

from eightbyeight_async import (
    Checkpoint,
    ConfigurationError,
    ContactCenter,
    InvalidArgumentError,
    ReconnectPolicy,
    RedisBridge,
)
from eightbyeight_async._fanout._bridge_writer import StreamWriter
from eightbyeight_async._fanout._entries import FIELDS, event_from_entry
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.streaming import BacklogExpired, MalformedEvent

pytestmark = pytest.mark.anyio

STREAM = "8x8:events"
FAST = ReconnectPolicy(initial_delay=0.02, max_network_delay=0.2)
DEADLINE = 30.0
Entry = tuple[str, dict[str, str]]


@pytest.fixture
def anyio_backend() -> str:
    """redis-py is asyncio-only: these tests run on asyncio (one asks for trio itself)."""
    return "asyncio"


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 11, "sapi_time_scale": 600.0}


@pytest.fixture
async def db(redis_url: str) -> AsyncIterator[redis_asyncio.Redis]:
    """A plain client of the test's Redis, to look at what the bridge wrote."""
    client = redis_asyncio.Redis.from_url(redis_url, decode_responses=True)
    try:
        yield client
    finally:
        await client.aclose()


async def entries(db: redis_asyncio.Redis) -> list[Entry]:
    found: list[Entry] = await db.xrange(STREAM)  # type: ignore[assignment]  # decoded replies
    return found


def keys_of(found: list[Entry]) -> list[tuple[str, int]]:
    """(instanceId, sequenceId) of the SAPI event entries, in stream order."""
    keys = []
    for _, fields in found:
        if fields["event"] in ("MalformedEvent", "BacklogExpired"):
            continue
        instance, _, sequence = fields["source_id"].rpartition(":")
        keys.append((instance, int(sequence)))
    return keys


def truth_keys(sb: Sandbox, subscription_id: str) -> list[tuple[str, int]]:
    log = sb.truth.streaming(subscription_id)
    return [(e[n]["msgInfo"]["instanceId"], e[n]["msgInfo"]["sequenceId"]) for e in log for n in e]


async def position(db: redis_asyncio.Redis, field: str) -> Checkpoint:
    value = await db.hget(f"{STREAM}:position", field)
    assert value is not None, f"no position {field}"
    return Checkpoint.from_json(json.loads(value))


async def wait_for(condition: Callable[[], Awaitable[bool]], what: str) -> None:
    with anyio.fail_after(DEADLINE):
        while not await condition():  # noqa: ASYNC110 - Redis and the sandbox are elsewhere
            await anyio.sleep(0.02)


async def at_least(db: redis_asyncio.Redis, count: int) -> bool:
    try:
        return int(await db.xlen(STREAM)) >= count
    except RedisConnectionError:  # the observer's own connection, across a Redis restart
        return False


# --- the entry format and exactly once --------------------------------------------------------


async def test_entries_have_the_documented_fields_and_the_position_follows_the_last(
    sb: Sandbox, cc: ContactCenter, redis_url: str, db: redis_asyncio.Redis
) -> None:
    async with RedisBridge(redis_url, stream=STREAM) as bridge:
        stats = await bridge.run_sapi(cc, "bridge-fields", max_events=20)
    found = await entries(db)
    assert len(found) == 20 == stats.events_written
    for _, fields in found:
        assert set(fields) == set(FIELDS)
        payload = json.loads(fields["payload"])
        (name,) = payload
        assert fields["event"] == name
        assert fields["source"] == "sapi"
        info = payload[name]["msgInfo"]
        assert fields["source_id"] == f"{info['instanceId']}:{info['sequenceId']}"
        assert dt.datetime.fromisoformat(fields["time"]).tzinfo is not None
        assert event_from_entry(fields).name == name
    saved = await position(db, "sapi:bridge-fields")
    instance, sequence = keys_of(found)[-1]
    assert saved.subscription_id == "bridge-fields"
    assert saved.last_sequence == {instance: sequence}
    last = json.loads(found[-1][1]["payload"])
    assert saved.last_timestamp_ms == next(iter(last.values()))["msgInfo"]["timestamp"]
    assert stats.position == saved
    assert await db.hget(f"{STREAM}:position", "sapi:bridge-fields:entries") == "20"


async def test_a_restarted_bridge_resumes_without_duplicate_or_gap(
    sb: Sandbox, cc: ContactCenter, redis_url: str, db: redis_asyncio.Redis
) -> None:
    sb.streaming.rate = 100
    for _ in range(3):
        async with RedisBridge(redis_url, stream=STREAM) as bridge:
            await bridge.run_sapi(cc, "bridge-restart", max_events=25)
    keys = keys_of(await entries(db))
    assert len(keys) == 75
    assert keys == truth_keys(sb, "bridge-restart")[:75], "every event once, in order"


async def test_event_streaming_lands_exactly_once_across_a_restart(
    sb: Sandbox, cc: ContactCenter, redis_url: str, db: redis_asyncio.Redis
) -> None:
    sb.events.pause()
    sb.events.emit(40)
    for count in (25, 15):
        async with RedisBridge(redis_url, stream=STREAM) as bridge:
            await bridge.run_events(cc, start="earliest", max_events=count)
    found = await entries(db)
    log = sb.events.log()
    assert [f["source_id"] for _, f in found] == [m.message_id for m in log][:40]
    assert [json.loads(f["payload"]) for _, f in found] == [m.payload for m in log][:40]
    assert {f["source"] for _, f in found} == {"events"}
    topic = f"persistent://{sb.credentials.tenant_name}/event-v1/all"
    assert (await position(db, f"events:{topic}")).last_message_id == log[39].message_id
    assert event_from_entry(found[0][1]).message_id == log[0].message_id


async def test_maxlen_trims_the_stream_and_keeps_the_position(
    sb: Sandbox, cc: ContactCenter, redis_url: str, db: redis_asyncio.Redis
) -> None:
    sb.events.pause()
    sb.events.emit(400)
    async with RedisBridge(redis_url, stream=STREAM, maxlen=50) as bridge:
        stats = await bridge.run_events(cc, start="earliest", max_events=400)
    assert stats.events_written == 400
    length = int(await db.xlen(STREAM))
    assert 50 <= length < 400, "trimmed, approximately (whole nodes of 100 entries)"
    found = await entries(db)
    assert found[-1][1]["source_id"] == sb.events.log()[399].message_id
    assert stats.position is not None
    assert stats.position.last_message_id == found[-1][1]["source_id"]


# --- Redis failures ------------------------------------------------------------------------------


@pytest.mark.parametrize("kill", [False, True], ids=["restart", "kill-9"])
async def test_redis_restarted_under_a_running_bridge_loses_and_repeats_nothing(
    sb: Sandbox,
    cc: ContactCenter,
    redis_server: RedisServer,
    redis_url: str,
    db: redis_asyncio.Redis,
    kill: bool,
) -> None:
    sb.streaming.rate = 100
    async with RedisBridge(redis_url, stream=STREAM, reconnect=FAST) as bridge:
        async with anyio.create_task_group() as tg:
            tg.start_soon(bridge.run_sapi, cc, "bridge-redis-down")
            await wait_for(lambda: at_least(db, 20), "the first entries")
            # Down for longer than the bridge goes between commands: a restart quicker than
            # that can pass unseen, as redis-py reconnects an idle pooled connection on its own.
            await anyio.to_thread.run_sync(lambda: redis_server.stop(kill=kill))
            await anyio.sleep(0.3)
            await anyio.to_thread.run_sync(redis_server.start)
            await wait_for(lambda: at_least(db, 0), "Redis again")
            before = int(await db.xlen(STREAM))
            await wait_for(lambda: at_least(db, before + 40), "entries after the restart")
            tg.cancel_scope.cancel()
        assert bridge.stats.redis_reconnects >= 1
    keys = keys_of(await entries(db))
    assert keys == truth_keys(sb, "bridge-redis-down")[: len(keys)]
    saved = await position(db, "sapi:bridge-redis-down")
    assert saved.last_sequence == {keys[-1][0]: keys[-1][1]}


async def test_a_lost_reply_after_a_committed_exec_is_not_written_again(
    sb: Sandbox,
    cc: ContactCenter,
    redis_url: str,
    db: redis_asyncio.Redis,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    real = StreamWriter._transaction
    calls = 0

    async def commit_then_lose_the_reply(self: StreamWriter, *args: Any) -> None:
        nonlocal calls
        calls += 1
        await real(self, *args)
        if calls in (5, 6, 12):  # Redis committed; the reply never arrived
            raise RedisConnectionError("connection lost while reading the EXEC reply")

    monkeypatch.setattr(StreamWriter, "_transaction", commit_then_lose_the_reply)
    async with RedisBridge(redis_url, stream=STREAM, reconnect=FAST) as bridge:
        stats = await bridge.run_sapi(cc, "bridge-lost-reply", max_events=20)
    assert stats.duplicates_skipped == 3
    assert stats.redis_reconnects == 3
    keys = keys_of(await entries(db))
    assert keys == truth_keys(sb, "bridge-lost-reply")[:20]


async def test_a_bridge_started_while_redis_is_down_waits_for_it(
    sb: Sandbox, cc: ContactCenter, redis_server: RedisServer, redis_url: str
) -> None:
    redis_server.stop()
    bridge = RedisBridge(redis_url, stream=STREAM, reconnect=FAST)
    async with bridge, anyio.create_task_group() as tg:
        tg.start_soon(functools.partial(bridge.run_sapi, cc, "bridge-late-redis", max_events=10))
        await anyio.sleep(0.5)
        assert bridge.stats.redis_errors >= 1
        await anyio.to_thread.run_sync(redis_server.start)
    assert bridge.stats.events_written == 10
    assert bridge.stats.redis_reconnects == 1


# --- entries that are not plain events -----------------------------------------------------------


async def test_a_malformed_sapi_frame_becomes_an_entry(
    sb: Sandbox, cc: ContactCenter, redis_url: str, db: redis_asyncio.Redis
) -> None:
    sb.streaming.rate = 100
    async with RedisBridge(redis_url, stream=STREAM) as bridge, anyio.create_task_group() as tg:
        tg.start_soon(bridge.run_sapi, cc, "bridge-malformed")
        await wait_for(lambda: at_least(db, 5), "the first entries")
        with anyio.fail_after(DEADLINE):
            while sb.streaming.malformed(1, "bridge-malformed") == 0:  # noqa: ASYNC110
                await anyio.sleep(0.02)  # between two connections: try again

        async def has_malformed() -> bool:
            return any(f["event"] == "MalformedEvent" for _, f in await entries(db))

        await wait_for(has_malformed, "the malformed entry")
        before = int(await db.xlen(STREAM))
        await wait_for(lambda: at_least(db, before + 5), "events after it")
        tg.cancel_scope.cancel()
    found = await entries(db)
    malformed = [f for _, f in found if f["event"] == "MalformedEvent"]
    assert len(malformed) == 1
    body = json.loads(malformed[0]["payload"])["MalformedEvent"]
    assert body["text"]
    assert body["reason"]
    event = event_from_entry(malformed[0])
    assert isinstance(event, MalformedEvent)
    assert (event.text, event.reason) == (body["text"], body["reason"])
    keys = keys_of(found)
    assert keys == truth_keys(sb, "bridge-malformed")[: len(keys)]


async def test_a_backlog_expiry_is_written_with_the_event_that_revealed_it(
    sb: Sandbox, cc: ContactCenter, redis_url: str, db: redis_asyncio.Redis
) -> None:
    async with RedisBridge(redis_url, stream=STREAM) as bridge:
        await bridge.run_sapi(cc, "bridge-expired", max_events=5)
    await anyio.sleep(0.2)  # the server notices the closed stream
    sb.streaming.advance(3 * 3600)  # longer than the 2-hour backlog: the subscription expires
    async with RedisBridge(redis_url, stream=STREAM) as bridge:
        await bridge.run_sapi(cc, "bridge-expired", max_events=5)
    found = await entries(db)
    names = [f["event"] for _, f in found]
    assert names.count("BacklogExpired") == 1
    notice = names.index("BacklogExpired")
    assert notice >= 5
    assert notice + 1 < len(found)
    event = event_from_entry(found[notice][1])
    assert isinstance(event, BacklogExpired)
    assert event.subscription_id == "bridge-expired"
    assert event.last_delivered_at is not None
    assert event.resumed_at is not None
    assert event.resumed_at - event.last_delivered_at > dt.timedelta(hours=2)


# --- refusals ------------------------------------------------------------------------------------


@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_the_bridge_refuses_trio_before_any_io(cc: ContactCenter) -> None:
    bridge = RedisBridge("redis://127.0.0.1:1/0")
    with pytest.raises(ConfigurationError, match="asyncio only"):
        await bridge.run_sapi(cc, "never")
    with pytest.raises(ConfigurationError, match="asyncio only"):
        async with bridge:
            pass


async def test_the_bridge_must_be_open_to_run(cc: ContactCenter) -> None:
    with pytest.raises(ConfigurationError, match="async with"):
        await RedisBridge("redis://127.0.0.1:1/0").run_sapi(cc, "never")


@pytest.mark.parametrize(
    "arguments",
    [
        {"redis_url": ""},
        {"stream": ""},
        {"maxlen": 0},
        {"maxlen": 1.5},
        {"reconnect": "fast"},
    ],
)
def test_bad_arguments_fail_at_once(arguments: dict[str, Any]) -> None:
    url = arguments.pop("redis_url", "redis://127.0.0.1:1/0")
    with pytest.raises(InvalidArgumentError):
        RedisBridge(url, **arguments)
