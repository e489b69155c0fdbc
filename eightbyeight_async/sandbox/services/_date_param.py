"""The `d=` date range and `tz=` zone of the statistics and recordings APIs, as the sandbox
reads them: written from the statistics document ("Dates"), independently of the SDK.

The document's forms, each bound ISO 8601:

- a day, `2007-08-05`: that day from midnight (a day begins at 00:00:00);
- two bounds separated by a comma, `2007-08-05,2007-08-07`: from the first to the second
  (the second excluded, as `today-1d,today` meaning yesterday shows);
- a time after a space (`2007-08-05 13:15Z`) or, with no separators, after a capital `T`
  (`20070805T1315Z`); `Z` is UTC. The sandbox also reads `T` in the dashed form and a numeric
  offset (`+02:00`, `+0200`); a time without a designator is wall time in the zone;
- the constants `today` and `today-Nd`: midnight, N days before today.

The zone is `tz=` (an IANA name, e.g. `America/Denver`), else the tenant's. Sandbox choices
where the document is silent: a lone bound selects one calendar day in the zone from it; a
range that ends before it starts, more than two bounds, or an instant outside the years
1-9999 is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

_DAY = r"(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})"
_OFFSET = r"(?P<zone>Z|[+-]\d{2}:?\d{2})?"
_FORMS = (
    re.compile(_DAY),
    re.compile(_DAY + r"(?:\s+|T)(?P<hour>\d{2}):(?P<minute>\d{2})" + _OFFSET),
    re.compile(
        r"(?P<year>\d{4})(?P<month>\d{2})(?P<day>\d{2})T(?P<hour>\d{2})(?P<minute>\d{2})" + _OFFSET
    ),
)
_TODAY = re.compile(r"today(?:-(?P<back>\d+)d)?")


class DateParamError(ValueError):
    """A `d=` or `tz=` value the server refuses (a 400); the message says why."""


def zone_named(name: str) -> dt.tzinfo:
    """The IANA zone `name` (surrounding spaces ignored), else DateParamError."""
    try:
        return ZoneInfo(name.strip())
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: tzdata, "America"
        raise DateParamError(f"unknown time zone {name!r}") from None


def date_window(text: str, now: dt.datetime, zone: dt.tzinfo) -> tuple[float, float]:
    """The [start, end) epoch seconds `d=text` selects, `today` being `now`'s date in `zone`."""
    parts = text.split(",")
    if len(parts) > 2:
        raise DateParamError(f"d= takes one or two comma-separated dates, got {text!r}")
    try:
        start = _bound(parts[0], now, zone)
        if len(parts) == 1:
            wall = start.astimezone(zone).replace(tzinfo=None) + dt.timedelta(days=1)
            end = wall.replace(tzinfo=zone).astimezone(dt.timezone.utc)
        else:
            end = _bound(parts[1], now, zone)
    except OverflowError:
        raise DateParamError(f"d={text!r} is outside the years 1 to 9999") from None
    if end < start:
        raise DateParamError(f"d={text!r} ends before it starts")
    return start.timestamp(), end.timestamp()


def _bound(text: str, now: dt.datetime, zone: dt.tzinfo) -> dt.datetime:
    """One bound as an aware UTC datetime (OverflowError past the representable years)."""
    text = text.strip()
    if relative := _TODAY.fullmatch(text):
        today = now.astimezone(zone).date()
        day = today - dt.timedelta(days=int(relative["back"] or 0))
        return _midnight(day, zone)
    for form in _FORMS:
        if found := form.fullmatch(text):
            return _instant(found, zone)
    raise DateParamError(f"unrecognised date {text!r} (e.g. 2007-08-05, today-1d)")


def _midnight(day: dt.date, zone: dt.tzinfo) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone).astimezone(dt.timezone.utc)


def _instant(found: re.Match[str], zone: dt.tzinfo) -> dt.datetime:
    fields = found.groupdict()
    try:
        wall = dt.datetime(
            int(fields["year"]),
            int(fields["month"]),
            int(fields["day"]),
            int(fields.get("hour") or 0),
            int(fields.get("minute") or 0),
        )
    except ValueError:
        raise DateParamError(f"{found.string!r} is not a real date or time") from None
    return wall.replace(tzinfo=_designated(fields.get("zone"), zone)).astimezone(dt.timezone.utc)


def _designated(designator: str | None, zone: dt.tzinfo) -> dt.tzinfo:
    """The zone a time's designator names (`Z`, `+HH:MM`, `-HHMM`), else `zone`."""
    if not designator:
        return zone
    if designator == "Z":
        return dt.timezone.utc
    digits = designator[1:].replace(":", "")
    hours, minutes = int(digits[:2]), int(digits[2:])
    if hours > 23 or minutes > 59:
        raise DateParamError(f"offset {designator!r} is out of range")
    offset = dt.timedelta(hours=hours, minutes=minutes)
    return dt.timezone(-offset if designator[0] == "-" else offset)
