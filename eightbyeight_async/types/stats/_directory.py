"""Directory records: groups, agents, skills, queues, channels, campaigns and code lists."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs

from ..._convert import wire_field
from ._codes import CampaignStatus, DispositionCode, MediaType, RecordStatus, RecordStatusCode


@attrs.define(slots=True, kw_only=True)
class Group:
    """An agent group, from /groups."""

    group_id: int
    group_name: str | None = None
    deleted: bool | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class Agent:
    """An agent, from /agents, /agents/{id} and /groups/{id}/agents."""

    agent_id: str
    group_id: int | None = None
    # An ISO date ("2008-03-23"), kept as text until the converter reads plain dates.
    date_hired: str | None = wire_field("date-hired-date", default=None)
    direct_agent_access: bool | None = None
    email_address: str | None = None
    enabled: bool | None = None
    first_name: str | None = None
    full_name: str | None = None
    last_name: str | None = None
    phone_used: str | None = None
    phone_extension: str | None = None
    user_rights: str | None = None
    voice_mail_activated: bool | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class AgentSkill:
    """An agent's skill in a queue, from /agents/{id}/skills and /queues/{id}/skills."""

    agent_id: str
    queue_id: int
    enabled: bool | None = None
    skill_level: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class Queue:
    """A queue, from /queues and /queues/{id}."""

    queue_id: int
    queue_name: str | None = None
    queue_desc: str | None = None
    media_type: MediaType | None = None
    enabled: bool | None = None
    sla_enabled: bool | None = None
    sla_time: timedelta | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class Channel:
    """A channel (phone number, email address…), from /channels."""

    channel_id: int
    channel_name: str | None = None
    channel_desc: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class Campaign:
    """An outbound campaign, from /campaigns and /campaigns/{id}."""

    campaign_id: int
    campaign_name: str | None = None
    enabled: bool | None = None
    status: CampaignStatus | None = None
    no_of_records: int | None = None
    caller_id: str | None = None
    start_time: datetime | None = None
    end_time: datetime | None = None
    actual_run_time: datetime | None = None
    actual_stop_time: datetime | None = None
    daily_start_time: int | None = None  # minutes after midnight
    daily_end_time: int | None = None  # minutes after midnight
    retry_interval: int | None = None  # minutes
    max_retry: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class CampaignRecord:
    """A customer record of a campaign, from /campaigns/{id}/records."""

    record_id: str
    campaign_name: str | None = None
    campaign_id: int | None = None
    phone_list: str | None = None  # "Phone|(650)555-1234"
    status: RecordStatus | None = None
    status_code: RecordStatusCode | None = None
    ext_trans_data: str | None = None  # "[AccountName|John Smith]"
    disposition_code: DispositionCode | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class TransactionCode:
    """One item of a transaction code list, from /tcls."""

    tcl_list_id: int
    tcl_name: str | None = None
    tcl_description: str | None = None
    tcl_admin_notes: str | None = None
    tcl_active: bool | None = None
    tcl_autosort: bool | None = None
    tcl_used: bool | None = None
    tcl_category_id: int | None = None
    tcl_assignment_type: str | None = None
    tcl_required: bool | None = None
    tcl_multiple_choice: bool | None = None
    tcl_required_before_outbound: bool | None = None
    tcl_item_id: int | None = None
    tcl_item_ordinate: int | None = None
    tcl_item_active: bool | None = None
    tcl_item_used: bool | None = None
    tcl_item_call_line_id: str | None = None
    tcl_lang_id: str | None = None
    tcl_item_menu_text: str | None = None
    tcl_item_report_text: str | None = None
    tcl_item_shortcode_text: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class StatusCode:
    """One item of a status code list, from /scls."""

    scl_list_id: int
    scl_name: str | None = None
    scl_description: str | None = None
    scl_admin_notes: str | None = None
    scl_active: bool | None = None
    scl_autosort: bool | None = None
    scl_used: bool | None = None
    scl_category_id: int | None = None
    scl_item_id: int | None = None
    scl_item_ordinate: int | None = None
    scl_item_active: bool | None = None
    scl_item_used: bool | None = None
    scl_lang_id: str | None = None
    scl_item_menu_text: str | None = None
    scl_item_report_text: str | None = None
    scl_item_shortcode_text: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)
