"""The event types of 8x8 Event Streaming and the topics each event is published to.

31 types. Agent events (the payload's one key names the type): `AgentStatusChange`,
`AgentProvChange`, `AgentSkillCreated`, `AgentSkillChanged` (the four agent events 8x8's
event reference lists; no undocumented `AgentLogin`/`AgentLogout`). Interaction events are
`{"Interaction": {"event": <type>, ...}}`, the type being the `event` value (24 of them,
named as the SDK's contract names them: 8x8's reference writes some without the
`Interaction` prefix, e.g. `LineHoldStatus`). And `GuestChatEnd`, `MediaProxyAdded`,
`MediaProxyRemoved`, keyed by their own name like agent events.

Topics, namespace by namespace: `event-v1/all` (every event), `event-v1/{type}` (the events
of one type), `agent-v1/{agentId}` (every event carrying that agent's id).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

EVENT_NAMESPACE = "event-v1"
AGENT_NAMESPACE = "agent-v1"
ALL_TOPIC = "all"

AGENT_TYPES = ("AgentStatusChange", "AgentProvChange", "AgentSkillCreated", "AgentSkillChanged")
INTERACTION_TYPES = (
    "InteractionCreated",
    "InteractionQueued",
    "InteractionAssigned",
    "InteractionAccepted",
    "InteractionCustomerAccepted",
    "InteractionRejected",
    "InteractionUnqueued",
    "InteractionLineHoldStatus",
    "InteractionLineMuteStatus",
    "InteractionRecordingStarted",
    "InteractionRecordingStatus",
    "InteractionPostProcess",
    "InteractionRecordingReady",
    "InteractionEndPostProcess",
    "InteractionDeassigned",
    "InteractionTransferRequest",
    "InteractionReconnect",
    "InteractionParticipantChange",
    "InteractionParticipantRemovedByHost",
    "InteractionJoinLinesRequest",
    "InteractionJoined",
    "InteractionChanged",
    "InteractionQueueTimeout",
    "InteractionDeleted",
)
OTHER_TYPES = ("GuestChatEnd", "MediaProxyAdded", "MediaProxyRemoved")
EVENT_TYPES: tuple[str, ...] = AGENT_TYPES + INTERACTION_TYPES + OTHER_TYPES
"""Every type, each one a topic of `event-v1`."""

Topic = tuple[str, str]
"""(namespace, topic name)."""


def event_type(event: Mapping[str, Any]) -> str:
    """The type of an event in its JSON form: the `event` of an Interaction, else its key."""
    ((name, payload),) = event.items()
    if name == "Interaction":
        return str(payload["event"])
    return name


def event_key(event: Mapping[str, Any]) -> str | None:
    """A message's `key`: the interaction GUID, else the agent id (Key_Shared hashes it)."""
    ((_name, payload),) = event.items()
    key = payload.get("interactionGUID") or payload.get("agentId")
    return None if key is None else str(key)


def topics_of(event: Mapping[str, Any]) -> list[Topic]:
    """The topics an event is published to, in publication order."""
    ((_name, payload),) = event.items()
    topics = [(EVENT_NAMESPACE, ALL_TOPIC), (EVENT_NAMESPACE, event_type(event))]
    agent = payload.get("agentId")
    if agent:
        topics.append((AGENT_NAMESPACE, str(agent)))
    return topics


def unknown_topic(namespace: str, topic: str, agents: Iterable[str]) -> str | None:
    """Why a (namespace, topic) is not served, or None when it is."""
    if namespace == EVENT_NAMESPACE:
        if topic == ALL_TOPIC or topic in EVENT_TYPES:
            return None
        return f"Topic not found: persistent://{{tenant}}/{namespace}/{topic} (no such event type)"
    if namespace == AGENT_NAMESPACE:
        if topic in set(agents):
            return None
        return f"Topic not found: persistent://{{tenant}}/{namespace}/{topic} (no such agent)"
    return f"Namespace not found: {namespace} (namespaces: {EVENT_NAMESPACE}, {AGENT_NAMESPACE})"
