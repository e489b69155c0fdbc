"""`cc.schedules` against the sandbox: schedules typed, statuses at instants and offsets,
next status, errors, and the one-request-at-a-time rule."""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio
import httpx
import pytest
import respx
import xmltodict

from eightbyeight_async import (
    ApiFamily,
    APIStatusError,
    AuthenticationError,
    BadRequestError,
    ContactCenter,
    DecodeError,
    InternalServerError,
    InvalidArgumentError,
    Limits,
    NotFoundError,
    RetryPolicy,
    ServerBusyError,
)
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.schedules import ScheduleState, ScheduleStatus

pytestmark = pytest.mark.anyio
UTC = dt.timezone.utc
LOOPBACK = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 2}


async def test_all_by_name_and_by_id_give_the_same_typed_schedules(sb: Sandbox) -> None:
    async with sb.client() as cc:
        schedules = await cc.schedules.list()
        assert [s.name for s in schedules] == [s["name"] for s in sb.schedules.schedules]
        default = await cc.schedules.by_name("Default Schedule")  # a space: %20 on the wire
        assert default == schedules[0] == await cc.schedules.get(1)
        assert await cc.schedules.list(format="xml") == schedules
        assert await cc.schedules.get(2, format="xml") == schedules[1]
    monday = default.week_days[1]
    assert monday.day == 1
    assert monday.periods[0].status == ScheduleStatus(ScheduleState.OPEN)
    assert monday.periods[0].start_time == dt.time(8, 0)
    assert schedules[2].time_zone is None, "no zone: the tenant's"


@pytest.mark.parametrize(
    ("schedule_id", "at", "expected"),
    [
        (1, dt.datetime(2024, 6, 3, 16, 0, tzinfo=UTC), ScheduleStatus(ScheduleState.OPEN)),
        (1, dt.datetime(2024, 6, 3, 14, 0, tzinfo=UTC), ScheduleStatus(ScheduleState.CLOSED)),
        (2, dt.datetime(2024, 6, 3, 19, 30, tzinfo=UTC), ScheduleStatus(ScheduleState.CHOICE, 1)),
        (2, dt.datetime(2024, 6, 1, 11, 0, tzinfo=UTC), ScheduleStatus(ScheduleState.CHOICE, 2)),
    ],
)
async def test_status_at_an_instant(
    sb: Sandbox, schedule_id: int, at: dt.datetime, expected: ScheduleStatus
) -> None:
    async with sb.client() as cc:
        status = await cc.schedules.status(schedule_id, at=at)
    assert status == expected
    assert status == ScheduleStatus.from_code(sb.schedules.status_at(str(schedule_id), at))


async def test_status_with_an_offset_and_now(sb: Sandbox) -> None:
    closing = dt.datetime(2024, 6, 3, 23, 59, tzinfo=UTC)  # 16:59 in Los Angeles
    async with sb.client() as cc:
        assert (await cc.schedules.status(1, at=closing)).state is ScheduleState.OPEN
        later = await cc.schedules.status(1, at=closing, offset=120)
        assert later.state is ScheduleState.CLOSED
        now = await cc.schedules.status(1)
    assert now == ScheduleStatus.from_code(sb.schedules.status_at("1", sb.tenant.now))


async def test_next_status(sb: Sandbox) -> None:
    at = dt.datetime(2024, 6, 3, 16, 0, tzinfo=UTC)  # 09:00 in Los Angeles, open until 17:00
    async with sb.client() as cc:
        following = await cc.schedules.next_status(1, at=at)
    assert following.current.state is ScheduleState.OPEN
    assert following.next == ScheduleStatus(ScheduleState.CLOSED)
    assert following.next_at == dt.datetime(2024, 6, 4, 0, 0, tzinfo=UTC)


async def test_what_a_status_answer_holds_besides_its_codes_is_kept(sb: Sandbox) -> None:
    at = dt.datetime(2024, 6, 3, 16, 0, tzinfo=UTC)
    async with sb.client() as cc:
        status = await cc.schedules.status(1, at=at)
        following = await cc.schedules.next_status(1, at=at)
    assert set(status.extra) == {"label"}
    assert set(following.extra) == {"label", "next-label"}
    assert status == ScheduleStatus(ScheduleState.OPEN), "extra is not part of the value"


