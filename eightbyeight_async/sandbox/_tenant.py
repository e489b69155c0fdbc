"""A deterministic, seeded generator of one simulated tenant: the sandbox's ground truth.

Every record is a plain dict keyed by the documented hyphenated wire names, with the string
values the wire carries (ISO-8601 timestamps with an offset, "" for an empty element), so a
test can compare what a client decoded against exactly what the server holds.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from zoneinfo import ZoneInfo

import attrs

Record = dict[str, str]
"""One record: documented wire name → wire string."""

DEFAULT_NOW = dt.datetime(2024, 6, 3, 17, 0, 0, tzinfo=dt.timezone.utc)
"""The fixed "now" of a tenant unless one is given, so the same seed gives the same data."""


@attrs.frozen
class Entity:
    """A documented record type: its XML element names, its fields in order, its id field."""

    plural: str
    singular: str
    fields: tuple[str, ...]
    key: str


GROUPS = Entity("groups", "group", ("group-id", "group-name", "deleted"), "group-id")
AGENTS = Entity(
    "agents",
    "agent",
    (
        "agent-id", "group-id", "date-hired-date", "direct-agent-access", "email-address",
        "enabled", "first-name", "full-name", "last-name", "phone-used", "phone-extension",
        "user-rights", "voice-mail-activated",
    ),
    "agent-id",
)  # fmt: skip
QUEUES = Entity(
    "queues",
    "queue",
    ("queue-id", "queue-name", "queue-desc", "media-type", "enabled", "sla-enabled", "sla-time"),
    "queue-id",
)
CHANNELS = Entity(
    "channels", "channel", ("channel-id", "channel-name", "channel-desc"), "channel-id"
)
CAMPAIGNS = Entity(
    "campaigns",
    "campaign",
    (
        "campaign-name", "campaign-id", "enabled", "status", "no-of-records", "caller-id",
        "start-time", "end-time", "actual-run-time", "actual-stop-time", "daily-start-time",
        "daily-end-time", "retry-interval", "max-retry",
    ),
    "campaign-id",
)  # fmt: skip
INTERACTIONS = Entity(
    "interactions",
    "interaction",
    (
        # The fields of the documented /allinteractions sample, in its order ...
        "media-type", "channel-obj-id", "queue-name", "interaction-id", "orig-interaction-id",
        "origination", "destination-original", "destination-translated", "customer-name",
        "case-id", "interaction-direction", "interaction-type", "dial-code", "dial-text",
        "create-timestamp", "agent-name", "accept-timestamp", "process-time",
        "post-process-time", "total-time", "abandon-timestamp", "voice-message-left",
        "recording-filename", "ivr-treatment-time", "transfer-from", "conference-from",
        "max-hold-time", "hold-count", "total-hold-time", "call-leg1-post-dial-delay",
        "call-leg2-post-dial-delay", "call-leg1-answer-time", "call-leg2-answer-time",
        "call-leg1-sip-id", "call-leg2-sip-id", "inbound-sip-id", "notes", "campaign-name",
        "record-id", "record-status", "disposition-code", "ext-trans-data", "wrap-up-code",
        "wrap-up-text",
        # ... plus the ids the other interaction views are filtered by.
        "queue-id", "channel-id", "agent-id",
    ),
    "interaction-id",
)  # fmt: skip

MEDIA_NAMES = MappingProxyType({"T": "Phone", "V": "Voice Mail", "C": "Chat", "Z": "Email"})
"""Queue media-type code → the media-type word of the All Interactions view."""

# Some values carry characters that must be escaped (&, <, ", a comma, non-ASCII).
_FIRST = ("Fred", "Alice", "Bob", "Carla", "José", "Zoë", "Mei", "Omar", "Priya", "Sven")
_LAST = ("Bloggs", "Smith", "Nguyen", "O'Brien", "García", "Müller", "Khan", "Rossi", "Kim")
_GROUPS = ("Support", "East Coast Sales", "Sales & Retention", "Billing", "Escalations <VIP>")
_WRAP_UPS = (("N/A", "N/A"), ("sale", "Sale made"), ("info", "Information given"))
_COMPANIES = ("acme", "globex", "initech", "umbrella", "hooli", "vandelay")


@attrs.frozen
class TenantSpec:
    """How much data to generate, from which seed, ending when, in which time zone."""

    seed: int = 0
    name: str | None = None
    groups: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    agents: int = attrs.field(default=12, validator=attrs.validators.ge(1))
    queues: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    campaigns: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    days: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    interactions_per_day: int = attrs.field(default=40, validator=attrs.validators.ge(0))
    now: dt.datetime = attrs.field(default=DEFAULT_NOW)
    timezone: str = "America/Los_Angeles"

    @now.validator
    def _aware(self, _attribute: attrs.Attribute[dt.datetime], value: dt.datetime) -> None:
        if value.utcoffset() is None:
            raise ValueError("now must be a timezone-aware datetime")


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

    def __repr__(self) -> str:
        return f"Credentials(tenant_name={self.tenant_name!r})"


@attrs.frozen(repr=False)
class Tenant:
    """One simulated tenant: its credentials and every record, in the order the server lists."""

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

    def __repr__(self) -> str:
        counts = ", ".join(f"{e.plural}={len(self.records(e))}" for e in _ENTITIES)
        return f"Tenant(name={self.name!r}, now={self.now.isoformat()!r}, {counts})"

    def records(self, entity: Entity) -> tuple[Record, ...]:
        """All records of one documented type."""
        return tuple(getattr(self, entity.plural))

    def find(self, entity: Entity, key: str) -> Record | None:
        """The record of `entity` whose id field equals `key`, or None."""
        return next((r for r in self.records(entity) if r[entity.key] == key), None)

    def agents_in_group(self, group_id: str) -> tuple[Record, ...] | None:
        """The agents of one group (None when the group does not exist)."""
        if self.find(GROUPS, group_id) is None:
            return None
        return tuple(a for a in self.agents if a["group-id"] == group_id)


_ENTITIES = (GROUPS, AGENTS, QUEUES, CHANNELS, CAMPAIGNS, INTERACTIONS)


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
    channels = tuple(_channel(q) for q in queues)
    campaigns = tuple(_campaign(rng, 301 + i, now) for i in range(spec.campaigns))
    world = _World(queues=queues, channels=channels, agents=agents)
    return Tenant(
        name=credentials.tenant_name,
        timezone=spec.timezone,
        now=now,
        credentials=credentials,
        groups=groups,
        agents=agents,
        queues=queues,
        channels=channels,
        campaigns=campaigns,
        interactions=_interactions(rng, spec, now, world),
    )


def _record(entity: Entity, values: Mapping[str, str]) -> Record:
    """A record with exactly `entity`'s fields in documented order; absent values are ""."""
    unknown = set(values) - set(entity.fields)
    assert not unknown, f"not a documented {entity.singular} field: {unknown}"
    return {name: values.get(name, "") for name in entity.fields}


