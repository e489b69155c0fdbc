"""A user's own integration code: per-agent totals from an interaction export, and a SAPI
consumer that mirrors every event into a journal (a stand-in for a CRM)."""

from __future__ import annotations

import dataclasses
import datetime as dt

from eightbyeight_async import ContactCenter, ReconnectPolicy
from eightbyeight_async.types.detailed_reports import TimedValue

UNASSIGNED = "(unassigned)"
"""The agent of an interaction no agent handled (abandoned, voicemail, ...)."""


@dataclasses.dataclass
class AgentTotals:
    """One agent's interactions and the time spent handling them."""

    interactions: int = 0
    handling: dt.timedelta = dt.timedelta()


async def agent_totals(
    cc: ContactCenter, *, start: dt.datetime, end: dt.datetime
) -> dict[str, AgentTotals]:
    """Every interaction created in `[start, end)`, summed up per agent id."""
    totals: dict[str, AgentTotals] = {}
    async with cc.analytics.export_interactions(start=start, end=end, tz="UTC") as export:
        async for item in export:
            agent = totals.setdefault(str(item.row["agentId"] or UNASSIGNED), AgentTotals())
            agent.interactions += 1
            handling = item.row["handlingDuration"]
            if isinstance(handling, TimedValue) and isinstance(handling.value, dt.timedelta):
                agent.handling += handling.value
    return totals


@dataclasses.dataclass(frozen=True)
class JournalEntry:
    """One SAPI event as the journal keeps it: its kind and where it sits in the stream."""

    kind: str
    instance_id: str | None
    sequence_id: int | None


async def mirror_events(
    cc: ContactCenter,
    subscription_id: str,
    journal: list[JournalEntry],
    *,
    reconnect: ReconnectPolicy | None = None,
) -> None:
    """Append each event of the subscription to `journal`, in order, until cancelled."""
    async with cc.streaming.subscribe(subscription_id, reconnect=reconnect) as events:
        async for event in events:
            info = event.msg_info
            journal.append(JournalEntry(type(event).__name__, info.instance_id, info.sequence_id))
