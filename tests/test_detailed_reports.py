"""`cc.analytics.detailed_report`, `report_details` and `script-paths` (v8) through the public
API, against respx answers of the documented wire: the cursor pages (strictly sequential,
`Last-Document-Id` → `lastDocumentId`), both create answer forms, every value shape, FAILED,
the client-side rules (each refused before any request), the v7 refusal and malformed rows."""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any, Final

import httpx
import pytest
import respx

from eightbyeight_async import (
    ConfigurationError,
    ContactCenter,
    DecodeError,
    DetailedReportJob,
    InvalidArgumentError,
    ReportFailedError,
    RetryPolicy,
)
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.analytics import ReportStatus
from eightbyeight_async.types.detailed_reports import DetailedRow, SearchTerm, TimedValue

pytestmark = pytest.mark.anyio

BASE = "https://api.8x8.com/analytics/cc/v8/historical-metrics"
TOKEN = "https://api.8x8.com/oauth/v2/token"
INTERACTIONS: Final = "detailed-reports-interaction-details"
STATUS_CHANGES: Final = "detailed-reports-agent-status-change"
START = dt.datetime(2025, 3, 1, tzinfo=dt.timezone.utc)
END = START + dt.timedelta(days=1)
CATALOGUE = {
    "type": INTERACTIONS,
    "metrics": ["interactionId", "queueName", "talkDuration", "finishedTime"],
    "searchQuery": {
        "fields": ["queueName", "talkDuration", "mediaType"],
        "operators": [
            *("=", "!=", ">", ">=", "<=", "<", "contains"),
            *("not-in", "in", "is-empty", "is-not-empty"),
        ],
    },
}


def client(mock: respx.MockRouter, version: str = "v8") -> ContactCenter:
    mock.post(TOKEN).respond(json={"access_token": "tok", "expires_in": "3600"})
    return ContactCenter(
        analytics_client_id="id",
        analytics_secret="secret",
        analytics_version=version,
        retry=RetryPolicy.instant(),
    )


def created(mock: respx.MockRouter, answer: Any = None) -> respx.Route:
    body = {"id": 42, "status": "DONE"} if answer is None else answer
    link = f'<{BASE}/detailed-reports/42/data?size=100>; rel="data"'
    return mock.post(f"{BASE}/detailed-reports").respond(json=body, headers={"Link": link})


def item(key: str, value: Any, label: str | None = None) -> dict[str, Any]:
    return {"key": key, "label": label or key.title(), "value": value}


def wire_row(n: int) -> dict[str, Any]:
    return {"total": None, "items": [item("interactionId", f"int-{n}")]}


async def make(cc: ContactCenter, **options: Any) -> DetailedReportJob:
    settings: dict[str, Any] = {
        "type": INTERACTIONS,
        "start": START,
        "end": END,
        "check_report_types": False,
        **options,
    }
    return await cc.analytics.detailed_report(**settings)


def pages_of(
    answers: dict[str | None, tuple[list[Any], dict[str, str]]], seen: list[dict[str, str]]
) -> Callable[[httpx.Request], httpx.Response]:
    """A data route answering by the request's `lastDocumentId` (None: the first page)."""

    def answer(request: httpx.Request) -> httpx.Response:
        params = dict(request.url.params)
        seen.append(params)
        rows, headers = answers[params.get("lastDocumentId")]
        return httpx.Response(200, json=rows, headers=headers)

    return answer


def cursor_headers(cursor: str, total: int = 5) -> dict[str, str]:
    return {
        "Last-Document-Id": cursor,
        "Link": f'<{BASE}/detailed-reports/42/data?size=2&lastDocumentId={cursor}>; rel="next"',
        "X-Total-Elements": str(total),
        "X-Total-Pages": "3",
        "X-Page-Size": "2",
    }


