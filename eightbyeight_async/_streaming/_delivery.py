"""Exactly-once delivery of SAPI events across reconnects, and the reader's counters."""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import logging

import attrs

from ._checkpoint import Checkpoint
from ._events import StreamEvent

logger = logging.getLogger("eightbyeight_async.streaming")


@attrs.define
class StreamStats:
    """Counters of one reader, for dashboards and logs."""

    events: int = 0
    duplicates_dropped: int = 0
    gaps: int = 0
    missed_events: int = 0
    malformed: int = 0
    heartbeats: int = 0
    connects: int = 0
    reconnects: int = 0
    bytes: int = 0
    backlog_expired: int = 0
    connected_since: dt.datetime | None = None


class DeliveryTracker:
    """Exactly-once bookkeeping: last sequence id per server instance, and a bounded window
    of content hashes for events without one.

    Content hashes only drop events in the replay right after a reconnect: until the first
    event not delivered before. The server replays only then, and an event identical to an
    earlier one at any other time is a real change repeated (a value set back and forth),
    which must not be lost.
    """

    def __init__(self, checkpoint: Checkpoint, hash_window: int) -> None:
        self.last = dict(checkpoint.last_sequence)
        self.last_timestamp_ms = checkpoint.last_timestamp_ms
        self._hashes: collections.OrderedDict[bytes, None] = collections.OrderedDict()
        self._window = hash_window
        self._replaying = False

    def reconnected(self) -> None:
        """A new connection: what comes first may be a replay of what was delivered."""
        self._replaying = True

    def seen(self, event: StreamEvent, stats: StreamStats) -> bool:
        """True for a replayed event already delivered; records gaps as it goes."""
        duplicate = self._seen(event, stats)
        self._replaying = self._replaying and duplicate
        return duplicate

    def _seen(self, event: StreamEvent, stats: StreamStats) -> bool:
        info = event.msg_info
        if info.instance_id is None or info.sequence_id is None:
            return self._seen_content(event)
        last = self.last.get(info.instance_id)
        if last is not None and info.sequence_id <= last:
            return True
        if last is not None and info.sequence_id > last + 1:
            stats.gaps += 1
            stats.missed_events += info.sequence_id - last - 1
            logger.warning(
                "SAPI sequence gap on %s: expected %d, got %d (%d events missing)",
                info.instance_id,
                last + 1,
                info.sequence_id,
                info.sequence_id - last - 1,
            )
        self.last[info.instance_id] = info.sequence_id
        return False

    def _seen_content(self, event: StreamEvent) -> bool:
        digest = hashlib.blake2b(repr(event.raw).encode(), digest_size=16).digest()
        if self._replaying and digest in self._hashes:
            return True
        self._hashes.pop(digest, None)  # re-recorded as the newest
        self._hashes[digest] = None
        if len(self._hashes) > self._window:
            self._hashes.popitem(last=False)
        return False
