"""Every documented event shape decodes into the one event model, from SAPI frames (JSON and
XML) and Event Streaming payloads alike: typed where the meaning is clear, the drifting value
types read in all their documented forms, and nothing dropped (every payload key is a typed
attribute or in `extra`; `raw` is the input)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import attrs
import pytest

from eightbyeight_async._streaming._events import parse_frame, parse_message
from eightbyeight_async.types.streaming import (
    AgentProvChange,
    AgentStatusChange,
    Heartbeat,
    InteractionEvent,
    MalformedEvent,
    MsgInfo,
    ProvisioningItem,
    StreamEvent,
    StreamMessage,
    UnknownEvent,
    as_bool,
)

UTC = dt.timezone.utc
T0 = 1381573170
SAPI_INFO = {"instanceId": "sapi-1", "sequenceId": 7, "timestamp": T0 * 1000 + 93}
MESSAGE = StreamMessage(
    message_id="CAEQAQ==",
    publish_time=dt.datetime(2025, 10, 15, 9, 30, tzinfo=UTC),
    redelivery_count=2,
    key="k",
    properties={"p": "1"},
)

INTERACTION_EVENTS = [
    f"Interaction{step}"
    for step in [
        "Created",
        "Queued",
        "Assigned",
        "Accepted",
        "CustomerAccepted",
        "Rejected",
        "Unqueued",
        "LineHoldStatus",
        "LineMuteStatus",
        "RecordingStarted",
        "RecordingStatus",
        "PostProcess",
        "RecordingReady",
        "EndPostProcess",
        "Deassigned",
        "TransferRequest",
        "Reconnect",
        "ParticipantChange",
        "ParticipantRemovedByHost",
        "JoinLinesRequest",
        "Joined",
        "Changed",
        "QueueTimeout",
        "Deleted",
    ]
]
OTHER_EVENTS = ["GuestChatEnd", "MediaProxyAdded", "MediaProxyRemoved"]
AGENT_EVENTS = ["AgentStatusChange", "AgentProvChange", "AgentSkillCreated", "AgentSkillChanged"]

WIRE_NAMES: dict[type[StreamEvent], dict[str, str]] = {
    AgentStatusChange: {
        "agentId": "agent_id",
        "newState": "new_state",
        "newSubState": "new_sub_state",
        "newSubStateReason": "new_sub_state_reason",
        "newReasonCodeUser": "new_reason_code_user",
        "statusEventTS": "status_event_time",
    },
    AgentProvChange: {
        "agentId": "agent_id",
        "event": "event",
        "numberofChangesThisTime": "number_of_changes",
        "provisioningItems": "items",
    },
    InteractionEvent: {
        "event": "event",
        "interactionGUID": "interaction_guid",
        "agentId": "agent_id",
        "direction": "direction",
        "mediaType": "media_type",
        "callState": "call_state",
        "queueId": "queue_id",
        "inboundChannelid": "inbound_channel_id",
        "outboundCampaignid": "outbound_campaign_id",
        "transactionNum": "transaction_num",
        "eventTS": "event_time",
        "interactionEventTS": "interaction_event_time",
        "queueTime": "queue_time",
        "dispositionCode": "disposition_code",
        "participatingAgents": "participating_agents",
        "attachedData": "attached_data",
    },
}


def assert_nothing_dropped(event: StreamEvent, document: dict[str, Any]) -> None:
    """`raw` is the input, and each payload key is a typed (non-empty) attribute or in
    `extra`; an unknown event keeps its whole payload."""
    assert event.raw == document
    ((name, payload),) = document.items()
    assert event.name == name
    if isinstance(event, UnknownEvent):
        assert event.payload == payload
        return
    extra = getattr(event, "extra", {})
    names = WIRE_NAMES.get(type(event), {})
    for key, value in payload.items():
        if key == "msgInfo" and isinstance(value, dict) and key not in extra:
            continue  # typed in msg_info, checked by the cases
        if key in extra:
            assert extra[key] == value
            continue
        assert key in names, f"{key} neither typed nor in extra"
        typed = getattr(event, names[key])
        assert typed not in (None, [], {}) or value in (None, ""), f"{key} dropped"
    # the fast construction of the busiest events equals the attrs `__init__`'s
    assert attrs.evolve(event) == event


def interaction(event: str, **fields: Any) -> dict[str, Any]:
    """An Event Streaming style interaction payload: `msgInfo` empty, only
    `interactionEventTS` (no `eventTS`)."""
    payload = {
        "event": event,
        "interactionGUID": f"int-{event}",
        "msgInfo": {},
        "interactionEventTS": T0,
        "mediaType": "phone",
        **fields,
    }
    return {"Interaction": payload}


@pytest.mark.parametrize("event", INTERACTION_EVENTS)
def test_every_interaction_event_is_typed_with_its_time_from_interaction_event_ts(
    event: str,
) -> None:
    document = interaction(event)
    parsed = parse_message(json.dumps(document).encode(), MESSAGE)
    assert isinstance(parsed, InteractionEvent)
    assert parsed.event == event
    assert parsed.interaction_guid == f"int-{event}"
    assert parsed.event_time == dt.datetime.fromtimestamp(T0, UTC)
    assert parsed.interaction_event_time == parsed.event_time
    assert parsed.extra == {}
    assert parsed.msg_info == MsgInfo()
    assert parsed.message is MESSAGE
    assert_nothing_dropped(parsed, document)


@pytest.mark.parametrize("name", OTHER_EVENTS)
def test_events_without_documented_fields_are_kept_whole_under_their_name(name: str) -> None:
    document = {name: {"interactionGUID": "int-1", "msgInfo": SAPI_INFO, "x": [1, {"y": True}]}}
    for parsed in (
        parse_frame(json.dumps(document), xml=False),
        parse_message(json.dumps(document).encode(), MESSAGE),
    ):
        assert isinstance(parsed, UnknownEvent)
        assert parsed.name == name
        assert parsed.msg_info.sequence_id == 7
        assert_nothing_dropped(parsed, document)


@pytest.mark.parametrize("name", AGENT_EVENTS)
def test_every_agent_event_is_typed(name: str) -> None:
    if name == "AgentStatusChange":
        payload: dict[str, Any] = {
            "agentId": "marcus",
            "newState": 2,
            "statusEventTS": T0,
            "msgInfo": SAPI_INFO,
        }
    else:
        payload = {
            "agentId": "122",
            "event": "AgentSkillChanged" if name == "AgentProvChange" else name,
            "msgInfo": SAPI_INFO,
            "numberofChangesThisTime": "1",
            "provisioningItems": {
                "provisioningItem": {
                    "provisioningItemKey": "skill",
                    "provisioningItemNewValue": True,
                    "provisioningItemOldValue": 17034443910,
                }
            },
        }
    document = {name: payload}
    parsed = parse_frame(json.dumps(document), xml=False)
    assert parsed.name == name
    assert parsed.msg_info == MsgInfo("sapi-1", 7, dt.datetime.fromtimestamp(T0 + 0.093, UTC))
    assert hash(parsed.msg_info) == hash(MsgInfo(**attrs.asdict(parsed.msg_info)))
    if isinstance(parsed, AgentStatusChange):
        assert (parsed.agent_id, parsed.new_state) == ("marcus", 2)
        assert parsed.status_event_time == dt.datetime.fromtimestamp(T0, UTC)
    else:
        assert isinstance(parsed, AgentProvChange)
        assert parsed.number_of_changes == 1
        assert parsed.items == [ProvisioningItem("skill", "true", "17034443910")]
        assert parsed.extra == {}
    assert_nothing_dropped(parsed, document)


DRIFT: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("channel N/A kept as text", {"inboundChannelid": "N/A"}, {"inbound_channel_id": "N/A"}),
    ("channel number as text", {"inboundChannelid": 4070001}, {"inbound_channel_id": "4070001"}),
    ("disposition number", {"dispositionCode": 1000}, {"disposition_code": "1000"}),
    ("disposition text", {"dispositionCode": "SALE"}, {"disposition_code": "SALE"}),
    (
        "agents, comma",
        {"participatingAgents": "ag1,ag2"},
        {"participating_agents": ["ag1", "ag2"]},
    ),
    (
        "agents, semicolon and blanks",
        {"participatingAgents": " ag1; ag2 ;;ag3,"},
        {"participating_agents": ["ag1", "ag2", "ag3"]},
    ),
    ("agents, one number", {"participatingAgents": 17}, {"participating_agents": ["17"]}),
    (
        "both times",
        {"eventTS": T0 + 5, "interactionEventTS": T0},
        {
            "event_time": dt.datetime.fromtimestamp(T0 + 5, UTC),
            "interaction_event_time": dt.datetime.fromtimestamp(T0, UTC),
        },
    ),
    (
        "queue time as text",
        {"queueTime": str(T0)},
        {"queue_time": dt.datetime.fromtimestamp(T0, UTC)},
    ),
    (
        "attached values: number, text, boolean, null",
        {
            "attachedData": {
                "attachedDatum": [
                    {"attachedDataKey": "ani", "attachedDataValue": 14155550100},
                    {"attachedDataKey": "tenantSkillName", "attachedDataValue": "Sales"},
                    {"attachedDataKey": "vip", "attachedDataValue": True},
                    {"attachedDataKey": "note", "attachedDataValue": None},
                ]
            }
        },
        {
            "attached_data": {
                "ani": "14155550100",
                "tenantSkillName": "Sales",
                "vip": "true",
                "note": "",
            }
        },
    ),
]


@pytest.mark.parametrize(("fields", "expected"), [c[1:] for c in DRIFT], ids=[c[0] for c in DRIFT])
def test_drifting_value_types_are_typed(fields: dict[str, Any], expected: dict[str, Any]) -> None:
    document = interaction("InteractionAccepted", **fields)
    for parsed in (
        parse_frame(json.dumps(document), xml=False),
        parse_message(json.dumps(document).encode(), MESSAGE),
    ):
        assert isinstance(parsed, InteractionEvent)
        assert {name: getattr(parsed, name) for name in expected} == expected
        assert parsed.extra == {}
        assert_nothing_dropped(parsed, document)


def test_inbound_channel_number() -> None:
    numbers = []
    for channel in (4070001, "4070001", "N/A", None):
        parsed = parse_frame(json.dumps(interaction("X", inboundChannelid=channel)), xml=False)
        assert isinstance(parsed, InteractionEvent)
        numbers.append(parsed.inbound_channel_number)
    assert numbers == [4070001, 4070001, None, None]


def test_attached_values_keep_their_wire_type() -> None:
    data = {"attachedDatum": [{"attachedDataKey": "vip", "attachedDataValue": False}]}
    parsed = parse_frame(json.dumps(interaction("X", attachedData=data)), xml=False)
    assert isinstance(parsed, InteractionEvent)
    assert parsed.attached_data == {"vip": "false"}
    assert parsed.attached_value("vip") is False
    assert parsed.attached_value("missing") is None


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        (True, True),
        (False, False),
        ("true", True),
        ("FALSE", False),
        (" True ", True),
        ("yes", None),
        (1, None),
        (None, None),
        ({"a": 1}, None),
    ],
)
def test_booleans_in_both_forms(wire: Any, expected: bool | None) -> None:
    assert as_bool(wire) is expected
    document = interaction("InteractionLineHoldStatus", onHold=wire)
    parsed = parse_message(json.dumps(document).encode(), MESSAGE)
    assert isinstance(parsed, InteractionEvent)
    assert parsed.flag("onHold") is expected
    assert parsed.extra == {"onHold": wire}, "an undocumented boolean stays as received"
    assert_nothing_dropped(parsed, document)


WRONG: list[tuple[str, Any, str]] = [
    ("transactionNum", "first", "transaction_num"),
    ("transactionNum", True, "transaction_num"),
    ("queueTime", "soon", "queue_time"),
    ("eventTS", 10**20, "event_time"),
    ("direction", {"in": 1}, "direction"),
    ("dispositionCode", [1, 2], "disposition_code"),
    ("participatingAgents", {"a": 1}, "participating_agents"),
    ("attachedData", "none", "attached_data"),
    ("msgInfo", "first", "msg_info"),
]


@pytest.mark.parametrize(("key", "value", "attribute"), WRONG)
def test_a_value_of_the_wrong_type_is_kept_in_extra(key: str, value: Any, attribute: str) -> None:
    document = interaction("InteractionCreated", queueId="q1", **{key: value})
    if key == "eventTS":
        del document["Interaction"]["interactionEventTS"]
    parsed = parse_frame(json.dumps(document), xml=False)
    assert isinstance(parsed, InteractionEvent), "not malformed: the rest is still read"
    assert parsed.queue_id == "q1"
    assert getattr(parsed, attribute) in (None, [], {}, MsgInfo())
    assert parsed.extra == {key: value}
    assert_nothing_dropped(parsed, document)


def test_partly_readable_lists_are_typed_and_kept_whole() -> None:
    data = {
        "attachedDatum": [
            {"attachedDataKey": "a", "attachedDataValue": "1"},
            {"attachedDataKey": "b", "attachedDataValue": {"nested": 1}},
            {"attachedDataKey": "a", "attachedDataValue": "2"},
        ]
    }
    parsed = parse_frame(json.dumps(interaction("X", attachedData=data)), xml=False)
    assert isinstance(parsed, InteractionEvent)
    assert parsed.attached_data == {"a": "1"}
    assert parsed.extra == {"attachedData": data}
    items = {"provisioningItem": [{"provisioningItemKey": "k"}, "junk"]}
    prov = parse_frame(json.dumps({"AgentProvChange": {"provisioningItems": items}}), False)
    assert isinstance(prov, AgentProvChange)
    assert prov.items == [ProvisioningItem("k", None, None)]
    assert prov.extra == {"provisioningItems": items}


def test_undocumented_fields_and_msg_info_members_are_kept() -> None:
    info = {**SAPI_INFO, "shard": 3}
    document = {"AgentStatusChange": {"agentId": "a", "msgInfo": info, "newField": [1]}}
    parsed = parse_frame(json.dumps(document), xml=False)
    assert isinstance(parsed, AgentStatusChange)
    assert parsed.msg_info.sequence_id == 7
    assert parsed.extra == {"msgInfo": info, "newField": [1]}


def test_a_known_event_whose_body_is_not_an_object_is_kept_as_unknown() -> None:
    for document in ({"Interaction": "text"}, {"AgentStatusChange": [1, 2]}):
        parsed = parse_frame(json.dumps(document), xml=False)
        assert isinstance(parsed, UnknownEvent)
        assert_nothing_dropped(parsed, document)
    empty = parse_frame("<Interaction/>", xml=True)
    assert isinstance(empty, InteractionEvent)
    assert isinstance(parse_frame('{"ClientCheck": "[HEARTBEAT]"}', xml=False), Heartbeat)


def to_xml(value: Any, name: str) -> str:
    """One-line XML of a JSON-form value (lists as repeated elements, booleans as the
    lower-case text a Java server writes)."""
    if isinstance(value, dict):
        inner = "".join(
            "".join(to_xml(item, key) for item in v) if isinstance(v, list) else to_xml(v, key)
            for key, v in value.items()
        )
        return f"<{name}>{inner}</{name}>"
    text = "" if value is None else json.dumps(value) if isinstance(value, bool) else str(value)
    return f"<{name}>{text}</{name}>"


XML_CASES = [interaction(event, msgInfo=SAPI_INFO) for event in INTERACTION_EVENTS[:3]] + [
    interaction("InteractionAccepted", msgInfo=SAPI_INFO, **fields) for _, fields, _ in DRIFT
]


@pytest.mark.parametrize("document", XML_CASES)
def test_sapi_json_and_xml_give_the_same_typed_event(document: dict[str, Any]) -> None:
    ((name, payload),) = document.items()
    declaration = "<?xml version='1.0'  encoding='UTF-8' ?>"
    from_json = parse_frame(json.dumps(document), xml=False)
    from_xml = parse_frame(declaration + to_xml(payload, name), xml=True)
    assert isinstance(from_json, InteractionEvent)
    assert isinstance(from_xml, InteractionEvent)
    assert from_xml.msg_info == from_json.msg_info
    assert from_xml.extra == {}
    typed = [f.name for f in attrs.fields(InteractionEvent) if f.name not in ("raw", "extra")]
    assert {n: getattr(from_xml, n) for n in typed} == {n: getattr(from_json, n) for n in typed}
    assert from_xml.message is None
    assert (from_xml.message_id, from_xml.publish_time, from_xml.redelivery_count) == (
        None,
        None,
        0,
    )


def test_an_event_streaming_message_carries_its_envelope() -> None:
    parsed = parse_message(json.dumps(interaction("InteractionQueued")).encode(), MESSAGE)
    assert parsed.message is MESSAGE
    assert parsed.message_id == "CAEQAQ=="
    assert parsed.publish_time == dt.datetime(2025, 10, 15, 9, 30, tzinfo=UTC)
    assert parsed.redelivery_count == 2


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b'{"Interaction": {', "not valid JSON"),
        (b"\xff\xfe{", "not valid JSON"),
        (b'{"A": {}, "B": {}}', "exactly one key"),
        (b"[1]", "exactly one key"),
    ],
)
def test_an_unreadable_message_is_malformed_and_keeps_its_message(
    payload: bytes, reason: str
) -> None:
    parsed = parse_message(payload, MESSAGE)
    assert isinstance(parsed, MalformedEvent)
    assert reason in parsed.reason
    assert parsed.message is MESSAGE
    assert parsed.message_id == "CAEQAQ=="
    assert parsed.text == payload.decode("utf-8", "replace")
