"""The Recent Calls ground truth: the tenant's phone interactions a search body selects,
filtered here from each call's generated wire record, apart from the request handler.

Filters follow the Recent Calls document: `duration` (today, yesterday, week from Monday,
month, allhistory; in `timezone`, default GMT) or else `timeRange` (`startMs-endMs`, end
excluded); `callerName` a case-insensitive part of the caller's name or number;
`tenantAgents`/`tenantQueues`/`tenantGroups` any of the ids; numeric ranges `range:X,Y`
and duration ranges `sec:X,Y`/`min:X,Y` inclusive, -1 for no bound.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Mapping
from typing import Any
from zoneinfo import ZoneInfo

from .services._recent_calls import call_record
from .tenant._tenant import Tenant

_RANGE = re.compile(r"(range|sec|min):(-?\d+),(-?\d+)")
_UTC = dt.timezone.utc


def recent_calls(tenant: Tenant, body: Mapping[str, Any]) -> list[dict[str, Any]]:
    """Every call `body` selects, newest first, wire names, without the zone-dependent
    `callDate`/`callDateOnly`/`callTime`. ValueError for a body the server refuses."""
    low, high = _span(tenant.now, body)
    groups = {agent["agent-id"]: agent["group-id"] for agent in tenant.agents}
    chosen = []
    for raw in tenant.interactions:
        if raw.get("media-type") != "Phone":
            continue
        at = dt.datetime.fromisoformat(raw["create-timestamp"])
        wire = call_record(tenant, raw, groups)
        if low <= at < high and _wanted(raw, wire, body):
            chosen.append((at, wire["callId"], wire))
    chosen.sort(key=lambda item: (item[0], item[1]), reverse=True)
    return [wire for _at, _id, wire in chosen]


def _span(now: dt.datetime, body: Mapping[str, Any]) -> tuple[dt.datetime, dt.datetime]:
    name = body.get("timezone")
    zone: dt.tzinfo = _UTC if not name or name == "GMT" else ZoneInfo(str(name))
    local = now.astimezone(zone)
    today = dt.datetime.combine(local.date(), dt.time(), tzinfo=zone)
    day = dt.timedelta(days=1)
    duration = body.get("duration")
    if duration == "today":
        return today, today + day
    if duration == "yesterday":
        return today - day, today
    if duration == "week":
        monday = today - local.weekday() * day
        return monday, monday + 7 * day
    if duration == "month":
        first = today.replace(day=1)
        return first, (first + 32 * day).replace(day=1)
    if duration == "allhistory":
        return dt.datetime.min.replace(tzinfo=_UTC), dt.datetime.max.replace(tzinfo=_UTC)
    if duration is not None:
        raise ValueError(f"unknown duration {duration!r}")
    start, dash, end = str(body.get("timeRange", "")).partition("-")
    if not (dash and start.isdigit() and end.isdigit()):
        raise ValueError("give duration or timeRange")
    return (
        dt.datetime.fromtimestamp(int(start) / 1000, _UTC),
        dt.datetime.fromtimestamp(int(end) / 1000, _UTC),
    )


def _ms(field: str) -> Callable[[Mapping[str, Any], Mapping[str, Any]], float]:
    return lambda _raw, wire: float(wire[field]) / 1000


def _count(text: object) -> float:
    return float(str(text or "0"))


_MEASURES: dict[str, Callable[[Mapping[str, Any], Mapping[str, Any]], float]] = {
    "agentHoldCount": lambda raw, _wire: _count(raw.get("hold-count")),
    "agentMuteCount": lambda _raw, wire: float(wire["muteDuration"]) / 1500,
    "transferCount": lambda _raw, wire: _count(wire["transferCount"]),
    "callDuration": _ms("callDuration"),
    "timeInQueue": _ms("waitTime"),
    "timeInIVR": _ms("timeInIVR"),
    "agentCallDuration": _ms("agentCallHandlingDuration"),
    "agentHoldDuration": _ms("holdDuration"),
}


def _wanted(raw: Mapping[str, Any], wire: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
    callers = body.get("callerName") or []
    if callers:
        part = str(callers[0]).lower()
        if part not in f"{wire['callerName']} {wire['callerNumber']}".lower():
            return False
    for name, field in (
        ("tenantAgents", "agentId"),
        ("tenantQueues", "queueId"),
        ("tenantGroups", "agentGroup"),
    ):
        ids = [str(item) for item in body.get(name) or []]
        if ids and wire[field] not in ids:
            return False
    return all(
        _in_range(name, body[name], measure(raw, wire))
        for name, measure in _MEASURES.items()
        if name in body
    )


def _in_range(name: str, text: object, value: float) -> bool:
    found = _RANGE.fullmatch(str(text))
    if found is None:
        raise ValueError(f"{name}: unreadable range {text!r}")
    scale = 60 if found[1] == "min" else 1
    low, high = int(found[2]), int(found[3])
    return (low < 0 or value >= low * scale) and (high < 0 or value <= high * scale)
