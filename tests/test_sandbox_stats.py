"""The sandbox's statistics API over raw HTTP: every documented path, format, page, date range,
time zone and query variable, checked against the tenant's raw records computed here, not
through the server's own listers (only the format test compares with `sb.expected`)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest

from eightbyeight_async._formats import decode_body, unwrap_collection
from eightbyeight_async.sandbox import Sandbox, StatsQueryError, TenantSpec, generate_tenant
from eightbyeight_async.sandbox.services._stats import ROUTES
from eightbyeight_async.sandbox.tenant._entities import ONLINE_BUCKETS, Record

TENANT_ZONE = ZoneInfo("America/Los_Angeles")
QUEUED_TYPES = ("", "Web Callback")
DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 3, "agents": 10, "days": 8, "interactions_per_day": 120}


@pytest.fixture
def sb(shared_sandbox: Sandbox) -> Sandbox:
    """The module's sandbox without the reset between tests: these tests only read the
    statistics API, which has no state to change (no faults, no controls are set here)."""
    return shared_sandbox


@pytest.fixture(scope="module")
def http(shared_sandbox: Sandbox) -> Iterator[httpx.Client]:
    sb = shared_sandbox
    auth = (sb.tenant_name, sb.credentials.data_token)
    with httpx.Client(base_url=f"{sb.base_url}/api/stats/", auth=auth) as client:
        yield client


# --- ground truth, computed independently from the raw tenant ---------------------------------


def at(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def today(sb: Sandbox) -> dt.date:
    return sb.tenant.now.astimezone(TENANT_ZONE).date()


def everything(sb: Sandbox) -> str:
    """A `d=` covering every generated record."""
    return f"{today(sb) - 12 * DAY},{today(sb) + DAY}"


def midnight(day: dt.date, zone: ZoneInfo = TENANT_ZONE) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def full_span(sb: Sandbox) -> tuple[dt.datetime, dt.datetime]:
    """The instants `everything(sb)` selects."""
    return midnight(today(sb) - 12 * DAY), midnight(today(sb) + DAY)


def within(records: list[Record], field: str, start: dt.datetime, end: dt.datetime) -> list[Record]:
    """The records whose `field` is in [start, end), in time order (stable)."""
    selected = [r for r in records if r[field] and start <= at(r[field]) < end]
    return sorted(selected, key=lambda r: at(r[field]))


def queued(sb: Sandbox) -> list[Record]:
    return [
        r for r in sb.tenant.interactions if r["queue-id"] and r["interaction-type"] in QUEUED_TYPES
    ]


def busiest(records: tuple[Record, ...] | list[Record], field: str) -> str:
    return Counter(r[field] for r in records if r[field]).most_common(1)[0][0]


def ids(sb: Sandbox) -> dict[str, str]:
    """An id with records behind it for every path; SLAs need a queue of the right medium."""
    tenant = sb.tenant
    agent = busiest(tenant.outbound_calls, "agent-id")
    online = next(q["queue-id"] for q in tenant.queues if q["media-type"] == "T")
    offline = next(q["queue-id"] for q in tenant.queues if q["media-type"] == "Z")
    return {
        "agents": agent,
        "groups": next(a["group-id"] for a in tenant.agents if a["agent-id"] == agent),
        "queues": online,
        "channels": str(int(online) + 400),
        "campaigns": busiest(tenant.interactions, "campaign-id"),
        "offline-queues": offline,
        "offline-channels": str(int(offline) + 400),
    }


def concrete(path: str, known: dict[str, str]) -> str:
    kind = path.split("/")[0]
    if path.endswith("offline_slas"):
        kind = f"offline-{kind}"
    return path.replace("{id}", known.get(kind, ""))


def records(
    http: httpx.Client, path: str, fmt: str = "json", **params: Any
) -> list[dict[str, Any]]:
    """The records of one page, decoded; fails on a non-200."""
    response = http.get(f"{path}.{fmt}", params=params)
    assert response.status_code == 200, response.text
    document = decode_body(response.content, fmt)  # type: ignore[arg-type]
    if fmt == "csv":
        return list(document)
    route = next(r for r in ROUTES if r.pattern.fullmatch(path))
    entity = route.view.entity
    return unwrap_collection(document, entity.plural, entity.singular)


def every_page(http: httpx.Client, path: str, **params: Any) -> list[dict[str, Any]]:
    pages, offset = [], 1
    while True:
        page = records(http, path, n=offset, **params)
        pages.append(page)
        if len(page) < 50:
            return [record for page in pages for record in page]
        offset += 50


def normal(value: Any) -> Any:
    """XML gives None for an empty element; the server's strings give ""."""
    if isinstance(value, dict):
        return {k: normal(v) for k, v in value.items()}
    return "" if value is None else value


