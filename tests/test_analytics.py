"""`cc.analytics` through the public API against the sandbox: report types, the job's life
(create → wait → rows → download), FAILED, the deadline, token expiry while polling, the
10,000-row cap, safe file names, regions and versions, and multi-tenant errors."""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import warnings
from collections import Counter
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import pytest
import respx
from openpyxl import load_workbook

from eightbyeight_async import (
    APIStatusError,
    ConfigurationError,
    ContactCenter,
    DecodeError,
    InvalidArgumentError,
    ReportFailedError,
    ReportJob,
    ReportRowCapWarning,
    ReportTimeoutError,
    RetryPolicy,
    TenantInfoError,
)
from eightbyeight_async._resources import _report_job
from eightbyeight_async._resources._analytics_rows import parse_row
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.analytics import ReportRow, ReportStatus, convert_value

pytestmark = pytest.mark.anyio

QUEUE_REPORT = "queue-interactions-summary"
AGENT_REPORT = "agent-interactions-summary"
BASE_URL = "https://api.8x8.com/analytics/cc/v8/historical-metrics"


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 3, "days": 6, "interactions_per_day": 40}


@pytest.fixture
def sb(sb: Sandbox) -> Sandbox:
    """The shared sandbox (reset after each test) with reports done 0.05 s after creation."""
    sb.analytics.delay = 0.05
    return sb


def whole_range(sb: Sandbox) -> tuple[dt.datetime, dt.datetime]:
    """A range under a week that covers every generated interaction."""
    end = sb.tenant.now + dt.timedelta(hours=1)
    return end - dt.timedelta(days=7), end


async def done_job(cc: ContactCenter, sb: Sandbox, **overrides: Any) -> ReportJob:
    start, end = whole_range(sb)
    settings: dict[str, Any] = {
        "type": QUEUE_REPORT,
        "title": "Queue report (ops)",
        "start": start,
        "end": end,
        "granularity": "day",
        "group_by": "media-and-queue",
        "include_subtotals": True,
        "include_grand_total": True,
        **overrides,
    }
    job = await cc.analytics.create_report(**settings)
    return await job.wait(poll_interval=0.02)


def in_range(sb: Sandbox, record: dict[str, str]) -> bool:
    start, end = whole_range(sb)
    return start <= dt.datetime.fromisoformat(record["create-timestamp"]) < end


async def all_rows(job: ReportJob, **kwargs: Any) -> list[ReportRow]:
    return [row async for row in job.rows(**kwargs)]


async def test_report_types_list_groupings_filters_and_metrics(cc: ContactCenter) -> None:
    types = {t.type: t for t in await cc.analytics.report_types()}
    one = await cc.analytics.report_type(AGENT_REPORT)
    assert types[AGENT_REPORT] == one
    grouping = one.grouping("agent-and-media-and-queue")
    assert grouping is not None
    assert set(grouping.filters) == {"agent", "media", "queue"}
    assert "accepted" in one.metrics
    assert len(one.group_by) == 15


async def test_full_flow_rows_match_the_sandbox_rows(cc: ContactCenter, sb: Sandbox) -> None:
    job = await done_job(cc, sb)
    assert job.status == ReportStatus.DONE
    assert await job is job  # awaiting a DONE job costs nothing
    rows = await all_rows(job, page_size=13)  # many pages, fetched ahead
    expected = sb.truth.analytics_rows(job.id)
    assert [row.raw for row in rows] == expected
    assert [row.index for row in rows] == list(range(len(expected)))
    for row, wire in zip(rows, expected, strict=True):
        assert row.values == {i["key"]: convert_value(i["value"]) for i in wire["items"]}
        assert row.labels == {i["key"]: i["label"] for i in wire["items"]}


