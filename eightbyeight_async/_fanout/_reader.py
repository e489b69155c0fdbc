"""`RedisEventReader`: a consumer in a Redis consumer group that yields the SDK's typed events.

    async with RedisEventReader(url, group="crm-sync", consumer="crm-1") as reader:
        async for entry in reader:
            await handle(entry.event)      # acknowledged when the next one is asked for

Delivery is at least once and, while consumers live, exactly once per group:

- An entry is acknowledged (`XACK`) only once the caller has handled it, i.e. when the caller
  asks for the next one, or leaves the `async with` block normally. An entry in hand when the
  block is left by an exception or a cancellation stays pending, as do the entries read ahead
  (up to `batch`), so they are handed out again: to another consumer after `claim_idle`, or to
  this consumer when it starts again under the same name.
- On start the reader first reads its own pending entries (`XREADGROUP ... STREAMS s 0`),
  then, on start and every `claim_idle / 2` seconds, takes over the entries other consumers
  left pending for `claim_idle` (`XAUTOCLAIM`); the entries it holds are kept fresh at each of
  these ticks (`XCLAIM ... JUSTID`) so that a live but busy reader does not look dead. A
  consumer must still handle each entry in well under `claim_idle / 2`.
- A lost Redis connection (or a restarted server) is retried with capped, jittered backoff;
  the reader then re-reads its own pending entries, so a read whose answer was lost on the
  wire is not skipped. A group that vanished with its data is created again from the start
  of the stream (`0`), never from its end.

redis-py's asyncio client runs on asyncio only: under trio the reader refuses before any I/O.
"""

from __future__ import annotations

import collections
import random
import time
from collections.abc import Awaitable, Callable, Sequence
from types import TracebackType
from typing import Any, Literal

import anyio

from .._errors import ConfigurationError, InvalidArgumentError
from ._bridge_redis import CONNECTION_ERRORS, REDIS_INSTALL, require_asyncio
from ._reader_entry import ReaderStats, StreamEntry

try:
    import redis.asyncio as redis_asyncio
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ResponseError
except ImportError:  # pragma: no cover - exercised by patching HAVE_REDIS
    HAVE_REDIS = False
else:
    HAVE_REDIS = True

FIRST_DELAY = 0.05
"""The first reconnect window, in seconds; it doubles per failure in a row ..."""
MAX_DELAY = 2.0
"""... up to this cap. Each wait is drawn from the upper half of the window (jitter)."""
CLOSE_SECONDS = 5.0
"""How long leaving the block may spend acknowledging the last entry and closing."""

Op = Callable[[], Awaitable[None]]


def require_redis() -> None:
    """ConfigurationError unless redis-py (the `redis` extra) is installed."""
    if not HAVE_REDIS:
        raise ConfigurationError(f"the Redis reader needs the redis extra: {REDIS_INSTALL}")