async def test_rows_follow_the_cursor_one_page_after_another(mock: respx.MockRouter) -> None:
    seen: list[dict[str, str]] = []
    answers = {
        None: ([wire_row(0), wire_row(1)], cursor_headers("doc-1")),
        "doc-1": ([wire_row(2), wire_row(3)], cursor_headers("doc-2")),
        "doc-2": ([wire_row(4)], {"X-Total-Elements": "5"}),  # the last: no Link, no cursor
    }
    created(mock)
    mock.get(f"{BASE}/detailed-reports/42/data").mock(side_effect=pages_of(answers, seen))
    async with client(mock) as cc:
        job = await make(cc)
        assert (job.id, job.status, job.total_rows) == ("42", ReportStatus.DONE, None)
        rows = [row async for row in job.rows(page_size=2)]
    assert [row["interactionId"] for row in rows] == [f"int-{n}" for n in range(5)]
    assert seen == [
        {"size": "2"},
        {"size": "2", "lastDocumentId": "doc-1"},
        {"size": "2", "lastDocumentId": "doc-2"},
    ]
    assert job.total_rows == 5


async def test_pages_limit_and_first_page_use_the_same_cursor(mock: respx.MockRouter) -> None:
    seen: list[dict[str, str]] = []
    answers = {
        None: ([wire_row(0), wire_row(1)], cursor_headers("a")),
        "a": ([wire_row(2), wire_row(3)], cursor_headers("b")),
        "b": ([wire_row(4)], {}),
    }
    created(mock)
    mock.get(f"{BASE}/detailed-reports/42/data").mock(side_effect=pages_of(answers, seen))
    async with client(mock) as cc:
        job = await make(cc)
        pages = [[r["interactionId"] for r in page] async for page in job.rows(page_size=2).pages()]
        limited = [row async for row in job.rows(page_size=2, limit=3)]
        first = await job.rows(page_size=2).first_page()
    assert pages == [["int-0", "int-1"], ["int-2", "int-3"], ["int-4"]]
    assert len(limited) == 3
    assert [r["interactionId"] for r in first] == ["int-0", "int-1"]
    assert [p.get("lastDocumentId") for p in seen] == [None, "a", "b", None, "a", None]


async def test_a_next_link_without_the_header_still_names_the_cursor(
    mock: respx.MockRouter,
) -> None:
    seen: list[dict[str, str]] = []
    link = f'<{BASE}/detailed-reports/42/data?size=1&lastDocumentId=xyz>; rel="next"'
    answers = {None: ([wire_row(0)], {"Link": link}), "xyz": ([wire_row(1)], {})}
    created(mock)
    mock.get(f"{BASE}/detailed-reports/42/data").mock(side_effect=pages_of(answers, seen))
    async with client(mock) as cc:
        rows = [row async for row in (await make(cc)).rows(page_size=1)]
    assert len(rows) == 2
    assert seen[1]["lastDocumentId"] == "xyz"


async def test_a_cursor_that_does_not_move_is_a_decode_error(mock: respx.MockRouter) -> None:
    seen: list[dict[str, str]] = []
    answers = {
        None: ([wire_row(0)], cursor_headers("same")),
        "same": ([wire_row(1)], cursor_headers("same")),
    }
    created(mock)
    mock.get(f"{BASE}/detailed-reports/42/data").mock(side_effect=pages_of(answers, seen))
    async with client(mock) as cc:
        with pytest.raises(DecodeError, match="would loop"):
            [row async for row in (await make(cc)).rows(page_size=1)]


async def test_count_reads_the_total_from_a_one_row_page(mock: respx.MockRouter) -> None:
    created(mock)
    data = mock.get(f"{BASE}/detailed-reports/42/data").respond(
        json=[wire_row(0)], headers=cursor_headers("c", total=1234)
    )
    async with client(mock) as cc:
        assert await (await make(cc)).count() == 1234
    assert dict(data.calls.last.request.url.params) == {"size": "1"}


