"""`Sandbox.reset()` puts every service back to its initial state while the server keeps
serving: state changed through `sb.client()` calls is gone afterwards, and a fresh sandbox
with the same arguments is the reference for "initial"."""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio
import pytest

from eightbyeight_async import InternalServerError, NotFoundError, ReconnectPolicy, RetryPolicy
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.interaction_data import InteractionVariable

pytestmark = pytest.mark.anyio

ARGUMENTS: dict[str, Any] = {"seed": 4, "agents": 4, "days": 1, "interactions_per_day": 60}
FAST = ReconnectPolicy(initial_delay=0.005, max_network_delay=0.02, max_http_delay=0.02)


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    """One sandbox for the module: each test changes it, resets it and checks; the shared
    `sb` fixture's reset after each test is what the next test starts from."""
    return {**ARGUMENTS, "sapi_time_scale": 600.0}


def call_now(sb: Sandbox) -> dict[str, Any]:
    channel = sorted(sb.callbacks.channel_numbers)[0]
    return {"phone": "16505551212", "callback_type": 1, "channel_number": channel}


async def test_callbacks_recordings_and_variables_return_to_the_generated_state(
    sb: Sandbox,
) -> None:
    call = next(i for i in sb.interaction_data.interactions if i.call_id)
    async with sb.client() as cc:
        before = [f.filename async for f in cc.recordings.files()]
        await cc.callbacks.create(**call_now(sb))
        await cc.recordings.delete_file(before[0])
        variable = InteractionVariable("_amount", "110.55", display=True, display_name="Due")
        await cc.interaction_data.set_variables([variable], call_id=call.call_id)
        assert sb.callbacks.callbacks
        assert sb.recordings.deleted_files
        assert sb.interaction_data.variables(call.guid)
        assert [f.filename async for f in cc.recordings.files()] == before[1:]

        sb.reset()

        assert [f.filename async for f in cc.recordings.files()] == before  # same connection
    assert sb.callbacks.callbacks == []
    assert sb.callbacks.requests == 0
    assert sb.recordings.deleted_files == []
    assert sb.interaction_data.variables(call.guid) == {}


async def test_fault_rules_and_request_counters_are_cleared(sb: Sandbox) -> None:
    sb.faults.status("/api/stats/*", 503)
    async with sb.client(retry=RetryPolicy.instant(max_retries=0)) as cc:
        with pytest.raises(InternalServerError):
            [g async for g in cc.stats.groups()]
        assert sb.faults.total_requests > 0
        sb.reset()
        assert sb.faults.total_requests == 0
        groups = [g async for g in cc.stats.groups()]
    assert [str(g.group_id) for g in groups] == [g["group-id"] for g in sb.tenant.groups]
    assert sb.faults.injected == {}


async def test_analytics_jobs_are_forgotten_and_ids_start_over(sb: Sandbox) -> None:
    end = sb.tenant.now + dt.timedelta(hours=1)
    report: dict[str, Any] = {
        "type": "queue-interactions-summary",
        "title": "before reset",
        "start": end - dt.timedelta(days=2),
        "end": end,
        "granularity": "day",
        "group_by": "media-and-queue",
    }
    sb.analytics.hold_reports = True
    async with sb.client() as cc:
        held = await cc.analytics.create_report(**report)
        sb.reset()
        assert not sb.analytics.hold_reports
        with pytest.raises(NotFoundError):
            await cc.analytics.report(held.id).refresh()
        again = await (await cc.analytics.create_report(**report)).wait(poll_interval=0.02)
    assert again.id == held.id, "report ids start from the first again"
    assert sb.truth.analytics_rows(again.id)


async def test_streaming_subscriptions_backlog_and_pause_are_forgotten(sb: Sandbox) -> None:
    async with (
        sb.client() as cc,
        cc.streaming.subscribe("before", reconnect=FAST) as events,
    ):
        with anyio.fail_after(20):
            first = await events.__anext__()
    assert first.msg_info.sequence_id is not None
    with anyio.fail_after(20):
        await sb.streaming.wait_closed()
    sb.streaming.pause()
    sb.streaming.emit(3)  # stored in the backlog of "before"
    assert sb.streaming.stored("before") >= 3

    sb.reset()

    assert sb.streaming.subscriptions == []
    assert sb.streaming.generated == []
    assert not sb.streaming.paused
    with pytest.raises(KeyError):
        sb.streaming.log("before")
    assert [e[next(iter(e))]["msgInfo"]["sequenceId"] for e in sb.streaming.emit(2)] == [1, 2]


async def test_every_service_matches_a_fresh_sandbox_after_reset(sb: Sandbox) -> None:
    sb.realtime.set_agent_status(sb.tenant.agents[0]["agent-id"], 6)
    sb.schedules.delay = 0.5
    sb.tokens.ttl = 1.0
    agent = sb.tenant.agents[0]["agent-id"]
    sb.recording_control.set_enabled(agent, not sb.recording_control.state(agent).enabled)
    async with sb.client() as cc:
        await cc.callbacks.create(**call_now(sb))
    sb.reset()
    fresh = Sandbox(**ARGUMENTS)  # the reference: never touched, and not served (in-process)
    assert sb.realtime.agents() == fresh.realtime.agents()
    assert sb.realtime.queues() == fresh.realtime.queues()
    assert sb.recording_control.agents() == fresh.recording_control.agents()
    assert sb.truth.recordings("files") == fresh.recordings.files()
    assert (sb.schedules.delay, sb.tokens.ttl) == (fresh.schedules.delay, fresh.tokens.ttl)
    assert sb.callbacks.outbound_queue_ids() == fresh.callbacks.outbound_queue_ids()
    assert sb.truth.stats("allinteractions", d="today") == fresh.truth.stats(
        "allinteractions", d="today"
    )