async def test_totals_match_the_tenants_interactions(cc: ContactCenter, sb: Sandbox) -> None:
    rows = await all_rows(await done_job(cc, sb))
    queued = [r for r in sb.tenant.interactions if r["queue-id"] and in_range(sb, r)]
    grand = rows[-1]
    assert grand.is_grand_total
    assert grand.start_index is None
    assert grand["presented"] == len(queued) > 0
    assert grand["accepted"] == sum(1 for r in queued if r["accept-timestamp"])
    assert grand["holdTime"] == sum(int(r["total-hold-time"]) for r in queued)
    assert grand["queue"] is None
    assert grand["media"] is None
    data = [r for r in rows if r.total is None]
    assert sum(r["presented"] for r in data) == len(queued)  # type: ignore[misc]
    for subtotal in (r for r in rows if r.is_subtotal):
        assert subtotal.start_index is not None
        assert subtotal.end_index is not None
        summed = rows[subtotal.start_index : subtotal.end_index + 1]
        assert all(r.total is None and r["media"] == subtotal["media"] for r in summed)
        assert subtotal["presented"] == sum(r["presented"] for r in summed)  # type: ignore[misc]
        assert subtotal["queue"] is None


async def test_filters_and_intraday_select_the_right_interactions(
    cc: ContactCenter, sb: Sandbox
) -> None:
    queue_id = sb.tenant.queues[0]["queue-id"]
    job = await done_job(
        cc,
        sb,
        group_by="queue",
        granularity="none",
        filters={"queue": [queue_id]},
        intraday=("20:00:00", "06:00:00"),  # crosses midnight
        tz=sb.tenant.timezone,
        metrics=["presented", "avgHandlingTime"],
        include_subtotals=False,
        include_grand_total=False,
    )
    (row,) = await all_rows(job)

    def overnight(record: dict[str, str]) -> bool:
        clock = dt.datetime.fromisoformat(record["create-timestamp"]).time()
        return clock >= dt.time(20) or clock < dt.time(6)

    chosen = [r for r in sb.tenant.interactions if r["queue-id"] == queue_id and in_range(sb, r)]
    assert row["queueId"] == int(queue_id)
    assert row["presented"] == sum(1 for r in chosen if overnight(r))
    assert set(row.values) == {"startTime", "endTime", "queue", "queueId", "presented",
                               "avgHandlingTime"}  # fmt: skip


async def test_null_values_stay_none(cc: ContactCenter, sb: Sandbox) -> None:
    rows = await all_rows(await done_job(cc, sb, granularity="hour", group_by="queue"))
    empty = next(r for r in rows if r.total is None and r["presented"] == 0)
    assert empty["avgHandlingTime"] is None
    assert empty["acceptedPercentage"] is None
    assert isinstance(empty["startTime"], dt.datetime)
    assert empty["startTime"].tzinfo is not None


async def test_download_csv_and_xlsx_hold_every_row(
    cc: ContactCenter, sb: Sandbox, tmp_path: Path
) -> None:
    job = await done_job(cc, sb)
    expected = sb.truth.analytics_rows(job.id)
    csv_path = await job.download(tmp_path)
    assert csv_path == tmp_path / "Queue report (ops).csv"
    table = list(csv.reader(io.StringIO(csv_path.read_text(encoding="utf-8"))))
    assert table[0] == [i["label"] for i in expected[0]["items"]]
    assert table[1:] == [[i["value"] or "" for i in row["items"]] for row in expected]
    xlsx_path = await job.download(tmp_path, format="xlsx")
    assert xlsx_path.name == "Queue report (ops).xlsx"
    sheet = load_workbook(xlsx_path, read_only=True).active
    cells = [list(line) for line in sheet.iter_rows(values_only=True)]  # type: ignore[union-attr]
    assert cells[1:] == [[i["value"] for i in row["items"]] for row in expected]
    names = [p.name async for p in anyio.Path(tmp_path).iterdir()]
    assert not [n for n in names if n.startswith(".")]  # no part files left


async def test_existing_files_are_never_overwritten_unless_asked(
    cc: ContactCenter, sb: Sandbox, tmp_path: Path
) -> None:
    job = await done_job(cc, sb)
    first = await job.download(tmp_path)
    first.write_text("mine")
    second = await job.download(tmp_path)
    assert second.name == "Queue report (ops) (1).csv"
    assert first.read_text() == "mine"
    with pytest.raises(FileExistsError):
        await job.download(first)
    assert first.read_text() == "mine"
    replaced = await job.download(first, overwrite=True)
    assert replaced == first
    assert first.read_text() == second.read_text()


