"""`RedisEventReader` against a real redis-server: typed events out equal the events in,
acknowledgement only after handling, consumers sharing a group with no entry handled twice,
a dead consumer's entries claimed by another, a restarted consumer re-handling its own, a
restarted Redis, and the refusals (trio, no redis-py).

Entries are written here with redis-py and `entry()` from sandbox SAPI events, so these tests
do not depend on the bridge. redis-py is asyncio-only: the module runs on asyncio, except for
the test of the refusal under trio.
"""

from __future__ import annotations

import collections
import functools
import itertools
import json
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import pytest
import redis.asyncio as redis_asyncio
from redis_server import RedisServer

from eightbyeight_async import (
    ConfigurationError,
    ContactCenter,
    RedisBridge,
    RedisEventReader,
    StreamEntry,
)
from eightbyeight_async._fanout import _reader
from eightbyeight_async._fanout._entries import entry
from eightbyeight_async._streaming._events import StreamEvent, parse_frame
from eightbyeight_async.sandbox import Sandbox

STREAM = "8x8:events"
GROUP = "crm"
DEADLINE = 20.0
"""No test waits longer than this for its consumers (each fails instead of hanging)."""

Handled = list[tuple[str, str]]
"""(consumer, entry id) per entry a consumer handled, in order."""


@pytest.fixture
def anyio_backend() -> str:
    """redis-py runs on asyncio only."""
    return "asyncio"


_seeds = itertools.count(1)


def sapi_events(count: int) -> list[StreamEvent]:
    """`count` typed SAPI events of a fresh sandbox, as the SDK's reader parses them."""
    sandbox = Sandbox(seed=next(_seeds))
    return [parse_frame(json.dumps(frame), xml=False) for frame in sandbox.streaming.emit(count)]


@pytest.fixture
async def client(redis_url: str) -> AsyncIterator[Any]:
    connection = redis_asyncio.Redis.from_url(redis_url, decode_responses=True)
    try:
        yield connection
    finally:
        await connection.aclose()


async def write(client: Any, events: list[StreamEvent]) -> list[str]:
    """XADD each event's entry; the entry ids, in order."""
    return [str(await client.xadd(STREAM, entry(event, "sapi"))) for event in events]


async def pending(client: Any) -> int:
    summary = await client.xpending(STREAM, GROUP)
    return int(summary["pending"])


async def wait_until(predicate: Callable[[], bool], what: str) -> None:
    with anyio.move_on_after(DEADLINE):
        while not predicate():  # noqa: ASYNC110 - the consumers' tasks change the state
            await anyio.sleep(0.01)
        return
    pytest.fail(f"gave up after {DEADLINE} s waiting for {what}")


def reader(url: str, consumer: str, **options: Any) -> RedisEventReader:
    options.setdefault("start", "0")
    options.setdefault("block", 0.2)
    return RedisEventReader(url, group=GROUP, consumer=consumer, **options)


async def consume(
    source: RedisEventReader,
    handled: Handled,
    *,
    hang_at: int | None = None,
    hung: anyio.Event | None = None,
    pause: float = 0.0,
) -> None:
    """Handle entries until cancelled; with `hang_at`, take that many-th entry (0-based) and
    never finish handling it (setting `hung`), like a consumer that dies mid-handling."""
    async with source:
        count = 0
        async for item in source:
            if count == hang_at:
                assert hung is not None
                hung.set()
                await anyio.sleep_forever()
            handled.append((source.consumer, item.id))
            count += 1
            await anyio.sleep(pause)


def assert_exactly_once(handled: Handled, ids: list[str]) -> None:
    counts = collections.Counter(entry_id for _, entry_id in handled)
    assert {k: n for k, n in counts.items() if n > 1} == {}
    assert sorted(counts) == sorted(ids)


@pytest.mark.anyio
async def test_typed_events_out_equal_the_events_in(redis_url: str, client: Any) -> None:
    events = sapi_events(60)
    ids = await write(client, events)
    got: list[StreamEntry] = []
    async with reader(redis_url, "c1", batch=25) as source:
        async for item in source:
            got.append(item)
            if len(got) == len(events):
                break
    assert [item.id for item in got] == ids
    assert [item.event for item in got] == events
    assert [item.source_id for item in got] == [entry(e, "sapi")["source_id"] for e in events]
    assert {type(item.event).__name__ for item in got} >= {"InteractionEvent"}
    assert (source.stats.read, source.stats.acked, source.stats.claimed) == (60, 60, 0)
    assert await pending(client) == 0  # leaving the block normally acked the last one


