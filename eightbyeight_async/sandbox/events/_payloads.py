"""The sandbox's Event Streaming content: SAPI's seeded tenant activity, in more detail.

`EventStreamFactory.make(now)` returns the next event in its JSON form (one key, as SAPI's
JSON: `{"AgentStatusChange": {...}}`, `{"Interaction": {"event": "InteractionCreated", ...}}`,
...). It runs SAPI's own `EventFactory` with the same seed, so the agents, queues and
interaction GUIDs are the world SAPI streams, and expands each SAPI event into the longer
Event Streaming lifecycle:

  - SAPI InteractionCreated → InteractionCreated, MediaProxyAdded (phone, voicemail),
    InteractionQueued, sometimes InteractionQueueTimeout + InteractionQueued (re-queued);
  - SAPI InteractionAccepted → sometimes InteractionUnqueued + InteractionQueued (moved),
    sometimes InteractionAssigned + InteractionRejected (another agent said no), then
    InteractionAssigned, InteractionAccepted, InteractionCustomerAccepted (outbound, or
    sometimes), and two or three mid-call events (hold, mute, recording, transfer, ...);
  - SAPI InteractionDeleted → InteractionDeassigned, InteractionPostProcess,
    InteractionRecordingReady (if recorded), InteractionEndPostProcess, GuestChatEnd (chat),
    MediaProxyRemoved (phone, voicemail), InteractionDeleted;
  - SAPI AgentProvChange → AgentProvChange, then for a skill change sometimes
    AgentSkillCreated, and AgentSkillChanged; AgentStatusChange as it is, sometimes followed
    by a skill of that agent changed (AgentSkillChanged, now and then AgentSkillCreated first).

`msgInfo` is `{}` in every payload (Pulsar's envelope carries the ordering instead).

Drift, as the real service shows it (all of it within the first few hundred events):
booleans as JSON booleans or as the strings "true"/"false" (`recordingEnabled` on
InteractionCreated, `onHold` on InteractionLineHoldStatus, `muted` on
InteractionLineMuteStatus, `resumed` on InteractionRecordingStatus and
InteractionReconnect, `enabled` on the skill events); `inboundChannelid` a number or "N/A";
`dispositionCode` 1000 or "SALE"; `participatingAgents` agent ids joined by "," or by ";";
`attachedDataValue` a number, a string or a boolean; most interaction payloads carry only
`interactionEventTS` (epoch seconds) and no `eventTS`; `queueTime` is seconds spent queued.
"""

from __future__ import annotations

import collections
import random
from typing import Any

import attrs

from ..sapi._sapi_events import EventFactory
from ..tenant._tenant import Tenant

Event = dict[str, Any]

MID_CALL = (
    "InteractionLineHoldStatus",
    "InteractionLineMuteStatus",
    "InteractionRecordingStarted",
    "InteractionRecordingStatus",
    "InteractionTransferRequest",
    "InteractionReconnect",
    "InteractionParticipantChange",
    "InteractionParticipantRemovedByHost",
    "InteractionJoinLinesRequest",
    "InteractionJoined",
    "InteractionChanged",
)
_CALL_STATES = {
    "InteractionCreated": "CS_IDLE",
    "InteractionQueued": "CS_QUEUED",
    "InteractionQueueTimeout": "CS_QUEUED",
    "InteractionUnqueued": "CS_IDLE",
    "InteractionRejected": "CS_QUEUED",
    "InteractionAssigned": "CS_INPROGRESS",
    "InteractionLineHoldStatus": "CS_HOLD",
    "InteractionPostProcess": "CS_DISCONNECTED",
    "InteractionEndPostProcess": "CS_DISCONNECTED",
    "InteractionDeassigned": "CS_DISCONNECTED",
    "InteractionDeleted": "CS_DISCONNECTED",
}
_PROXIED = frozenset({"phone", "voicemail"})
"""Media whose audio runs through a media proxy (MediaProxyAdded/Removed)."""
_LEVELS = ("high", "medium", "low")
_QUEUED = frozenset({"InteractionCreated", "InteractionQueued", "InteractionQueueTimeout"})
_WITH_ATTACHED = frozenset({"InteractionCreated", "InteractionAccepted", "InteractionChanged"})
_WITH_PARTICIPANTS = frozenset(
    {
        "InteractionParticipantChange",
        "InteractionParticipantRemovedByHost",
        "InteractionJoined",
        "InteractionDeleted",
    }
)


@attrs.define(eq=False)
class _Flow:
    """An interaction in flight, as its events repeat it."""

    guid: str
    media: str
    direction: str
    channel: int
    campaign: int
    queue: str
    created: int
    attached: list[dict[str, Any]]
    agent: str = ""
    steps: int = 0
    queued_at: int = 0
    recorded: bool = False