@pytest.mark.parametrize(
    ("disposition", "name"),
    [
        ('attachment; filename="../../etc/evil.csv"', "evil.csv"),
        ('attachment; filename="/abs/path/report.csv"', "report.csv"),
        ("attachment; filename*=UTF-8''%0A%01bad%7F%1Bname.csv", "badname.csv"),
        ('attachment; filename=""', None),
        ('attachment; filename=".."', None),
        ("attachment", None),
        ('attachment; filename="..\\..\\win.exe"', "win.exe.csv"),
    ],
)
async def test_unsafe_content_disposition_names_are_made_safe(
    cc: ContactCenter, sb: Sandbox, tmp_path: Path, disposition: str, name: str | None
) -> None:
    job = await done_job(cc, sb)
    sb.analytics.content_disposition = disposition
    saved = await job.download(tmp_path)
    assert saved.parent == tmp_path
    assert saved.name == (name or f"report-{job.id}.csv")
    assert [p.name async for p in anyio.Path(tmp_path).iterdir()] == [saved.name]


async def test_failed_report_raises_report_failed_error(cc: ContactCenter, sb: Sandbox) -> None:
    sb.analytics.fail_reports = True
    with pytest.raises(ReportFailedError) as caught:
        await done_job(cc, sb)
    assert caught.value.report_id.isdigit()
    job = cc.analytics.report(caught.value.report_id)
    assert await job.refresh() == ReportStatus.FAILED
    with pytest.raises(ReportFailedError):
        job.rows()


async def test_deadline_raises_and_the_job_can_be_reattached(
    cc: ContactCenter, sb: Sandbox
) -> None:
    sb.analytics.hold_reports = True  # IN_PROGRESS until released, however slow the machine
    start, end = whole_range(sb)
    job = await cc.analytics.create_report(
        type=QUEUE_REPORT, title="Slow", start=start, end=end, granularity="day", group_by="queue"
    )
    with pytest.raises(ReportTimeoutError) as caught:
        await job.wait(timeout=0.2, poll_interval=0.05)
    assert caught.value.status == "IN_PROGRESS"
    assert caught.value.report_id == job.id
    with pytest.raises(InvalidArgumentError, match="IN_PROGRESS"):
        job.rows()
    sb.analytics.release()
    again = await cc.analytics.report(job.id).wait(poll_interval=0.05)
    assert again.status == ReportStatus.DONE
    assert again.id == job.id
    assert [r.raw for r in await all_rows(again)] == sb.truth.analytics_rows(job.id)


class RecordedSleeps:
    """Stands in for `anyio` in the report-job module: records each poll wait instead of
    sleeping it, and releases the held reports after `release_after` waits."""

    def __init__(self, sb: Sandbox, release_after: int) -> None:
        self.delays: list[float] = []
        self._sb, self._release_after = sb, release_after

    async def sleep(self, delay: float) -> None:
        self.delays.append(delay)
        if len(self.delays) == self._release_after:
            self._sb.analytics.release()
        await anyio.lowlevel.checkpoint()

    def __getattr__(self, name: str) -> Any:
        return getattr(anyio, name)


@pytest.fixture
def sleeps(sb: Sandbox, monkeypatch: pytest.MonkeyPatch) -> RecordedSleeps:
    """Held reports, and the poll waits recorded: the 6th wait releases them."""
    sb.analytics.hold_reports, sb.analytics.delay = True, 0.0  # DONE once released
    recorded = RecordedSleeps(sb, release_after=6)
    monkeypatch.setattr(_report_job, "anyio", recorded)
    return recorded


async def test_polling_intervals_grow(
    cc: ContactCenter, sb: Sandbox, sleeps: RecordedSleeps
) -> None:
    start, end = whole_range(sb)
    job = await cc.analytics.create_report(
        type=QUEUE_REPORT, title="Grow", start=start, end=end, granularity="day", group_by="queue"
    )
    await job.wait(poll_interval=0.02, max_poll_interval=0.1)
    assert job.status == ReportStatus.DONE
    assert sleeps.delays == pytest.approx([0.02, 0.03, 0.045, 0.0675, 0.1, 0.1])
    assert job.status_checks == 6


