"""Agent shifts for the tenant's event simulation: when each agent can take an interaction.

Every enabled agent works one shift a day (three staggered shifts cover the clock): logged
in for 8-9 hours with a short break, a lunch break and sometimes a spell of working offline.
An `AgentClock` holds the agent's free windows (logged in, not paused), when its current
interaction ends, and the status changes so far; the simulation offers interactions to it.
"""

from __future__ import annotations

import datetime as dt
import random
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from typing import Protocol
from zoneinfo import ZoneInfo

import attrs

from ._entities import Record
from ._tenant_codes import BREAK, END_OF_SHIFT, LUNCH, MEETING, TRAINING

DAY = 86_400
SHIFT = 8 * 3600

AVAILABLE = "Available"
OFFERED = "Transaction Offered"
BUSY = "Busy"
POST_PROCESSING = "Post Processing"
ON_BREAK = "On Break"
WORKING_OFFLINE = "Working Offline"
LOGGED_OUT = "Logged Out"
STATUS_NAMES = (AVAILABLE, OFFERED, BUSY, POST_PROCESSING, ON_BREAK, WORKING_OFFLINE, LOGGED_OUT)
"""The `status` values of /statuses (the real-time API's agent statuses, spelled out)."""


class Handled(Protocol):
    """An interaction an agent handled, numbered once the simulation is over."""

    interaction_id: str


@attrs.define(slots=True, eq=False)
class StatusEvent:
    """One status change; `rank` orders changes at the same second (shift changes first)."""

    time: int
    rank: int
    status: str
    code: Record | None = None
    """The status code row chosen with it (breaks, working offline, log out)."""
    interaction: Handled | None = None
    """The interaction whose handling caused it; its id becomes the `transaction-id`."""


@attrs.define(eq=False)
class AgentClock:
    """One working agent during the simulation."""

    record: Record
    order: int
    windows: list[tuple[int, int]] = attrs.Factory(list)
    starts: list[int] = attrs.Factory(list)
    busy_until: int = 0
    events: list[StatusEvent] = attrs.Factory(list)

    def free(self, start: int, end: int) -> bool:
        """Whether the agent is idle at `start` and stays logged in, unpaused, past `end`."""
        if start < self.busy_until:
            return False
        index = bisect_right(self.starts, start) - 1
        return index >= 0 and end < self.windows[index][1]

    def add_window(self, start: int, end: int) -> None:
        """Record a free window [start, end); windows arrive in time order."""
        if start < end:
            self.windows.append((start, end))
            self.starts.append(start)


def agent_clocks(
    rng: random.Random,
    agents: Sequence[Record],
    codes: Mapping[str, Record],
    span: tuple[int, int],
    zone: ZoneInfo,
) -> list[AgentClock]:
    """The clocks of the enabled agents, with their shifts over `span` (epoch seconds)."""
    first, now = span
    day = dt.datetime.fromtimestamp(first, zone).date() - dt.timedelta(days=1)
    midnights = []
    while day <= dt.datetime.fromtimestamp(now, zone).date():
        midnights.append(int(dt.datetime.combine(day, dt.time(), tzinfo=zone).timestamp()))
        day += dt.timedelta(days=1)
    clocks = []
    for order, agent in enumerate(agents):
        if agent["enabled"] != "Y":
            continue
        clock = AgentClock(agent, order)
        for midnight in midnights:
            _shift(rng, clock, midnight + (order % 3) * SHIFT, codes, span)
        clocks.append(clock)
    return clocks


def _shift(
    rng: random.Random,
    clock: AgentClock,
    planned: int,
    codes: Mapping[str, Record],
    span: tuple[int, int],
) -> None:
    """One shift from about `planned`: status changes and free windows up to `now`."""
    first, now = span
    begin = planned + rng.randrange(-1800, 1800)
    end = begin + SHIFT + rng.randrange(3600)
    pauses = [
        (begin + rng.randrange(3600, 10800), rng.randrange(600, 1200), ON_BREAK, BREAK),
        (begin + rng.randrange(14400, 18000), rng.randrange(1200, 2400), ON_BREAK, LUNCH),
    ]
    if rng.random() < 0.3:
        at, length = begin + rng.randrange(21600, 25200), rng.randrange(900, 1800)
        pauses.append((at, length, WORKING_OFFLINE, rng.choice((MEETING, TRAINING))))
    if end <= first or begin >= now:
        return
    changes: list[tuple[int, str, str | None]] = [(begin, AVAILABLE, None)]
    free_from = begin
    for at, length, status, code_name in pauses:
        changes += [(at, status, code_name), (at + length, AVAILABLE, None)]
        clock.add_window(free_from, min(at, now))
        free_from = at + length
    clock.add_window(free_from, min(end, now))
    changes.append((end, LOGGED_OUT, END_OF_SHIFT))
    clock.events += [
        StatusEvent(at, 0, status, codes[name] if name else None)
        for at, status, name in changes
        if at <= now
    ]
