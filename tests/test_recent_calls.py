"""`cc.recent_calls` against the sandbox: paging to the end exactly, each filter's effect and
wire form, validation before any I/O, and the documented headers."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from typing import Any

import httpx
import pytest
import respx

from eightbyeight_async import (
    AuthenticationError,
    ContactCenter,
    InvalidArgumentError,
)
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.recent_calls import Duration, Range, RecentCall

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 9, "days": 6, "interactions_per_day": 60}


def ids(calls: list[RecentCall]) -> list[str]:
    return [c.call_id for c in calls]


def truth(sb: Sandbox, **body: Any) -> list[str]:
    return [r["callId"] for r in sb.truth.recent_calls(**body)]


async def test_paging_to_the_end_returns_every_call_once(sb: Sandbox) -> None:
    async with sb.client() as cc:
        calls = [c async for c in cc.recent_calls.search(duration="allhistory", page_size=7)]
        pages = [
            p async for p in cc.recent_calls.search(duration="allhistory", page_size=7).pages()
        ]
    expected = truth(sb, duration="allhistory")
    assert len(expected) > 50
    assert ids(calls) == expected
    assert [len(p) for p in pages[:-1]] == [7] * (len(pages) - 1)
    truth_records = {r["callId"]: r for r in sb.truth.recent_calls(duration="allhistory")}
    for call in calls[:20]:
        wire = truth_records[call.call_id]
        assert call.agent_id == (wire["agentId"] or None)
        assert call.transfer_count == int(float(wire["transferCount"]))
        assert call.call_duration_ms == float(wire["callDuration"])
        assert call.call_date is not None
        assert call.call_date.tzinfo is not None
        assert call.extra["callTime"] == call.call_date.strftime("%H:%M:%S")


async def test_the_call_date_is_read_in_the_answers_time_zone(sb: Sandbox) -> None:
    async with sb.client() as cc:
        utc = await cc.recent_calls.search(duration="allhistory", limit=3).first_page()
        local = await cc.recent_calls.search(
            duration="allhistory", tz="America/New_York", limit=3
        ).first_page()
    assert [c.call_date for c in utc] == [c.call_date for c in local], "the same instants"
    assert local[0].call_date is not None
    assert local[0].call_date.utcoffset() == dt.timedelta(hours=-4)


async def test_hits_and_an_empty_page_end_the_listing(sb: Sandbox) -> None:
    def requests() -> int:
        return sum(n for path, n in sb.faults.requests.items() if "recentCallData" in path)

    hits = len(truth(sb, duration="allhistory"))
    async with sb.client() as cc:
        calls = [c async for c in cc.recent_calls.search(duration="allhistory", page_size=10)]
        assert len(calls) == hits
        assert requests() == -(-hits // 10), "no request past the hits"
        before = requests()
        nothing = cc.recent_calls.search(duration="today", caller="no such caller")
        assert [c async for c in nothing] == []
        assert requests() == before + 1, "an empty first page ends it"


@pytest.mark.parametrize(
    ("arguments", "body"),
    [
        ({"hold_count": Range(1, None)}, {"agentHoldCount": "range:1,-1"}),
        ({"mute_count": Range(1, 1)}, {"agentMuteCount": "range:1,1"}),
        ({"transfer_count": Range(0, 0)}, {"transferCount": "range:0,0"}),
        ({"call_duration": Duration.minutes(10, None)}, {"callDuration": "min:10,-1"}),
        ({"time_in_queue": Duration.seconds(None, 20)}, {"timeInQueue": "sec:-1,20"}),
        ({"time_in_ivr": Duration.seconds(1, None)}, {"timeInIVR": "sec:1,-1"}),
        ({"agent_call_duration": Duration.minutes(5, None)}, {"agentCallDuration": "min:5,-1"}),
        ({"agent_hold_duration": Duration.seconds(30, None)}, {"agentHoldDuration": "sec:30,-1"}),
    ],
)
async def test_each_range_filter_selects_what_the_server_would(
    sb: Sandbox, arguments: dict[str, Any], body: dict[str, str]
) -> None:
    async with sb.client() as cc:
        calls = [c async for c in cc.recent_calls.search(duration="allhistory", **arguments)]
    expected = truth(sb, duration="allhistory", **body)
    everything = truth(sb, duration="allhistory")
    assert ids(calls) == expected
    assert 0 < len(expected) < len(everything), "the filter must actually filter"


async def test_id_caller_and_time_filters(sb: Sandbox) -> None:
    everything = sb.truth.recent_calls(duration="allhistory")
    handled = [r for r in everything if r["agentId"]]
    agent, queue, group = handled[0]["agentId"], handled[1]["queueId"], handled[2]["agentGroup"]
    caller = everything[3]["callerNumber"][-4:]
    end = sb.tenant.now
    start = end - dt.timedelta(days=2)
    span = f"{int(start.timestamp() * 1000)}-{int(end.timestamp() * 1000)}"
    async with sb.client() as cc:
        search = cc.recent_calls.search
        assert ids([c async for c in search(duration="allhistory", agents=[agent])]) == truth(
            sb, duration="allhistory", tenantAgents=[agent]
        )
        assert ids([c async for c in search(duration="allhistory", queues=[queue])]) == truth(
            sb, duration="allhistory", tenantQueues=[queue]
        )
        assert ids([c async for c in search(duration="allhistory", groups=[group])]) == truth(
            sb, duration="allhistory", tenantGroups=[group]
        )
        by_caller = [c async for c in search(duration="allhistory", caller=caller)]
        assert ids(by_caller) == truth(sb, duration="allhistory", callerName=[caller])
        assert all(caller in (c.caller_number or "") + (c.caller_name or "") for c in by_caller)
        ranged = [c async for c in search(time_range=(start, end))]
        assert ids(ranged) == truth(sb, timeRange=span)
        assert 0 < len(ranged) < len(everything)
        today = [c async for c in search(duration="today")]
        assert ids(today) == truth(sb, duration="today")


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({}, "exactly one of duration"),
        (
            {
                "duration": "today",
                "time_range": (dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc),) * 2,
            },
            "exactly one",
        ),
        ({"duration": "fortnight"}, "duration must be one of"),
        ({"time_range": (dt.datetime(2024, 1, 2), dt.datetime(2024, 1, 3))}, "timezone-aware"),
        (
            {
                "time_range": (
                    dt.datetime(2024, 1, 3, tzinfo=dt.timezone.utc),
                    dt.datetime(2024, 1, 2, tzinfo=dt.timezone.utc),
                )
            },
            "end after",
        ),
        ({"duration": "today", "agents": "fred"}, "list of ids"),
        ({"duration": "today", "agents": [None]}, "non-empty ids"),
        ({"duration": "today", "queues": ["591", ""]}, "non-empty ids"),
        ({"duration": "today", "groups": ["  "]}, "non-empty ids"),
        ({"duration": "today", "agents": [True]}, "non-empty ids"),
        ({"duration": "today", "queues": [b"591"]}, "non-empty ids"),
        ({"duration": "today", "queues": b"591"}, "list of ids"),
        ({"duration": "today", "groups": {"7": 1}}, "list of ids"),
        ({"duration": "today", "queues": 5.0}, "list of ids"),
        ({"duration": "today", "prefetch": "2"}, "prefetch"),
        ({"duration": "today", "limit": "5"}, "limit"),
        ({"duration": "today", "hold_count": Duration.seconds(1, 2)}, "takes a Range"),
        ({"duration": "today", "call_duration": Range(1, 2)}, "takes a Duration"),
        ({"duration": "today", "tz": "Mars/Olympus"}, "time zone|timezone"),
        ({"duration": "today", "page_size": 5001}, "page_size"),
    ],
)
async def test_bad_searches_are_refused_before_any_request(
    sb: Sandbox, arguments: dict[str, Any], message: str
) -> None:
    async with sb.client() as cc:
        with pytest.raises(InvalidArgumentError, match=message):
            cc.recent_calls.search(**arguments)


def test_range_helpers_validate_their_bounds() -> None:
    assert Range(2, None).to_wire() == "range:2,-1"
    assert Duration.seconds(None, None).to_wire() == "sec:-1,-1"
    with pytest.raises(InvalidArgumentError, match="above the upper"):
        Range(5, 1)
    with pytest.raises(InvalidArgumentError, match="non-negative"):
        Duration.minutes(-3, None)
    with pytest.raises(InvalidArgumentError, match="unit"):
        Duration("hours", 1, 2)


async def test_the_documented_headers_and_region(sb: Sandbox) -> None:
    async with sb.client(recent_calls_token="wrong") as cc:
        with pytest.raises(AuthenticationError):
            await cc.recent_calls.search(duration="today").first_page()
    with respx.mock(assert_all_called=True) as mock:
        route = mock.post("https://api.8x8.com/customerexperience/v1/recentCallData/uk").respond(
            json={"hits": 0, "data": [], "timezone": "GMT", "page": 1, "rows": 500}
        )
        async with ContactCenter(
            tenant="acme",
            recent_calls_api_key="key-1",
            recent_calls_token="tok-1",
            recent_calls_region="uk",
        ) as cc:
            assert await cc.recent_calls.search(duration="week").first_page() == []
        request: httpx.Request = route.calls.last.request
        assert request.headers["8x8-apikey"] == "key-1"
        assert request.headers["token"] == "tok-1"
        assert json.loads(request.content) == {
            "tenantId": "acme",
            "duration": "week",
            "page": 1,
            "rows": 500,
        }


RECORD = {"callId": "c1", "callDate": "01/13/2022 07:42:31", "transferCount": "0.0"}


async def search_answer(answer: dict[str, Any]) -> list[RecentCall]:
    """The calls `search()` reads from one mocked answer."""
    with respx.mock() as mock:
        mock.post("https://api.8x8.com/customerexperience/v1/recentCallData/us").respond(
            json=answer
        )
        async with ContactCenter(
            tenant="acme", recent_calls_api_key="k", recent_calls_token="t"
        ) as cc:
            return await cc.recent_calls.search(duration="today").first_page()


@pytest.mark.parametrize("call_date", [1642059751000, 1642059751.5, True, ["01/13/2022"]])
async def test_a_call_date_that_is_not_text_is_kept_in_extra(call_date: object) -> None:
    answer = {"hits": 1, "data": [{**RECORD, "callDate": call_date}], "timezone": "GMT"}
    (call,) = await search_answer(answer)
    assert call.call_date is None
    assert call.extra["callDate"] == call_date


@pytest.mark.parametrize("zone", ["Foo/Bar", "America", 5])
async def test_an_unknown_answer_time_zone_leaves_call_date_naive(zone: object) -> None:
    data = [RECORD, {**RECORD, "callId": "c2", "callDate": "2022-01-13T07:42:31"}]
    with pytest.warns(UserWarning, match="unknown time zone"):
        calls = await search_answer({"hits": 2, "data": data, "timezone": zone})
    assert [c.call_date for c in calls] == [dt.datetime(2022, 1, 13, 7, 42, 31)] * 2
    assert all(c.call_date is not None and c.call_date.tzinfo is None for c in calls)


async def test_a_call_date_without_an_offset_is_read_in_the_answers_zone() -> None:
    iso = {**RECORD, "callDate": "2022-01-13T07:42:31"}
    offset = {**RECORD, "callDate": "2022-01-13T07:42:31+00:00"}
    answer = {"hits": 3, "data": [RECORD, iso, offset], "timezone": "America/Los_Angeles"}
    calls = await search_answer(answer)
    local = dt.datetime(2022, 1, 13, 7, 42, 31, tzinfo=zoneinfo.ZoneInfo("America/Los_Angeles"))
    assert [c.call_date for c in calls[:2]] == [local, local]
    assert calls[2].call_date == dt.datetime(2022, 1, 13, 7, 42, 31, tzinfo=dt.timezone.utc)
