"""The bridge's writes: entries and the source position in one MULTI/EXEC, retried through
Redis outages without ever writing an entry twice.

One write is one transaction: the `XADD`s of its entries (an event, or a BacklogExpired
notice with the event that revealed it) and one `HSET` of the position hash with the source's
checkpoint after those events and the count of entries written for the source. Redis applies
all of it or none, so after a crash (of the bridge or of Redis, with AOF) the position in
Redis is exactly that of the last entry in the stream, and a restarted bridge resumes from
there: no gap, no duplicate.

The one case a transaction alone does not settle is a lost reply: the connection failed
after EXEC was sent, and Redis may or may not have committed it. Before trying again the
writer reads the count back: if it already includes this write, the write happened (counted
in `duplicates_skipped`) and is not repeated. The count, not the position, decides, because
some entries (a MalformedEvent from SAPI) do not move the position.

While Redis is unreachable the writer waits with capped, jittered backoff and the bridge does
not read the source: SAPI keeps the events in its backlog (2 hours), Event Streaming stops
sending once its ack window is full. One bridge per source: two writing the same source's
position would each count their own entries.
"""

from __future__ import annotations

import json
import logging
import random
from collections.abc import Sequence
from typing import TYPE_CHECKING

import anyio
import attrs

from .._errors import StreamError
from .._streaming._checkpoint import Checkpoint
from .._streaming._options import ReconnectPolicy
from ._bridge_redis import CONNECTION_ERRORS
from ._entries import Source, entries_field, position_field, position_key

if TYPE_CHECKING:
    from redis.asyncio import Redis

logger = logging.getLogger("eightbyeight_async.bridge")


@attrs.define
class BridgeStats:
    """Counters of one bridge run, for logs and the CLI summary."""

    events_written: int = 0
    """Entries appended to the stream by this run."""
    duplicates_skipped: int = 0
    """Writes found already committed after a lost reply, so not written again."""
    redis_errors: int = 0
    """Redis operations that failed with a connection error or a timeout."""
    redis_reconnects: int = 0
    """Times Redis answered again after failing."""
    position: Checkpoint | None = None
    """The source position in Redis after the last write (None before the first)."""
    entries_total: int = 0
    """Entries written for this source by every run (the count kept in Redis)."""


@attrs.frozen
class Stored:
    """What Redis holds for one source: its checkpoint (None if none yet) and entry count."""

    checkpoint: Checkpoint | None
    entries: int


class StreamWriter:
    """Writes one source's entries into one stream, each write a transaction with the position."""

    def __init__(
        self,
        client: Redis,
        *,
        stream: str,
        maxlen: int | None,
        source: Source,
        name: str,
        policy: ReconnectPolicy,
        stats: BridgeStats,
        rng: random.Random | None = None,
    ) -> None:
        self._client = client
        self._stream = stream
        self._maxlen = maxlen
        self._key = position_key(stream)
        self._position_field = position_field(source, name)
        self._entries_field = entries_field(source, name)
        self._policy = policy
        self._stats = stats
        self._rng = rng or random.Random()
        self._entries = 0

    async def load(self) -> Stored:
        """Read the source's position and count from Redis (waiting out an outage)."""
        failures = 0
        while True:
            try:
                stored = await self._read()
            except CONNECTION_ERRORS as exc:
                failures += 1
                await self._backoff(exc, failures)
                continue
            self._recovered(failures)
            self._entries = stored.entries
            self._stats.entries_total = stored.entries
            self._stats.position = stored.checkpoint
            return stored

    async def write(self, entries: Sequence[dict[str, str]], checkpoint: Checkpoint) -> bool:
        """Append `entries` and set the position to `checkpoint`, in one transaction; retried
        until Redis answers. False if a lost reply had in fact committed it (not repeated)."""
        expected = self._entries + len(entries)
        position = json.dumps(checkpoint.to_json(), separators=(",", ":"))
        failures = 0
        uncertain = False
        while True:
            try:
                if uncertain and await self._committed(expected):
                    self._stats.duplicates_skipped += 1
                    logger.info("a lost Redis reply had committed; not writing it again")
                    written = False
                else:
                    await self._transaction(entries, position, expected)
                    written = True
            except CONNECTION_ERRORS as exc:
                failures += 1
                uncertain = True  # EXEC may have reached Redis: check before the next try
                await self._backoff(exc, failures)
                continue
            self._recovered(failures)
            self._entries = expected
            self._stats.entries_total = expected
            self._stats.position = checkpoint
            if written:
                self._stats.events_written += len(entries)
            return written

    async def _transaction(
        self, entries: Sequence[dict[str, str]], position: str, expected: int
    ) -> None:
        async with self._client.pipeline(transaction=True) as pipe:
            for fields in entries:
                pipe.xadd(
                    self._stream,
                    fields,  # type: ignore[arg-type]  # redis-py's dict type is invariant
                    maxlen=self._maxlen,
                    approximate=True,
                )
            pipe.hset(
                self._key,
                mapping={self._position_field: position, self._entries_field: str(expected)},
            )
            await pipe.execute()

    async def _read(self) -> Stored:
        position, count = await self._client.hmget(
            self._key, [self._position_field, self._entries_field]
        )
        checkpoint = None if position is None else Checkpoint.from_json(json.loads(position))
        return Stored(checkpoint, int(count or 0))

    async def _committed(self, expected: int) -> bool:
        """Whether the write that would make the count `expected` is already in Redis."""
        stored = await self._read()
        if stored.entries < self._entries:
            logger.warning(
                "Redis holds fewer entries for %s (%d) than were written (%d): it lost "
                "acknowledged writes (a failover, or no AOF fsync)",
                self._position_field,
                stored.entries,
                self._entries,
            )
        return stored.entries >= expected

    async def _backoff(self, error: Exception, failures: int) -> None:
        self._stats.redis_errors += 1
        limit = self._policy.max_attempts
        if limit is not None and failures >= limit:
            raise StreamError(
                f"Redis failed {failures} times in a row (last: {error}); giving up with the "
                "position saved: restart the bridge to resume"
            ) from error
        delay = self._policy.delay(failures, self._policy.max_network_delay, self._rng)
        logger.warning("Redis unavailable (%s); retrying in %.2fs", error, delay)
        await anyio.sleep(delay)

    def _recovered(self, failures: int) -> None:
        if failures:
            self._stats.redis_reconnects += 1
            logger.info("Redis answers again after %d failed attempts", failures)
