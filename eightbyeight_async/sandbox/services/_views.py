"""What each statistics path shows of the records it lists: a `View`.

A view names the documented record type (element names, fields in the sample's order), the
field `d=` selects on, how a stored record becomes the wire record, and which stored fields
the wire record does not show but a query variable may still filter on — the document's own
example filters agent interactions on `media-type=T&queue-id=102`, neither of which the
agent interaction sample shows.

Date fields: interactions listed by queue, channel or everything and /allinteractions by
`create-timestamp`; agent and campaign interactions by `accept-timestamp` (the only time they
show); activities by `trans-accept-time`, statuses by `event-time`, outbound calls by
`start-time`, statistics and SLAs by `time-stamp`, status statistics by `period-start`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, cast

import attrs

from ..tenant._entities import (
    ACTIVITIES,
    AGENT_INTERACTIONS,
    AGENT_SKILLS,
    AGENTS,
    ALL_INTERACTIONS,
    CAMPAIGN_INTERACTIONS,
    CAMPAIGN_RECORDS,
    CAMPAIGNS,
    CHANNELS,
    GROUPS,
    HIDDEN_INTERACTION_FIELDS,
    MEDIA_CODES,
    OFFLINE_SLAS,
    ONLINE_SLAS,
    OUTBOUND_CALLS,
    QUEUE_INTERACTIONS,
    QUEUE_SKILLS,
    QUEUES,
    STATISTICS,
    STATUS_CODES,
    STATUS_STATISTICS,
    STATUSES,
    TRANSACTION_CODES,
    Entity,
    Record,
    WireRecord,
)

if TYPE_CHECKING:
    from ._index import StatsIndex

Derive = Callable[["StatsIndex", Record], str]
"""(index, stored record) → the wire value of one field the stored record does not hold."""


@attrs.frozen(eq=False)
class View:
    """How one kind of listing shows its records.

    A projected view lists stored raw records and shows `entity`'s fields of each: the
    stored value, or `derived[name]` for a field the stored record does not hold (or holds
    in another form, like the media-type word where the view shows its code). `hidden`
    names the fields a query variable may filter on that the wire record does not show;
    their values are the stored ones, or derived ones when `derived` has them.
    """

    entity: Entity
    date_field: str | None = None
    projected: bool = False
    derived: Mapping[str, Derive] = attrs.field(factory=dict)
    hidden: tuple[str, ...] = ()

    @property
    def filterable(self) -> frozenset[str]:
        """The query variable names this listing accepts as filters."""
        return frozenset(self.entity.scalar_fields) | frozenset(self.hidden)

    def wire(self, index: StatsIndex, stored: WireRecord) -> WireRecord:
        """The record as the server sends it."""
        if not self.projected:
            return stored
        derived, raw = self.derived, cast(Record, stored)  # projected views list raw records
        return {
            name: derived[name](index, raw) if name in derived else raw[name]
            for name in self.entity.fields
        }

    def matches(
        self, index: StatsIndex, stored: WireRecord, filters: Mapping[str, frozenset[str]]
    ) -> bool:
        """Whether every filtered field has one of the wanted values (exact strings).

        Reads each filtered field alone (no projection of the whole record): filtering a
        month of interactions costs a dict lookup per record and filter.
        """
        for name, wanted in filters.items():
            derive = self.derived.get(name)
            value = derive(index, cast(Record, stored)) if derive else stored[name]
            if value not in wanted:
                return False
        return True


def _finish(index: StatsIndex, stored: Record) -> str:
    """When the agent finished (post-processing included); "" while not handled."""
    if not (stored["accept-timestamp"] and stored["total-time"]):
        return ""
    finished = index.epoch(stored["accept-timestamp"]) + int(stored["total-time"])
    return index.clock.stamp(finished)


def _group_of(field: str) -> Derive:
    """A field of the agent's group (agent interactions do not store the group)."""

    def derive(index: StatsIndex, stored: Record) -> str:
        agent = index.known("agents")[stored["agent-id"]]
        return index.known("groups")[agent["group-id"]][field]

    return derive


def _media_code(_index: StatsIndex, stored: Record) -> str:
    media = stored["media-type"]
    return MEDIA_CODES.get(media, media)


def _stored_as(field: str) -> Derive:
    return lambda _index, stored: stored[field]


GROUP_VIEW = View(GROUPS)
AGENT_VIEW = View(AGENTS)
QUEUE_VIEW = View(QUEUES)
CHANNEL_VIEW = View(CHANNELS)
CAMPAIGN_VIEW = View(CAMPAIGNS)
CAMPAIGN_RECORD_VIEW = View(CAMPAIGN_RECORDS)
TRANSACTION_CODE_VIEW = View(TRANSACTION_CODES)
STATUS_CODE_VIEW = View(STATUS_CODES)
AGENT_SKILL_VIEW = View(AGENT_SKILLS)
QUEUE_SKILL_VIEW = View(QUEUE_SKILLS, projected=True)  # agent-id before queue-id
ACTIVITY_VIEW = View(ACTIVITIES, "trans-accept-time")
STATUS_VIEW = View(STATUSES, "event-time")
OUTBOUND_CALL_VIEW = View(OUTBOUND_CALLS, "start-time")
AGENT_INTERACTION_VIEW = View(
    AGENT_INTERACTIONS,
    "accept-timestamp",
    projected=True,
    derived={
        "group-id": _group_of("group-id"),
        "group-name": _group_of("group-name"),
        "finish-timestamp": _finish,
        "media-type": _media_code,
    },
    hidden=("media-type", "queue-id", "channel-id"),
)
QUEUE_INTERACTION_VIEW = View(
    QUEUE_INTERACTIONS,
    "create-timestamp",
    projected=True,
    derived={"media-type": _media_code, "finish-timestamp": _finish},
    hidden=("queue-id", "agent-id"),
)
CAMPAIGN_INTERACTION_VIEW = View(
    CAMPAIGN_INTERACTIONS,
    "accept-timestamp",
    projected=True,
    derived={
        "called-number": _stored_as("destination-original"),
        "total-process-time": _stored_as("total-time"),
    },
    hidden=("agent-id", "queue-id"),
)
ALL_INTERACTION_VIEW = View(
    ALL_INTERACTIONS, "create-timestamp", projected=True, hidden=HIDDEN_INTERACTION_FIELDS
)
STATISTICS_VIEW = View(STATISTICS, "time-stamp")
ONLINE_SLA_VIEW = View(ONLINE_SLAS, "time-stamp")
OFFLINE_SLA_VIEW = View(OFFLINE_SLAS, "time-stamp")
STATUS_STATISTICS_VIEW = View(STATUS_STATISTICS, "period-start")
