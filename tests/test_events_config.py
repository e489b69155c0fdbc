"""Event Streaming settings and arguments: hosts by region, credentials, topic arguments,
message ids and frames, all refused or resolved before any I/O."""

from __future__ import annotations

import base64
import json
from typing import Any

import pytest

from eightbyeight_async import (
    Checkpoint,
    ConfigurationError,
    ContactCenter,
    InvalidArgumentError,
    MemoryCheckpointStore,
)
from eightbyeight_async._streaming._topic_frames import read_frame
from eightbyeight_async._streaming._websocket import _close_frame_at_end
from eightbyeight_async.types.streaming import AgentStatusChange, MalformedEvent, MessageId


def _client(**settings: Any) -> ContactCenter:
    return ContactCenter(**{"tenant": "acme", "data_token": "d" * 16, **settings})


@pytest.mark.parametrize(
    ("platform", "host"),
    [
        ("na1", "wss://pulsar-ws-use1.8x8.com"),
        ("na16", "wss://pulsar-ws-use1.8x8.com"),
        ("sb1", "wss://pulsar-ws-use1.8x8.com"),
        ("na7", "wss://pulsar-ws-usw2.8x8.com"),
        ("na39", "wss://pulsar-ws-usw2.8x8.com"),
        ("eu4", "wss://pulsar-ws-euw2.8x8.com"),
        ("eu14", "wss://pulsar-ws-euw2.8x8.com"),
    ],
)
def test_the_host_follows_the_platform_as_published(platform: str, host: str) -> None:
    assert _client(platform=platform).events.url == host


def test_a_base_url_on_a_platform_host_finds_the_region_too() -> None:
    assert _client(base_url="https://vcc-na27.8x8.com").events.url == (
        "wss://pulsar-ws-usw2.8x8.com"
    )


@pytest.mark.parametrize("platform", ["na21", "eu2", "na40", "au1"])
def test_a_platform_without_a_deployment_names_the_regions(platform: str) -> None:
    cc = _client(platform=platform)
    with pytest.raises(ConfigurationError, match=r"no Event Streaming deployment.*UK3.*US1.*US2"):
        cc.events.subscribe()


def test_no_host_at_all_says_what_to_pass() -> None:
    with pytest.raises(ConfigurationError, match=r"platform=.*events_url="):
        _client(base_url="http://127.0.0.1:9").events.subscribe()


def test_events_url_overrides_the_region_and_may_carry_a_path() -> None:
    cc = _client(platform="na21", events_url="wss://events.example.com/prefix")
    assert cc.events.url == "wss://events.example.com/prefix"
    assert _client(events_url="ws://127.0.0.1:8080").events.url == "ws://127.0.0.1:8080"


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        ("ws://events.example.com", "wss://"),
        ("https://events.example.com", "ws:// or wss://"),
        ("wss://user:pw@events.example.com", "credentials"),
        ("wss://events.example.com/?x-api-key=k", "query"),
        ("not a url at all", "ws:// or wss://"),
    ],
)
def test_a_wrong_events_url_is_a_configuration_error(url: str, problem: str) -> None:
    with pytest.raises(ConfigurationError, match=problem):
        _client(events_url=url)


def test_from_env_reads_the_events_settings() -> None:
    cc = ContactCenter.from_env(
        {
            "EIGHTBYEIGHT_TENANT": "acme",
            "EIGHTBYEIGHT_EVENTS_API_KEY": "eght_abcdef",
            "EIGHTBYEIGHT_EVENTS_URL": "ws://127.0.0.1:1234",
        }
    )
    assert cc.events.url == "ws://127.0.0.1:1234"
    assert "eght_abcdef" not in repr(cc) + repr(cc.events)


def test_a_missing_credential_or_tenant_is_refused_before_any_io() -> None:
    with pytest.raises(ConfigurationError, match="events_api_key="):
        ContactCenter(tenant="acme", platform="na4").events.subscribe()
    with pytest.raises(ConfigurationError, match="tenant"):
        ContactCenter(data_token="d" * 16, platform="na4").events.subscribe()


def test_an_events_api_key_with_a_newline_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="control character"):
        _client(events_api_key="eght_abc\n")


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"topic": "all", "event_type": "InteractionCreated"}, "one of topic="),
        ({"agent_id": "bob smith"}, "agent_id must be"),
        ({"agent_id": ""}, "agent_id must be"),
        ({"event_type": "all"}, "event_type must be"),
        ({"event_type": "interaction created"}, "event_type must be"),
        ({"topic": 3}, "topic must be"),
        ({"start": "yesterday"}, "start must be"),
        ({"start": "CAE="}, "start must be"),
        ({"receiver_queue_size": 0}, "receiver_queue_size"),
        ({"receiver_queue_size": True}, "receiver_queue_size"),
        ({"checkpoint": "events.json"}, "checkpoint must be a store"),
        ({"ping_interval": 0}, "ping_interval"),
        ({"ping_timeout": float("nan")}, "ping_timeout"),
        ({"reader_name": ""}, "name"),
        ({"reconnect": {"max_attempts": 3}}, "ReconnectPolicy"),
    ],
)
def test_subscribe_refuses_wrong_arguments_before_any_io(
    arguments: dict[str, Any], problem: str
) -> None:
    cc = _client(platform="na4")
    with pytest.raises(InvalidArgumentError, match=problem):
        cc.events.subscribe(**arguments)


