"""What arrives at the tenant: each interaction's kind and what is known of it on arrival.

Everything random about an interaction is drawn here, in arrival order, including how an
agent would handle it; the simulation (`_tenant_events`) then only picks the agent.
"""

from __future__ import annotations

import random

from ._entities import MEDIA_NAMES, ONLINE_MEDIA, Record
from ._tenant_codes import AGENT_TCL_LIST, OUTBOUND_TCL_LIST
from ._tenant_world import DIRECTIONS, QUEUED_KINDS, TYPES, Kind, Plan, World

_FIRST = ("Fred", "Alice", "Bob", "Carla", "José", "Zoë", "Mei", "Omar", "Priya", "Sven")
_LAST = ("Bloggs", "Smith", "Nguyen", "O'Brien", "García", "Müller", "Khan", "Rossi", "Kim")
_WRAP_UPS = (("N/A", "N/A"), ("sale", "Sale made"), ("info", "Information given"))
_CAMPAIGN_OUTCOMES = {  # disposition → (record status, wrap-up code, wrap-up text)
    "1000": ("3", "sale", "Sale made"),
    "1001": ("1", "retry", "Try Again Later"),
    "1002": ("4", "callback", "Call back scheduled"),
}
_NOTES = 'Asked about the "Pro" plan & <discounts>, call back'
_PROCESS = {"T": (30, 900), "C": (60, 1200), "Z": (120, 1800), "V": (30, 300)}


def arrive(rng: random.Random, created: int, world: World) -> Plan:
    """Decide what kind of interaction arrives at `created` and draw what is known of it."""
    campaigns = world.campaigns_at(created)
    if campaigns and rng.random() < 0.15:  # campaigns dial in business hours only
        return _campaign_call(rng, created, world, rng.choice(campaigns))
    roll = rng.random()
    if roll < 0.04:
        return _direct(rng, created, world, "daa")
    if roll < 0.06:
        return _direct(rng, created, world, "consult")
    if roll < 0.09:
        return _forward(rng, created, world)
    if roll < 0.15:
        return _outbound(rng, created, world)
    return _queued(rng, created, world)


def _customer(rng: random.Random, media: str) -> dict[str, str]:
    first, last = rng.choice(_FIRST), rng.choice(_LAST)
    phone = f"+1650555{rng.randrange(10000):04d}"
    return {
        "origination": phone if media in "TV" else f"{first.lower()}@example.org",
        "customer-name": f"{last}, {first}",
    }


def _line(rng: random.Random, media: str) -> dict[str, str]:
    """The call-leg fields known on arrival (holds stay 0 unless an agent takes the call)."""
    zero = dict.fromkeys(("max-hold-time", "hold-count", "total-hold-time"), "0")
    if media != "T":
        return zero | dict.fromkeys(("call-leg1-post-dial-delay", "call-leg2-post-dial-delay"), "0")
    return zero | {
        "call-leg1-post-dial-delay": str(rng.randrange(4)),
        "call-leg2-post-dial-delay": str(rng.randrange(4)),
        "call-leg1-answer-time": "0",
        "call-leg2-answer-time": "0",
        "inbound-sip-id": f"{rng.getrandbits(96):024x}",
    }


def _plan(
    rng: random.Random,
    world: World,
    kind: Kind,
    created: int,
    values: dict[str, str],
    media: str = "T",
) -> Plan:
    """A plan (a phone call unless `media` says otherwise) with its handling drawn already."""
    values |= {
        "media-type": MEDIA_NAMES[media],
        "interaction-direction": DIRECTIONS[kind],
        "interaction-type": TYPES[kind],
        "wrap-up-code": "N/A",
        "wrap-up-text": "N/A",
    }
    low, high = _PROCESS[media]
    plan = Plan(kind, created, media, values | _line(rng, media), ring=rng.randrange(2, 9))
    plan.process, plan.post = rng.randrange(low, high), rng.randrange(0, 120)
    code, text = rng.choice(_WRAP_UPS)
    plan.on_accept = {"wrap-up-code": code, "wrap-up-text": text}
    if media == "T":
        holds = rng.randrange(3)
        longest = rng.randrange(5, 60) if holds else 0
        plan.on_accept |= {
            "hold-count": str(holds),
            "max-hold-time": str(longest),
            "total-hold-time": str(longest * holds),
            "call-leg1-sip-id": f"{rng.getrandbits(128):032x}",
            "call-leg2-sip-id": f"{rng.getrandbits(128):032x}",
            "recording-filename": f"{rng.randrange(1000):03d}",  # completed when accepted
        }
    if kind in QUEUED_KINDS and rng.random() < 0.04:
        plan.on_accept["transfer-from"] = rng.choice(world.directory.agents)["agent-id"]
    if rng.random() < 0.8:
        plan.tcl = rng.choice(world.tcl_items[AGENT_TCL_LIST])
    return plan


