"""Records of the Recordings API (`/api/recordings/...`): call recording files, chat
transcripts and their messages.

Fields are named after the documented camelCase wire names (`agentID` → `agent_id`); fields
no class lists are kept in `extra`. Durations are `timedelta` (the document's samples are in
seconds). Nested collections (`wrapUpCode`, `metaDatas`, `messages`) are tuples, empty when
the server sends none. Only the identifying fields are required: `start_date` and `filename`
of a file, `interaction_guid` of a transcript.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

import attrs

from .._convert import prepared_by, wire_field
from .._enums import OpenEnum
from .._errors import DecodeError

__all__ = [
    "MessageSender",
    "MetaData",
    "RecordingCallType",
    "RecordingFile",
    "Transcript",
    "TranscriptDetail",
    "TranscriptMessage",
    "TranscriptType",
    "WrapUpCode",
]

_NESTED: Mapping[str, tuple[str, ...]] = {
    "wrapUpCode": ("transactionCodes", "transactionCode"),
    "metaDatas": ("metaData",),
    "messages": ("message",),
}
"""Wire keys holding a collection → the element names down to its items."""
VIRTUAL_OUTBOUND_CHANNEL = "#virtual_outbound#"
VIRTUAL_DAA_CHANNEL = "#virtual_daa#"


class RecordingCallType(OpenEnum):
    """The kind of call a recording is of, which the document reads from its `channel`.

    QUEUED calls (the document's "Busy (Inbound/Outbound)" row) carry the dialled channel and
    the caller id; OUTBOUND ones the dial-out number; DIRECT_AGENT_ACCESS ones the caller id.
    """

    QUEUED = "queued"
    OUTBOUND = "outbound"
    DIRECT_AGENT_ACCESS = "direct agent access"


class TranscriptType(OpenEnum):
    """`transcriptType` of a chat transcript; the document shows `A2C` (agent to customer)."""

    AGENT_TO_CUSTOMER = "A2C"


class MessageSender(OpenEnum):
    """`messageFrom` of a transcript message. The document shows `C` (the customer); `A` (the
    agent) is read from the `A2C` transcript type. Other codes are kept as unknown members."""

    CUSTOMER = "C"
    AGENT = "A"


def _collection_items(value: Any, key: str, path: tuple[str, ...]) -> list[Any]:
    """The items of a nested collection (`{"metaData": [...]}`; one item or none too)."""
    for element in path:
        if value is None or value == "" or value == {}:
            return []
        if not isinstance(value, dict) or element not in value:
            raise DecodeError(f"expected {key}/{'/'.join(path)} items in a recordings record")
        value = value[element]
    if value is None:
        return []
    items = value if isinstance(value, list) else [value]
    if not all(isinstance(item, dict) for item in items):
        raise DecodeError(f"expected {key}/{'/'.join(path)} records in a recordings record")
    return items


def _flatten_nested(record: Mapping[str, Any]) -> dict[str, Any]:
    """The record with each nested collection as a plain list of item records."""
    nested = {
        k: _collection_items(record[k], k, path) for k, path in _NESTED.items() if k in record
    }
    return {**record, **nested}


@attrs.frozen
class MetaData:
    """One metadata entry (`<metaData><fieldName/><fieldValue/></metaData>`)."""

    field_name: str | None = wire_field("fieldName", default=None)
    field_value: str | None = wire_field("fieldValue", default=None)
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen
class WrapUpCode:
    """One transaction code the agent chose at wrap-up: its code list and its name."""

    list_name: str | None = wire_field("listName", default=None)
    name: str | None = wire_field("name", default=None)
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@prepared_by(_flatten_nested)
@attrs.frozen
class RecordingFile:
    """One call recording file (`/files`)."""

    start_date: datetime = wire_field("startDate")
    filename: str = wire_field("filename")
    agent_id: str | None = wire_field("agentID", default=None)
    phone_number: str | None = wire_field("phoneNumber", default=None)
    channel: str | None = wire_field("channel", default=None)
    case_id: str | None = wire_field("caseID", default=None)
    duration: timedelta | None = wire_field("duration", default=None)
    queue_id: str | None = wire_field("queueID", default=None)
    """Text: a queue object id such as `tenant~~queue~~phone~~102`, or `QUEUE_OUTBOUND`."""
    queue_name: str | None = wire_field("queueName", default=None)
    account_number: str | None = wire_field("accountNumber", default=None)
    transaction_id: str | None = wire_field("transactionID", default=None)
    ext_var1: str | None = wire_field("extVar1", default=None)
    ext_var2: str | None = wire_field("extVar2", default=None)
    out_dial_code: str | None = wire_field("outDialCode", default=None)
    wrap_up_codes: tuple[WrapUpCode, ...] = wire_field("wrapUpCode", default=())
    meta_data: tuple[MetaData, ...] = wire_field("metaDatas", default=())
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)

    @property
    def call_type(self) -> RecordingCallType:
        """Outbound, direct agent access or queued, read from `channel` as documented."""
        if self.channel == VIRTUAL_OUTBOUND_CHANNEL:
            return RecordingCallType.OUTBOUND
        if self.channel == VIRTUAL_DAA_CHANNEL:
            return RecordingCallType.DIRECT_AGENT_ACCESS
        return RecordingCallType.QUEUED

    @property
    def finish_date(self) -> datetime | None:
        """When the recording ended (start + duration): what `finish_date=` matches."""
        return None if self.duration is None else self.start_date + self.duration


@attrs.frozen
class TranscriptMessage:
    """One chat message, with its translation when the chat was translated."""

    message_time: datetime | None = wire_field("messageTime", default=None)
    message_from: MessageSender | None = wire_field("messageFrom", default=None)
    original_language: str | None = wire_field("originalLanguage", default=None)
    original_message: str | None = wire_field("originalMessage", default=None)
    translated_language: str | None = wire_field("translatedLanguage", default=None)
    translated_message: str | None = wire_field("translatedMessage", default=None)
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@prepared_by(_flatten_nested)
@attrs.frozen
class Transcript:
    """One chat transcript as `/transcripts` lists it (without its messages)."""

    interaction_guid: str = wire_field("interactionGUID")
    start_date: datetime | None = wire_field("startDate", default=None)
    agent_id: str | None = wire_field("agentID", default=None)
    agent_name: str | None = wire_field("agentName", default=None)
    contact_id: str | None = wire_field("contactID", default=None)
    contact_name: str | None = wire_field("contactName", default=None)
    queue_id: str | None = wire_field("queueID", default=None)
    queue_name: str | None = wire_field("queueName", default=None)
    channel_id: str | None = wire_field("channelID", default=None)
    channel_name: str | None = wire_field("channelName", default=None)
    case_id: str | None = wire_field("caseID", default=None)
    target_ip: str | None = wire_field("targetIP", default=None)
    transaction_id: str | None = wire_field("transactionID", default=None)
    transcript_type: TranscriptType | None = wire_field("transcriptType", default=None)
    duration: timedelta | None = wire_field("duration", default=None)
    meta_data: tuple[MetaData, ...] = wire_field("metaDatas", default=())
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False, repr=False)


@attrs.frozen
class TranscriptDetail(Transcript):
    """One transcript with its messages (`/transcripts/{interactionGUID}`)."""

    messages: tuple[TranscriptMessage, ...] = wire_field("messages", default=())