@pytest.mark.parametrize(
    "answer",
    [
        {"id": 7, "status": "DONE"},
        [{"id": 7, "reason": None, "status": "DONE"}],
        {"id": "7", "status": "DONE"},
    ],
)
async def test_the_create_answer_is_an_object_or_an_array(
    mock: respx.MockRouter, answer: Any
) -> None:
    created(mock, answer)
    async with client(mock) as cc:
        job = await make(cc)
        assert await job is job  # created DONE: nothing to wait for
    assert (job.id, job.status, job.reason) == ("7", ReportStatus.DONE, None)
    assert job.report_type == INTERACTIONS


@pytest.mark.parametrize(
    "answer",
    [
        {"id": 9, "status": "FAILED", "reason": "Search field unsupported"},
        [{"id": 9, "reason": "Search field unsupported", "status": "FAILED"}],
    ],
)
async def test_failed_raises_report_failed_error_with_the_reason(
    mock: respx.MockRouter, answer: Any
) -> None:
    created(mock, answer)
    async with client(mock) as cc:
        with pytest.raises(ReportFailedError, match="Search field unsupported") as caught:
            await make(cc)
    assert caught.value.report_id == "9"


async def test_every_value_shape_is_converted(mock: respx.MockRouter) -> None:
    finished = {"value": "2025-03-01T10:15:00.000Z", "ongoing": True}
    participants = [{"participantId": "p1", "type": "agent"}, {"participantId": "p2"}]
    wire = {
        "total": None,
        "items": [
            item("interactionId", "int-1", "Interaction ID"),
            item("interactionLabels", ["vip", "callback"]),
            item("customerEmail", None),
            item("talkDuration", {"value": 41000, "ongoing": False}),
            item("holdDuration", {"value": "0:00:41", "ongoing": False}),
            item("wrapUpDuration", {"value": None, "ongoing": False}),
            item("finishedTime", finished),
            item("participants", participants),
            item("newMetric", {"shape": "unknown"}),
            item("priority", 3),
            item("queueDuration", {"value": "1500", "ongoing": True}),
            item("acceptedTime", {"value": "2025-03-01T10:15:00", "ongoing": False}),
            item("ivrDuration", {"value": "12:03:04.5", "ongoing": False}),
        ],
        "future": "kept",
    }
    created(mock)
    mock.get(f"{BASE}/detailed-reports/42/data").respond(json=[wire])
    async with client(mock) as cc:
        job = await make(cc, include_participants=True)
        (row,) = [row async for row in job.rows()]
    assert isinstance(row, DetailedRow)
    assert row["interactionId"] == "int-1"
    assert row.values["interactionLabels"] == ["vip", "callback"]
    assert row["customerEmail"] is None
    assert row["talkDuration"] == TimedValue(dt.timedelta(seconds=41), False, {})
    assert row["holdDuration"] == TimedValue(dt.timedelta(seconds=41), False, {})
    assert row["wrapUpDuration"] == TimedValue(None, False, {})
    moment = dt.datetime(2025, 3, 1, 10, 15, tzinfo=dt.timezone.utc)
    timed = row["finishedTime"]
    assert isinstance(timed, TimedValue)
    assert (timed.value, timed.ongoing, timed.raw) == (moment, True, finished)
    assert row.participants == participants
    assert row["newMetric"] == {"shape": "unknown"}
    assert row["priority"] == 3
    assert row.labels["interactionId"] == "Interaction ID"
    assert row.raw == wire
    assert row.total is None
    assert "interactionId" in row
    assert row["queueDuration"] == TimedValue(dt.timedelta(milliseconds=1500), True, {})
    assert row["acceptedTime"] == TimedValue(moment, False, {})  # no zone: read as UTC
    ivr = dt.timedelta(hours=12, minutes=3, seconds=4, milliseconds=500)
    assert row["ivrDuration"] == TimedValue(ivr, False, {})
    assert len(row) == 13


