"""`cc.stats` through the public API against the sandbox: every endpoint, checked against the
generator's ground truth, in JSON and XML, with paging, filters, CSV and the fan-out."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import anyio
import attrs
import httpx
import pytest
import respx
from counting_transport import CountingTransport

from eightbyeight_async import (
    ContactCenter,
    DecodeError,
    InvalidArgumentError,
    NotFoundError,
    OffsetPaginator,
)
from eightbyeight_async._formats import decode_csv
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types import stats as models

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 5, "agents": 60, "days": 10, "interactions_per_day": 60}


LOOPBACK = "http://127.0.0.1:9"


def span(sb: Sandbox) -> tuple[dt.date, dt.date]:
    """A date range covering every generated record."""
    today = sb.tenant.now.date()
    return today - dt.timedelta(days=40), today + dt.timedelta(days=1)


def query_of(sb: Sandbox) -> str:
    start, end = span(sb)
    return f"{start:%Y-%m-%d},{end:%Y-%m-%d}"


async def collect(paginator: OffsetPaginator[Any]) -> list[Any]:
    return [record async for record in paginator]


def ids(sb: Sandbox) -> dict[str, str]:
    """One existing id of each kind, with records behind it."""
    busy_agent = next(r["agent-id"] for r in sb.tenant.interactions if r.get("agent-id"))
    offline = next(q for q in sb.tenant.queues if q["media-type"] in ("V", "Z"))
    return {
        "agent_id": busy_agent,
        "group_id": sb.tenant.agents[0]["group-id"],
        "queue_id": sb.tenant.queues[0]["queue-id"],
        "channel_id": sb.tenant.channels[0]["channel-id"],
        "campaign_id": sb.tenant.campaigns[0]["campaign-id"],
        "offline_queue_id": offline["queue-id"],
        "outbound_agent_id": sb.tenant.outbound_calls[0]["agent-id"],
        "offline_channel_id": sb.tenant.channels[sb.tenant.queues.index(offline)]["channel-id"],
    }


# --- expected values, converted here from the wire form (not by the SDK's converter) ---------


def integer(wire: str) -> int:
    return int(wire)


def instant(wire: str) -> dt.datetime:
    return dt.datetime.fromisoformat(wire)  # "2024-06-01T18:37:01-07:00": aware


def seconds(wire: str) -> dt.timedelta:
    return dt.timedelta(seconds=int(wire))


def flag(wire: str) -> bool:
    return {"y": True, "yes": True, "n": False, "no": False}[wire.lower()]


def text(wire: str) -> str:
    return wire


def enum_value(value: Any) -> Any:
    return value.value


@attrs.frozen
class Field:
    """One typed attribute of a record and how to get it from the wire record by hand:
    `parse(wire[key])`, an empty string being None; `read` takes it off the SDK's record."""

    attr: str
    parse: Callable[[str], Any] = text
    read: Callable[[Any], Any] | None = None

    @property
    def key(self) -> str:
        return self.attr.replace("_", "-")

    def expected(self, wire: dict[str, Any]) -> Any:
        value = wire[self.key]
        return None if value == "" else self.parse(value)

    def actual(self, record: Any) -> Any:
        value = getattr(record, self.attr)
        return value if value is None or self.read is None else self.read(value)


def enum(attr: str) -> Field:
    """An enum attribute, compared by its wire code (`"T"`, `"Voice Mail"`, `"3"`)."""
    return Field(attr, text, enum_value)


