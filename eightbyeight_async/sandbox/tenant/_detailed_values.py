"""The values of one interaction-details row, every metric, from a raw interaction record,
its derived facts and the moment the report looks at ("as of": the tenant's now, or the end
of the date range with `showInteractionsStateInTime`).

An interaction's phases come from its record: created → (IVR, queue) → accepted → talk with
hold (`process-time`) → wrap-up (`post-process-time`); or created → abandoned; a queued
interaction neither accepted nor abandoned is still waiting (ongoing). A phase that has not
ended by "as of" is `ongoing` with the time elapsed so far. Durations are milliseconds here;
the older `h:mm:ss` text is a rendering choice (`_detailed_data.duration_text`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any
from zoneinfo import ZoneInfo

import attrs

from ._detailed_facts import ASSIGN_REASONS, Facts, facts, moment, seconds
from ._tenant import Record, Tenant

Values = dict[str, Any]


@attrs.frozen
class Directory:
    """The tenant's entities by id, for the names a row shows."""

    tenant: Tenant
    agents: Mapping[str, Record]
    groups: Mapping[str, Record]
    queues: Mapping[str, Record]
    channels: Mapping[str, Record]
    campaigns: Mapping[str, Record]

    @classmethod
    def of(cls, tenant: Tenant) -> Directory:
        return cls(
            tenant=tenant,
            agents={a["agent-id"]: a for a in tenant.agents},
            groups={g["group-id"]: g for g in tenant.groups},
            queues={q["queue-id"]: q for q in tenant.queues},
            channels={c["channel-id"]: c for c in tenant.channels},
            campaigns={c["campaign-id"]: c for c in tenant.campaigns},
        )


def script_name(channel: Record | None) -> str | None:
    """The IVR script an inbound channel runs (the script-paths report's `script`)."""
    return None if channel is None else f"IVR {channel['channel-desc']}"


def iso(when: dt.datetime | None, zone: ZoneInfo) -> str | None:
    """A moment as the detailed reports write it: seconds, with the zone's offset."""
    return None if when is None else when.astimezone(zone).isoformat(timespec="seconds")


def phase(begin: dt.datetime | None, length: int | None, as_of: dt.datetime) -> Values | None:
    """`{"value": ms, "ongoing": bool}` of a phase `length` seconds from `begin` (None when
    it never began); unfinished by `as_of`: the milliseconds elapsed so far, ongoing."""
    if begin is None or length is None:
        return None
    elapsed = (as_of - begin).total_seconds()
    if elapsed >= length:
        return {"value": length * 1000, "ongoing": False}
    return {"value": max(0, int(elapsed * 1000)), "ongoing": True}


def _text(record: Record, field: str) -> str | None:
    return record[field] or None


def _yes(flag: bool) -> str:
    return "Yes" if flag else "No"


