"""The rows of a simulated analytics summary report, computed from the tenant's interactions.

A report is `intervals x first-dimension members x (other-dimension combinations + a
subtotal)` rows, plus a grand total: every member of every grouped dimension appears, with
zeros where nothing happened. Rows are built on demand from their index (a 100,000-row
report costs only its buckets), the same way for JSON pages, CSV, XLSX and
`sb.truth.analytics_rows()`.

Metric values are counts and sums of seconds over the interactions created in the row's
interval (and intraday range) that match its dimension members and the report's filters;
percentages and averages are `null` when their denominator is zero.
"""

from __future__ import annotations

import bisect
import datetime as dt
import itertools
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from ._detailed_catalogue import detailed_report_types
from ._detailed_facts import facts
from ._tenant import Record, Tenant

WireRow = dict[str, Any]
Member = tuple[str, ...]
"""A dimension member's wire values, e.g. (queue name, queue id)."""

MEDIA = ("Phone", "Chat", "Email", "Voice Mail")
DIRECTED_MEDIA = {"InboundPhone": ("Phone", "inbound"), "OutboundPhone": ("Phone", "outbound")}

DIMENSION_ITEMS: Mapping[str, tuple[tuple[str, str], ...]] = {
    "agent": (("agent", "Agent"), ("agentId", "Agent Id")),
    "group": (("group", "Group"), ("groupId", "Group Id")),
    "media": (("media", "Media"),),
    "channel": (("channel", "Channel"),),
    "queue": (("queue", "Queue"), ("queueId", "Queue Id")),
}

# Accumulator slots: presented, accepted, abandoned, handling s, hold s, longest hold s, wrap-up s,
# then the v8 facts: parked, park s, focus s, assigned
_SLOTS = 11


def _ratio(part: int, whole: int, scale: float = 1.0) -> str | None:
    return None if whole == 0 else f"{scale * part / whole:.2f}"


METRICS: Mapping[str, tuple[str, Callable[[list[int]], str | None]]] = {
    "presented": ("Presented", lambda a: str(a[0])),
    "accepted": ("Accepted", lambda a: str(a[1])),
    "abandoned": ("Abandoned", lambda a: str(a[2])),
    "acceptedPercentage": ("Accepted %", lambda a: _ratio(a[1], a[0], 100.0)),
    "abandonedPercentage": ("Abandoned %", lambda a: _ratio(a[2], a[0], 100.0)),
    "handlingTime": ("Handling Time", lambda a: str(a[3])),
    "avgHandlingTime": ("Avg Handling Time", lambda a: _ratio(a[3], a[1])),
    "holdTime": ("Hold Time", lambda a: str(a[4])),
    "longestHoldTime": ("Longest Hold Time", lambda a: str(a[5])),
    "wrapUpTime": ("Wrap Up Time", lambda a: str(a[6])),
}

V8_METRICS: Mapping[str, tuple[str, Callable[[list[int]], str | None]]] = {
    **METRICS,
    "parked": ("Parked", lambda a: str(a[7])),
    "parkDuration": ("Park Duration", lambda a: str(a[8])),
    "focusTime": ("Focus Time", lambda a: str(a[9])),
    "avgFocusTime": ("Avg Focus Time", lambda a: _ratio(a[9], a[1])),
    "assignedInteractions": ("Assigned Interactions", lambda a: str(a[10])),
}
"""v7's metrics and the ones v8 adds (seconds, like the others)."""


def _agent_groupings() -> list[dict[str, Any]]:
    """The groupings of `agent-interactions-summary`, as the document's sample lists them."""
    names = [
        "agent",
        "agent-and-media",
        "agent-and-media-and-channel",
        "agent-and-media-and-channel-and-queue",
        "agent-and-media-and-queue",
        "group",
        "group-and-agent",
        "group-and-agent-and-media",
        "group-and-agent-and-media-and-channel",
        "group-and-agent-and-media-and-channel-and-queue",
        "group-and-agent-and-media-and-queue",
        "group-and-media",
        "group-and-media-and-channel",
        "group-and-media-and-channel-and-queue",
        "group-and-media-and-queue",
    ]
    return [
        {"name": n, "filters": sorted(d for d in n.split("-and-") if d != "channel")} for n in names
    ]


