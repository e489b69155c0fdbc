"""The Historical Statistics API's endpoints, each declared once (`/api/stats/...`).

A listing reached through one of several owners (an agent's or a group's activities) is a
`Choice`: the owner argument given picks the endpoint (`_endpoints.choose`).
"""

from __future__ import annotations

from typing import TypeVar

from .._config import ApiFamily
from .._endpoints import Choice, Endpoint, Envelope
from ..types.stats import (
    Activity,
    Agent,
    AgentInteraction,
    AgentSkill,
    AgentStatus,
    AgentStatusStatistics,
    AllInteraction,
    Campaign,
    CampaignInteraction,
    CampaignRecord,
    Channel,
    Group,
    InteractionStatistics,
    OfflineSla,
    OnlineSla,
    OutboundCall,
    Queue,
    QueueInteraction,
    StatusCode,
    TransactionCode,
)

T = TypeVar("T")


def _stats(
    path: str, model: type[T], wrapper: str, *, paged: bool = True, lone_root: bool = False
) -> Endpoint[T]:
    """An endpoint answering `{collection: {item: [...]}}`, `wrapper` = "collection/item"."""
    collection, item = wrapper.split("/")
    envelope = Envelope(collection, item, lone_root=lone_root)
    return Endpoint(ApiFamily.STATS, f"/api/stats/{path}", model, envelope, offset_paged=paged)


def _by_owner(
    template: str, model: type[T], wrapper: str, *owners: str, paged: bool = True
) -> Choice[T]:
    """One listing under several owners: `{owner}` in `template` is `agents/{agent_id}`, …"""
    return {
        owner: _stats(
            template.format(owner=f"{owner.removesuffix('_id')}s/{{{owner}}}"),
            model,
            wrapper,
            paged=paged,
        )
        for owner in owners
    }


GROUPS = _stats("groups", Group, "groups/group")
AGENTS = _stats("agents", Agent, "agents/agent")
GROUP_AGENTS = _stats("groups/{group_id}/agents", Agent, "agents/agent")
AGENT = _stats("agents/{agent_id}", Agent, "agents/agent")
QUEUES = _stats("queues", Queue, "queues/queue")
QUEUE = _stats("queues/{queue_id}", Queue, "queues/queue")
CHANNELS = _stats("channels", Channel, "channels/channel")
CAMPAIGNS = _stats("campaigns", Campaign, "campaigns/campaign")
# The vendor's current documentation answers `{"campaign": {...}}`; the seed, a collection.
CAMPAIGN = _stats("campaigns/{campaign_id}", Campaign, "campaigns/campaign", lone_root=True)
CAMPAIGN_RECORDS = _stats("campaigns/{campaign_id}/records", CampaignRecord, "records/record")
TRANSACTION_CODES = _stats("tcls", TransactionCode, "tcl-trans/tcl-tran")
STATUS_CODES = _stats("scls", StatusCode, "scl-trans/scl-tran")
# "This API does not support any query parameters": one answer, never paged.
SKILLS = _by_owner(
    "{owner}/skills", AgentSkill, "skills/skill", "agent_id", "queue_id", paged=False
)
ACTIVITIES = _by_owner(
    "{owner}/activities", Activity, "activities/activity", "agent_id", "group_id"
)
STATUSES = _by_owner("{owner}/statuses", AgentStatus, "statuses/status", "agent_id", "group_id")
STATUS_STATISTICS = _stats(
    "agents/{agent_id}/statuses/statistics", AgentStatusStatistics, "statuses/status"
)
OUTBOUND_CALLS = _by_owner(
    "{owner}/outboundcalls", OutboundCall, "outboundcalls/outboundcall", "agent_id", "group_id"
)
AGENT_INTERACTIONS = _by_owner(
    "{owner}/interactions", AgentInteraction, "interactions/interaction", "agent_id", "group_id"
)
QUEUE_INTERACTIONS: Choice[QueueInteraction] = {
    "": _stats("interactions", QueueInteraction, "interactions/interaction"),
    **_by_owner(
        "{owner}/interactions",
        QueueInteraction,
        "interactions/interaction",
        "queue_id",
        "channel_id",
    ),
}
CAMPAIGN_INTERACTIONS = _stats(
    "campaigns/{campaign_id}/interactions", CampaignInteraction, "interactions/interaction"
)
ALL_INTERACTIONS = _stats("allinteractions", AllInteraction, "interactions/interaction")
INTERACTION_STATISTICS = _by_owner(
    "{owner}/statistics",
    InteractionStatistics,
    "statistics/statistic",
    "agent_id",
    "queue_id",
    "channel_id",
)
ONLINE_SLAS = _by_owner(
    "{owner}/online_slas", OnlineSla, "online_slas/online_sla", "queue_id", "channel_id"
)
OFFLINE_SLAS = _by_owner(
    "{owner}/offline_slas", OfflineSla, "offline_slas/offline_sla", "queue_id", "channel_id"
)
