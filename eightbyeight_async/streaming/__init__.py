"""The SAPI streaming reader: `cc.streaming.subscribe(...)` and its typed events."""

from ._checkpoint import Checkpoint, CheckpointStore, FileCheckpointStore, MemoryCheckpointStore
from ._delivery import StreamStats
from ._events import (
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
from ._framing import OUTPUT_TYPES, Framer, FramingError, OutputType
from ._options import ReconnectPolicy
from ._reader import EventStream, Streaming

__all__ = [
    "OUTPUT_TYPES",
    "AgentProvChange",
    "AgentStatusChange",
    "BacklogExpired",
    "Checkpoint",
    "CheckpointStore",
    "EventStream",
    "FileCheckpointStore",
    "Framer",
    "FramingError",
    "Heartbeat",
    "InteractionEvent",
    "MalformedEvent",
    "MemoryCheckpointStore",
    "MsgInfo",
    "OutputType",
    "ProvisioningItem",
    "ReconnectPolicy",
    "StreamEvent",
    "StreamStats",
    "Streaming",
    "UnknownEvent",
]
