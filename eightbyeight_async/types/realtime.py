"""Real-time statistics models (`/api/rtstats/stats/...`): agents and queues as the server's
10-second cache sees them.

The field tables' code meanings are open enums (unknown codes kept). Fields the table says
are "in seconds" are `timedelta`; UTC-second timestamps are aware `datetime`. In a measure,
`-1` means "no data yet" (the server restarted, no SLA activity, ...) and becomes `None`; in a
code field (phone line status) `-1` is a documented code and stays one.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

import attrs

from .._convert import prepared_by, wire_field, wire_name
from .._enums import OpenEnum

C = TypeVar("C", bound=type)

__all__ = [
    "AgentMedia",
    "AgentStatus",
    "AgentStatusChanged",
    "PhoneLine1Status",
    "PhoneLine2Status",
    "QueueSizeChanged",
    "RealtimeAgent",
    "RealtimeChange",
    "RealtimeQueue",
    "RealtimeSnapshot",
    "StatusCodeItem",
]


class AgentStatus(OpenEnum):
    """`agent-status`."""

    AVAILABLE = "0"
    TRANSACTION_OFFERED = "1"
    BUSY = "2"
    POST_PROCESSING = "3"
    ON_BREAK = "4"
    WORK_OFFLINE = "5"
    LOGGED_OUT = "9"


class AgentMedia(OpenEnum):
    """`agent-media-id`: the media of the interaction last or currently processed."""

    NONE_SINCE_SYSTEM_START = "0"
    PHONE = "1"
    CHAT = "2"
    EMAIL = "3"
    VOICE_MAIL = "4"


class PhoneLine1Status(OpenEnum):
    """`phone-line1-status`."""

    NOT_IN_USE = "-1"
    IDLE_OR_POST_PROCESSING = "0"
    ON_HOLD = "1"
    ON_MUTE = "2"
    OFFERED = "3"
    MONITORING = "4"
    BUSY = "5"


class PhoneLine2Status(OpenEnum):
    """`phone-line2-status` (its codes differ from line 1's)."""

    NOT_IN_USE = "-1"
    OFFERED = "0"
    ON_HOLD = "1"
    ON_MUTE = "2"
    ERROR = "3"
    MONITORING = "4"
    BUSY = "5"


class StatusCodeItem(OpenEnum):
    """`status-code-item-id`: the system status codes; a tenant's own codes arrive unknown."""

    SESSION_CLOSED_FROM_JABBER = "0"
    SESSION_TIMED_OUT = "1"
    MAINTENANCE_MODE = "2"
    LOGOUT_FROM_OPERATION_DASHBOARD = "3"
    CALL_IGNORED_FROM_PHONE = "4"
    INTERACTION_TIMED_OUT = "5"
    AGENT_RELOGIN = "6"


def _measures(cls: type[Any]) -> frozenset[str]:
    """Wire names of the fields where `-1` means "no data" (every field but codes and text)."""
    names = set()
    for field in attrs.fields(cls):
        kind = str(field.type)
        if any(t in kind for t in ("int", "float", "timedelta", "datetime")):
            names.add(wire_name(field))
    return frozenset(names)


def _no_data_is_none(cls: C) -> C:
    """Class decorator: in the model's records, a measure's `-1` becomes None before typing."""
    measures = _measures(cls)

    def prepare(record: Mapping[str, Any]) -> dict[str, Any]:
        return {k: (None if k in measures and v in ("-1", -1) else v) for k, v in record.items()}

    return prepared_by(prepare)(cls)


@_no_data_is_none
@attrs.define(slots=True, kw_only=True)
class RealtimeAgent:
    """One agent, from `/agents` or `/agent/{agent_id}`."""

    agent_id: str
    agent_name: str | None = None
    agent_guid: str | None = None
    agent_status: AgentStatus | None = None
    agent_sub_status: str | None = None
    agent_media_id: AgentMedia | None = None
    group_id: int | None = None
    assigned_skill_count: int | None = None
    enabled_skill_count: int | None = None
    time_in_status: timedelta | None = None
    idle_start_time: datetime | None = None
    last_login_time: datetime | None = None
    phone_line1_status: PhoneLine1Status | None = None
    phone_line1_status_time: timedelta | None = None
    phone_line2_status: PhoneLine2Status | None = None
    phone_line2_status_time: timedelta | None = None
    status_code_item_id: StatusCodeItem | None = None
    status_code_item_short_code: str | None = None
    status_code_list_id: str | None = None
    active_customer_chat_count: int | None = None
    longest_active_customer_chat_duration: timedelta | None = None
    max_concurrent_customer_chat: int | None = None
    day_accepted_count: int | None = None
    day_rejected_count: int | None = None
    day_available_time: timedelta | None = None
    day_avg_processing_time: timedelta | None = None
    day_break_time: timedelta | None = None
    day_login_time: timedelta | None = None
    day_offline_time: timedelta | None = None
    day_processing_time: timedelta | None = None
    day_wrap_up_time: timedelta | None = None
    thirty_min_accepted_count: int | None = None
    thirty_min_rejected_count: int | None = None
    thirty_min_available_time: timedelta | None = None
    thirty_min_avg_handling_time: timedelta | None = None
    thirty_min_break_time: timedelta | None = None
    thirty_min_offline_time: timedelta | None = None
    thirty_min_processing_time: timedelta | None = None
    thirty_min_wrap_up_time: timedelta | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@_no_data_is_none
@attrs.define(slots=True, kw_only=True)
class RealtimeQueue:
    """One queue, from `/queues` or `/queue/{queue_id}`."""

    queue_id: int
    queue_name: str | None = None
    queue_type: str | None = None
    media_type: str | None = None
    queue_size: int | None = None
    longest_wait_time: timedelta | None = None
    number_in_offered: int | None = None
    number_in_progress: int | None = None
    assigned_agent_count: int | None = None
    enabled_agent_count: int | None = None
    agent_count_busy: int | None = None
    agent_count_logged_out: int | None = wire_field("agent-count-loggedOut", default=None)
    agent_count_on_break: int | None = wire_field("agent-count-onBreak", default=None)
    agent_count_post_process: int | None = wire_field("agent-count-postProcess", default=None)
    agent_count_wait_transact: int | None = wire_field("agent-count-waitTransact", default=None)
    agent_count_work_offline: int | None = wire_field("agent-count-workOffline", default=None)
    sla_activity: float | None = None
    sla_target: float | None = None
    day_queued: int | None = None
    day_accepted: int | None = None
    day_abandoned: int | None = None
    day_avg_duration: timedelta | None = None
    day_avg_wait_time: timedelta | None = None
    day_sla_activity: float | None = None
    thirty_min_queued: int | None = None
    thirty_min_accepted: int | None = None
    thirty_min_abandoned: int | None = None
    thirty_min_avg_duration: timedelta | None = None
    thirty_min_avg_wait_time: timedelta | None = None
    thirty_min_longest_wait_time: timedelta | None = None
    thirty_min_sla_activity: float | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.frozen
class AgentStatusChanged:
    """An agent moved from one status to another between two snapshots (`old` is None for an
    agent not in the previous snapshot)."""

    agent_id: str
    agent_name: str | None
    old: AgentStatus | None
    new: AgentStatus | None


@attrs.frozen
class QueueSizeChanged:
    """The number of interactions waiting in a queue changed between two snapshots."""

    queue_id: int
    queue_name: str | None
    old: int | None
    new: int | None


RealtimeChange = AgentStatusChanged | QueueSizeChanged


@attrs.frozen
class RealtimeSnapshot:
    """One poll: every agent and queue, and what changed since the previous snapshot (empty
    for the first, which is the initial state)."""

    taken_at: datetime
    agents: Mapping[str, RealtimeAgent]
    queues: Mapping[int, RealtimeQueue]
    changes: tuple[RealtimeChange, ...]
    initial: bool
