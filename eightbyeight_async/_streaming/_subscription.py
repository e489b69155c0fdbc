"""`cc.streaming`: a long-lived SAPI subscription that reconnects and never delivers twice.

The subscription loop lives here: reconnect with backoff, drop replays with the delivery
tracker, save checkpoints, count. One connection at a time comes from `_connection`.

The reader pulls: bytes are read only while the caller waits for the next event, so a slow
consumer slows the reading (TCP pushes back on the server) and memory stays bounded by one
chunk's events. No task runs in the background; leaving the `async with` block closes the
connection.
"""

from __future__ import annotations

import collections
import contextlib
import datetime as dt
import logging
import random
from collections.abc import AsyncIterator

import anyio

from .._constants import SAPI_BACKLOG_HOURS, SAPI_HASH_WINDOW, SAPI_MAX_FRAME_CHARS
from .._errors import (
    APIConnectionError,
    ConfigurationError,
    InvalidArgumentError,
    TooManyClientsError,
)
from .._http import HttpPipeline
from ._backoff import Backoff
from ._checkpoint import Checkpoint, CheckpointStore
from ._connection import SUBSCRIBE_PATH, Connection, Read, StreamEndpoint, failure_kind
from ._delivery import DeliveryTracker, StreamStats
from ._events import (
    BacklogExpired,
    Heartbeat,
    MalformedEvent,
    MsgInfo,
    StreamEvent,
    malformed_event,
    parse_frame,
)
from ._framing import HEARTBEAT, OutputType
from ._options import ReconnectPolicy, check_subscribe

logger = logging.getLogger("eightbyeight_async.streaming")


class EventStream:
    """The events of one subscription, across reconnects. Use through `subscribe()`."""

    def __init__(
        self,
        endpoint: StreamEndpoint,
        checkpoint: Checkpoint,
        *,
        store: CheckpointStore | None,
        heartbeats: bool,
        policy: ReconnectPolicy,
        hash_window: int,
        rng: random.Random | None = None,
    ) -> None:
        self.stats = StreamStats()
        self._endpoint = endpoint
        self._xml = endpoint.output.endswith("XML")
        self._store = store
        self._dirty = False
        self._heartbeats = heartbeats
        self._policy = policy
        self._backoff = Backoff(policy, rng or random.Random())
        self._tracker = DeliveryTracker(checkpoint, hash_window)
        self._pending: collections.deque[StreamEvent] = collections.deque()
        self._last_returned: StreamEvent | None = None
        self._connection: Connection | None = None

    @property
    def subscription_id(self) -> str:
        """The subscription's name on the server (reused across reconnects and restarts)."""
        return self._tracker.subscription_id

    def __aiter__(self) -> EventStream:
        return self

    @property
    def output(self) -> OutputType:
        """The events' wire format."""
        return self._endpoint.output

    async def __anext__(self) -> StreamEvent:
        self._acknowledge()
        while not self._pending:
            connection = self._connection or await self._connect()
            self._take(await connection.read(self._policy.stall_timeout))
        event = self._pending.popleft()
        self._last_returned = event
        self.stats.events += 1
        return event

    # --- acknowledgement and checkpoints ---------------------------------------------------

    def _acknowledge(self) -> None:
        """The caller came back for more: the event returned last was received; save it."""
        event, self._last_returned = self._last_returned, None
        if event is not None and self._tracker.received(event.msg_info):
            self._dirty = True
        self.save_checkpoint()

    def save_checkpoint(self) -> None:
        """Write the checkpoint now if it changed (done after every received event)."""
        if self._store is not None and self._dirty:
            self._store.save(self._tracker.checkpoint)
            self._dirty = False

    # --- connecting ------------------------------------------------------------------------

    async def _connect(self) -> Connection:
        """Open the stream, retrying as the policy says; raises on auth and bad requests."""
        delay = self._backoff.take_pending()
        if delay:  # waited here, not at the disconnect, so the events read before go first
            await anyio.sleep(delay)
        attempts = 0
        while True:
            attempts += 1
            try:
                connection = await self._endpoint.open(self.subscription_id)
            except Exception as exc:
                await self._retry_after(exc, attempts)
                continue
            self._connected(connection)
            return connection

    async def _retry_after(self, error: Exception, attempts: int) -> None:
        """Wait before the next attempt, or raise if `error` or `attempts` forbid one."""
        kind = failure_kind(error)
        if kind is None:
            raise error  # 400/401/403/404: reconnecting cannot fix it
        if kind != "too many clients":
            delay = self._backoff.failed(kind)
            await self._wait(delay, f"{kind} error ({error})", attempts)
        elif self._policy.too_many_clients == "raise":
            raise TooManyClientsError(
                f"SAPI allows three listening clients per tenant and {self._endpoint.tenant} "
                "has them; close one, or use too_many_clients='wait'"
            ) from error
        else:
            await self._wait(self._policy.too_many_clients_delay, kind, attempts)

    async def _wait(self, delay: float, reason: str, attempts: int) -> None:
        limit = self._policy.max_attempts
        if limit is not None and attempts >= limit:
            raise APIConnectionError(
                f"SAPI connection failed {attempts} times in a row (last: {reason}); giving up",
                method="GET",
                url=SUBSCRIBE_PATH,
            )
        logger.info(
            "SAPI subscription %s reconnecting in %.2fs after %s",
            self.subscription_id,
            delay,
            reason,
        )
        await anyio.sleep(delay)

    def _connected(self, connection: Connection) -> None:
        self._connection = connection
        self.stats.connects += 1
        if self.stats.connects > 1:
            self.stats.reconnects += 1
            self._tracker.reconnected()
        self.stats.connected_since = dt.datetime.now(dt.timezone.utc)
        logger.info("SAPI subscription %s connected", self.subscription_id)

    def _disconnected(self, reason: str, lived: float) -> None:
        """The connection ended (it closed itself): decide how soon to reconnect."""
        self._connection = None
        self.stats.connected_since = None
        logger.info(
            "SAPI subscription %s disconnected (%s) after %.1fs",
            self.subscription_id,
            reason,
            lived,
        )
        self._backoff.disconnected(reason == "session ended", lived)

    async def aclose(self) -> None:
        """Close the connection and save the checkpoint (called by `subscribe()` on exit)."""
        self._acknowledge()
        connection, self._connection = self._connection, None
        if connection is not None:
            await connection.aclose()

    # --- reading ---------------------------------------------------------------------------

    def _take(self, read: Read) -> None:
        """Turn a chunk's frames into pending events; note a disconnection."""
        self.stats.bytes += read.size
        for frame in read.frames:
            self._accept(frame)
        if read.rest:
            self._malformed(malformed_event(read.rest, read.problem))
        if read.ended is not None and self._connection is not None:
            self._disconnected(read.ended, self._connection.age)

    def _malformed(self, event: MalformedEvent) -> None:
        self.stats.malformed += 1
        logger.warning("SAPI frame unreadable (%s); delivered as MalformedEvent", event.reason)
        self._pending.append(event)

    def _accept(self, frame: str) -> None:
        if frame == HEARTBEAT:
            self.stats.heartbeats += 1
            return
        event = parse_frame(frame, xml=self._xml)
        if isinstance(event, Heartbeat):
            self.stats.heartbeats += 1
            if self._heartbeats:
                self._pending.append(event)
            return
        if isinstance(event, MalformedEvent):
            self._malformed(event)
            return
        verdict = self._tracker.accept(event)
        if verdict.duplicate:
            self.stats.duplicates_dropped += 1
            return
        if verdict.missed:
            self.stats.gaps += 1
            self.stats.missed_events += verdict.missed
        if verdict.expired_since is not None:
            self._backlog_expired(verdict.expired_since, event)
        self._pending.append(event)

    def _backlog_expired(self, last: dt.datetime, event: StreamEvent) -> None:
        """After a reconnect: the outage was longer than the server's backlog."""
        stamp = event.msg_info.timestamp
        assert stamp is not None  # the tracker compared it with `last`
        self.stats.backlog_expired += 1
        logger.warning(
            "SAPI subscription %s was disconnected longer than the %d-hour backlog "
            "(%s to %s): events were lost; resynchronise",
            self.subscription_id,
            SAPI_BACKLOG_HOURS,
            last.isoformat(),
            stamp.isoformat(),
        )
        self._pending.append(
            BacklogExpired(
                name="BacklogExpired",
                msg_info=MsgInfo(),
                raw={},
                subscription_id=self.subscription_id,
                last_delivered_at=last,
                resumed_at=stamp,
            )
        )


