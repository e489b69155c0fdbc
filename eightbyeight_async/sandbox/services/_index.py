"""Indexes over a tenant, so a statistics request costs its page, not the whole tenant.

Every listing is a `Series`: records sorted by the field `d=` filters on, with that field's
epoch seconds alongside, so a date range is two bisections. Event listings are grouped by
agent, group, queue, channel and campaign once, when the server starts; the 30-minute
aggregates of one agent, queue or channel are computed on first request and kept.
"""

from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Mapping, Sequence
from operator import itemgetter
from typing import Generic, TypeVar
from zoneinfo import ZoneInfo

import attrs

from ..tenant._aggregates import Clock, epoch, interaction_statistics, sla_rows, status_statistics
from ..tenant._entities import ONLINE_MEDIA, Record, WireRecord
from ..tenant._tenant import Tenant
from ..tenant._tenant_world import QUEUED_TYPES

R = TypeVar("R", bound=WireRecord, covariant=True)


@attrs.frozen
class Series(Generic[R]):
    """Records in the order listed; `keys` (when dated) are the epoch seconds `d=` compares."""

    items: Sequence[R]
    keys: Sequence[int] | None = None

    def between(self, start: float, end: float) -> Sequence[R]:
        """The records whose key is in [start, end) (all of them when undated)."""
        if self.keys is None:
            return self.items
        return self.items[bisect_left(self.keys, start) : bisect_left(self.keys, end)]


EMPTY: Series[Record] = Series((), ())