AGENT_FIELDS = (
    Field("agent_id"),
    Field("group_id", integer),
    Field("email_address"),
    Field("enabled", flag),
    Field("full_name"),
)
ACTIVITY_FIELDS = (
    Field("agent_id"),
    Field("group_id", integer),
    enum("media_type"),
    Field("channel_id", integer),
    Field("queue_name"),
)
AGENT_INTERACTION_FIELDS = (
    Field("interaction_id", integer),
    Field("agent_id"),
    Field("accept_timestamp", instant),
    Field("process_time", seconds),
    Field("finish_timestamp", instant),
)
QUEUE_INTERACTION_FIELDS = (
    Field("interaction_id", integer),
    Field("channel_id", integer),
    enum("media_type"),
    Field("create_timestamp", instant),
    Field("abandon_timestamp", instant),
)
STATISTICS_FIELDS = (
    Field("time_stamp", instant),
    Field("channel_id", integer),
    enum("media_type"),
    Field("entered_count", integer),
    Field("accepted_count", integer),
    Field("sla_met_count", integer),
)
OFFLINE_SLA_FIELDS = (*STATISTICS_FIELDS, Field("queue_id", integer))
SKILL_FIELDS = (
    Field("agent_id"),
    Field("queue_id", integer),
    Field("enabled", flag),
    Field("skill_level"),
)
STATUS_FIELDS = (
    Field("agent_id"),
    Field("event_time", instant),
    Field("group_id", integer),
    Field("status"),
    Field("scl_item_id", integer),
)
OUTBOUND_FIELDS = (
    Field("transaction_id", integer),
    Field("agent_id"),
    Field("start_time", instant),
    Field("total_time", seconds),
    Field("tcl_item_id", integer),
)


@attrs.frozen
class Case:
    """One listing: the `cc.stats` method, which ids it takes, the sandbox path, the model."""

    name: str
    method: str
    id_names: tuple[str, ...]
    path: str
    model: type[Any]
    dated: bool
    fields: tuple[Field, ...]

    def call(self, cc: ContactCenter, known: dict[str, str], sb: Sandbox, fmt: str) -> Any:
        arguments: dict[str, Any] = {}
        for name in self.id_names:  # "queue_id" or "queue_id=offline_queue_id"
            keyword, _, key = name.partition("=")
            arguments[keyword] = known[key or keyword]
        if self.dated:
            arguments["dates"] = span(sb)
        return getattr(cc.stats, self.method)(**arguments, format=fmt)


