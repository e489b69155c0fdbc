"""`cc.streaming`: a long-lived SAPI consumer that reconnects and never delivers twice.

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
import time
import urllib.parse
from collections.abc import AsyncIterator

import anyio
import httpx

from .._config import ApiFamily
from .._errors import (
    APIConnectionError,
    APIStatusError,
    ConfigurationError,
    InvalidArgumentError,
    RateLimitError,
    TooManyClientsError,
)
from .._http import HttpPipeline, RequestOptions
from .._retry import RetryPolicy
from ._checkpoint import Checkpoint, CheckpointStore
from ._delivery import DeliveryTracker, StreamStats
from ._events import (
    BacklogExpired,
    Heartbeat,
    MalformedEvent,
    MsgInfo,
    StreamEvent,
    parse_frame,
)
from ._framing import DEFAULT_MAX_FRAME_CHARS, HEARTBEAT, Framer, FramingError, OutputType
from ._options import ReconnectPolicy, check_subscribe

logger = logging.getLogger("eightbyeight_async.streaming")

BACKLOG_RETENTION = dt.timedelta(hours=2)
"""How long SAPI keeps a disconnected subscription's events."""

SUBSCRIBE_PATH = "/api/streaming/v1/clientconnect/subscribe/TenantUpdates-{tenant}-{subscription}"