async def test_rows_without_participants_have_an_empty_list(mock: respx.MockRouter) -> None:
    created(mock)
    mock.get(f"{BASE}/detailed-reports/42/data").respond(json=[wire_row(0)])
    async with client(mock) as cc:
        (row,) = [row async for row in (await make(cc)).rows()]
    assert row.participants == []


async def test_the_body_carries_every_option(mock: respx.MockRouter) -> None:
    create = created(mock)
    search: list[Any] = [
        ("queueName", "in", ["Sales", "Support"]),
        SearchTerm("talkDuration", ">", dt.timedelta(minutes=90)),
        ("holdDuration", ">=", dt.timedelta(hours=3)),
        ("waitDuration", "<", dt.timedelta(days=7)),
        ("ivrDuration", "<=", dt.timedelta(seconds=10)),
        ("wrapUpDuration", "=", "10s"),
        ("customerEmail", "is-empty"),
        SearchTerm("notes", "is-not-empty"),
        ("priority", "!=", 3),
        ("startTime", ">=", dt.datetime(2025, 3, 1, 2, tzinfo=dt.timezone(dt.timedelta(hours=2)))),
    ]
    async with client(mock) as cc:
        await make(
            cc,
            title="Night shift (ops)",
            metrics=["interactionId", "talkDuration"],
            search=search,
            include_participants=True,
            tz="Europe/Helsinki",
            intraday=("23:58:00", dt.time(0, 3)),  # 5 minutes across midnight
            show_ongoing=True,
            show_state_in_time=False,
        )
    body = json.loads(create.calls.last.request.content)
    assert body == {
        "type": INTERACTIONS,
        "title": "Night shift (ops)",
        "dateRange": {"start": "2025-03-01T00:00:00.000Z", "end": "2025-03-02T00:00:00.000Z"},
        "timezone": "Europe/Helsinki",
        "intraDayTimeRange": {"start": "23:58:00", "end": "00:03:00"},
        "metrics": ["interactionId", "talkDuration"],
        "searchQuery": [
            {"field": "queueName", "operator": "in", "value": ["Sales", "Support"]},
            {"field": "talkDuration", "operator": ">", "value": "90m"},
            {"field": "holdDuration", "operator": ">=", "value": "3h"},
            {"field": "waitDuration", "operator": "<", "value": "7d"},
            {"field": "ivrDuration", "operator": "<=", "value": "10s"},
            {"field": "wrapUpDuration", "operator": "=", "value": "10s"},
            {"field": "customerEmail", "operator": "is-empty"},
            {"field": "notes", "operator": "is-not-empty"},
            {"field": "priority", "operator": "!=", "value": "3"},
            {"field": "startTime", "operator": ">=", "value": "2025-03-01T00:00:00.000Z"},
        ],
        "includeParticipants": True,
        "reportSettings": {"showOngoingInteractions": True, "showInteractionsStateInTime": False},
    }