@pytest.mark.anyio
async def test_events_bridged_from_the_sandbox_come_out_as_its_ground_truth(
    sb: Sandbox, cc: ContactCenter, redis_url: str
) -> None:
    sb.streaming.pause()
    with anyio.fail_after(DEADLINE):
        async with (
            RedisBridge(redis_url, stream=STREAM) as bridge,
            reader(redis_url, "c1") as source,
            anyio.create_task_group() as group,
        ):
            group.start_soon(functools.partial(bridge.run_sapi, cc, "crm", max_events=40))
            await sb.streaming.wait_open("crm")
            sb.streaming.emit(40)
            got = [(await source.__anext__()).event for _ in range(40)]
    truth = [parse_frame(json.dumps(frame), xml=False) for frame in sb.truth.streaming("crm")]
    assert got == truth
    assert len(got) == 40


@pytest.mark.anyio
async def test_an_entry_is_acked_only_once_the_next_is_asked_for(
    redis_url: str, client: Any
) -> None:
    ids = await write(client, sapi_events(3))
    source = reader(redis_url, "c1")

    async def handle_one_then_fail_on_the_second() -> None:
        async with source:
            first = await source.__anext__()
            assert first.id == ids[0]
            assert await pending(client) == 3  # read ahead, none handled yet
            await source.__anext__()
            assert await pending(client) == 2
            assert source.stats.acked == 1
            with pytest.raises(ValueError, match="already open"):
                await source.__aenter__()
            raise KeyError("the caller fails handling the second entry")

    with pytest.raises(KeyError):
        await handle_one_then_fail_on_the_second()
    assert await pending(client) == 2  # the one in hand and the one read ahead


@pytest.mark.anyio
async def test_an_entry_taken_but_not_handled_by_a_dead_consumer_goes_to_another(
    redis_url: str, client: Any
) -> None:
    ids = await write(client, sapi_events(10))
    handled: Handled = []
    hung = anyio.Event()
    async with anyio.create_task_group() as group:
        victim = reader(redis_url, "victim", claim_idle=0.3)
        group.start_soon(lambda: consume(victim, handled, hang_at=4, hung=hung))
        with anyio.fail_after(DEADLINE):
            await hung.wait()
        group.cancel_scope.cancel()  # dies holding entry 4, with 5..9 read ahead
    assert [entry_id for _, entry_id in handled] == ids[:4]
    assert await pending(client) == 6

    async with anyio.create_task_group() as group:
        heir = reader(redis_url, "heir", claim_idle=0.3)
        group.start_soon(lambda: consume(heir, handled))
        await wait_until(lambda: len(handled) == 10, "the heir handles the rest")
        await anyio.sleep(0.3)
        group.cancel_scope.cancel()
    assert_exactly_once(handled, ids)
    assert [entry_id for name, entry_id in handled if name == "heir"] == ids[4:]
    assert heir.stats.claimed == 6
    assert await pending(client) == 0


@pytest.mark.anyio
async def test_three_consumers_share_the_stream_with_no_entry_handled_twice(
    redis_url: str, client: Any
) -> None:
    handled: Handled = []
    consumers = [reader(redis_url, f"c{n}", claim_idle=0.5, batch=5) for n in range(3)]
    async with anyio.create_task_group() as group:
        for consumer in consumers:
            group.start_soon(functools.partial(consume, consumer, handled, pause=0.002))
        await anyio.sleep(0.2)  # all three joined the group
        ids = []
        for _ in range(6):
            ids += await write(client, sapi_events(50))
            await anyio.sleep(0.05)
        await wait_until(lambda: len(handled) >= len(ids), "all entries handled")
        await anyio.sleep(0.7)  # past claim_idle: a live consumer's entries are not claimed
        group.cancel_scope.cancel()
    assert_exactly_once(handled, ids)
    shares = collections.Counter(name for name, _ in handled)
    assert set(shares) == {"c0", "c1", "c2"}
    assert [c.stats.claimed for c in consumers] == [0, 0, 0]
    assert await pending(client) == 0


@pytest.mark.anyio
async def test_a_slow_but_live_consumer_keeps_its_entries(redis_url: str, client: Any) -> None:
    """Handling a batch takes longer than claim_idle, each entry well under half of it: the
    entries held are kept fresh at each claim tick, so neither consumer takes the other's."""
    handled: Handled = []
    consumers = [reader(redis_url, f"c{n}", claim_idle=0.3, batch=10) for n in range(2)]
    async with anyio.create_task_group() as group:
        for consumer in consumers:
            group.start_soon(functools.partial(consume, consumer, handled, pause=0.04))
        await anyio.sleep(0.2)
        ids = await write(client, sapi_events(40))
        await wait_until(lambda: len(handled) >= len(ids), "all entries handled")
        await anyio.sleep(0.4)
        group.cancel_scope.cancel()
    assert_exactly_once(handled, ids)
    assert [c.stats.claimed for c in consumers] == [0, 0]