def _queued(rng: random.Random, created: int, world: World) -> Plan:
    index = rng.randrange(len(world.directory.queues))
    queue, channel = world.directory.queues[index], world.directory.channels[index]
    media = queue["media-type"]
    kind: Kind = "callback" if media == "T" and rng.random() < 0.1 else "queued"
    values = _customer(rng, media) | {
        "channel-obj-id": f"{channel['channel-id']}0001",
        "queue-name": queue["queue-name"],
        "ivr-treatment-time": str(rng.randrange(30)) if media in "TV" else "0",
        "voice-message-left": "Y" if media == "V" else "",
        "queue-id": queue["queue-id"],
        "channel-id": channel["channel-id"],
    }
    if media == "Z" and rng.random() < 0.5:
        values["case-id"] = f"CASE-{rng.randrange(10**6):06d}"
    if rng.random() < 0.05:
        values["notes"] = _NOTES
    plan = _plan(rng, world, kind, created, values, media)
    plan.candidates = world.skilled[queue["queue-id"]]
    if media not in ONLINE_MEDIA:
        plan.wait = rng.randrange(60, 5 * 3600)
    elif rng.random() < 0.12:
        plan.give_up = rng.randrange(5, 300)
    else:
        plan.wait = _online_wait(rng)
    return plan


def _online_wait(rng: random.Random) -> int:
    """Seconds a phone or chat customer waits: mostly seconds, sometimes many minutes."""
    roll = rng.random()
    if roll < 0.7:
        return rng.randrange(0, 30)
    if roll < 0.95:
        return rng.randrange(30, 180)
    return rng.randrange(180, 900)


def _campaign_call(rng: random.Random, created: int, world: World, campaign: Record) -> Plan:
    record = rng.choice(world.callable_records[campaign["campaign-id"]])
    disposition = rng.choice(tuple(_CAMPAIGN_OUTCOMES))
    status, code, text = _CAMPAIGN_OUTCOMES[disposition]
    queue = world.campaign_queue()
    number = record["phone-list"].split(",")[0].partition("|")[2]
    values = {
        "queue-name": queue["queue-name"],
        "origination": campaign["caller-id"],
        "destination-original": "".join(c for c in number if c.isdigit()),
        "customer-name": record["ext-trans-data"].strip("[]").partition("|")[2],
        "campaign-name": campaign["campaign-name"],
        "record-id": record["record-id"],
        "record-status": status,
        "disposition-code": disposition,
        "ext-trans-data": record["ext-trans-data"],
        "queue-id": queue["queue-id"],
        "campaign-id": campaign["campaign-id"],
    }
    plan = _plan(rng, world, "campaign", created, values)
    plan.on_accept |= {"wrap-up-code": code, "wrap-up-text": text}
    plan.candidates = world.skilled[queue["queue-id"]]
    plan.campaign_record = record
    return plan


def _direct(rng: random.Random, created: int, world: World, kind: Kind) -> Plan:
    """A DAA call for one named agent, or a consult from one agent to any other."""
    target = rng.choice(world.clocks) if world.clocks else None
    if kind == "daa":
        values = _customer(rng, "T")
        values["destination-original"] = target.record["phone-extension"] if target else ""
    else:
        caller = rng.choice(world.directory.agents)
        values = {"origination": caller["agent-id"], "customer-name": "N/A"}
    plan = _plan(rng, world, kind, created, values)
    plan.candidates = [target] if kind == "daa" and target else world.clocks
    return plan


def _forward(rng: random.Random, created: int, world: World) -> Plan:
    """A call the IVR forwards to an external number: no queue, no agent."""
    values = _customer(rng, "T") | {
        "destination-original": f"+1415555{rng.randrange(10000):04d}",
        "destination-translated": f"+1408555{rng.randrange(10000):04d}",
    }
    return _plan(rng, world, "forward", created, values)


def _outbound(rng: random.Random, created: int, world: World) -> Plan:
    """A call an agent dials: `origination` becomes the agent's id when one makes it."""
    values = {
        "destination-original": f"1650555{rng.randrange(10000):04d}",
        "customer-name": f"{rng.choice(_LAST)}, {rng.choice(_FIRST)}",
    }
    plan = _plan(rng, world, "outbound", created, values)
    plan.ring, plan.post = 0, rng.randrange(0, 60)
    plan.candidates = world.clocks
    plan.tcl_outbound = rng.choice(world.tcl_items[OUTBOUND_TCL_LIST])
    return plan
