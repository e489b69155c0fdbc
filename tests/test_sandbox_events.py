"""The sandbox's Event Streaming (Pulsar's WebSocket API) over real WebSockets: the contract
the SDK's client relies on.

Driven with raw httpx-ws sessions, plain HTTP upgrade requests (to read a refusal's status
and body) and, for Pulsar's close codes 1-8 that wsproto-based clients refuse to parse, a
hand-rolled WebSocket over a TCP socket: the server is checked independently of the SDK.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import re
import struct
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import urlencode

import anyio
import anyio.to_thread
import httpx
import pytest
from httpx_ws import (
    AsyncWebSocketSession,
    WebSocketDisconnect,
    WebSocketNetworkError,
    aconnect_ws,
)

from eightbyeight_async.sandbox import PublishedMessage, Sandbox
from eightbyeight_async.sandbox.events._catalog import EVENT_TYPES, event_type

pytestmark = pytest.mark.anyio

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")
BOOLEAN_FIELDS = ("recordingEnabled", "onHold", "muted", "resumed", "enabled")


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 0}


@pytest.fixture
def events(sb: Sandbox) -> Sandbox:
    """`sb` with the background generator paused: events come from `emit` only."""
    sb.events.pause()
    return sb


# --- helpers ------------------------------------------------------------------------------------


def reader(sb: Sandbox, topic: str = "all", namespace: str = "event-v1", **query: Any) -> str:
    return _url(sb, f"/ws/v2/reader/persistent/{sb.tenant_name}/{namespace}/{topic}", query)


def consumer(sb: Sandbox, subscription: str, topic: str = "all", **query: Any) -> str:
    path = f"/ws/v2/consumer/persistent/{sb.tenant_name}/event-v1/{topic}/{subscription}"
    return _url(sb, path, query)


def _url(sb: Sandbox, path: str, query: dict[str, Any]) -> str:
    return f"http://127.0.0.1:{sb.port}{path}" + (f"?{urlencode(query)}" if query else "")


@contextlib.asynccontextmanager
async def connect(
    sb: Sandbox, url: str, key: str | None = None
) -> AsyncIterator[AsyncWebSocketSession]:
    headers = {"X-API-Key": key or sb.credentials.events_api_key}
    async with (
        httpx.AsyncClient() as client,
        aconnect_ws(
            url,
            client,
            headers=headers,
            keepalive_ping_interval_seconds=None,
            session_class=AsyncWebSocketSession,
        ) as ws,
    ):
        yield ws


async def upgrade(url: str, headers: dict[str, str] | None = None) -> httpx.Response:
    """A plain HTTP upgrade request: a refusal's status and body are readable."""
    handshake = {
        "Connection": "Upgrade",
        "Upgrade": "websocket",
        "Sec-WebSocket-Version": "13",
        "Sec-WebSocket-Key": base64.b64encode(os.urandom(16)).decode(),
    }
    headers = {**handshake, **(headers or {})}
    async with (
        httpx.AsyncClient() as client,
        client.stream("GET", url, headers=headers) as response,
    ):
        if response.status_code != 101:
            await response.aread()
        return response


async def frame(ws: AsyncWebSocketSession) -> dict[str, Any]:
    with anyio.fail_after(3):
        result: dict[str, Any] = json.loads(await ws.receive_text())
    return result


async def frames(ws: AsyncWebSocketSession, count: int) -> list[dict[str, Any]]:
    return [await frame(ws) for _ in range(count)]


async def nothing_within(ws: AsyncWebSocketSession, seconds: float) -> bool:
    with anyio.move_on_after(seconds):
        await ws.receive_text()
        return False
    return True


def payload_of(message: dict[str, Any]) -> Any:
    return json.loads(base64.b64decode(message["payload"]))


def ids(messages: list[PublishedMessage]) -> list[str]:
    return [m.message_id for m in messages]


def varints(data: bytes) -> dict[int, int]:
    """Decode protobuf varint fields (tag byte -> value), independently of the server."""
    fields, index = {}, 0
    while index < len(data):
        tag, index = data[index], index + 1
        value = shift = 0
        while True:
            byte, index = data[index], index + 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                break
        fields[tag] = value
    return fields