def _iso(moment: dt.datetime) -> str:
    return moment.isoformat(timespec="seconds")


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
    )


def _groups(rng: random.Random, count: int) -> tuple[Record, ...]:
    def group(i: int) -> Record:
        name = _GROUPS[i % len(_GROUPS)] + (
            f" {i // len(_GROUPS) + 1}" if i >= len(_GROUPS) else ""
        )
        deleted = "Yes" if i > 0 and rng.random() < 0.15 else "No"  # the first stays active
        return _record(GROUPS, {"group-id": str(122 + i), "group-name": name, "deleted": deleted})

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
            "enabled": "Y" if rng.random() < 0.9 else "N",
            "first-name": first,
            "full-name": f"{first} {last}",
            "last-name": last,
            "phone-used": rng.choice(("PSTN", "SIP", "Softphone")),
            "phone-extension": f"{rng.randrange(1000):03d}",
            "user-rights": "supervisor" if rng.random() < 0.1 else "agent",
            "voice-mail-activated": rng.choice(("no", "yes")),
        }
        agents.append(_record(AGENTS, values))
    return tuple(agents)


def _queues(rng: random.Random, count: int) -> tuple[Record, ...]:
    def queue(i: int) -> Record:
        media = "TCZV"[i % 4]
        sla = rng.random() < 0.5
        values = {
            "queue-id": str(101 + i),
            "queue-name": f"{MEDIA_NAMES[media]} Queue {i + 1}",
            "queue-desc": "Escalations <priority> & overflow" if i == 0 else "",
            "media-type": media,
            "enabled": "Y",
            "sla-enabled": "Y" if sla else "N",
            "sla-time": str(rng.choice((20, 30, 60))) if sla else "0",
        }
        return _record(QUEUES, values)

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
    return _record(CHANNELS, values)


