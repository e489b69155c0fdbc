"""The event records, built from the simulation's outcome (see `_tenant_events`).

Interactions get ids in creation order; activities (one per interaction an agent handled,
outbound calls aside) and outbound calls are listed by accept time; status changes by time,
then agent. Called campaign records take the status and disposition of their last call.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import TYPE_CHECKING

import attrs

from ._entities import ACTIVITIES, INTERACTIONS, OUTBOUND_CALLS, STATUSES, Record, make_record

if TYPE_CHECKING:
    from ._tenant_world import Plan, World

_LINE_FIELDS = (
    "max-hold-time", "hold-count", "total-hold-time", "call-leg1-post-dial-delay",
    "call-leg2-post-dial-delay", "call-leg1-answer-time", "call-leg2-answer-time",
    "call-leg1-sip-id", "call-leg2-sip-id",
)  # fmt: skip


@attrs.frozen
class Events:
    """The event records of a tenant, each tuple in time order."""

    interactions: tuple[Record, ...]
    activities: tuple[Record, ...]
    statuses: tuple[Record, ...]
    outbound_calls: tuple[Record, ...]


def build_events(plans: list[Plan], world: World) -> Events:
    """Number the interactions that happened and build every event record."""
    kept = [plan for plan in plans if not plan.dropped]
    for number, plan in enumerate(kept):
        plan.interaction_id = str(1000 + number)
    groups = {group["group-id"]: group for group in world.directory.groups}
    interactions = tuple(_interaction(plan, world) for plan in kept)
    handled = [(p, r) for p, r in zip(kept, interactions, strict=True) if p.agent is not None]
    for plan, record in handled:
        if plan.campaign_record is not None:
            plan.campaign_record["status"] = record["record-status"]
            plan.campaign_record["disposition-code"] = record["disposition-code"]
    by_accept = sorted(handled, key=lambda pair: pair[0].accepted or 0)
    return Events(
        interactions=interactions,
        activities=tuple(
            _activity(p, r, world, groups) for p, r in by_accept if p.kind != "outbound"
        ),
        statuses=_statuses(world, groups),
        outbound_calls=tuple(_outbound_call(p, r) for p, r in by_accept if p.kind == "outbound"),
    )


def _interaction(plan: Plan, world: World) -> Record:
    values = dict(plan.values)
    values["interaction-id"] = plan.interaction_id
    values["create-timestamp"] = world.stamp(plan.created)
    if plan.abandoned is not None:
        values["abandon-timestamp"] = world.stamp(plan.abandoned)
    if plan.agent is not None and plan.accepted is not None:
        agent = plan.agent.record
        values |= {
            "agent-name": agent["full-name"],
            "agent-id": agent["agent-id"],
            "accept-timestamp": world.stamp(plan.accepted),
            "process-time": str(plan.process),
            "post-process-time": str(plan.post),
            "total-time": str(plan.process + plan.post),
            **plan.on_accept,
        }
        if "recording-filename" in values:
            local = dt.datetime.fromtimestamp(plan.accepted, world.zone)
            suffix = values["recording-filename"]
            values["recording-filename"] = f"S{local:%Y%m%d}/R{local:%Y%m%d%H%M%S}{suffix}.wav"
        if plan.kind == "outbound":
            values["origination"] = agent["agent-id"]
    return make_record(INTERACTIONS, values)


def _codes(row: Record | None, prefix: str) -> dict[str, str]:
    """The four `tcl-*` (or `tcl-outbound-*`) fields of a chosen transaction code."""
    if row is None:
        return {}
    return {
        f"{prefix}-list-id": row["tcl-list-id"],
        f"{prefix}-item-id": row["tcl-item-id"],
        f"{prefix}-item-shortcode-text": row["tcl-item-shortcode-text"],
        f"{prefix}-item-report-text": row["tcl-item-report-text"],
    }


def _agent_fields(plan: Plan, groups: Mapping[str, Record]) -> dict[str, str]:
    assert plan.agent is not None
    agent = plan.agent.record
    return {
        "agent-id": agent["agent-id"],
        "agent-name": agent["full-name"],
        "group-id": agent["group-id"],
        "group-name": groups[agent["group-id"]]["group-name"],
    }


def _activity(plan: Plan, record: Record, world: World, groups: Mapping[str, Record]) -> Record:
    media = record["media-type"]
    queue_id = record["queue-id"]
    queue_obj = (
        f"{world.directory.tenant_name}~~queue~~{media.lower().replace(' ', '')}~~{queue_id}"
    )
    values = _agent_fields(plan, groups) | {
        "media-type": media,
        "channel-id": record["channel-id"],
        "channel-obj-id": record["channel-obj-id"],
        "queue-obj-id": queue_obj if queue_id else "",
        "queue-name": record["queue-name"],
        "transaction_id": record["interaction-id"],
        "origination": record["origination"],
        "customer-name": record["customer-name"],
        "trans-accept-time": record["accept-timestamp"],
        "trans-proc-time": record["process-time"],
        "trans-post-proc-time": record["post-process-time"],
        "trans-total-time": record["total-time"],
        "trans-transfer-from": record["transfer-from"],
        "trans-conference-from": record["conference-from"],
        "case-id": record["case-id"],
        "recording-filename": record["recording-filename"],
        **_codes(plan.tcl, "tcl"),
    }
    return make_record(ACTIVITIES, values)


def _outbound_call(plan: Plan, record: Record) -> Record:
    assert plan.agent is not None
    agent = plan.agent.record
    values = {
        "agent-id": agent["agent-id"],
        "agent-name": agent["full-name"],
        "group-id": agent["group-id"],
        "transaction-id": record["interaction-id"],
        "destination": record["destination-original"],
        "start-time": record["accept-timestamp"],
        "total-time": record["total-time"],
        "recording-filename": record["recording-filename"],
        **{name: record[name] for name in _LINE_FIELDS},
        **_codes(plan.tcl, "tcl"),
        **_codes(plan.tcl_outbound, "tcl-outbound"),
    }
    return make_record(OUTBOUND_CALLS, values)


def _statuses(world: World, groups: Mapping[str, Record]) -> tuple[Record, ...]:
    """Every agent's status changes, by time, then agent, then order of change."""
    changes = sorted(
        ((clock, event) for clock in world.clocks for event in clock.events),
        key=lambda pair: (pair[1].time, pair[0].order, pair[1].rank),
    )
    records = []
    for clock, event in changes:
        agent = clock.record
        values = {
            "agent-id": agent["agent-id"],
            "agent-name": agent["full-name"],
            "group-id": agent["group-id"],
            "group-name": groups[agent["group-id"]]["group-name"],
            "status": event.status,
            "event-time": world.stamp(event.time),
            "transaction-id": event.interaction.interaction_id if event.interaction else "",
        }
        if event.code is not None:
            values |= {
                name: event.code[name]
                for name in (
                    "scl-list-id", "scl-item-id", "scl-item-shortcode-text",
                    "scl-item-report-text",
                )
            }  # fmt: skip
        records.append(make_record(STATUSES, values))
    return tuple(records)
