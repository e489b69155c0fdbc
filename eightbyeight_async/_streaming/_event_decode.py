"""One decoder per typed event: the payload (an object) to its class; see `_events`.

Decoders never raise for a value of the wrong type (see `_event_values`) and never copy or
change the payload: `raw` is the parsed document itself, and `extra` a new dict of what was
undocumented or could not be typed.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from . import _event_values as v
from ._event_model import (
    NO_MSG_INFO,
    AgentProvChange,
    AgentStatusChange,
    Heartbeat,
    InteractionEvent,
    ProvisioningItem,
    StreamEvent,
    UnknownEvent,
)

Decoder = Callable[[str, dict[str, Any], dict[str, Any]], StreamEvent]

_STATUS_KEYS = frozenset(
    {
        "msgInfo",
        "agentId",
        "newState",
        "newSubState",
        "newSubStateReason",
        "newReasonCodeUser",
        "statusEventTS",
    }
)


def _agent_status(name: str, f: dict[str, Any], raw: dict[str, Any]) -> StreamEvent:
    extra = v.undocumented(f, _STATUS_KEYS)
    get = f.get
    return AgentStatusChange(
        name=name,
        msg_info=v.msg_info(get("msgInfo"), extra),
        raw=raw,
        agent_id=v.text(get("agentId"), "agentId", extra),
        new_state=v.integer(get("newState"), "newState", extra),
        new_sub_state=v.text(get("newSubState"), "newSubState", extra),
        new_sub_state_reason=v.text(get("newSubStateReason"), "newSubStateReason", extra),
        new_reason_code_user=v.text(get("newReasonCodeUser"), "newReasonCodeUser", extra),
        status_event_time=v.seconds(get("statusEventTS"), "statusEventTS", extra),
        extra=extra,
    )


_PROV_KEYS = frozenset(
    {"msgInfo", "agentId", "event", "numberofChangesThisTime", "provisioningItems"}
)
_ITEM_NAMES = ("provisioningItemKey", "provisioningItemNewValue", "provisioningItemOldValue")
_ITEM_KEYS = frozenset(_ITEM_NAMES)


def _items(wire: Any, extra: dict[str, Any]) -> list[ProvisioningItem]:
    """`provisioningItems`: `{"provisioningItem": [...]}`, `{... : {...}}` (one, as XML gives
    it) or empty; values as text (numbers as digits, booleans "true"/"false"). If any item
    cannot be read, the whole value is kept in `extra` too."""
    if wire is None:
        return []
    value = wire if type(wire) is dict else dict(wire) if isinstance(wire, Mapping) else None
    if value is None:
        extra["provisioningItems"] = wire
        return []
    found = value.get("provisioningItem")
    complete = len(value) == (0 if found is None else 1)
    items = []
    for item in found if type(found) is list else () if found is None else (found,):
        if not isinstance(item, Mapping):
            complete = False
            continue
        members = [item.get(name) for name in _ITEM_NAMES]
        texts = [None if member is None else v.loose_text(member) for member in members]
        key, new, old = (text or None for text in texts)
        items.append(ProvisioningItem(key=key, new_value=new, old_value=old))
        if not item.keys() <= _ITEM_KEYS or any(
            text is None and member is not None for text, member in zip(texts, members, strict=True)
        ):
            complete = False
    if not complete:
        extra["provisioningItems"] = wire
    return items


def _agent_prov(name: str, f: dict[str, Any], raw: dict[str, Any]) -> StreamEvent:
    extra = v.undocumented(f, _PROV_KEYS)
    get = f.get
    return AgentProvChange(
        name=name,
        msg_info=v.msg_info(get("msgInfo"), extra),
        raw=raw,
        agent_id=v.text(get("agentId"), "agentId", extra),
        event=v.text(get("event"), "event", extra),
        number_of_changes=v.integer(
            get("numberofChangesThisTime"), "numberofChangesThisTime", extra
        ),
        items=_items(get("provisioningItems"), extra),
        extra=extra,
    )


_INTERACTION_KEYS = frozenset(
    {
        "msgInfo",
        "event",
        "interactionGUID",
        "agentId",
        "direction",
        "mediaType",
        "callState",
        "queueId",
        "inboundChannelid",
        "outboundCampaignid",
        "transactionNum",
        "eventTS",
        "interactionEventTS",
        "queueTime",
        "dispositionCode",
        "participatingAgents",
        "attachedData",
    }
)
_DATUM_KEYS = frozenset({"attachedDataKey", "attachedDataValue"})


def _attached(wire: Any, extra: dict[str, Any]) -> dict[str, str]:
    """`attachedData`: `{"attachedDatum": [...]}` (or one datum, as XML gives it) as key →
    text. If any datum cannot be read or a key repeats, the whole value is kept in `extra`."""
    data: dict[str, str] = {}
    if wire is None:
        return data
    value = wire if type(wire) is dict else dict(wire) if isinstance(wire, Mapping) else None
    if value is None:
        extra["attachedData"] = wire
        return data
    found = value.get("attachedDatum")
    complete = len(value) == (0 if found is None else 1)
    for datum in found if type(found) is list else () if found is None else (found,):
        if type(datum) is dict:
            key = datum.get("attachedDataKey")
            item: Any = datum.get("attachedDataValue")
            if type(key) is str and key and key not in data:
                kind = type(item)
                if (kind is str or kind is int) and len(datum) == 2:  # the common cases
                    data[key] = str(item) if kind is int else item
                    continue
                shown: str | None = "" if item is None else v.loose_text(item)
                if shown is not None and datum.keys() <= _DATUM_KEYS:
                    data[key] = shown
                    continue
        complete = False
    if not complete:
        extra["attachedData"] = wire
    return data


_new = object.__new__


def _interaction(name: str, f: dict[str, Any], raw: dict[str, Any]) -> StreamEvent:
    # The busiest event of a stream, so built without the attrs `__init__` (~1.4 us of a
    # 21-keyword call): every slot is assigned below (a test compares with `__init__`'s).
    # Text members are read inline when they are non-empty strings (the JSON common case);
    # anything else goes through `v.text`, which keeps what it cannot type in `extra`.
    text = v.text
    get = f.get
    e: InteractionEvent = _new(InteractionEvent)
    e.name = name
    e.raw = raw
    e.message = None
    e.extra = extra = v.undocumented(f, _INTERACTION_KEYS)
    e.msg_info = v.msg_info(get("msgInfo"), extra)
    e.event = x if type(x := get("event")) is str and x else text(x, "event", extra)
    e.interaction_guid = (
        x if type(x := get("interactionGUID")) is str and x else text(x, "interactionGUID", extra)
    )
    e.agent_id = x if type(x := get("agentId")) is str and x else text(x, "agentId", extra)
    e.direction = x if type(x := get("direction")) is str and x else text(x, "direction", extra)
    e.media_type = x if type(x := get("mediaType")) is str and x else text(x, "mediaType", extra)
    e.call_state = x if type(x := get("callState")) is str and x else text(x, "callState", extra)
    e.queue_id = x if type(x := get("queueId")) is str and x else text(x, "queueId", extra)
    e.inbound_channel_id = text(get("inboundChannelid"), "inboundChannelid", extra)
    e.outbound_campaign_id = text(get("outboundCampaignid"), "outboundCampaignid", extra)
    e.transaction_num = (
        x if type(x := get("transactionNum")) is int else v.integer(x, "transactionNum", extra)
    )
    e.interaction_event_time = interaction_time = v.seconds(
        get("interactionEventTS"), "interactionEventTS", extra
    )
    event_time = v.seconds(get("eventTS"), "eventTS", extra)
    e.event_time = interaction_time if event_time is None else event_time
    e.queue_time = v.seconds(get("queueTime"), "queueTime", extra)
    e.disposition_code = text(get("dispositionCode"), "dispositionCode", extra)
    e.participating_agents = v.agent_ids(get("participatingAgents"), "participatingAgents", extra)
    e.attached_data = _attached(get("attachedData"), extra)
    return e


def _heartbeat(name: str, f: dict[str, Any], raw: dict[str, Any]) -> StreamEvent:
    return Heartbeat(name=name, msg_info=v.msg_info(f.get("msgInfo"), None), raw=raw)


def unknown(name: str, payload: Any, raw: dict[str, Any]) -> StreamEvent:
    """An event without a typed class (or with a body that is not an object), unchanged."""
    info = v.msg_info(payload.get("msgInfo"), None) if isinstance(payload, Mapping) else NO_MSG_INFO
    return UnknownEvent(name=name, msg_info=info, raw=raw, payload=payload)


DECODERS: dict[str, Decoder] = {
    "AgentStatusChange": _agent_status,
    "AgentProvChange": _agent_prov,
    "AgentSkillCreated": _agent_prov,
    "AgentSkillChanged": _agent_prov,
    "Interaction": _interaction,
    "ClientCheck": _heartbeat,
}
"""The typed events by top-level key. Others (`GuestChatEnd`, `MediaProxyAdded`,
`MediaProxyRemoved`, names not known yet) become UnknownEvent."""


def decode(name: str, payload: Any, raw: dict[str, Any]) -> StreamEvent:
    """The event `name` with body `payload`, of the one-key document `raw`."""
    decoder = DECODERS.get(name)
    if decoder is None:
        return unknown(name, payload, raw)
    if type(payload) is dict:
        return decoder(name, payload, raw)
    if payload is None:  # an empty XML element
        return decoder(name, {}, raw)
    if isinstance(payload, Mapping):
        return decoder(name, dict(payload), raw)
    if decoder is _heartbeat:
        return decoder(name, {}, raw)
    return unknown(name, payload, raw)