def interaction_values(
    directory: Directory, record: Record, zone: ZoneInfo, as_of: dt.datetime
) -> tuple[Values, list[Values]]:
    """(every metric's value, the participants) of one interaction."""
    derived = facts(directory.tenant, record)
    created = moment(record["create-timestamp"])
    assert created is not None
    accepted = moment(record["accept-timestamp"])
    abandoned = moment(record["abandon-timestamp"])
    queued = bool(record["queue-id"])
    process, post = seconds(record, "process-time"), seconds(record, "post-process-time")
    hold = seconds(record, "total-hold-time")
    finished = _finished(record, created, accepted, abandoned, queued)
    ongoing = finished is None or finished > as_of
    wait_end = accepted or abandoned
    wait = phase(created, int((wait_end - created).total_seconds()) if wait_end else None, as_of)
    if wait is None:
        wait = {"value": max(0, int((as_of - created).total_seconds() * 1000)), "ongoing": True}
    ivr_text = record["ivr-treatment-time"]
    ivr = phase(created, int(ivr_text), as_of) if ivr_text else None
    talk = phase(accepted, process, as_of)
    holding = None if talk is None else {**talk, "value": min(hold * 1000, talk["value"])}
    if talk is not None:
        talk = {**talk, "value": talk["value"] - (holding or {"value": 0})["value"]}
    wrap = phase(accepted + dt.timedelta(seconds=process) if accepted else None, post, as_of)
    handling = phase(accepted, process + post, as_of)
    total = phase(
        created, int((finished - created).total_seconds()) if finished else None, as_of
    ) or {"value": wait["value"], "ongoing": True}
    agent = directory.agents.get(record["agent-id"])
    group = directory.groups.get(agent["group-id"]) if agent else None
    queue = directory.queues.get(record["queue-id"])
    channel = directory.channels.get(record["channel-id"])
    campaign = directory.campaigns.get(record["campaign-id"])
    destination = derived.destination_queue
    participants = _participants(record, derived, agent, group, queue, zone, accepted, as_of)
    handling_ongoing = handling["ongoing"] if handling else False
    values: Values = {
        "interactionId": record["interaction-id"],
        "interactionGuid": derived.guid,
        "startTime": iso(created, zone),
        "finishedTime": {"value": None if ongoing else iso(finished, zone), "ongoing": ongoing},
        "mediaType": record["media-type"],
        "direction": record["interaction-direction"] or None,
        "interactionType": record["interaction-type"] or "Regular",
        "queueId": _text(record, "queue-id"),
        "queueName": _text(record, "queue-name"),
        "agentId": _text(record, "agent-id"),
        "agentName": _text(record, "agent-name"),
        "groupId": group["group-id"] if group else None,
        "groupName": group["group-name"] if group else None,
        "channelId": _text(record, "channel-id"),
        "channelName": channel["channel-name"] if channel else None,
        "campaignId": _text(record, "campaign-id"),
        "campaignName": _text(record, "campaign-name"),
        "caseId": _text(record, "case-id"),
        "customerName": _text(record, "customer-name"),
        "customerEmail": derived.email,
        "customerPhone": derived.phone,
        "origination": _text(record, "origination"),
        "originalDestination": _text(record, "destination-original"),
        "translatedDestination": _text(record, "destination-translated"),
        "destinationQueueId": destination["queue-id"] if destination else None,
        "destinationQueueName": destination["queue-name"] if destination else None,
        "journeyId": derived.journey_id,
        "subject": derived.subject,
        "interactionLabels": list(derived.labels),
        "participantId": [p["participantId"] for p in participants],
        "participantAssignReason": participants[-1]["assignReason"] if participants else None,
        "participantAssignTime": participants[-1]["assignTime"] if participants else None,
        "participantComments": derived.comments,
        "participantFocusDuration": _fixed(accepted, derived.focus_seconds, handling_ongoing),
        "participantFocusCount": str(derived.focus_count) if agent else None,
        "participantHandlingOutcome": participants[-1]["handlingOutcome"] if participants else None,
        "participantParkDuration": _fixed(accepted, derived.park_seconds, handling_ongoing),
        "participantParkCount": str(derived.park_count) if agent else None,
        "participantAcceptTime": iso(accepted, zone) if agent else None,
        "participantType": "agent" if agent else None,
        "acceptedTime": iso(accepted, zone),
        "abandonedTime": iso(abandoned, zone),
        "waitDuration": wait,
        "ivrDuration": ivr,
        "queueDuration": _queue_phase(wait, ivr) if queued else None,
        "alertingDuration": _fixed(accepted, derived.alerting_seconds, False),
        "talkDuration": talk,
        "holdDuration": holding,
        "longestHoldDuration": _fixed(
            accepted, seconds(record, "max-hold-time"), bool(talk and talk["ongoing"])
        ),
        "wrapUpDuration": wrap,
        "handlingDuration": handling,
        "totalDuration": total,
        "timeToAbandonDuration": phase(
            created, int((abandoned - created).total_seconds()) if abandoned else None, as_of
        ),
        "focusDuration": _fixed(accepted, derived.focus_seconds, handling_ongoing),
        "parkDuration": _fixed(accepted, derived.park_seconds, handling_ongoing),
        "holdCount": _text(record, "hold-count"),
        "transferCount": str(int(destination is not None or bool(record["transfer-from"]))),
        "conferenceCount": str(int(bool(record["conference-from"]))),
        "parkCount": str(derived.park_count),
        "accepted": _yes(accepted is not None),
        "abandoned": _yes(abandoned is not None),
        "voicemailLeft": _yes(record["voice-message-left"] == "Y"),
        "recorded": _yes(bool(record["recording-filename"])),
        "transferred": _yes(destination is not None or bool(record["transfer-from"])),
        "conferenced": _yes(bool(record["conference-from"])),
        "acceptedInSla": _in_sla(queue, accepted, created),
        "wrapUpCode": _text(record, "wrap-up-code"),
        "wrapUpCodeText": _text(record, "wrap-up-text"),
        "wrapUpCodeListId": "170" if record["wrap-up-code"] not in ("", "N/A") else None,
        "dispositionCode": _text(record, "dial-code"),
        "dispositionText": _text(record, "dial-text"),
        "notes": _text(record, "notes"),
        "recordingFilename": _text(record, "recording-filename"),
        "outboundRecordId": _text(record, "record-id"),
        "outboundRecordStatus": _text(record, "record-status"),
        "transferFrom": _text(record, "transfer-from"),
        "conferenceFrom": _text(record, "conference-from"),
        "originalInteractionId": _text(record, "orig-interaction-id"),
        "externalTransferData": _text(record, "ext-trans-data"),
        "inboundSipId": _text(record, "inbound-sip-id"),
        "callLeg1SipId": _text(record, "call-leg1-sip-id"),
        "callLeg2SipId": _text(record, "call-leg2-sip-id"),
        "callLeg1PostDialDelay": _text(record, "call-leg1-post-dial-delay"),
        "callLeg2PostDialDelay": _text(record, "call-leg2-post-dial-delay"),
        "priority": str(derived.priority),
        "language": derived.language,
        "requiredSkills": f"{queue['queue-name']} skill" if queue else None,
        "tenantName": directory.tenant.name,
        "lastQueueId": (destination or queue or {}).get("queue-id"),
        "lastQueueName": (destination or queue or {}).get("queue-name"),
        "scriptName": script_name(channel),
        "exitReason": _exit_reason(record, ongoing, abandoned),
        "callbackRequested": _yes(record["interaction-type"] == "Web Callback"),
        "callerId": campaign["caller-id"] if campaign else (channel or {}).get("channel-name"),
        "interactionState": "Ongoing" if ongoing else "Finished",
    }
    return values, participants


