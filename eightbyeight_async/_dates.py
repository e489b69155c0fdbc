"""Date ranges for the statistics API's `d=` parameter and time zones for its `tz=` parameter.

A `DateRange` holds one or two bounds, each a `date` (midnight), a `datetime` (naive: in the
`tz=` or tenant zone; aware: an exact instant) or a `RelativeDay` (`today`, `today-Nd`).
It parses and renders the documented forms.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date, datetime, time, timedelta, timezone, tzinfo
from typing import TypeAlias
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import attrs

from ._errors import InvalidArgumentError

ACCEPTED_FORMS = (
    "accepted date range forms: a date '2007-08-05'; a range '2007-08-05,2007-08-07'; "
    "times in UTC '2007-08-05 13:15Z,2007-08-07 14:30Z' or '20070805T1315Z,20070807T1430Z'; "
    "'today' or 'today-Nd' (e.g. 'today-7d', also mixed as 'today-1d,today'); "
    "or a (start, end) pair of dates, datetimes at whole minutes, or such strings"
)

_DATE = re.compile(r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})")
_EXTENDED = re.compile(
    r"(?P<y>[0-9]{4})-(?P<m>[0-9]{2})-(?P<d>[0-9]{2})(?:\s+|T)(?P<H>[0-9]{2}):(?P<M>[0-9]{2})"
    r"(?P<zone>Z|[+-][0-9]{2}:[0-9]{2})?"
)
_COMPACT = re.compile(
    r"(?P<y>[0-9]{4})(?P<m>[0-9]{2})(?P<d>[0-9]{2})T(?P<H>[0-9]{2})(?P<M>[0-9]{2})"
    r"(?P<zone>Z|[+-][0-9]{2}:?[0-9]{2})?"
)
_RELATIVE = re.compile(r"today(?:-(?P<days>[0-9]+)d)?")


def _invalid(reason: str) -> InvalidArgumentError:
    return InvalidArgumentError(f"{reason}; {ACCEPTED_FORMS}")


def _non_negative_int(_: object, __: object, value: object) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _invalid(f"days_ago must be an int >= 0, got {value!r}")


@attrs.frozen
class RelativeDay:
    """Midnight of the day `days_ago` days before today (in the `tz=` or tenant zone)."""

    days_ago: int = attrs.field(default=0, validator=_non_negative_int)

    def to_query(self) -> str:
        """Render as the documented constant: `today` or `today-Nd`."""
        return "today" if self.days_ago == 0 else f"today-{self.days_ago}d"

    def to_date(self, today: date) -> date:
        """The calendar day this denotes, given today's date."""
        try:
            return today - timedelta(days=self.days_ago)
        except OverflowError:
            raise _invalid(f"{self.to_query()} is before the year 1") from None


Bound: TypeAlias = date | datetime | RelativeDay
"""One end of a range: a date (midnight), a datetime (naive or aware), or a relative day."""


def _check_bound(_: object, attribute: attrs.Attribute[Bound], value: Bound) -> None:
    if not isinstance(value, (date, RelativeDay)):
        raise _invalid(f"DateRange.{attribute.name} must be a date, datetime or RelativeDay")
    if isinstance(value, datetime) and _has_seconds(_in_utc(value, attribute.name)):
        raise _invalid(
            f"DateRange.{attribute.name} has seconds or microseconds, which no documented form"
            " carries; round it to the minute yourself (e.g. .replace(second=0, microsecond=0))"
        )


def _in_utc(value: datetime, name: str) -> datetime:
    """An aware `value` in UTC, the form it is sent in (a naive one unchanged)."""
    if value.utcoffset() is None:
        return value
    try:
        return value.astimezone(timezone.utc)
    except OverflowError:  # 0001-01-01 00:00 east of UTC, or 9999-12-31 late west of it
        raise _invalid(
            f"DateRange.{name} {value.isoformat()} is outside the years 1 to 9999 in UTC, "
            "so the range cannot be expressed; use a date or a time inside those years"
        ) from None


def _has_seconds(value: datetime) -> bool:
    """Whether `value` is off the minute (pass aware ones in UTC: old offsets carry seconds)."""
    return bool(value.second or value.microsecond)


def _as_datetime(bound: Bound) -> datetime | None:
    """`bound` as a datetime (a date at midnight), or None for a relative day."""
    if isinstance(bound, RelativeDay):
        return None
    return bound if isinstance(bound, datetime) else datetime.combine(bound, time())


def _ends_before_start(start: Bound, end: Bound) -> bool:
    """Whether `end` is provably before `start` without knowing the zone or today."""
    if isinstance(start, RelativeDay) and isinstance(end, RelativeDay):
        return end.days_ago > start.days_ago
    first, last = _as_datetime(start), _as_datetime(end)
    if first is None or last is None:
        return False
    if (first.utcoffset() is None) != (last.utcoffset() is None):
        return False  # a naive time or a date is in a zone we do not know yet
    return last < first


