"""The sandbox tenant's recordings, derived deterministically from its interactions.

A recording file for every recorded phone call an agent handled (`recording-filename`), and a
chat transcript for every chat an agent handled. Records are wire dicts in the document's
element names and order; nested collections are in xmltodict's form (`{"metaData": [...]}`),
so one structure renders as XML and JSON alike. Where the document is silent, these are the
sandbox's choices: metadata entries ("Customer name", "Reason for contact"), the wrap-up code
list name ("Wrap-up"), transcript messages and their translations, and the dummy message a
deleted transcript keeps.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from ._live import interaction_guid
from ._tenant import Record, Tenant

WireDoc = dict[str, Any]
"""A wire record: element name → text, or a nested element (a dict, or a list of them)."""

WRAP_UP_LIST = "Wrap-up"
DELETED_MESSAGE = "[messages removed]"
"""The text of the dummy message a transcript keeps once its messages are deleted."""

_CUSTOMER_LINES = (
    "Hi, I have a question about my bill",
    "My order #1234 hasn't arrived & I'm worried",
    "Can you check the status of my <urgent> request?",
    "Thanks, that helps!",
    "¿Puedo pagar con tarjeta?",
)
_AGENT_LINES = (
    "Hello! How can I help you today?",
    "Let me look that up for you.",
    "I've updated your account, anything else?",
    "You're welcome, have a great day.",
)


def _metadata(entries: list[tuple[str, str]]) -> WireDoc | str:
    present = [{"fieldName": name, "fieldValue": value} for name, value in entries if value]
    return {"metaData": present} if present else ""


def _call_parties(record: Record, tenant: Tenant) -> tuple[str, str, str, str]:
    """(channel, phoneNumber, queueID, queueName) by the document's call type table."""
    if record["queue-id"]:
        channels = {c["channel-id"]: c["channel-name"] for c in tenant.channels}
        inbound = record["interaction-direction"] == "inbound"
        called_back = record["interaction-type"] == "Web Callback"
        number = record["origination"] if inbound or called_back else record["destination-original"]
        queue_id = f"{tenant.name}~~queue~~phone~~{record['queue-id']}"
        return channels.get(record["channel-id"], ""), number, queue_id, record["queue-name"]
    if record["interaction-direction"] == "outbound":
        number = record["destination-original"]
        return "#virtual_outbound#", number, "QUEUE_OUTBOUND", "QUEUE_OUTBOUND"
    daa = "QUEUE_DIRECT_AGENT_ACCESS"
    return "#virtual_daa#", record["origination"], daa, daa


def recording_file(record: Record, tenant: Tenant) -> WireDoc:
    """The `/files` record of one recorded phone call."""
    channel, number, queue_id, queue_name = _call_parties(record, tenant)
    wrap_up = record["wrap-up-text"] if record["wrap-up-code"] not in ("", "N/A") else ""
    codes = {"transactionCodes": {"transactionCode": [{"listName": WRAP_UP_LIST, "name": wrap_up}]}}
    return {
        "startDate": record["accept-timestamp"],
        "agentID": record["agent-id"],
        "phoneNumber": number,
        "channel": channel,
        "caseID": record["case-id"] or "0",
        "duration": record["process-time"],
        "filename": record["recording-filename"],
        "queueID": queue_id,
        "queueName": queue_name,
        "accountNumber": "0",
        "transactionID": record["interaction-id"],
        "extVar1": "0",
        "extVar2": "0",
        "outDialCode": record["dial-code"],
        "wrapUpCode": codes if wrap_up else "",
        "metaDatas": _metadata(
            [("Customer name", record["customer-name"]), ("Reason for contact", wrap_up)]
        ),
    }


def _messages(rng: random.Random, start: dt.datetime, seconds: int) -> list[WireDoc]:
    count = rng.randrange(2, 7)
    step = max(1, seconds // count)
    messages = []
    for i in range(count):
        customer = i % 2 == 0
        text = rng.choice(_CUSTOMER_LINES if customer else _AGENT_LINES)
        translated = customer and text.startswith("¿")
        messages.append(
            {
                "messageTime": (start + dt.timedelta(seconds=i * step)).isoformat(),
                "messageFrom": "C" if customer else "A",
                "originalLanguage": "es" if translated else "en",
                "originalMessage": text,
                "translatedLanguage": "en" if translated else "",
                "translatedMessage": "Can I pay by card?" if translated else "",
            }
        )
    return messages


def transcript(record: Record, tenant: Tenant, seed: int) -> tuple[WireDoc, list[WireDoc]]:
    """The `/transcripts` record of one chat an agent handled, and its messages."""
    rng = random.Random(f"{seed}:transcript:{record['interaction-id']}")
    agent = next(a for a in tenant.agents if a["agent-id"] == record["agent-id"])
    channel = next((c for c in tenant.channels if c["channel-id"] == record["channel-id"]), None)
    guid = interaction_guid(record, tenant.name)
    doc = {
        "startDate": record["accept-timestamp"],
        "agentID": record["agent-id"],
        "agentName": f"{agent['first-name']},{agent['last-name']}",
        "contactID": f"guest_at_{tenant.name}@chat.example/CtlGuest{rng.getrandbits(64):x}",
        "contactName": record["customer-name"],
        "queueID": record["queue-id"],
        "queueName": record["queue-name"],
        "channelID": record["channel-id"],
        "channelName": channel["channel-name"] if channel else "",
        "caseID": record["case-id"] or "0",
        "targetIP": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
        "transactionID": record["interaction-id"],
        "interactionGUID": guid,
        "transcriptType": "A2C",
        "duration": record["process-time"],
        "metaDatas": _metadata(
            [("Customer name", record["customer-name"]), ("Chat queue", record["queue-name"])]
        ),
    }
    start = dt.datetime.fromisoformat(record["accept-timestamp"])
    return doc, _messages(rng, start, int(record["process-time"] or 60))


def dummy_message(transcript_doc: WireDoc) -> WireDoc:
    """What a transcript keeps after its messages are deleted."""
    return {
        "messageTime": transcript_doc["startDate"],
        "messageFrom": "",
        "originalLanguage": "",
        "originalMessage": DELETED_MESSAGE,
        "translatedLanguage": "",
        "translatedMessage": "",
    }


def recorded_calls(tenant: Tenant) -> list[Record]:
    """The tenant's recorded phone calls an agent handled, in start order."""
    calls = [
        r
        for r in tenant.interactions
        if r["media-type"] == "Phone" and r["recording-filename"] and r["agent-id"]
    ]
    return sorted(calls, key=lambda r: dt.datetime.fromisoformat(r["accept-timestamp"]))


def handled_chats(tenant: Tenant) -> list[Record]:
    """The tenant's chats an agent handled, in start order."""
    chats = [r for r in tenant.interactions if r["media-type"] == "Chat" and r["agent-id"]]
    return sorted(chats, key=lambda r: dt.datetime.fromisoformat(r["accept-timestamp"]))
