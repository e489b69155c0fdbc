"""`RedisBridge`: one SAPI subscription or one Event Streaming topic written into a Redis
stream, exactly once across crashes, so that any number of consumers can share the tenant's
events (SAPI allows three listening clients per tenant).

    async with RedisBridge("redis://127.0.0.1:6379/0", stream="8x8:events") as bridge:
        await bridge.run_sapi(cc, "crm-sync")

Each event becomes one stream entry (fields in `_entries`). The source position is kept in
Redis, not in a file: it is written in the same MULTI/EXEC as the entry of the event it
follows (`_bridge_writer`), and a starting bridge reads it back and hands it to the SDK's
reader as its checkpoint, so the reader resumes after it and drops what the server replays.
Killed at any instant, the bridge leaves the stream and the position agreeing: a restart
neither skips nor repeats an event. One limit is SAPI's own: it has no acknowledgements, so
the events it had sent when the bridge died are recovered only through its replay on
reconnect (its last few events); events in flight beyond that are a gap the reader reports
(`source_stats.gaps`), not something the bridge can recover.

redis-py's asyncio client is asyncio-only: under trio the bridge refuses before any I/O.
"""

from __future__ import annotations

import datetime as dt
import types
from typing import TYPE_CHECKING, Any

import attrs

from .._errors import ConfigurationError, InvalidArgumentError
from .._streaming._checkpoint import Checkpoint, MemoryCheckpointStore
from .._streaming._delivery import StreamStats
from .._streaming._events import BacklogExpired, Heartbeat, StreamEvent
from .._streaming._events_api import check_start, topic_of
from .._streaming._framing import OutputType
from .._streaming._options import ReconnectPolicy
from .._streaming._subscription import EventStream
from .._streaming._topic_stream import TopicStream
from .._validate import describe_value, is_count
from ._bridge_redis import new_client, require_asyncio
from ._bridge_writer import BridgeStats, StreamWriter
from ._entries import Source, entry

if TYPE_CHECKING:
    from redis.asyncio import Redis

    from .._client import ContactCenter

DEFAULT_STREAM = "8x8:events"


