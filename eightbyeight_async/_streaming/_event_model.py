"""The event classes both streams deliver (SAPI and Event Streaming); see `_events`.

Typed attributes hold what the wire means where that is clear; a value of the wrong type for
its attribute leaves the attribute None and is kept, as received, in `extra` under its wire
name. `raw` always holds the payload exactly as parsed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import attrs


def as_bool(value: Any) -> bool | None:
    """A wire boolean: JSON `true`/`false`, or the text "true"/"false" in any case (as XML
    and some JSON payloads send it); None for anything else (never raises)."""
    if value is True or value is False:
        return value
    if isinstance(value, str):
        folded = value.strip().lower()
        if folded == "true":
            return True
        if folded == "false":
            return False
    return None


@attrs.define(slots=True, frozen=True)
class MsgInfo:
    """Where an event sits in the server's stream: replay and gap detection use it.

    Empty (all None) for Event Streaming, whose payloads carry `msgInfo: {}`: there the
    event's `message` says where it came from.
    """

    instance_id: str | None = None
    sequence_id: int | None = None
    timestamp: dt.datetime | None = None
    """`msgInfo.timestamp` (epoch milliseconds on the wire)."""


NO_MSG_INFO = MsgInfo()
"""The MsgInfo of an event without one (shared: MsgInfo is immutable)."""


@attrs.define(slots=True, frozen=True)
class StreamMessage:
    """Where an Event Streaming event came from: the Pulsar message that carried it."""

    message_id: str
    """The message id as the server sent it (base64): resume and acknowledge with it."""
    publish_time: dt.datetime | None = None
    redelivery_count: int = 0
    event_time: dt.datetime | None = None
    key: str | None = None
    properties: dict[str, str] = attrs.field(factory=dict)
    extra: dict[str, Any] = attrs.field(factory=dict)
    """Envelope fields of no documented name, and values that did not read as documented."""


@attrs.define(slots=True, kw_only=True)
class StreamEvent:
    """Base of every event: its name on the wire, position and raw payload."""

    name: str
    """The payload's one top-level key (`AgentStatusChange`, `Interaction`, `GuestChatEnd` …)."""
    msg_info: MsgInfo
    raw: dict[str, Any] = attrs.field(repr=False)
    """The one-key payload exactly as parsed (JSON types kept; XML gives text)."""
    message: StreamMessage | None = None
    """The Event Streaming message (None for SAPI events)."""

    @property
    def message_id(self) -> str | None:
        """The Event Streaming message id (None for SAPI events)."""
        return None if self.message is None else self.message.message_id

    @property
    def publish_time(self) -> dt.datetime | None:
        """When Event Streaming published the event (None for SAPI events)."""
        return None if self.message is None else self.message.publish_time

    @property
    def redelivery_count(self) -> int:
        """How often Event Streaming delivered this message before (0 for SAPI events)."""
        return 0 if self.message is None else self.message.redelivery_count

    def wire_value(self, key: str) -> Any:
        """The payload's field `key` as received (None if absent): documented or not."""
        payload = next(iter(self.raw.values()), None)
        return payload.get(key) if isinstance(payload, dict) else None

    def flag(self, key: str) -> bool | None:
        """The payload's field `key` read as a boolean (`true`, `"true"`, `"TRUE"` …; see
        `as_bool`), None if it is absent or not a boolean. Boolean fields are not otherwise
        typed: their value stays in `extra` as received."""
        return as_bool(self.wire_value(key))


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
    """One changed provisioning value of an agent (values as text: numbers become digits)."""

    key: str | None
    new_value: str | None
    old_value: str | None


@attrs.define(slots=True, kw_only=True)
class AgentProvChange(StreamEvent):
    """An agent's provisioning changed: `AgentProvChange` (its `event` e.g. `AgentSkillChanged`,
    `AgentSkillCreated`), or an `AgentSkillCreated` / `AgentSkillChanged` top-level event
    (then `name` is that key and `event` what the payload says, if anything)."""

    agent_id: str | None = None
    event: str | None = None
    number_of_changes: int | None = None
    items: list[ProvisioningItem] = attrs.field(factory=list)
    """Readable `provisioningItems`; if any item was not, the whole wire value is also kept
    in `extra["provisioningItems"]`."""
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class InteractionEvent(StreamEvent):
    """An interaction's lifecycle step (`Interaction`; `event` `InteractionCreated`,
    `InteractionQueued`, … `InteractionDeleted`, as the wire names it)."""

    event: str | None = None
    interaction_guid: str | None = None
    agent_id: str | None = None
    direction: str | None = None
    media_type: str | None = None
    call_state: str | None = None
    """`callState` (e.g. `CS_QUEUED`), where the payload has it."""
    queue_id: str | None = None
    inbound_channel_id: str | None = None
    """`inboundChannelid` as text: a number becomes its digits, "N/A" stays "N/A" (see
    `inbound_channel_number` for the number)."""
    outbound_campaign_id: str | None = None
    transaction_num: int | None = None
    event_time: dt.datetime | None = None
    """When the step happened: `eventTS`, or `interactionEventTS` when there is no `eventTS`
    (many interaction payloads carry only the latter)."""
    interaction_event_time: dt.datetime | None = None
    """`interactionEventTS` itself, when present."""
    queue_time: dt.datetime | None = None
    disposition_code: str | None = None
    """`dispositionCode` as text: 1000 becomes "1000", "SALE" stays "SALE"."""
    participating_agents: list[str] = attrs.field(factory=list)
    """`participatingAgents`: agent ids separated by `,` or `;` (blanks trimmed, empties
    left out), or a list of them."""
    attached_data: dict[str, str] = attrs.field(factory=dict)
    """`attachedData` as key → value, values as text: numbers as their digits, booleans as
    "true"/"false", null as "". The wire types are in `raw` (see `attached_value`); if any
    datum could not be read (or a key repeats), the whole wire value is also kept in
    `extra["attachedData"]`."""
    extra: dict[str, Any] = attrs.field(factory=dict)

    @property
    def inbound_channel_number(self) -> int | None:
        """`inbound_channel_id` as a number; None when absent or not one (e.g. "N/A")."""
        text = self.inbound_channel_id
        return int(text) if text is not None and text.isdigit() else None

    def attached_value(self, key: str) -> Any:
        """The `attachedDataValue` of `key` exactly as received (number, text, boolean…)."""
        data = self.wire_value("attachedData")
        found = data.get("attachedDatum") if isinstance(data, dict) else None
        for datum in found if isinstance(found, list) else [found]:
            if isinstance(datum, dict) and datum.get("attachedDataKey") == key:
                return datum.get("attachedDataValue")
        return None


@attrs.define(slots=True, kw_only=True)
class Heartbeat(StreamEvent):
    """A `ClientCheck` heartbeat; delivered only when asked for."""


@attrs.define(slots=True, kw_only=True)
class UnknownEvent(StreamEvent):
    """An event without a typed class (e.g. `GuestChatEnd`, `MediaProxyAdded`,
    `MediaProxyRemoved`, or a name this SDK does not know yet), or a known one whose body is
    not an object: its name and payload, unchanged."""

    payload: Any = None


@attrs.define(slots=True, kw_only=True)
class MalformedEvent(StreamEvent):
    """A frame or message that is not a one-key JSON object or XML document; kept (with the
    reason and, for Event Streaming, its `message`) rather than dropped."""

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
