"""The converter's hooks: wire names, booleans, numbers, datetimes, empties, and `extra`."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from eightbyeight_async import DecodeError
from eightbyeight_async._convert import structure, structure_many, wire_field


@attrs.define(slots=True)
class Buckets:
    t0_5sec: int = wire_field("t0-5sec")
    t10_or_more: int = wire_field("t10-or-more")
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True)
class Sample:
    agent_id: str
    enabled: bool
    process_time: int | None
    accept_timestamp: datetime | None
    status_event_ts: datetime | None = wire_field("statusEventTS", default=None)
    wait: timedelta | None = None
    accepted: Buckets | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


def record(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "agent-id": "fred",
        "enabled": "Y",
        "process-time": "104",
        "accept-timestamp": "2008-03-09T09:13:02-07:00",
    }
    base.update(overrides)
    return base


def test_hyphenated_wire_names_map_to_snake_case_fields() -> None:
    sample = structure(record(), Sample)
    assert sample.agent_id == "fred"
    assert sample.process_time == 104
    assert sample.accept_timestamp == datetime(
        2008, 3, 9, 9, 13, 2, tzinfo=timezone(timedelta(hours=-7))
    )


@pytest.mark.parametrize(
    ("wire", "expected"),
    [("Y", True), ("N", False), ("yes", True), ("No", False), ("true", True), (False, False)],
)
def test_booleans(wire: Any, expected: bool) -> None:
    assert structure(record(enabled=wire), Sample).enabled is expected


@pytest.mark.parametrize(("wire", "expected"), [("", None), (None, None), ("0", 0), (7, 7)])
def test_empty_values_become_none(wire: Any, expected: int | None) -> None:
    assert structure(record(**{"process-time": wire}), Sample).process_time == expected


@pytest.mark.parametrize(
    ("wire", "expected"),
    [
        ("2008-02-14T10:12:13-08:00", datetime(2008, 2, 14, 18, 12, 13, tzinfo=timezone.utc)),
        ("2008-02-14T18:12:13Z", datetime(2008, 2, 14, 18, 12, 13, tzinfo=timezone.utc)),
        ("2008-02-14T18:12:13", datetime(2008, 2, 14, 18, 12, 13, tzinfo=timezone.utc)),
        (1669235544, datetime(2022, 11, 23, 20, 32, 24, tzinfo=timezone.utc)),
        ("1669235544", datetime(2022, 11, 23, 20, 32, 24, tzinfo=timezone.utc)),
        (1669230226093, datetime(2022, 11, 23, 19, 3, 46, 93000, tzinfo=timezone.utc)),
    ],
)
def test_datetimes_are_aware(wire: Any, expected: datetime) -> None:
    sample = structure(record(statusEventTS=wire), Sample)
    assert sample.status_event_ts == expected
    assert sample.status_event_ts is not None
    assert sample.status_event_ts.tzinfo is not None


def test_seconds_become_timedelta() -> None:
    assert structure(record(wait="90"), Sample).wait == timedelta(seconds=90)


def test_unknown_fields_are_kept_in_extra_at_every_level() -> None:
    sample = structure(
        record(**{"new-field": "x", "accepted": {"t0-5sec": "8", "t10-or-more": "0", "t99": "1"}}),
        Sample,
    )
    assert sample.extra == {"new-field": "x"}
    assert sample.accepted == Buckets(t0_5sec=8, t10_or_more=0, extra={"t99": "1"})


def test_each_instance_gets_its_own_extra() -> None:
    first, second = structure_many([record(a="1"), record()], Sample)
    assert first.extra == {"a": "1"}
    assert second.extra == {}


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"process-time": "abc"}, "process_time"),
        ({"enabled": "maybe"}, "enabled"),
        ({"accept-timestamp": "yesterday"}, "accept_timestamp"),
        ({"agent-id": {"nested": "dict"}}, "agent_id"),
        ({"wait": "1e20"}, "wait"),  # OverflowError from timedelta
        ({"wait": "100000000000000"}, "wait"),
        ({"statusEventTS": "99999999999999999999"}, "status_event_ts"),  # OSError/Overflow
        ({"process-time": "1e400"}, "process_time"),  # infinity
    ],
)
def test_bad_values_raise_decode_error_naming_the_field(
    overrides: dict[str, Any], field: str
) -> None:
    with pytest.raises(DecodeError, match=f"Sample record.*{field}"):
        structure(record(**overrides), Sample)


def test_out_of_range_values_in_a_page_are_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="wait"):
        structure_many([record(), record(wait="1e20")], Sample)


def test_missing_required_field_is_a_decode_error() -> None:
    incomplete = record()
    del incomplete["agent-id"]
    with pytest.raises(DecodeError, match="agent_id"):
        structure(incomplete, Sample)


def test_a_non_record_is_a_decode_error() -> None:
    with pytest.raises(DecodeError, match="Sample"):
        structure(["not", "a", "record"], Sample)
