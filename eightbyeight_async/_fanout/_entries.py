"""The Redis stream entry of one event, and the key that holds the bridge's source position.

An entry's fields (all text, so that consumers in any language can read them):

    event      the event's wire name: AgentStatusChange, AgentProvChange, Interaction, ...
    source     "sapi" or "events" (Event Streaming)
    source_id  SAPI: "{instanceId}:{sequenceId}"; Event Streaming: the message id
    time       the event's own time, ISO-8601 UTC, when it has one ("" otherwise)
    payload    the event's JSON as received: the one-key object, e.g. {"Interaction": {...}}

Two entries are not events from the wire, and their payload is written by the bridge so that
it stays a one-key JSON object like the others:

    MalformedEvent  a frame or message that could not be parsed, kept rather than dropped:
                    {"MalformedEvent": {"text": <the text received>, "reason": <why>}}
                    (SAPI: source_id ":", it has no position; Event Streaming: the message id)
    BacklogExpired  SAPI notice, the subscription was away longer than the server's backlog
                    and events were lost: {"BacklogExpired": {"subscriptionId": ...,
                    "lastDeliveredAt": ISO-8601 or null, "resumedAt": ISO-8601 or null}};
                    written in the same transaction as the event that revealed the loss

The position of each bridged source lives in the hash `{stream}:position`, field
`{source}:{name}` (SAPI: the subscription id; Event Streaming: the topic), value the JSON of
its `Checkpoint`, written in the same transaction as the entry of the event it follows. Beside
it, field `{source}:{name}:entries` counts the entries the bridge wrote for that source (same
transaction): after a lost reply the bridge compares it with its own count to know whether
the transaction committed, even for an entry that has no position (a MalformedEvent).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any, Final, Literal

from .._streaming._event_model import NO_MSG_INFO
from .._streaming._events import (
    AgentStatusChange,
    BacklogExpired,
    InteractionEvent,
    MalformedEvent,
    StreamEvent,
    StreamMessage,
    parse_frame,
)

Source = Literal["sapi", "events"]
FIELDS: Final = ("event", "source", "source_id", "time", "payload")


def position_key(stream: str) -> str:
    """The hash holding the bridged sources' positions, beside `stream`."""
    return f"{stream}:position"


def position_field(source: Source, name: str) -> str:
    """The field of one source in the position hash."""
    return f"{source}:{name}"


def entries_field(source: Source, name: str) -> str:
    """The field counting the entries the bridge wrote for one source (see the docstring)."""
    return f"{position_field(source, name)}:entries"


def source_id(event: StreamEvent) -> str:
    """Where the event sits in its source: `instanceId:sequenceId` or the message id."""
    if event.message_id is not None:
        return event.message_id
    info = event.msg_info
    return f"{info.instance_id or ''}:{'' if info.sequence_id is None else info.sequence_id}"


def event_time(event: StreamEvent) -> dt.datetime | None:
    """The event's own time: its status or interaction time, else when it was sent."""
    if isinstance(event, AgentStatusChange) and event.status_event_time is not None:
        return event.status_event_time
    if isinstance(event, InteractionEvent) and event.event_time is not None:
        return event.event_time
    return event.msg_info.timestamp or event.publish_time


def _iso(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.astimezone(dt.timezone.utc).isoformat()


def _stamp(text: object) -> dt.datetime | None:
    try:
        return dt.datetime.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def payload_of(event: StreamEvent) -> dict[str, Any]:
    """The one-key object an entry's payload holds: the raw event, or for a MalformedEvent
    and a BacklogExpired notice the form of the module docstring."""
    if isinstance(event, MalformedEvent):
        return {"MalformedEvent": {"text": event.text, "reason": event.reason}}
    if isinstance(event, BacklogExpired):
        notice = {
            "subscriptionId": event.subscription_id,
            "lastDeliveredAt": _iso(event.last_delivered_at),
            "resumedAt": _iso(event.resumed_at),
        }
        return {"BacklogExpired": notice}
    return event.raw


def entry(event: StreamEvent, source: Source) -> dict[str, str]:
    """The stream entry of `event` (see the module docstring)."""
    moment = event.resumed_at if isinstance(event, BacklogExpired) else event_time(event)
    payload = payload_of(event)
    return {
        "event": next(iter(payload)),
        "source": source,
        "source_id": source_id(event),
        "time": _iso(moment) or "",
        "payload": json.dumps(payload, ensure_ascii=False, separators=(",", ":")),
    }


def _notice(fields: dict[str, str]) -> StreamEvent | None:
    """The MalformedEvent or BacklogExpired an entry holds, None for an event from the wire."""
    name = fields.get("event")
    if name not in ("MalformedEvent", "BacklogExpired"):
        return None
    try:
        body = json.loads(fields.get("payload", ""))[name]
    except (ValueError, TypeError, KeyError, RecursionError):
        return None
    if not isinstance(body, dict):
        return None
    if name == "MalformedEvent":
        return MalformedEvent(
            name="",
            msg_info=NO_MSG_INFO,
            raw={},
            text=str(body.get("text", "")),
            reason=str(body.get("reason", "")),
        )
    return BacklogExpired(
        name="BacklogExpired",
        msg_info=NO_MSG_INFO,
        raw={},
        subscription_id=str(body.get("subscriptionId", "")),
        last_delivered_at=_stamp(body.get("lastDeliveredAt")),
        resumed_at=_stamp(body.get("resumedAt")),
    )


def event_from_entry(fields: dict[str, str]) -> StreamEvent:
    """The typed event an entry holds (the same classes the stream readers yield); an entry
    that cannot be read becomes a MalformedEvent, never an exception."""
    event = _notice(fields) or parse_frame(fields.get("payload", ""), xml=False)
    if fields.get("source") == "events" and fields.get("source_id"):
        event.message = StreamMessage(message_id=fields["source_id"])
    return event
