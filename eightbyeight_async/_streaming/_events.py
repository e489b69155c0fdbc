"""The one event model of both event streams: SAPI and Event Streaming.

A SAPI frame's JSON object or XML document, and an Event Streaming message's payload, are the
same one-key object (`{"AgentStatusChange": {...}}`) and parse into the same classes
(`_event_model`; decoded by `_event_decode`). Every event keeps where it came from
(`msg_info` for SAPI; `message` for Event Streaming, whose `msgInfo` is empty) and the `raw`
payload as received.

Nothing the server sends is dropped: unknown event names become `UnknownEvent`; fields of
known events that are undocumented, or whose value cannot be typed (`"newState": "five"`),
land in `extra` unchanged, the typed attribute left None. Only a frame or payload that is not
a one-key JSON object (or XML document) becomes a `MalformedEvent`. `*TS` fields are epoch
seconds, `msgInfo.timestamp` epoch milliseconds; both become aware UTC datetimes.
"""

from __future__ import annotations

from .._errors import DecodeError
from .._formats import decode_xml, parse_json
from ._event_decode import decode
from ._event_model import (
    NO_MSG_INFO,
    AgentProvChange,
    AgentStatusChange,
    BacklogExpired,
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

__all__ = [
    "AgentProvChange",
    "AgentStatusChange",
    "BacklogExpired",
    "Heartbeat",
    "InteractionEvent",
    "MalformedEvent",
    "MsgInfo",
    "ProvisioningItem",
    "StreamEvent",
    "StreamMessage",
    "UnknownEvent",
    "as_bool",
    "malformed_event",
    "parse_frame",
    "parse_message",
]

_UNREADABLE = (TypeError, ValueError, AttributeError, OverflowError, OSError, RecursionError)
"""A decoder does not raise for a wire value; should one fail anyway, the event is kept as
a MalformedEvent rather than lost with the stream."""


def parse_frame(frame: str, xml: bool) -> StreamEvent:
    """The event in one SAPI frame; a frame that cannot be parsed becomes a MalformedEvent."""
    try:
        document = decode_xml(frame.encode()) if xml else parse_json(frame.encode())
    except (DecodeError, ValueError, RecursionError) as exc:
        return malformed_event(frame, f"not valid {'XML' if xml else 'JSON'}: {exc}")
    if type(document) is dict and len(document) == 1:
        for name, payload in document.items():
            try:
                return decode(name, payload, document)
            except _UNREADABLE as exc:
                return malformed_event(frame, f"a {name} event with an unreadable field: {exc}")
    return malformed_event(frame, _NOT_ONE_KEY)


def parse_message(payload: bytes, message: StreamMessage) -> StreamEvent:
    """The event in one Event Streaming message's (base64-decoded) JSON payload, carrying
    `message`; a payload that cannot be parsed becomes a MalformedEvent, still carrying it."""
    try:
        document = parse_json(payload)
    except (DecodeError, ValueError, RecursionError) as exc:
        return _malformed_message(payload, f"the payload is not valid JSON: {exc}", message)
    if type(document) is dict and len(document) == 1:
        for name, body in document.items():
            try:
                event = decode(name, body, document)
            except _UNREADABLE as exc:
                reason = f"a {name} event with an unreadable field: {exc}"
                return _malformed_message(payload, reason, message)
            event.message = message
            return event
    return _malformed_message(payload, _NOT_ONE_KEY, message)


_NOT_ONE_KEY = "an event is an object with exactly one key, its name"


def _malformed_message(payload: bytes, reason: str, message: StreamMessage) -> MalformedEvent:
    return malformed_event(payload.decode("utf-8", "replace"), reason, message)


def malformed_event(text: str, reason: str, message: StreamMessage | None = None) -> MalformedEvent:
    """A MalformedEvent for `text`, which could not be parsed or framed."""
    return MalformedEvent(
        name="", msg_info=NO_MSG_INFO, raw={}, text=text, reason=reason, message=message
    )