CASES = [
    Case(
        "groups",
        "groups",
        (),
        "groups",
        models.Group,
        dated=False,
        fields=(Field("group_id", integer), Field("group_name"), Field("deleted", flag)),
    ),
    Case("agents", "agents", (), "agents", models.Agent, dated=False, fields=AGENT_FIELDS),
    Case(
        "agents_by_group",
        "agents",
        ("group_id",),
        "groups/{group_id}/agents",
        models.Agent,
        dated=False,
        fields=AGENT_FIELDS,
    ),
    Case(
        "queues",
        "queues",
        (),
        "queues",
        models.Queue,
        dated=False,
        fields=(
            Field("queue_id", integer),
            Field("queue_name"),
            enum("media_type"),
            Field("sla_time", seconds),
        ),
    ),
    Case(
        "channels",
        "channels",
        (),
        "channels",
        models.Channel,
        dated=False,
        fields=(Field("channel_id", integer), Field("channel_name"), Field("channel_desc")),
    ),
    Case(
        "campaigns",
        "campaigns",
        (),
        "campaigns",
        models.Campaign,
        dated=False,
        fields=(
            Field("campaign_id", integer),
            Field("campaign_name"),
            enum("status"),
            Field("no_of_records", integer),
            Field("start_time", instant),
        ),
    ),
    Case(
        "campaign_records",
        "campaign_records",
        ("campaign_id",),
        "campaigns/{campaign_id}/records",
        models.CampaignRecord,
        dated=False,
        fields=(
            Field("record_id"),
            Field("campaign_id", integer),
            enum("status"),
            Field("phone_list"),
        ),
    ),
    Case(
        "tcls",
        "transaction_codes",
        (),
        "tcls",
        models.TransactionCode,
        dated=False,
        fields=(Field("tcl_list_id", integer), Field("tcl_name"), Field("tcl_active", flag)),
    ),
    Case(
        "scls",
        "status_codes",
        (),
        "scls",
        models.StatusCode,
        dated=False,
        fields=(Field("scl_list_id", integer), Field("scl_name"), Field("scl_item_id", integer)),
    ),
    Case(
        "agent_skills",
        "skills",
        ("agent_id",),
        "agents/{agent_id}/skills",
        models.AgentSkill,
        dated=False,
        fields=SKILL_FIELDS,
    ),
    Case(
        "queue_skills",
        "skills",
        ("queue_id",),
        "queues/{queue_id}/skills",
        models.AgentSkill,
        dated=False,
        fields=SKILL_FIELDS,
    ),
    Case(
        "agent_activities",
        "activities",
        ("agent_id",),
        "agents/{agent_id}/activities",
        models.Activity,
        dated=True,
        fields=ACTIVITY_FIELDS,
    ),
    Case(
        "group_activities",
        "activities",
        ("group_id",),
        "groups/{group_id}/activities",
        models.Activity,
        dated=True,
        fields=ACTIVITY_FIELDS,
    ),
    Case(
        "agent_interactions",
        "agent_interactions",
        ("agent_id",),
        "agents/{agent_id}/interactions",
        models.AgentInteraction,
        dated=True,
        fields=AGENT_INTERACTION_FIELDS,
    ),
    Case(
        "group_interactions",
        "agent_interactions",
        ("group_id",),
        "groups/{group_id}/interactions",
        models.AgentInteraction,
        dated=True,
        fields=AGENT_INTERACTION_FIELDS,
    ),
    Case(
        "queue_interactions_all",
        "queue_interactions",
        (),
        "interactions",
        models.QueueInteraction,
        dated=True,
        fields=QUEUE_INTERACTION_FIELDS,
    ),
    Case(
        "queue_interactions",
        "queue_interactions",
        ("queue_id",),
        "queues/{queue_id}/interactions",
        models.QueueInteraction,
        dated=True,
        fields=QUEUE_INTERACTION_FIELDS,
    ),
    Case(
        "channel_interactions",
        "queue_interactions",
        ("channel_id",),
        "channels/{channel_id}/interactions",
        models.QueueInteraction,
        dated=True,
        fields=QUEUE_INTERACTION_FIELDS,
    ),
    Case(
        "campaign_interactions",
        "campaign_interactions",
        ("campaign_id",),
        "campaigns/{campaign_id}/interactions",
        models.CampaignInteraction,
        dated=True,
        fields=(
            Field("interaction_id", integer),
            Field("campaign_id", integer),
            Field("accept_timestamp", instant),
            enum("record_status"),
            Field("record_id"),
        ),
    ),
    Case(
        "all_interactions",
        "all_interactions",
        (),
        "allinteractions",
        models.AllInteraction,
        dated=True,
        fields=(
            Field("interaction_id", integer),
            enum("media_type"),
            Field("queue_name"),
            Field("customer_name"),
            Field("create_timestamp", instant),
        ),
    ),
    Case(
        "agent_statistics",
        "interaction_statistics",
        ("agent_id",),
        "agents/{agent_id}/statistics",
        models.InteractionStatistics,
        dated=True,
        fields=STATISTICS_FIELDS,
    ),
    Case(
        "queue_statistics",
        "interaction_statistics",
        ("queue_id",),
        "queues/{queue_id}/statistics",
        models.InteractionStatistics,
        dated=True,
        fields=STATISTICS_FIELDS,
    ),
    Case(
        "channel_statistics",
        "interaction_statistics",
        ("channel_id",),
        "channels/{channel_id}/statistics",
        models.InteractionStatistics,
        dated=True,
        fields=STATISTICS_FIELDS,
    ),
    Case(
        "queue_online_slas",
        "online_slas",
        ("queue_id",),
        "queues/{queue_id}/online_slas",
        models.OnlineSla,
        dated=True,
        fields=STATISTICS_FIELDS,
    ),
    Case(
        "channel_online_slas",
        "online_slas",
        ("channel_id",),
        "channels/{channel_id}/online_slas",
        models.OnlineSla,
        dated=True,
        fields=STATISTICS_FIELDS,
    ),
    Case(
        "queue_offline_slas",
        "offline_slas",
        ("queue_id=offline_queue_id",),
        "queues/{offline_queue_id}/offline_slas",
        models.OfflineSla,
        dated=True,
        fields=OFFLINE_SLA_FIELDS,
    ),
    Case(
        "channel_offline_slas",
        "offline_slas",
        ("channel_id=offline_channel_id",),
        "channels/{offline_channel_id}/offline_slas",
        models.OfflineSla,
        dated=True,
        fields=OFFLINE_SLA_FIELDS,
    ),
    Case(
        "agent_statuses",
        "statuses",
        ("agent_id",),
        "agents/{agent_id}/statuses",
        models.AgentStatus,
        dated=True,
        fields=STATUS_FIELDS,
    ),
    Case(
        "group_statuses",
        "statuses",
        ("group_id",),
        "groups/{group_id}/statuses",
        models.AgentStatus,
        dated=True,
        fields=STATUS_FIELDS,
    ),
    Case(
        "status_statistics",
        "status_statistics",
        ("agent_id",),
        "agents/{agent_id}/statuses/statistics",
        models.AgentStatusStatistics,
        dated=True,
        fields=(
            Field("agent_id"),
            Field("period_start", instant),
            Field("period_end", instant),
            Field("group_id", integer),
            Field("status_waiting", seconds),
        ),
    ),
    Case(
        "agent_outbound_calls",
        "outbound_calls",
        ("agent_id=outbound_agent_id",),
        "agents/{outbound_agent_id}/outboundcalls",
        models.OutboundCall,
        dated=True,
        fields=OUTBOUND_FIELDS,
    ),
    Case(
        "group_outbound_calls",
        "outbound_calls",
        ("group_id",),
        "groups/{group_id}/outboundcalls",
        models.OutboundCall,
        dated=True,
        fields=OUTBOUND_FIELDS,
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
async def test_every_endpoint_matches_the_ground_truth_in_json_and_xml(
    case: Case, sb: Sandbox, cc: ContactCenter
) -> None:
    known = ids(sb)
    query = {"d": query_of(sb)} if case.dated else {}
    wire = sb.truth.stats(case.path.format(**known), **query)
    assert wire, f"the sandbox should hold {case.path} records for this test to mean anything"
    expected = [tuple(field.expected(record) for field in case.fields) for record in wire]
    paginator = case.call(cc, known, sb, "json")
    assert isinstance(paginator, OffsetPaginator)
    records = await collect(paginator)
    assert all(isinstance(record, case.model) for record in records)
    assert [tuple(field.actual(r) for field in case.fields) for r in records] == expected
    assert await collect(case.call(cc, known, sb, "xml")) == records


async def test_single_record_lookups(sb: Sandbox, cc: ContactCenter) -> None:
    agent, queue, campaign = sb.tenant.agents[3], sb.tenant.queues[1], sb.tenant.campaigns[0]
    assert (await cc.stats.agent(agent["agent-id"])).agent_id == agent["agent-id"]
    assert str((await cc.stats.queue(queue["queue-id"])).queue_id) == queue["queue-id"]
    found = await cc.stats.campaign(campaign["campaign-id"])
    assert str(found.campaign_id) == campaign["campaign-id"]
    with pytest.raises(NotFoundError) as caught:
        await cc.stats.agent("no-such-agent")
    assert caught.value.status_code == 404


async def test_filters_are_sent_with_hyphenated_names(sb: Sandbox, cc: ContactCenter) -> None:
    queue = next(q for q in sb.tenant.queues if q["media-type"] == "T")
    records = await collect(
        cc.stats.queue_interactions(
            dates=span(sb), filters={"media_type": "T"}, queue_id=queue["queue-id"]
        )
    )
    expected = sb.truth.stats(
        f"queues/{queue['queue-id']}/interactions", d=query_of(sb), **{"media-type": "T"}
    )
    assert [r.interaction_id for r in records] == [int(r["interaction-id"]) for r in expected]
    assert records, "the filter should still select something"


async def test_the_documents_own_filter_example_is_accepted(sb: Sandbox, cc: ContactCenter) -> None:
    # "/agents/{agentId}/interactions?media-type=T&queue-id=102": fields no agent
    # interaction sample shows, so they are not in the record type.
    counts = {}
    for agent in sb.tenant.agents:
        agent_id = agent["agent-id"]
        records = await collect(
            cc.stats.agent_interactions(
                agent_id=agent_id, dates=span(sb), filters={"media_type": "T"}
            )
        )
        expected = sb.truth.stats(
            f"agents/{agent_id}/interactions", d=query_of(sb), **{"media-type": "T"}
        )
        assert [r.interaction_id for r in records] == [int(r["interaction-id"]) for r in expected]
        counts[agent_id] = len(records)
    assert any(counts.values()), "the filter should still select something"
    queue_id = sb.tenant.queues[0]["queue-id"]
    cc.stats.agent_interactions(agent_id="a", filters={"media_type": "T", "queue_id": queue_id})


async def test_skills_are_one_answer_without_an_offset() -> None:
    """The document: skills "does not support any query parameters". A server that ignores
    `n=` would otherwise send the same skills for every page, for ever."""
    skills = {"skills": {"skill": [{"agent-id": f"a{i}", "queue-id": "7"} for i in range(60)]}}
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="t") as cc:
        with respx.mock() as mock:
            route = mock.get(f"{LOOPBACK}/api/stats/queues/7/skills.json").mock(
                return_value=httpx.Response(200, json=skills)
            )
            with anyio.fail_after(30):  # a hang guard: before the fix this paged for ever
                records = await collect(cc.stats.skills(queue_id=7, limit=1000))
            paginator = cc.stats.skills(queue_id=7)
    assert [r.agent_id for r in records] == [f"a{i}" for i in range(60)]
    assert route.call_count == 1
    assert "n" not in route.calls.last.request.url.params
    with pytest.raises(InvalidArgumentError, match="takes no offset"):
        paginator.skip(10)


async def test_a_malformed_record_on_a_later_page_comes_after_every_record_before_it() -> None:
    """Records are typed when the reader reaches their page: what the pages before it hold
    is delivered whole, then the error names the record and the page's request."""

    def page(offset: int) -> httpx.Response:
        groups = [
            {"group-id": str(offset + i), "group-name": "G", "deleted": "No"} for i in range(50)
        ]
        if offset == 51:
            groups[7]["deleted"] = "maybe"
        return httpx.Response(200, json={"groups": {"group": groups}})

    received: list[int] = []

    async def read(groups: OffsetPaginator[models.Group]) -> None:
        async for group in groups:
            received.append(group.group_id)

    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="secret-t") as cc:
        with respx.mock() as mock:
            mock.get(f"{LOOPBACK}/api/stats/groups.json").mock(
                side_effect=lambda request: page(int(request.url.params["n"]))
            )
            with pytest.raises(DecodeError, match=r"Group record.*deleted") as raised:
                await read(cc.stats.groups())
    assert received == list(range(1, 51))
    assert raised.value.method == "GET"
    assert "n=51" in str(raised.value.url)
    assert "secret-t" not in str(raised.value)


