"""DateRange: the documented `d=` forms parse and render; bad input names the forms."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eightbyeight_async._dates import (
    ACCEPTED_FORMS,
    DateRange,
    RelativeDay,
    coerce_date_range,
    validate_timezone,
)
from eightbyeight_async._errors import InvalidArgumentError

UTC = timezone.utc
NEW_YORK = ZoneInfo("America/New_York")


def ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A wall time in New York."""
    return datetime(year, month, day, hour, minute, tzinfo=NEW_YORK)


@pytest.mark.parametrize(
    ("text", "expected", "query"),
    [
        ("2007-08-05", DateRange(date(2007, 8, 5)), "2007-08-05"),
        (
            "2007-08-05,2007-08-07",
            DateRange(date(2007, 8, 5), date(2007, 8, 7)),
            "2007-08-05,2007-08-07",
        ),
        (
            "2007-08-05 13:15Z,2007-08-07 14:30Z",
            DateRange(
                datetime(2007, 8, 5, 13, 15, tzinfo=UTC), datetime(2007, 8, 7, 14, 30, tzinfo=UTC)
            ),
            "20070805T1315Z,20070807T1430Z",
        ),
        (
            "20070805T1315Z,20070807T1430Z",
            DateRange(
                datetime(2007, 8, 5, 13, 15, tzinfo=UTC), datetime(2007, 8, 7, 14, 30, tzinfo=UTC)
            ),
            "20070805T1315Z,20070807T1430Z",
        ),
        ("today", DateRange(RelativeDay(0)), "today"),
        ("today-1d", DateRange(RelativeDay(1)), "today-1d"),
        ("today-7d", DateRange(RelativeDay(7)), "today-7d"),
        ("today-30d", DateRange(RelativeDay(30)), "today-30d"),
        ("today-0d", DateRange(RelativeDay(0)), "today"),
        ("today-1d,today", DateRange(RelativeDay(1), RelativeDay(0)), "today-1d,today"),
        ("today-7d,2030-01-01", DateRange(RelativeDay(7), date(2030, 1, 1)), "today-7d,2030-01-01"),
        (
            "2007-08-05 13:15,2007-08-05 17:45",
            DateRange(datetime(2007, 8, 5, 13, 15), datetime(2007, 8, 5, 17, 45)),
            "2007-08-05 13:15,2007-08-05 17:45",
        ),
        (
            "2007-08-05T13:15+02:00",
            DateRange(datetime(2007, 8, 5, 11, 15, tzinfo=UTC)),
            "20070805T1115Z",
        ),
        (
            "  2007-08-05   13:15Z ,\t2007-08-07 14:30Z \n",
            DateRange(
                datetime(2007, 8, 5, 13, 15, tzinfo=UTC), datetime(2007, 8, 7, 14, 30, tzinfo=UTC)
            ),
            "20070805T1315Z,20070807T1430Z",
        ),
    ],
)
def test_documented_forms_parse_and_render(text: str, expected: DateRange, query: str) -> None:
    parsed = DateRange.parse(text)
    assert parsed == expected
    assert parsed.to_query() == query
    assert DateRange.parse(query) == expected


@pytest.mark.parametrize(
    ("value", "query"),
    [
        ((date(2024, 1, 1), date(2024, 1, 31)), "2024-01-01,2024-01-31"),
        ([date(2024, 1, 1), date(2024, 1, 31)], "2024-01-01,2024-01-31"),
        (
            (datetime(2024, 1, 1, 8, 30), datetime(2024, 1, 1, 17, 0)),
            "2024-01-01 08:30,2024-01-01 17:00",
        ),
        ((ny(2024, 7, 1, 9, 0), ny(2024, 7, 1, 17, 5)), "20240701T1300Z,20240701T2105Z"),
        (
            (ny(2024, 1, 1, 9, 0), datetime(2024, 1, 1, 18, 0, tzinfo=UTC)),
            "20240101T1400Z,20240101T1800Z",
        ),
        (("2024-01-01", "today"), "2024-01-01,today"),
        ((RelativeDay(3), RelativeDay(1)), "today-3d,today-1d"),
        ((date(2024, 1, 1), None), "2024-01-01"),
        (date(2024, 2, 29), "2024-02-29"),
        (datetime(2024, 2, 29, 23, 59, tzinfo=ZoneInfo("Asia/Kolkata")), "20240229T1829Z"),
        (RelativeDay(2), "today-2d"),
        ("today-1d,today", "today-1d,today"),
        (DateRange.last_days(7), "today-7d,today"),
    ],
)
def test_coerce_accepts_pairs_values_and_strings(value: object, query: str) -> None:
    assert coerce_date_range(value).to_query() == query


def test_today_and_last_days_build_relative_ranges() -> None:
    assert DateRange.today().to_query() == "today"
    assert DateRange.today(days_ago=1).to_query() == "today-1d"
    assert DateRange.last_days(7) == DateRange.parse("today-7d,today")
    assert DateRange.last_days(1).to_query() == "today-1d,today"