def _campaign(rng: random.Random, campaign_id: int, now: dt.datetime) -> Record:
    start = (now - dt.timedelta(days=rng.randrange(10, 60))).replace(minute=0, second=0)
    end = start + dt.timedelta(days=rng.randrange(5, 30))
    values = {
        "campaign-name": f'Spring "Promo" {campaign_id}'
        if campaign_id == 301
        else f"Renewals {campaign_id}",
        "campaign-id": str(campaign_id),
        "enabled": "Y",
        "status": str(rng.choice((0, 3, 4, 6))),
        "no-of-records": str(rng.randrange(10, 500)),
        "caller-id": f"1415555{rng.randrange(10000):04d}",
        "start-time": _iso(start),
        "end-time": _iso(end),
        "actual-run-time": _iso(start + dt.timedelta(seconds=30)),
        "actual-stop-time": _iso(end) if end < now else "",
        "daily-start-time": "600",
        "daily-end-time": "1110",
        "retry-interval": "90",
        "max-retry": "3",
    }
    return _record(CAMPAIGNS, values)


@attrs.frozen
class _World:
    """What an interaction may refer to."""

    queues: tuple[Record, ...]
    channels: tuple[Record, ...]
    agents: tuple[Record, ...]


def _interactions(
    rng: random.Random, spec: TenantSpec, now: dt.datetime, world: _World
) -> tuple[Record, ...]:
    """`interactions_per_day` per 24-hour slice, the last slice ending at `now`, by time."""
    day = dt.timedelta(days=1)
    moments = sorted(
        now - day * slice_ - dt.timedelta(seconds=rng.randrange(1, 86400))
        for slice_ in range(spec.days)
        for _ in range(spec.interactions_per_day)
    )
    return tuple(
        _interaction(rng, str(1000 + i), created, world) for i, created in enumerate(moments)
    )


def _interaction(
    rng: random.Random, interaction_id: str, created: dt.datetime, world: _World
) -> Record:
    index = rng.randrange(len(world.queues))
    queue, channel = world.queues[index], world.channels[index]
    media = queue["media-type"]
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    values = {
        "media-type": MEDIA_NAMES[media],
        "channel-obj-id": f"{channel['channel-id']}0001",
        "queue-name": queue["queue-name"],
        "interaction-id": interaction_id,
        "origination": f"+1650555{rng.randrange(10000):04d}"
        if media in "TV"
        else f"{first.lower()}@example.org",
        "customer-name": f"{last}, {first}",
        "interaction-direction": "inbound",
        "create-timestamp": _iso(created),
        "ivr-treatment-time": str(rng.randrange(30)) if media in "TV" else "0",
        "voice-message-left": "Y" if media == "V" else "",
        "wrap-up-code": "N/A",
        "wrap-up-text": "N/A",
        "queue-id": queue["queue-id"],
        "channel-id": channel["channel-id"],
        **_phone_details(rng, media),
    }
    if rng.random() < 0.15:
        values["abandon-timestamp"] = _iso(created + dt.timedelta(seconds=rng.randrange(5, 300)))
    else:
        values.update(_handling(rng, created, rng.choice(world.agents), media))
    return _record(INTERACTIONS, values)


def _phone_details(rng: random.Random, media: str) -> dict[str, str]:
    zero = dict.fromkeys(("max-hold-time", "hold-count", "total-hold-time"), "0")
    if media != "T":
        return zero | dict.fromkeys(("call-leg1-post-dial-delay", "call-leg2-post-dial-delay"), "0")
    return zero | {
        "call-leg1-post-dial-delay": str(rng.randrange(4)),
        "call-leg2-post-dial-delay": str(rng.randrange(4)),
        "call-leg1-answer-time": "0",
        "call-leg2-answer-time": "0",
        "inbound-sip-id": _hex(rng, 96),
    }


def _handling(
    rng: random.Random, created: dt.datetime, agent: Record, media: str
) -> dict[str, str]:
    """The fields an interaction gains when an agent accepts and handles it."""
    accepted = created + dt.timedelta(seconds=rng.randrange(2, 180))
    process, post = rng.randrange(30, 900), rng.randrange(0, 120)
    code, text = rng.choice(_WRAP_UPS)
    values = {
        "agent-name": agent["full-name"],
        "agent-id": agent["agent-id"],
        "accept-timestamp": _iso(accepted),
        "process-time": str(process),
        "post-process-time": str(post),
        "total-time": str(process + post),
        "wrap-up-code": code,
        "wrap-up-text": text,
    }
    if media == "T":
        holds = rng.randrange(3)
        longest = rng.randrange(5, 60) if holds else 0
        values |= {
            "recording-filename": (
                f"S{accepted:%Y%m%d}/R{accepted:%Y%m%d%H%M%S}{rng.randrange(1000):03d}.wav"
            ),
            "hold-count": str(holds),
            "max-hold-time": str(longest),
            "total-hold-time": str(longest * holds),
            "call-leg1-sip-id": _hex(rng),
            "call-leg2-sip-id": _hex(rng),
        }
    return values