async def raw_close_code(sb: Sandbox, url: str, send_text: str | None, action: Any) -> int:
    """Open a WebSocket by hand, optionally send a text frame, run `action`, and return the
    code of the server's close frame (read as bytes: no library rejects codes 1-8 here)."""
    path = url.split(str(sb.port), 1)[1]
    stream = await anyio.connect_tcp("127.0.0.1", sb.port)
    async with stream:
        request = (
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{sb.port}\r\nUpgrade: websocket\r\n"
            f"Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
            f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}\r\n"
            f"X-API-Key: {sb.credentials.events_api_key}\r\n\r\n"
        )
        await stream.send(request.encode())
        buffer = b""
        with anyio.fail_after(3):
            while b"\r\n\r\n" not in buffer:
                buffer += await stream.receive()
            head, _, buffer = buffer.partition(b"\r\n\r\n")
            assert b" 101 " in head.split(b"\r\n")[0]
            await sb.events.wait_open()
            if send_text is not None:
                data, mask = send_text.encode(), os.urandom(4)
                masked = bytes(b ^ mask[i % 4] for i, b in enumerate(data))
                await stream.send(bytes([0x81, 0x80 | len(data)]) + mask + masked)
            action()
            while True:
                while len(buffer) < 2 or len(buffer) < 2 + (buffer[1] & 0x7F):
                    buffer += await stream.receive()
                opcode, length = buffer[0] & 0x0F, buffer[1] & 0x7F
                assert length < 126, "frames here are short"
                payload, buffer = buffer[2 : 2 + length], buffer[2 + length :]
                if opcode == 0x8:
                    code: int = struct.unpack("!H", payload[:2])[0]
                    return code


# --- upgrades -----------------------------------------------------------------------------------


async def test_upgrades_check_the_key_the_tenant_and_the_topic(events: Sandbox) -> None:
    sb, key = events, events.credentials.events_api_key
    assert key.startswith("eght_")
    assert key not in repr(sb.credentials)
    assert (await upgrade(reader(sb))).status_code == 401
    assert (await upgrade(reader(sb), {"X-API-Key": "eght_wrong"})).status_code == 401
    other = reader(sb).replace(f"/{sb.tenant_name}/", "/another-tenant/")
    assert (await upgrade(other, {"X-API-Key": key})).status_code == 401
    unknown = await upgrade(reader(sb, "NoSuchEvent"), {"X-API-Key": key})
    assert unknown.status_code == 500
    assert "NoSuchEvent" in unknown.text
    assert (
        await upgrade(reader(sb, "x", namespace="other-v1"), {"X-API-Key": key})
    ).status_code == 500
    assert (
        await upgrade(reader(sb, "nobody", namespace="agent-v1"), {"X-API-Key": key})
    ).status_code == 500
    for size in ("abc", "0"):
        bad = await upgrade(reader(sb, receiverQueueSize=size), {"X-API-Key": key})
        assert bad.status_code == 500
        assert "receiverQueueSize" in bad.text

    sb.events.deny("event-v1", "InteractionCreated")
    denied = await upgrade(reader(sb, "InteractionCreated"), {"X-API-Key": key})
    assert denied.status_code == 403
    assert denied.text
    sb.events.allow("event-v1", "InteractionCreated")
    async with connect(sb, reader(sb, "InteractionCreated")):
        await sb.events.wait_open()
    agent = sb.tenant.agents[0]["agent-id"]
    async with httpx.AsyncClient() as client:  # the key as a query parameter, the data token
        url = reader(sb, agent, namespace="agent-v1", **{"x-api-key": sb.credentials.data_token})
        async with aconnect_ws(url, client, keepalive_ping_interval_seconds=None):
            await sb.events.wait_open()
    assert sb.events.connections_total == 2


