"""The SAPI reader against the sandbox: exactly-once delivery across every kind of
disconnect, backlog expiry, the client limit, auth, checkpoints and cancellation; and against
scripted connections (exact bytes, in memory) for corrupt and cut-off streams, replays of
events without msgInfo, and argument checks."""

from __future__ import annotations

import contextlib
import json
import pathlib
import random
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import anyio
import httpx
import pytest
from counting_transport import CountingTransport

from eightbyeight_async import (
    ConfigurationError,
    ContactCenter,
    EventStream,
    FileCheckpointStore,
    InvalidArgumentError,
    MemoryCheckpointStore,
    PermissionDeniedError,
    ReconnectPolicy,
    StreamStats,
    TooManyClientsError,
)
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.streaming import (
    AgentProvChange,
    BacklogExpired,
    Heartbeat,
    MalformedEvent,
    OutputType,
    StreamEvent,
    UnknownEvent,
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


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 3, "sapi_time_scale": 600.0}


@pytest.fixture
def sb(sb: Sandbox) -> Iterator[Sandbox]:
    """The module's sandbox (reset after each test) generating 300 events per second; the
    test's streams are closed before the next test (the 3-client limit is per tenant)."""
    sb.streaming.rate = 300
    yield sb
    sb.streaming.end_session()
    deadline = time.monotonic() + 10  # a hang guard, not a timing
    while sb.streaming.connections() and time.monotonic() < deadline:
        time.sleep(0.005)


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
    owed = len(sb.truth.streaming(sub))
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
    assert [key(e) for e in seen] == [key(e) for e in sb.truth.streaming("crm")]
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
    expected = [key(e) for e in sb.truth.streaming("crm")]
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
    # A subscription of its own: "crm" carries the backlog other tests of this module left,
    # which the server writes at once, past what the replay below re-sends.
    subscription_id = tmp_path.name
    sb.streaming.replay_overlap = 100  # replay covers whatever was sent but not yet delivered
    async with sb.client() as cc:
        async with cc.streaming.subscribe(
            subscription_id, checkpoint=store, reconnect=FAST
        ) as events:
            first = await take(events, 10)
        async with cc.streaming.subscribe(
            checkpoint=store, reconnect=FAST
        ) as events:  # a new process
            second = await take(events, 10)
    assert events.subscription_id == subscription_id
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


@pytest.mark.parametrize(
    ("output", "atmosphere"),
    [("NEWLINE_JSON", True), ("JSON", False), ("XML", False), ("NEWLINE_XML", False)],
)
async def test_a_malformed_frame_is_delivered_as_such_and_the_stream_goes_on(
    sb: Sandbox, output: OutputType, atmosphere: bool
) -> None:
    sb.streaming.atmosphere = atmosphere  # without length prefixes only resync finds the end
    seen: list[StreamEvent] = []
    async with (
        sb.client() as cc,
        cc.streaming.subscribe("crm", output=output, reconnect=FAST) as events,
    ):
        seen += await take(events, 2)
        await until_hit(lambda: sb.streaming.malformed(1), events, seen)
        with anyio.fail_after(5):
            while not any(isinstance(e, MalformedEvent) for e in seen):
                seen.append(await events.__anext__())
        await drain_to(sb, events, seen, "crm")
    malformed = [e for e in seen if isinstance(e, MalformedEvent)]
    assert len(malformed) == 1
    assert malformed[0].reason
    delivered = [key(e) for e in seen if not isinstance(e, MalformedEvent)]
    assert delivered == [key(e) for e in sb.truth.streaming("crm")], "no event after it is lost"
    assert events.stats.malformed == 1


async def test_a_slow_consumer_slows_the_reading(sb: Sandbox) -> None:
    sb.streaming.pause()  # a fixed backlog instead of a rate: what is there to read is known

    async def flood() -> None:
        with anyio.fail_after(10):  # a hang guard, not a timing
            while not sb.streaming.connections("crm"):  # noqa: ASYNC110 - the server's thread
                await anyio.sleep(0.005)
        sb.streaming.emit(5000)  # megabytes waiting on the socket

    async with (
        sb.client() as cc,
        cc.streaming.subscribe("crm", reconnect=FAST) as events,
        anyio.create_task_group() as tg,
    ):
        tg.start_soon(flood)
        async for _ in events:
            await anyio.sleep(0.01)  # a slow consumer: time for any read-ahead to show
            if events.stats.events == 30:
                break
        read = events.stats.bytes
    assert len(json.dumps(sb.truth.streaming("crm"))) > 1024 * 1024
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


