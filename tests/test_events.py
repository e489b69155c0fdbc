"""`cc.events` against the sandbox's Event Streaming: every event exactly once and in order
across reconnects of every kind, the ack window, checkpoints across a restart, auth errors,
slow consumers, cancellation, redeliveries, malformed frames and the Consumer API."""

from __future__ import annotations

import base64
import logging
import pathlib
import random
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import httpx
import pytest

from eightbyeight_async import (
    AuthenticationError,
    ContactCenter,
    FileCheckpointStore,
    PermissionDeniedError,
    ReconnectPolicy,
    TopicStream,
)
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.streaming import InteractionEvent, MalformedEvent, StreamEvent

pytestmark = pytest.mark.anyio

FAST = ReconnectPolicy(
    initial_delay=0.005, max_network_delay=0.02, max_http_delay=0.02, healthy_after=0.5
)
"""Reconnect at once: the sandbox is local and the faults are ours."""
PING, PONG = 0.2, 0.3


@pytest.fixture
async def cc(sb: Sandbox) -> AsyncIterator[ContactCenter]:
    sb.events.pause()
    async with sb.client() as client:
        yield client


async def _take(events: TopicStream, count: int) -> list[StreamEvent]:
    taken: list[StreamEvent] = []
    with anyio.fail_after(10):
        async for event in events:
            taken.append(event)
            if len(taken) == count:
                break
    return taken


async def test_a_reader_delivers_the_topic_in_order_as_typed_events(
    sb: Sandbox, cc: ContactCenter
) -> None:
    sb.events.emit(40)
    async with cc.events.subscribe(start="earliest") as events:
        taken = await _take(events, 40)
    log = sb.events.log()
    assert [e.message_id for e in taken] == [m.message_id for m in log]
    assert [e.raw for e in taken] == [m.payload for m in log]
    assert any(isinstance(e, InteractionEvent) and e.event_time is not None for e in taken)
    assert all(e.publish_time is not None for e in taken)
    assert events.stats.events == 40
    assert events.stats.acks >= 39  # the last is delivered, acknowledged only on asking again


async def test_start_latest_sees_only_what_is_published_after_connecting(
    sb: Sandbox, cc: ContactCenter
) -> None:
    sb.events.emit(5)
    async with cc.events.subscribe() as events:
        await sb.events.wait_open()
        sb.events.emit(3)
        taken = await _take(events, 3)
    assert [e.message_id for e in taken] == [m.message_id for m in sb.events.log()[5:]]


async def test_an_event_type_topic_and_an_agent_topic_carry_their_events(
    sb: Sandbox, cc: ContactCenter
) -> None:
    sb.events.emit(200)
    agent_id = sb.events.log("InteractionAccepted")[0].payload["Interaction"]["agentId"]
    typed = sb.events.log("InteractionAccepted")
    agents = sb.events.log(agent_id, namespace="agent-v1")
    async with cc.events.subscribe(event_type="InteractionAccepted", start="earliest") as events:
        taken = await _take(events, len(typed))
    assert [e.raw for e in taken] == [m.payload for m in typed]
    assert all(isinstance(e, InteractionEvent) and e.event == "InteractionAccepted" for e in taken)
    async with cc.events.subscribe(agent_id=agent_id, start="earliest") as events:
        taken = await _take(events, len(agents))
    assert [e.message_id for e in taken] == [m.message_id for m in agents]


def _disconnects(sb: Sandbox) -> list[Callable[[], bool]]:
    """Every way the sandbox can end a session; each says whether it hit one."""
    events = sb.events

    def idle() -> bool:
        hit = events.sessions() > 0
        events.advance(events.idle_timeout + 1)
        return hit

    def refused_reconnect() -> bool:
        events.reject(500, "broker unavailable")
        return events.drop() > 0

    closes = [lambda c=c: events.close(c) > 0 for c in (*range(1, 9), 1000, 1001, 1011)]
    return [
        *closes,
        lambda: events.drop() > 0,
        lambda: events.stall(0.5) > 0,
        idle,
        refused_reconnect,
    ]


