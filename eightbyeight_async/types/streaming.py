"""Typed events of the SAPI event stream (`cc.streaming.subscribe(...)`) and its output types."""

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
    UnknownEvent,
)
from .._streaming._framing import OutputType

__all__ = [
    "AgentProvChange",
    "AgentStatusChange",
    "BacklogExpired",
    "Heartbeat",
    "InteractionEvent",
    "MalformedEvent",
    "MsgInfo",
    "OutputType",
    "ProvisioningItem",
    "StreamEvent",
    "UnknownEvent",
]