async def test_a_missing_title_is_made_of_allowed_characters(mock: respx.MockRouter) -> None:
    create = created(mock)
    async with client(mock) as cc:
        await make(cc, type=STATUS_CHANGES)
    body = json.loads(create.calls.last.request.content)
    assert body["title"] == f"{STATUS_CHANGES} 20250301-000000 to 20250302-000000 UTC"
    assert set(body) == {"type", "title", "dateRange"}


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"title": "a/b"}, "title may contain only"),
        ({"title": ""}, "title is required"),
        ({"type": "queue-interactions-summary"}, "type must be one of"),
        ({"end": START}, "must be after start"),
        ({"start": dt.datetime(2025, 3, 1)}, "timezone-aware"),
        ({"tz": "Mars/Olympus"}, "unknown time zone"),
        ({"intraday": ("10:00:00", "10:04:59")}, "at least 5 minutes"),
        ({"intraday": ("23:58:00", "00:02:00")}, "at least 5 minutes"),
        (
            {"type": STATUS_CHANGES, "include_participants": True},
            "only for detailed-reports-interaction",
        ),
        ({"include_participants": "yes"}, "include_participants must be True or False"),
        ({"show_ongoing": "yes"}, "show_ongoing must be"),
        ({"metrics": "interactionId"}, "not one string"),
        ({"search": ("queueName", "in", ["Sales"])}, "search must be a list"),
        ({"search": [("queueName", "like", "S")]}, "operator 'like'"),
        ({"search": [("queueName", "in", "Sales")]}, "takes a list of values"),
        ({"search": [("queueName", "not-in", [])]}, "at least a value"),
        ({"search": [("queueName", "=", ["Sales"])]}, "takes one value"),
        ({"search": [("queueName", "=")]}, "takes one value"),
        ({"search": [("queueName", "is-empty", "x")]}, "takes no value"),
        ({"search": [("queueName", "=", "  ")]}, "is-empty"),
        ({"search": [("", "=", "x")]}, "non-empty string"),
        ({"search": [("queueName",)]}, "SearchTerm or a"),
        ({"search": [("talkDuration", ">", dt.timedelta(milliseconds=1500))]}, "whole"),
        ({"search": [("talkDuration", ">", dt.timedelta(seconds=-1))]}, "non-negative"),
        ({"search": [("queueName", "=", True)]}, "a string, a number"),
        ({"search": [("startTime", ">", dt.datetime(2025, 3, 1))]}, "timezone-aware"),
        ({"page": 1}, "unexpected keyword"),
    ],
)
async def test_bad_reports_are_refused_before_any_request(
    mock: respx.MockRouter, options: dict[str, Any], match: str
) -> None:
    created(mock)
    async with client(mock) as cc:
        with pytest.raises(InvalidArgumentError, match=match):
            await make(cc, **options)
    assert mock.calls.call_count == 0  # not even the token


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"metrics": ["interactionId", "nope"]}, "metrics nope are not metrics"),
        ({"search": [("agentName", "=", "Ann")]}, "cannot search on 'agentName'"),
    ],
)
async def test_metrics_and_search_fields_are_checked_against_the_report_type(
    mock: respx.MockRouter, options: dict[str, Any], match: str
) -> None:
    types = mock.get(f"{BASE}/report-types/{INTERACTIONS}").respond(json=CATALOGUE)
    create = created(mock)
    async with client(mock) as cc:
        with pytest.raises(InvalidArgumentError, match=match):
            await make(cc, check_report_types=True, **options)
        await make(cc, check_report_types=True, metrics=["queueName"])  # the type is cached
        await make(cc, check_report_types=True, search=[("mediaType", "in", ["Phone"])])
    assert (types.call_count, create.call_count) == (1, 2)


async def test_a_catalogue_already_read_serves_the_check(mock: respx.MockRouter) -> None:
    listing = mock.get(f"{BASE}/report-types").respond(json=[CATALOGUE])
    one = mock.get(f"{BASE}/report-types/{INTERACTIONS}").respond(json=CATALOGUE)
    created(mock)
    async with client(mock) as cc:
        (listed,) = await cc.analytics.report_types()
        assert listed.search_fields == ("queueName", "talkDuration", "mediaType")
        with pytest.raises(InvalidArgumentError, match="cannot search on 'agentName'"):
            await make(cc, check_report_types=True, search=[("agentName", "=", "Ann")])
    assert (listing.call_count, one.call_count) == (1, 0)