async def test_retry_after_on_status_is_honoured(
    cc: ContactCenter, sb: Sandbox, sleeps: RecordedSleeps
) -> None:
    sb.analytics.retry_after = 0.3
    start, end = whole_range(sb)
    job = await cc.analytics.create_report(
        type=QUEUE_REPORT, title="Paced", start=start, end=end, granularity="day", group_by="queue"
    )
    await job.wait(poll_interval=0.01, max_poll_interval=1.0)
    assert job.status == ReportStatus.DONE
    # the first wait precedes any status answer; every later one is at least the Retry-After
    assert sleeps.delays == pytest.approx([0.01, 0.3, 0.45, 0.675, 1.0, 1.0])


async def test_a_token_revoked_during_a_long_poll_is_refreshed(
    cc: ContactCenter, sb: Sandbox
) -> None:
    sb.analytics.hold_reports = True  # IN_PROGRESS until released: ordered by events, not time
    start, end = whole_range(sb)
    job = await cc.analytics.create_report(
        type=QUEUE_REPORT, title="Long", start=start, end=end, granularity="day", group_by="queue"
    )
    issued, checks = sb.tokens.issued, sb.analytics.status_checks

    async def until(condition: Callable[[], bool]) -> None:
        with anyio.fail_after(30):  # a hang guard, not a timing assertion
            while not condition():  # noqa: ASYNC110 - the server thread counts the checks
                await anyio.sleep(0.005)

    async def revoke_then_release() -> None:  # a server-side expiry the client cannot foresee
        await until(lambda: sb.analytics.status_checks >= checks + 2)
        sb.tokens.revoke_all()
        revoked_at = sb.analytics.status_checks
        await until(lambda: sb.analytics.status_checks > revoked_at)  # answered: a new token
        sb.analytics.release()

    async with anyio.create_task_group() as tg:
        tg.start_soon(revoke_then_release)
        await job.wait(poll_interval=0.01, max_poll_interval=0.02)
    assert job.status == ReportStatus.DONE
    assert sb.tokens.issued == issued + 1
    assert len(await all_rows(job)) == len(sb.truth.analytics_rows(job.id))


async def test_rows_past_the_json_cap_warn_and_download_has_all(
    cc: ContactCenter, sb: Sandbox, tmp_path: Path
) -> None:
    # 7 days of 30-minute intervals x 12 agents x (4 media + a subtotal) = 20,160 rows
    job = await done_job(
        cc, sb, type=AGENT_REPORT, granularity="30m", group_by="agent-and-media",
        include_grand_total=False, metrics=["presented"],
    )  # fmt: skip
    total = len(sb.truth.analytics_rows(job.id))
    assert total > 10_000
    with pytest.warns(ReportRowCapWarning, match="download"):
        rows = await all_rows(job)
    assert len(rows) == 10_000
    assert rows[-1].index == 9_999
    path = await job.download(tmp_path)
    with path.open(encoding="utf-8") as lines:
        assert sum(1 for _ in lines) == total + 1


async def test_a_small_report_does_not_warn(cc: ContactCenter, sb: Sandbox) -> None:
    job = await done_job(cc, sb)
    with warnings.catch_warnings():
        warnings.simplefilter("error", ReportRowCapWarning)
        assert await all_rows(job)


async def test_links_of_a_done_report(cc: ContactCenter, sb: Sandbox) -> None:
    job = await done_job(cc, sb)
    links = await job.links()
    assert links.status is not None
    assert links.status.endswith(f"/{job.id}/status")
    assert links.download is not None
    assert links.download.endswith(f"/{job.id}/download")
    assert links.data is not None
    assert f"/{job.id}/data?page=0" in links.data
    assert {link.relation for link in links.all} == {"status", "data", "download"}


async def test_a_malformed_data_page_is_a_decode_error(cc: ContactCenter, sb: Sandbox) -> None:
    job = await done_job(cc, sb)
    sb.faults.malformed(f"*/{job.id}/data")
    with pytest.raises(DecodeError):
        await all_rows(job)


