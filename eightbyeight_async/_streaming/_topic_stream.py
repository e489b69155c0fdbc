"""One Event Streaming topic, read across reconnects, each message delivered once.

A background task (the connection loop) holds the WebSocket: it connects, resumes after the
last accepted message id, reads frames, drops redeliveries and reconnects with backoff; it
never waits for the caller, so pings and pongs go on while the caller is busy. The caller's
`async for` takes events from a buffer the ack window bounds: the server sends at most
`window` messages before they are acknowledged, and a message is acknowledged (and the
checkpoint saved) only once the caller has received it and come back for the next one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import random
import time
from collections.abc import AsyncIterator

import anyio
import attrs

from .._errors import APIConnectionError, APIStatusError, InvalidArgumentError
from .._retry import is_permanent
from ._backoff import Backoff
from ._checkpoint import Checkpoint, CheckpointStore
from ._delivery import StreamStats
from ._events import MalformedEvent, StreamEvent
from ._options import ReconnectPolicy
from ._topic_delivery import ConsumerTracker, ReaderTracker
from ._topic_frames import read_frame
from ._websocket import (
    CloseCode,
    TopicEndpoint,
    WebSocket,
    WebSocketDisconnect,
    WebSocketInvalidTypeReceived,
    WebSocketNetworkError,
)

logger = logging.getLogger("eightbyeight_async.events")

_SLACK = 64
"""Buffer room beyond the ack window (control frames, a server that overshoots)."""
_ACK_BATCH = 64
"""Acks sent in one write (fewer for a small window: a quarter of it, so the server always
has room to go on); a write per ack would cost more than reading the message."""
_ACK_DELAY = 0.05
"""Seconds an ack waits at most for its batch (a quiet topic still acknowledges promptly)."""
_CLOSING_ACK_SECONDS = 1.0


@attrs.frozen
class _Delivery:
    event: StreamEvent
    message_id: str | None
    generation: int
    """Which connection read it: an ack goes on that one only (the server counts any text
    frame as an ack: an old message's ack on a new connection would overfill its window)."""


@attrs.frozen
class _Failure:
    error: BaseException


class TopicStream:
    """The events of one Event Streaming topic. Use through `cc.events.subscribe()` or
    `cc.events.consume()`; iterate it with `async for`."""

    def __init__(
        self,
        endpoint: TopicEndpoint,
        tracker: ReaderTracker | ConsumerTracker,
        *,
        window: int,
        policy: ReconnectPolicy,
        checkpoint: Checkpoint | None = None,
        store: CheckpointStore | None = None,
        rng: random.Random | None = None,
    ) -> None:
        self.stats = StreamStats()
        self._endpoint = endpoint
        self._tracker = tracker
        self._policy = policy
        self._backoff = Backoff(policy, rng or random.Random())
        self._checkpoint = checkpoint
        self._store = store
        self._dirty = False
        self._send, self._receive = anyio.create_memory_object_stream[_Delivery | _Failure](
            window + _SLACK
        )
        self._websocket: WebSocket | None = None
        self._generation = 0
        self._bytes_before = 0
        self._last_returned: _Delivery | None = None
        self._acks: list[str] = []
        self._acks_generation = 0
        self._ack_batch = max(1, min(_ACK_BATCH, window // 4))
        self._flushing = anyio.Lock()
        self._failure: BaseException | None = None
        self._closed = False
        self._closing = False
        """The caller left: later frames are dropped (unacked: sent again) and none reconnect."""
        self._session_over = anyio.Event()

    def __repr__(self) -> str:
        state = "connected" if self._websocket is not None else "not connected"
        return f"TopicStream(topic={self.topic!r}, {state}, events={self.stats.events})"

    @property
    def topic(self) -> str:
        """The topic read: `persistent://{tenant}/{namespace}/{topic}`."""
        return self._endpoint.topic

    @property
    def last_message_id(self) -> str | None:
        """The id of the last message the caller received (what a restart resumes after)."""
        return None if self._checkpoint is None else self._checkpoint.last_message_id

    def __aiter__(self) -> TopicStream:
        return self

    async def __anext__(self) -> StreamEvent:
        self._acknowledge()
        if len(self._acks) >= self._ack_batch:
            await self._flush_acks()
        if self._failure is not None:
            raise self._failure
        if self._closed:
            raise StopAsyncIteration
        try:
            item = self._receive.receive_nowait()
        except anyio.WouldBlock:
            item = await self._receive.receive()
        if isinstance(item, _Failure):
            self._failure = item.error
            raise item.error
        self._last_returned = item
        self.stats.events += 1
        return item.event

    async def negative_acknowledge(self, event: StreamEvent) -> None:
        """Consumer API: hand back the event received last, to be redelivered later (with
        a higher `redelivery_count`) instead of acknowledged."""
        item = self._last_returned
        if not isinstance(self._tracker, ConsumerTracker):
            raise InvalidArgumentError(
                "negative_acknowledge() is for consumers (cc.events.consume()); a reader "
                "cannot ask for a message again"
            )
        if item is None or item.event is not event or item.message_id is None:
            raise InvalidArgumentError(
                "negative_acknowledge() takes the event received last, before asking for "
                "the next one"
            )
        self._last_returned = None
        self._tracker.forget(item.message_id)
        await self._flush_acks()
        frame = {"type": "negativeAcknowledge", "messageId": item.message_id}
        await self._send_on(item.generation, [json.dumps(frame)])

    # --- delivery: acknowledgements and checkpoints ---------------------------------------

    def _acknowledge(self) -> None:
        """The caller came back for more: the event returned last was received. Save the
        checkpoint and queue the ack (sent with the batch)."""
        item, self._last_returned = self._last_returned, None
        if item is None or item.message_id is None:
            return
        if self._checkpoint is not None:
            self._checkpoint.last_message_id = item.message_id
            self._dirty = True
            self.save_checkpoint()
        self._queue_ack(item.generation, item.message_id)

    def _queue_ack(self, generation: int, message_id: str) -> None:
        """Queue an ack for connection `generation`, if it is still the open one (acks of a
        connection that ended are dropped: the server forgot its window)."""
        if generation != self._generation or self._websocket is None:
            return
        if generation != self._acks_generation:
            self._acks, self._acks_generation = [], generation
        self._acks.append(_ack_frame(message_id))

    async def keep_acknowledging(self) -> None:
        """Send the acks waiting for their batch every `_ACK_DELAY` seconds (a background
        task beside the connection loop)."""
        while True:
            await anyio.sleep(_ACK_DELAY)
            await self._flush_acks()

    async def _flush_acks(self) -> None:
        """Send the queued acks; one flush at a time, so that closing waits for a batch
        already on its way instead of cancelling it."""
        if not self._acks:
            return
        async with self._flushing:
            frames, self._acks = self._acks, []
            if frames and await self._send_on(self._acks_generation, frames):
                self.stats.acks += len(frames)

    def save_checkpoint(self) -> None:
        """Write the checkpoint now if it changed (done after every received event)."""
        if self._store is not None and self._checkpoint is not None and self._dirty:
            self._store.save(self._checkpoint)
            self._dirty = False

    async def _send_on(self, generation: int, frames: list[str]) -> bool:
        """Send `frames` on connection `generation` if it is still the open one."""
        websocket = self._websocket
        if websocket is None or generation != self._generation:
            return False
        try:
            await websocket.send_texts(frames)
        except Exception as exc:  # the connection is ending; the loop sees why
            logger.debug("Event Streaming frames not sent on a closing connection: %r", exc)
            return False
        return True

    async def aclose(self) -> None:
        """The caller left: what it received last counts as delivered; save and acknowledge
        it, then close by handshake, so the server has read the acks before the socket
        closes (briefly: a connection that cannot take them is ending anyway)."""
        self._acknowledge()
        self._closing = True
        with anyio.move_on_after(_CLOSING_ACK_SECONDS):
            await self._flush_acks()
            websocket, over = self._websocket, self._session_over
            if websocket is not None and await websocket.send_close():
                await over.wait()  # the server answered our close: it has read the acks
        self.save_checkpoint()
        self._closed = True

    def release(self) -> None:
        """The connection loop has stopped: close the channel the messages came through."""
        self._send.close()
        self._receive.close()

    # --- the connection loop (a background task) ------------------------------------------

    async def run(self) -> None:
        """Connect, read and reconnect until cancelled or an error forbids going on."""
        try:
            await self._connect_forever()
        except Exception as exc:
            await self._send.send(_Failure(exc))

    async def _connect_forever(self) -> None:
        attempts = 0
        while True:
            delay = self._backoff.take_pending()
            if delay:
                await anyio.sleep(delay)
            attempts += 1
            try:
                async with self._endpoint.open(self._tracker.resume_from) as websocket:
                    attempts = 0
                    opened = self._connected(websocket)
                    try:
                        ended = await self._read(websocket)
                    finally:
                        self._websocket = None
                        self._bytes_before += websocket.bytes_read
                self._disconnected(ended, time.monotonic() - opened)
                self._session_over.set()  # after the socket closed and the end was noted
                if self._closing:
                    return
            except APIStatusError as exc:
                if exc.status_code < 500 and exc.status_code != 429:
                    raise  # 401, 403, 400, 404: reconnecting cannot fix it
                await self._wait("HTTP", exc, attempts)
            except Exception as exc:
                if is_permanent(exc):
                    raise
                await self._wait("network", exc, attempts)

    async def _wait(self, kind: str, error: Exception, attempts: int) -> None:
        limit = self._policy.max_attempts
        if limit is not None and attempts >= limit:
            raise APIConnectionError(
                f"Event Streaming connection to {self.topic} failed {attempts} times in a row "
                f"(last: {_describe(error)}); giving up",
                method="GET",
                url=self._endpoint.url,
            ) from error
        delay = self._backoff.failed(kind)
        logger.info(
            "Event Streaming %s reconnecting in %.2fs after %s error (%s)",
            self.topic,
            delay,
            kind,
            _describe(error),
        )
        await anyio.sleep(delay)

    def _connected(self, websocket: WebSocket) -> float:
        self._websocket, self._session_over = websocket, anyio.Event()
        self._generation += 1
        self.stats.connects += 1
        if self.stats.connects > 1:
            self.stats.reconnects += 1
        self.stats.connected_since = dt.datetime.now(dt.timezone.utc)
        logger.info("Event Streaming %s connected", self.topic)
        return time.monotonic()

    def _disconnected(self, ended: CloseCode, lived: float) -> None:
        self.stats.connected_since = None
        level = logging.ERROR if ended.code == 3 else logging.INFO
        logger.log(
            level,
            "Event Streaming %s disconnected after %.1fs: %s%s",
            self.topic,
            lived,
            ended.meaning,
            f" ({ended.reason})" if ended.reason else "",
        )
        # An in-session authentication error reconnects once: the upgrade then says
        # (401/403) whether the credentials are really refused.
        self._backoff.disconnected(ended.clean, lived)

    async def _read(self, websocket: WebSocket) -> CloseCode:
        """Read frames into the buffer until the connection ends; say how it ended."""
        generation = self._generation
        with anyio.CancelScope() as reading:
            websocket.on_broken(reading.cancel)  # a failed send ends the session silently
            while True:
                try:
                    text = await websocket.receive_text()
                except WebSocketDisconnect as exc:
                    return websocket.close_code(exc)
                except WebSocketNetworkError:
                    return CloseCode(1006, "the connection broke, or a ping went unanswered")
                except WebSocketInvalidTypeReceived:
                    text = "<a binary frame>"
                self.stats.bytes = self._bytes_before + websocket.bytes_read
                await self._take(text, generation)
        return CloseCode(1006, f"a frame could not be sent: {websocket.broken!r}")

    async def _take(self, text: str, generation: int) -> None:
        if self._closing:
            return
        frame = read_frame(text)
        event = frame.event
        if event is None:
            self.stats.control_frames += 1
            return
        if frame.message_id is not None:
            verdict = self._tracker.accept(frame.message_id)
            if verdict.duplicate:
                self.stats.duplicates_dropped += 1
                self._queue_ack(generation, frame.message_id)
                await self._flush_acks()  # at once: the caller may be waiting on the window
                return
            if verdict.missed:
                self.stats.gaps += 1
                self.stats.missed_events += verdict.missed
        if isinstance(event, MalformedEvent):
            self.stats.malformed += 1
            logger.warning(
                "Event Streaming frame unreadable (%s); delivered as MalformedEvent", event.reason
            )
        delivery = _Delivery(event, frame.message_id, generation)
        try:
            self._send.send_nowait(delivery)
        except anyio.WouldBlock:
            await self._send.send(delivery)


def _ack_frame(message_id: str) -> str:
    return json.dumps({"messageId": message_id})


def _describe(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= 300 else text[:300] + "…"


@contextlib.asynccontextmanager
async def running(stream: TopicStream) -> AsyncIterator[TopicStream]:
    """Run `stream`'s connection loop for the length of a `with` block; the block's own
    exception comes out as it was raised (not wrapped in an exception group)."""
    failure: BaseException | None = None
    try:
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(stream.run)
            task_group.start_soon(stream.keep_acknowledging)
            try:
                yield stream
            except BaseException as exc:
                failure = exc
            finally:
                with anyio.CancelScope(shield=True):
                    await stream.aclose()  # while the connection is open: its last ack goes out
                task_group.cancel_scope.cancel()
    finally:
        stream.release()
    if failure is not None:
        raise failure
