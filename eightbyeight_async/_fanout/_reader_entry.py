"""What a Redis consumer-group reader hands out (`StreamEntry`) and what it counts
(`ReaderStats`), kept apart from the reader's I/O so both can be used without Redis."""

from __future__ import annotations

import attrs

from .._streaming._events import StreamEvent
from ._entries import event_from_entry


@attrs.frozen
class StreamEntry:
    """One entry of the bridged Redis stream: its id, its text fields (see `_entries.py`)
    and the typed event they hold, the same classes the SDK's stream readers yield.

    The reader yields entries rather than bare events so that the Redis entry id (the
    consumer's idempotency key, and what `XACK` takes) stays with the event.
    """

    id: str
    """The Redis stream entry id, e.g. `1733155200000-0`."""
    fields: dict[str, str] = attrs.field(repr=False)
    """The entry's fields as stored: event, source, source_id, time, payload."""
    event: StreamEvent
    """The typed event (`AgentStatusChange`, `InteractionEvent` ...; a `MalformedEvent` for an
    entry that cannot be read: never an exception)."""

    @classmethod
    def read(cls, entry_id: str, fields: dict[str, str]) -> StreamEntry:
        """The entry `entry_id` with `fields` as Redis returned them, its event decoded."""
        return cls(id=entry_id, fields=fields, event=event_from_entry(fields))

    @property
    def source_id(self) -> str:
        """Where the event sits in its source (SAPI `instanceId:sequenceId`, or the Event
        Streaming message id), as the bridge wrote it."""
        return self.fields.get("source_id", "")


@attrs.define
class ReaderStats:
    """Counters of one `RedisEventReader`, since it was created."""

    read: int = 0
    """Entries received from Redis: new ones, its own pending ones and claimed ones."""
    acked: int = 0
    """Entries acknowledged (`XACK`) after the caller handled them."""
    claimed: int = 0
    """Entries taken over from consumers idle for `claim_idle` (`XAUTOCLAIM`)."""
    reconnects: int = 0
    """Times the reader lost its Redis connection and got it back."""