class StatsIndex:
    """A tenant's records arranged for the statistics routes (read-only after building)."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.clock = Clock(ZoneInfo(tenant.timezone))
        self.now = tenant.now
        self._epochs: dict[str, int] = {}
        self.directory: dict[str, dict[str, Record]] = {
            "groups": {g["group-id"]: g for g in tenant.groups},
            "agents": {a["agent-id"]: a for a in tenant.agents},
            "queues": {q["queue-id"]: q for q in tenant.queues},
            "channels": {c["channel-id"]: c for c in tenant.channels},
            "campaigns": {c["campaign-id"]: c for c in tenant.campaigns},
        }
        # The generator gives each queue one entry channel: channels[i] serves queues[i].
        self.queue_of_channel: dict[str, Record] = {
            channel["channel-id"]: queue | {"channel-id": channel["channel-id"]}
            for queue, channel in zip(tenant.queues, tenant.channels, strict=True)
        }
        self.queue_info = {q["queue-id"]: q for q in self.queue_of_channel.values()}
        self.members: dict[str, dict[str, Series[Record]]] = {}
        self.wholes: dict[str, Series[Record]] = {}
        self._index_directory()
        self._index_interactions()
        self._index_events()
        self._aggregates: dict[tuple[str, str, str], Series[WireRecord]] = {}
        self._lock = threading.Lock()

    # --- building ---------------------------------------------------------------------------

    def epoch(self, text: str) -> int:
        """Epoch seconds of a wire timestamp (memoized: many records share a second)."""
        value = self._epochs.get(text)
        if value is None:
            value = self._epochs[text] = epoch(text)
        return value

    def _dated(self, records: Iterable[R], field: str) -> Series[R]:
        pairs = sorted(((self.epoch(str(r[field])), r) for r in records), key=itemgetter(0))
        return Series(tuple(r for _, r in pairs), tuple(k for k, _ in pairs))

    def _group(
        self, records: Iterable[Record], key: Callable[[Record], str], field: str | None
    ) -> dict[str, Series[Record]]:
        groups: dict[str, list[Record]] = {}
        for record in records:
            groups.setdefault(key(record), []).append(record)
        if field is None:
            return {name: Series(tuple(rows)) for name, rows in groups.items()}
        return {name: self._dated(rows, field) for name, rows in groups.items()}

    def _group_of(self, record: Record) -> str:
        return self.directory["agents"][record["agent-id"]]["group-id"]

    def _index_directory(self) -> None:
        tenant = self.tenant
        self.members["agents/group"] = self._group(tenant.agents, itemgetter("group-id"), None)
        self.members["skills/agent"] = self._group(tenant.skills, itemgetter("agent-id"), None)
        self.members["skills/queue"] = self._group(tenant.skills, itemgetter("queue-id"), None)
        self.members["records/campaign"] = self._group(
            tenant.campaign_records, itemgetter("campaign-id"), None
        )
        for name in ("groups", "agents", "queues", "channels", "campaigns"):
            self.wholes[name] = Series(getattr(tenant, name))
        self.wholes["tcls"] = Series(tenant.transaction_codes)
        self.wholes["scls"] = Series(tenant.status_codes)

    def _index_interactions(self) -> None:
        everything = self.tenant.interactions
        queued = [r for r in everything if r["queue-id"] and r["interaction-type"] in QUEUED_TYPES]
        accepted = [r for r in queued if r["agent-id"]]
        calls = [r for r in everything if r["campaign-id"] and r["agent-id"]]
        created, taken = "create-timestamp", "accept-timestamp"
        self.wholes["allinteractions"] = self._dated(everything, created)
        self.wholes["interactions"] = self._dated(queued, created)
        self.members["queued/queue"] = self._group(queued, itemgetter("queue-id"), created)
        self.members["queued/channel"] = self._group(queued, itemgetter("channel-id"), created)
        self.members["accepted/agent"] = self._group(accepted, itemgetter("agent-id"), taken)
        self.members["accepted/group"] = self._group(accepted, self._group_of, taken)
        self.members["calls/campaign"] = self._group(calls, itemgetter("campaign-id"), taken)

    def _index_events(self) -> None:
        tenant = self.tenant
        for name, records, field in (
            ("activities", tenant.activities, "trans-accept-time"),
            ("statuses", tenant.statuses, "event-time"),
            ("outbound", tenant.outbound_calls, "start-time"),
        ):
            self.members[f"{name}/agent"] = self._group(records, itemgetter("agent-id"), field)
            self.members[f"{name}/group"] = self._group(records, itemgetter("group-id"), field)

    # --- looking up -------------------------------------------------------------------------

    def known(self, kind: str) -> Mapping[str, Record]:
        """The directory records of one kind of id, by id."""
        return self.directory[kind]

    def member(self, table: str, key: str) -> Series[Record]:
        """The records of `table` (e.g. "statuses/agent") belonging to `key`."""
        return self.members[table].get(key, EMPTY)

    def whole(self, name: str) -> Series[Record]:
        """A listing not restricted to an id (e.g. "groups", "allinteractions")."""
        return self.wholes[name]

    def aggregate(self, name: str, kind: str, key: str) -> Series[WireRecord]:
        """The 30-minute rows `name` ("statistics", "online_slas", "offline_slas" or
        "statuses/statistics") of one agent, queue or channel; computed once, then kept."""
        cached = self._aggregates.get((name, kind, key))
        if cached is None:
            with self._lock:  # the server thread and a test's `sb.truth` may race
                cached = self._aggregates.get((name, kind, key))
                if cached is None:
                    rows = self._compute(name, kind, key)
                    stamp = "period-start" if name == "statuses/statistics" else "time-stamp"
                    cached = self._dated(rows, stamp)
                    self._aggregates[name, kind, key] = cached
        return cached

    def _compute(self, name: str, kind: str, key: str) -> list[WireRecord]:
        if name == "statuses/statistics":
            agent = self.directory["agents"][key]
            group = self.directory["groups"][agent["group-id"]]
            changes = self.member("statuses/agent", key).items
            now = int(self.now.timestamp())
            return status_statistics(changes, agent, group, now, self.clock)
        table = {"agents": "accepted/agent", "queues": "queued/queue"}.get(kind, "queued/channel")
        interactions = self.member(table, key).items
        if name == "statistics":
            return interaction_statistics(interactions, self.queue_info, self.clock)
        queue = self.queue_info[key] if kind == "queues" else self.queue_of_channel[key]
        online = name == "online_slas"
        if online != (queue["media-type"] in ONLINE_MEDIA):
            return []  # an on-line queue has no off-line SLAs, and the reverse
        return sla_rows(interactions, queue, self.clock, online=online)