REPORT_TYPES: tuple[dict[str, Any], ...] = (  # v7's catalogue
    {"type": "agent-interactions-summary", "groupBy": _agent_groupings(), "metrics": [*METRICS]},
    {
        "type": "queue-interactions-summary",
        "groupBy": [
            {"name": "queue", "filters": ["queue"]},
            {"name": "media-and-queue", "filters": ["media", "queue"]},
            {"name": "media-and-channel-and-queue", "filters": ["media", "queue"]},
        ],
        "metrics": [*METRICS],
    },
)


V8_REPORT_TYPES: tuple[dict[str, Any], ...] = (
    *({**t, "metrics": [*V8_METRICS]} for t in REPORT_TYPES),
    *detailed_report_types(),
)
"""v8's catalogue: the summary types with v8's metrics, the detailed types, `script-paths`."""


def report_types(version: str) -> tuple[dict[str, Any], ...]:
    """The `GET /report-types` catalogue of an API version."""
    return V8_REPORT_TYPES if version == "v8" else REPORT_TYPES


def summary_types(version: str) -> tuple[dict[str, Any], ...]:
    """The types `POST /historical-metrics` builds as grouped summary reports."""
    return tuple(t for t in report_types(version) if t.get("groupBy"))


@attrs.frozen
class ReportSpec:
    """A validated create-report body."""

    type: str
    title: str
    start: dt.datetime
    end: dt.datetime
    granularity: str
    grouping: str
    filters: Mapping[str, tuple[str, ...]]
    metrics: tuple[str, ...]
    timezone: str
    intraday: tuple[dt.time, dt.time] | None
    subtotals: bool
    grand_total: bool

    @property
    def dimensions(self) -> list[str]:
        return self.grouping.split("-and-")


def _members(tenant: Tenant, dimension: str, allowed: set[str] | None) -> list[tuple[str, Member]]:
    """(key, wire values) of every member of `dimension`, restricted by a filter."""
    found: list[tuple[str, Member]]
    if dimension == "agent":
        found = [(a["agent-id"], (a["full-name"], a["agent-id"])) for a in tenant.agents]
    elif dimension == "group":
        found = [(g["group-id"], (g["group-name"], g["group-id"])) for g in tenant.groups]
    elif dimension == "queue":
        found = [(q["queue-id"], (q["queue-name"], q["queue-id"])) for q in tenant.queues]
    elif dimension == "channel":
        found = [(c["channel-id"], (c["channel-name"],)) for c in tenant.channels]
    else:
        found = [(m, (m,)) for m in MEDIA]
    return [(key, values) for key, values in found if allowed is None or key in allowed]


def _intervals(spec: ReportSpec) -> list[tuple[dt.datetime, dt.datetime]]:
    zone = ZoneInfo(spec.timezone)
    start, end = spec.start.astimezone(zone), spec.end.astimezone(zone)
    if spec.granularity == "none":
        return [(start, end)]
    step = {"15m": 15, "30m": 30, "hour": 60}.get(spec.granularity)
    if step is not None:
        minute = start.minute - start.minute % step
        first = start.replace(minute=minute, second=0, microsecond=0)
        edges = itertools.count(first.timestamp(), step * 60)
        moments: Iterator[dt.datetime] = (dt.datetime.fromtimestamp(t, zone) for t in edges)
    else:
        moments = _calendar_edges(start, spec.granularity, zone)
    bounds = list(itertools.takewhile(lambda m: m < end, moments))
    following = [*bounds[1:], _next_edge(bounds[-1], spec.granularity, zone)]
    return list(zip(bounds, following, strict=True))