async def test_unknown_filters_and_bad_arguments_fail_before_any_request(
    sb: Sandbox, cc: ContactCenter
) -> None:
    before = sb.faults.total_requests
    with pytest.raises(InvalidArgumentError, match="unknown filter mediatype"):
        cc.stats.all_interactions(filters={"mediatype": "T"})
    with pytest.raises(InvalidArgumentError, match="exactly one of agent_id= or group_id="):
        cc.stats.agent_interactions(agent_id="a", group_id="b")
    with pytest.raises(InvalidArgumentError, match="exactly one"):
        cc.stats.statuses()
    with pytest.raises(InvalidArgumentError, match="format"):
        cc.stats.groups(format="csv")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="time zone"):
        cc.stats.all_interactions(tz="Mars/Olympus")
    with pytest.raises(ValueError, match="date"):
        cc.stats.all_interactions(dates="last tuesday")
    with pytest.raises(InvalidArgumentError, match=r"agent_id must be .* 20000 bits"):
        cc.stats.activities(agent_id=1 << 19999)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="filter queue_id= must be"):
        cc.stats.all_interactions(filters={"queue_id": 10**5000})
    bad_concurrency: list[Any] = [0, -1, 1.5, "2", True, float("nan")]
    for concurrency in bad_concurrency:
        with pytest.raises(InvalidArgumentError, match="concurrency must be an int"):
            async with cc.stats.fan_out(cc.stats.activities, ["a"], concurrency=concurrency):
                pass
    assert sb.faults.total_requests == before