@attrs.frozen
class DateRange:
    """The `d=` value: `start` alone selects one day from it; `start,end` is [start, end).

    The end is exclusive, as the spec's examples show: `today-1d,today` is yesterday, so
    `2007-08-05,2007-08-07` is August 5 and 6. Datetimes must be whole minutes (no documented
    form carries seconds; rounding would silently move the bound), else InvalidArgumentError.
    """

    start: Bound = attrs.field(validator=_check_bound)
    end: Bound | None = attrs.field(default=None, validator=attrs.validators.optional(_check_bound))

    def __attrs_post_init__(self) -> None:
        if self.end is not None and _ends_before_start(self.start, self.end):
            raise _invalid(f"the range ends before it starts ({self.to_query()})")

    @classmethod
    def parse(cls, text: str) -> DateRange:
        """Parse a documented `d=` value, e.g. `2007-08-05,2007-08-07` or `today-1d,today`."""
        if not isinstance(text, str):
            raise _invalid(f"expected a string, got {type(text).__name__}")
        parts = text.split(",")
        if len(parts) > 2:
            raise _invalid(f"at most two comma-separated bounds, got {text!r}")
        bounds = [_parse_bound(part) for part in parts]
        return cls(bounds[0], bounds[1] if len(bounds) == 2 else None)

    @classmethod
    def today(cls, days_ago: int = 0) -> DateRange:
        """The whole day `days_ago` days before today (`today`, `today-1d`, …)."""
        return cls(RelativeDay(days_ago))

    @classmethod
    def last_days(cls, n: int) -> DateRange:
        """The `n` whole days before today, today excluded: `today-Nd,today`."""
        if not isinstance(n, int) or isinstance(n, bool) or n < 1:
            raise _invalid(f"last_days needs an int >= 1, got {n!r}")
        return cls(RelativeDay(n), RelativeDay(0))

    def to_query(self) -> str:
        """Render the `d=` value in a documented form (aware datetimes as compact UTC)."""
        if self.end is None:
            return _format_bound(self.start)
        return f"{_format_bound(self.start)},{_format_bound(self.end)}"


def _format_bound(bound: Bound) -> str:
    """Render one bound: `YYYY-MM-DD`, `YYYY-MM-DD HH:MM` (naive), `YYYYMMDDTHHMMZ`, `today-Nd`."""
    if isinstance(bound, RelativeDay):
        return bound.to_query()
    if not isinstance(bound, datetime):
        return bound.isoformat()
    if bound.utcoffset() is None:
        return f"{bound.date().isoformat()} {bound:%H:%M}"
    utc = bound.astimezone(timezone.utc)
    return f"{utc.date().isoformat().replace('-', '')}T{utc:%H%M}Z"


def _parse_bound(text: str) -> Bound:
    """Parse one bound in a documented form (surrounding whitespace ignored)."""
    text = text.strip()
    if relative := _RELATIVE.fullmatch(text):
        return RelativeDay(int(relative["days"] or 0))
    if day := _DATE.fullmatch(text):
        return _build(text, lambda: date(int(day["y"]), int(day["m"]), int(day["d"])))
    if stamp := _EXTENDED.fullmatch(text) or _COMPACT.fullmatch(text):
        return _build(text, lambda: _datetime_from(stamp))
    raise _invalid(f"unrecognised date {text!r}")


def _build(text: str, make: Callable[[], Bound]) -> Bound:
    try:
        return make()
    except ValueError:
        raise _invalid(f"{text!r} is not a real date or time") from None


def _datetime_from(match: re.Match[str]) -> datetime:
    year, month, day, hour, minute = (int(match[name]) for name in ("y", "m", "d", "H", "M"))
    return datetime(year, month, day, hour, minute, tzinfo=_zone(match["zone"]))


def _zone(designator: str | None) -> tzinfo | None:
    if designator is None:
        return None
    if designator == "Z":
        return timezone.utc
    sign = -1 if designator[0] == "-" else 1
    hours, minutes = int(designator[1:3]), int(designator[-2:])
    if minutes >= 60:
        raise ValueError("offset minutes out of range")
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def coerce_date_range(value: object) -> DateRange:
    """Accept a DateRange, a documented string, one date/datetime/RelativeDay, or a pair."""
    if isinstance(value, DateRange):
        return value
    if isinstance(value, str):
        return DateRange.parse(value)
    if isinstance(value, (date, RelativeDay)):
        return DateRange(value)
    if isinstance(value, Sequence) and len(value) == 2:
        start, end = (_coerce_bound(item) for item in value)
        if start is None:
            raise _invalid("a (start, end) pair needs a start")
        return DateRange(start, end)
    raise _invalid(f"cannot use {type(value).__name__} as a date range")


def _coerce_bound(value: object) -> Bound | None:
    if value is None or isinstance(value, (date, RelativeDay)):
        return value
    if isinstance(value, str):
        return _parse_bound(value)
    raise _invalid(f"cannot use {type(value).__name__} as a date range bound")


def validate_timezone(name: str) -> str:
    """Return `name` if it is a known IANA time zone (e.g. `America/New_York`), else raise."""
    if not isinstance(name, str) or not name.strip():
        raise InvalidArgumentError("tz must be an IANA time zone name such as America/New_York")
    try:
        return ZoneInfo(name.strip()).key
    except (ZoneInfoNotFoundError, ValueError, OSError):  # OSError: tzdata, "America"
        raise InvalidArgumentError(
            f"unknown time zone {name!r}; use an IANA name such as America/New_York or UTC"
        ) from None