def flat(record: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for name, value in record.items():
        if isinstance(value, dict):
            out |= {f"{name}-{k}": v for k, v in value.items()}
        else:
            out[name] = value
    return out


# --- every path, every format -------------------------------------------------------------


@pytest.mark.parametrize("route", ROUTES, ids=[r.path for r in ROUTES])
def test_every_path_answers_in_every_format_with_the_documented_elements(
    sb: Sandbox, http: httpx.Client, route: Any
) -> None:
    path = concrete(route.path, ids(sb))
    entity = route.view.entity
    wanted = sb.truth.stats(path, d=everything(sb))
    assert wanted, f"{path} should list records for this test to mean anything"
    page = wanted[:50]
    for record in page:
        assert list(record) == list(entity.fields)
    xml = http.get(path, params={"d": everything(sb)})  # no suffix: XML
    assert xml.headers["content-type"].startswith("application/xml")
    assert xml.text.startswith(f"<?xml version='1.0'  encoding='UTF-8' ?>\n<{entity.plural}>")
    assert f"<{entity.singular}>" in xml.text
    for fmt in ("xml", "json"):
        got = records(http, path, fmt, d=everything(sb))
        assert [normal(r) for r in got] == page, fmt
    csv = http.get(f"{path}.csv", params={"d": everything(sb)})
    assert csv.headers["content-type"].startswith("text/csv")
    assert csv.text.splitlines()[0] == ",".join(entity.columns)
    assert records(http, path, "csv", d=everything(sb)) == [flat(r) for r in page]


@pytest.mark.parametrize("path", ["interactions", "allinteractions"])
def test_a_trailing_slash_names_the_same_listing(http: httpx.Client, path: str) -> None:
    plain = records(http, path, "xml", d="today-1d")
    slashed = http.get(f"{path}/", params={"d": "today-1d"})  # as documented, XML
    assert slashed.status_code == 200
    document = decode_body(slashed.content, "xml")
    assert plain
    assert unwrap_collection(document, "interactions", "interaction") == plain
    suffixed = http.get(f"{path}/.json", params={"d": "today-1d"})
    assert len(suffixed.json()["interactions"]["interaction"]) == len(plain)


def test_escaped_values_survive_every_format(sb: Sandbox, http: httpx.Client) -> None:
    codes = sb.tenant.transaction_codes
    assert any("<" in r["tcl-item-report-text"] for r in codes)
    assert any("," in r["tcl-item-report-text"] for r in codes)
    assert any("é" in r["tcl-item-report-text"] for r in codes)
    for fmt in ("xml", "json", "csv"):
        assert [normal(r) for r in records(http, "tcls", fmt)] == list(codes)


# --- paging -------------------------------------------------------------------------------


def test_pages_of_fifty_from_the_one_based_offset_cover_the_listing_once(
    sb: Sandbox, http: httpx.Client
) -> None:
    truth = within(list(sb.tenant.interactions), "create-timestamp", *full_span(sb))
    assert len(truth) > 250
    exported = every_page(http, "allinteractions", d=everything(sb))
    assert [r["interaction-id"] for r in exported] == [r["interaction-id"] for r in truth]
    middle = records(http, "allinteractions", d=everything(sb), n=77)
    assert [r["interaction-id"] for r in middle] == [r["interaction-id"] for r in truth[76:126]]


def test_an_offset_past_the_end_is_an_empty_page(http: httpx.Client) -> None:
    response = http.get("allinteractions.json", params={"d": "today", "n": 100_000})
    assert response.json() == {"interactions": {"interaction": []}}
    xml = http.get("allinteractions.xml", params={"d": "today", "n": 100_000})
    assert unwrap_collection(decode_body(xml.content, "xml"), "interactions", "interaction") == []


# --- dates --------------------------------------------------------------------------------

DATED = [
    ("allinteractions", None, "create-timestamp", "interactions"),
    ("interactions", None, "create-timestamp", "queued"),
    ("agents/{id}/interactions", "agents", "accept-timestamp", "accepted"),
    ("agents/{id}/activities", "agents", "trans-accept-time", "activities"),
    ("agents/{id}/statuses", "agents", "event-time", "statuses"),
    ("agents/{id}/outboundcalls", "agents", "start-time", "outbound_calls"),
]


def raw_listing(sb: Sandbox, source: str, agent: str) -> list[Record]:
    if source == "queued":
        return queued(sb)
    if source == "accepted":
        return [r for r in queued(sb) if r["agent-id"] == agent]
    rows: tuple[Record, ...] = getattr(sb.tenant, source)
    return [r for r in rows if source == "interactions" or r["agent-id"] == agent]


def key_of(record: dict[str, Any]) -> tuple[str, ...]:
    return tuple(str(v) for k, v in record.items() if "time" in k or k.endswith("-id"))


def la(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=TENANT_ZONE)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize(
    ("d", "start", "end"),
    [
        ("2024-05-30", la(2024, 5, 30), la(2024, 5, 31)),
        ("2024-05-29,2024-06-01", la(2024, 5, 29), la(2024, 6, 1)),
        ("2024-05-30 13:15Z,2024-05-31 14:30Z", utc(2024, 5, 30, 13, 15), utc(2024, 5, 31, 14, 30)),
        ("20240530T1315Z,20240531T1430Z", utc(2024, 5, 30, 13, 15), utc(2024, 5, 31, 14, 30)),
        ("today", la(2024, 6, 3), la(2024, 6, 4)),
        ("today-1d", la(2024, 6, 2), la(2024, 6, 3)),
        ("today-3d,today", la(2024, 5, 31), la(2024, 6, 3)),
    ],
)
@pytest.mark.parametrize(("path", "kind", "field", "source"), DATED, ids=[p[0] for p in DATED])
def test_d_selects_exactly_the_records_in_its_range(
    sb: Sandbox,
    http: httpx.Client,
    path: str,
    kind: str | None,
    field: str,
    source: str,
    d: str,
    start: dt.datetime,
    end: dt.datetime,
) -> None:
    assert today(sb) == dt.date(2024, 6, 3)  # the tenant's fixed "now" (10:00 in Los Angeles)
    agent = ids(sb)["agents"]
    truth = within(raw_listing(sb, source, agent), field, start, end)
    got = every_page(http, path.replace("{id}", agent), d=d)
    assert len(got) == len(truth)
    assert [r[field] for r in got] == [r[field] for r in truth]
    if source in ("interactions", "queued", "accepted"):
        assert [r["interaction-id"] for r in got] == [r["interaction-id"] for r in truth]


def test_without_d_a_dated_listing_is_today(sb: Sandbox, http: httpx.Client) -> None:
    start = midnight(today(sb))
    truth = within(list(sb.tenant.interactions), "create-timestamp", start, start + DAY)
    assert truth
    got = every_page(http, "allinteractions")
    assert [r["interaction-id"] for r in got] == [r["interaction-id"] for r in truth]


@pytest.mark.parametrize("zone", ["UTC", "Asia/Tokyo", "America/New_York"])
def test_tz_moves_the_day_boundary(sb: Sandbox, http: httpx.Client, zone: str) -> None:
    day = dt.date(2024, 5, 31)
    start = midnight(day, ZoneInfo(zone))
    truth = within(list(sb.tenant.interactions), "create-timestamp", start, start + DAY)
    in_zone = every_page(http, "allinteractions", d=day.isoformat(), tz=zone)
    in_tenant_zone = every_page(http, "allinteractions", d=day.isoformat())
    assert [r["interaction-id"] for r in in_zone] == [r["interaction-id"] for r in truth]
    assert {r["interaction-id"] for r in in_zone} != {r["interaction-id"] for r in in_tenant_zone}
    relative = every_page(http, "allinteractions", d="today-3d", tz=zone)  # today in `zone`
    local_today = sb.tenant.now.astimezone(ZoneInfo(zone)).date()
    start = midnight(local_today - 3 * DAY, ZoneInfo(zone))
    truth = within(list(sb.tenant.interactions), "create-timestamp", start, start + DAY)
    assert [r["interaction-id"] for r in relative] == [r["interaction-id"] for r in truth]


# --- query variables ----------------------------------------------------------------------


def test_query_variables_filter_on_any_field_of_the_record(sb: Sandbox, http: httpx.Client) -> None:
    span = full_span(sb)
    phone = [r for r in queued(sb) if r["media-type"] == "Phone"]
    got = every_page(http, "interactions", d=everything(sb), **{"media-type": "T"})
    assert [r["interaction-id"] for r in got] == [
        r["interaction-id"] for r in within(phone, "create-timestamp", *span)
    ]
    daa = [r for r in sb.tenant.interactions if r["interaction-type"] == "DAA"]
    got = every_page(http, "allinteractions", d=everything(sb), **{"interaction-type": "DAA"})
    assert daa
    assert [r["interaction-id"] for r in got] == [r["interaction-id"] for r in daa]


def test_a_repeated_query_variable_matches_any_of_its_values(
    sb: Sandbox, http: httpx.Client
) -> None:
    chosen = {"Phone Queue 1", "Email Queue 3"}
    params: list[tuple[str, str | int | float | bool | None]] = [("d", "today-1d")]
    params += [("queue-name", name) for name in sorted(chosen)]
    response = http.get("interactions.json", params=params)
    assert {r["queue-name"] for r in response.json()["interactions"]["interaction"]} == chosen
    unfiltered = records(http, "interactions", d="today-1d")
    assert {r["queue-name"] for r in unfiltered} > chosen


def test_the_documents_agent_example_filters_on_media_type_and_queue_id(
    sb: Sandbox, http: httpx.Client
) -> None:
    queue = ids(sb)["queues"]
    agent = busiest([r for r in queued(sb) if r["queue-id"] == queue], "agent-id")
    mine = [r for r in queued(sb) if r["agent-id"] == agent]
    truth = [r for r in mine if r["media-type"] == "Phone" and r["queue-id"] == queue]
    params = {"d": everything(sb), "media-type": "T", "queue-id": queue}
    got = every_page(http, f"agents/{agent}/interactions", **params)
    assert truth
    assert len(truth) < len(mine)
    assert [r["interaction-id"] for r in got] == [r["interaction-id"] for r in truth]


def test_unknown_query_variable_is_400(http: httpx.Client) -> None:
    response = http.get("allinteractions.json", params={"media_type": "Phone"})
    assert response.status_code == 400
    assert "media_type" in response.text


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"n": "0"},
        {"n": "²"},
        {"d": "yesterday"},
        {"d": "2024-02-30"},
        {"d": "2024-06-03,2024-06-01"},
        {"d": "2024-01-01,2024-01-02,2024-01-03"},
        {"d": "9999-12-31"},  # its end is past datetime.max
        {"d": "0001-01-01", "tz": "Asia/Tokyo"},  # its start is before datetime.min in UTC
        {"tz": "Mars/Olympus_Mons"},
        {"tz": ""},
    ],
)
def test_bad_syntax_is_400(http: httpx.Client, params: dict[str, str]) -> None:
    assert http.get("allinteractions.json", params=params).status_code == 400