async def test_an_unavailable_report_type_warns_and_creates_anyway(
    mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    mock.get(f"{BASE}/report-types/{INTERACTIONS}").respond(404, json={"message": "no"})
    create = created(mock)
    async with client(mock) as cc:
        with caplog.at_level(logging.WARNING, logger="eightbyeight_async"):
            await make(cc, check_report_types=True, metrics=["anything"])
    assert create.call_count == 1
    assert "report types unavailable" in caplog.text


async def test_report_details_echo_the_request_and_keep_unknown_fields(
    mock: respx.MockRouter,
) -> None:
    echo = {
        "id": "2710192",
        "type": INTERACTIONS,
        "title": "Night shift",
        "dateRange": {"start": "2025-03-01T00:00:00.000Z", "end": "2025-03-02T00:00:00.000Z"},
        "timezone": "Europe/Helsinki",
        "metrics": ["interactionId"],
        "searchQuery": [{"field": "queueName", "operator": "in", "value": ["Sales"]}],
        "includeParticipants": True,
        "reportSettings": {"showOngoingInteractions": True},
        "createdBy": "someone",
    }
    route = mock.get(f"{BASE}/2710192").respond(json=echo)
    created(mock, {"id": 2710192, "status": "DONE"})
    async with client(mock) as cc:
        details = await cc.analytics.report_details(2710192)
        assert await (await make(cc)).details() == details  # the job asks for its own
    assert route.call_count == 2
    assert (details.id, details.type, details.title) == ("2710192", INTERACTIONS, "Night shift")
    assert (details.start, details.end) == (START, END)
    assert details.timezone == "Europe/Helsinki"
    assert details.metrics == ("interactionId",)
    assert details.search == (SearchTerm("queueName", "in", ["Sales"]),)
    assert details.include_participants is True
    assert details.extra == {
        "reportSettings": {"showOngoingInteractions": True},
        "createdBy": "someone",
    }
    assert details.raw == echo


async def test_report_details_of_a_bad_id_are_refused(mock: respx.MockRouter) -> None:
    async with client(mock) as cc:
        with pytest.raises(InvalidArgumentError, match="numeric id"):
            await cc.analytics.report_details("../x")
    assert mock.calls.call_count == 0


@pytest.mark.parametrize(
    "call",
    [
        lambda cc: make(cc),
        lambda cc: cc.analytics.report_details(5),
        lambda cc: cc.analytics.create_report(type="script-paths", title="t", start=START, end=END),
    ],
)
async def test_a_v7_client_refuses_v8_reports_before_any_request(
    mock: respx.MockRouter, call: Callable[[ContactCenter], Any]
) -> None:
    async with client(mock, version="v7") as cc:
        with pytest.raises(ConfigurationError, match='analytics_version="v8"'):
            await call(cc)
    assert mock.calls.call_count == 0


def script_paths(**options: Any) -> dict[str, Any]:
    return {"type": "script-paths", "title": "Paths", "start": START, "end": END, **options}


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"granularity": "day"}, "takes no granularity"),
        ({"group_by": "queue"}, "takes no group_by"),
        ({"filters": {"queue": ["1"]}}, "takes no filters"),
        ({"metrics": ["accepted"]}, "takes no metrics"),
        ({"include_subtotals": True}, "takes no include_subtotals"),
        ({"include_grand_total": True}, "takes no include_grand_total"),
        ({"search": [("queue", "=", "103")]}, "operator '='"),
        ({"search": [("media", "in", ["Phone"])]}, "cannot search on 'media'"),
        ({"search": [("queue", "in", "103")]}, "takes a list"),
    ],
)
async def test_script_paths_options_are_refused_before_any_request(
    mock: respx.MockRouter, options: dict[str, Any], match: str
) -> None:
    async with client(mock) as cc:
        with pytest.raises(InvalidArgumentError, match=match):
            await cc.analytics.create_report(**script_paths(**options))
    assert mock.calls.call_count == 0


async def test_a_script_paths_report_is_created_and_refuses_rows(mock: respx.MockRouter) -> None:
    catalogue = [
        {"type": "script-paths", "searchQuery": {"fields": ["script", "queue", "agent", "channel"]}}
    ]
    mock.get(f"{BASE}/report-types").respond(json=catalogue)
    create = mock.post(BASE).respond(json={"id": 77, "status": "IN_PROGRESS"})
    async with client(mock) as cc:
        job = await cc.analytics.create_report(
            **script_paths(search=[("queue", "in", ["103", 330])], tz="UTC")
        )
        with pytest.raises(InvalidArgumentError, match="download"):
            job.rows()
        with pytest.raises(InvalidArgumentError, match="CSV only"):
            await job.download(".", format="xlsx")
    body = json.loads(create.calls.last.request.content)
    assert body == {
        "type": "script-paths",
        "title": "Paths",
        "dateRange": {"start": "2025-03-01T00:00:00.000Z", "end": "2025-03-02T00:00:00.000Z"},
        "timezone": "UTC",
        "searchQuery": [{"field": "queue", "operator": "in", "value": ["103", "330"]}],
    }
    assert not any("/data" in str(call.request.url) for call in mock.calls)