GARBAGE = [
    "",
    " ",
    "yesterday",
    "today-xd",
    "today-1",
    "today+1d",
    "Today",
    "2007-13-01",
    "2007-02-30",
    "2007-8-5",
    "07-08-05",
    "2007-08-05 25:00Z",
    "2007-08-05 13:15:30Z",
    "2007-08-05 13:15+01:99",
    "20070805",
    "20070805T1315Z,",
    ",2007-08-05",
    "2007-08-05,2007-08-06,2007-08-07",
    "\N{FULLWIDTH DIGIT TWO}007-08-05",  # a non-ASCII digit
    "2007-08-05%2013:15Z",
]


@pytest.mark.parametrize("text", GARBAGE)
def test_garbage_is_rejected_with_the_accepted_forms(text: str) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        DateRange.parse(text)
    assert ACCEPTED_FORMS in str(caught.value)
    assert "today-Nd" in str(caught.value)
    assert isinstance(caught.value, ValueError)


@pytest.mark.parametrize(
    "value",
    [
        "2007-08-07,2007-08-05",
        "today,today-1d",
        "2007-08-05 14:30Z,2007-08-05 13:15Z",
        "2007-08-05 14:30,2007-08-05 13:15",
        "2007-08-05 00:01,2007-08-04",
        (date(2024, 2, 1), date(2024, 1, 1)),
        (ny(2024, 1, 1, 12, 0), datetime(2024, 1, 1, 16, 59, tzinfo=UTC)),
    ],
)
def test_a_range_that_ends_before_it_starts_is_rejected(value: object) -> None:
    with pytest.raises(InvalidArgumentError, match="ends before it starts") as caught:
        coerce_date_range(value)
    assert ACCEPTED_FORMS in str(caught.value)


@pytest.mark.parametrize(
    "value",
    [
        datetime(2024, 1, 1, 9, 0, 30),
        datetime(2024, 1, 1, 9, 0, 0, 1, tzinfo=UTC),
        (datetime(2024, 1, 1, 9, 0), datetime(2024, 1, 1, 9, 30, 59)),
    ],
)
def test_seconds_are_refused_rather_than_truncated(value: object) -> None:
    with pytest.raises(InvalidArgumentError, match="seconds"):
        coerce_date_range(value)


@pytest.mark.parametrize(
    "value",
    [
        42,
        None,
        1.5,
        b"2007-08-05",
        (date(2024, 1, 1),),
        (None, date(2024, 1, 1)),
        (1, 2),
        ("x", "y"),
    ],
)
def test_coerce_rejects_what_is_not_a_range(value: object) -> None:
    with pytest.raises(InvalidArgumentError) as caught:
        coerce_date_range(value)
    assert ACCEPTED_FORMS in str(caught.value)


def test_constructor_rejects_strings_and_bad_relative_days() -> None:
    with pytest.raises(InvalidArgumentError):
        DateRange("2007-08-05")  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError):
        RelativeDay(-1)
    with pytest.raises(InvalidArgumentError):
        RelativeDay(True)
    with pytest.raises(InvalidArgumentError):
        DateRange.last_days(0)


@pytest.mark.parametrize(
    "value",
    [
        datetime(1, 1, 1, 0, 0, tzinfo=timezone(timedelta(hours=1))),
        datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5))),
        (date(2024, 1, 1), datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))),
        "0001-01-01T00:00+01:00",
        "00010101T0000+0100",
        "9999-12-31 23:00-05:00",
    ],
)
def test_aware_bounds_outside_the_utc_years_are_refused(value: object) -> None:
    with pytest.raises(InvalidArgumentError, match="outside the years 1 to 9999") as caught:
        coerce_date_range(value)
    assert ACCEPTED_FORMS in str(caught.value)


@pytest.mark.parametrize("name", ["America/New_York", "America/Denver", "UTC", "Europe/London"])
def test_known_time_zones_are_accepted(name: str) -> None:
    assert validate_timezone(name) == name


def test_time_zone_names_are_trimmed() -> None:
    assert validate_timezone(" Asia/Tokyo ") == "Asia/Tokyo"


@pytest.mark.parametrize(
    # "America" is a directory of zones: the tzdata package raises IsADirectoryError for it
    "name",
    ["", "  ", "Mars/Olympus_Mons", "/etc/passwd", "../../etc/passwd", "EST5EDT,M3", "America"],
)
def test_unknown_time_zones_are_rejected(name: str) -> None:
    with pytest.raises(InvalidArgumentError, match="IANA"):
        validate_timezone(name)


_minutes = st.datetimes(min_value=datetime(1900, 1, 2), max_value=datetime(2199, 12, 30)).map(
    lambda moment: moment.replace(second=0, microsecond=0, tzinfo=UTC)
)
_aware = st.tuples(_minutes, st.timezones()).map(lambda pair: pair[0].astimezone(pair[1]))


@given(first=_aware, second=_aware)
def test_aware_minute_ranges_round_trip_through_the_query(
    first: datetime, second: datetime
) -> None:
    start, end = sorted((first, second))
    original = DateRange(start, end)
    assert DateRange.parse(original.to_query()) == original
