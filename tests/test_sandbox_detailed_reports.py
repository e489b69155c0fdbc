"""The sandbox's v8 analytics additions on the raw wire (httpx, no SDK): detailed reports
(synchronous creation, cursor pages and their headers, value shapes, validation, FAILED and
the array body), report details (`GET /{id}`), script paths (CSV only), the v8 catalogue and
metrics, search filtering, agreement with the summary reports, and v7 left as it was."""

from __future__ import annotations

import csv
import datetime as dt
import io
import math
import re
from collections.abc import AsyncIterator, Callable
from typing import Any

import anyio
import httpx
import pytest

from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.anyio

INTERACTIONS = "detailed-reports-interaction-details"
STATUS_CHANGES = "detailed-reports-agent-status-change"
V8 = "/analytics/cc/v8/historical-metrics"
V7 = "/analytics/cc/v7/historical-metrics"
LINK = re.compile(r'^<(?P<url>[^>]+)>; rel="(?P<rel>[a-z]+)"$')
CLOCK = re.compile(r"^[0-9]+:[0-9]{2}:[0-9]{2}$")


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 5, "days": 4, "interactions_per_day": 50}


@pytest.fixture
async def api(sb: Sandbox) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client for `sb` holding a bearer token from the OAuth endpoint."""
    credentials = sb.credentials
    async with httpx.AsyncClient(base_url=sb.api_base_url) as client:
        answer = await client.post(
            "/oauth/v2/token",
            auth=(credentials.analytics_client_id, credentials.analytics_secret),
            data={"grant_type": "client_credentials"},
        )
        client.headers["Authorization"] = f"Bearer {answer.json()['access_token']}"
        yield client


def whole_range(sb: Sandbox) -> tuple[str, str]:
    """A range covering every generated interaction, reaching past the tenant's now."""
    end = sb.tenant.now + dt.timedelta(hours=1)
    return (end - dt.timedelta(days=6)).isoformat(), end.isoformat()


def body(sb: Sandbox, **overrides: Any) -> dict[str, Any]:
    start, end = whole_range(sb)
    settings: dict[str, Any] = {
        "type": INTERACTIONS,
        "title": "Detailed (all) v8_export-1.*'",
        "dateRange": {"start": start, "end": end},
        "timezone": "UTC",
    }
    return {**settings, **overrides}


async def create(api: httpx.AsyncClient, document: dict[str, Any]) -> Any:
    """The body of a successful `POST /detailed-reports` (an object, or the array form)."""
    answer = await api.post(f"{V8}/detailed-reports", json=document)
    assert answer.status_code == 200, answer.text
    return answer.json()


async def until_done(api: httpx.AsyncClient, report_id: int) -> httpx.Response:
    """Poll a summary report's status until DONE; its last status answer."""
    for _ in range(500):
        status = await api.get(f"{V8}/{report_id}/status")
        if status.json()["status"] == "DONE":
            return status
        await anyio.sleep(0.01)
    raise AssertionError(f"report {report_id} never finished")


async def read_all(
    api: httpx.AsyncClient, report_id: int, size: int = 100
) -> tuple[list[dict[str, Any]], list[httpx.Response]]:
    """Every row by following the `Link rel="next"` headers, and each page's answer."""
    url = f"{V8}/detailed-reports/{report_id}/data?size={size}"
    rows: list[dict[str, Any]] = []
    answers = []
    for _ in range(1000):  # a page that always links on would fail, not hang
        answer = await api.get(url)
        assert answer.status_code == 200, answer.text
        answers.append(answer)
        rows.extend(answer.json())
        link = answer.headers.get("link")
        if link is None:
            return rows, answers
        found = LINK.match(link)
        assert found is not None
        assert found["rel"] == "next"
        url = found["url"]
    raise AssertionError("the pages never ended")


def values(row: dict[str, Any]) -> dict[str, Any]:
    return {item["key"]: item["value"] for item in row["items"]}


