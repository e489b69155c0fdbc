"""The simulation's state: the directory it draws from, each interaction's plan, the world.

See `_tenant_events` for the simulation itself and `_tenant_arrivals` for what arrives.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Literal
from zoneinfo import ZoneInfo

import attrs

from ._entities import Record, iso
from ._tenant_shifts import AgentClock

Kind = Literal["queued", "callback", "campaign", "daa", "consult", "forward", "outbound"]
TYPES: Mapping[Kind, str] = {
    "queued": "",
    "callback": "Web Callback",
    "campaign": "Campaign",
    "daa": "DAA",
    "consult": "Consult",
    "forward": "Fwd to Ext. Number",
    "outbound": "",
}
DIRECTIONS: Mapping[Kind, str] = {
    "queued": "inbound",
    "callback": "outbound",
    "campaign": "outbound",
    "daa": "inbound",
    "consult": "",
    "forward": "inbound",
    "outbound": "outbound",
}
QUEUED_KINDS: frozenset[str] = frozenset({"queued", "callback"})
QUEUED_TYPES: frozenset[str] = frozenset({"", "Web Callback"})
"""The `interaction-type` of a queued interaction (one with a `queue-id`): those the queue and
agent interaction views list, campaign calls aside."""


@attrs.frozen
class Directory:
    """The tenant's directory records, which the events refer to."""

    groups: tuple[Record, ...]
    agents: tuple[Record, ...]
    queues: tuple[Record, ...]
    channels: tuple[Record, ...]  # channels[i] is the entry channel of queues[i]
    campaigns: tuple[Record, ...]
    campaign_records: tuple[Record, ...]
    skills: tuple[Record, ...]
    transaction_codes: tuple[Record, ...]
    status_codes: tuple[Record, ...]
    tenant_name: str


@attrs.define(slots=True, eq=False)
class Plan:
    """One interaction during the simulation: what is known on arrival, then its outcome."""

    kind: Kind
    created: int
    media: str
    values: dict[str, str]
    candidates: Sequence[AgentClock] = ()
    wait: int = 0
    ring: int = 0
    process: int = 0
    post: int = 0
    give_up: int | None = None
    on_accept: dict[str, str] = attrs.Factory(dict)
    tcl: Record | None = None
    tcl_outbound: Record | None = None
    campaign_record: Record | None = None
    tries: int = 0
    agent: AgentClock | None = None
    accepted: int | None = None
    abandoned: int | None = None
    dropped: bool = False
    interaction_id: str = ""

    def finish(self, offered: int) -> int:
        """When the handling ends if an agent is offered this at `offered`."""
        return offered + self.ring + self.process + self.post


@attrs.define(eq=False)
class World:
    """What the simulation consults: the directory, the agents' clocks, who is skilled."""

    directory: Directory
    zone: ZoneInfo
    now: int
    clocks: list[AgentClock]
    skilled: dict[str, list[AgentClock]]
    tcl_items: dict[str, list[Record]]
    callable_records: dict[str, list[Record]]
    campaign_spans: list[tuple[Record, int, int]]

    def stamp(self, epoch: int) -> str:
        """The wire timestamp of an epoch second, in the tenant's zone."""
        return iso(dt.datetime.fromtimestamp(epoch, self.zone))

    def campaign_queue(self) -> Record:
        """The queue campaign calls go through: the first queue, always a phone queue."""
        return self.directory.queues[0]

    def campaigns_at(self, epoch: int) -> list[Record]:
        """The campaigns dialling at `epoch` (within their run and their daily hours)."""
        local = dt.datetime.fromtimestamp(epoch, self.zone)
        minute = local.hour * 60 + local.minute
        return [
            campaign
            for campaign, start, stop in self.campaign_spans
            if start <= epoch < stop
            and int(campaign["daily-start-time"]) <= minute < int(campaign["daily-end-time"])
        ]
