"""A deterministic, seeded generator of one simulated tenant: the sandbox's ground truth.

Every record is a plain dict keyed by the documented hyphenated wire names, with the string
values the wire carries (ISO-8601 timestamps with an offset, "" for an empty element), so a
test can compare what a client decoded against exactly what the server holds.

This module builds the tenant's directory (groups, agents, queues, channels, campaigns and
their records, skills, code lists); `_tenant_events` simulates what happened over the days
(agent shifts and status changes, interactions, activities, outbound calls). The aggregated
views (30-minute statistics, SLAs, status statistics) are derived by the server from these.
"""

from __future__ import annotations

import datetime as dt
import random
import string
from collections.abc import Mapping, Sequence
from zoneinfo import ZoneInfo

import attrs

from ._entities import (
    ACTIVITIES,
    AGENT_SKILLS,
    AGENTS,
    CAMPAIGN_RECORDS,
    CAMPAIGNS,
    CHANNELS,
    GROUPS,
    INTERACTIONS,
    MEDIA_NAMES,
    OUTBOUND_CALLS,
    QUEUES,
    STATUS_CODES,
    STATUSES,
    TRANSACTION_CODES,
    Entity,
    Record,
    iso,
    make_record,
)
from ._tenant_codes import status_codes, transaction_codes
from ._tenant_events import generate_events
from ._tenant_spec import DEFAULT_NOW, TenantSpec
from ._tenant_world import Directory

__all__ = ["DEFAULT_NOW", "Credentials", "Entity", "Record", "Tenant", "TenantSpec"]

# Some values carry characters that must be escaped (&, <, ", a comma, non-ASCII).
_FIRST = ("Fred", "Alice", "Bob", "Carla", "José", "Zoë", "Mei", "Omar", "Priya", "Sven")
_LAST = ("Bloggs", "Smith", "Nguyen", "O'Brien", "García", "Müller", "Khan", "Rossi", "Kim")
_GROUPS = ("Support", "East Coast Sales", "Sales & Retention", "Billing", "Escalations <VIP>")
_COMPANIES = ("acme", "globex", "initech", "umbrella", "hooli", "vandelay")
_SKILL_LEVELS = ("high", "medium", "low")


@attrs.frozen(repr=False)
class Credentials:
    """The tenant's secrets, derived from the seed; never shown by repr."""

    tenant_name: str
    data_token: str
    action_token: str
    analytics_client_id: str
    analytics_secret: str
    recent_calls_api_key: str
    recent_calls_token: str
    events_api_key: str
    """The Event Streaming key (`X-API-Key`), an `eght_…` key like Recent Calls'."""

    def __repr__(self) -> str:
        return f"Credentials(tenant_name={self.tenant_name!r})"


@attrs.frozen(repr=False)
class Tenant:
    """One simulated tenant: its credentials and every raw record, in the order listed.

    Event records are in time order: `interactions` by create-timestamp (their ids ascend
    with it), `activities` by trans-accept-time, `statuses` by event-time, `outbound_calls`
    by start-time. An interaction also holds the ids it belongs to (`queue-id`, `channel-id`,
    `agent-id`, `campaign-id`, "" when none), which no documented view shows.
    """

    name: str
    timezone: str
    now: dt.datetime
    credentials: Credentials
    groups: tuple[Record, ...]
    agents: tuple[Record, ...]
    queues: tuple[Record, ...]
    channels: tuple[Record, ...]
    campaigns: tuple[Record, ...]
    interactions: tuple[Record, ...]
    activities: tuple[Record, ...] = ()
    statuses: tuple[Record, ...] = ()
    outbound_calls: tuple[Record, ...] = ()
    skills: tuple[Record, ...] = ()
    campaign_records: tuple[Record, ...] = ()
    transaction_codes: tuple[Record, ...] = ()
    status_codes: tuple[Record, ...] = ()

    def __repr__(self) -> str:
        counts = ", ".join(f"{name}={len(getattr(self, name))}" for name in _ATTRIBUTES.values())
        return f"Tenant(name={self.name!r}, now={self.now.isoformat()!r}, {counts})"

    def records(self, entity: Entity) -> tuple[Record, ...]:
        """All raw records of one documented type."""
        return tuple(getattr(self, _ATTRIBUTES[entity]))

    def find(self, entity: Entity, key: str) -> Record | None:
        """The record of `entity` whose id field equals `key`, or None."""
        return next((r for r in self.records(entity) if r[entity.key] == key), None)

    def agents_in_group(self, group_id: str) -> tuple[Record, ...] | None:
        """The agents of one group (None when the group does not exist)."""
        if self.find(GROUPS, group_id) is None:
            return None
        return tuple(a for a in self.agents if a["group-id"] == group_id)


