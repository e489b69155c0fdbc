"""The SAPI reader against the sandbox: exactly-once delivery across every kind of
disconnect, backlog expiry, the client limit, auth, checkpoints and cancellation."""

from __future__ import annotations

import contextlib
import pathlib
from collections.abc import Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest
from counting_transport import CountingTransport

from eightbyeight_async import (
    InvalidArgumentError,
    PermissionDeniedError,
    TooManyClientsError,
)
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.streaming import (
    BacklogExpired,
    EventStream,
    FileCheckpointStore,
    Heartbeat,
    MalformedEvent,
    MemoryCheckpointStore,
    OutputType,
    ReconnectPolicy,
    StreamEvent,
)

pytestmark = pytest.mark.anyio

FAST = ReconnectPolicy(
    initial_delay=0.005,
    max_network_delay=0.02,
    max_http_delay=0.02,
    healthy_after=0.5,
    stall_timeout=0.3,
    too_many_clients="raise",
)


@pytest.fixture
def sb() -> Iterator[Sandbox]:
    with Sandbox(seed=3, sapi_time_scale=600.0) as sandbox:
        sandbox.streaming.rate = 300
        yield sandbox


def key(event: StreamEvent | dict[str, Any]) -> tuple[str | None, int | None]:
    """(instance id, sequence id) of a delivered event or of a ground-truth log entry."""
    if isinstance(event, dict):
        ((_, payload),) = event.items()
        info = payload["msgInfo"]
        return info["instanceId"], info["sequenceId"]
    return event.msg_info.instance_id, event.msg_info.sequence_id


async def take(events: EventStream, count: int) -> list[StreamEvent]:
    taken = []
    async for event in events:
        taken.append(event)
        if len(taken) == count:
            break
    return taken


async def drain_to(sb: Sandbox, events: EventStream, seen: list[StreamEvent], sub: str) -> None:
    """Stop generation and read until everything the subscription is owed has arrived."""
    sb.streaming.pause()
    owed = len(sb.streaming.log(sub))
    with anyio.fail_after(20):
        while len([e for e in seen if e.msg_info.sequence_id is not None]) < owed:
            seen.append(await events.__anext__())


@pytest.mark.parametrize(
    ("output", "atmosphere"),
    [
        ("NEWLINE_JSON", True),
        ("NEWLINE_JSON", False),
        ("JSON", True),
        ("XML", False),
        ("NEWLINE_XML", True),
    ],
)
async def test_events_arrive_as_generated(
    sb: Sandbox, output: OutputType, atmosphere: bool
) -> None:
    sb.streaming.atmosphere = atmosphere
    async with (
        sb.client() as cc,
        cc.streaming.subscribe("crm", output=output, reconnect=FAST) as events,
    ):
        seen = await take(events, 40)
        await drain_to(sb, events, seen, "crm")
    assert [key(e) for e in seen] == [key(e) for e in sb.streaming.log("crm")]
    assert events.stats.duplicates_dropped == 0


async def until_hit(
    control: Callable[[], int], events: EventStream, seen: list[StreamEvent]
) -> None:
    """Apply a sandbox control once it hits an open stream, reading events meanwhile."""
    with anyio.fail_after(20):
        while control() == 0:
            seen.append(await events.__anext__())


async def test_a_hundred_disconnects_lose_and_repeat_nothing(sb: Sandbox) -> None:
    seen: list[StreamEvent] = []
    streaming = sb.streaming

    def fail_with_503() -> int:
        hit = streaming.drop()
        if hit:
            sb.faults.status("/api/streaming/*", 503, count=1)
        return hit

    controls: list[Callable[[], int]] = [
        streaming.drop,
        streaming.end_session,
        fail_with_503,
        lambda: streaming.stall(1.0),
    ]
    async with sb.client() as cc, cc.streaming.subscribe("crm", reconnect=FAST) as events:
        for round_ in range(100):
            seen += await take(events, 3)
            kind = round_ % 4
            if kind == 3 and round_ % 20 != 3:  # stalls cost the stall timeout: only a few
                kind = 0
            await until_hit(controls[kind], events, seen)
        await drain_to(sb, events, seen, "crm")
    expected = [key(e) for e in sb.streaming.log("crm")]
    assert [key(e) for e in seen] == expected, "every event exactly once, in order"
    assert events.stats.reconnects >= 90
    assert events.stats.duplicates_dropped > 0, "the server replays; the reader must drop"
    assert events.stats.gaps == 0


