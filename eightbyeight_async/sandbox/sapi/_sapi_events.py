"""The sandbox's SAPI events: a seeded generator of realistic content, and its two wire forms.

`EventFactory.make(sequence_id, sim_time)` returns one event in its JSON form, a dict with one
key naming the event (`AgentStatusChange`, `AgentProvChange`, `Interaction`), built from the
tenant's agents and queues. Interactions run through their lifecycle (Created → Accepted →
Deleted) across successive calls. Values mix types as the real stream does (a phone number
is sometimes a number, sometimes a string) and carry non-ASCII text, XML special characters
and, rarely, U+2028 inside a string (valid JSON that `str.splitlines` would break).

`render_json` and `render_xml` give the wire text of an event: compact JSON (non-ASCII kept
as UTF-8), or an XML document on one line after the documented declaration, lists as
repeated child elements.
"""

from __future__ import annotations

import json
import random
import string
import uuid
from typing import Any

import attrs

from ..tenant._tenant import Tenant

XML_DECLARATION = "<?xml version='1.0'  encoding='UTF-8' ?>"
"""The declaration the documented samples start with (two spaces, single quotes)."""

HEARTBEAT_TEXT = "[HEARTBEAT]"

_MEDIA = {"T": "phone", "C": "chat", "Z": "email", "V": "voicemail"}
_SKILLS = ("Sales", "Support", "Facturación & Pagos", "Café <VIP>", "Kundendienst Süd")
_CUSTOMERS = (
    "José García",
    "Zoë Müller",
    "Åsa Ström",
    "李小龍",
    "Ngô Bảo Châu",
    "Renée O'Brien 😀",
    "Fred Bloggs",
)
_NOTES = ("called twice\u2028prefers e-mail", "VIP: handle with care & <priority>", "n/a")
_NEW_NAMES = ("Zoë", "Łukasz", "Søren", "Chloé", "Ana-María", "Jürgen")
_STATES = (2, 2, 3, 3, 4, 5, 6)
"""newState values drawn from; 5 (on break) and 6 (work offline) carry a reason code."""
_ALPHABET = string.ascii_letters + string.digits
_MAX_OPEN = 12


@attrs.define(eq=False)
class _Open:
    """An interaction in flight: what later lifecycle events repeat."""

    guid: str
    media: str
    queue_id: str
    channel_id: int
    campaign_id: int
    created: int
    skill: str
    steps: int = 1
    agent_id: str = ""


