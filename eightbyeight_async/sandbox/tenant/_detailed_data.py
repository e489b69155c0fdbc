"""The rows of one detailed report, computed from the tenant's records and a `DetailedSpec`.

Interaction details: one row per interaction created in `[dateRange.start, dateRange.end)`
(and inside the intraday window, read in the report's timezone), the same interactions the
statistics API and the summary reports count. Agent status change: one row per status event
of `tenant.statuses` in the range, finished by the agent's next event. Rows that fail the
searchQuery are left out, and ongoing ones too with `showOngoingInteractions: false`.

Rows are in `(startTime, id)` order, each `{"total": null, "items": [...]}`: the row's id item
first (`interactionId` or `eventId`, whatever `metrics` asks: it is the row's identity), then
the asked metrics in the request's order, then `participants` with `includeParticipants`.
Durations are milliseconds; `duration_text()` turns them into the older `h:mm:ss` text.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Iterator, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from ._analytics_data import _in_intraday
from ._detailed_catalogue import ID_KEY, INTERACTION_DETAILS, LABELS, PARTICIPANTS_KEY
from ._detailed_rules import DetailedSpec
from ._detailed_values import Directory, Values, interaction_values, iso, phase
from ._tenant import Tenant

WireRow = dict[str, Any]
SortKey = tuple[int, int]
"""(start in epoch milliseconds, numeric id): the order rows are served in, and what the
cursor encodes."""


class DetailedData:
    """Every row of one detailed report, with the sort key of each (for the cursor)."""

    def __init__(self, tenant: Tenant, spec: DetailedSpec) -> None:
        self.spec = spec
        as_of = min(tenant.now, spec.end) if spec.state_in_time else tenant.now
        if spec.type == INTERACTION_DETAILS:
            found = _interaction_rows(tenant, spec, as_of)
        else:
            found = _status_rows(tenant, spec, as_of)
        found.sort(key=lambda pair: pair[0])
        self.keys: list[SortKey] = [key for key, _ in found]
        self.rows: list[WireRow] = [row for _, row in found]

    @property
    def count(self) -> int:
        return len(self.rows)

    def position_after(self, key: SortKey) -> int | None:
        """The index of the row following the row with sort key `key` (None: no such row)."""
        index = bisect.bisect_left(self.keys, key)
        if index < len(self.keys) and self.keys[index] == key:
            return index + 1
        return None

    def page(self, start: int, stop: int, text: bool = False) -> list[WireRow]:
        """Rows `start` to `stop`, durations as `h:mm:ss` text when `text`."""
        chosen = self.rows[start:stop]
        return [duration_text(row) for row in chosen] if text else chosen

    def all_rows(self, text: bool = False) -> Iterator[WireRow]:
        """Every row, in order."""
        yield from self.page(0, self.count, text)


def _selected(moment: dt.datetime, spec: DetailedSpec, zone: ZoneInfo) -> bool:
    return spec.start <= moment < spec.end and _in_intraday(moment.astimezone(zone), spec.intraday)


def _interaction_rows(
    tenant: Tenant, spec: DetailedSpec, as_of: dt.datetime
) -> list[tuple[SortKey, WireRow]]:
    zone = ZoneInfo(spec.timezone)
    directory = Directory.of(tenant)
    found = []
    for record in tenant.interactions:
        created = dt.datetime.fromisoformat(record["create-timestamp"])
        if not _selected(created, spec, zone):
            continue
        values, participants = interaction_values(directory, record, zone, as_of)
        if not _kept(values, spec):
            continue
        key = (int(created.timestamp() * 1000), int(record["interaction-id"]))
        extra = participants if spec.include_participants else None
        found.append((key, _wire(values, spec, extra)))
    return found


def _status_rows(
    tenant: Tenant, spec: DetailedSpec, as_of: dt.datetime
) -> list[tuple[SortKey, WireRow]]:
    zone = ZoneInfo(spec.timezone)
    events = sorted(
        enumerate(tenant.statuses), key=lambda e: dt.datetime.fromisoformat(e[1]["event-time"])
    )
    following: dict[int, dt.datetime | None] = {}
    previous: dict[int, str | None] = {}
    last: dict[str, int] = {}
    for index, event in events:
        agent = event["agent-id"]
        if agent in last:
            following[last[agent]] = dt.datetime.fromisoformat(event["event-time"])
            previous[index] = tenant.statuses[last[agent]]["status"]
        last[agent] = index
    found = []
    for index, event in events:
        began = dt.datetime.fromisoformat(event["event-time"])
        if not _selected(began, spec, zone):
            continue
        ended = following.get(index)
        ongoing = ended is None or ended > as_of
        length = None if ended is None else int((ended - began).total_seconds())
        duration = phase(began, length, as_of) or {
            "value": max(0, int((as_of - began).total_seconds() * 1000)),
            "ongoing": True,
        }
        values: Values = {
            "eventId": str(index + 1),
            "agentId": event["agent-id"],
            "agentName": event["agent-name"],
            "groupId": event["group-id"] or None,
            "groupName": event["group-name"] or None,
            "startTime": iso(began, zone),
            "finishedTime": {"value": None if ongoing else iso(ended, zone), "ongoing": ongoing},
            "status": event["status"],
            "previousStatus": previous.get(index),
            "statusDuration": duration,
            "statusCodeListId": event["scl-list-id"] or None,
            "statusCodeId": event["scl-item-id"] or None,
            "statusCodeText": event["scl-item-report-text"] or None,
            "transactionId": event["transaction-id"] or None,
        }
        if _kept(values, spec):
            found.append(((int(began.timestamp() * 1000), index + 1), _wire(values, spec, None)))
    return found


def _kept(values: Values, spec: DetailedSpec) -> bool:
    if not spec.show_ongoing and values["finishedTime"]["ongoing"]:
        return False
    return spec.passes(values)


def _wire(values: Values, spec: DetailedSpec, participants: Sequence[Values] | None) -> WireRow:
    labels = LABELS[spec.type]
    id_key = ID_KEY[spec.type]
    keys = spec.metrics if id_key in spec.metrics else (id_key, *spec.metrics)
    items: list[dict[str, Any]] = [
        {"key": key, "label": labels[key], "value": values[key]} for key in keys
    ]
    if participants is not None:
        items.append({"key": PARTICIPANTS_KEY, "label": "Participants", "value": [*participants]})
    return {"total": None, "items": items}


def clock_text(milliseconds: int | None) -> str | None:
    """Milliseconds as the older sample's `h:mm:ss` text (`"0:00:41"`)."""
    if milliseconds is None:
        return None
    minutes, secs = divmod(milliseconds // 1000, 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}"


def duration_text(row: WireRow) -> WireRow:
    """A copy of `row` with every duration (items and participants) as `h:mm:ss` text."""
    items = []
    for item in row["items"]:
        value = item["value"]
        if item["key"] == PARTICIPANTS_KEY:
            value = [
                {k: clock_text(v) if k.endswith("Duration") else v for k, v in p.items()}
                for p in value
            ]
        elif item["key"].endswith("Duration") and isinstance(value, dict):
            value = {**value, "value": clock_text(value["value"])}
        items.append({**item, "value": value})
    return {**row, "items": items}