# --- scripted connections: exact bytes, served in memory by an httpx MockTransport ---------


@contextlib.asynccontextmanager
async def scripted(*bodies: str) -> AsyncIterator[ContactCenter]:
    """A client whose SAPI connections return `bodies` in turn, then empty bodies."""
    remaining = iter(bodies)

    def respond(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=next(remaining, "").encode())

    async with (
        httpx.AsyncClient(transport=httpx.MockTransport(respond)) as http,
        ContactCenter(
            tenant="acme", base_url="http://127.0.0.1:9", data_token="token-1", http_client=http
        ) as cc,
    ):
        yield cc


def status(sequence: int) -> str:
    info = {"instanceId": "i", "sequenceId": sequence, "timestamp": 1700000000000 + sequence}
    return json.dumps({"AgentStatusChange": {"agentId": "a", "newState": 2, "msgInfo": info}})


def change(old: str, new: str) -> str:
    """A provisioning change without msgInfo (as in the documentation's samples)."""
    item = {
        "provisioningItemKey": "phoneUri",
        "provisioningItemOldValue": old,
        "provisioningItemNewValue": new,
    }
    items = {"provisioningItem": item}
    return json.dumps({"AgentProvChange": {"agentId": "122", "provisioningItems": items}})


END = json.dumps({"End": {}})
"""The last event a script sends: read until it, so a test sees everything before it."""


async def read_script(
    *bodies: str, output: OutputType = "NEWLINE_JSON"
) -> tuple[list[StreamEvent], StreamStats]:
    """The events of the scripted connections up to END, and the reader's counters."""
    seen: list[StreamEvent] = []
    async with (
        scripted(*bodies) as cc,
        cc.streaming.subscribe("s", output=output, reconnect=FAST) as events,
    ):
        with anyio.fail_after(10):
            async for event in events:
                if isinstance(event, UnknownEvent) and event.name == "End":
                    break
                seen.append(event)
    return seen, events.stats


def labels(seen: list[StreamEvent]) -> list[int | str | None]:
    """Sequence ids, with "malformed" for each MalformedEvent."""
    return ["malformed" if isinstance(e, MalformedEvent) else e.msg_info.sequence_id for e in seen]


def lines(*events: str) -> str:
    return "".join(f"{event}\n" for event in events)


async def test_events_before_corrupt_bytes_are_delivered_and_the_rest_as_malformed() -> None:
    seen, stats = await read_script(
        f"{status(1)}{status(2)}]{status(3)}", f"{status(4)}{END}", output="JSON"
    )
    assert labels(seen) == [1, 2, "malformed", 4]
    assert isinstance(seen[2], MalformedEvent)
    assert seen[2].text == f"]{status(3)}", "what could not be framed is shown, not dropped"
    assert stats.reconnects >= 1


async def test_a_malformed_json_event_does_not_hide_the_next_ones() -> None:
    cut = status(2)[: status(2).index(', "msgInfo"')] + ","
    seen, stats = await read_script(status(1) + cut + status(3) + status(4) + END, output="JSON")
    assert labels(seen) == [1, "malformed", 3, 4]
    assert stats.malformed == 1


async def test_the_last_line_of_a_session_without_its_newline_is_delivered() -> None:
    seen, stats = await read_script(f"{status(1)}\n{status(2)}", lines(status(3), END))
    assert labels(seen) == [1, 2, 3]
    assert stats.gaps == 0


async def test_a_session_ending_inside_an_event_delivers_it_as_malformed() -> None:
    seen, _ = await read_script(f"{status(1)}\n{status(2)[:30]}", lines(status(3), END))
    assert labels(seen) == [1, "malformed", 3]
    assert isinstance(seen[1], MalformedEvent)
    assert seen[1].text == status(2)[:30]
    assert "ended inside" in seen[1].reason


def changes(seen: list[StreamEvent]) -> list[tuple[str | None, str | None]]:
    assert all(isinstance(e, AgentProvChange) for e in seen)
    return [
        (e.items[0].old_value, e.items[0].new_value) for e in seen if isinstance(e, AgentProvChange)
    ]


