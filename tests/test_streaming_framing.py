"""SAPI framing and event parsing, pure: any chunking of a recorded stream yields the same
events as one-shot parsing, for every output type with and without Atmosphere framing."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eightbyeight_async import FramingError
from eightbyeight_async._streaming._events import parse_frame
from eightbyeight_async._streaming._framing import HEARTBEAT, Framer
from eightbyeight_async.types.streaming import (
    AgentProvChange,
    AgentStatusChange,
    Heartbeat,
    InteractionEvent,
    MalformedEvent,
    OutputType,
    UnknownEvent,
)

MSG = {"instanceId": "sbx-1-sapi-v1", "timestamp": 1669230226093}
EVENTS: list[dict[str, Any]] = [
    {
        "AgentStatusChange": {
            "agentId": "ag64Zoë",
            "msgInfo": {**MSG, "sequenceId": 70},
            "newReasonCodeUser": "801=1722",
            "newState": 5,
            "newSubState": "none",
            "newSubStateReason": "none",
            "statusEventTS": 1669235544,
        }
    },
    {
        "Interaction": {
            "event": "InteractionCreated",
            "direction": "in",
            "eventTS": 1381573170,
            "inboundChannelid": 4070001,
            "interactionGUID": "int-dev6ctl-09c05006-phone-00iQ1D",
            "mediaType": "phone",
            "msgInfo": {**MSG, "sequenceId": 71},
            "queueId": "dev6ctl~~queue~~phone~~102",
            "queueTime": 1381573170,
            "transactionNum": 1,
            "attachedData": {
                "attachedDatum": [
                    {"attachedDataKey": "tenantSkillName", "attachedDataValue": "Sales & Ré"},
                    {"attachedDataKey": "ani", "attachedDataValue": 14155550100},
                ]
            },
        }
    },
    {
        "AgentProvChange": {
            "agentId": "122",
            "event": "AgentSkillChanged",
            "msgInfo": {**MSG, "sequenceId": 72},
            "numberofChangesThisTime": 1,
            "provisioningItems": {
                "provisioningItem": {
                    "provisioningItemKey": "phoneUri",
                    "provisioningItemNewValue": "+17034443909",
                    "provisioningItemOldValue": "17034443910",
                }
            },
        }
    },
    {"ClientCheck": {"heartbeat": "[HEARTBEAT]", "msgInfo": MSG, "subscription-id": "s"}},
    {"QueueChange": {"queueId": "7", "msgInfo": {**MSG, "sequenceId": 73}, "note": "日本語"}},
]


def to_xml(value: Any, name: str) -> str:
    """One-line XML of a JSON-form value (lists as repeated elements)."""
    if isinstance(value, dict):
        inner = "".join(
            "".join(to_xml(item, key) for item in v) if isinstance(v, list) else to_xml(v, key)
            for key, v in value.items()
        )
        return f"<{name}>{inner}</{name}>"
    text = str(value).replace("&", "&amp;").replace("<", "&lt;")
    return f"<{name}>{text}</{name}>"


def render(output: OutputType, atmosphere: bool) -> bytes:
    """A recorded stream: the events (with heartbeats) in one output type and framing."""
    parts = []
    if atmosphere:
        parts.append(" " * 2048 + "\n")
        parts.append("5b2c1a8e-7d3f-4e21-9c0a-1f2e3d4c5b6a|60000|XXXXXXXXXX|")
    for index, event in enumerate(EVENTS):
        ((name, payload),) = event.items()
        if output.endswith("XML"):
            text = "<?xml version='1.0'  encoding='UTF-8' ?>" + to_xml(payload, name)
        else:
            text = json.dumps(event, ensure_ascii=False)
        if output.startswith("NEWLINE"):
            text += "\n"
        parts.append(f"{len(text)}|{text}" if atmosphere else text)
        if atmosphere and index % 2 == 0:
            parts.append(HEARTBEAT)
    return "".join(parts).encode()


VARIANTS = [
    (output, atmosphere)
    for output in ("NEWLINE_JSON", "JSON", "NEWLINE_XML", "XML")
    for atmosphere in (False, True)
]


def frames_of(stream: bytes, output: OutputType, cuts: list[int]) -> list[str]:
    framer = Framer(output)
    frames: list[str] = []
    previous = 0
    for cut in [*sorted(set(cuts)), len(stream)]:
        frames += framer.feed(stream[previous:cut])
        previous = cut
    return frames + framer.close()


@pytest.mark.parametrize(("output", "atmosphere"), VARIANTS)
def test_one_shot_parsing_yields_every_event(output: OutputType, atmosphere: bool) -> None:
    frames = [f for f in frames_of(render(output, atmosphere), output, []) if f != HEARTBEAT]
    events = [parse_frame(f, xml=output.endswith("XML")) for f in frames]
    assert [type(e) for e in events] == [
        AgentStatusChange,
        InteractionEvent,
        AgentProvChange,
        Heartbeat,
        UnknownEvent,
    ]
    assert [e.msg_info.sequence_id for e in events] == [70, 71, 72, None, 73]


@settings(max_examples=60, deadline=None)
@given(
    variant=st.sampled_from(VARIANTS),
    cuts=st.lists(st.integers(min_value=0, max_value=6000), max_size=40),
)
def test_any_chunking_yields_the_same_frames(
    variant: tuple[OutputType, bool], cuts: list[int]
) -> None:
    output, atmosphere = variant
    stream = render(output, atmosphere)
    cuts = [c for c in cuts if c < len(stream)]
    assert frames_of(stream, output, cuts) == frames_of(stream, output, [])


@pytest.mark.parametrize(("output", "atmosphere"), VARIANTS)
def test_byte_by_byte_splits_inside_utf8_characters(output: OutputType, atmosphere: bool) -> None:
    stream = render(output, atmosphere)
    assert "é".encode() in stream or "日".encode() in stream
    assert frames_of(stream, output, list(range(len(stream)))) == frames_of(stream, output, [])


def test_heartbeats_and_handshake_are_read() -> None:
    framer = Framer("NEWLINE_JSON")
    frames = framer.feed(render("NEWLINE_JSON", True)) + framer.close()
    assert frames.count(HEARTBEAT) == 3
    assert framer.heartbeat_ms == 60000
    assert framer.tracking_id == "5b2c1a8e-7d3f-4e21-9c0a-1f2e3d4c5b6a"


def test_only_newline_splits_lines() -> None:
    event = {"X1": {"text": "a\u2028b\u0085c", "msgInfo": MSG}}
    framer = Framer("NEWLINE_JSON")
    frames = framer.feed(json.dumps(event, ensure_ascii=False).encode() + b"\n")
    assert len(frames) == 1
    assert parse_frame(frames[0], xml=False).raw == event


@pytest.mark.parametrize("output", ["NEWLINE_JSON", "JSON", "XML"])
def test_a_runaway_frame_is_an_error_not_unbounded_memory(output: OutputType) -> None:
    framer = Framer(output, max_frame_chars=1000)
    opening = b'{"A": "' if "JSON" in output else b"<A>"
    framer.feed(opening)
    for _ in range(9):
        framer.feed(b"x" * 100)  # still within the limit
    with pytest.raises(FramingError, match="1000 characters"):
        framer.feed(b"x" * 100)


@pytest.mark.parametrize("output", ["NEWLINE_JSON", "JSON", "XML"])
def test_a_stream_ending_inside_a_frame_is_an_error_that_keeps_the_text(
    output: OutputType,
) -> None:
    stream = render(output, False)
    framer = Framer(output)
    framer.feed(stream[:-7])
    with pytest.raises(FramingError, match="ended inside") as caught:
        framer.close()
    assert caught.value.rest
    assert stream[:-7].decode(errors="replace").endswith(caught.value.rest)


@pytest.mark.parametrize(
    ("output", "stream", "junk"),
    [
        ("JSON", "{EVENT}{EVENT}]{EVENT}", "]{EVENT}"),
        ("JSON", "10|{BRIEF}10|{BRIEF}12345678901x|", "12345678901x|"),
        ("NEWLINE_XML", "<A/><A/>?", "?"),
    ],
)
def test_a_framing_error_carries_the_frames_completed_before_it(
    output: OutputType, stream: str, junk: str
) -> None:
    event = json.dumps(EVENTS[0])
    values = {"EVENT": event, "BRIEF": '{"A": {}} '}
    with pytest.raises(FramingError) as caught:
        Framer(output).feed(stream.format(**values).encode())
    assert len(caught.value.frames) == 2
    assert caught.value.rest == junk.format(**values)


DECLARATION = "<?xml version='1.0'  encoding='UTF-8' ?>"
SAME_ROOT = {"AgentStatusChange": {**EVENTS[0]["AgentStatusChange"], "agentId": "other"}}


def cut_short(event: dict[str, Any], xml: bool) -> str:
    """`event` cut off after its first field, as a server that drops its end would send it."""
    ((name, payload),) = event.items()
    first, value = next(iter(payload.items()))
    if xml:
        return f"{DECLARATION}<{name}>{to_xml(value, first)}"
    return json.dumps({name: {first: value}})[:-2] + ","


def with_malformed(output: OutputType) -> tuple[bytes, list[str]]:
    """A stream with events cut short, each followed by one of the same kind or another."""
    events = [EVENTS[0], "bad", SAME_ROOT, EVENTS[1], "bad", "bad", EVENTS[2], EVENTS[4]]
    texts = []
    for event in events:
        source = EVENTS[0] if event == "bad" else event
        assert isinstance(source, dict)
        ((name, payload),) = source.items()
        if event == "bad":
            texts.append(cut_short(source, output == "XML"))
        elif output == "XML":
            texts.append(DECLARATION + to_xml(payload, name))
        else:
            texts.append(json.dumps(source))
    return "".join(texts).encode(), [t for t, e in zip(texts, events, strict=True) if e != "bad"]


@pytest.mark.parametrize("output", ["JSON", "XML"])
@settings(max_examples=30, deadline=None)
@given(cuts=st.lists(st.integers(min_value=0, max_value=3000), max_size=30))
def test_a_malformed_event_ends_where_the_next_one_begins(
    output: OutputType, cuts: list[int]
) -> None:
    stream, good = with_malformed(output)
    frames = frames_of(stream, output, [c for c in cuts if c < len(stream)])
    events = [parse_frame(frame, xml=output == "XML") for frame in frames]
    assert [type(e).__name__ for e in events] == [
        "AgentStatusChange",
        "MalformedEvent",
        "AgentStatusChange",
        "InteractionEvent",
        "MalformedEvent",
        "MalformedEvent",
        "AgentProvChange",
        "UnknownEvent",
    ]
    assert [
        f for f, e in zip(frames, events, strict=True) if not isinstance(e, MalformedEvent)
    ] == good


def test_an_unclosed_xml_event_without_declaration_ends_at_the_next_of_its_kind() -> None:
    ((name, payload),) = SAME_ROOT.items()
    bad = cut_short(EVENTS[0], xml=True).removeprefix(DECLARATION)
    good = to_xml(payload, name)
    frames = frames_of(f"{bad}{good}".encode(), "XML", [])
    assert frames == [bad, good]


def test_an_object_nested_in_a_malformed_one_is_not_taken_for_an_event() -> None:
    bad = '{"AgentStatusChange": {"extra": {"Key": 1}, "newState": nope, "x": {"Y": 2}}}'
    good = json.dumps(EVENTS[0])
    frames = frames_of((bad + good).encode(), "JSON", [])
    assert frames == [bad, good]


def test_a_malformed_object_waits_for_the_next_event_to_know_its_end() -> None:
    framer = Framer("JSON")
    assert framer.feed(b'{"AgentStatusChange": {"newState": nope, "more": "data..."') == []
    good = json.dumps(EVENTS[0])
    assert framer.feed(good[:30].encode()) == []
    frames = framer.feed(good[30:].encode())
    assert [type(parse_frame(f, xml=False)) for f in frames] == [MalformedEvent, AgentStatusChange]


def test_invalid_utf8_is_an_error() -> None:
    with pytest.raises(FramingError, match="UTF-8"):
        Framer("NEWLINE_JSON").feed(b'{"a": "\xff\xfe"}\n')


def test_unknown_output_type_is_refused() -> None:
    with pytest.raises(ValueError, match="NEWLINE_JSON"):
        Framer("CSV")  # type: ignore[arg-type]


def test_typed_fields_of_each_event() -> None:
    status = parse_frame(json.dumps(EVENTS[0]), xml=False)
    assert isinstance(status, AgentStatusChange)
    assert status.agent_id == "ag64Zoë"
    assert status.new_state == 5
    assert status.status_event_time == dt.datetime(2022, 11, 23, 20, 32, 24, tzinfo=dt.timezone.utc)
    assert status.msg_info.timestamp == dt.datetime(
        2022, 11, 23, 19, 3, 46, 93000, tzinfo=dt.timezone.utc
    )
    interaction = parse_frame(json.dumps(EVENTS[1]), xml=False)
    assert isinstance(interaction, InteractionEvent)
    assert interaction.attached_data == {"tenantSkillName": "Sales & Ré", "ani": "14155550100"}
    assert interaction.inbound_channel_id == "4070001"
    prov = parse_frame(json.dumps(EVENTS[2]), xml=False)
    assert isinstance(prov, AgentProvChange)
    assert prov.items[0].new_value == "+17034443909"
    unknown = parse_frame(json.dumps(EVENTS[4]), xml=False)
    assert isinstance(unknown, UnknownEvent)
    assert unknown.name == "QueueChange"
    assert unknown.payload["note"] == "日本語"


def test_json_and_xml_give_the_same_typed_events() -> None:
    for event in EVENTS[:3]:
        ((name, payload),) = event.items()
        from_json = parse_frame(json.dumps(event), xml=False)
        from_xml = parse_frame(to_xml(payload, name), xml=True)
        assert type(from_json) is type(from_xml)
        assert from_json.msg_info == from_xml.msg_info
        for field in ("agent_id", "new_state", "attached_data", "items", "event_time"):
            assert getattr(from_json, field, None) == getattr(from_xml, field, None)


def test_undocumented_fields_are_kept_in_extra() -> None:
    event = {"AgentStatusChange": {"agentId": "a", "newField": [1, 2], "msgInfo": MSG}}
    parsed = parse_frame(json.dumps(event), xml=False)
    assert isinstance(parsed, AgentStatusChange)
    assert parsed.extra == {"newField": [1, 2]}


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ('{"AgentStatusChange": {"agentId": ', "not valid JSON"),
        ('{"A": {}, "B": {}}', "exactly one key"),
        ("<AgentStatusChange><agentId>a</agentId>", "not valid XML"),
        ('[{"AgentStatusChange": {}}]', "exactly one key"),
    ],
)
def test_unreadable_frames_become_malformed_events(frame: str, reason: str) -> None:
    event = parse_frame(frame, xml=frame.startswith("<"))
    assert isinstance(event, MalformedEvent)
    assert reason in event.reason
    assert event.text == frame


@pytest.mark.parametrize(
    ("frame", "attribute", "kept"),
    [
        ('{"AgentStatusChange": {"newState": "five"}}', "new_state", {"newState": "five"}),
        (
            '{"AgentStatusChange": {"statusEventTS": 1000000000000000000}}',
            "status_event_time",
            {"statusEventTS": 1000000000000000000},
        ),
    ],
)
def test_a_value_of_the_wrong_type_is_kept_in_extra_not_malformed(
    frame: str, attribute: str, kept: dict[str, Any]
) -> None:
    """(Changed from MalformedEvent: the event and its other fields are kept.)"""
    event = parse_frame(frame, xml=False)
    assert isinstance(event, AgentStatusChange)
    assert getattr(event, attribute) is None
    assert event.extra == kept


def test_an_unreadable_msg_info_is_kept_in_extra() -> None:
    info = {"timestamp": 1000000000000000000000}
    event = parse_frame(json.dumps({"Interaction": {"msgInfo": info}}), xml=False)
    assert isinstance(event, InteractionEvent)
    assert event.msg_info.timestamp is None
    assert event.extra == {"msgInfo": info}
