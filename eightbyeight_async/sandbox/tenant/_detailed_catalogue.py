"""The v8 detailed report types as `GET /report-types` lists them: their metrics (key, label
and value kind), the search fields and operators, and the `script-paths` summary type.

The vendor names 95 interaction-details metrics and 14 agent-status-change metrics without
listing them all here; the sandbox's names follow the documented ones (`interactionId`,
`finishedTime`, `*Duration`, `participant*`, `customerEmail`, ...). The value kind decides
the wire shape of an item's value:

- `text`: a string or null; `count`: a decimal string or null; `time`: an ISO date-time or
  null; `array`: a list of strings (`interactionLabels`, `participantId`);
- `finished`: `{"value": ISO | null, "ongoing": bool}` (`finishedTime`);
- `duration`: `{"value": milliseconds, "ongoing": bool}` (every `*Duration` metric), or
  null when the phase never happened.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

Kind = Literal["text", "count", "time", "array", "finished", "duration"]

INTERACTION_DETAILS = "detailed-reports-interaction-details"
AGENT_STATUS_CHANGE = "detailed-reports-agent-status-change"
SCRIPT_PATHS = "script-paths"
DETAILED_TYPES = (INTERACTION_DETAILS, AGENT_STATUS_CHANGE)

OPERATORS = (
    "=",
    "!=",
    ">",
    ">=",
    "<=",
    "<",
    "contains",
    "not-in",
    "in",
    "is-empty",
    "is-not-empty",
)
"""The searchQuery operators, in the document's order."""

PARTICIPANTS_KEY = "participants"
"""The item `includeParticipants` adds to interaction rows (not a metric)."""


def _metric(key: str, label: str, kind: Kind = "text") -> tuple[str, str, Kind]:
    return key, label, kind


INTERACTION_METRICS: tuple[tuple[str, str, Kind], ...] = (
    _metric("interactionId", "Interaction ID"),
    _metric("interactionGuid", "Interaction GUID"),
    _metric("startTime", "Start Time", "time"),
    _metric("finishedTime", "Finished Time", "finished"),
    _metric("mediaType", "Media Type"),
    _metric("direction", "Direction"),
    _metric("interactionType", "Interaction Type"),
    _metric("queueId", "Queue ID"),
    _metric("queueName", "Queue Name"),
    _metric("agentId", "Agent ID"),
    _metric("agentName", "Agent Name"),
    _metric("groupId", "Group ID"),
    _metric("groupName", "Group Name"),
    _metric("channelId", "Channel ID"),
    _metric("channelName", "Channel Name"),
    _metric("campaignId", "Campaign ID"),
    _metric("campaignName", "Campaign Name"),
    _metric("caseId", "Case ID"),
    _metric("customerName", "Customer Name"),
    _metric("customerEmail", "Customer Email"),
    _metric("customerPhone", "Customer Phone"),
    _metric("origination", "Origination"),
    _metric("originalDestination", "Original Destination"),
    _metric("translatedDestination", "Translated Destination"),
    _metric("destinationQueueId", "Destination Queue ID"),
    _metric("destinationQueueName", "Destination Queue Name"),
    _metric("journeyId", "Journey ID"),
    _metric("subject", "Subject"),
    _metric("interactionLabels", "Interaction Labels", "array"),
    _metric("participantId", "Participant ID", "array"),
    _metric("participantAssignReason", "Participant Assign Reason"),
    _metric("participantAssignTime", "Participant Assign Time", "time"),
    _metric("participantComments", "Participant Comments"),
    _metric("participantFocusDuration", "Participant Focus Duration", "duration"),
    _metric("participantFocusCount", "Participant Focus Count", "count"),
    _metric("participantHandlingOutcome", "Participant Handling Outcome"),
    _metric("participantParkDuration", "Participant Park Duration", "duration"),
    _metric("participantParkCount", "Participant Park Count", "count"),
    _metric("participantAcceptTime", "Participant Accept Time", "time"),
    _metric("participantType", "Participant Type"),
    _metric("acceptedTime", "Accepted Time", "time"),
    _metric("abandonedTime", "Abandoned Time", "time"),
    _metric("waitDuration", "Wait Duration", "duration"),
    _metric("ivrDuration", "IVR Duration", "duration"),
    _metric("queueDuration", "Queue Duration", "duration"),
    _metric("alertingDuration", "Alerting Duration", "duration"),
    _metric("talkDuration", "Talk Duration", "duration"),
    _metric("holdDuration", "Hold Duration", "duration"),
    _metric("longestHoldDuration", "Longest Hold Duration", "duration"),
    _metric("wrapUpDuration", "Wrap Up Duration", "duration"),
    _metric("handlingDuration", "Handling Duration", "duration"),
    _metric("totalDuration", "Total Duration", "duration"),
    _metric("timeToAbandonDuration", "Time To Abandon Duration", "duration"),
    _metric("focusDuration", "Focus Duration", "duration"),
    _metric("parkDuration", "Park Duration", "duration"),
    _metric("holdCount", "Hold Count", "count"),
    _metric("transferCount", "Transfer Count", "count"),
    _metric("conferenceCount", "Conference Count", "count"),
    _metric("parkCount", "Park Count", "count"),
    _metric("accepted", "Accepted"),
    _metric("abandoned", "Abandoned"),
    _metric("voicemailLeft", "Voicemail Left"),
    _metric("recorded", "Recorded"),
    _metric("transferred", "Transferred"),
    _metric("conferenced", "Conferenced"),
    _metric("acceptedInSla", "Accepted In SLA"),
    _metric("wrapUpCode", "Wrap Up Code"),
    _metric("wrapUpCodeText", "Wrap Up Code Text"),
    _metric("wrapUpCodeListId", "Wrap Up Code List ID"),
    _metric("dispositionCode", "Disposition Code"),
    _metric("dispositionText", "Disposition Text"),
    _metric("notes", "Notes"),
    _metric("recordingFilename", "Recording Filename"),
    _metric("outboundRecordId", "Outbound Record ID"),
    _metric("outboundRecordStatus", "Outbound Record Status"),
    _metric("transferFrom", "Transfer From"),
    _metric("conferenceFrom", "Conference From"),
    _metric("originalInteractionId", "Original Interaction ID"),
    _metric("externalTransferData", "External Transfer Data"),
    _metric("inboundSipId", "Inbound SIP ID"),
    _metric("callLeg1SipId", "Call Leg 1 SIP ID"),
    _metric("callLeg2SipId", "Call Leg 2 SIP ID"),
    _metric("callLeg1PostDialDelay", "Call Leg 1 Post Dial Delay", "count"),
    _metric("callLeg2PostDialDelay", "Call Leg 2 Post Dial Delay", "count"),
    _metric("priority", "Priority", "count"),
    _metric("language", "Language"),
    _metric("requiredSkills", "Required Skills"),
    _metric("tenantName", "Tenant Name"),
    _metric("lastQueueId", "Last Queue ID"),
    _metric("lastQueueName", "Last Queue Name"),
    _metric("scriptName", "Script Name"),
    _metric("exitReason", "Exit Reason"),
    _metric("callbackRequested", "Callback Requested"),
    _metric("callerId", "Caller ID"),
    _metric("interactionState", "Interaction State"),
)