async def test_unknown_fields_of_days_and_periods_are_kept() -> None:
    schedule = {
        "id": "7",
        "name": "Support",
        "week-days": {
            "week-day": [
                {
                    "day": "1",
                    "holiday": "yes",
                    "properties": [
                        {"status": "0", "start-time": "08:00", "end-time": "17:00", "label": "AM"}
                    ],
                }
            ]
        },
    }
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="t") as cc:
        with respx.mock() as mock:
            mock.get(f"{LOOPBACK}/api/provisioning/schedules/7").mock(
                return_value=httpx.Response(200, json={"schedule": schedule})
            )
            (day,) = (await cc.schedules.get(7)).week_days
    assert day.extra == {"holiday": "yes"}
    assert day.periods[0].extra == {"label": "AM"}


async def test_numbers_that_only_look_like_digits_are_refused(sb: Sandbox) -> None:
    async with sb.client() as cc:
        for bad_id in ("\u00b2", "\u0663"):  # superscript two, Arabic-Indic three
            with pytest.raises(InvalidArgumentError, match="numeric id"):
                await cc.schedules.next_status(bad_id)
        for offset in (float("nan"), float("inf"), float("-inf")):
            with pytest.raises(InvalidArgumentError, match="finite number of seconds"):
                await cc.schedules.status(1, offset=offset)


async def test_errors(sb: Sandbox) -> None:
    async with sb.client() as cc:
        with pytest.raises(NotFoundError):
            await cc.schedules.get(99)
        with pytest.raises(NotFoundError):
            await cc.schedules.by_name("No Such Schedule")
        with pytest.raises(InvalidArgumentError, match="numeric id"):
            await cc.schedules.get("one")
        with pytest.raises(InvalidArgumentError, match="timezone-aware"):
            await cc.schedules.status(1, at=dt.datetime(2024, 6, 3))
    async with sb.client(data_token="wrong") as cc:
        with pytest.raises(AuthenticationError, match="401"):  # this document's status
            await cc.schedules.list()


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (500, InternalServerError), (503, ServerBusyError)],
)
async def test_documented_error_statuses_raise_their_errors(
    sb: Sandbox, status: int, error: type[APIStatusError]
) -> None:
    sb.faults.status("/api/provisioning/*", status)
    async with sb.client(retry=RetryPolicy.disabled()) as cc:
        with pytest.raises(error) as caught:
            await cc.schedules.status(1)
    assert caught.value.status_code == status


async def test_malformed_answers_are_decode_errors(sb: Sandbox) -> None:
    sb.faults.malformed("/api/provisioning/*")
    async with sb.client(retry=RetryPolicy.disabled()) as cc:
        with pytest.raises(DecodeError):
            await cc.schedules.list(format="xml")
        with pytest.raises(DecodeError):
            await cc.schedules.next_status(1)


async def test_one_request_at_a_time(sb: Sandbox) -> None:
    sb.schedules.delay = 0.02
    async with sb.client() as cc, anyio.create_task_group() as tg:
        for _ in range(6):
            tg.start_soon(cc.schedules.status, 1)
    assert sb.schedules.rejected == 0, "the family limit of 1 queues them on the client"
    four = Limits().with_family(ApiFamily.SCHEDULES, 4)
    retry = RetryPolicy(max_retries=20, initial_backoff=0.01, max_backoff=0.05)
    async with sb.client(limits=four, retry=retry) as cc:
        results: list[ScheduleStatus] = []

        async def one() -> None:
            results.append(await cc.schedules.status(1))

        async with anyio.create_task_group() as tg:
            for _ in range(6):
                tg.start_soon(one)
    assert sb.schedules.rejected > 0, "concurrent requests draw 503s..."
    assert len(results) == 6, "...which are retried to success"


@pytest.mark.parametrize(
    ("fmt", "accept"), [("json", "application/json"), ("xml", "application/xml")]
)
async def test_the_documented_urls_are_sent_without_a_suffix(fmt: str, accept: str) -> None:
    schedule = {"id": "7", "name": "Support", "week-days": ""}
    body = {"schedules": {"schedule": schedule}}
    content = (
        httpx.Response(200, json=body)
        if fmt == "json"
        else httpx.Response(200, text=xmltodict.unparse(body))
    )
    status = {"status": {"code": "0"}}
    status_answer = (
        httpx.Response(200, json=status)
        if fmt == "json"
        else httpx.Response(200, text=xmltodict.unparse(status))
    )
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="t") as cc:
        with respx.mock(assert_all_called=False) as mock:
            route = mock.route(host="127.0.0.1").mock(return_value=content)
            await cc.schedules.list(format=fmt)  # type: ignore[arg-type]
            await cc.schedules.get(7, format=fmt)  # type: ignore[arg-type]
            await cc.schedules.by_name("Default Schedule", format=fmt)  # type: ignore[arg-type]
            route.mock(return_value=status_answer)
            await cc.schedules.status(7, format=fmt)  # type: ignore[arg-type]
            await cc.schedules.next_status(7, format=fmt)  # type: ignore[arg-type]
    paths = [call.request.url.raw_path.decode() for call in route.calls]
    assert paths == [
        "/api/provisioning/schedules",
        "/api/provisioning/schedules/7",
        "/api/provisioning/schedulesbyname/Default%20Schedule",
        "/api/provisioning/schedules/7/status",
        "/api/provisioning/schedules/7/nextstatus",
    ]
    assert {call.request.headers["accept"] for call in route.calls} == {accept}