async def test_v8_catalogue_lists_detailed_types_script_paths_and_new_metrics(
    api: httpx.AsyncClient,
) -> None:
    types = {t["type"]: t for t in (await api.get(f"{V8}/report-types")).json()}
    detailed = (await api.get(f"{V8}/report-types/{INTERACTIONS}")).json()
    assert detailed == types[INTERACTIONS]
    assert len(detailed["metrics"]) == len(set(detailed["metrics"])) == 95
    assert {"customerEmail", "journeyId", "participantParkDuration", "subject"} <= set(
        detailed["metrics"]
    )
    operators = ["=", "!=", ">", ">=", "<=", "<", "contains", "not-in", "in"]
    assert detailed["searchQuery"]["operators"] == [*operators, "is-empty", "is-not-empty"]
    assert len(types[STATUS_CHANGES]["metrics"]) == 14
    assert types["script-paths"]["searchQuery"] == {
        "fields": ["script", "queue", "agent", "channel"],
        "operators": ["in"],
    }
    new = {"parked", "assignedInteractions", "avgFocusTime", "focusTime", "parkDuration"}
    assert new <= set(types["queue-interactions-summary"]["metrics"])
    old = {t["type"]: t for t in (await api.get(f"{V7}/report-types")).json()}
    assert set(old) == {"agent-interactions-summary", "queue-interactions-summary"}
    assert not new & set(old["queue-interactions-summary"]["metrics"])


async def test_cursor_pages_carry_every_truth_row_once_with_the_documented_headers(
    api: httpx.AsyncClient, sb: Sandbox
) -> None:
    document = body(sb)
    answer = await api.post(f"{V8}/detailed-reports", json=document)
    created = answer.json()
    assert set(created) == {"id", "status"}
    assert created["status"] == "DONE"
    assert isinstance(created["id"], int)
    link = LINK.match(answer.headers["link"])
    assert link is not None
    assert link["rel"] == "data"
    assert link["url"].endswith(f"{V8}/detailed-reports/{created['id']}/data?size=100")
    rows, answers = await read_all(api, created["id"], size=37)
    start, end = whole_range(sb)
    expected = sb.truth.detailed_rows(INTERACTIONS, start=start, end=end, timezone="UTC")
    assert rows == expected
    assert [values(r)["interactionId"] for r in rows] == sb.truth.interaction_ids(start, end)
    assert len(answers) == math.ceil(len(expected) / 37) > 2
    assert "lastDocumentId" not in str(answers[0].request.url)
    for page, answer in enumerate(answers):
        assert answer.headers["x-page-size"] == "37"
        assert answer.headers["x-total-elements"] == str(len(expected))
        assert answer.headers["x-total-pages"] == str(len(answers))
        last = page == len(answers) - 1
        assert ("link" in answer.headers) is not last
        assert ("last-document-id" in answer.headers) is not last
        if not last:
            cursor = answer.headers["last-document-id"]
            assert f"size=37&lastDocumentId={cursor}" in answer.headers["link"]
            assert answers[page + 1].request.url.params["lastDocumentId"] == cursor


async def test_page_size_limits_and_bad_cursors_are_400(
    api: httpx.AsyncClient, sb: Sandbox
) -> None:
    first = (await create(api, body(sb)))["id"]
    other = (await create(api, body(sb)))["id"]
    data = f"{V8}/detailed-reports/{first}/data"
    for size in ("0", "1001", "ten", "-1"):
        answer = await api.get(data, params={"size": size})
        assert answer.status_code == 400
        assert "size" in answer.json()["message"]
    assert (await api.get(data)).headers["x-page-size"] == "100"
    whole = await api.get(data, params={"size": 1000})
    assert "link" not in whole.headers
    assert len(whole.json()) > 100
    foreign = await api.get(f"{V8}/detailed-reports/{other}/data", params={"size": 5})
    for cursor in ("!!garbled!!", "Zm9vYmFy", foreign.headers["last-document-id"]):
        answer = await api.get(data, params={"size": 5, "lastDocumentId": cursor})
        assert answer.status_code == 400, cursor
        assert "lastDocumentId" in answer.json()["message"]
    assert (await api.get(f"{V8}/detailed-reports/999/data")).status_code == 404


