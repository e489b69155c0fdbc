"""Typed events of the SAPI event stream (`cc.streaming.subscribe(...)`) and of Event
Streaming (`cc.events.subscribe(...)`; one model for both), their argument types, and Event
Streaming's message ids."""

from .._streaming._events import (
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
from .._streaming._events_api import SubscriptionType
from .._streaming._framing import OutputType
from .._streaming._message_id import MessageId, MessageIdError

__all__ = [
    "AgentProvChange",
    "AgentStatusChange",
    "BacklogExpired",
    "Heartbeat",
    "InteractionEvent",
    "MalformedEvent",
    "MessageId",
    "MessageIdError",
    "MsgInfo",
    "OutputType",
    "ProvisioningItem",
    "StreamEvent",
    "StreamMessage",
    "SubscriptionType",
    "UnknownEvent",
    "as_bool",
]
