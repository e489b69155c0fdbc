"""`cc.analytics.create_report` refuses every report the document's rules forbid, before any
request is sent, with a message that says what to change; valid edge cases are accepted by
the sandbox, which enforces the same rules on its side."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from eightbyeight_async import BadRequestError, ContactCenter, InvalidArgumentError
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.analytics import ReportStatus

pytestmark = pytest.mark.anyio

CREATE = "/analytics/cc/v8/historical-metrics"
START = dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc)


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 4, "days": 1, "interactions_per_day": 5}


@pytest.fixture
def sb(sb: Sandbox) -> Sandbox:
    """The module's sandbox (reset after each test) with reports done at once."""
    sb.analytics.delay = 0.0
    return sb


@pytest.fixture
async def cc(cc: ContactCenter) -> ContactCenter:
    await cc.analytics.report_types()  # cached: later calls only create
    return cc


def settings(**overrides: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "type": "queue-interactions-summary",
        "title": "Ok",
        "start": START,
        "end": START + dt.timedelta(days=1),
        "granularity": "hour",
        "group_by": "media-and-queue",
    }
    return {**base, **overrides}


async def refused(cc: ContactCenter, sb: Sandbox, match: str, **overrides: Any) -> None:
    """Creating the report raises InvalidArgumentError matching `match`, and sends nothing."""
    before = sb.faults.requests.get(CREATE, 0)
    with pytest.raises(InvalidArgumentError, match=match):
        await cc.analytics.create_report(**settings(**overrides))
    assert sb.faults.requests.get(CREATE, 0) == before


async def accepted(cc: ContactCenter, **overrides: Any) -> None:
    job = await cc.analytics.create_report(**settings(**overrides))
    assert (await job.wait(poll_interval=0.01)).status == ReportStatus.DONE


@pytest.mark.parametrize("title", ["a/b", "Zoë's report", "semi;colon", "tab\there", "", "  "])
async def test_title_characters_are_checked(cc: ContactCenter, sb: Sandbox, title: str) -> None:
    await refused(cc, sb, "title", title=title)


async def test_every_allowed_title_character_is_accepted(cc: ContactCenter) -> None:
    await accepted(cc, title="Az 09 !-_.*'() ok")


@pytest.mark.parametrize(
    ("days", "granularity"),
    [(7, "week"), (7, "month"), (8, "15m"), (31, "30m"), (31, "month"), (32, "day"),
     (32, "week"), (400, "hour")],
)  # fmt: skip
async def test_granularity_must_suit_the_range(
    cc: ContactCenter, sb: Sandbox, days: int, granularity: str
) -> None:
    end = START + dt.timedelta(days=days)
    await refused(cc, sb, "granularity", end=end, granularity=granularity)


@pytest.mark.parametrize(
    ("days", "granularity"),
    [(7, "15m"), (7, "none"), (8, "week"), (31, "hour"), (32, "month"), (400, "year")],
)
async def test_granularity_allowed_for_the_range_is_accepted(
    cc: ContactCenter, days: int, granularity: str
) -> None:
    await accepted(cc, end=START + dt.timedelta(days=days), granularity=granularity)


async def test_an_unknown_granularity_is_refused(cc: ContactCenter, sb: Sandbox) -> None:
    await refused(cc, sb, "one of 15m", granularity="minute")


@pytest.mark.parametrize(
    "window",
    [("08:00:00", "08:14:59"), ("23:55:00", "00:05:00"), ("10:00", "10:00"), ("9am", "5pm"),
     (dt.time(8), dt.time(8, 10)), ("08:00:00",)],
)  # fmt: skip
async def test_intraday_range_is_at_least_15_minutes(
    cc: ContactCenter, sb: Sandbox, window: tuple[Any, ...]
) -> None:
    await refused(cc, sb, "intraday", intraday=window)


@pytest.mark.parametrize(
    "window", [("08:00:00", "08:15:00"), ("23:50:00", "00:05:00"), (dt.time(20), dt.time(6))]
)
async def test_intraday_range_may_cross_midnight(
    cc: ContactCenter, window: tuple[Any, Any]
) -> None:
    await accepted(cc, intraday=window)


async def test_filters_must_be_available_for_the_grouping(cc: ContactCenter, sb: Sandbox) -> None:
    await refused(cc, sb, "filter 'agent' is not available", filters={"agent": ["fred"]})
    await refused(cc, sb, "filter 'queue' has no values", filters={"queue": []})
    await refused(cc, sb, "non-empty", filters={"queue": [None]})


async def test_metrics_must_belong_to_the_report_type(cc: ContactCenter, sb: Sandbox) -> None:
    await refused(cc, sb, "madeUpMetric", metrics=["accepted", "madeUpMetric"])
    await refused(cc, sb, "list of metric names", metrics="accepted")


async def test_type_and_grouping_must_exist(cc: ContactCenter, sb: Sandbox) -> None:
    await refused(cc, sb, "unknown report type", type="no-such-report")
    await refused(cc, sb, "choose one of: queue", group_by="agent")


async def test_dates_must_be_aware_and_ordered(cc: ContactCenter, sb: Sandbox) -> None:
    await refused(cc, sb, "timezone-aware", start=dt.datetime(2024, 5, 1))
    await refused(cc, sb, "must be after start", end=START)
    await refused(cc, sb, "ISO 8601", start="yesterday")


async def test_timezone_must_be_known(cc: ContactCenter, sb: Sandbox) -> None:
    await refused(cc, sb, "unknown time zone", tz="Mars/Olympus")


async def test_strings_dates_and_filters_are_accepted(cc: ContactCenter, sb: Sandbox) -> None:
    queue = sb.tenant.queues[0]["queue-id"]
    await accepted(
        cc,
        start="2024-05-01T00:00:00Z",
        end=dt.date(2024, 5, 2),
        filters={"queue": int(queue), "media": ["InboundPhone", "Chat"]},
        metrics=["accepted"],
        tz="Europe/Helsinki",
        include_subtotals=True,
    )


async def test_the_server_enforces_the_rules_too(cc: ContactCenter) -> None:
    with pytest.raises(BadRequestError, match="not allowed for this groupBy"):
        await cc.analytics.create_report(
            **settings(filters={"agent": ["x"]}), check_report_types=False
        )


@pytest.mark.parametrize(
    "values",
    [b"103", bytearray(b"103"), {"103": 1}, 1.5, True, [None], [b"103"], [True], [["103"]], [" "]],
)
async def test_filter_values_must_be_strings_or_ints(
    cc: ContactCenter, sb: Sandbox, values: object
) -> None:
    await refused(cc, sb, "filter 'queue'", filters={"queue": values})


@pytest.mark.parametrize(
    ("metrics", "match"),
    [
        (123, "list of metric names"),
        (b"accepted", "list of metric names"),
        ({"accepted": 1}, "list of metric names"),
        ("accepted", "not one string"),
        ([1], "non-empty strings"),
        (["  "], "non-empty strings"),
    ],
)
async def test_metrics_must_be_a_list_of_names(
    cc: ContactCenter, sb: Sandbox, metrics: object, match: str
) -> None:
    await refused(cc, sb, match, metrics=metrics)