async def test_reject_answers_the_next_upgrades_with_a_status(events: Sandbox) -> None:
    sb = events
    sb.events.reject(503, "busy", times=2)
    headers = {"X-API-Key": sb.credentials.events_api_key}
    for _ in range(2):
        response = await upgrade(reader(sb), headers)
        assert (response.status_code, response.text) == (503, "busy")
    assert (await upgrade(reader(sb), headers)).status_code == 101


# --- frames, ids, resume ------------------------------------------------------------------------


async def test_frames_carry_a_protobuf_id_a_base64_payload_and_iso_times(events: Sandbox) -> None:
    sb = events
    sb.events.emit(3)
    log = sb.events.log()
    async with connect(sb, reader(sb, messageId="earliest")) as ws:
        received = await frames(ws, 3)
    for message, published in zip(received, log, strict=False):
        assert {"messageId", "payload", "properties", "publishTime", "redeliveryCount"} <= set(
            message
        )
        assert message["messageId"] == published.message_id
        fields = varints(base64.b64decode(message["messageId"]))
        assert fields == {0x08: published.entry[0], 0x10: published.entry[1]}
        assert payload_of(message) == published.payload
        assert base64.b64decode(message["payload"]).decode() == published.payload_text
        assert ISO.match(message["publishTime"])
        assert message["properties"] == {}
        assert message["redeliveryCount"] == 0
        assert message.get("key") == published.key
        assert message.get("eventTime") is None or ISO.match(message["eventTime"])
    assert [m.entry[1] for m in log] == [0, 1, 2]


async def test_ledgers_roll_over_and_each_topic_counts_its_own_entries(events: Sandbox) -> None:
    sb = events
    sb.events.ledger_size = 3
    sb.events.emit(7)
    entries = [m.entry for m in sb.events.log()]
    assert [entry for _, entry in entries] == [0, 1, 2, 0, 1, 2, 0]
    ledgers = [ledger for ledger, _ in entries]
    assert ledgers[0] == ledgers[2] < ledgers[3] == ledgers[5] < ledgers[6]
    first = sb.events.log(event_type(sb.events.log()[0].payload))[0]
    assert first.entry[1] == 0
    assert first.entry[0] != ledgers[0]


async def test_resume_is_exclusive_and_earliest_latest_follow_retention(events: Sandbox) -> None:
    sb = events
    sb.events.emit(10)
    published = ids(sb.events.log())
    async with connect(sb, reader(sb, messageId=published[3])) as ws:
        assert (await frame(ws))["messageId"] == published[4]
    async with connect(sb, reader(sb, messageId="latest")) as ws:
        await sb.events.wait_open()
        assert await nothing_within(ws, 0.1)
        sb.events.emit(1)
        assert (await frame(ws))["messageId"] == ids(sb.events.log())[-1]
    sb.events.retention = 5
    assert ids(sb.events.log()) == ids(sb.events.log())[-5:]
    assert len(sb.events.log()) == 5
    oldest = ids(sb.events.log())[0]
    assert oldest == published[6]
    async with connect(sb, reader(sb, messageId="earliest")) as ws:
        assert (await frame(ws))["messageId"] == oldest
    async with connect(sb, reader(sb, messageId=published[1])) as ws:  # older than retention
        assert (await frame(ws))["messageId"] == oldest


async def test_the_window_caps_unacknowledged_messages(events: Sandbox) -> None:
    sb = events
    async with connect(sb, reader(sb, receiverQueueSize=5)) as ws:
        await sb.events.wait_open()
        sb.events.emit(9)
        received = await frames(ws, 5)
        assert await nothing_within(ws, 0.2)
        assert sb.events.max_unacked == 5
        for message in received[:2]:
            await ws.send_text(json.dumps({"messageId": message["messageId"]}))
        assert len(await frames(ws, 2)) == 2
        assert await nothing_within(ws, 0.1)
        await ws.send_text(json.dumps({"type": "isEndOfTopic"}))  # a request, not an ack
        assert await frame(ws) == {"endOfTopic": False}
        assert await nothing_within(ws, 0.1)
    assert sb.events.max_unacked == 5
    assert sb.events.acks == 2