@pytest.mark.parametrize(
    ("region", "version", "prefix"),
    [
        ("us", "v8", "/analytics/cc/v8"),
        ("us", "v7", "/analytics/cc/v7"),
        ("eu", "v8", "/eu/analytics/cc/v8"),
        ("au", "v7", "/au/analytics/cc/v7"),
        ("ca", "v8", "/ca/analytics/cc/v8"),
    ],
)
async def test_region_and_version_choose_the_base_path(
    sb: Sandbox, region: str, version: str, prefix: str
) -> None:
    before = Counter(sb.faults.requests)
    async with sb.client(analytics_region=region, analytics_version=version) as client:
        await client.analytics.report_types()
    after = Counter(sb.faults.requests) - before
    # Only the catalogue requests: a page request an earlier test cancelled client-side may
    # still reach the server's log while this test runs.
    catalogue = Counter({path: n for path, n in after.items() if path.endswith("/report-types")})
    assert catalogue == Counter({f"{prefix}/historical-metrics/report-types": 1})


def test_an_unknown_version_is_a_configuration_error(sb: Sandbox) -> None:
    with pytest.raises(ConfigurationError, match="v7, v8"):
        sb.client(analytics_version="v6")


@pytest.mark.parametrize(
    ("tenant_info", "hint"),
    [(None, "pass tenant_info="), ("someone-else", "check the tenant id")],
)
async def test_tenant_info_errors_say_what_to_do(
    cc: ContactCenter, sb: Sandbox, tenant_info: str | None, hint: str
) -> None:
    sb.analytics.tenant_ids = (sb.tenant_name, "second-tenant")
    async with sb.client(tenant_info=tenant_info) as client:
        with pytest.raises(TenantInfoError, match=hint) as caught:
            await client.analytics.report_types()
    assert caught.value.status_code == 400


async def test_a_multi_tenant_customer_works_with_tenant_info(
    cc: ContactCenter, sb: Sandbox
) -> None:
    sb.analytics.tenant_ids = (sb.tenant_name, "second-tenant")
    async with sb.client(tenant_info="second-tenant") as client:
        job = await done_job(client, sb)
        assert await all_rows(job)


@pytest.mark.parametrize(
    ("wire", "value"),
    [
        ("103", 103),
        ("-4", -4),
        ("007", "007"),
        ("+16505550100", "+16505550100"),
        ("33.33", 33.33),
        ("0.12345678901234567890123", Decimal("0.12345678901234567890123")),
        ("2022-08-29T00:00-04:00", dt.datetime(2022, 8, 29, 4, tzinfo=dt.timezone.utc)),
        ("2019-09-01T23:00:00.000Z", dt.datetime(2019, 9, 1, 23, tzinfo=dt.timezone.utc)),
        ("2019-09-01T23:00:00", "2019-09-01T23:00:00"),  # no zone: ambiguous, kept as text
        ("Phone", "Phone"),
        (None, None),
        (3, 3),
    ],
)
def test_values_are_converted_by_their_form(wire: Any, value: Any) -> None:
    converted = convert_value(wire)
    assert converted == value
    assert type(converted) is type(value)


def test_a_row_with_items_as_a_mapping_is_read_too() -> None:
    row = parse_row({"total": None, "items": {"name1": "value1", "name2": 3}}, 0)
    assert row.values == {"name1": "value1", "name2": 3}
    assert row.labels == {
        "name1": "name1",
        "name2": "name2",
    }
    with pytest.raises(DecodeError, match="row 5"):
        parse_row({"items": [{"label": "no key"}]}, 5)
    with pytest.raises(DecodeError, match="row 6"):
        parse_row(["not", "an", "object"], 6)


def mocked_analytics(mock: respx.MockRouter) -> ContactCenter:
    """A client of the real API's address, for answers the sandbox never gives."""
    mock.post("https://api.8x8.com/oauth/v2/token").respond(
        json={"access_token": "tok", "expires_in": "3600"}
    )
    return ContactCenter(
        analytics_client_id="id", analytics_secret="secret", retry=RetryPolicy.instant()
    )


@pytest.mark.parametrize("name", ["poll_interval", "max_poll_interval"])
@pytest.mark.parametrize("value", [0, -1, "5", True, float("nan"), float("inf")])
async def test_poll_intervals_must_be_positive_numbers(
    cc: ContactCenter, name: str, value: Any
) -> None:
    job = cc.analytics.report(5)
    with pytest.raises(InvalidArgumentError, match=f"^{name} must be a positive number"):
        await job.wait(timeout=0.2, **{name: value})
    assert job.status_checks == 0, "refused before any request: never a tight loop"