@pytest.mark.anyio
async def test_a_killed_consumer_s_pending_entries_are_claimed_and_all_handled_once(
    redis_url: str, client: Any
) -> None:
    handled: Handled = []
    hung = anyio.Event()
    victim_scope = anyio.CancelScope()
    victim = reader(redis_url, "victim", claim_idle=0.3, batch=10)
    survivors = [reader(redis_url, f"c{n}", claim_idle=0.3, batch=10) for n in range(2)]

    async def run_victim() -> None:
        with victim_scope:
            await consume(victim, handled, hang_at=3, hung=hung, pause=0.002)

    async with anyio.create_task_group() as group:
        group.start_soon(run_victim)
        for survivor in survivors:
            group.start_soon(functools.partial(consume, survivor, handled, pause=0.002))
        await anyio.sleep(0.2)
        ids = await write(client, sapi_events(100))
        with anyio.fail_after(DEADLINE):
            await hung.wait()
        victim_scope.cancel()  # killed mid-handling: no ack of what it holds
        ids += await write(client, sapi_events(100))
        await wait_until(lambda: len(handled) >= len(ids), "the survivors handle the rest")
        await anyio.sleep(0.3)
        group.cancel_scope.cancel()
    assert_exactly_once(handled, ids)
    assert sum(1 for name, _ in handled if name == "victim") == 3
    assert sum(s.stats.claimed for s in survivors) >= victim.stats.read - 3 > 0
    assert await pending(client) == 0


@pytest.mark.anyio
async def test_a_restarted_consumer_re_handles_its_own_unacked_entries(
    redis_url: str, client: Any
) -> None:
    ids = await write(client, sapi_events(20))
    handled: Handled = []
    hung = anyio.Event()
    async with anyio.create_task_group() as group:
        first = reader(redis_url, "c1")
        group.start_soon(lambda: consume(first, handled, hang_at=5, hung=hung))
        with anyio.fail_after(DEADLINE):
            await hung.wait()
        group.cancel_scope.cancel()
    assert len(handled) == 5

    again = reader(redis_url, "c1")  # same name, default claim_idle: nothing is claimed
    async with anyio.create_task_group() as group:
        group.start_soon(lambda: consume(again, handled))
        await wait_until(lambda: len(handled) == 20, "its own pending entries")
        ids += await write(client, sapi_events(5))
        await wait_until(lambda: len(handled) == 25, "then new ones")
        await anyio.sleep(0.2)
        group.cancel_scope.cancel()
    assert_exactly_once(handled, ids)
    assert [entry_id for _, entry_id in handled] == ids  # in order, none skipped
    assert (again.stats.read, again.stats.claimed) == (20, 0)


@pytest.mark.anyio
async def test_redis_restarted_under_a_reader_loses_nothing(
    redis_server: RedisServer, redis_url: str
) -> None:
    handled: Handled = []
    source = reader(redis_url, "c1", batch=10)
    async with redis_asyncio.Redis.from_url(redis_url, decode_responses=True) as writer:
        ids = await write(writer, sapi_events(60))
    async with anyio.create_task_group() as group:
        group.start_soon(lambda: consume(source, handled, pause=0.01))
        await wait_until(lambda: len(handled) >= 15, "a few handled")
        # Down mid-batch for longer than the reader goes without a command (an ack every
        # 10 ms, a read blocks 0.2 s): a restart quicker than that can pass unseen, as
        # redis-py reconnects an idle pooled connection on its own.
        await anyio.to_thread.run_sync(redis_server.stop)
        await anyio.sleep(0.3)
        await anyio.to_thread.run_sync(redis_server.start)
        async with redis_asyncio.Redis.from_url(redis_url, decode_responses=True) as writer:
            ids += await write(writer, sapi_events(20))
        await wait_until(lambda: len(handled) >= len(ids), "everything handled")
        await anyio.sleep(0.2)
        group.cancel_scope.cancel()
    assert_exactly_once(handled, ids)
    assert source.stats.reconnects >= 1
    async with redis_asyncio.Redis.from_url(redis_url, decode_responses=True) as check:
        assert await pending(check) == 0


@pytest.mark.anyio
@pytest.mark.parametrize("anyio_backend", ["trio"])
async def test_under_trio_the_reader_refuses_before_any_io() -> None:
    source = RedisEventReader("redis://127.0.0.1:1/0", group=GROUP, consumer="c1")
    with pytest.raises(ConfigurationError, match="the Redis reader runs on asyncio only"):
        async with source:
            pass


def test_without_redis_py_the_reader_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_reader, "HAVE_REDIS", False)
    with pytest.raises(ConfigurationError, match=r"eightbyeight-async\[redis\]"):
        RedisEventReader("redis://127.0.0.1:1/0", group=GROUP, consumer="c1")


@pytest.mark.parametrize(
    "options",
    [{"batch": 0}, {"claim_idle": 0}, {"block": -1}, {"start": "latest"}, {"group": ""}],
)
def test_bad_options_are_refused(options: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"group": GROUP, "consumer": "c1", **options}
    with pytest.raises(ValueError, match="must"):
        RedisEventReader("redis://127.0.0.1:1/0", **arguments)