async def test_every_value_shape_and_the_older_duration_text(
    api: httpx.AsyncClient, sb: Sandbox
) -> None:
    created = await create(api, body(sb, includeParticipants=True))
    rows, _ = await read_all(api, created["id"], size=1000)
    shapes: set[str] = set()
    for row in rows:
        assert row["total"] is None
        for item in row["items"]:
            value = item["value"]
            if isinstance(value, dict):
                assert set(value) == {"value", "ongoing"}
                shape = "ongoing" if value["ongoing"] else "finished"
                if item["key"].endswith("Duration") and not value["ongoing"]:
                    assert isinstance(value["value"], int)
                    shape = "ms"
                shapes.add(shape)
            else:
                shapes.add(type(value).__name__)
    assert {"str", "list", "NoneType", "ms", "finished", "ongoing"} <= shapes
    handled = [values(r) for r in rows if values(r)["participantId"]]
    assert handled, "some interaction has an agent participant"
    for row in handled:
        assert [p["participantId"] for p in row["participants"]] == row["participantId"]
        for participant in row["participants"]:
            assert not any(isinstance(v, (dict, list)) for v in participant.values())
    assert any(len(r["participantId"]) == 2 for r in handled)
    assert all(isinstance(r["interactionLabels"], list) for r in map(values, rows))
    sb.analytics.duration_text = True
    text_rows, _ = await read_all(api, created["id"], size=1000)
    start, end = whole_range(sb)
    expected = sb.truth.detailed_rows(
        start=start, end=end, include_participants=True, duration_text=True
    )
    assert text_rows == expected
    wait = [values(r)["waitDuration"]["value"] for r in text_rows]
    assert all(isinstance(w, str) and CLOCK.match(w) for w in wait)
    talk = next(values(r) for r in text_rows if values(r)["participantId"])
    assert CLOCK.match(talk["participants"][-1]["talkDuration"])


@pytest.mark.parametrize(
    ("overrides", "named"),
    [
        ({"title": "no/slashes"}, "title"),
        ({"type": "queue-interactions-summary"}, "type"),
        ({"intraDayTimeRange": {"start": "08:00:00", "end": "08:04:59"}}, "5 minutes"),
        ({"intraDayTimeRange": {"start": "8:00", "end": "09:00:00"}}, "hh:mm:ss"),
        ({"dateRange": {"start": "2024-06-02T00:00:00Z", "end": "2024-06-01T00:00:00Z"}}, "end"),
        ({"dateRange": {"start": "yesterday", "end": "2024-06-01T00:00:00Z"}}, "ISO"),
        ({"timezone": "Mars/Olympus"}, "timezone"),
        ({"metrics": ["interactionId", "fooDuration"]}, "fooDuration"),
        ({"searchQuery": [{"field": "queueId", "operator": "~", "value": "1"}]}, "operator"),
        ({"searchQuery": [{"field": "nope", "operator": "=", "value": "1"}]}, "nope"),
        ({"searchQuery": [{"field": "waitDuration", "operator": ">", "value": "10x"}]}, "10s"),
        ({"searchQuery": [{"field": "queueId", "operator": "="}]}, "value"),
        ({"type": STATUS_CHANGES, "includeParticipants": True}, "includeParticipants"),
        ({"reportSettings": {"showOngoingInteractions": "maybe"}}, "showOngoing"),
    ],
)
async def test_invalid_bodies_are_400_naming_the_rule(
    api: httpx.AsyncClient, sb: Sandbox, overrides: dict[str, Any], named: str
) -> None:
    answer = await api.post(f"{V8}/detailed-reports", json=body(sb, **overrides))
    assert answer.status_code == 400
    assert answer.json()["status"] == 400
    assert named in answer.json()["message"]


