"""Event Streaming frames: a JSON text per message, its payload base64 of the event's JSON.

    {"messageId": "CAEQAQ==", "payload": "eyJBZ2VudFN0YXR1c0NoYW5nZSI6ey4uLn19",
     "properties": {}, "publishTime": "2026-06-12T10:00:00.123Z", "redeliveryCount": 0,
     ["eventTime": ISO-8601,] ["key": "..."]}

Frames without a `messageId` that carry a `type` or `endOfTopic` are control frames: not
events, never acknowledged. Anything else unreadable becomes a MalformedEvent, with its
message when the id could be read (so it is still acknowledged and checkpointed).
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
from typing import Any

import attrs

from .._errors import DecodeError
from .._formats import parse_json
from ._events import StreamEvent, StreamMessage, malformed_event, parse_message

_CONTROL_KEYS = ("type", "endOfTopic", "result")
_ENVELOPE_KEYS = frozenset(
    {"messageId", "payload", "properties", "publishTime", "redeliveryCount", "eventTime", "key"}
)


@attrs.frozen
class Frame:
    """One frame read: an event (maybe malformed), or a control frame (`event` None)."""

    event: StreamEvent | None
    message_id: str | None = None
    """The id to acknowledge and resume from; None for control frames and frames whose id
    could not be read."""


def read_frame(text: str) -> Frame:
    """The event (or control frame) one text frame carries; never raises."""
    try:
        envelope = parse_json(text.encode())
    except (DecodeError, ValueError, RecursionError) as exc:
        return Frame(malformed_event(text, f"the frame is not JSON: {exc}"))
    if not isinstance(envelope, dict):
        return Frame(malformed_event(text, "a frame is a JSON object"))
    message_id = envelope.get("messageId")
    if message_id is None and any(key in envelope for key in _CONTROL_KEYS):
        return Frame(None)
    if not isinstance(message_id, str) or not message_id:
        return Frame(malformed_event(text, "the frame has no messageId"))
    message = _message(envelope, message_id)
    payload = envelope.get("payload")
    try:
        if not isinstance(payload, str):
            raise TypeError(f"payload is {type(payload).__name__}, not base64 text")
        data = base64.b64decode(payload, validate=True)
    except (binascii.Error, ValueError, TypeError) as exc:
        return Frame(
            malformed_event(text, f"the payload is not base64: {exc}", message), message_id
        )
    return Frame(parse_message(data, message), message_id)


def _message(envelope: dict[str, Any], message_id: str) -> StreamMessage:
    """The envelope's fields, typed where they read as documented; the rest (fields of no
    known name, values of the wrong type) kept as sent in `extra`."""
    extra = {k: v for k, v in envelope.items() if k not in _ENVELOPE_KEYS}
    properties = envelope.get("properties", {})
    if not isinstance(properties, dict):
        extra["properties"], properties = properties, {}
    redeliveries = envelope.get("redeliveryCount", 0)
    if type(redeliveries) is not int:
        extra["redeliveryCount"], redeliveries = redeliveries, _count(redeliveries)
    key = envelope.get("key")
    if key is not None and not isinstance(key, str):
        extra["key"], key = key, None
    return StreamMessage(
        message_id=message_id,
        publish_time=_timestamp(envelope, "publishTime", extra),
        redelivery_count=redeliveries,
        event_time=_timestamp(envelope, "eventTime", extra),
        key=key,
        properties={str(k): v if isinstance(v, str) else str(v) for k, v in properties.items()},
        extra=extra,
    )


def _count(value: Any) -> int:
    """A redelivery count sent as text ("2") still counts; anything else as 0."""
    return int(value) if isinstance(value, str) and value.isdigit() else 0


def _timestamp(envelope: dict[str, Any], name: str, extra: dict[str, Any]) -> dt.datetime | None:
    """ISO-8601 (`Z` or an offset: Python 3.10's parser needs the offset spelled out); a
    value that does not read as one is kept in `extra`."""
    value = envelope.get(name)
    if value is None:
        return None
    try:
        text = value[:-1] + "+00:00" if value[-1:] in ("Z", "z") else value
        stamp = dt.datetime.fromisoformat(text)
    except (ValueError, TypeError):
        extra[name] = value
        return None
    return stamp if stamp.tzinfo is not None else stamp.replace(tzinfo=dt.timezone.utc)