@pytest.mark.parametrize(
    ("options", "match"),
    [
        ({"granularity": None}, "granularity is required"),
        ({"group_by": None}, "group_by is required"),
        ({"search": [("queue", "in", ["1"])]}, "filters="),
    ],
)
async def test_other_summary_reports_still_need_granularity_and_grouping(
    mock: respx.MockRouter, options: dict[str, Any], match: str
) -> None:
    settings = {
        "type": "queue-interactions-summary",
        "title": "Ok",
        "start": START,
        "end": END,
        "granularity": "hour",
        "group_by": "queue",
        **options,
    }
    async with client(mock) as cc:
        with pytest.raises(InvalidArgumentError, match=match):
            await cc.analytics.create_report(**settings)
    assert mock.calls.call_count == 0


@pytest.mark.parametrize(
    ("page", "match"),
    [
        ({"rows": []}, "not a JSON array"),
        (["a row"], "row 0 .* not an object"),
        ([{"items": []}, {"items": {"a": 1}}], "row 1 .* not a list"),
        ([{"items": ["x"]}], "an item is a str"),
        ([{"items": [{"label": "no key"}]}], "no string key"),
        ([{"items": [item("talkDuration", {"value": "soon", "ongoing": False})]}], "soon"),
        ([{"items": [item("talkDuration", {"value": 1, "ongoing": "yes"})]}], "ongoing"),
        ([{"items": [item("talkDuration", {"value": [1]})]}], "not a number"),
        ([{"items": [item("participants", ["p1"])]}], "participants"),
    ],
)
async def test_malformed_rows_are_a_decode_error_naming_the_page(
    mock: respx.MockRouter, page: Any, match: str
) -> None:
    created(mock)
    mock.get(f"{BASE}/detailed-reports/42/data").respond(json=page)
    async with client(mock) as cc:
        job = await make(cc)
        with pytest.raises(DecodeError, match=match) as caught:
            [row async for row in job.rows(retry=RetryPolicy.disabled())]
    assert "data page 0" in str(caught.value)
    assert "/detailed-reports/42/data?size=1000" in str(caught.value)
    assert caught.value.url is not None
    assert "/detailed-reports/42/data" in caught.value.url


@pytest.mark.parametrize("page_size", [0, 1001, "10", True])
async def test_page_size_is_checked(mock: respx.MockRouter, page_size: Any) -> None:
    created(mock)
    async with client(mock) as cc:
        job = await make(cc)
        with pytest.raises(InvalidArgumentError, match="page_size"):
            job.rows(page_size=page_size)


# --- against the sandbox: the same wire served from the generated tenant ------------------


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 5, "days": 4, "interactions_per_day": 30}


def week_of(sb: Sandbox) -> tuple[dt.datetime, dt.datetime]:
    end = sb.tenant.now + dt.timedelta(hours=1)
    return end - dt.timedelta(days=7), end


async def sandbox_rows(cc: ContactCenter, sb: Sandbox, **options: Any) -> list[DetailedRow]:
    start, end = week_of(sb)
    job = await cc.analytics.detailed_report(
        type=INTERACTIONS, start=start, end=end, tz="UTC", **options
    )
    return [row async for row in job.rows(page_size=7)]