class RedisBridge:
    """Writes one event source into the Redis stream `stream`, exactly once.

    `maxlen` trims the stream to about that many entries (`XADD MAXLEN ~`); `reconnect`
    is the backoff while Redis is unreachable (its `initial_delay`, `max_network_delay` and
    `max_attempts`; by default it waits forever, never dropping an event it has read).
    Run one bridge per source: the position of each lives in the hash `{stream}:position`.
    """

    def __init__(
        self,
        redis_url: str,
        *,
        stream: str = DEFAULT_STREAM,
        maxlen: int | None = None,
        reconnect: ReconnectPolicy | None = None,
    ) -> None:
        if not isinstance(redis_url, str) or not redis_url.strip():
            raise InvalidArgumentError(
                f"redis_url must be a URL such as redis://127.0.0.1:6379/0; got "
                f"{describe_value(redis_url)}"
            )
        if not isinstance(stream, str) or not stream.strip():
            raise InvalidArgumentError(
                f"stream must be a key name such as '8x8:events'; got {describe_value(stream)}"
            )
        if maxlen is not None and not is_count(maxlen, 1):
            raise InvalidArgumentError(
                f"maxlen must be None (keep every entry) or an int >= 1; got "
                f"{describe_value(maxlen)}"
            )
        if reconnect is not None and not isinstance(reconnect, ReconnectPolicy):
            raise InvalidArgumentError(
                f"reconnect must be a ReconnectPolicy(...) or None; got {describe_value(reconnect)}"
            )
        self.redis_url = redis_url
        self.stream = stream
        self.maxlen = maxlen
        self._policy = reconnect or ReconnectPolicy()
        self._client: Redis | None = None
        self.stats = BridgeStats()
        """The counters of the current (or last) run."""
        self.source_stats: StreamStats | None = None
        """The source reader's counters of the current (or last) run."""

    def __repr__(self) -> str:
        state = "open" if self._client is not None else "closed"
        return f"RedisBridge(stream={self.stream!r}, {state}, written={self.stats.events_written})"

    async def __aenter__(self) -> RedisBridge:
        require_asyncio()
        if self._client is None:
            self._client = new_client(self.redis_url)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: types.TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the Redis client (the position is already in Redis)."""
        client, self._client = self._client, None
        if client is not None:
            await client.aclose()

    # --- sources ---------------------------------------------------------------------------

    async def run_sapi(
        self,
        cc: ContactCenter,
        subscription_id: str,
        *,
        output: OutputType = "NEWLINE_JSON",
        max_events: int | None = None,
    ) -> BridgeStats:
        """Write the SAPI subscription `subscription_id` into the stream until cancelled (or
        `max_events` entries); resumes from the position stored in Redis."""
        client = self._open()
        if not isinstance(subscription_id, str) or not subscription_id.strip():
            raise InvalidArgumentError(
                "subscription_id must be a stable name such as 'crm-sync'; got "
                f"{describe_value(subscription_id)}"
            )
        _check_max_events(max_events)
        writer = self._writer(client, "sapi", subscription_id)
        stored = await writer.load()
        checkpoint = stored.checkpoint or Checkpoint(subscription_id=subscription_id)
        store = MemoryCheckpointStore(checkpoint)
        async with cc.streaming.subscribe(
            subscription_id, output=output, checkpoint=store
        ) as events:
            await self._pump(events, writer, "sapi", checkpoint, max_events)
        return self.stats

    async def run_events(
        self,
        cc: ContactCenter,
        *,
        topic: str | None = None,
        event_type: str | None = None,
        agent_id: str | None = None,
        start: str = "earliest",
        max_events: int | None = None,
    ) -> BridgeStats:
        """Write one Event Streaming topic into the stream until cancelled (or `max_events`
        entries); resumes strictly after the message id stored in Redis, else at `start`."""
        client = self._open()
        namespace, name = topic_of(topic, event_type, agent_id)
        check_start(start)
        _check_max_events(max_events)
        if not cc.tenant:
            raise ConfigurationError("Event Streaming needs the tenant name: pass tenant=")
        full_topic = f"persistent://{cc.tenant}/{namespace}/{name}"
        writer = self._writer(client, "events", full_topic)
        stored = await writer.load()
        checkpoint = stored.checkpoint or Checkpoint(subscription_id=full_topic)
        store = MemoryCheckpointStore(checkpoint)
        async with cc.events.subscribe(
            topic=topic, event_type=event_type, agent_id=agent_id, start=start, checkpoint=store
        ) as events:
            await self._pump(events, writer, "events", checkpoint, max_events)
        return self.stats

    # --- the loop --------------------------------------------------------------------------

    def _open(self) -> Redis:
        require_asyncio()
        if self._client is None:
            raise ConfigurationError(
                "the bridge is not open: use `async with RedisBridge(...) as bridge:`"
            )
        self.stats = BridgeStats()
        self.source_stats = None
        return self._client

    def _writer(self, client: Redis, source: Source, name: str) -> StreamWriter:
        return StreamWriter(
            client,
            stream=self.stream,
            maxlen=self.maxlen,
            source=source,
            name=name,
            policy=self._policy,
            stats=self.stats,
        )

    async def _pump(
        self,
        events: EventStream | TopicStream,
        writer: StreamWriter,
        source: Source,
        checkpoint: Checkpoint,
        max_events: int | None,
    ) -> None:
        """Read an event, write it (with its position), and only then read the next: while
        Redis is down nothing more is taken from the source."""
        self.source_stats = events.stats
        held: list[StreamEvent] = []
        handled = 0
        async for event in events:
            if isinstance(event, Heartbeat):
                continue  # not asked for; a heartbeat is not an event for consumers
            if isinstance(event, BacklogExpired):
                held.append(event)  # written with the event that revealed it
                continue
            checkpoint = advance(checkpoint, event)
            batch = [*held, event]
            held = []
            await writer.write([entry(e, source) for e in batch], checkpoint)
            handled += len(batch)
            if max_events is not None and handled >= max_events:
                return


def advance(checkpoint: Checkpoint, event: StreamEvent) -> Checkpoint:
    """The checkpoint after `event` (a new one; `checkpoint` is left as it was). SAPI: the
    last sequence id of the event's instance and its timestamp; Event Streaming: its message
    id. An event without a position (a SAPI MalformedEvent) leaves it unchanged."""
    if event.message_id is not None:
        return attrs.evolve(checkpoint, last_message_id=event.message_id)
    info = event.msg_info
    if info.instance_id is None or info.sequence_id is None:
        return checkpoint
    changes: dict[str, Any] = {
        "last_sequence": {**checkpoint.last_sequence, info.instance_id: info.sequence_id}
    }
    if info.timestamp is not None:
        changes["last_timestamp_ms"] = _millis(info.timestamp)
    return attrs.evolve(checkpoint, **changes)


def _millis(stamp: dt.datetime) -> int:
    return int(stamp.timestamp() * 1000)


def _check_max_events(max_events: object) -> None:
    if max_events is not None and not is_count(max_events, 1):
        raise InvalidArgumentError(
            f"max_events must be None or an int >= 1; got {describe_value(max_events)}"
        )