def test_d_and_tz_are_ignored_by_undated_listings(http: httpx.Client) -> None:
    assert http.get("groups.json", params={"d": "nonsense", "tz": "Nowhere"}).status_code == 200


WITH_IDS = [r for r in ROUTES if "{id}" in r.path]


@pytest.mark.parametrize("route", WITH_IDS, ids=[r.path for r in WITH_IDS])
def test_unknown_ids_are_404(http: httpx.Client, route: Any) -> None:
    assert http.get(f"{route.path.replace('{id}', '99999')}.json").status_code == 404


def test_undocumented_paths_are_404(http: httpx.Client) -> None:
    for path in ("channels/501", "agents/x/y", "interaction", "statistics"):
        assert http.get(f"{path}.json").status_code == 404


# --- the aggregates add up ----------------------------------------------------------------


def test_queue_statistics_add_up_to_the_interactions(sb: Sandbox, http: httpx.Client) -> None:
    queue = ids(sb)["queues"]
    rows = every_page(http, f"queues/{queue}/statistics", d=everything(sb))
    mine = [r for r in queued(sb) if r["queue-id"] == queue]
    accepted = [r for r in mine if r["accept-timestamp"]]

    def total(name: str) -> int:
        return sum(int(row[name]) for row in rows)

    assert total("entered-count") == len(mine)
    assert total("accepted-count") == len(accepted)
    assert total("abandoned-count") == sum(1 for r in mine if r["abandon-timestamp"])
    assert total("finish-post-count") == len(accepted)
    assert total("time-processing") == sum(int(r["process-time"]) for r in accepted)
    waits = [(at(r["accept-timestamp"]) - at(r["create-timestamp"])).seconds for r in accepted]
    assert total("time-waiting") == sum(waits)
    assert max(int(row["time-max-wait-accept"]) for row in rows) == max(waits)
    assert all(at(row["time-stamp"]).minute in (0, 30) for row in rows)
    channel = every_page(http, f"channels/{int(queue) + 400}/statistics", d=everything(sb))
    assert channel == rows  # one entry channel per queue