class EventStreamFactory:
    """Deterministic Event Streaming content for one tenant, from `seed`."""

    def __init__(self, tenant: Tenant, seed: int) -> None:
        self._sapi = EventFactory(tenant, seed, f"sbx-{tenant.name}-events-v1")
        self._rng = random.Random(f"{seed}:events")
        self._agents = [str(agent["agent-id"]) for agent in tenant.agents]
        self._queues = [str(queue["queue-id"]) for queue in tenant.queues]
        self._flows: dict[str, _Flow] = {}
        self._buffer: collections.deque[Event] = collections.deque()
        self._sequence = 0

    def make(self, now: float) -> Event:
        """The next event, happening at `now` (epoch seconds, the simulated clock)."""
        while not self._buffer:
            self._sequence += 1
            self._buffer.extend(self._expand(self._sapi.make(self._sequence, now), int(now)))
        return self._buffer.popleft()

    # --- expansion of one SAPI event --------------------------------------------------------

    def _expand(self, sapi: Event, now: int) -> list[Event]:
        ((name, payload),) = sapi.items()
        payload = {**payload, "msgInfo": {}}
        if name == "AgentStatusChange":
            return [{name: payload}, *self._skill_toggle(payload, now)]
        if name == "AgentProvChange":
            return self._provisioning(payload, now)
        event = payload["event"]
        if event == "InteractionCreated":
            return self._created(payload, now)
        flow = self._flows.get(payload["interactionGUID"])
        if flow is None:  # pragma: no cover - SAPI creates every interaction it continues
            return [{"Interaction": payload}]
        if event == "InteractionAccepted":
            return self._accepted(flow, str(payload["agentId"]), now)
        del self._flows[flow.guid]
        return self._deleted(flow, now)

    def _provisioning(self, payload: dict[str, Any], now: int) -> list[Event]:
        events: list[Event] = [{"AgentProvChange": payload}]
        if payload["event"] != "AgentSkillChanged":
            return events
        item = payload["provisioningItems"]["provisioningItem"][0]
        skill_id, _, level = str(item["provisioningItemNewValue"]).partition("=")
        return events + self._skill(str(payload["agentId"]), skill_id, level, now, 0.5)

    def _skill_toggle(self, status: dict[str, Any], now: int) -> list[Event]:
        """Sometimes a skill of the agent is enabled or disabled (or assigned) meanwhile."""
        rng = self._rng
        if rng.random() >= 0.12:
            return []
        skill_id = rng.choice(self._queues)
        return self._skill(str(status["agentId"]), skill_id, rng.choice(_LEVELS), now, 0.4)

    def _skill(
        self, agent: str, skill_id: str, level: str, now: int, created: float
    ) -> list[Event]:
        events: list[Event] = []
        skill: dict[str, Any] = {
            "agentId": agent,
            "enabled": self._flag(self._rng.random() < 0.8),
            "msgInfo": {},
            "skillEventTS": now,
            "skillId": skill_id,
            "skillLevel": level,
        }
        if self._rng.random() < created:
            events.append({"AgentSkillCreated": {**skill, "enabled": self._flag(True)}})
        events.append({"AgentSkillChanged": skill})
        return events

    def _created(self, payload: dict[str, Any], now: int) -> list[Event]:
        rng = self._rng
        attached = list(payload["attachedData"]["attachedDatum"])
        attached.append({"attachedDataKey": "vipCustomer", "attachedDataValue": rng.random() < 0.3})
        attached.append({"attachedDataKey": "priority", "attachedDataValue": rng.randint(1, 10)})
        flow = _Flow(
            guid=payload["interactionGUID"],
            media=payload["mediaType"],
            direction=payload["direction"],
            channel=int(payload["inboundChannelid"]),
            campaign=int(payload["outboundCampaignid"]),
            queue=payload["queueId"],
            created=now,
            attached=attached,
            queued_at=now,
        )
        self._flows[flow.guid] = flow
        flow.recorded = rng.random() < 0.6
        recording = self._flag(flow.recorded)
        events = [self._interaction(flow, "InteractionCreated", now, recordingEnabled=recording)]
        if flow.media in _PROXIED:
            events.append(self._media_proxy(flow, "MediaProxyAdded", now))
        events.append(self._interaction(flow, "InteractionQueued", now))
        if rng.random() < 0.12:
            events.append(self._interaction(flow, "InteractionQueueTimeout", now))
            events.append(self._interaction(flow, "InteractionQueued", now))
        return events

    def _accepted(self, flow: _Flow, agent: str, now: int) -> list[Event]:
        rng = self._rng
        events: list[Event] = []
        if rng.random() < 0.25:
            events.append(self._interaction(flow, "InteractionUnqueued", now))
            events.append(self._interaction(flow, "InteractionQueued", now))
        others = [a for a in self._agents if a != agent]
        if others and rng.random() < 0.25:
            other = rng.choice(others)
            events.append(self._interaction(flow, "InteractionAssigned", now, agentId=other))
            reason = rng.choice(("timeout", "declined"))
            events.append(
                self._interaction(flow, "InteractionRejected", now, agentId=other, reason=reason)
            )
        flow.agent = agent
        events.append(self._interaction(flow, "InteractionAssigned", now))
        events.append(self._interaction(flow, "InteractionAccepted", now))
        if flow.direction == "out" or rng.random() < 0.3:
            events.append(self._interaction(flow, "InteractionCustomerAccepted", now))
        for event in rng.sample(MID_CALL, rng.randint(2, 3)):
            events.append(self._mid_call(flow, event, now))
        return events

    def _mid_call(self, flow: _Flow, event: str, now: int) -> Event:
        rng = self._rng
        extra: dict[str, Any] = {}
        if event == "InteractionLineHoldStatus":
            extra["onHold"] = self._flag(rng.random() < 0.5)
        elif event == "InteractionLineMuteStatus":
            extra["muted"] = self._flag(rng.random() < 0.5)
        elif event == "InteractionRecordingStarted":
            flow.recorded = True
            extra["recordingId"] = f"rec-{rng.getrandbits(48):012x}"
        elif event in ("InteractionRecordingStatus", "InteractionReconnect"):
            extra["resumed"] = self._flag(rng.random() < 0.5)
        elif event == "InteractionTransferRequest":
            extra["destinationAgentId"] = rng.choice(self._agents)
        return self._interaction(flow, event, now, **extra)

    def _deleted(self, flow: _Flow, now: int) -> list[Event]:
        rng = self._rng
        code: Any = rng.choice((1000, "SALE"))
        events = [
            self._interaction(flow, "InteractionDeassigned", now),
            self._interaction(flow, "InteractionPostProcess", now, dispositionCode=code),
        ]
        if flow.recorded:
            events.append(self._interaction(flow, "InteractionRecordingReady", now))
        code = rng.choice((1000, "SALE"))
        events.append(
            self._interaction(flow, "InteractionEndPostProcess", now, dispositionCode=code)
        )
        if flow.media == "chat":
            chat_end = {
                "agentId": flow.agent,
                "chatEndTS": now,
                "endedBy": rng.choice(("guest", "agent", "timeout")),
                "interactionGUID": flow.guid,
                "msgInfo": {},
            }
            events.append({"GuestChatEnd": chat_end})
        if flow.media in _PROXIED:
            events.append(self._media_proxy(flow, "MediaProxyRemoved", now))
        events.append(self._interaction(flow, "InteractionDeleted", now))
        return events

    # --- payloads ---------------------------------------------------------------------------

    def _interaction(self, flow: _Flow, event: str, now: int, **extra: Any) -> Event:
        rng = self._rng
        flow.steps += 1
        if event == "InteractionQueued":
            flow.queued_at = now
        payload: dict[str, Any] = {"event": event}
        if flow.agent and event not in _QUEUED:
            payload["agentId"] = flow.agent
        payload["callState"] = _CALL_STATES.get(event, "CS_CONNECTED")
        payload["direction"] = flow.direction
        if rng.random() < 0.4:
            payload["eventTS"] = now
        channel: Any = flow.channel
        if (flow.channel == 0 and rng.random() < 0.6) or rng.random() < 0.06:
            channel = "N/A"
        payload.update(
            {
                "inboundChannelid": channel,
                "interactionEventTS": now,
                "interactionGUID": flow.guid,
                "mediaType": flow.media,
                "msgInfo": {},
                "outboundCampaignid": flow.campaign,
                "queueId": flow.queue,
                "queueTime": max(0, now - flow.queued_at) + rng.randrange(0, 90),
                "transactionNum": flow.steps,
            }
        )
        if event in _WITH_PARTICIPANTS and flow.agent:
            payload["participatingAgents"] = self._participants(flow)
        payload.update(extra)
        if event in _WITH_ATTACHED:
            payload["attachedData"] = {"attachedDatum": [dict(d) for d in flow.attached]}
        return {"Interaction": payload}

    def _media_proxy(self, flow: _Flow, name: str, now: int) -> Event:
        rng = self._rng
        payload = {
            "eventTS": now,
            "interactionGUID": flow.guid,
            "mediaProxyHost": f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
            "mediaProxyId": f"mp-{flow.guid[-12:]}",
            "msgInfo": {},
        }
        return {name: payload}

    def _participants(self, flow: _Flow) -> str:
        rng = self._rng
        others = [a for a in self._agents if a != flow.agent]
        agents = [flow.agent, *rng.sample(others, min(len(others), rng.randint(1, 2)))]
        return rng.choice((",", ";")).join(agents)

    def _flag(self, value: bool) -> bool | str:
        """A boolean as JSON has it, or (as often) as the string "true"/"false"."""
        if self._rng.random() < 0.5:
            return value
        return "true" if value else "false"
