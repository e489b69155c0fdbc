"""What a reader of a documentation page already has, for `test_docs.py` to give its samples.

A page's samples name values a reader supplies from their own tenant (one of their agents'
ids, the SIP call id of a live call, a report they created, their Redis) and say so in the
prose. `PAGE_SETUP` maps a page (its path from the repository root) to a function that
derives those values from the sandbox's ground truth; the test runs it before the page's
first sample and adds the names it returns to the page's namespace. Resources a setup opens
(a Redis server) go on `cleanup`, which the test closes after the page's last sample.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import pathlib
import tempfile
from collections.abc import Awaitable, Callable

from redis_server import RedisServer

from eightbyeight_async import ContactCenter
from eightbyeight_async.sandbox import Sandbox

Setup = Callable[[Sandbox, ContactCenter, contextlib.ExitStack], Awaitable[dict[str, object]]]
"""(the sandbox, the page's client, the page's cleanup) -> the names the page's samples use."""

PAGE_SETUP: dict[str, Setup] = {}


def page(path: str) -> Callable[[Setup], Setup]:
    """Register the decorated function as the setup of the page at `path`."""

    def register(setup: Setup) -> Setup:
        PAGE_SETUP[path] = setup
        return setup

    return register


def first_agent_id(sb: Sandbox) -> str:
    return str(sb.truth.stats("agents")[0]["agent-id"])


@page("docs/client.md")
@page("docs/apis/stats.md")
async def an_agent(
    sb: Sandbox, cc: ContactCenter, cleanup: contextlib.ExitStack
) -> dict[str, object]:
    # `agent_id`: one of the tenant's agents.
    return {"agent_id": first_agent_id(sb)}


@page("docs/apis/external-ivr.md")
@page("docs/apis/interaction-data.md")
async def a_live_call(
    sb: Sandbox, cc: ContactCenter, cleanup: contextlib.ExitStack
) -> dict[str, object]:
    # `sip_call_id` (the Call-ID of its SIP messages) and `guid` of one phone call.
    call = next(i for i in sb.interaction_data.interactions if i.call_id)
    return {"sip_call_id": call.call_id, "guid": call.guid}


@page("docs/apis/recording-control.md")
async def a_recorded_agent(
    sb: Sandbox, cc: ContactCenter, cleanup: contextlib.ExitStack
) -> dict[str, object]:
    # An agent on a recorded call (`agent_id`, `agent_email`), and the action request token.
    agent = next(
        a
        for a in sb.tenant.agents
        if sb.recording_control.state(a["agent-id"]).enabled
        and sb.recording_control.state(a["agent-id"]).active
    )
    return {
        "agent_id": agent["agent-id"],
        "agent_email": agent["email-address"],
        "action_token": sb.credentials.action_token,
    }


@page("docs/apis/recordings.md")
async def a_finished_call(
    sb: Sandbox, cc: ContactCenter, cleanup: contextlib.ExitStack
) -> dict[str, object]:
    # A post-call screen pop's values for the last recorded call of an agent who also had a
    # chat this week, and the `guid` of one of that agent's chat transcripts.
    week_ago = sb.tenant.now - dt.timedelta(days=7)
    chat = next(
        t
        for t in reversed(sb.truth.recordings("transcripts"))
        if dt.datetime.fromisoformat(t["startDate"]) >= week_ago
    )
    call = next(
        f for f in reversed(sb.truth.recordings("files")) if f["agentID"] == chat["agentID"]
    )
    started = dt.datetime.fromisoformat(call["startDate"])
    return {
        "agent_id": call["agentID"],
        "channel": call["channel"],
        "phone_number": call["phoneNumber"],
        "call_ended": started + dt.timedelta(seconds=int(call["duration"])),
        "guid": chat["interactionGUID"],
    }


@page("docs/sandbox.md")
async def a_tested_integration(
    sb: Sandbox, cc: ContactCenter, cleanup: contextlib.ExitStack
) -> dict[str, object]:
    # What a test's code did before it checks the ground truth: an agent id, a report it
    # created (`report_id`), and the SAPI subscription "crm-sync" it listened to.
    job = await cc.analytics.create_report(
        type="queue-interactions-summary",
        title="Daily queues",
        start=dt.datetime(2024, 5, 1, tzinfo=dt.timezone.utc),
        end=dt.datetime(2024, 5, 8, tzinfo=dt.timezone.utc),
        granularity="day",
        group_by="media-and-channel-and-queue",
    )
    async with cc.streaming.subscribe("crm-sync") as events:
        await anext(events)
    return {"agent_id": first_agent_id(sb), "report_id": job.id}


@page("docs/guides/event-streams.md")
async def a_redis(
    sb: Sandbox, cc: ContactCenter, cleanup: contextlib.ExitStack
) -> dict[str, object]:
    # `redis_url`: a redis-server of the page's own, stopped (and its files removed) after it.
    directory = cleanup.enter_context(tempfile.TemporaryDirectory(prefix="docs-redis-"))
    server = RedisServer(pathlib.Path(directory))
    server.start()
    cleanup.callback(server.stop)
    return {"redis_url": server.url}