def test_online_sla_buckets_split_each_period_and_match_the_statistics(
    sb: Sandbox, http: httpx.Client
) -> None:
    queue = ids(sb)["queues"]
    slas = every_page(http, f"queues/{queue}/online_slas", d=everything(sb))
    statistics = every_page(http, f"queues/{queue}/statistics", d=everything(sb))
    stats = {row["time-stamp"]: row for row in statistics}
    assert slas
    for row in slas:
        assert sum(map(int, row["accepted"].values())) == int(row["accepted-count"])
        assert list(row["accepted"]) == [name for name, _, _ in ONLINE_BUCKETS]
        counted = stats[row["time-stamp"]]
        assert sum(map(int, row["abandoned"].values())) == int(counted["abandoned-count"])
        for name in ("entered-count", "accepted-count", "sla-met-count"):
            assert row[name] == counted[name]
    assert records(http, f"queues/{queue}/offline_slas", d=everything(sb)) == []


def test_offline_sla_buckets_count_waits_in_hours(sb: Sandbox, http: httpx.Client) -> None:
    queue = ids(sb)["offline-queues"]
    slas = every_page(http, f"queues/{queue}/offline_slas", d=everything(sb))
    accepted = [r for r in queued(sb) if r["queue-id"] == queue and r["accept-timestamp"]]
    assert sum(int(row["accepted-count"]) for row in slas) == len(accepted)
    late = sum(
        1
        for r in accepted
        if (at(r["accept-timestamp"]) - at(r["create-timestamp"])).total_seconds() >= 3 * 3600
    )
    assert sum(int(row["accepted"]["t3hr-or-more"]) for row in slas) == late
    assert all(row["queue-id"] == queue and "abandoned" not in row for row in slas)