class RedisEventReader:
    """One consumer of a consumer group on the bridged stream; an async context manager and
    an async iterator of `StreamEntry` (`entry.event` is the typed event). See the module
    docstring for when entries are acknowledged, claimed and re-read.

    `start` is where a group created by this reader begins: `"$"` (only entries added from
    now on) or `"0"` (the whole stream); an existing group keeps its position.
    """

    def __init__(
        self,
        redis_url: str,
        *,
        stream: str = "8x8:events",
        group: str,
        consumer: str,
        claim_idle: float = 30.0,
        batch: int = 100,
        block: float = 5.0,
        start: Literal["$", "0"] = "$",
    ) -> None:
        require_redis()
        for name, text in (("stream", stream), ("group", group), ("consumer", consumer)):
            if not text:
                raise InvalidArgumentError(f"{name} must not be empty")
        if not claim_idle > 0 or not block > 0:
            raise InvalidArgumentError("claim_idle and block must be positive seconds")
        if batch < 1:
            raise InvalidArgumentError(f"batch must be at least 1, got {batch}")
        if start not in ("$", "0"):
            raise InvalidArgumentError(f"start must be '$' or '0', got {start!r}")
        self.redis_url = redis_url
        self.stream = stream
        self.group = group
        self.consumer = consumer
        self.claim_idle = claim_idle
        self.batch = batch
        self.block = block
        self.start = start
        self.stats = ReaderStats()
        self._client: Any = None
        self._buffer: collections.deque[StreamEntry] = collections.deque()
        self._held: set[str] = set()
        """Ids in the buffer or in the caller's hand: never queued twice."""
        self._in_hand: StreamEntry | None = None
        self._own_cursor: str | None = "0"
        """While re-reading this consumer's own pending entries: the last id read."""
        self._claim_cursor = "0-0"
        self._next_claim = 0.0
        self._rng = random.Random()

    async def __aenter__(self) -> RedisEventReader:
        require_asyncio("the Redis reader")
        if self._client is not None:
            raise InvalidArgumentError("this RedisEventReader is already open")
        self._client = redis_asyncio.Redis.from_url(
            self.redis_url,
            decode_responses=True,
            protocol=2,
            retry=Retry(NoBackoff(), 0),  # the reader retries itself, knowing what was lost
            socket_connect_timeout=5.0,
            socket_timeout=self.block + 10.0,
            client_name=f"8x8-reader:{self.group}:{self.consumer}",
        )
        try:
            await self._retrying(lambda: self._create_group(self.start))
        except BaseException:
            await self._close()
            raise
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None and self._in_hand is not None:
                with anyio.move_on_after(CLOSE_SECONDS, shield=True):
                    await self._retrying(self._ack_in_hand)
        finally:
            await self._close()

    def __aiter__(self) -> RedisEventReader:
        return self

    async def __anext__(self) -> StreamEntry:
        """Acknowledge the entry handed out before, then the next entry: from this consumer's
        own pending ones, claimed ones, or new ones (waiting for one as long as it takes)."""
        if self._client is None:
            raise InvalidArgumentError("use the reader inside `async with`")
        if self._in_hand is not None:
            await self._retrying(self._ack_in_hand)
        while True:
            if self._own_cursor is None and time.monotonic() >= self._next_claim:
                await self._retrying(self._claim)
            if self._buffer:
                break
            await self._retrying(self._fill)
        entry = self._buffer.popleft()
        self._in_hand = entry
        return entry

    async def _close(self) -> None:
        client, self._client = self._client, None
        self._buffer.clear()
        self._held.clear()
        self._in_hand = None
        self._own_cursor, self._claim_cursor, self._next_claim = "0", "0-0", 0.0
        if client is not None:
            with anyio.move_on_after(CLOSE_SECONDS, shield=True):
                await client.aclose()

    async def _retrying(self, op: Op) -> None:
        """Run `op` until it succeeds: through lost connections (capped, jittered backoff;
        then the own pending entries are read again) and a group that has vanished."""
        failures = 0
        while True:
            try:
                await op()
            except CONNECTION_ERRORS:
                failures += 1
                window = min(MAX_DELAY, FIRST_DELAY * 2 ** (failures - 1))
                await anyio.sleep(window / 2 + self._rng.uniform(0, window / 2))
                continue
            except ResponseError as error:
                if not str(error).startswith("NOGROUP"):
                    raise
                await self._create_group("0")
                self._own_cursor = "0"
                continue
            if failures:
                self.stats.reconnects += 1
                self._own_cursor = "0"  # a read whose reply was lost left entries pending
            return

    async def _create_group(self, start: str) -> None:
        try:
            await self._client.xgroup_create(self.stream, self.group, id=start, mkstream=True)
        except ResponseError as error:
            if not str(error).startswith("BUSYGROUP"):
                raise

    async def _ack_in_hand(self) -> None:
        entry = self._in_hand
        if entry is None:
            return
        await self._client.xack(self.stream, self.group, entry.id)
        self._in_hand = None
        self._held.discard(entry.id)
        self.stats.acked += 1

    async def _fill(self) -> None:
        """One read: this consumer's own pending entries while any are left, else new ones,
        waiting no longer than `block` nor past the next claim tick."""
        if self._own_cursor is not None:
            reply = await self._client.xreadgroup(
                self.group, self.consumer, {self.stream: self._own_cursor}, count=self.batch
            )
            found = _entries_of(reply)
            if not found:
                self._own_cursor = None
                return
            self._own_cursor = found[-1][0]
            await self._take(found)
            return
        wait = min(self.block, max(self._next_claim - time.monotonic(), 0.0))
        reply = await self._client.xreadgroup(
            self.group,
            self.consumer,
            {self.stream: ">"},
            count=self.batch,
            block=max(1, int(wait * 1000)),
        )
        await self._take(_entries_of(reply))

    async def _claim(self) -> None:
        """Keep the entries held fresh, and take over entries idle for `claim_idle`."""
        held = [entry.id for entry in self._buffer]
        if held:
            await self._client.xclaim(self.stream, self.group, self.consumer, 0, held, justid=True)
        reply = await self._client.xautoclaim(
            self.stream,
            self.group,
            self.consumer,
            int(self.claim_idle * 1000),
            start_id=self._claim_cursor,
            count=self.batch,
        )
        cursor, found = str(reply[0]), list(reply[1])
        self._claim_cursor = cursor
        self.stats.claimed += await self._take(found)
        more = cursor != "0-0" and bool(found)
        self._next_claim = time.monotonic() + (0.0 if more else self.claim_idle / 2)

    async def _take(self, found: Sequence[Any]) -> int:
        """Queue the entries not held yet; acknowledge those deleted from the stream (Redis
        keeps their ids pending, with no fields). Returns how many were queued."""
        queued, gone = 0, []
        for entry_id, fields in found:
            if not fields:
                gone.append(entry_id)
            elif entry_id not in self._held:
                self._held.add(entry_id)
                self._buffer.append(StreamEntry.read(entry_id, dict(fields)))
                queued += 1
        if gone:
            await self._client.xack(self.stream, self.group, *gone)
        self.stats.read += queued
        return queued


def _entries_of(reply: Any) -> list[Any]:
    """The (id, fields) pairs of an XREADGROUP reply on one stream (RESP2: a list of
    [stream, entries]; nothing: an empty list or None)."""
    if not reply:
        return []
    return list(reply[0][1])