async def test_intraday_windows_of_five_minutes_and_across_midnight_filter_rows(
    api: httpx.AsyncClient, sb: Sandbox
) -> None:
    short = {"start": "10:00:00", "end": "10:05:00"}
    assert (await create(api, body(sb, intraDayTimeRange=short)))["status"] == "DONE"
    night = {"start": "22:00:00", "end": "02:00:00"}
    created = await create(api, body(sb, intraDayTimeRange=night))
    rows, _ = await read_all(api, created["id"])
    hours = {dt.datetime.fromisoformat(values(r)["startTime"]).hour for r in rows}
    assert rows
    assert hours <= {22, 23, 0, 1}
    start, end = whole_range(sb)
    assert rows == sb.truth.detailed_rows(start=start, end=end, intraday=("22:00:00", "02:00:00"))


async def test_failed_on_demand_and_the_array_body(api: httpx.AsyncClient, sb: Sandbox) -> None:
    sb.analytics.fail_detailed = 1
    answer = await api.post(f"{V8}/detailed-reports", json=body(sb))
    failed = answer.json()
    assert failed["status"] == "FAILED"
    assert failed["reason"]
    assert "link" not in answer.headers
    data = await api.get(f"{V8}/detailed-reports/{failed['id']}/data")
    assert data.status_code == 400
    assert "FAILED" in data.json()["message"]
    assert (await create(api, body(sb)))["status"] == "DONE"  # only the next one failed
    sb.analytics.detailed_body_as_array = True
    sb.analytics.fail_detailed = 1
    (failed_item,) = await create(api, body(sb))
    assert set(failed_item) == {"id", "reason", "status"}
    assert failed_item["status"] == "FAILED"
    answer = await api.post(f"{V8}/detailed-reports", json=body(sb))
    assert answer.json() == [{"id": failed_item["id"] + 1, "reason": None, "status": "DONE"}]
    assert answer.headers["link"].endswith('/data?size=100>; rel="data"')
    sb.analytics.reset()
    assert sb.analytics.fail_detailed == 0
    assert not sb.analytics.detailed_body_as_array


async def test_report_details_echo_the_request_with_a_string_id(
    api: httpx.AsyncClient, sb: Sandbox
) -> None:
    document = body(sb, metrics=["startTime", "queueName"], reportSettings={})
    created = await create(api, document)
    details = (await api.get(f"{V8}/{created['id']}")).json()
    assert details == {**document, "id": str(created["id"])}
    start, end = whole_range(sb)
    summary_body = {
        "type": "queue-interactions-summary",
        "title": "Summary",
        "dateRange": {"start": start, "end": end},
        "granularity": "day",
        "groupBy": {"name": "queue"},
    }
    summary = (await api.post(V8, json=summary_body)).json()
    assert (await api.get(f"{V8}/{summary['id']}")).json() == {
        **summary_body,
        "id": str(summary["id"]),
    }
    assert (await api.get(f"{V7}/{summary['id']}")).status_code == 404
    assert (await api.get(f"{V8}/12345")).status_code == 404


@pytest.mark.parametrize(
    "field",
    ["groupBy", "granularity", "metrics", "includeSubTotal", "includeGrandTotal",
     "includeParticipants"],
)  # fmt: skip
async def test_script_paths_refuse_the_summary_options(
    api: httpx.AsyncClient, sb: Sandbox, field: str
) -> None:
    start, end = whole_range(sb)
    document = {"type": "script-paths", "title": "Paths", "dateRange": {"start": start, "end": end}}
    answer = await api.post(V8, json={**document, field: False})
    assert answer.status_code == 400
    assert field in answer.json()["message"]