def test_status_statistics_add_up_to_the_status_changes(sb: Sandbox, http: httpx.Client) -> None:
    agent = ids(sb)["agents"]
    rows = every_page(http, f"agents/{agent}/statuses/statistics", d=everything(sb))
    changes = [r for r in sb.tenant.statuses if r["agent-id"] == agent]
    times = [at(r["event-time"]) for r in changes] + [sb.tenant.now]
    logged_in = sum(
        (end - start).total_seconds()
        for change, start, end in zip(changes, times, times[1:], strict=False)
        if change["status"] != "Logged Out"
    )
    assert sum(int(row["time-logged-in"]) for row in rows) == logged_in
    for row in rows:
        columns = [int(v) for k, v in row.items() if k.startswith("status-")]
        assert sum(columns) == int(row["time-logged-in"]) <= 1800
        assert at(row["period-end"]) - at(row["period-start"]) == dt.timedelta(minutes=30)


# --- the generator ------------------------------------------------------------------------


def test_every_handled_interaction_is_in_its_agents_statuses(sb: Sandbox) -> None:
    busy = {
        (r["agent-id"], r["event-time"], r["transaction-id"])
        for r in sb.tenant.statuses
        if r["status"] == "Busy"
    }
    handled = [r for r in sb.tenant.interactions if r["accept-timestamp"]]
    assert handled
    for r in handled:
        assert (r["agent-id"], r["accept-timestamp"], r["interaction-id"]) in busy