async def test_a_change_repeated_without_msg_info_is_delivered_each_time() -> None:
    seen, stats = await read_script(
        lines(change("A", "B"), change("B", "A"), change("A", "B"), END)
    )
    assert changes(seen) == [("A", "B"), ("B", "A"), ("A", "B")]
    assert stats.duplicates_dropped == 0


async def test_without_msg_info_only_the_replay_right_after_a_reconnect_is_dropped() -> None:
    first = [change("A", "B"), change("B", "C")]
    replay_then_new = [*first, change("C", "A"), change("A", "B"), END]
    seen, stats = await read_script(lines(*first), lines(*replay_then_new))
    assert changes(seen) == [("A", "B"), ("B", "C"), ("C", "A"), ("A", "B")]
    assert stats.duplicates_dropped == 2


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"subscription_id": 123}, "subscription_id must be a str"),
        ({"subscription_id": b"crm"}, "subscription_id must be a str"),
        ({"output": None}, "output must be one of"),
        ({"checkpoint": "sapi.json"}, "FileCheckpointStore"),
        ({"heartbeats": "yes"}, "heartbeats"),
        ({"reconnect": {"stall_timeout": 1.0}}, "ReconnectPolicy"),
        ({"max_frame_chars": "4096"}, "max_frame_chars must be an int"),
        ({"max_frame_chars": 0}, "max_frame_chars must be an int >= 65536"),
        ({"max_frame_chars": True}, "max_frame_chars"),
        ({"hash_window": "x"}, "hash_window must be an int"),
        ({"hash_window": -1}, "hash_window must be an int >= 0"),
    ],
)
async def test_subscribe_refuses_arguments_of_the_wrong_form(
    arguments: dict[str, Any], match: str
) -> None:
    async with scripted() as cc:
        with pytest.raises(InvalidArgumentError, match=match):
            async with cc.streaming.subscribe(**{"subscription_id": "s", **arguments}):
                pass


@pytest.mark.parametrize(
    "field",
    [
        "initial_delay",
        "max_network_delay",
        "max_http_delay",
        "healthy_after",
        "stall_timeout",
        "too_many_clients_delay",
    ],
)
@pytest.mark.parametrize("value", ["1", True, None, float("nan"), float("inf"), -1.0])
def test_a_reconnect_delay_must_be_a_finite_number_of_seconds(field: str, value: Any) -> None:
    with pytest.raises(ConfigurationError, match=f"{field} must be a finite number"):
        ReconnectPolicy(**{field: value})


@pytest.mark.parametrize(
    ("arguments", "match"),
    [
        ({"initial_delay": 0}, "initial_delay must be .* > 0"),
        ({"stall_timeout": 0.0}, "stall_timeout must be .* > 0"),
        ({"max_attempts": 0}, "max_attempts must be None .* or an int >= 1"),
        ({"max_attempts": True}, "max_attempts"),
        ({"max_attempts": 2.5}, "max_attempts"),
        ({"too_many_clients": "retry"}, "'wait' or 'raise'"),
    ],
)
def test_reconnect_policy_refuses_values_that_cannot_work(
    arguments: dict[str, Any], match: str
) -> None:
    with pytest.raises(ConfigurationError, match=match):  # a settings object, like RetryPolicy
        ReconnectPolicy(**arguments)


def test_the_backoff_stays_capped_after_thousands_of_failures() -> None:
    assert 0 <= ReconnectPolicy().delay(5000, 30.0, random.Random(1)) <= 30.0


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b'{"subscription_id": "s", "last_sequence": {"i": Infinity}}', id="inf"),
        pytest.param(b'{"subscription_id": "s", "last_timestamp_ms": -Infinity}', id="-inf"),
        pytest.param(b'{"subscription_id": "s", "last_timestamp_ms": 1e300}', id="huge"),
        pytest.param(b'{"subscription_id": 7}', id="not-a-name"),
        pytest.param(b"[" * 100_000, id="deep"),
        pytest.param(b"\xff\xfe\x00garbage", id="not-utf-8"),
    ],
)
async def test_a_corrupt_checkpoint_file_is_a_configuration_error_naming_it(
    content: bytes, tmp_path: pathlib.Path
) -> None:
    path = tmp_path / "sapi.json"
    path.write_bytes(content)
    async with scripted() as cc:
        with pytest.raises(ConfigurationError, match=r"sapi\.json is corrupt.*delete it"):
            async with cc.streaming.subscribe("s", checkpoint=FileCheckpointStore(path)):
                pass