async def test_script_paths_are_a_csv_download_only(api: httpx.AsyncClient, sb: Sandbox) -> None:
    sb.analytics.delay = 0.0
    start, end = whole_range(sb)
    document: dict[str, Any] = {
        "type": "script-paths",
        "title": "Paths",
        "dateRange": {"start": start, "end": end},
    }
    bad = [{"field": "queue", "operator": "=", "value": ["101"]}]
    assert (await api.post(V8, json={**document, "searchQuery": bad})).status_code == 400
    bad = [{"field": "media", "operator": "in", "value": ["Phone"]}]
    assert (await api.post(V8, json={**document, "searchQuery": bad})).status_code == 400
    assert (await api.post(V7, json=document)).status_code == 400  # a v8 type
    query = [{"field": "queue", "operator": "in", "value": ["101"]}]
    created = (await api.post(V8, json={**document, "searchQuery": query})).json()
    status = await until_done(api, created["id"])
    assert 'rel="data"' not in status.headers["link"]
    data = await api.get(f"{V8}/{created['id']}/data")
    assert data.status_code == 400
    assert "CSV" in data.json()["message"]
    xlsx = await api.get(f"{V8}/{created['id']}/download", headers={"Accept": "text/xlsx"})
    assert xlsx.status_code == 406
    download = await api.get(f"{V8}/{created['id']}/download", headers={"Accept": "text/csv"})
    lines = list(csv.reader(io.StringIO(download.text)))
    assert lines[0][:4] == ["Interaction ID", "Start Time", "Script", "Script Path"]
    truth = sb.truth.analytics_rows(created["id"])
    assert len(lines) - 1 == len(truth) > 0
    assert {line[6] for line in lines[1:]} == {"101"}


async def test_search_queries_really_filter_and_combine_with_and(
    api: httpx.AsyncClient, sb: Sandbox
) -> None:
    start, end = whole_range(sb)
    everything = sb.truth.detailed_rows(start=start, end=end)
    queue = next(values(r)["queueId"] for r in everything if values(r)["queueId"])
    searches: list[list[dict[str, Any]]] = [
        [{"field": "queueId", "operator": "=", "value": queue}],
        [{"field": "agentId", "operator": "is-empty"}],
        [{"field": "mediaType", "operator": "in", "value": ["Chat", "Email"]}],
        [{"field": "mediaType", "operator": "not-in", "value": ["Phone"]}],
        [{"field": "customerName", "operator": "contains", "value": "smith"}],
        [{"field": "waitDuration", "operator": ">", "value": "1m"}],
        [
            {"field": "mediaType", "operator": "=", "value": "Phone"},
            {"field": "talkDuration", "operator": "<=", "value": "5m"},
        ],
    ]
    for search in searches:
        created = await create(api, body(sb, searchQuery=search))
        rows, _ = await read_all(api, created["id"], size=1000)
        assert rows == sb.truth.detailed_rows(start=start, end=end, search=search)
        assert 0 < len(rows) < len(everything), search
    phone_short = [values(r) for r in rows]
    assert all(v["mediaType"] == "Phone" and v["talkDuration"]["value"] <= 300_000
               for v in phone_short)  # fmt: skip


async def test_detailed_rows_agree_with_the_summary_reports(
    api: httpx.AsyncClient, sb: Sandbox
) -> None:
    sb.analytics.delay = 0.0
    start, end = whole_range(sb)
    queued = [{"field": "queueId", "operator": "is-not-empty"}]
    detailed = [values(r) for r in sb.truth.detailed_rows(start=start, end=end, search=queued)]
    summary_body = {
        "type": "queue-interactions-summary",
        "title": "Totals",
        "dateRange": {"start": start, "end": end},
        "granularity": "none",
        "groupBy": {"name": "queue"},
        "includeGrandTotal": True,
        "metrics": ["presented", "parked", "parkDuration", "focusTime"],
    }
    created = (await api.post(V8, json=summary_body)).json()
    await until_done(api, created["id"])
    page = (await api.get(f"{V8}/{created['id']}/data", params={"size": 1000})).json()
    total = values(page[-1])
    assert int(total["presented"]) == len(detailed)
    assert int(total["parked"]) == sum(v["parkCount"] != "0" for v in detailed) > 0
    parked_ms = sum(v["parkDuration"]["value"] for v in detailed if v["parkDuration"])
    assert int(total["parkDuration"]) * 1000 == parked_ms
    focus_ms = sum(v["focusDuration"]["value"] for v in detailed if v["focusDuration"])
    assert int(total["focusTime"]) * 1000 == focus_ms
    v7_body = {**summary_body, "metrics": ["presented", "parked"]}
    assert (await api.post(V7, json=v7_body)).status_code == 400


