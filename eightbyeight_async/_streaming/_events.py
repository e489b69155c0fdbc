"""Typed SAPI events, parsed from one frame's JSON object or XML document.

Every event keeps its `msg_info` (instance id, sequence id, timestamp) and the `raw` payload
as received. Unknown event names become `UnknownEvent`, undocumented fields of known events
land in `extra`: nothing the server sends is dropped. `*TS` fields are epoch seconds,
`msgInfo.timestamp` epoch milliseconds; both become aware UTC datetimes.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

import attrs

from .._errors import DecodeError
from .._formats import decode_xml, parse_json

_UTC = dt.timezone.utc


@attrs.define(slots=True, frozen=True)
class MsgInfo:
    """Where an event sits in the server's stream: replay and gap detection use it."""

    instance_id: str | None = None
    sequence_id: int | None = None
    timestamp: dt.datetime | None = None


@attrs.define(slots=True, kw_only=True)
class StreamEvent:
    """Base of every event: its name on the wire, position and raw payload."""

    name: str
    msg_info: MsgInfo
    raw: dict[str, Any] = attrs.field(repr=False)


@attrs.define(slots=True, kw_only=True)
class AgentStatusChange(StreamEvent):
    """An agent changed state (`AgentStatusChange`)."""

    agent_id: str | None = None
    new_state: int | None = None
    new_sub_state: str | None = None
    new_sub_state_reason: str | None = None
    new_reason_code_user: str | None = None
    status_event_time: dt.datetime | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, frozen=True)
class ProvisioningItem:
    """One changed provisioning value of an agent."""

    key: str | None
    new_value: str | None
    old_value: str | None


@attrs.define(slots=True, kw_only=True)
class AgentProvChange(StreamEvent):
    """An agent's provisioning changed (`AgentProvChange`, e.g. event `AgentSkillChanged`)."""

    agent_id: str | None = None
    event: str | None = None
    number_of_changes: int | None = None
    items: list[ProvisioningItem] = attrs.field(factory=list)
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class InteractionEvent(StreamEvent):
    """An interaction's lifecycle step (`Interaction`, event `InteractionCreated` …)."""

    event: str | None = None
    interaction_guid: str | None = None
    direction: str | None = None
    media_type: str | None = None
    queue_id: str | None = None
    inbound_channel_id: str | None = None
    outbound_campaign_id: str | None = None
    transaction_num: int | None = None
    event_time: dt.datetime | None = None
    queue_time: dt.datetime | None = None
    attached_data: dict[str, str] = attrs.field(factory=dict)
    """`attachedData` as key → value; values as text (the wire mixes numbers and strings)."""
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class Heartbeat(StreamEvent):
    """A `ClientCheck` heartbeat; delivered only when asked for."""


@attrs.define(slots=True, kw_only=True)
class UnknownEvent(StreamEvent):
    """An event this SDK does not know yet: its name and payload, unchanged."""

    payload: Any = None


@attrs.define(slots=True, kw_only=True)
class MalformedEvent(StreamEvent):
    """A frame that could not be parsed; kept (with the reason) rather than dropped."""

    text: str
    reason: str


@attrs.define(slots=True, kw_only=True)
class BacklogExpired(StreamEvent):
    """Notice: the connection was down longer than the server keeps a backlog (2 hours).

    Events from that time are lost on the server side; resynchronise (e.g. from the
    real-time statistics API) before trusting state built from the stream.
    """

    subscription_id: str
    last_delivered_at: dt.datetime | None
    resumed_at: dt.datetime | None


# --- parsing ------------------------------------------------------------------------------


def parse_frame(frame: str, xml: bool) -> StreamEvent:
    """The event in one frame; a frame that cannot be parsed becomes a MalformedEvent."""
    try:
        document = decode_xml(frame.encode()) if xml else parse_json(frame.encode())
    except (DecodeError, ValueError, RecursionError) as exc:
        return malformed_event(frame, f"not valid {'XML' if xml else 'JSON'}: {exc}")
    if not isinstance(document, dict) or len(document) != 1:
        return malformed_event(frame, "an event is an object with exactly one key, its name")
    ((name, payload),) = document.items()
    try:
        return _PARSERS.get(name, _unknown)(name, payload, document)
    except (TypeError, ValueError, AttributeError, OverflowError, OSError) as exc:
        # OSError: a timestamp beyond what the platform's clock functions accept.
        return malformed_event(frame, f"a {name} event with an unreadable field: {exc}")


def malformed_event(text: str, reason: str) -> MalformedEvent:
    """A MalformedEvent for `text`, which could not be parsed or framed."""
    return MalformedEvent(name="", msg_info=MsgInfo(), raw={}, text=text, reason=reason)


# Each helper tests the exact type of the common case first: these run a dozen times per
# event, and an ABC `isinstance` check costs several times a `type() is` test.