async def test_an_outage_beyond_two_hours_is_reported(sb: Sandbox) -> None:
    store = MemoryCheckpointStore()
    async with sb.client() as cc:
        async with cc.streaming.subscribe("crm", checkpoint=store, reconnect=FAST) as events:
            await take(events, 5)
        with anyio.fail_after(5):
            await sb.streaming.wait_closed("crm")
        sb.streaming.emit(3)  # owed to the subscription, never delivered
        sb.streaming.advance(3 * 3600)  # the subscription expires on the server
        async with cc.streaming.subscribe(checkpoint=store, reconnect=FAST) as events:
            first = await events.__anext__()
    assert isinstance(first, BacklogExpired)
    assert first.subscription_id == "crm"
    assert events.stats.backlog_expired == 1
    assert sb.streaming.lost("crm"), "the sandbox confirms events were lost"


async def test_a_fourth_client_gets_its_own_error(sb: Sandbox) -> None:
    clients = [sb.client() for _ in range(4)]
    async with contextlib.AsyncExitStack() as stack:
        for cc in clients[:3]:
            await stack.enter_async_context(cc)
            events = await stack.enter_async_context(
                cc.streaming.subscribe(f"s{id(cc)}", reconnect=FAST)
            )
            await events.__anext__()
        async with clients[3] as fourth, fourth.streaming.subscribe("s4", reconnect=FAST) as events:
            with pytest.raises(TooManyClientsError, match="three"):
                await events.__anext__()


async def test_a_bad_token_stops_after_one_attempt(sb: Sandbox) -> None:
    async with (
        sb.client(data_token="wrong") as cc,
        cc.streaming.subscribe("crm", reconnect=FAST) as events,
    ):
        with pytest.raises(PermissionDeniedError):
            await events.__anext__()
    attempts = sum(n for path, n in sb.faults.requests.items() if "/api/streaming/" in path)
    assert attempts == 1


async def test_a_restart_resumes_from_the_checkpoint_without_duplicates(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    store = FileCheckpointStore(tmp_path / "sapi.json")
    sb.streaming.replay_overlap = 100  # replay covers whatever was sent but not yet delivered
    async with sb.client() as cc:
        async with cc.streaming.subscribe("crm", checkpoint=store, reconnect=FAST) as events:
            first = await take(events, 10)
        async with cc.streaming.subscribe(
            checkpoint=store, reconnect=FAST
        ) as events:  # a new process
            second = await take(events, 10)
    assert events.subscription_id == "crm"
    sequence = [e.msg_info.sequence_id or 0 for e in first + second]
    assert sequence == sorted(set(sequence)), "no event twice, none out of order"
    assert sequence[10] == sequence[9] + 1, "the restart resumes right after the last delivered"


async def test_cancel_closes_the_connection_and_leaves_nothing_running(sb: Sandbox) -> None:
    transport = CountingTransport()
    async with httpx.AsyncClient(transport=transport) as http, sb.client(http_client=http) as cc:
        with anyio.move_on_after(0.3):
            async with cc.streaming.subscribe("crm", reconnect=FAST) as events:
                async for _ in events:
                    pass
        assert transport.in_flight == 0
    with anyio.fail_after(5):
        while sb.streaming.connections():  # noqa: ASYNC110 - the server's own thread closes it
            await anyio.sleep(0.01)


async def test_heartbeats_are_silent_unless_asked_for(sb: Sandbox) -> None:
    sb.streaming.pause()
    async with (
        sb.client() as cc,
        cc.streaming.subscribe("crm", heartbeats=True, reconnect=FAST) as events,
    ):
        with anyio.fail_after(5):
            event = await events.__anext__()
    assert isinstance(event, Heartbeat)
    assert events.stats.heartbeats >= 1


async def test_a_malformed_frame_is_delivered_as_such_and_the_stream_goes_on(sb: Sandbox) -> None:
    async with sb.client() as cc, cc.streaming.subscribe("crm", reconnect=FAST) as events:
        await take(events, 2)
        sb.streaming.malformed(1)
        with anyio.fail_after(5):
            while not isinstance(event := await events.__anext__(), MalformedEvent):
                pass
        after = await events.__anext__()
    assert event.reason
    assert not isinstance(after, MalformedEvent)
    assert events.stats.malformed == 1


async def test_a_slow_consumer_slows_the_reading(sb: Sandbox) -> None:
    sb.streaming.rate = 2000
    async with sb.client() as cc, cc.streaming.subscribe("crm", reconnect=FAST) as events:
        async for _ in events:
            await anyio.sleep(0.01)
            if events.stats.events == 30:
                break
        read = events.stats.bytes
    assert read < 30 * 2000 + 256 * 1024, "reading must not run ahead of the consumer"


async def test_subscription_id_is_required_and_checkpoints_must_match(sb: Sandbox) -> None:
    async with sb.client() as cc:
        with pytest.raises(InvalidArgumentError, match="subscription_id"):
            async with cc.streaming.subscribe():
                pass
        store = MemoryCheckpointStore()
        async with cc.streaming.subscribe("a", checkpoint=store, reconnect=FAST) as events:
            await take(events, 1)
        with pytest.raises(Exception, match="belongs to subscription 'a'"):
            async with cc.streaming.subscribe("b", checkpoint=store):
                pass