async def test_a_frame_that_is_not_json_closes_with_code_3(events: Sandbox) -> None:
    sb = events
    code = await raw_close_code(sb, reader(sb), "not json", lambda: None)
    assert code == 3
    assert sb.events.closes == [(3, "Failed to deserialize from JSON")]


async def test_close_sends_any_code_pulsar_ones_included(events: Sandbox) -> None:
    sb = events
    assert await raw_close_code(sb, reader(sb), None, lambda: sb.events.close(6, "no")) == 6
    async with connect(sb, reader(sb)) as ws:
        await sb.events.wait_open()
        assert sb.events.close(4000, "bye") == 1
        with pytest.raises(WebSocketDisconnect) as closed:
            await ws.receive_text()
    assert (closed.value.code, closed.value.reason) == (4000, "bye")


async def test_an_idle_session_closes_with_1001_once_the_clock_jumps(events: Sandbox) -> None:
    sb = events
    async with connect(sb, reader(sb)) as ws:
        await sb.events.wait_open()
        sb.events.advance(270)  # the clock also runs: 60 simulated seconds per real second
        assert await nothing_within(ws, 0.05)
        sb.events.advance(31)
        with pytest.raises(WebSocketDisconnect) as closed, anyio.fail_after(3):
            await ws.receive_text()
    assert (closed.value.code, closed.value.reason) == (1001, "Idle timeout")


async def test_a_client_ping_counts_as_activity(events: Sandbox) -> None:
    sb = events
    async with connect(sb, reader(sb)) as ws:
        await sb.events.wait_open()
        sb.events.advance(250)
        with anyio.fail_after(3):
            await (await ws.ping()).wait()  # answered, and seen by the idle check
        sb.events.advance(100)  # 350 s since the upgrade, 100 since the ping
        assert await nothing_within(ws, 0.1)
        assert sb.events.sessions() == 1
        sb.events.advance(300)
        with pytest.raises(WebSocketDisconnect) as closed, anyio.fail_after(3):
            await ws.receive_text()
    assert closed.value.code == 1001