def _finished(
    record: Record,
    created: dt.datetime,
    accepted: dt.datetime | None,
    abandoned: dt.datetime | None,
    queued: bool,
) -> dt.datetime | None:
    if accepted is not None:
        return accepted + dt.timedelta(seconds=seconds(record, "total-time"))
    if abandoned is not None:
        return abandoned
    return None if queued else created


def _fixed(accepted: dt.datetime | None, length: int | None, ongoing: bool) -> Values | None:
    if accepted is None or length is None:
        return None
    return {"value": length * 1000, "ongoing": ongoing}


def _queue_phase(wait: Values, ivr: Values | None) -> Values:
    spent = wait["value"] - (ivr["value"] if ivr else 0)
    return {"value": max(0, spent), "ongoing": wait["ongoing"]}


def _in_sla(queue: Record | None, accepted: dt.datetime | None, created: dt.datetime) -> str | None:
    if queue is None or queue["sla-enabled"] != "Y" or accepted is None:
        return None
    return _yes((accepted - created).total_seconds() <= int(queue["sla-time"] or 0))


def _exit_reason(record: Record, ongoing: bool, abandoned: dt.datetime | None) -> str:
    if ongoing:
        return "In Progress"
    if abandoned is not None:
        return "Abandoned"
    if record["interaction-type"] == "Fwd to Ext. Number":
        return "Forwarded"
    return "Completed"


def _participants(
    record: Record,
    derived: Facts,
    agent: Record | None,
    group: Record | None,
    queue: Record | None,
    zone: ZoneInfo,
    accepted: dt.datetime | None,
    as_of: dt.datetime,
) -> list[Values]:
    """The flat participant objects `includeParticipants` adds: a first offer that timed out
    (when there was one), then the agent who handled the interaction."""
    if agent is None:
        return []
    interaction_id = record["interaction-id"]
    offered = accepted - dt.timedelta(seconds=derived.alerting_seconds or 0) if accepted else None
    common = {
        "participantType": "agent",
        "queueId": queue["queue-id"] if queue else None,
        "queueName": queue["queue-name"] if queue else None,
        "assignReason": ASSIGN_REASONS.get(record["interaction-type"], "Longest Idle Agent"),
    }
    found: list[Values] = []
    first = derived.rejected_by
    if first is not None and offered is not None:
        found.append(
            {
                "participantId": f"{interaction_id}-{len(found) + 1}",
                **common,
                "agentId": first["agent-id"],
                "agentName": first["full-name"],
                "groupId": first["group-id"],
                "assignTime": iso(offered - dt.timedelta(seconds=15), zone),
                "acceptTime": None,
                "finishedTime": iso(offered, zone),
                "handlingOutcome": "Timeout",
                "focusDuration": None,
                "parkDuration": None,
                "holdDuration": None,
                "talkDuration": None,
                "wrapUpDuration": None,
                "comments": None,
            }
        )
    process, post = seconds(record, "process-time"), seconds(record, "post-process-time")
    hold = seconds(record, "total-hold-time")
    done = accepted is not None and accepted + dt.timedelta(seconds=process + post) <= as_of
    found.append(
        {
            "participantId": f"{interaction_id}-{len(found) + 1}",
            **common,
            "agentId": agent["agent-id"],
            "agentName": agent["full-name"],
            "groupId": group["group-id"] if group else None,
            "assignTime": iso(offered, zone),
            "acceptTime": iso(accepted, zone),
            "finishedTime": iso(accepted + dt.timedelta(seconds=process + post), zone)
            if accepted is not None and done
            else None,
            "handlingOutcome": ("Transferred" if derived.destination_queue else "Handled")
            if accepted is not None
            else "Not Accepted",
            "focusDuration": derived.focus_seconds * 1000 if accepted else None,
            "parkDuration": derived.park_seconds * 1000 if accepted else None,
            "holdDuration": hold * 1000 if accepted else None,
            "talkDuration": (process - hold) * 1000 if accepted else None,
            "wrapUpDuration": post * 1000 if accepted else None,
            "comments": derived.comments,
        }
    )
    return found
