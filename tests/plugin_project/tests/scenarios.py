"""The project's checks, written once and run by both test modules (anyio's and
pytest-asyncio's): each takes the sandbox and the client the plugin's fixtures give."""

from __future__ import annotations

import collections
import datetime as dt
from collections.abc import Callable
from typing import Any

import anyio
from acme_reports import UNASSIGNED, AgentTotals, JournalEntry, agent_totals, mirror_events

from eightbyeight_async import ContactCenter, ReconnectPolicy
from eightbyeight_async.sandbox import Sandbox

FAST = ReconnectPolicy(initial_delay=0.005, max_network_delay=0.02, max_http_delay=0.02)
HANG_GUARD = 20.0
"""Seconds before a wait that should end gives up: a guard against hangs, not a timing."""


def last_two_days(sb: Sandbox) -> tuple[dt.datetime, dt.datetime]:
    end = sb.tenant.now.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)
    return end - dt.timedelta(days=2), end


def expected_totals(sb: Sandbox, start: dt.datetime, end: dt.datetime) -> dict[str, AgentTotals]:
    """The totals computed from the ground truth's rows, not through the SDK."""
    totals: dict[str, AgentTotals] = collections.defaultdict(AgentTotals)
    for row in sb.truth.detailed_rows(start=start, end=end):
        values = {item["key"]: item["value"] for item in row["items"]}
        agent = totals[values["agentId"] or UNASSIGNED]
        agent.interactions += 1
        handling = values["handlingDuration"]
        if handling and handling["value"] is not None:
            agent.handling += dt.timedelta(milliseconds=handling["value"])
    return dict(totals)


async def totals_match_the_ground_truth(sb: Sandbox, cc: ContactCenter) -> None:
    start, end = last_two_days(sb)
    totals = await agent_totals(cc, start=start, end=end)
    assert totals == expected_totals(sb, start, end)
    assert sum(t.interactions for t in totals.values()) == len(sb.truth.interaction_ids(start, end))


async def totals_survive_a_503_storm(sb: Sandbox, cc: ContactCenter) -> None:
    start, end = last_two_days(sb)
    sb.faults.status("*/detailed-reports/*/data", 503, count=3)
    totals = await agent_totals(cc, start=start, end=end)
    assert sb.faults.injected == {"status": 3}
    assert totals == expected_totals(sb, start, end), "nothing lost, nothing counted twice"


def keys(entries: list[JournalEntry]) -> list[tuple[str | None, int | None]]:
    return [(entry.instance_id, entry.sequence_id) for entry in entries]


def truth_keys(sb: Sandbox, subscription_id: str) -> list[tuple[Any, Any]]:
    """(instance id, sequence id) of every event the subscription is owed."""
    found = []
    for event in sb.truth.streaming(subscription_id):
        ((_, payload),) = event.items()
        found.append((payload["msgInfo"]["instanceId"], payload["msgInfo"]["sequenceId"]))
    return found


async def wait_for(condition: Callable[[], bool]) -> None:
    with anyio.fail_after(HANG_GUARD):
        while not condition():  # noqa: ASYNC110 (the sandbox thread changes it)
            await anyio.sleep(0.01)


async def every_event_once_across(
    sb: Sandbox, cc: ContactCenter, disrupt: Callable[[], int]
) -> None:
    """Mirror a subscription while `disrupt()` (applied until it hits an open stream) cuts
    the connection: the journal must hold every event owed, once each, in order."""
    sb.streaming.rate = 200
    journal: list[JournalEntry] = []
    async with anyio.create_task_group() as tasks:
        tasks.start_soon(lambda: mirror_events(cc, "acme-crm", journal, reconnect=FAST))
        await wait_for(lambda: len(journal) >= 10)
        await wait_for(lambda: disrupt() > 0)
        before = len(journal)
        await wait_for(lambda: len(journal) >= before + 10)
        sb.streaming.pause()
        owed = truth_keys(sb, "acme-crm")
        await wait_for(lambda: len(journal) >= len(owed))
        tasks.cancel_scope.cancel()
    assert keys(journal) == owed


async def the_mirror_survives_a_dropped_stream(sb: Sandbox, cc: ContactCenter) -> None:
    await every_event_once_across(sb, cc, sb.streaming.drop)


async def the_mirror_survives_the_session_end(sb: Sandbox, cc: ContactCenter) -> None:
    """SAPI ends every session after 60 simulated minutes: jump the clock past it."""

    def end_the_hour() -> int:
        streams = sb.streaming.connections()
        if streams:
            sb.advance(3600)
        return streams

    await every_event_once_across(sb, cc, end_the_hour)