async def test_the_sandbox_stops_promptly_with_sessions_open(
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    sb = sandbox_factory(seed=1)
    sb.events.pause()
    async with connect(sb, reader(sb)) as ws:
        await sb.events.wait_open()
        with anyio.fail_after(5):
            await anyio.to_thread.run_sync(sb.stop)
        with pytest.raises((WebSocketDisconnect, WebSocketNetworkError)), anyio.fail_after(3):
            await ws.receive_text()  # paused: nothing but the end comes


# --- content ------------------------------------------------------------------------------------


async def test_topics_fan_out_consistently(events: Sandbox) -> None:
    sb = events
    sb.events.emit(120)
    everything = sb.events.log()
    assert len(everything) == 120
    for name in EVENT_TYPES:
        expected = [m.payload for m in everything if event_type(m.payload) == name]
        assert [m.payload for m in sb.events.log(name)] == expected
    agent = sb.tenant.agents[0]["agent-id"]
    mine = [m.payload for m in everything if next(iter(m.payload.values())).get("agentId") == agent]
    assert mine
    assert [m.payload for m in sb.events.log(agent, "agent-v1")] == mine
    agent_log = sb.events.log(agent, "agent-v1")
    async with connect(sb, reader(sb, agent, "agent-v1", messageId="earliest")) as ws:
        received = await frames(ws, len(agent_log))
    assert [m["messageId"] for m in received] == ids(agent_log)
    assert [payload_of(m) for m in received] == mine


async def test_400_events_show_every_type_and_every_drift(events: Sandbox) -> None:
    sb = events
    sb.events.emit(400)
    payloads = [m.payload for m in sb.events.log()]
    assert {event_type(p) for p in payloads} == set(EVENT_TYPES)
    assert len(EVENT_TYPES) == 31
    bodies = [next(iter(p.values())) for p in payloads]
    assert all(body["msgInfo"] == {} for body in bodies)
    flags = [b[f] for b in bodies for f in BOOLEAN_FIELDS if f in b]
    assert {type(v) for v in flags} == {bool, str}
    assert {v for v in flags if isinstance(v, str)} == {
        "true",
        "false",
    }
    channels = {type(b["inboundChannelid"]) for b in bodies if "inboundChannelid" in b}
    assert channels == {int, str}
    assert "N/A" in {b.get("inboundChannelid") for b in bodies}
    assert {b["dispositionCode"] for b in bodies if "dispositionCode" in b} == {1000, "SALE"}
    agents = [b["participatingAgents"] for b in bodies if "participatingAgents" in b]
    assert any("," in a for a in agents)
    assert any(";" in a for a in agents)
    values = {
        type(d["attachedDataValue"])
        for b in bodies
        for d in b.get("attachedData", {}).get("attachedDatum", [])
    }
    assert {int, str, bool} <= values
    interactions = [b for p, b in zip(payloads, bodies, strict=False) if "Interaction" in p]
    only_new_ts = [b for b in interactions if "eventTS" not in b]
    assert len(only_new_ts) > len(interactions) / 2
    assert all(isinstance(b["interactionEventTS"], int) for b in interactions)
    assert all(0 <= b["queueTime"] < 86_400 for b in interactions)


async def test_the_content_is_the_same_world_as_sapi_and_deterministic(events: Sandbox) -> None:
    sb = events
    sb.events.emit(50)
    first = [m.payload_text for m in sb.events.log()]
    sapi = sb.streaming.emit(20)
    created = [e["Interaction"]["interactionGUID"] for e in sapi if "Interaction" in e]
    guids = {
        next(iter(p.values())).get("interactionGUID") for p in (m.payload for m in sb.events.log())
    }
    assert created
    assert set(created[:2]) <= guids
    sb.reset()
    sb.events.pause()
    sb.events.emit(50)
    assert [m.payload_text for m in sb.events.log()] == first


# --- consumers ----------------------------------------------------------------------------------


async def test_consumer_acks_nacks_and_redelivers_across_sessions(events: Sandbox) -> None:
    sb = events
    async with connect(sb, consumer(sb, "s1")) as ws:
        await sb.events.wait_open()
        sb.events.emit(3)
        first = await frames(ws, 3)
        assert [m["redeliveryCount"] for m in first] == [0, 0, 0]
        nack = {"type": "negativeAcknowledge", "messageId": first[0]["messageId"]}
        await ws.send_text(json.dumps(nack))
        again = await frame(ws)
        assert (again["messageId"], again["redeliveryCount"]) == (first[0]["messageId"], 1)
        for message in (again, first[1]):
            await ws.send_text(json.dumps({"messageId": message["messageId"]}))
    await sb.events.wait_closed()
    sb.events.emit(2)  # while no consumer is connected: the durable cursor keeps them
    published = ids(sb.events.log())
    async with connect(sb, consumer(sb, "s1")) as ws:
        received = await frames(ws, 3)
    assert [(m["messageId"], m["redeliveryCount"]) for m in received] == [
        (published[2], 1),  # unacknowledged when the first session ended
        (published[3], 0),
        (published[4], 0),
    ]
    async with connect(sb, consumer(sb, "fresh")) as ws:  # a new subscription: latest
        assert await nothing_within(ws, 0.1)


async def test_an_exclusive_subscription_refuses_a_second_consumer(events: Sandbox) -> None:
    sb = events
    async with connect(sb, consumer(sb, "only")):
        await sb.events.wait_open()
        second = await upgrade(consumer(sb, "only"), {"X-API-Key": sb.credentials.events_api_key})
        assert second.status_code == 500
        assert "Exclusive consumer" in second.text
    await sb.events.wait_closed()


async def test_shared_consumers_take_turns(events: Sandbox) -> None:
    sb = events
    url = consumer(sb, "pool", subscriptionType="Shared")
    async with connect(sb, url) as one, connect(sb, url) as two:
        await sb.events.wait_open(2)
        assert sb.events.sessions("consumer") == 2
        sb.events.emit(6)
        got_one, got_two = await frames(one, 3), await frames(two, 3)
        assert await nothing_within(one, 0.05)
        assert await nothing_within(two, 0.05)
    published = ids(sb.events.log())
    assert [m["messageId"] for m in got_one] == published[0::2]
    assert [m["messageId"] for m in got_two] == published[1::2]


async def test_failover_sends_to_one_consumer_then_the_next(events: Sandbox) -> None:
    sb = events
    url = consumer(sb, "fo", subscriptionType="Failover")
    async with connect(sb, url) as standby:
        async with connect(sb, url) as active:
            await sb.events.wait_open(2)
            sb.events.emit(2)
            received = await frames(standby, 2)  # the first connected is active
            assert await nothing_within(active, 0.05)
            del received
        await sb.events.wait_open(1)
        sb.events.emit(1)
        assert (await frame(standby))["messageId"] == ids(sb.events.log())[-1]


# --- faults -------------------------------------------------------------------------------------


async def test_drop_aborts_without_a_close_frame(events: Sandbox) -> None:
    sb = events
    async with connect(sb, reader(sb)) as ws:
        await sb.events.wait_open()
        assert sb.events.drop() == 1
        with pytest.raises(WebSocketNetworkError), anyio.fail_after(3):
            await ws.receive_text()
    await sb.events.wait_closed()
    assert sb.events.closes == []
    assert sb.events.drop() == 0


async def test_stall_sends_nothing_and_answers_no_ping(events: Sandbox) -> None:
    sb = events
    async with connect(sb, reader(sb)) as ws:
        await sb.events.wait_open()
        assert sb.events.stall(0.6) == 1
        await anyio.sleep(0.05)
        sb.events.emit(1)
        pong = await ws.ping()
        assert await nothing_within(ws, 0.3)
        assert not pong.is_set()
        assert (await frame(ws))["messageId"] == ids(sb.events.log())[0]
        with anyio.fail_after(2):
            await pong.wait()


async def test_redeliver_and_malformed_frames_and_payloads(events: Sandbox) -> None:
    sb = events
    async with connect(sb, reader(sb)) as ws:
        await sb.events.wait_open()
        sb.events.emit(2)
        sent = await frames(ws, 2)
        assert sb.events.redeliver(1) == 1
        again = await frame(ws)
        assert (again["messageId"], again["redeliveryCount"]) == (sent[1]["messageId"], 1)

        assert sb.events.malformed(1, kind="frame") == 1
        sb.events.emit(1)
        with anyio.fail_after(3):
            broken = await ws.receive_text()
        with pytest.raises(json.JSONDecodeError):
            json.loads(broken)
        assert (await frame(ws))["messageId"] == ids(sb.events.log())[2]

        assert sb.events.malformed(1) == 1
        sb.events.emit(2)
        bad, good = await frames(ws, 2)
        with pytest.raises(json.JSONDecodeError):
            payload_of(bad)
        message = sb.events.log()[3]
        assert base64.b64decode(bad["payload"]).decode() == message.payload_text
        assert isinstance(message.payload, dict)
        assert payload_of(good) == sb.events.log()[4].payload

        assert sb.events.control_frame() == 1
        assert await frame(ws) == {"type": "keepalive"}


async def test_reset_closes_sessions_and_forgets_everything(events: Sandbox) -> None:
    sb = events
    sb.events.emit(5)
    before = ids(sb.events.log())
    sb.events.deny("event-v1", "all")
    sb.events.allow("event-v1", "all")
    async with connect(sb, reader(sb, receiverQueueSize=2, messageId="earliest")) as ws:
        await frames(ws, 2)
        sb.events.retention = 3
        sb.reset()
        with pytest.raises(WebSocketDisconnect) as closed, anyio.fail_after(3):
            await ws.receive_text()  # the window (2) is full: nothing but the close comes
    assert closed.value.code == 1000
    await sb.events.wait_closed()
    assert sb.events.log() == []
    assert sb.events.max_unacked == 0
    assert sb.events.acks == 0
    assert sb.events.connections_total == 0
    assert sb.events.closes == []
    assert not sb.events.paused
    assert sb.events.retention == 10_000
    sb.events.pause()
    sb.events.emit(5)
    assert ids(sb.events.log()) == before
