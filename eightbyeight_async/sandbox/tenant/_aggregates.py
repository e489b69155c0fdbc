"""The 30-minute aggregates, derived from the event records so every number adds up.

Periods are half hours of the tenant's local time. An interaction counts in the period of
each of its events: entered when created, accepted (with its wait and SLA) when accepted,
finished processing at accept + process-time, finished post-processing at accept +
process-time + post-process-time, abandoned when abandoned. A period with no event has no
row. An SLA is met when the queue has SLA enabled and the wait is at most its `sla-time`
seconds. Status statistics split each status change's duration (until the next change, or
`now`) over the periods it spans; `time-logged-in` sums every status but Logged Out.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from zoneinfo import ZoneInfo

import attrs

from ._entities import (
    OFFLINE_BUCKETS,
    ONLINE_BUCKETS,
    STATISTICS,
    STATUS_STATISTICS,
    Bucket,
    Record,
    WireRecord,
    WireValue,
)
from ._tenant_shifts import (
    AVAILABLE,
    BUSY,
    OFFERED,
    ON_BREAK,
    POST_PROCESSING,
    WORKING_OFFLINE,
)

PERIOD = 1800
"""Seconds in one aggregation period."""

_COUNTS = STATISTICS.fields[4:]
_STATUS_COLUMNS = {
    AVAILABLE: "status-waiting",
    BUSY: "status-processing",
    POST_PROCESSING: "status-post-processing",
    WORKING_OFFLINE: "status-working-offline",
    OFFERED: "status-transaction-offered",
    ON_BREAK: "status-break",
}


@attrs.frozen
class Clock:
    """Epoch seconds ⇄ the tenant's wire timestamps and local half-hour periods."""

    zone: ZoneInfo

    def period(self, epoch: float) -> int:
        """The start of the local half hour holding `epoch`."""
        offset = dt.datetime.fromtimestamp(epoch, self.zone).utcoffset()
        shift = int(offset.total_seconds()) if offset is not None else 0
        return int(epoch) - (int(epoch) + shift) % PERIOD

    def stamp(self, epoch: float) -> str:
        """The wire timestamp of `epoch` in the tenant's zone."""
        return dt.datetime.fromtimestamp(epoch, self.zone).isoformat(timespec="seconds")


def epoch(text: str) -> int:
    """Epoch seconds of a wire timestamp."""
    return int(dt.datetime.fromisoformat(text).timestamp())


@attrs.frozen
class _Facts:
    """The numbers of one raw interaction that the aggregates need."""

    created: int
    accepted: int | None
    abandoned: int | None
    process: int
    post: int
    sla_met: bool

    @classmethod
    def of(cls, record: Record, queue: Record) -> _Facts:
        created = epoch(record["create-timestamp"])
        accepted = epoch(record["accept-timestamp"]) if record["accept-timestamp"] else None
        abandoned = epoch(record["abandon-timestamp"]) if record["abandon-timestamp"] else None
        wait = None if accepted is None else accepted - created
        sla = queue["sla-enabled"] == "Y" and wait is not None and wait <= int(queue["sla-time"])
        return cls(
            created=created,
            accepted=accepted,
            abandoned=abandoned,
            process=int(record["process-time"] or 0),
            post=int(record["post-process-time"] or 0),
            sla_met=sla,
        )


Cells = dict[tuple[int, str], dict[str, int]]


def interaction_statistics(
    interactions: Iterable[Record], queues: Mapping[str, Record], clock: Clock
) -> list[WireRecord]:
    """Rows of /statistics per (period, queue), in period then queue order."""
    cells: Cells = {}

    def add(at: int, queue_id: str, **amounts: int) -> dict[str, int]:
        cell = cells.setdefault((clock.period(at), queue_id), dict.fromkeys(_COUNTS, 0))
        for name, amount in amounts.items():
            cell[name.replace("_", "-")] += amount
        return cell

    for record in interactions:
        queue_id = record["queue-id"]
        facts = _Facts.of(record, queues[queue_id])
        vm = int(record["voice-message-left"] == "Y")
        add(facts.created, queue_id, entered_count=1, voice_message_left_count=vm)
        if facts.accepted is not None:
            wait = facts.accepted - facts.created
            cell = add(facts.accepted, queue_id, accepted_count=1, time_waiting=wait)
            cell["sla-met-count"] += facts.sla_met
            cell["time-max-wait-accept"] = max(cell["time-max-wait-accept"], wait)
            done = facts.accepted + facts.process
            add(done, queue_id, finish_processing_count=1, time_processing=facts.process)
            add(done + facts.post, queue_id, finish_post_count=1, time_post_processing=facts.post)
        if facts.abandoned is not None:
            wait = facts.abandoned - facts.created
            cell = add(facts.abandoned, queue_id, abandoned_count=1, total_time_to_abandon=wait)
            cell["time-max-wait-abandon"] = max(cell["time-max-wait-abandon"], wait)
    return [
        _queue_fields(queues[queue_id], clock.stamp(period))
        | {name: str(value) for name, value in cells[period, queue_id].items()}
        for period, queue_id in sorted(cells, key=lambda key: (key[0], int(key[1])))
    ]


