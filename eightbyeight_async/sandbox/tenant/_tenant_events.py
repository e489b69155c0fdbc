"""What happened at the tenant: interactions, activities, outbound calls and status changes.

A small discrete-event simulation keeps every record consistent with every other:

1. Enabled agents work daily shifts with breaks (`_tenant_shifts`).
2. `interactions_per_day` interactions arrive in each 24-hour slice ending at `now`: queued
   ones (some web callbacks), campaign calls, direct agent access (DAA), consults, forwards
   to an external number and agents' own outbound calls.
3. In time order, each interaction that needs an agent is offered to a random one who is
   logged in, not paused, skilled for its queue and idle for the whole handling. A phone or
   chat customer nobody answers abandons; an email or voice mail waits and is offered again
   every 30 minutes; a campaign or outbound call nobody can make is not made. Nothing ends
   after `now`: what would is still waiting.
4. Records are built from the outcome; each handling adds the agent's status changes
   (Transaction Offered, Busy, Post Processing, Available) between its shift's.
"""

from __future__ import annotations

import datetime as dt
import heapq
import random
from collections.abc import Sequence
from itertools import count
from zoneinfo import ZoneInfo

from ._entities import ONLINE_MEDIA, Record
from ._tenant_arrivals import arrive
from ._tenant_codes import AGENT_TCL_LIST, OUTBOUND_TCL_LIST
from ._tenant_records import Events, build_events
from ._tenant_shifts import (
    AVAILABLE,
    BUSY,
    DAY,
    OFFERED,
    POST_PROCESSING,
    AgentClock,
    StatusEvent,
    agent_clocks,
)
from ._tenant_spec import TenantSpec
from ._tenant_world import Directory, Plan, World

__all__ = ["Directory", "Events", "generate_events"]

RETRY_EVERY = 1800
MAX_TRIES = 7


def _epoch(text: str) -> int:
    return int(dt.datetime.fromisoformat(text).timestamp())


def generate_events(
    rng: random.Random, spec: TenantSpec, now: dt.datetime, directory: Directory
) -> Events:
    """Simulate `spec.days` days up to `now`; deterministic under `rng`'s seed."""
    zone = ZoneInfo(spec.timezone)
    end = int(now.timestamp())
    start = end - spec.days * DAY
    codes = {row["scl-item-shortcode-text"]: row for row in directory.status_codes}
    clocks = agent_clocks(rng, directory.agents, codes, (start, end), zone) if spec.days else []
    callable_records = _callable_records(directory)
    world = World(
        directory=directory,
        zone=zone,
        now=end,
        clocks=clocks,
        skilled=_skilled(directory, clocks),
        tcl_items=_tcl_items(directory),
        callable_records=callable_records,
        campaign_spans=[
            (c, _epoch(c["actual-run-time"]), _epoch(c["actual-stop-time"] or c["end-time"]))
            for c in directory.campaigns
            if callable_records[c["campaign-id"]]
        ],
    )
    moments = sorted(
        end - DAY * slice_ - rng.randrange(1, DAY)
        for slice_ in range(spec.days)
        for _ in range(spec.interactions_per_day)
    )
    plans = [arrive(rng, created, world) for created in moments]
    _simulate(rng, plans, world)
    return build_events(plans, world)


def _skilled(directory: Directory, clocks: Sequence[AgentClock]) -> dict[str, list[AgentClock]]:
    by_id = {clock.record["agent-id"]: clock for clock in clocks}
    skilled: dict[str, list[AgentClock]] = {q["queue-id"]: [] for q in directory.queues}
    for skill in directory.skills:
        clock = by_id.get(skill["agent-id"])
        if clock is not None and skill["enabled"] == "Y":
            skilled[skill["queue-id"]].append(clock)
    return skilled


def _tcl_items(directory: Directory) -> dict[str, list[Record]]:
    items: dict[str, list[Record]] = {AGENT_TCL_LIST: [], OUTBOUND_TCL_LIST: []}
    for row in directory.transaction_codes:
        items.setdefault(row["tcl-list-id"], []).append(row)
    return items


def _callable_records(directory: Directory) -> dict[str, list[Record]]:
    records: dict[str, list[Record]] = {c["campaign-id"]: [] for c in directory.campaigns}
    for record in directory.campaign_records:
        if record["phone-list"]:
            records[record["campaign-id"]].append(record)
    return records


# --- simulation ----------------------------------------------------------------------------


def _simulate(rng: random.Random, plans: Sequence[Plan], world: World) -> None:
    """Offer every plan that needs an agent, earliest first; record who took it and when."""
    order = count()
    queue: list[tuple[int, int, Plan]] = []
    for plan in plans:
        if plan.kind == "forward":
            continue
        if plan.give_up is not None:
            if plan.created + plan.give_up <= world.now:
                plan.abandoned = plan.created + plan.give_up
            continue
        queue.append((plan.created + plan.wait, next(order), plan))
    heapq.heapify(queue)
    while queue:
        offered, _, plan = heapq.heappop(queue)
        if offered > world.now:
            plan.dropped = plan.kind in ("campaign", "outbound")
            continue
        finish = plan.finish(offered)
        free = [clock for clock in plan.candidates if clock.free(offered, finish)]
        plan.tries += 1
        if free:
            _assign(plan, rng.choice(free), offered, order)
        elif plan.media not in ONLINE_MEDIA and plan.tries < MAX_TRIES:
            heapq.heappush(queue, (offered + RETRY_EVERY, next(order), plan))
        elif plan.kind in ("campaign", "outbound"):
            plan.dropped = True
        elif plan.media in ONLINE_MEDIA:
            plan.abandoned = offered


def _assign(plan: Plan, clock: AgentClock, offered: int, order: count[int]) -> None:
    """`clock`'s agent takes `plan` at `offered`: its status changes until it is free again."""
    plan.agent = clock
    plan.accepted = offered + plan.ring
    clock.busy_until = plan.finish(offered)
    done = plan.accepted + plan.process
    changes = [(plan.accepted, BUSY), (done, POST_PROCESSING), (clock.busy_until, AVAILABLE)]
    if plan.ring:
        changes.insert(0, (offered, OFFERED))
    clock.events += [StatusEvent(at, next(order) + 1, s, None, plan) for at, s in changes]
