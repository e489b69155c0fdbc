"""`cc.realtime` against the sandbox: every field typed from the server's own values, XML and
JSON identical, the documented sample, errors, and `watch()` reporting only changes."""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio
import httpx
import pytest
from counting_transport import CountingTransport

from eightbyeight_async import (
    APIStatusError,
    BadRequestError,
    DecodeError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    RetryPolicy,
    ServerBusyError,
)
from eightbyeight_async._convert import structure
from eightbyeight_async._formats import decode_xml
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.realtime import (
    AgentMedia,
    AgentStatus,
    AgentStatusChanged,
    PhoneLine1Status,
    PhoneLine2Status,
    QueueSizeChanged,
    RealtimeAgent,
    RealtimeQueue,
)

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 6}


def seconds(wire: str) -> dt.timedelta | None:
    return None if wire == "-1" else dt.timedelta(seconds=int(wire))


async def test_agents_carry_the_servers_values_typed(sb: Sandbox) -> None:
    truth = sb.realtime.agents()
    async with sb.client() as cc:
        agents = await cc.realtime.agents()
    assert [a.agent_id for a in agents] == list(truth)
    for agent in agents:
        wire = truth[agent.agent_id]
        assert agent.agent_status == AgentStatus(wire["agent-status"])
        assert agent.agent_media_id == AgentMedia(wire["agent-media-id"])
        assert agent.phone_line1_status == PhoneLine1Status(wire["phone-line1-status"])
        assert agent.phone_line2_status is PhoneLine2Status.NOT_IN_USE, "-1 is a code here"
        assert agent.time_in_status == seconds(wire["time-in-status"])
        assert agent.day_login_time == seconds(wire["day-login-time"])
        assert agent.day_accepted_count == int(wire["day-accepted-count"])
        assert agent.group_id == int(wire["group-id"])
        assert agent.active_customer_chat_count is None, "-1 (no data) becomes None"
        if wire["last-login-time"] == "-1":
            assert agent.last_login_time is None
        else:
            stamp = int(wire["last-login-time"])
            assert agent.last_login_time == dt.datetime.fromtimestamp(stamp, dt.timezone.utc)


async def test_queues_carry_the_servers_values_typed(sb: Sandbox) -> None:
    truth = sb.realtime.queues()
    async with sb.client() as cc:
        queues = await cc.realtime.queues()
    assert [str(q.queue_id) for q in queues] == list(truth)
    for queue in queues:
        wire = truth[str(queue.queue_id)]
        assert queue.agent_count_logged_out == int(wire["agent-count-loggedOut"])
        assert queue.agent_count_wait_transact == int(wire["agent-count-waitTransact"])
        assert queue.day_avg_wait_time == seconds(wire["day-avg-wait-time"])
        assert queue.sla_activity == float(wire["sla-activity"])
        assert queue.thirty_min_sla_activity is None, "-1: no SLA activity available"
        assert queue.queue_name == wire["queue-name"]


async def test_xml_and_json_give_identical_models(sb: Sandbox) -> None:
    agent_id = next(iter(sb.realtime.agents()))
    async with sb.client() as cc:
        assert await cc.realtime.agents(format="xml") == await cc.realtime.agents()
        assert await cc.realtime.queues(format="xml") == await cc.realtime.queues()
        assert await cc.realtime.agent(agent_id, format="xml") == await cc.realtime.agent(agent_id)
        assert await cc.realtime.queue(101, format="xml") == await cc.realtime.queue("101")


async def test_one_agent_and_one_queue_and_unknown_ids(sb: Sandbox) -> None:
    agent_id = list(sb.realtime.agents())[2]
    async with sb.client() as cc:
        agent = await cc.realtime.agent(agent_id)
        assert agent.agent_id == agent_id
        assert (await cc.realtime.queue(102)).queue_id == 102
        with pytest.raises(NotFoundError):
            await cc.realtime.agent("nobody")
        with pytest.raises(NotFoundError):
            await cc.realtime.queue(999)
        with pytest.raises(InvalidArgumentError, match="agent_id"):
            await cc.realtime.agent("")
        with pytest.raises(InvalidArgumentError, match="format"):
            await cc.realtime.agents(format="csv")  # type: ignore[arg-type]
    async with sb.client(data_token="wrong") as cc:
        with pytest.raises(PermissionDeniedError):
            await cc.realtime.agents()


@pytest.mark.parametrize(
    ("status", "error"),
    [(400, BadRequestError), (500, InternalServerError), (503, ServerBusyError)],
)
async def test_documented_error_statuses_raise_their_errors(
    sb: Sandbox, status: int, error: type[APIStatusError]
) -> None:
    sb.faults.status("/api/rtstats/*", status)
    async with sb.client(retry=RetryPolicy.disabled()) as cc:
        with pytest.raises(error) as caught:
            await cc.realtime.queues()
    assert caught.value.status_code == status
    assert sb.realtime.tenant.credentials.data_token not in str(caught.value)