async def test_a_hundred_forced_disconnects_deliver_every_event_exactly_once_in_order(
    sb: Sandbox, cc: ContactCenter
) -> None:
    rng = random.Random(7)
    disconnects = _disconnects(sb)
    delivered: list[str | None] = []
    forced = 0
    async with cc.events.subscribe(
        start="earliest",
        receiver_queue_size=25,
        reconnect=FAST,
        ping_interval=PING,
        ping_timeout=PONG,
    ) as events:
        with anyio.fail_after(120):
            while forced < 100:
                sb.events.emit(rng.randint(5, 40))
                target = len(sb.events.log()) - rng.randint(0, 20)
                while len(delivered) < target:
                    delivered.append((await events.__anext__()).message_id)
                await sb.events.wait_open()
                if rng.random() < 0.3:
                    sb.events.redeliver(rng.randint(1, 5))
                forced += disconnects[forced % len(disconnects)]()
            total = len(sb.events.log())
            while len(delivered) < total:
                delivered.append((await events.__anext__()).message_id)
            # the redeliveries above may all meet a disconnect first; one on a steady
            # connection is always seen, and dropped
            sb.events.emit(5)
            while len(delivered) < total + 5:
                delivered.append((await events.__anext__()).message_id)
            await sb.events.wait_open()
            assert sb.events.redeliver(3) > 0
            while events.stats.duplicates_dropped == 0:  # noqa: ASYNC110 - the reader's task
                await anyio.sleep(0.01)
    assert delivered == [m.message_id for m in sb.events.log()]
    assert events.stats.reconnects >= 90
    assert events.stats.duplicates_dropped > 0
    assert sb.events.max_unacked <= 25


async def test_a_restart_with_the_checkpoint_resumes_without_duplicates(
    sb: Sandbox, cc: ContactCenter, tmp_path: pathlib.Path
) -> None:
    store = FileCheckpointStore(tmp_path / "events.json")
    sb.events.emit(30)
    async with cc.events.subscribe(start="earliest", checkpoint=store) as events:
        first = await _take(events, 12)
    sb.events.emit(10)
    async with (
        sb.client() as restarted,
        restarted.events.subscribe(start="earliest", checkpoint=store) as events,
    ):
        rest = await _take(events, 28)
    ids = [e.message_id for e in first + rest]
    assert ids == [m.message_id for m in sb.events.log()]
    saved = store.load()
    assert saved is not None
    assert saved.last_message_id == ids[-1]


async def _first_event(cc: ContactCenter) -> StreamEvent:
    async with cc.events.subscribe(reconnect=FAST) as events:
        return (await _take(events, 1))[0]


def _counting_client(requests: list[httpx.Request]) -> httpx.AsyncClient:
    async def count(request: httpx.Request) -> None:
        requests.append(request)

    return httpx.AsyncClient(event_hooks={"request": [count]})


@pytest.mark.parametrize(
    ("setup", "error"),
    [
        (lambda sb: {"events_api_key": "eght_not-the-key"}, AuthenticationError),
        (lambda sb: {"tenant": "someone-else"}, AuthenticationError),
        (lambda sb: sb.events.deny("event-v1", "all") or {}, PermissionDeniedError),
    ],
)
async def test_401_and_403_stop_after_one_attempt(
    sb: Sandbox, setup: Callable[[Sandbox], dict[str, Any]], error: type[Exception]
) -> None:
    requests: list[httpx.Request] = []
    overrides = setup(sb)
    async with (
        _counting_client(requests) as http_client,
        sb.client(http_client=http_client, **overrides) as cc,
    ):
        with pytest.raises(error, match="refused the WebSocket upgrade") as raised:
            await _first_event(cc)
    assert len(requests) == 1
    assert sb.credentials.data_token not in str(raised.value)


async def test_500_upgrades_are_retried_and_then_the_stream_goes_on(
    sb: Sandbox, cc: ContactCenter
) -> None:
    sb.events.reject(500, "broker unavailable", times=3)
    sb.events.emit(4)
    async with cc.events.subscribe(start="earliest", reconnect=FAST) as events:
        taken = await _take(events, 4)
    assert len(taken) == 4
    assert events.stats.connects == 1