async def test_the_sandbox_serves_the_documented_urls(sb: Sandbox) -> None:
    auth = (sb.credentials.tenant_name, sb.credentials.data_token)
    async with httpx.AsyncClient(auth=auth) as http:
        url = f"{sb.base_url}/api/provisioning/schedules/1"
        as_json = await http.get(url, headers={"Accept": "application/json"})
        as_xml = await http.get(url)
    assert as_json.json()["schedule"]["id"] == "1"
    assert xmltodict.parse(as_xml.content)["schedule"]["id"] == "1"


STATUS_VARIANTS = [
    {"status": {"code": "0"}},
    {"Status": {"Code": 0}},
    {"status": "0"},
    {"status": 0},
    {"STATUS": [{"statusCode": "0", "scheduleId": "7", "label": "OPEN"}]},
    [{"status": {"code": "0"}}],
    {"code": "0", "label": "open"},
    {"status": "OPEN"},
    {"status": {"code": "open"}},
    {"scheduleStatus": {"status_code": "0.0"}},
    0,
    "0",
]


@pytest.mark.parametrize("body", STATUS_VARIANTS)
async def test_status_answers_of_plausible_shapes_are_read(body: object) -> None:
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="t") as cc:
        with respx.mock() as mock:
            mock.get(f"{LOOPBACK}/api/provisioning/schedules/7/status").mock(
                return_value=httpx.Response(200, json=body)
            )
            status = await cc.schedules.status(7)
    assert status.state is ScheduleState.OPEN


NEXT_VARIANTS = [
    {"status": {"code": "0", "next-code": "-1", "next-time": "1717459200000"}},
    {"Status": {"Code": 0, "NextCode": -1, "NextTime": 1717459200000}},
    {"status": [{"code": "0", "next_status": "CLOSED", "next_time": "2024-06-04T00:00:00Z"}]},
    {"status": {"code": "0", "nextStatus": {"code": "-1", "time": "1717459200000"}}},
    {"code": "open", "nextCode": "closed", "nextTime": 1717459200000.0},
]


@pytest.mark.parametrize("body", NEXT_VARIANTS)
async def test_next_status_answers_of_plausible_shapes_are_read(body: object) -> None:
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="t") as cc:
        with respx.mock() as mock:
            mock.get(f"{LOOPBACK}/api/provisioning/schedules/7/nextstatus").mock(
                return_value=httpx.Response(200, json=body)
            )
            following = await cc.schedules.next_status(7)
    assert following.current.state is ScheduleState.OPEN
    assert following.next == ScheduleStatus(ScheduleState.CLOSED)
    assert following.next_at == dt.datetime(2024, 6, 4, 0, 0, tzinfo=UTC)
    assert following.extra == {}


async def test_what_a_status_answer_does_not_explain_is_kept_not_refused() -> None:
    body = {"status": {"code": "-1", "next-time": "soon", "reason": "holiday"}}
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="t") as cc:
        with respx.mock() as mock:
            mock.get(f"{LOOPBACK}/api/provisioning/schedules/7/nextstatus").mock(
                return_value=httpx.Response(200, json=body)
            )
            following = await cc.schedules.next_status(7)
            mock.get(f"{LOOPBACK}/api/provisioning/schedules/7/status").mock(
                return_value=httpx.Response(200, content=b"{not json")
            )
            with pytest.raises(DecodeError):
                await cc.schedules.status(7)
    assert following.current.state is ScheduleState.CLOSED
    assert following.next is None
    assert following.next_at is None
    assert following.extra == {"next-time": "soon", "reason": "holiday"}


async def test_family_limits_schedules_one_attachments_one() -> None:
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="t") as cc:
        assert cc.limits.for_family(ApiFamily.SCHEDULES) == 1
        assert cc.limits.for_family(ApiFamily.ATTACHMENTS) == 1