class EventStream:
    """The events of one subscription, across reconnects. Use through `subscribe()`."""

    def __init__(
        self,
        pipeline: HttpPipeline,
        tenant: str,
        checkpoint: Checkpoint,
        *,
        output: OutputType,
        store: CheckpointStore | None,
        heartbeats: bool,
        policy: ReconnectPolicy,
        max_frame_chars: int,
        hash_window: int,
        rng: random.Random | None = None,
    ) -> None:
        self.subscription_id = checkpoint.subscription_id
        self.output: OutputType = output
        self.stats = StreamStats()
        self._pipeline = pipeline
        self._tenant = tenant
        self._store = store
        self._acked = checkpoint
        self._dirty = False
        self._heartbeats = heartbeats
        self._policy = policy
        self._max_frame_chars = max_frame_chars
        self._rng = rng or random.Random()
        self._tracker = DeliveryTracker(checkpoint, hash_window)
        self._pending: collections.deque[StreamEvent] = collections.deque()
        self._last_returned: StreamEvent | None = None
        self._connection: contextlib.AsyncExitStack | None = None
        self._chunks: AsyncIterator[bytes] | None = None
        self._framer = Framer(output, max_frame_chars=max_frame_chars)
        self._connected_at = 0.0
        self._network_failures = 0
        self._http_failures = 0
        self._reconnect_delay = 0.0
        # A stream resumed from a checkpoint is a reconnect too: check its backlog first.
        self._resumed = bool(checkpoint.last_sequence)

    def __aiter__(self) -> EventStream:
        return self

    async def __anext__(self) -> StreamEvent:
        self._acknowledge()
        while not self._pending:
            if self._chunks is None:
                await self._connect()
            await self._read()
        event = self._pending.popleft()
        self._last_returned = event
        self.stats.events += 1
        return event

    # --- acknowledgement and checkpoints ---------------------------------------------------

    def _acknowledge(self) -> None:
        """The caller came back for more: the event returned last was received; save it."""
        event, self._last_returned = self._last_returned, None
        info = event.msg_info if event is not None else None
        if info is not None and info.instance_id is not None and info.sequence_id is not None:
            self._acked.last_sequence[info.instance_id] = info.sequence_id
            if info.timestamp is not None:
                self._acked.last_timestamp_ms = int(info.timestamp.timestamp() * 1000)
            self._dirty = True
        self.save_checkpoint()

    def save_checkpoint(self) -> None:
        """Write the checkpoint now if it changed (done after every received event)."""
        if self._store is not None and self._dirty:
            self._store.save(self._acked)
            self._dirty = False

    # --- connecting ------------------------------------------------------------------------

    async def _connect(self) -> None:
        """Open the stream, retrying as the policy says; raises on auth and bad requests."""
        delay, self._reconnect_delay = self._reconnect_delay, 0.0
        if delay:  # waited here, not at the disconnect, so the events read before go first
            await anyio.sleep(delay)
        attempts = 0
        while True:
            attempts += 1
            try:
                await self._open()
            except (APIConnectionError, httpx.TransportError) as exc:
                self._network_failures += 1
                await self._back_off("network", exc, self._policy.max_network_delay, attempts)
                continue
            except RateLimitError as exc:
                if self._policy.too_many_clients == "raise":
                    raise TooManyClientsError(
                        f"SAPI allows three listening clients per tenant and {self._tenant} "
                        "has them; close one, or use too_many_clients='wait'"
                    ) from exc
                await self._wait(self._policy.too_many_clients_delay, "too many clients", attempts)
                continue
            except APIStatusError as exc:
                if exc.status_code < 500:
                    raise  # 400/401/403/404: reconnecting cannot fix it
                self._http_failures += 1
                await self._back_off("HTTP", exc, self._policy.max_http_delay, attempts)
                continue
            return

    async def _open(self) -> None:
        path = SUBSCRIBE_PATH.format(
            tenant=urllib.parse.quote(self._tenant, safe=""),
            subscription=urllib.parse.quote(self.subscription_id, safe=""),
        )
        options = RequestOptions(
            family=ApiFamily.STREAMING,
            method="GET",
            path=path,
            params={
                "desiredOutputType": self.output,
                "tenantId": self._tenant,
                "subsId": self.subscription_id,
                "X-Atmosphere-Transport": "streaming",
            },
            retry=RetryPolicy.disabled(),  # the reader's own reconnect loop decides
            timeout=httpx.Timeout(30.0, read=None),  # stalls are detected by the reader
        )
        stack = contextlib.AsyncExitStack()
        try:
            response = await stack.enter_async_context(self._pipeline.stream(options))
        except BaseException:
            await stack.aclose()
            raise
        self._connection = stack
        self._chunks = response.aiter_bytes().__aiter__()
        self._framer = Framer(self.output, max_frame_chars=self._max_frame_chars)
        self._connected_at = time.monotonic()
        self.stats.connects += 1
        if self.stats.connects > 1:
            self.stats.reconnects += 1
            self._resumed = True
            self._tracker.reconnected()
        self.stats.connected_since = dt.datetime.now(dt.timezone.utc)
        logger.info("SAPI subscription %s connected", self.subscription_id)

    async def _back_off(self, kind: str, error: Exception, cap: float, attempts: int) -> None:
        failures = self._network_failures if kind == "network" else self._http_failures
        delay = self._policy.delay(failures, cap, self._rng)
        await self._wait(delay, f"{kind} error ({error})", attempts)

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

    async def _disconnect(self, reason: str) -> None:
        """Close the current connection (if any) and decide how soon to reconnect."""
        lived = time.monotonic() - self._connected_at
        if lived >= self._policy.healthy_after:
            self._network_failures = self._http_failures = 0
        connection, self._connection, self._chunks = self._connection, None, None
        self.stats.connected_since = None
        if connection is not None:
            with anyio.CancelScope(shield=True):
                await connection.aclose()
        logger.info(
            "SAPI subscription %s disconnected (%s) after %.1fs",
            self.subscription_id,
            reason,
            lived,
        )
        if reason != "session ended" or lived < self._policy.healthy_after:
            self._network_failures += 1
            cap = self._policy.max_network_delay
            self._reconnect_delay = self._policy.delay(self._network_failures, cap, self._rng)

    async def aclose(self) -> None:
        """Close the connection and save the checkpoint (called by `subscribe()` on exit)."""
        self._acknowledge()
        connection, self._connection, self._chunks = self._connection, None, None
        if connection is not None:
            with anyio.CancelScope(shield=True):
                await connection.aclose()

    # --- reading ---------------------------------------------------------------------------

    async def _read(self) -> None:
        """Read one chunk and turn it into pending events; disconnect on EOF/error/stall."""
        assert self._chunks is not None
        try:
            with anyio.fail_after(self._policy.stall_timeout):
                chunk = await self._chunks.__anext__()
        except StopAsyncIteration:
            clean = self._take(None)
            await self._disconnect("session ended" if clean else "stream ended inside a frame")
            return
        except TimeoutError:
            await self._disconnect(f"no data for {self._policy.stall_timeout}s")
            return
        except httpx.TransportError as exc:
            await self._disconnect(f"network error: {exc!r}")
            return
        self.stats.bytes += len(chunk)
        if not self._take(chunk):
            await self._disconnect("corrupt stream")

    def _take(self, chunk: bytes | None) -> bool:
        """Accept the frames of `chunk` (None: the end of the stream); False if the stream is
        corrupt. The frames completed before the corruption are accepted first, and the text
        that could not be framed becomes a MalformedEvent."""
        try:
            frames = self._framer.feed(chunk) if chunk is not None else self._framer.close()
        except FramingError as exc:
            logger.warning("SAPI stream corrupt, reconnecting: %s", exc)
            for frame in exc.frames:
                self._accept(frame)
            if exc.rest:
                self._malformed(
                    MalformedEvent(
                        name="", msg_info=MsgInfo(), raw={}, text=exc.rest, reason=str(exc)
                    )
                )
            return False
        for frame in frames:
            self._accept(frame)
        return True

    def _malformed(self, event: MalformedEvent) -> None:
        self.stats.malformed += 1
        logger.warning("SAPI frame unreadable (%s); delivered as MalformedEvent", event.reason)
        self._pending.append(event)

    def _accept(self, frame: str) -> None:
        if frame == HEARTBEAT:
            self.stats.heartbeats += 1
            return
        event = parse_frame(frame, xml=self.output.endswith("XML"))
        if isinstance(event, Heartbeat):
            self.stats.heartbeats += 1
            if self._heartbeats:
                self._pending.append(event)
            return
        if isinstance(event, MalformedEvent):
            self._malformed(event)
            return
        previous_ms = self._tracker.last_timestamp_ms
        gaps = self.stats.gaps
        known = event.msg_info.instance_id in self._tracker.last
        if self._tracker.seen(event, self.stats):
            self.stats.duplicates_dropped += 1
            return
        if self._resumed:
            self._resumed = False
            lost = self.stats.gaps > gaps or not known
            self._check_backlog(event, previous_ms, lost=lost)
        if event.msg_info.timestamp is not None:
            self._tracker.last_timestamp_ms = int(event.msg_info.timestamp.timestamp() * 1000)
        self._pending.append(event)

    def _check_backlog(self, event: StreamEvent, previous_ms: int | None, lost: bool) -> None:
        """After a reconnect: was the outage longer than the server's 2-hour backlog?"""
        stamp = event.msg_info.timestamp
        if previous_ms is None or stamp is None:
            return
        last = dt.datetime.fromtimestamp(previous_ms / 1000, tz=dt.timezone.utc)
        if lost and stamp - last > BACKLOG_RETENTION:
            self.stats.backlog_expired += 1
            logger.warning(
                "SAPI subscription %s was disconnected longer than the 2-hour backlog "
                "(%s to %s): events were lost; resynchronise",
                self.subscription_id,
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
        max_frame_chars: int = DEFAULT_MAX_FRAME_CHARS,
        hash_window: int = 10_000,
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
        state = _initial_checkpoint(subscription_id, checkpoint)
        stream = EventStream(
            self._pipeline,
            self._tenant,
            state,
            output=output,
            store=checkpoint,
            heartbeats=heartbeats,
            policy=reconnect or ReconnectPolicy(),
            max_frame_chars=max_frame_chars,
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