def test_called_campaign_records_carry_their_last_calls_outcome(sb: Sandbox) -> None:
    last = {r["record-id"]: r for r in sb.tenant.interactions if r["campaign-id"]}
    assert last
    by_id = {r["record-id"]: r for r in sb.tenant.campaign_records}
    for record_id, call in last.items():
        assert by_id[record_id]["status"] == call["record-status"]
        assert by_id[record_id]["disposition-code"] == call["disposition-code"]


def test_the_generator_is_deterministic_and_spreads_interactions_over_the_days() -> None:
    spec = TenantSpec(seed=9, days=6, interactions_per_day=50)
    first, again = generate_tenant(spec), generate_tenant(spec)
    assert first.interactions == again.interactions
    assert first.statuses == again.statuses
    assert first.campaign_records == again.campaign_records
    assert generate_tenant(TenantSpec(seed=10, days=6)).interactions != first.interactions
    days = Counter(at(r["create-timestamp"]).date() for r in first.interactions)
    assert len(days) >= 6


# --- expected() ---------------------------------------------------------------------------


def test_expected_accepts_underscored_names_lists_and_prefixed_paths(sb: Sandbox) -> None:
    agent = ids(sb)["agents"]
    direct = sb.truth.stats(f"agents/{agent}/interactions", d=everything(sb), media_type="T")
    inline = f"/api/stats/agents/{agent}/interactions.json?media-type=T&d={everything(sb)}"
    assert direct == sb.truth.stats(inline)
    both = sb.truth.stats("allinteractions", d=everything(sb), interaction_type=["DAA", "Consult"])
    assert {r["interaction-type"] for r in both} == {"DAA", "Consult"}
    span = (today(sb) - 3 * DAY, today(sb))
    assert sb.truth.stats("allinteractions", d=span) == sb.truth.stats(
        "allinteractions", d=f"{span[0]},{span[1]}"
    )
    activity = sb.truth.stats(f"agents/{agent}/activities", d=everything(sb))[0]
    assert sb.truth.stats(
        f"agents/{agent}/activities", d=everything(sb), transaction_id=activity["transaction_id"]
    ) == [activity]


def test_expected_refuses_n_and_reports_404_and_400(sb: Sandbox) -> None:
    with pytest.raises(TypeError):
        sb.truth.stats("agents", n=51)
    with pytest.raises(StatsQueryError) as missing:
        sb.truth.stats("agents/nobody/interactions")
    assert missing.value.status == 404
    with pytest.raises(StatsQueryError) as bad:
        sb.truth.stats("allinteractions", d="soon")
    assert bad.value.status == 400


def test_expected_returns_copies(sb: Sandbox) -> None:
    first = sb.truth.stats(f"queues/{ids(sb)['queues']}/online_slas", d=everything(sb))[0]
    first["accepted"]["t0-5sec"] = "changed"
    again = sb.truth.stats(f"queues/{ids(sb)['queues']}/online_slas", d=everything(sb))[0]
    assert again["accepted"]["t0-5sec"] != "changed"