async def test_a_slow_consumer_keeps_memory_flat(sb: Sandbox, cc: ContactCenter) -> None:
    async with cc.events.subscribe(
        start="earliest", receiver_queue_size=50, ping_interval=PING, ping_timeout=PONG
    ) as events:
        sb.events.emit(1)
        await _take(events, 1)
        sb.events.emit(3000)
        await anyio.sleep(0.5)
        read_then = events.stats.bytes
        await anyio.sleep(0.5)  # pings go on; no frame beyond the window arrives
        assert events.stats.bytes == read_then
        assert sb.events.max_unacked <= 50
        taken = await _take(events, 3000)
    assert [e.message_id for e in taken] == [m.message_id for m in sb.events.log()[1:]]
    assert sb.events.max_unacked <= 50


async def test_cancelling_the_reader_leaves_nothing_running(sb: Sandbox, cc: ContactCenter) -> None:
    sb.events.resume()
    with anyio.move_on_after(0.5) as scope:
        async with cc.events.subscribe(ping_interval=PING, ping_timeout=PONG) as events:
            async for _ in events:
                pass
    assert scope.cancelled_caught
    await sb.events.wait_closed()
    assert sb.events.sessions() == 0


async def test_an_error_in_the_loop_body_comes_out_as_raised(
    sb: Sandbox, cc: ContactCenter
) -> None:
    async def fail_in_the_loop() -> None:
        async with cc.events.subscribe(start="earliest") as events:
            async for _ in events:
                raise KeyError("the caller's")

    sb.events.emit(2)
    with pytest.raises(KeyError, match="the caller's"):
        await fail_in_the_loop()
    await sb.events.wait_closed()


async def test_redeliveries_are_dropped_and_counted(sb: Sandbox, cc: ContactCenter) -> None:
    sb.events.emit(10)
    async with cc.events.subscribe(start="earliest") as events:
        first = await _take(events, 10)
        assert sb.events.redeliver(4) == 1
        sb.events.emit(1)
        (last,) = await _take(events, 1)
    assert last.message_id == sb.events.log()[-1].message_id
    assert len({e.message_id for e in [*first, last]}) == 11
    assert events.stats.duplicates_dropped == 4


async def test_malformed_payloads_are_delivered_acknowledged_and_checkpointed(
    sb: Sandbox, cc: ContactCenter
) -> None:
    sb.events.malformed(2, kind="payload")
    sb.events.emit(5)
    async with cc.events.subscribe(start="earliest") as events:
        taken = await _take(events, 5)
        assert sb.events.malformed(1, kind="frame") == 1
        sb.events.emit(1)
        more = await _take(events, 2)
    bad = [e for e in taken if isinstance(e, MalformedEvent)]
    assert len(bad) == 2
    assert all(e.message_id is not None for e in bad)
    assert [e.message_id for e in taken] == [m.message_id for m in sb.events.log()[:5]]
    assert isinstance(more[0], MalformedEvent)
    assert more[0].message_id is None  # a frame that is not JSON has no id to ack
    assert more[1].message_id == sb.events.log()[-1].message_id
    assert events.stats.malformed == 3


async def test_control_frames_are_counted_not_delivered(sb: Sandbox, cc: ContactCenter) -> None:
    async with cc.events.subscribe() as events:
        await sb.events.wait_open()
        assert sb.events.control_frame() == 1
        sb.events.emit(1)
        (event,) = await _take(events, 1)
    assert event.message_id == sb.events.log()[-1].message_id
    assert events.stats.control_frames == 1


async def test_a_message_id_is_url_encoded_when_resuming(sb: Sandbox, cc: ContactCenter) -> None:
    sb.events.emit(3000)  # ids with '+', '/' and '=' appear among them
    log = sb.events.log()
    start = next(m for m in log[:-1] if set("+/=") & set(m.message_id))
    after = log[log.index(start) + 1]
    async with cc.events.subscribe(start=start.message_id) as events:
        (event,) = await _take(events, 1)
    assert event.message_id == after.message_id
    assert base64.b64decode(start.message_id)


