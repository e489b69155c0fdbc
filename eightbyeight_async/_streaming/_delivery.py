"""Exactly-once delivery of SAPI events across reconnects, and the reader's counters.

The tracker is where delivery stands: what was accepted from the wire (to drop replays)
and what the caller received (the checkpoint). The reader asks it and tells it; it never
reaches into its state.
"""

from __future__ import annotations

import collections
import datetime as dt
import hashlib
import logging

import attrs

from .._constants import SAPI_BACKLOG_HOURS
from ._checkpoint import Checkpoint
from ._events import MsgInfo, StreamEvent

logger = logging.getLogger("eightbyeight_async.streaming")

BACKLOG_RETENTION = dt.timedelta(hours=SAPI_BACKLOG_HOURS)


@attrs.define
class StreamStats:
    """Counters of one reader (SAPI or Event Streaming), for dashboards and logs."""

    events: int = 0
    duplicates_dropped: int = 0
    acks: int = 0
    """Event Streaming: acknowledgements sent (SAPI has none)."""
    control_frames: int = 0
    """Event Streaming: control frames read (not events, never acknowledged)."""
    gaps: int = 0
    missed_events: int = 0
    malformed: int = 0
    heartbeats: int = 0
    connects: int = 0
    reconnects: int = 0
    bytes: int = 0
    backlog_expired: int = 0
    connected_since: dt.datetime | None = None


@attrs.frozen
class Verdict:
    """What the tracker made of one event read from the wire."""

    duplicate: bool = False
    """A replay of an event already accepted: drop it."""
    missed: int = 0
    """Events the sequence skipped just before this one (a gap), 0 if none."""
    expired_since: dt.datetime | None = None
    """After a reconnect: when the last event before the outage happened, if the outage
    outlasted the server's backlog and events were lost; None otherwise."""


_DUPLICATE: Verdict = Verdict(duplicate=True)
_FRESH: Verdict = Verdict()
"""The verdict of almost every event, shared: judging one allocates nothing."""


class DeliveryTracker:
    """Exactly-once bookkeeping: last sequence id per server instance, and a bounded window
    of content hashes for events without one; and the checkpoint of what was received.

    Content hashes only drop events in the replay right after a reconnect: until the first
    event not delivered before. The server replays only then, and an event identical to an
    earlier one at any other time is a real change repeated (a value set back and forth),
    which must not be lost.
    """

    def __init__(self, checkpoint: Checkpoint, hash_window: int) -> None:
        self._received = checkpoint
        self._last = dict(checkpoint.last_sequence)
        self._last_stamp: dt.datetime | None = (
            None
            if checkpoint.last_timestamp_ms is None
            else dt.datetime.fromtimestamp(checkpoint.last_timestamp_ms / 1000, dt.timezone.utc)
        )
        self._hashes: collections.OrderedDict[bytes, None] = collections.OrderedDict()
        self._window = hash_window
        self._replaying = False
        # A stream resumed from a checkpoint is a reconnect too: check its backlog first.
        self._resumed = bool(checkpoint.last_sequence)

    @property
    def subscription_id(self) -> str:
        return self._received.subscription_id

    @property
    def checkpoint(self) -> Checkpoint:
        """Where the caller's delivery stands: save this one (do not change it)."""
        return self._received

    def reconnected(self) -> None:
        """A new connection: what comes first may be a replay of what was delivered."""
        self._replaying = self._resumed = True

    def accept(self, event: StreamEvent) -> Verdict:
        """Judge an event read from the wire, and remember it unless it is a duplicate."""
        info = event.msg_info
        previous = self._last_stamp
        known = info.instance_id in self._last
        missed = self._seen(event)
        self._replaying = self._replaying and missed is None
        if missed is None:
            return _DUPLICATE
        if info.timestamp is not None:
            self._last_stamp = info.timestamp
        expired_since = None
        if self._resumed:
            self._resumed = False
            lost = missed > 0 or not known
            expired_since = _expired_since(previous, info.timestamp) if lost else None
        if not missed and expired_since is None:
            return _FRESH
        return Verdict(missed=missed, expired_since=expired_since)

    def received(self, info: MsgInfo) -> bool:
        """The caller received the event of `info`; True if the checkpoint moved."""
        if info.instance_id is None or info.sequence_id is None:
            return False
        self._received.last_sequence[info.instance_id] = info.sequence_id
        if info.timestamp is not None:
            self._received.last_timestamp_ms = _millis(info.timestamp)
        return True

    def _seen(self, event: StreamEvent) -> int | None:
        """None for a replay; else how many events the sequence skipped before this one."""
        info = event.msg_info
        if info.instance_id is None or info.sequence_id is None:
            return None if self._seen_content(event) else 0
        last = self._last.get(info.instance_id)
        if last is not None and info.sequence_id <= last:
            return None
        missed = 0 if last is None else info.sequence_id - last - 1
        if missed:
            logger.warning(
                "SAPI sequence gap on %s: expected %d, got %d (%d events missing)",
                info.instance_id,
                info.sequence_id - missed,
                info.sequence_id,
                missed,
            )
        self._last[info.instance_id] = info.sequence_id
        return missed

    def _seen_content(self, event: StreamEvent) -> bool:
        digest = hashlib.blake2b(repr(event.raw).encode(), digest_size=16).digest()
        if self._replaying and digest in self._hashes:
            return True
        self._hashes.pop(digest, None)  # re-recorded as the newest
        self._hashes[digest] = None
        if len(self._hashes) > self._window:
            self._hashes.popitem(last=False)
        return False


def _expired_since(last: dt.datetime | None, stamp: dt.datetime | None) -> dt.datetime | None:
    """The time of the last event before an outage longer than the backlog, else None."""
    if last is None or stamp is None:
        return None
    return last if stamp - last > BACKLOG_RETENTION else None


def _millis(stamp: dt.datetime) -> int:
    return int(stamp.timestamp() * 1000)