async def test_limit_pages_and_first_page(sb: Sandbox, cc: ContactCenter) -> None:
    agents = sb.tenant.agents
    assert [a.agent_id for a in await cc.stats.agents().first_page()] == [
        a["agent-id"] for a in agents[:50]
    ]
    assert len(await collect(cc.stats.agents(limit=7))) == 7
    pages = [len(page) async for page in cc.stats.agents().pages()]
    assert pages == [50, len(agents) - 50]


async def test_csv_pages_are_the_servers_csv_unchanged(sb: Sandbox, cc: ContactCenter) -> None:
    rows = []
    async for body in cc.stats.agents().csv_pages():
        assert body.startswith(b"agent-id,")
        rows += decode_csv(body)
    assert [r["agent-id"] for r in rows] == [a["agent-id"] for a in sb.tenant.agents]


async def test_fan_out_tags_every_record_with_its_source(sb: Sandbox, cc: ContactCenter) -> None:
    agent_ids = [a["agent-id"] for a in sb.tenant.agents]
    async with cc.stats.fan_out(
        cc.stats.agent_interactions, agent_ids, key="agent_id", dates=span(sb)
    ) as records:
        got = [(source, record.interaction_id) async for source, record in records]
    expected = [
        (agent_id, int(r["interaction-id"]))
        for agent_id in agent_ids
        for r in sb.truth.stats(f"agents/{agent_id}/interactions", d=query_of(sb))
    ]
    assert sorted(got) == sorted(expected)
    assert len(got) == len(set(got))
    for agent_id in agent_ids[:5]:  # each source's records keep their order
        mine = [i for source, i in got if source == agent_id]
        assert mine == [i for source, i in expected if source == agent_id]