async def test_shared_consumers_split_a_topic_between_them(sb: Sandbox, cc: ContactCenter) -> None:
    seen: list[StreamEvent] = []
    done = anyio.Event()

    async def work(consumer: TopicStream) -> None:
        async for event in consumer:
            seen.append(event)
            if len(seen) == 20:
                done.set()

    async with (
        cc.events.consume(
            "workers", subscription_type="Shared", ping_interval=PING, ping_timeout=PONG
        ) as one,
        cc.events.consume(
            "workers", subscription_type="Shared", ping_interval=PING, ping_timeout=PONG
        ) as two,
        anyio.create_task_group() as workers,
    ):
        workers.start_soon(work, one)
        workers.start_soon(work, two)
        await sb.events.wait_open(2)
        sb.events.emit(20)
        with anyio.fail_after(10):
            await done.wait()
        workers.cancel_scope.cancel()
    assert sorted(e.message_id or "" for e in seen) == sorted(m.message_id for m in sb.events.log())
    assert one.stats.events > 0
    assert two.stats.events > 0


async def test_a_negatively_acknowledged_event_comes_back(sb: Sandbox, cc: ContactCenter) -> None:
    async with cc.events.consume("retry-me", ping_interval=PING, ping_timeout=PONG) as events:
        await sb.events.wait_open()
        sb.events.emit(1)
        (first,) = await _take(events, 1)
        await events.negative_acknowledge(first)
        (again,) = await _take(events, 1)
    assert again.message_id == first.message_id
    assert again.redelivery_count == 1


async def test_a_consumer_resumes_at_its_durable_cursor(sb: Sandbox, cc: ContactCenter) -> None:
    # Default pings: a pong late past PONG on a loaded machine reconnects, and the acks of the
    # connection that ended are dropped by design, so the cursor would not have moved.
    async with cc.events.consume("durable") as events:
        await sb.events.wait_open()
        sb.events.emit(6)
        first = await _take(events, 3)
    await sb.events.wait_closed()
    assert events.stats.reconnects == 0
    async with cc.events.consume("durable") as events:
        rest = await _take(events, 3)
    ids = [e.message_id for e in first + rest]
    assert ids == [m.message_id for m in sb.events.log()]


async def test_closing_a_consumer_waits_until_the_server_has_read_its_acks(
    sb: Sandbox, cc: ContactCenter, caplog: pytest.LogCaptureFixture
) -> None:
    """The close is a handshake: a socket closed with frames unread is reset, and a reset
    server drops what it had not read yet (the last acks). Even from a server that is not
    reading just then (stalled), the close waits for its answer, which follows the acks."""
    caplog.set_level(logging.INFO, logger="eightbyeight_async.events")
    async with cc.events.consume("durable") as events:
        await sb.events.wait_open()
        sb.events.emit(3)
        await _take(events, 3)
        sb.events.stall(0.1)
    assert events.stats.connected_since is None  # the session ended before the close did
    ended = [r.getMessage() for r in caplog.records if "disconnected after" in r.getMessage()]
    assert len(ended) == 1
    assert ended[0].endswith("normal closure")  # the server's answer to our close
    await sb.events.wait_closed()
    assert sb.events.acks == 3
    assert events.stats.reconnects == 0


async def test_events_work_whichever_transport_sends_the_requests(
    sb: Sandbox, transport: str
) -> None:
    sb.events.pause()
    sb.events.emit(5)
    async with (
        sb.client(transport=transport) as cc,
        cc.events.subscribe(start="earliest") as events,
    ):
        taken = await _take(events, 5)
    assert [e.message_id for e in taken] == [m.message_id for m in sb.events.log()]


@pytest.mark.parametrize(("ping_interval", "closed"), [(PING, False), (3600.0, True)])
async def test_pings_keep_a_quiet_session_from_the_idle_close(
    sb: Sandbox, cc: ContactCenter, ping_interval: float, closed: bool
) -> None:
    async with cc.events.subscribe(ping_interval=ping_interval, reconnect=FAST) as events:
        await sb.events.wait_open()
        for _ in range(2):  # 2 x 200 simulated seconds: past the 300 s idle timeout
            sb.events.advance(200)
            await anyio.sleep(4 * PING)
        sb.events.emit(1)
        await _take(events, 1)
    assert (events.stats.reconnects > 0) is closed
    assert ((1001, "Idle timeout") in sb.events.closes) is closed
