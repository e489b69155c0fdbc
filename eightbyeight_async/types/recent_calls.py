"""Recent Calls (Customer Experience) models: the call record and the typed range filters.

Durations are kept in the unit the server sends them in (milliseconds, judging by the
document's sample: a `callDuration` of "335566" for a call whose filters speak of seconds),
hence the `_ms` suffix; counts arrive as "0.0" and become ints; `callDate` becomes an aware
datetime in the response's time zone (naive, with a warning, if the server names a zone this
Python does not know; a non-text `callDate` is kept in `extra` and `call_date` is None).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import attrs

from .._convert import prepared_by, wire_field
from .._convert_hooks import to_datetime, to_int
from .._errors import InvalidArgumentError

__all__ = ["Duration", "Range", "RecentCall"]


def _bound(name: str, value: object) -> int:
    if value is None:
        return -1
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise InvalidArgumentError(
            f"{name} must be a non-negative integer, or None for an open end; got {value!r}"
        )
    return value


def _render(unit: str, low: int | None, high: int | None) -> str:
    lower, upper = _bound("the lower limit", low), _bound("the upper limit", high)
    if lower >= 0 and upper >= 0 and lower > upper:
        raise InvalidArgumentError(f"the lower limit {low} is above the upper limit {high}")
    return f"{unit}:{lower},{upper}"


@attrs.frozen
class Range:
    """A numeric range filter (`agentHoldCount`, `agentMuteCount`, `transferCount`), inclusive;
    None is an open end: `Range(2, None)` is "two or more" → `range:2,-1`."""

    low: int | None = None
    high: int | None = None

    def __attrs_post_init__(self) -> None:
        self.to_wire()

    def to_wire(self) -> str:
        """The documented `range:X,Y` form (-1 for an open end)."""
        return _render("range", self.low, self.high)


@attrs.frozen
class Duration:
    """A duration range filter (`callDuration`, `timeInQueue`, ...), inclusive, in seconds or
    minutes; None is an open end: `Duration.seconds(60, None)` → `sec:60,-1`."""

    unit: str
    low: int | None = None
    high: int | None = None

    def __attrs_post_init__(self) -> None:
        if self.unit not in ("sec", "min"):
            raise InvalidArgumentError(f"unit must be 'sec' or 'min'; got {self.unit!r}")
        self.to_wire()

    @classmethod
    def seconds(cls, low: int | None = None, high: int | None = None) -> Duration:
        """Between `low` and `high` seconds."""
        return cls("sec", low, high)

    @classmethod
    def minutes(cls, low: int | None = None, high: int | None = None) -> Duration:
        """Between `low` and `high` minutes."""
        return cls("min", low, high)

    def to_wire(self) -> str:
        """The documented `sec:X,Y` / `min:X,Y` form (-1 for an open end)."""
        return _render(self.unit, self.low, self.high)


def _count(value: Any) -> int:
    """A count, also as the decimal text the server sends ("0.0")."""
    if isinstance(value, str) and value.strip().endswith(".0"):
        value = value.strip()[:-2]
    return to_int(value, int)


def _call_date(value: Any) -> datetime:
    """`callDate`: a datetime already read in the answer's zone is kept (naive when that zone
    is unknown); text is read like any instant."""
    return value if isinstance(value, datetime) else to_datetime(value, datetime)


def _call_record(record: Mapping[str, Any]) -> Mapping[str, Any]:
    """A `callDate` that is neither text nor a datetime is left out, so it is kept in `extra`
    as sent (the document shows only text; whether a number counts seconds or milliseconds
    would be a guess)."""
    call_date = record.get("callDate")
    if call_date is None or isinstance(call_date, (str, datetime)):
        return record
    return {k: v for k, v in record.items() if k != "callDate"}


@prepared_by(_call_record)
@attrs.define(slots=True, kw_only=True)
class RecentCall:
    """One call of a Recent Calls search."""

    call_id: str = wire_field("callId")
    call_date: datetime | None = wire_field("callDate", hook=_call_date, default=None)
    call_type: str | None = wire_field("callType", default=None)
    call_sub_type: str | None = wire_field("callSubType", default=None)
    caller_name: str | None = wire_field("callerName", default=None)
    caller_number: str | None = wire_field("callerNumber", default=None)
    caller_phone_number: str | None = wire_field("callerPhoneNumber", default=None)
    dialed_number: str | None = wire_field("dialedNumber", default=None)
    destination_number: str | None = wire_field("destinationNumber", default=None)
    tenant_id: str | None = wire_field("tenantId", default=None)
    agent_id: str | None = wire_field("agentId", default=None)
    agent_group: str | None = wire_field("agentGroup", default=None)
    queue_id: str | None = wire_field("queueId", default=None)
    transaction_id: str | None = wire_field("transactionId", default=None)
    hungup_by: str | None = wire_field("hungupBy", default=None)
    schedule_hours: str | None = wire_field("scheduleHours", default=None)
    transfer_count: int | None = wire_field("transferCount", hook=_count, default=None)
    call_duration_ms: float | None = wire_field("callDuration", default=None)
    agent_call_handling_duration_ms: float | None = wire_field(
        "agentCallHandlingDuration", default=None
    )
    mute_duration_ms: float | None = wire_field("muteDuration", default=None)
    hold_duration_ms: float | None = wire_field("holdDuration", default=None)
    maximum_hold_duration_ms: float | None = wire_field("maximumHoldDuration", default=None)
    time_in_ivr_ms: float | None = wire_field("timeInIVR", default=None)
    wait_time_ms: float | None = wire_field("waitTime", default=None)
    abandon_time_ms: float | None = wire_field("abandonTime", default=None)
    total_score: str | None = wire_field("totalScore", default=None)
    post_call_survey: str | None = wire_field("postCallSurvey", default=None)
    voice_comment: str | None = wire_field("voiceComment", default=None)
    voice_comment_file_names: str | None = wire_field("voiceCommentFileNames", default=None)
    extra: dict[str, Any] = attrs.field(factory=dict)


DERIVED_FIELDS = frozenset({"callDateOnly", "callTime"})
"""Parts of `callDate` repeated as text; kept in `extra` like any other undocumented field."""
