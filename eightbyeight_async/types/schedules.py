"""Tenant schedule models (`/api/provisioning/schedules...`): schedules with their week days,
and schedule statuses as a typed value (OPEN 0, CLOSED -1, CHOICE n)."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any

import attrs

from .._convert import prepared_by, wire_metadata
from .._errors import DecodeError

__all__ = [
    "DayPeriod",
    "NextScheduleStatus",
    "Schedule",
    "ScheduleState",
    "ScheduleStatus",
    "WeekDay",
]


class ScheduleState(enum.Enum):
    """The kind of a schedule status code."""

    OPEN = "OPEN"
    CLOSED = "CLOSED"
    CHOICE = "CHOICE"


@attrs.frozen
class ScheduleStatus:
    """A status code as a value: `0` OPEN, `-1` CLOSED, `n` > 0 CHOICE number n."""

    state: ScheduleState
    choice: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict, eq=False, hash=False, repr=False)
    """What the status answer held besides the code (e.g. its `label`); not part of the
    value: two statuses with the same code are equal."""

    @classmethod
    def from_code(cls, code: object, extra: dict[str, Any] | None = None) -> ScheduleStatus:
        """Read a wire code ("0", "-1", "3", an int, "3.0", or a label: "open", "CLOSED",
        "CHOICE #3")."""
        text = str(code).strip()
        label = text.upper().replace("#", " ").split()
        if label == ["OPEN"]:
            text = "0"
        elif label == ["CLOSED"]:
            text = "-1"
        elif len(label) == 2 and label[0] == "CHOICE":
            text = label[1]
        elif text.endswith(".0"):  # 0.0, "-1.0"
            text = text.removesuffix(".0")
        if not (text.removeprefix("-").isascii() and text.removeprefix("-").isdigit()):
            raise DecodeError(f"a schedule status code is a number; got {code!r}")
        number, kept = int(text), extra or {}
        if number == 0:
            return cls(ScheduleState.OPEN, extra=kept)
        if number == -1:
            return cls(ScheduleState.CLOSED, extra=kept)
        if number > 0:
            return cls(ScheduleState.CHOICE, number, extra=kept)
        raise DecodeError(f"undocumented schedule status code {number}")

    @property
    def code(self) -> int:
        """The wire code."""
        if self.state is ScheduleState.OPEN:
            return 0
        if self.state is ScheduleState.CLOSED:
            return -1
        return self.choice or 0

    def __str__(self) -> str:
        return f"CHOICE {self.choice}" if self.state is ScheduleState.CHOICE else self.state.value


def _number(value: Any) -> int:
    """A non-negative integer field (ASCII digits only: `int()` refuses "²")."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"expected a number, got {value!r}")
    return int(text)


def _listed(value: Any) -> list[Any]:
    """A collection element's items: none, one, or a list."""
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _schedule_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """`<week-days><week-day>…` (one, several or none) as a list of day records."""
    return {**record, "week-days": _listed((record.get("week-days") or {}).get("week-day"))}


def _day_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A day's `<properties>` (one, several or none) as a list of period records."""
    return {**record, "properties": _listed(record.get("properties"))}


@attrs.frozen
class DayPeriod:
    """A period of a week day with its status (`start_time` to `end_time`, local times)."""

    status: ScheduleStatus = attrs.field(metadata=wire_metadata(hook=ScheduleStatus.from_code))
    start_time: dt.time | None
    end_time: dt.time | None
    extra: dict[str, Any] = attrs.field(factory=dict)


@prepared_by(_day_record)
@attrs.frozen
class WeekDay:
    """A week day of a schedule (`day` 0 = Sunday, as the document's sample) and its periods."""

    day: int = attrs.field(metadata=wire_metadata(hook=_number))
    periods: tuple[DayPeriod, ...] = attrs.field(metadata=wire_metadata("properties"))
    extra: dict[str, Any] = attrs.field(factory=dict)


@prepared_by(_schedule_record)
@attrs.frozen
class Schedule:
    """A tenant schedule; `time_zone` is None when the schedule uses the tenant's."""

    id: int = attrs.field(metadata=wire_metadata(hook=_number))
    name: str = attrs.field(metadata=wire_metadata(hook=str))
    time_zone: str | None
    week_days: tuple[WeekDay, ...]
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class NextScheduleStatus:
    """`/nextstatus`: the status now (or at the instant asked) and the next one, from when."""

    schedule_id: int
    current: ScheduleStatus
    next: ScheduleStatus | None
    next_at: dt.datetime | None
    extra: dict[str, Any] = attrs.field(factory=dict)
