"""What v8 analytics knows about an interaction that the tenant's raw records do not carry:
parking, agent focus, labels, the customer's address, the journey, a rejected first offer, a
transfer to another queue.

Each fact is drawn from a generator seeded by the tenant and the interaction id, so it is the
same every time it is asked for, by the detailed reports, by the summary reports' v8 metrics
(`parked`, `parkDuration`, `focusTime`, `avgFocusTime`, `assignedInteractions`) and by the
ground truth: totals agree across the APIs without storing anything.
"""

from __future__ import annotations

import datetime as dt
import random
import threading

import attrs

from ._tenant import Record, Tenant

LABELS = ("VIP", "Billing", "Follow-up", "Escalated", "Spanish", "Renewal")
SUBJECTS = ("Order status", "Refund request", "Password reset", "Invoice question", "Complaint")
COMMENTS = ("Customer asked for a callback", "Resolved on first contact", "Needs supervisor")
LANGUAGES = ("en-US", "en-US", "en-US", "es-US", "fr-CA")
ASSIGN_REASONS = {
    "": "Longest Idle Agent",
    "DAA": "Direct Agent Access",
    "Campaign": "Campaign",
    "Consult": "Consultation",
    "Web Callback": "Callback",
    "Fwd to Ext. Number": "Forwarded",
}


@attrs.frozen
class Facts:
    """The derived facts of one interaction (seconds, like the raw records)."""

    guid: str
    journey_id: str
    labels: tuple[str, ...]
    park_seconds: int
    park_count: int
    focus_seconds: int
    focus_count: int
    alerting_seconds: int | None
    email: str | None
    phone: str | None
    subject: str | None
    comments: str | None
    priority: int
    language: str
    rejected_by: Record | None
    """The agent who was offered the interaction first and let it time out, if any."""
    destination_queue: Record | None
    """The queue the agent transferred the interaction to, if any."""

    @property
    def parked(self) -> bool:
        return self.park_count > 0


def seconds(record: Record, field: str) -> int:
    """A raw record's whole-seconds field as an int (0 when empty)."""
    text = record[field]
    return int(text) if text else 0


def moment(text: str) -> dt.datetime | None:
    """A raw record's timestamp, or None when empty."""
    return dt.datetime.fromisoformat(text) if text else None


def facts(tenant: Tenant, record: Record) -> Facts:
    """The derived facts of `record`, the same for every caller."""
    return _facts(tenant, record["interaction-id"])


def _facts(tenant: Tenant, interaction_id: str) -> Facts:
    return _by_id(tenant)[interaction_id]


_DERIVED: dict[int, tuple[Tenant, dict[str, Facts]]] = {}
_DERIVED_KEPT = 8
_DERIVED_LOCK = threading.Lock()


def _by_id(tenant: Tenant) -> dict[str, Facts]:
    """Every interaction's facts, derived once per tenant (a tenant never changes)."""
    with _DERIVED_LOCK:
        kept = _DERIVED.get(id(tenant))
    if kept is not None and kept[0] is tenant:
        return kept[1]
    queues = tuple(tenant.queues)
    agents = tuple(a for a in tenant.agents if a["enabled"] == "Y")
    derived = {
        r["interaction-id"]: _derive(tenant.name, r, (queues, agents)) for r in tenant.interactions
    }
    with _DERIVED_LOCK:
        if len(_DERIVED) >= _DERIVED_KEPT:
            _DERIVED.pop(next(iter(_DERIVED)))
        _DERIVED[id(tenant)] = (tenant, derived)
    return derived


def _derive(
    tenant_name: str, record: Record, directory: tuple[tuple[Record, ...], tuple[Record, ...]]
) -> Facts:
    rng = random.Random(f"{tenant_name}:detailed:{record['interaction-id']}")
    accepted = bool(record["accept-timestamp"])
    process = seconds(record, "process-time")
    queued = bool(record["queue-id"])
    media = record["media-type"]
    park_count = 1 + (rng.random() < 0.3) if accepted and rng.random() < 0.12 else 0
    park = rng.randint(5, max(5, process // 4)) if park_count else 0
    if not accepted:
        focus = 0
    elif media in ("Chat", "Email"):
        focus = int((process - park) * rng.uniform(0.55, 0.95))
    else:
        focus = max(0, process - park)
    origination = record["origination"]
    email = origination if "@" in origination else None
    outbound = record["interaction-direction"] == "outbound"
    phone_source = record["destination-original"] if outbound else origination
    phone = phone_source if phone_source.lstrip("+").isdigit() and len(phone_source) > 6 else None
    queues, agents = directory
    agent_id = record["agent-id"]
    rejected_by = None
    if accepted and queued and agents and rng.random() < 0.1:
        others = [a for a in agents if a["agent-id"] != agent_id]
        rejected_by = rng.choice(others) if others else None
    destination = None
    if accepted and queued and queues and rng.random() < 0.08:
        same_media = [q for q in queues if q["queue-id"] != record["queue-id"]]
        destination = rng.choice(same_media) if same_media else None
    return Facts(
        guid=f"{rng.getrandbits(64):016x}-{rng.getrandbits(32):08x}",
        journey_id=f"jrn-{rng.getrandbits(48):012x}",
        labels=tuple(rng.sample(LABELS, rng.choice((0, 0, 1, 1, 2)))),
        park_seconds=park,
        park_count=park_count,
        focus_seconds=focus,
        focus_count=(1 + (rng.random() < 0.2)) if accepted else 0,
        alerting_seconds=rng.randint(2, 12) if accepted and queued else None,
        email=email,
        phone=phone,
        subject=rng.choice(SUBJECTS) if media == "Email" else None,
        comments=rng.choice(COMMENTS) if accepted and rng.random() < 0.2 else None,
        priority=rng.randint(1, 10),
        language=rng.choice(LANGUAGES),
        rejected_by=rejected_by,
        destination_queue=destination,
    )