def _queue_fields(queue: Record, stamp: str, *, with_id: bool = False) -> dict[str, WireValue]:
    """The leading fields of a statistics or SLA row (`queue` also carries its channel-id)."""
    fields: dict[str, WireValue] = {"queue-id": queue["queue-id"]} if with_id else {}
    return fields | {
        "queue-name": queue["queue-name"],
        "channel-id": queue["channel-id"],
        "time-stamp": stamp,
        "media-type": queue["media-type"],
    }


@attrs.define
class _SlaCell:
    entered: int = 0
    accepted: int = 0
    met: int = 0
    accepted_waits: list[int] = attrs.Factory(list)
    abandoned_waits: list[int] = attrs.Factory(list)


def sla_rows(
    interactions: Iterable[Record], queue: Record, clock: Clock, *, online: bool
) -> list[WireRecord]:
    """Rows of /online_slas (or /offline_slas) of one queue, by period.

    `queue` also carries its `channel-id`. Offline rows have no abandoned buckets.
    """
    cells: dict[int, _SlaCell] = {}
    for record in interactions:
        facts = _Facts.of(record, queue)
        cells.setdefault(clock.period(facts.created), _SlaCell()).entered += 1
        if facts.accepted is not None:
            cell = cells.setdefault(clock.period(facts.accepted), _SlaCell())
            cell.accepted += 1
            cell.met += facts.sla_met
            cell.accepted_waits.append(facts.accepted - facts.created)
        if facts.abandoned is not None and online:
            cell = cells.setdefault(clock.period(facts.abandoned), _SlaCell())
            cell.abandoned_waits.append(facts.abandoned - facts.created)
    buckets = ONLINE_BUCKETS if online else OFFLINE_BUCKETS
    rows: list[WireRecord] = []
    for period in sorted(cells):
        cell = cells[period]
        row = _queue_fields(queue, clock.stamp(period), with_id=not online) | {
            "entered-count": str(cell.entered),
            "accepted-count": str(cell.accepted),
            "sla-met-count": str(cell.met),
            "accepted": _bucket_counts(cell.accepted_waits, buckets),
        }
        if online:
            row["abandoned"] = _bucket_counts(cell.abandoned_waits, buckets)
        rows.append(row)
    return rows


def _bucket_counts(waits: Sequence[int], buckets: Sequence[Bucket]) -> dict[str, str]:
    """How many waits fall in each bucket; each wait counts in the first bucket holding it."""
    counts = dict.fromkeys((name for name, _, _ in buckets), 0)
    for wait in waits:
        name = next(name for name, low, high in buckets if low <= wait < high)
        counts[name] += 1
    return {name: str(value) for name, value in counts.items()}


def status_statistics(
    statuses: Sequence[Record], agent: Record, group: Record, now: int, clock: Clock
) -> list[WireRecord]:
    """Rows of /statuses/statistics of one agent (`statuses`: its changes in time order)."""
    columns = STATUS_STATISTICS.fields[6:]
    cells: dict[int, dict[str, int]] = {}
    times = [epoch(change["event-time"]) for change in statuses] + [now]
    for change, start, end in zip(statuses, times, times[1:], strict=False):
        column = _STATUS_COLUMNS.get(change["status"])
        if column is None:  # Logged Out (or a status the columns do not track)
            continue
        while start < end:
            period = clock.period(start)
            stop = min(end, period + PERIOD)
            cell = cells.setdefault(period, dict.fromkeys(columns, 0))
            cell[column] += stop - start
            cell["time-logged-in"] += stop - start
            start = stop
    who = {
        "agent-id": agent["agent-id"],
        "agent-name": agent["full-name"],
        "group-id": group["group-id"],
        "group-name": group["group-name"],
    }
    return [
        {"period-start": clock.stamp(period), "period-end": clock.stamp(period + PERIOD)}
        | who
        | {name: str(value) for name, value in cells[period].items()}
        for period in sorted(cells)
    ]