class EventFactory:
    """Deterministic SAPI event content for one tenant, from `seed`."""

    def __init__(self, tenant: Tenant, seed: int, instance_id: str) -> None:
        self._rng = random.Random(f"{seed}:sapi")
        self._tenant = tenant.name
        self._agents = [agent["agent-id"] for agent in tenant.agents]
        self._queues = [(q["queue-id"], _MEDIA[q["media-type"]]) for q in tenant.queues]
        self._campaigns = [int(c["campaign-id"]) for c in tenant.campaigns] or [0]
        self._open: list[_Open] = []
        self.instance_id = instance_id

    def make(self, sequence_id: int, sim_time: float) -> dict[str, Any]:
        """The next event, numbered `sequence_id`, happening at `sim_time` (epoch seconds)."""
        info = {
            "instanceId": self.instance_id,
            "sequenceId": sequence_id,
            "timestamp": int(sim_time * 1000),
        }
        draw = self._rng.random()
        if draw < 0.3:
            return self._status(info, int(sim_time))
        if draw < 0.4:
            return self._provisioning(info)
        return self._interaction(info, int(sim_time))

    def _status(self, info: dict[str, Any], now: int) -> dict[str, Any]:
        rng = self._rng
        state = rng.choice(_STATES)
        reason = f"{rng.randrange(800, 810)}={rng.randrange(1700, 1800)}" if state >= 5 else "none"
        payload = {
            "agentId": rng.choice(self._agents),
            "msgInfo": info,
            "newReasonCodeUser": reason,
            "newState": state,
            "newSubState": "none",
            "newSubStateReason": "none",
            "statusEventTS": now,
        }
        return {"AgentStatusChange": payload}

    def _provisioning(self, info: dict[str, Any]) -> dict[str, Any]:
        rng = self._rng
        kind = rng.choice(("phoneUri", "firstName", "skill"))
        items = [self._item(kind)]
        if kind == "firstName" and rng.random() < 0.5:
            items.append(self._item("lastName"))
        payload = {
            "agentId": rng.choice(self._agents),
            "event": "AgentSkillChanged" if kind == "skill" else "AgentInfoChanged",
            "msgInfo": info,
            "numberofChangesThisTime": len(items),
            "provisioningItems": {"provisioningItem": items},
        }
        return {"AgentProvChange": payload}

    def _item(self, key: str) -> dict[str, Any]:
        rng = self._rng
        old: Any
        if key == "phoneUri":
            number = 17034440000 + rng.randrange(10000)
            new: Any = f"+{number + 1}"
            old = number if rng.random() < 0.5 else str(number)  # mixed types, as observed
        elif key == "skill":
            queue_id, _media = rng.choice(self._queues)
            new, old = f"{queue_id}=high", f"{queue_id}=low"
        else:
            new, old = rng.sample(_NEW_NAMES, 2)
        return {
            "provisioningItemKey": key,
            "provisioningItemNewValue": new,
            "provisioningItemOldValue": old,
        }

    def _interaction(self, info: dict[str, Any], now: int) -> dict[str, Any]:
        rng = self._rng
        if len(self._open) < 2 or (len(self._open) < _MAX_OPEN and rng.random() < 0.4):
            flow = self._create(now)
            self._open.append(flow)
            return self._interaction_event(flow, "InteractionCreated", info, now)
        flow = rng.choice(self._open)
        flow.steps += 1
        if flow.steps == 2:
            flow.agent_id = rng.choice(self._agents)
            return self._interaction_event(flow, "InteractionAccepted", info, now)
        self._open.remove(flow)
        return self._interaction_event(flow, "InteractionDeleted", info, now)

    def _create(self, now: int) -> _Open:
        rng = self._rng
        queue_id, media = rng.choice(self._queues)
        outbound = media == "phone" and rng.random() < 0.15
        token = "".join(rng.choices(_ALPHABET, k=27))
        guid = f"int-{self._tenant}-{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        return _Open(
            guid=f"{guid}-{media}-{token}",
            media=media,
            queue_id=queue_id,
            channel_id=0 if outbound else 4070000 + int(queue_id),
            campaign_id=rng.choice(self._campaigns) if outbound else 0,
            created=now,
            skill=rng.choice(_SKILLS),
        )

    def _interaction_event(
        self, flow: _Open, event: str, info: dict[str, Any], now: int
    ) -> dict[str, Any]:
        payload: dict[str, Any] = {"event": event}
        if flow.agent_id:
            payload["agentId"] = flow.agent_id
        payload.update(
            {
                "direction": "out" if flow.campaign_id else "in",
                "eventTS": now,
                "inboundChannelid": flow.channel_id,
                "interactionGUID": flow.guid,
                "mediaType": flow.media,
                "msgInfo": info,
                "outboundCampaignid": flow.campaign_id,
                "queueId": f"{self._tenant}~~queue~~{flow.media}~~{flow.queue_id}",
                "queueTime": flow.created,
                "transactionNum": flow.steps,
                "attachedData": {"attachedDatum": self._attached(flow, event)},
            }
        )
        return {"Interaction": payload}

    def _attached(self, flow: _Open, event: str) -> list[dict[str, Any]]:
        datum = [{"attachedDataKey": "tenantSkillName", "attachedDataValue": flow.skill}]
        if event == "InteractionDeleted":
            return datum  # a single item: one element in XML, a one-item list in JSON
        rng = self._rng
        if flow.media in ("phone", "voicemail"):
            number = 14155550000 + rng.randrange(10000)
            ani: Any = number if rng.random() < 0.5 else f"+{number}"
            datum.append({"attachedDataKey": "ani", "attachedDataValue": ani})
        else:
            address = f"customer{rng.randrange(1000)}@example.com"
            datum.append({"attachedDataKey": "customerEmail", "attachedDataValue": address})
        name = rng.choice(_CUSTOMERS)
        datum.append({"attachedDataKey": "customerName", "attachedDataValue": name})
        if rng.random() < 0.1:
            note = rng.choice(_NOTES)
            datum.append({"attachedDataKey": "notes", "attachedDataValue": note})
        return datum


def client_check(
    instance_id: str, sim_time: float, subscription_id: str, tenant: str
) -> dict[str, Any]:
    """The per-connection heartbeat event: no sequenceId, never stored."""
    payload = {
        "heartbeat": HEARTBEAT_TEXT,
        "msgInfo": {"instanceId": instance_id, "timestamp": int(sim_time * 1000)},
        "subscription-id": subscription_id,
        "tenant-id": tenant,
    }
    return {"ClientCheck": payload}


def render_json(event: Any) -> str:
    """Compact JSON, non-ASCII characters as themselves (so UTF-8 on the wire)."""
    return json.dumps(event, ensure_ascii=False, separators=(",", ":"))


def render_xml(event: dict[str, Any]) -> str:
    """The declaration and the event's document, on one line."""
    ((name, payload),) = event.items()
    return XML_DECLARATION + _element(name, payload)


def _element(name: str, value: Any) -> str:
    if isinstance(value, dict):
        inner = "".join(
            "".join(_element(key, item) for item in child)
            if isinstance(child, list)
            else _element(key, child)
            for key, child in value.items()
        )
        return f"<{name}>{inner}</{name}>"
    return f"<{name}>{_escape(value)}</{name}>"


_XML_ESCAPES = str.maketrans(
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", "\n": "&#10;", "\r": "&#13;", "\t": "&#9;"}
)


def _escape(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value).translate(_XML_ESCAPES)


def truncated(event: dict[str, Any], xml: bool) -> str:
    """A malformed frame: the start of `event` cut off after its first two fields.

    The cut falls between two fields, never inside a string or an element, so a client that
    resynchronises on the next event's start (`{"` or the XML declaration) can recover even
    without length prefixes.
    """
    ((name, payload),) = event.items()
    head = list(payload.items())[:2]
    if xml:
        return XML_DECLARATION + f"<{name}>" + "".join(_element(k, v) for k, v in head)
    fields = ",".join(f"{json.dumps(k)}:{render_json(v)}" for k, v in head)
    return "{" + json.dumps(name) + ":{" + fields + ","