AGENT_STATUS_METRICS: tuple[tuple[str, str, Kind], ...] = (
    _metric("eventId", "Event ID"),
    _metric("agentId", "Agent ID"),
    _metric("agentName", "Agent Name"),
    _metric("groupId", "Group ID"),
    _metric("groupName", "Group Name"),
    _metric("startTime", "Start Time", "time"),
    _metric("finishedTime", "Finished Time", "finished"),
    _metric("status", "Status"),
    _metric("previousStatus", "Previous Status"),
    _metric("statusDuration", "Status Duration", "duration"),
    _metric("statusCodeListId", "Status Code List ID"),
    _metric("statusCodeId", "Status Code ID"),
    _metric("statusCodeText", "Status Code Text"),
    _metric("transactionId", "Transaction ID"),
)

METRICS_OF: Mapping[str, tuple[tuple[str, str, Kind], ...]] = {
    INTERACTION_DETAILS: INTERACTION_METRICS,
    AGENT_STATUS_CHANGE: AGENT_STATUS_METRICS,
}
ID_KEY: Mapping[str, str] = {INTERACTION_DETAILS: "interactionId", AGENT_STATUS_CHANGE: "eventId"}
"""The item every row carries first, whatever `metrics` asks: the row's stable identity."""

KINDS: Mapping[str, Mapping[str, Kind]] = {
    name: {key: kind for key, _, kind in metrics} for name, metrics in METRICS_OF.items()
}
LABELS: Mapping[str, Mapping[str, str]] = {
    name: {key: label for key, label, _ in metrics} for name, metrics in METRICS_OF.items()
}

SCRIPT_PATH_FIELDS = ("script", "queue", "agent", "channel")
SCRIPT_PATH_FORBIDDEN = (
    "groupBy",
    "granularity",
    "metrics",
    "includeSubTotal",
    "includeGrandTotal",
    "includeParticipants",
)


def detailed_report_types() -> list[dict[str, Any]]:
    """The v8 catalogue entries of the detailed types and of `script-paths`."""
    entries: list[dict[str, Any]] = [
        {
            "type": name,
            "metrics": [key for key, _, _ in metrics],
            "searchQuery": {"fields": [key for key, _, _ in metrics], "operators": [*OPERATORS]},
        }
        for name, metrics in METRICS_OF.items()
    ]
    entries.append(
        {
            "type": SCRIPT_PATHS,
            "groupBy": [],
            "metrics": [],
            "searchQuery": {"fields": [*SCRIPT_PATH_FIELDS], "operators": ["in"]},
        }
    )
    return entries