def test_consume_refuses_wrong_arguments_before_any_io() -> None:
    cc = _client(platform="na4")
    with pytest.raises(InvalidArgumentError, match="subscription_type must be one of"):
        cc.events.consume("workers", subscription_type="exclusive")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="subscription must be a name"):
        cc.events.consume(" ")


def test_a_checkpoint_of_another_topic_is_refused() -> None:
    cc = _client(platform="na4")
    store = MemoryCheckpointStore()
    store.save(Checkpoint(subscription_id="persistent://acme/event-v1/all"))
    cc.events.subscribe(checkpoint=store)  # the same topic: accepted
    with pytest.raises(ConfigurationError, match="belongs to"):
        cc.events.subscribe(event_type="InteractionCreated", checkpoint=store)


# --- message ids --------------------------------------------------------------------------


def _varint(value: int) -> bytes:
    value &= (1 << 64) - 1
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _message_id(
    ledger: int, entry: int, partition: int | None = None, batch: int | None = None
) -> str:
    data = b"\x08" + _varint(ledger) + b"\x10" + _varint(entry)
    if partition is not None:
        data += b"\x18" + _varint(partition)
    if batch is not None:
        data += b"\x20" + _varint(batch)
    return base64.b64encode(data).decode()


def test_the_documented_message_id_is_ledger_1_entry_1() -> None:
    position = MessageId.parse("CAEQAQ==")
    assert (position.ledger, position.entry, position.partition) == (1, 1, -1)


def test_message_ids_order_like_the_topic_and_tell_gaps_within_a_ledger() -> None:
    first = MessageId.parse(_message_id(300, 70_000, partition=-1))
    later = MessageId.parse(_message_id(300, 70_005, partition=-1))
    next_ledger = MessageId.parse(_message_id(301, 0, partition=-1))
    assert first < later < next_ledger
    assert later.follows(first) == 4
    assert MessageId.parse(_message_id(300, 70_001, partition=-1)).follows(first) == 0
    assert next_ledger.follows(later) is None  # across ledgers a gap cannot be told
    assert MessageId.parse(_message_id(5, 1, batch=2)) > MessageId.parse(_message_id(5, 1, batch=1))


@pytest.mark.parametrize(
    "text",
    ["", "not base64!", base64.b64encode(b"\x08").decode(), base64.b64encode(b"\x08\x01").decode()],
)
def test_an_unreadable_message_id_is_a_clear_value_error(text: str) -> None:
    with pytest.raises(ValueError, match="message id"):
        MessageId.parse(text)


# --- frames --------------------------------------------------------------------------------


def _frame(payload: Any, **envelope: Any) -> str:
    body = (
        payload
        if isinstance(payload, str)
        else base64.b64encode(json.dumps(payload).encode()).decode()
    )
    return json.dumps({"messageId": "CAEQAQ==", "payload": body, "properties": {}, **envelope})


STATUS = {"AgentStatusChange": {"agentId": "ag1", "newState": 3, "msgInfo": {}}}


def test_a_frame_becomes_its_event_carrying_the_message() -> None:
    frame = read_frame(
        _frame(STATUS, publishTime="2026-06-12T10:00:00.123Z", redeliveryCount=2, key="ag1")
    )
    event = frame.event
    assert isinstance(event, AgentStatusChange)
    assert frame.message_id == event.message_id == "CAEQAQ=="
    assert event.redelivery_count == 2
    assert event.publish_time is not None
    assert event.publish_time.microsecond == 123_000
    assert event.publish_time.utcoffset() is not None
    assert event.message is not None
    assert event.message.key == "ag1"
    assert event.raw == STATUS


def test_unknown_envelope_fields_and_values_of_the_wrong_type_are_kept() -> None:
    event = read_frame(
        _frame(STATUS, publishTime="soon", redeliveryCount="3", schemaVersion="AAAA")
    ).event
    assert event is not None
    assert event.message is not None
    assert event.redelivery_count == 3
    assert event.message.extra == {
        "publishTime": "soon",
        "redeliveryCount": "3",
        "schemaVersion": "AAAA",
    }


@pytest.mark.parametrize(
    "text", ['{"type": "isEndOfTopic"}', '{"endOfTopic": false}', '{"result": "ok"}']
)
def test_control_frames_are_not_events(text: str) -> None:
    frame = read_frame(text)
    assert frame.event is None
    assert frame.message_id is None


@pytest.mark.parametrize(
    ("text", "reason", "acknowledged"),
    [
        ("not json", "not JSON", False),
        ("[1, 2]", "JSON object", False),
        ('{"payload": "e30="}', "no messageId", False),
        (_frame("%%%not base64"), "not base64", True),
        (_frame(base64.b64encode(b"{cut").decode()), "not valid JSON", True),
    ],
)
def test_unreadable_frames_are_kept_as_malformed_events(
    text: str, reason: str, acknowledged: bool
) -> None:
    frame = read_frame(text)
    assert isinstance(frame.event, MalformedEvent)
    assert reason in frame.event.reason
    assert (frame.message_id is not None) is acknowledged
    assert (frame.event.message_id is not None) is acknowledged


def test_a_close_code_outside_the_rfc_range_is_recovered_from_the_bytes() -> None:
    tail = b"\x81\x05hello" + b"\x88\x0b\x00\x03bad frame"
    recovered = _close_frame_at_end(tail)
    assert recovered is not None
    assert (recovered.code, recovered.reason) == (3, "bad frame")
    assert "deserialize" in recovered.meaning
    assert not recovered.clean
    assert _close_frame_at_end(b"\x81\x05hello") is None