async def test_agent_status_changes_page_like_interactions(
    api: httpx.AsyncClient, sb: Sandbox
) -> None:
    created = await create(api, body(sb, type=STATUS_CHANGES, metrics=["status"]))
    rows, _ = await read_all(api, created["id"], size=250)
    start, end = whole_range(sb)
    assert rows == sb.truth.detailed_rows(STATUS_CHANGES, start=start, end=end, metrics=["status"])
    assert len(rows) == len(sb.tenant.statuses)
    assert [i["key"] for i in rows[0]["items"]] == ["eventId", "status"]
    last = values(rows[-1])
    assert last == {"eventId": last["eventId"], "status": last["status"]}


async def test_faults_hit_only_the_report_they_name_and_v7_has_no_detailed_reports(
    api: httpx.AsyncClient, sb: Sandbox
) -> None:
    hit = (await create(api, body(sb)))["id"]
    spared = (await create(api, body(sb)))["id"]
    sb.faults.status(f"*/detailed-reports/{hit}/data", 503, count=1)
    assert (await api.get(f"{V8}/detailed-reports/{spared}/data")).status_code == 200
    assert (await api.get(f"{V8}/detailed-reports/{hit}/data")).status_code == 503
    assert (await api.get(f"{V8}/detailed-reports/{hit}/data")).status_code == 200
    assert (await api.post(f"{V7}/detailed-reports", json=body(sb))).status_code == 404


def test_thirty_one_day_slices_deliver_every_interaction_exactly_once(
    sandbox_factory: Callable[..., Sandbox],
) -> None:
    sb = sandbox_factory(days=30, interactions_per_day=100)
    token = sb.tokens.issue()
    first = dt.datetime(2024, 5, 4, tzinfo=dt.timezone.utc)
    seen: list[str] = []
    with httpx.Client(
        base_url=sb.api_base_url, headers={"Authorization": f"Bearer {token}"}
    ) as api:
        for day in range(31):
            start, end = first + dt.timedelta(days=day), first + dt.timedelta(days=day + 1)
            document = {
                "type": INTERACTIONS,
                "title": f"Day {day}",
                "dateRange": {"start": start.isoformat(), "end": end.isoformat()},
                "timezone": "UTC",
                "metrics": ["interactionId"],
            }
            report = api.post(f"{V8}/detailed-reports", json=document).json()["id"]
            url: str | None = f"{V8}/detailed-reports/{report}/data?size=40"
            ids: list[str] = []
            while url is not None:
                answer = api.get(url)
                ids.extend(values(r)["interactionId"] for r in answer.json())
                found = LINK.match(answer.headers.get("link", ""))
                url = found["url"] if found else None
            assert ids == sb.truth.interaction_ids(start, end)
            seen.extend(ids)
        assert len(seen) == len(set(seen)) == len(sb.tenant.interactions) > 2500
        statuses = {
            "type": STATUS_CHANGES,
            "title": "Every status change",
            "dateRange": {"start": first.isoformat(), "end": end.isoformat()},
        }
        report = api.post(f"{V8}/detailed-reports", json=statuses).json()["id"]
        answer = api.get(f"{V8}/detailed-reports/{report}/data?size=1000")
        total = int(answer.headers["x-total-elements"])
        assert total == len(sb.tenant.statuses) > 10_000  # no 10,000-row cap
        assert answer.headers["x-total-pages"] == str(math.ceil(total / 1000))
