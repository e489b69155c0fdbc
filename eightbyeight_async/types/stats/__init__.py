"""Records of the Historical Statistics API (`/api/stats/...`) and its code tables.

Every record class is a slotted, **non-frozen** attrs class. The statistics exports are the
SDK's bulk path (a day of interactions is tens of thousands of records), and a frozen
`__init__` costs several times a plain slotted one (§7 of the design guide). Measured here
through the converter: sparse 44-field `AllInteraction` records build 1.3 to 2.5 times faster
non-frozen; on the document's full sample the value hooks dominate (~48k records/s either
way). Treat the records as read-only values all the same: the SDK never mutates one after
building it, and `extra` is the only mutable container.

Conventions, the same in every class:

- Fields are named after the documented wire names (`agent-id` → `agent_id`); the few that
  are not plain hyphenated names say so with `wire_field`. Fields no class lists are kept in
  `extra` (wire name → raw value), so a newer server loses nothing.
- Numeric ids are `int` (`group_id`, `queue_id`, `interaction_id`…); ids that are text on
  the wire stay `str` (`agent_id`, `record_id`, `queue_obj_id`, `channel_obj_id`).
  Phone numbers, extensions and SIP ids are `str` (leading zeros and `+` matter).
- Durations are `timedelta`, read as seconds: the document states seconds for the process
  times, and every other duration in its samples is consistent with it (`status-break` 1696
  within a 30-minute period). `retry_interval` and the campaign's daily times are documented
  in minutes and stay `int`.
- Only each record's identifying fields are required; every other field is optional and
  `None` when the server sends an empty value (the document warns that many columns stay
  empty for the first hour after an interaction) or leaves the field out.
- Documented code tables are `OpenEnum`s: an undocumented code is kept, never an error.

`WIRE_ELEMENTS` maps each record class to the XML/JSON element names a list response wraps
its records in, for `_formats.unwrap_collection`.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any, NamedTuple

from ._aggregates import (
    AgentStatusStatistics,
    InteractionStatistics,
    OfflineSla,
    OfflineSlaBuckets,
    OnlineSla,
    OnlineSlaBuckets,
)
from ._codes import (
    CampaignStatus,
    DispositionCode,
    InteractionDirection,
    InteractionType,
    MediaType,
    MediaTypeName,
    RecordStatus,
    RecordStatusCode,
)
from ._directory import (
    Agent,
    AgentSkill,
    Campaign,
    CampaignRecord,
    Channel,
    Group,
    Queue,
    StatusCode,
    TransactionCode,
)
from ._events import (
    Activity,
    AgentInteraction,
    AgentStatus,
    AllInteraction,
    CampaignInteraction,
    OutboundCall,
    QueueInteraction,
)

__all__ = [
    "WIRE_ELEMENTS",
    "Activity",
    "Agent",
    "AgentInteraction",
    "AgentSkill",
    "AgentStatus",
    "AgentStatusStatistics",
    "AllInteraction",
    "Campaign",
    "CampaignInteraction",
    "CampaignRecord",
    "CampaignStatus",
    "Channel",
    "DispositionCode",
    "Group",
    "InteractionDirection",
    "InteractionStatistics",
    "InteractionType",
    "MediaType",
    "MediaTypeName",
    "OfflineSla",
    "OfflineSlaBuckets",
    "OnlineSla",
    "OnlineSlaBuckets",
    "OutboundCall",
    "Queue",
    "QueueInteraction",
    "RecordStatus",
    "RecordStatusCode",
    "StatusCode",
    "TransactionCode",
    "WireElements",
]


class WireElements(NamedTuple):
    """The element names around a list response's records: `{collection: {item: [...]}}`."""

    collection: str
    item: str


_INTERACTIONS = WireElements("interactions", "interaction")
_STATUSES = WireElements("statuses", "status")

WIRE_ELEMENTS: Mapping[type[Any], WireElements] = MappingProxyType(
    {
        Group: WireElements("groups", "group"),
        Agent: WireElements("agents", "agent"),
        AgentSkill: WireElements("skills", "skill"),
        Queue: WireElements("queues", "queue"),
        Channel: WireElements("channels", "channel"),
        Campaign: WireElements("campaigns", "campaign"),
        CampaignRecord: WireElements("records", "record"),
        TransactionCode: WireElements("tcl-trans", "tcl-tran"),
        StatusCode: WireElements("scl-trans", "scl-tran"),
        Activity: WireElements("activities", "activity"),
        AgentInteraction: _INTERACTIONS,
        QueueInteraction: _INTERACTIONS,
        CampaignInteraction: _INTERACTIONS,
        AllInteraction: _INTERACTIONS,
        OutboundCall: WireElements("outboundcalls", "outboundcall"),
        AgentStatus: _STATUSES,
        AgentStatusStatistics: _STATUSES,
        InteractionStatistics: WireElements("statistics", "statistic"),
        OnlineSla: WireElements("online_slas", "online_sla"),
        OfflineSla: WireElements("offline_slas", "offline_sla"),
    }
)
"""Record class → (collection, item) element names, e.g. `Group` → ("groups", "group")."""