@pytest.mark.parametrize("options", [{"prefetch": "2"}, {"prefetch": True}, {"limit": "5"}])
async def test_rows_window_options_must_be_ints(cc: ContactCenter, options: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError, match=next(iter(options))):
        cc.analytics.report(5).rows(**options)


async def test_count_headers_that_are_not_ascii_digits_are_ignored() -> None:
    with respx.mock() as mock:
        mock.get(f"{BASE_URL}/5/data").respond(
            json=[{"items": [{"key": "a", "value": "1"}]}],
            headers=[(b"X-Total-Pages", b"\xb2"), (b"X-Total-Elements", b"\xb2")],
        )
        async with mocked_analytics(mock) as client:
            rows = await all_rows(client.analytics.report(5), prefetch=1)
    assert [row.values for row in rows] == [{"a": 1}]


async def test_report_types_read_null_lists_as_empty_and_a_lone_name_as_one() -> None:
    answer = [
        {"type": "a", "groupBy": None, "metrics": None},
        {"type": "b", "groupBy": [{"name": "g", "filters": "agent", "note": 1}], "metrics": "x"},
        {"type": "c", "groupBy": [{"name": "h", "filters": None}]},
    ]
    with respx.mock() as mock:
        mock.get(f"{BASE_URL}/report-types").respond(json=answer)
        mock.get(f"{BASE_URL}/report-types/b").respond(json=answer[1])
        async with mocked_analytics(mock) as client:
            types = {t.type: t for t in await client.analytics.report_types()}
            one = await client.analytics.report_type("b")
    assert (types["a"].group_by, types["a"].metrics) == ((), ())
    grouping = types["b"].grouping("g")
    assert grouping is not None
    assert grouping.filters == ("agent",)
    assert grouping.extra == {"note": 1}
    assert types["b"].metrics == ("x",)
    assert one == types["b"]
    assert types["c"].group_by[0].filters == ()


@pytest.mark.parametrize("status", [404, 403])
async def test_an_unreadable_report_types_catalogue_warns_and_creates_anyway(
    status: int, caplog: pytest.LogCaptureFixture
) -> None:
    """The catalogue only serves a client-side check: when the server will not show it, the
    server judges the report."""
    with respx.mock() as mock:
        types = mock.get(f"{BASE_URL}/report-types").respond(status, json={"message": "no"})
        create = mock.post(BASE_URL).respond(201, json={"id": "42", "status": "IN_PROGRESS"})
        async with mocked_analytics(mock) as client:
            with caplog.at_level(logging.WARNING, logger="eightbyeight_async"):
                job = await client.analytics.create_report(
                    type=QUEUE_REPORT,
                    title="No catalogue",
                    start=dt.date(2025, 3, 1),
                    end=dt.date(2025, 3, 2),
                    granularity="day",
                    group_by="queue",
                )
    assert (job.id, types.call_count, create.call_count) == ("42", 1, 1)
    warned = [r for r in caplog.records if r.name == "eightbyeight_async"]
    assert [r.levelno for r in warned] == [logging.WARNING]
    assert "report types unavailable" in warned[0].getMessage()


@pytest.mark.parametrize("status", [401, 500])
async def test_other_report_types_errors_still_raise(status: int) -> None:
    with respx.mock(assert_all_called=False) as mock:
        mock.get(f"{BASE_URL}/report-types").respond(status, json={"message": "no"})
        create = mock.post(BASE_URL).respond(201, json={"id": "42", "status": "IN_PROGRESS"})
        async with mocked_analytics(mock) as client:
            with pytest.raises(APIStatusError) as caught:
                await client.analytics.create_report(
                    type=QUEUE_REPORT,
                    title="Broken catalogue",
                    start=dt.date(2025, 3, 1),
                    end=dt.date(2025, 3, 2),
                    granularity="day",
                    group_by="queue",
                )
    assert caught.value.status_code == status
    assert create.call_count == 0