_ATTRIBUTES: Mapping[Entity, str] = {
    GROUPS: "groups",
    AGENTS: "agents",
    QUEUES: "queues",
    CHANNELS: "channels",
    CAMPAIGNS: "campaigns",
    INTERACTIONS: "interactions",
    ACTIVITIES: "activities",
    STATUSES: "statuses",
    OUTBOUND_CALLS: "outbound_calls",
    AGENT_SKILLS: "skills",
    CAMPAIGN_RECORDS: "campaign_records",
    TRANSACTION_CODES: "transaction_codes",
    STATUS_CODES: "status_codes",
}


def generate_tenant(spec: TenantSpec | None = None) -> Tenant:
    """Build a tenant from `spec`; the same spec always gives an identical tenant."""
    spec = spec or TenantSpec()
    zone = ZoneInfo(spec.timezone)
    now = spec.now.astimezone(zone)
    credentials = _credentials(random.Random(f"{spec.seed}:credentials"), spec.name)
    rng = random.Random(f"{spec.seed}:records")
    groups = _groups(rng, spec.groups)
    active = [g["group-id"] for g in groups if g["deleted"] == "No"]
    agents = _agents(rng, spec.agents, active, now)
    queues = _queues(rng, spec.queues)
    campaigns = tuple(_campaign(rng, 301 + i, now, spec.days) for i in range(spec.campaigns))
    records = tuple(r for c in campaigns for r in _campaign_records(rng, c))
    directory = Directory(
        groups=groups,
        agents=agents,
        queues=queues,
        channels=tuple(_channel(q) for q in queues),
        campaigns=campaigns,
        campaign_records=records,
        skills=_skills(rng, agents, queues),
        transaction_codes=transaction_codes(),
        status_codes=status_codes(),
        tenant_name=credentials.tenant_name,
    )
    events = generate_events(random.Random(f"{spec.seed}:events"), spec, now, directory)
    return Tenant(
        name=credentials.tenant_name,
        timezone=spec.timezone,
        now=now,
        credentials=credentials,
        groups=groups,
        agents=agents,
        queues=queues,
        channels=directory.channels,
        campaigns=campaigns,
        interactions=events.interactions,
        activities=events.activities,
        statuses=events.statuses,
        outbound_calls=events.outbound_calls,
        skills=directory.skills,
        campaign_records=records,
        transaction_codes=directory.transaction_codes,
        status_codes=directory.status_codes,
    )


def _hex(rng: random.Random, bits: int = 128) -> str:
    return f"{rng.getrandbits(bits):0{bits // 4}x}"


def _credentials(rng: random.Random, name: str | None) -> Credentials:
    return Credentials(
        tenant_name=name or f"{rng.choice(_COMPANIES)}{rng.randrange(100)}",
        data_token=_hex(rng),
        action_token=_hex(rng),
        analytics_client_id=f"sbx-{_hex(rng, 64)}",
        analytics_secret=_hex(rng, 160),
        recent_calls_api_key=f"eght_{_hex(rng, 160)}",
        recent_calls_token=_hex(rng),
        events_api_key=f"eght_{_hex(rng, 160)}",  # drawn last: the other secrets stay as they were
    )


def _groups(rng: random.Random, count: int) -> tuple[Record, ...]:
    def group(i: int) -> Record:
        name = _GROUPS[i % len(_GROUPS)] + (
            f" {i // len(_GROUPS) + 1}" if i >= len(_GROUPS) else ""
        )
        deleted = "Yes" if i > 0 and rng.random() < 0.15 else "No"  # the first stays active
        values = {"group-id": str(122 + i), "group-name": name, "deleted": deleted}
        return make_record(GROUPS, values)

    return tuple(group(i) for i in range(count))


def _agents(
    rng: random.Random, count: int, group_ids: Sequence[str], now: dt.datetime
) -> tuple[Record, ...]:
    agents: list[Record] = []
    taken: set[str] = set()
    for i in range(count):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        base = (first[0] + last).lower().encode("ascii", "ignore").decode().replace("'", "")
        agent_id = base if base not in taken else f"{base}{i}"
        taken.add(agent_id)
        hired = now.date() - dt.timedelta(days=rng.randrange(30, 3000))
        values = {
            "agent-id": agent_id,
            "group-id": rng.choice(group_ids),
            "date-hired-date": hired.isoformat(),
            "direct-agent-access": rng.choice(("no", "yes")),
            "email-address": f"{agent_id}@example.com",
            "enabled": "Y" if i == 0 or rng.random() < 0.9 else "N",  # the first one works
            "first-name": first,
            "full-name": f"{first} {last}",
            "last-name": last,
            "phone-used": rng.choice(("PSTN", "SIP", "Softphone")),
            "phone-extension": f"{rng.randrange(1000):03d}",
            "user-rights": "supervisor" if rng.random() < 0.1 else "agent",
            "voice-mail-activated": rng.choice(("no", "yes")),
        }
        agents.append(make_record(AGENTS, values))
    return tuple(agents)