async def test_sandbox_rows_are_the_ground_truth_in_order(cc: ContactCenter, sb: Sandbox) -> None:
    start, end = week_of(sb)
    job = await cc.analytics.detailed_report(
        type=INTERACTIONS,
        start=start,
        end=end,
        tz="UTC",
        search=[("mediaType", "in", ["Phone"])],
        include_participants=True,
    )
    rows = [row async for row in job.rows(page_size=7)]  # many cursor pages
    truth = sb.truth.detailed_rows(
        start=start,
        end=end,
        timezone="UTC",
        search=[{"field": "mediaType", "operator": "in", "value": ["Phone"]}],
        include_participants=True,
    )
    assert len(truth) > 14
    assert [row.raw for row in rows] == truth
    assert job.total_rows == len(truth)
    assert {row["mediaType"] for row in rows} == {"Phone"}
    assert any(row.participants for row in rows)


async def test_sandbox_reads_every_interaction_of_the_range(cc: ContactCenter, sb: Sandbox) -> None:
    start, end = week_of(sb)
    rows = await sandbox_rows(cc, sb)
    assert [row["interactionId"] for row in rows] == sb.truth.interaction_ids(start, end)


async def test_sandbox_old_duration_text_reads_as_the_same_durations(
    cc: ContactCenter, sb: Sandbox
) -> None:
    in_ms = await sandbox_rows(cc, sb)
    sb.analytics.duration_text = True
    as_text = await sandbox_rows(cc, sb)
    assert any(
        isinstance(v, TimedValue) and isinstance(v.raw["value"], str)
        for row in as_text
        for v in row.values.values()
    )

    def whole_seconds(row: DetailedRow) -> dict[str, Any]:
        return {
            k: (v.value // dt.timedelta(seconds=1), v.ongoing)
            if isinstance(v, TimedValue) and isinstance(v.value, dt.timedelta)
            else v
            for k, v in row.values.items()
        }

    assert [whole_seconds(r) for r in as_text] == [whole_seconds(r) for r in in_ms]


@pytest.mark.parametrize("as_array", [False, True])
async def test_sandbox_failed_report_raises_with_its_reason(
    cc: ContactCenter, sb: Sandbox, as_array: bool
) -> None:
    sb.analytics.fail_detailed = 1
    sb.analytics.detailed_body_as_array = as_array
    with pytest.raises(ReportFailedError, match="took too long"):
        await sandbox_rows(cc, sb)
    assert len(await sandbox_rows(cc, sb)) > 0  # only the next one failed


async def test_sandbox_page_faults_are_retried_without_losing_a_row(
    cc: ContactCenter, sb: Sandbox
) -> None:
    start, end = week_of(sb)
    job = await cc.analytics.detailed_report(type=INTERACTIONS, start=start, end=end, tz="UTC")
    sb.faults.status(f"*/detailed-reports/{job.id}/data", 503, count=2)
    rows = [row async for row in job.rows(page_size=9)]
    assert [row["interactionId"] for row in rows] == sb.truth.interaction_ids(start, end)


async def test_sandbox_report_details_and_script_paths(
    cc: ContactCenter, sb: Sandbox, tmp_path: Path
) -> None:
    start, end = week_of(sb)
    job = await cc.analytics.detailed_report(
        type=STATUS_CHANGES, start=start, end=end, tz="UTC", metrics=["agentId", "status"]
    )
    details = await cc.analytics.report_details(job.id)
    assert (details.id, details.type, details.metrics) == (
        job.id,
        STATUS_CHANGES,
        ("agentId", "status"),
    )
    assert (details.start, details.end) == (
        start.replace(microsecond=0),
        end.replace(microsecond=0),
    )
    paths = await cc.analytics.create_report(
        type="script-paths", title="Paths", start=start, end=end
    )
    await paths.wait(poll_interval=0.02)
    with pytest.raises(InvalidArgumentError, match="download"):
        paths.rows()
    saved = await paths.download(tmp_path)
    assert saved.suffix == ".csv"
    assert saved.read_text().strip()
