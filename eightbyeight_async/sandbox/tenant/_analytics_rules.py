"""The sandbox's check of a create-report body, by the document's rules (independently of the
SDK's own validation, so the SDK's checks are tested against a server that enforces them)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ._analytics_data import ReportSpec, summary_types
from ._tenant import Tenant

TITLE = re.compile(r"[A-Za-z0-9 !\-_.*'()]+")
GRANULARITIES = ("15m", "30m", "hour", "day", "week", "month", "year", "none")
WEEK_GRANULARITIES = frozenset({"15m", "30m", "hour", "day", "none"})
MONTH_GRANULARITIES = frozenset({"none", "hour", "day", "week"})
LONG_GRANULARITIES = frozenset({"none", "month", "year"})
MONTH = dt.timedelta(days=31)
MIN_INTRADAY = dt.timedelta(minutes=15)


class RequestRejected(ValueError):
    """A create-report body the server refuses with 400; the message says why."""


def _instant(value: Any, name: str) -> dt.datetime:
    try:
        moment = dt.datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise RequestRejected(f"{name} must be an ISO 8601 date-time") from None
    if moment.tzinfo is None:
        raise RequestRejected(f"{name} must carry a zone (Z or an offset)")
    return moment


def _clock(value: Any, name: str) -> dt.time:
    if not isinstance(value, str) or not re.fullmatch(r"[0-9]{2}:[0-9]{2}:[0-9]{2}", value):
        raise RequestRejected(f"{name} must be hh:mm:ss")
    return dt.time.fromisoformat(value)


def _boolean(value: Any, name: str) -> bool:
    if value in (True, "true"):
        return True
    if value in (None, False, "false"):
        return False
    raise RequestRejected(f"{name} must be true or false")


def parse_report_spec(body: Any, tenant: Tenant, version: str = "v8") -> ReportSpec:
    """The report a create-report body asks for (on API `version`: v8 has more metrics);
    RequestRejected names the broken rule."""
    if not isinstance(body, dict):
        raise RequestRejected("the body must be a JSON object")
    types = summary_types(version)
    definition = next((t for t in types if t["type"] == body.get("type")), None)
    if definition is None:
        raise RequestRejected(f"unknown report type {body.get('type')!r}")
    title = body.get("title")
    if not isinstance(title, str) or not TITLE.fullmatch(title):
        raise RequestRejected("title allows only A-Z, a-z, 0-9, spaces and ! - _ . * ' ( )")
    dates = body.get("dateRange") or {}
    start, end = (
        _instant(dates.get("start"), "dateRange.start"),
        _instant(dates.get("end"), "dateRange.end"),
    )
    if end <= start:
        raise RequestRejected("dateRange.end must be after dateRange.start")
    granularity = body.get("granularity")
    _check_granularity(granularity, end - start)
    group = body.get("groupBy") or {}
    grouping = next((g for g in definition["groupBy"] if g["name"] == group.get("name")), None)
    if grouping is None:
        raise RequestRejected(f"unknown groupBy.name {group.get('name')!r}")
    filters: dict[str, tuple[str, ...]] = {}
    for item in group.get("filters") or []:
        if item.get("name") not in grouping["filters"]:
            raise RequestRejected(f"filter {item.get('name')!r} is not allowed for this groupBy")
        filters[item["name"]] = tuple(str(v) for v in item.get("values") or [])
    metrics = tuple(body.get("metrics") or definition["metrics"])
    unknown = [m for m in metrics if m not in definition["metrics"]]
    if unknown:
        raise RequestRejected(f"unknown metrics {unknown}")
    return ReportSpec(
        type=definition["type"],
        title=title,
        start=start,
        end=end,
        granularity=str(granularity),
        grouping=grouping["name"],
        filters=filters,
        metrics=metrics,
        timezone=_zone(body.get("timezone"), tenant),
        intraday=_intraday(body.get("intraDayTimeRange")),
        subtotals=_boolean(body.get("includeSubTotal"), "includeSubTotal"),
        grand_total=_boolean(body.get("includeGrandTotal"), "includeGrandTotal"),
    )


def _check_granularity(granularity: Any, span: dt.timedelta) -> None:
    if granularity not in GRANULARITIES:
        raise RequestRejected(f"granularity must be one of {', '.join(GRANULARITIES)}")
    if span <= dt.timedelta(days=7):
        allowed = WEEK_GRANULARITIES
    elif span <= MONTH:
        allowed = MONTH_GRANULARITIES
    else:
        allowed = LONG_GRANULARITIES
    if granularity not in allowed:
        raise RequestRejected(f"granularity {granularity} is not allowed for this date range")


def _zone(name: Any, tenant: Tenant) -> str:
    if name is None:
        return tenant.timezone
    try:
        return ZoneInfo(str(name)).key
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: tzdata, "America"
        raise RequestRejected(f"unknown timezone {name!r}") from None


def _intraday(window: Any, minimum: dt.timedelta = MIN_INTRADAY) -> tuple[dt.time, dt.time] | None:
    """The intraday window (it may cross midnight), at least `minimum` long."""
    if window is None:
        return None
    if not isinstance(window, dict):
        raise RequestRejected("intraDayTimeRange must be an object with start and end")
    start = _clock(window.get("start"), "intraDayTimeRange.start")
    end = _clock(window.get("end"), "intraDayTimeRange.end")
    day = dt.date(2000, 1, 1)
    length = (dt.datetime.combine(day, end) - dt.datetime.combine(day, start)) % dt.timedelta(
        days=1
    )
    if length < minimum:
        minutes = int(minimum.total_seconds() // 60)
        raise RequestRejected(
            f"intraDayTimeRange.end must be at least {minutes} minutes after its start"
        )
    return start, end