def _queues(rng: random.Random, count: int) -> tuple[Record, ...]:
    def queue(i: int) -> Record:
        media = "TCZV"[i % 4]
        sla = rng.random() < 0.5
        # Seconds to accept: tens of seconds on line (phone, chat), hours off line.
        sla_times = (20, 30, 60) if media in "TC" else (1800, 3600, 7200)
        values = {
            "queue-id": str(101 + i),
            "queue-name": f"{MEDIA_NAMES[media]} Queue {i + 1}",
            "queue-desc": "Escalations <priority> & overflow" if i == 0 else "",
            "media-type": media,
            "enabled": "Y",
            "sla-enabled": "Y" if sla else "N",
            "sla-time": str(rng.choice(sla_times)) if sla else "0",
        }
        return make_record(QUEUES, values)

    return tuple(queue(i) for i in range(count))


def _channel(queue: Record) -> Record:
    """One entry channel per queue, named like its medium (number, address, chat widget)."""
    number = int(queue["queue-id"]) - 100
    name = {
        "T": f"+1415555{number:04d}",
        "V": f"+1415556{number:04d}",
        "C": f"chat-{number}",
        "Z": f"queue{number}@example.com",
    }[queue["media-type"]]
    values = {
        "channel-id": str(500 + number),
        "channel-name": name,
        "channel-desc": queue["queue-name"],
    }
    return make_record(CHANNELS, values)


def _campaign(rng: random.Random, campaign_id: int, now: dt.datetime, days: int) -> Record:
    """A campaign that starts before the generated days and runs into them (maybe past now)."""
    start = (now - dt.timedelta(days=days + rng.randrange(1, 6))).replace(minute=0, second=0)
    end = start + dt.timedelta(days=rng.randrange(days // 2 + 3, days + 30))
    values = {
        "campaign-name": f'Spring "Promo" {campaign_id}'
        if campaign_id == 301
        else f"Renewals {campaign_id}",
        "campaign-id": str(campaign_id),
        "enabled": "Y",
        "status": "6" if end < now else str(rng.choice((3, 4))),  # Completed, or Running
        "no-of-records": str(rng.randrange(10, 500)),
        "caller-id": f"1415555{rng.randrange(10000):04d}",
        "start-time": iso(start),
        "end-time": iso(end),
        "actual-run-time": iso(start + dt.timedelta(seconds=30)),
        "actual-stop-time": iso(end) if end < now else "",
        "daily-start-time": "600",
        "daily-end-time": "1110",
        "retry-interval": "90",
        "max-retry": "3",
    }
    return make_record(CAMPAIGNS, values)


def _campaign_records(rng: random.Random, campaign: Record) -> list[Record]:
    """The campaign's `no-of-records` records, not yet called (status 0, New)."""
    records = []
    alphabet = string.ascii_letters + string.digits
    for _ in range(int(campaign["no-of-records"])):
        first, last = rng.choice(_FIRST), rng.choice(_LAST)
        phones = f"Phone|(650)555-{rng.randrange(10000):04d}"
        if rng.random() < 0.3:
            phones += f",Mobile|(415)555-{rng.randrange(10000):04d}"
        missing = rng.random() < 0.05  # status code 3: No Phone Number
        values = {
            "campaign-name": campaign["campaign-name"],
            "campaign-id": campaign["campaign-id"],
            "record-id": "0015000000" + "".join(rng.choices(alphabet, k=8)),
            "phone-list": "" if missing else phones,
            "status": "0",
            "status-code": "3" if missing else "0",
            "ext-trans-data": f"[AccountName|{last}, {first}]",
            "disposition-code": "1000",
        }
        records.append(make_record(CAMPAIGN_RECORDS, values))
    return records


def _skills(
    rng: random.Random, agents: Sequence[Record], queues: Sequence[Record]
) -> tuple[Record, ...]:
    """Each agent's queues, by agent then queue; every queue has an enabled working agent."""
    chosen: dict[tuple[int, int], str] = {}
    for a in range(len(agents)):
        for q in range(len(queues)):
            if rng.random() < 0.6:
                chosen[a, q] = "Y" if rng.random() < 0.85 else "N"
    working = [a for a, agent in enumerate(agents) if agent["enabled"] == "Y"]
    for q in range(len(queues)):
        if not any(chosen.get((a, q)) == "Y" for a in working):
            chosen[working[q % len(working)], q] = "Y"
    skills = []
    for a, q in sorted(chosen):
        values = {
            "enabled": chosen[a, q],
            "queue-id": queues[q]["queue-id"],
            "agent-id": agents[a]["agent-id"],
            "skill-level": rng.choice(_SKILL_LEVELS),
        }
        skills.append(make_record(AGENT_SKILLS, values))
    return tuple(skills)