async def test_fan_out_raises_a_sources_failure_and_stops(sb: Sandbox, cc: ContactCenter) -> None:
    ids_with_a_bad_one = [sb.tenant.agents[0]["agent-id"], "no-such-agent"]

    async def drain() -> None:
        async with cc.stats.fan_out(
            cc.stats.agent_interactions, ids_with_a_bad_one, dates=span(sb)
        ) as records:
            async for _ in records:
                pass

    with pytest.raises(NotFoundError):
        await drain()


async def test_leaving_a_fan_out_early_cancels_the_rest(sb: Sandbox) -> None:
    transport = CountingTransport()
    agent_ids = [a["agent-id"] for a in sb.tenant.agents]
    async with (
        httpx.AsyncClient(transport=transport) as http,
        sb.client(http_client=http) as cc,
    ):
        async with cc.stats.fan_out(
            cc.stats.agent_interactions, agent_ids, dates=span(sb)
        ) as records:
            async for _ in records:
                break
        assert transport.in_flight == 0
        sent = transport.sent
        await anyio.sleep(0.05)
        assert transport.sent == sent, "nothing may keep running after the block"


@pytest.mark.parametrize("root", ["campaign", "campaigns"])
async def test_one_campaign_reads_the_lone_campaign_root_too(root: str) -> None:
    """The vendor's current documentation answers `{"campaign": {...}}`; the seed's table,
    `{"campaigns": {"campaign": {...}}}`. Both are one campaign."""
    record = {"campaign-id": "123", "campaign-name": "Sales Campaign", "status": "6"}
    body = {"campaign": record} if root == "campaign" else {"campaigns": {"campaign": record}}
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="t") as cc:
        with respx.mock() as mock:
            route = mock.get(f"{LOOPBACK}/api/stats/campaigns/123.json").mock(
                return_value=httpx.Response(200, json=body)
            )
            found = await cc.stats.campaign(123)
    assert route.call_count == 1
    assert (found.campaign_id, found.campaign_name) == (123, "Sales Campaign")
    assert found.status == models.CampaignStatus.COMPLETED
