"""What goes over the socket: message frames, replies, and Pulsar's close codes.

A message frame is a JSON text::

    {"messageId": "CAEQAQ==", "payload": "<base64 of the event's UTF-8 JSON>",
     "properties": {}, "publishTime": "2024-06-03T17:00:00.123Z", "redeliveryCount": 0,
     ["eventTime": "…",] ["key": "…"]}

Pulsar's WebSocket proxy closes a session it cannot serve with a code of its own, 1 to 8,
outside RFC 6455's range (clients built on strict WebSocket libraries see a protocol error).
"""

from __future__ import annotations

import base64
import enum
import json
from typing import Any

from ._sessions import Delivery


class PulsarClose(enum.IntEnum):
    """The WebSocket proxy's close codes (`org.apache.pulsar.websocket.WebSocketError`)."""

    FAILED_TO_CREATE_PRODUCER = 1
    FAILED_TO_SUBSCRIBE = 2
    FAILED_TO_DESERIALIZE_FROM_JSON = 3
    FAILED_TO_SERIALIZE_TO_JSON = 4
    AUTHENTICATION_ERROR = 5
    NOT_AUTHORIZED_ERROR = 6
    PAYLOAD_ENCODING_ERROR = 7
    UNKNOWN_ERROR = 8


NORMAL_CLOSE = 1000
IDLE_CLOSE = 1001
IDLE_REASON = "Idle timeout"
DESERIALIZE_REASON = "Failed to deserialize from JSON"
END_OF_TOPIC_REPLY = json.dumps({"endOfTopic": False})
CONTROL_FRAME: dict[str, Any] = {"type": "keepalive"}
"""What `control_frame()` pushes by default: a frame with a `type` and no `messageId`."""


def message_frame(delivery: Delivery) -> str:
    """The JSON text of one message frame."""
    message = delivery.message
    frame: dict[str, Any] = {
        "messageId": message.message_id,
        "payload": base64.b64encode(message.payload_text.encode()).decode("ascii"),
        "properties": {},
        "publishTime": message.publish_time,
        "redeliveryCount": delivery.redelivery_count,
    }
    if message.event_time is not None:
        frame["eventTime"] = message.event_time
    if message.key is not None:
        frame["key"] = message.key
    return json.dumps(frame, separators=(",", ":"))


def malformed_frame(next_frame: str | None) -> str:
    """A frame that is not JSON at all: the start of a message frame, cut off."""
    text = next_frame or '{"messageId":"CAEQAQ==","payload":"eyJ'
    return text[: max(8, len(text) // 3)]


def render_payload(event: dict[str, Any]) -> str:
    """The event's JSON text (compact, non-ASCII characters as themselves)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def malformed_payload(event: dict[str, Any]) -> str:
    """Invalid JSON text for a malformed-payload fault: the event's text cut in half."""
    text = render_payload(event)
    return text[: len(text) // 2]