def _calendar_edges(start: dt.datetime, granularity: str, zone: ZoneInfo) -> Iterator[dt.datetime]:
    day = start.date()
    if granularity == "week":
        day -= dt.timedelta(days=day.weekday())
    elif granularity == "month":
        day = day.replace(day=1)
    elif granularity == "year":
        day = day.replace(month=1, day=1)
    moment = dt.datetime.combine(day, dt.time(), zone)
    while True:
        yield moment
        moment = _next_edge(moment, granularity, zone)


def _next_edge(moment: dt.datetime, granularity: str, zone: ZoneInfo) -> dt.datetime:
    minutes = {"15m": 15, "30m": 30, "hour": 60}.get(granularity)
    if minutes is not None:
        return dt.datetime.fromtimestamp(moment.timestamp() + minutes * 60, zone)
    day = moment.date()
    if granularity == "day":
        day += dt.timedelta(days=1)
    elif granularity == "week":
        day += dt.timedelta(days=7)
    elif granularity == "month":
        day = dt.date(day.year + day.month // 12, day.month % 12 + 1, 1)
    else:
        day = dt.date(day.year + 1, 1, 1)
    return dt.datetime.combine(day, dt.time(), zone)


def _in_intraday(moment: dt.datetime, window: tuple[dt.time, dt.time] | None) -> bool:
    if window is None:
        return True
    start, end = window
    clock = moment.time()
    return start <= clock < end if start < end else clock >= start or clock < end


class ReportData:
    """The rows of one report, built on demand by index."""

    def __init__(self, tenant: Tenant, spec: ReportSpec) -> None:
        self.spec = spec
        self.intervals = _intervals(spec)
        dims = spec.dimensions
        members = {d: _members(tenant, d, self._allowed(d)) for d in dims}
        self._dims = dims
        self._first = [(m,) for m in members[dims[0]]] if len(dims) > 1 else [()]
        rest_dims = dims[1:] if len(dims) > 1 else dims
        self._rest = list(itertools.product(*(members[d] for d in rest_dims)))
        self._group = len(self._rest) + (1 if spec.subtotals else 0)
        self._metric_items = [(k, V8_METRICS[k][0], V8_METRICS[k][1]) for k in spec.metrics]
        self._buckets: dict[tuple[int, ...], list[int]] = {}
        self._tally(tenant)
        blocks = len(self.intervals) * len(self._first) * self._group
        self.count = blocks + (1 if spec.grand_total else 0)

    def _allowed(self, dimension: str) -> set[str] | None:
        values = self.spec.filters.get(dimension)
        if values is None:
            return None
        if dimension == "media":
            return {DIRECTED_MEDIA.get(v, (v, ""))[0] for v in values}
        return set(values)

    def _tally(self, tenant: Tenant) -> None:
        group_of = {a["agent-id"]: a["group-id"] for a in tenant.agents}
        starts = [start.timestamp() for start, _ in self.intervals]
        lo, hi = self.spec.start.timestamp(), self.spec.end.timestamp()
        zone = ZoneInfo(self.spec.timezone)
        first_index = {m[0][0]: i for i, m in enumerate(self._first) if m}
        rest_index = {tuple(k for k, _ in combo): i for i, combo in enumerate(self._rest)}
        for record in tenant.interactions:
            keys = {
                "agent": record["agent-id"],
                "group": group_of.get(record["agent-id"], ""),
                "media": record["media-type"],
                "channel": record["channel-id"],
                "queue": record["queue-id"],
            }
            created = dt.datetime.fromisoformat(record["create-timestamp"])
            moment = created.timestamp()
            if not lo <= moment < hi or not _in_intraday(
                created.astimezone(zone), self.spec.intraday
            ):
                continue
            if not self._passes_filters(record, keys):
                continue
            dims = self._dims
            first = first_index.get(keys[dims[0]]) if len(dims) > 1 else 0
            rest = rest_index.get(tuple(keys[d] for d in (dims[1:] if len(dims) > 1 else dims)))
            if first is None or rest is None:
                continue
            interval = bisect.bisect_right(starts, moment) - 1
            for key in ((interval, first, rest), (interval, first), ()):
                _add(self._buckets.setdefault(key, [0] * _SLOTS), record, tenant)

    def _passes_filters(self, record: Record, keys: Mapping[str, str]) -> bool:
        for name, values in self.spec.filters.items():
            if name == "media":
                pair = (record["media-type"], record["interaction-direction"])
                if not any(DIRECTED_MEDIA.get(v, (v, pair[1])) == pair for v in values):
                    return False
            elif keys.get(name, "") not in values:
                return False
        return True

    def rows(self, start: int = 0, stop: int | None = None) -> Iterator[WireRow]:
        """The wire rows from index `start` up to `stop` (the end by default)."""
        for index in range(start, min(self.count, self.count if stop is None else stop)):
            yield self.row(index)

    def row(self, index: int) -> WireRow:
        """The wire row at `index`: `{"total": ..., "items": [{key, label, value}, ...]}`."""
        if self.spec.grand_total and index == self.count - 1:
            lo, hi = self.spec.start, self.spec.end
            nulls: list[Member | None] = [None] * len(self._dims)
            total: dict[str, Any] = {"type": "grandtotal", "startIndex": None, "endIndex": None}
            return self._render(total, (lo, hi), nulls, self._buckets.get(()))
        block, offset = divmod(index, self._group)
        interval, first = divmod(block, len(self._first))
        bounds = self.intervals[interval]
        head = [m[1] for m in self._first[first]]
        if offset < len(self._rest):
            members: list[Member | None] = [*head, *(m[1] for m in self._rest[offset])]
            return self._render(None, bounds, members, self._buckets.get((interval, first, offset)))
        first_row = block * self._group
        subtotal = {"type": "subtotal", "startIndex": first_row, "endIndex": index - 1}
        members = [*head, *([None] * (len(self._dims) - len(head)))]
        return self._render(subtotal, bounds, members, self._buckets.get((interval, first)))

    def _render(
        self,
        total: dict[str, Any] | None,
        bounds: tuple[dt.datetime, dt.datetime],
        members: Sequence[Member | None],
        tally: list[int] | None,
    ) -> WireRow:
        zone = ZoneInfo(self.spec.timezone)
        start, end = (b.astimezone(zone).isoformat(timespec="minutes") for b in bounds)
        items: list[dict[str, str | None]] = [
            {"key": "startTime", "label": "Start Time", "value": start},
            {"key": "endTime", "label": "End Time", "value": end},
        ]
        for dimension, member in zip(self._dims, members, strict=True):
            for position, (key, label) in enumerate(DIMENSION_ITEMS[dimension]):
                value = None if member is None else member[position]
                items.append({"key": key, "label": label, "value": value})
        counts = tally or [0] * _SLOTS
        items.extend(
            {"key": k, "label": label, "value": f(counts)} for k, label, f in self._metric_items
        )
        return {"total": total, "items": items}


def _add(tally: list[int], record: Record, tenant: Tenant) -> None:
    tally[0] += 1
    if record["accept-timestamp"]:
        tally[1] += 1
        tally[3] += int(record["process-time"] or 0)
    if record["abandon-timestamp"]:
        tally[2] += 1
    hold = int(record["total-hold-time"] or 0)
    tally[4] += hold
    tally[5] = max(tally[5], int(record["max-hold-time"] or 0))
    tally[6] += int(record["post-process-time"] or 0)
    derived = facts(tenant, record)
    tally[7] += int(derived.parked)
    tally[8] += derived.park_seconds
    tally[9] += derived.focus_seconds
    tally[10] += int(bool(record["agent-id"]))