async def test_server_busy_is_retried_and_malformed_bodies_are_decode_errors(sb: Sandbox) -> None:
    sb.faults.status("/api/rtstats/stats/agents.json", 503, count=2)
    async with sb.client(retry=RetryPolicy.instant()) as cc:
        assert len(await cc.realtime.agents()) == len(sb.realtime.agents())
        assert sb.faults.requests["/api/rtstats/stats/agents.json"] == 3
        sb.faults.malformed("/api/rtstats/*")
        with pytest.raises(DecodeError):
            await cc.realtime.queues(format="xml")


async def test_unknown_codes_are_kept(sb: Sandbox) -> None:
    agent_id = next(iter(sb.realtime.agents()))
    sb.realtime.set_agent(agent_id, agent_status=7, agent_media_id=12, status_code_item_id=42)
    async with sb.client() as cc:
        agent = await cc.realtime.agent(agent_id)
    assert agent.agent_status is not None
    assert not agent.agent_status.is_known
    assert agent.agent_status.value == "7"
    assert agent.agent_media_id is not None
    assert agent.agent_media_id.value == "12"
    assert agent.status_code_item_id is not None
    assert agent.status_code_item_id.value == "42"


def test_the_documented_agent_sample_decodes() -> None:
    sample = b"""<agent> <active-customer-chat-count>-1</active-customer-chat-count> <agent-guid>
    detestacct801-ag3276621-cb1f16ae-d5a8-4658-a467-e1d9c3b8467f </agent-guid>
    <agent-id>ag3276621</agent-id> <agent-media-id>0</agent-media-id> <agent-name>Marie Sanders
    </agent-name> <agent-status>9</agent-status> <agent-sub-status>none</agent-sub-status>
    <group-id>108</group-id> <idle-start-time>-1</idle-start-time> <last-login-time>-1
    </last-login-time> <phone-line1-status>-1</phone-line1-status> <status-code-item-id/>
    <time-in-status>206526</time-in-status> </agent>"""
    agent = structure(decode_xml(sample)["agent"], RealtimeAgent)
    assert agent.agent_id == "ag3276621"
    assert agent.agent_status is AgentStatus.LOGGED_OUT
    assert agent.agent_media_id is AgentMedia.NONE_SINCE_SYSTEM_START
    assert agent.last_login_time is None
    assert agent.idle_start_time is None
    assert agent.phone_line1_status is PhoneLine1Status.NOT_IN_USE
    assert agent.time_in_status == dt.timedelta(seconds=206526)
    assert agent.status_code_item_id is None
    assert structure({"queue-id": "116", "thirty-min-sla-activity": None}, RealtimeQueue)


async def test_watch_yields_the_initial_state_then_only_changes(sb: Sandbox) -> None:
    agent_id = next(a for a, r in sb.realtime.agents().items() if r["agent-status"] == "0")
    async with sb.client() as cc:
        watch = cc.realtime.watch(interval=0.05)
        first = await watch.__anext__()
        assert first.initial
        assert first.changes == ()
        assert set(first.agents) == set(sb.realtime.agents())
        with anyio.move_on_after(0.3) as idle:
            await watch.__anext__()
        assert idle.cancelled_caught, "nothing changed: nothing yielded"
        sb.realtime.set_agent_status(agent_id, 4)
        sb.realtime.set_queue_size(102, 5)
        with anyio.fail_after(5):
            changed = await watch.__anext__()
    assert not changed.initial
    assert set(changed.changes) == {
        AgentStatusChanged(
            agent_id, first.agents[agent_id].agent_name, AgentStatus.AVAILABLE, AgentStatus.ON_BREAK
        ),
        QueueSizeChanged(102, first.queues[102].queue_name, 0, 5),
    }
    assert changed.agents[agent_id].agent_status is AgentStatus.ON_BREAK


async def test_leaving_a_watch_leaves_nothing_running(sb: Sandbox) -> None:
    transport = CountingTransport()
    async with httpx.AsyncClient(transport=transport) as http, sb.client(http_client=http) as cc:
        with anyio.move_on_after(0.2):
            async for _ in cc.realtime.watch(interval=0.01):
                pass
        assert transport.in_flight == 0
        sent = transport.sent
        await anyio.sleep(0.05)
        assert transport.sent == sent
        for interval in (0, -1, "10", True, float("nan"), float("inf"), None):
            with pytest.raises(InvalidArgumentError, match="interval"):
                cc.realtime.watch(interval=interval)  # type: ignore[arg-type]