class Streaming:
    """The SAPI streaming API. Authenticates with the tenant and its data token."""

    def __init__(self, pipeline: HttpPipeline, tenant: str | None) -> None:
        self._pipeline = pipeline
        self._tenant = tenant

    @contextlib.asynccontextmanager
    async def subscribe(
        self,
        subscription_id: str | None = None,
        *,
        output: OutputType = "NEWLINE_JSON",
        checkpoint: CheckpointStore | None = None,
        heartbeats: bool = False,
        reconnect: ReconnectPolicy | None = None,
        max_frame_chars: int = SAPI_MAX_FRAME_CHARS,
        hash_window: int = SAPI_HASH_WINDOW,
    ) -> AsyncIterator[EventStream]:
        """Listen to the tenant's events until the block is left.

            async with cc.streaming.subscribe("crm-sync") as events:
                async for event in events: ...

        Reuse the same `subscription_id` to receive what happened while disconnected (the
        server keeps 2 hours). With a `checkpoint` store the subscription id and the last
        delivered event survive a restart, so nothing is delivered twice.
        """
        check_subscribe(
            subscription_id, output, checkpoint, heartbeats, reconnect, max_frame_chars, hash_window
        )
        if not self._tenant:
            raise ConfigurationError("SAPI needs the tenant name: pass tenant= to ContactCenter")
        stream = EventStream(
            StreamEndpoint(self._pipeline, self._tenant, output, max_frame_chars),
            _initial_checkpoint(subscription_id, checkpoint),
            store=checkpoint,
            heartbeats=heartbeats,
            policy=reconnect or ReconnectPolicy(),
            hash_window=hash_window,
        )
        try:
            yield stream
        finally:
            await stream.aclose()


def _initial_checkpoint(subscription_id: str | None, store: CheckpointStore | None) -> Checkpoint:
    saved = store.load() if store is not None else None
    if saved is not None and subscription_id not in (None, saved.subscription_id):
        raise ConfigurationError(
            f"the checkpoint belongs to subscription {saved.subscription_id!r}, not "
            f"{subscription_id!r}; use another checkpoint file or the saved subscription"
        )
    if saved is not None:
        return saved
    if not subscription_id or not subscription_id.strip():
        raise InvalidArgumentError(
            "subscription_id is required (a stable name such as 'crm-sync': reusing it is "
            "what lets the server replay what you missed)"
        )
    return Checkpoint(subscription_id=subscription_id)