def _fields(payload: Any) -> dict[str, Any]:
    if type(payload) is dict:
        return payload.copy()
    if payload is None:
        return {}
    if not isinstance(payload, Mapping):
        raise TypeError(f"expected an object, got {type(payload).__name__}")
    return dict(payload)


def _text(value: Any) -> str | None:
    if type(value) is str:
        return value or None
    if value is None or value == "":
        return None
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise TypeError(f"expected text, got {type(value).__name__}")


def _int(value: Any) -> int | None:
    if type(value) is int:
        return value
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise TypeError("expected an integer, got a boolean")
    return int(value)


def _seconds(value: Any) -> dt.datetime | None:
    number = _int(value)
    return None if number is None else dt.datetime.fromtimestamp(number, tz=_UTC)


def _millis(value: Any) -> dt.datetime | None:
    number = _int(value)
    return None if number is None else dt.datetime.fromtimestamp(number / 1000, tz=_UTC)


def _msg_info(fields: dict[str, Any]) -> MsgInfo:
    info = _fields(fields.pop("msgInfo", None))
    return MsgInfo(
        instance_id=_text(info.get("instanceId")),
        sequence_id=_int(info.get("sequenceId")),
        timestamp=_millis(info.get("timestamp")),
    )


def _items(value: Any, item: str) -> list[Any]:
    """A repeated element: `{item: [...]}`, `{item: {...}}` (one), or empty."""
    wrapper = _fields(value)
    found = wrapper.get(item)
    if found is None:
        return []
    return found if isinstance(found, list) else [found]


def _agent_status(name: str, payload: Any, raw: dict[str, Any]) -> StreamEvent:
    f = _fields(payload)
    return AgentStatusChange(
        name=name,
        msg_info=_msg_info(f),
        raw=raw,
        agent_id=_text(f.pop("agentId", None)),
        new_state=_int(f.pop("newState", None)),
        new_sub_state=_text(f.pop("newSubState", None)),
        new_sub_state_reason=_text(f.pop("newSubStateReason", None)),
        new_reason_code_user=_text(f.pop("newReasonCodeUser", None)),
        status_event_time=_seconds(f.pop("statusEventTS", None)),
        extra=f,
    )


def _agent_prov(name: str, payload: Any, raw: dict[str, Any]) -> StreamEvent:
    f = _fields(payload)
    items = [
        ProvisioningItem(
            key=_text(item.get("provisioningItemKey")),
            new_value=_text(item.get("provisioningItemNewValue")),
            old_value=_text(item.get("provisioningItemOldValue")),
        )
        for item in map(_fields, _items(f.pop("provisioningItems", None), "provisioningItem"))
    ]
    return AgentProvChange(
        name=name,
        msg_info=_msg_info(f),
        raw=raw,
        agent_id=_text(f.pop("agentId", None)),
        event=_text(f.pop("event", None)),
        number_of_changes=_int(f.pop("numberofChangesThisTime", None)),
        items=items,
        extra=f,
    )


def _interaction(name: str, payload: Any, raw: dict[str, Any]) -> StreamEvent:
    f = _fields(payload)
    attached = {}
    for datum in map(_fields, _items(f.pop("attachedData", None), "attachedDatum")):
        key = _text(datum.get("attachedDataKey"))
        if key is not None:
            attached[key] = _text(datum.get("attachedDataValue")) or ""
    return InteractionEvent(
        name=name,
        msg_info=_msg_info(f),
        raw=raw,
        event=_text(f.pop("event", None)),
        interaction_guid=_text(f.pop("interactionGUID", None)),
        direction=_text(f.pop("direction", None)),
        media_type=_text(f.pop("mediaType", None)),
        queue_id=_text(f.pop("queueId", None)),
        inbound_channel_id=_text(f.pop("inboundChannelid", None)),
        outbound_campaign_id=_text(f.pop("outboundCampaignid", None)),
        transaction_num=_int(f.pop("transactionNum", None)),
        event_time=_seconds(f.pop("eventTS", None)),
        queue_time=_seconds(f.pop("queueTime", None)),
        attached_data=attached,
        extra=f,
    )


def _heartbeat(name: str, payload: Any, raw: dict[str, Any]) -> StreamEvent:
    return Heartbeat(name=name, msg_info=_msg_info(_fields(payload)), raw=raw)


def _unknown(name: str, payload: Any, raw: dict[str, Any]) -> StreamEvent:
    info = _msg_info(dict(payload)) if isinstance(payload, Mapping) else MsgInfo()
    return UnknownEvent(name=name, msg_info=info, raw=raw, payload=payload)


_PARSERS: dict[str, Callable[[str, Any, dict[str, Any]], StreamEvent]] = {
    "AgentStatusChange": _agent_status,
    "AgentProvChange": _agent_prov,
    "Interaction": _interaction,
    "ClientCheck": _heartbeat,
}
