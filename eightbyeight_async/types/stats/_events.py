"""Event records: activities, interactions, outbound calls and agent statuses."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs

from ..._convert import wire_field
from ._codes import (
    DispositionCode,
    InteractionDirection,
    InteractionType,
    MediaType,
    MediaTypeName,
    RecordStatus,
)


@attrs.define(slots=True, kw_only=True)
class Activity:
    """An agent's transaction, from /agents/{id}/activities and /groups/{id}/activities."""

    agent_id: str
    agent_name: str | None = None
    group_id: int | None = None
    group_name: str | None = None
    media_type: MediaTypeName | None = None
    channel_id: int | None = None
    channel_obj_id: str | None = None
    queue_obj_id: str | None = None
    queue_name: str | None = None
    # The sample spells this one with an underscore, unlike every other record.
    transaction_id: int | None = wire_field("transaction_id", default=None)
    origination: str | None = None
    customer_name: str | None = None
    trans_accept_time: datetime | None = None
    trans_proc_time: timedelta | None = None
    trans_post_proc_time: timedelta | None = None
    trans_total_time: timedelta | None = None
    trans_transfer_from: str | None = None
    trans_conference_from: str | None = None
    case_id: str | None = None
    tcl_list_id: int | None = None
    tcl_item_id: int | None = None
    tcl_item_shortcode_text: str | None = None
    tcl_item_report_text: str | None = None
    recording_filename: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class AgentInteraction:
    """An agent's queued interaction, from /agents/{id}/interactions, /groups/{id}/interactions."""

    interaction_id: int
    agent_id: str | None = None
    agent_name: str | None = None
    group_id: int | None = None
    group_name: str | None = None
    accept_timestamp: datetime | None = None
    process_time: timedelta | None = None
    post_process_time: timedelta | None = None
    finish_timestamp: datetime | None = None
    transfer_from: str | None = None
    conference_from: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class QueueInteraction:
    """A queued interaction, from /interactions and /queues|channels/{id}/interactions."""

    interaction_id: int
    queue_name: str | None = None
    channel_id: int | None = None
    media_type: MediaType | None = None
    create_timestamp: datetime | None = None
    accept_timestamp: datetime | None = None
    process_time: timedelta | None = None
    post_process_time: timedelta | None = None
    abandon_timestamp: datetime | None = None
    finish_timestamp: datetime | None = None
    voice_message_left: bool | None = None
    origination: str | None = None
    customer_name: str | None = None
    ivr_treatment_time: timedelta | None = None
    max_hold_time: timedelta | None = None
    hold_count: int | None = None
    total_hold_time: timedelta | None = None
    call_leg1_post_dial_delay: timedelta | None = None
    call_leg2_post_dial_delay: timedelta | None = None
    call_leg1_answer_time: timedelta | None = None
    call_leg2_answer_time: timedelta | None = None
    call_leg1_sip_id: str | None = None
    call_leg2_sip_id: str | None = None
    inbound_sip_id: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class CampaignInteraction:
    """A campaign call, from /campaigns/{id}/interactions."""

    interaction_id: int
    campaign_name: str | None = None
    campaign_id: int | None = None
    agent_name: str | None = None
    queue_name: str | None = None
    accept_timestamp: datetime | None = None
    record_status: RecordStatus | None = None
    record_id: str | None = None
    wrap_up_code: str | None = None
    wrap_up_text: str | None = None
    disposition_code: DispositionCode | None = None
    called_number: str | None = None
    ext_trans_data: str | None = None
    process_time: timedelta | None = None
    post_process_time: timedelta | None = None
    total_process_time: timedelta | None = None  # process_time + post_process_time
    recording_filename: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class AllInteraction:
    """Any interaction, queued or not (DAA, forwarded, consult…), from /allinteractions."""

    interaction_id: int
    media_type: MediaTypeName | None = None
    channel_obj_id: str | None = None
    queue_name: str | None = None
    orig_interaction_id: int | None = None
    origination: str | None = None
    destination_original: str | None = None
    destination_translated: str | None = None
    customer_name: str | None = None
    case_id: str | None = None
    interaction_direction: InteractionDirection | None = None
    interaction_type: InteractionType | None = None
    dial_code: str | None = None
    dial_text: str | None = None
    create_timestamp: datetime | None = None
    agent_name: str | None = None
    accept_timestamp: datetime | None = None
    process_time: timedelta | None = None
    post_process_time: timedelta | None = None
    total_time: timedelta | None = None
    abandon_timestamp: datetime | None = None
    voice_message_left: bool | None = None
    recording_filename: str | None = None
    ivr_treatment_time: timedelta | None = None
    transfer_from: str | None = None
    conference_from: str | None = None
    max_hold_time: timedelta | None = None
    hold_count: int | None = None
    total_hold_time: timedelta | None = None
    call_leg1_post_dial_delay: timedelta | None = None
    call_leg2_post_dial_delay: timedelta | None = None
    call_leg1_answer_time: timedelta | None = None
    call_leg2_answer_time: timedelta | None = None
    call_leg1_sip_id: str | None = None
    call_leg2_sip_id: str | None = None
    inbound_sip_id: str | None = None
    notes: str | None = None
    campaign_name: str | None = None
    record_id: str | None = None
    record_status: RecordStatus | None = None
    disposition_code: DispositionCode | None = None
    ext_trans_data: str | None = None
    wrap_up_code: str | None = None
    wrap_up_text: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class OutboundCall:
    """An outbound call, from /agents/{id}/outboundcalls and /groups/{id}/outboundcalls."""

    transaction_id: int
    agent_id: str | None = None
    agent_name: str | None = None
    group_id: int | None = None
    destination: str | None = None
    start_time: datetime | None = None
    total_time: timedelta | None = None
    tcl_list_id: int | None = None
    tcl_item_id: int | None = None
    tcl_item_shortcode_text: str | None = None
    tcl_item_report_text: str | None = None
    tcl_outbound_list_id: int | None = None
    tcl_outbound_item_id: int | None = None
    tcl_outbound_item_shortcode_text: str | None = None
    tcl_outbound_item_report_text: str | None = None
    recording_filename: str | None = None
    max_hold_time: timedelta | None = None
    hold_count: int | None = None
    total_hold_time: timedelta | None = None
    call_leg1_post_dial_delay: timedelta | None = None
    call_leg2_post_dial_delay: timedelta | None = None
    call_leg1_answer_time: timedelta | None = None
    call_leg2_answer_time: timedelta | None = None
    call_leg1_sip_id: str | None = None
    call_leg2_sip_id: str | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class AgentStatus:
    """An agent's status change, from /agents/{id}/statuses and /groups/{id}/statuses."""

    agent_id: str
    event_time: datetime
    agent_name: str | None = None
    group_id: int | None = None
    group_name: str | None = None
    status: str | None = None
    scl_list_id: int | None = None
    scl_item_id: int | None = None
    scl_item_shortcode_text: str | None = None
    scl_item_report_text: str | None = None
    transaction_id: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)
