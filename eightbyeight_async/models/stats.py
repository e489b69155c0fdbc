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
from datetime import datetime, timedelta
from types import MappingProxyType
from typing import Any, NamedTuple

import attrs

from .._convert import wire_field
from .._enums import OpenEnum

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


# --- code tables ---------------------------------------------------------------------------


class MediaType(OpenEnum):
    """Media type code of queues, queue interactions, statistics and SLAs."""

    TELEPHONE = "T"
    VOICE_MAIL = "V"
    CHAT = "C"
    EMAIL = "Z"


class MediaTypeName(OpenEnum):
    """Media type as a name, in activities and `/allinteractions`."""

    PHONE = "Phone"
    CHAT = "Chat"
    EMAIL = "Email"
    VOICE_MAIL = "Voice Mail"

    @property
    def media_type(self) -> MediaType | None:
        """The matching `MediaType` code, or None for an undocumented name."""
        return _MEDIA_CODES.get(self)


_MEDIA_CODES: Mapping[MediaTypeName, MediaType] = MappingProxyType(
    {
        MediaTypeName.PHONE: MediaType.TELEPHONE,
        MediaTypeName.CHAT: MediaType.CHAT,
        MediaTypeName.EMAIL: MediaType.EMAIL,
        MediaTypeName.VOICE_MAIL: MediaType.VOICE_MAIL,
    }
)


class InteractionDirection(OpenEnum):
    """`interaction-direction` of `/allinteractions` (empty for neither)."""

    INBOUND = "inbound"
    OUTBOUND = "outbound"


class InteractionType(OpenEnum):
    """`interaction-type` of `/allinteractions` (empty for a plain queued interaction)."""

    WEB_CALLBACK = "Web Callback"
    DIRECT_AGENT_ACCESS = "DAA"
    FORWARD_TO_EXTERNAL_NUMBER = "Fwd to Ext. Number"
    CAMPAIGN = "Campaign"
    CONSULT = "Consult"


class RecordStatus(OpenEnum):
    """Status of a campaign record (campaign interactions and campaign records)."""

    NEW = "0"
    QUEUED = "1"
    ACCEPTED = "2"
    COMPLETED = "3"
    SCHEDULED = "4"
    API_SCHEDULED = "5"
    DELETED = "6"
    SENT_TO_INTERACTION_ROUTER = "7"


class DispositionCode(OpenEnum):
    """The server's predefined disposition codes; tenants' own codes arrive as unknown."""

    NONE = "1000"
    TRY_AGAIN = "1001"
    SCHEDULED_CALL_BACK = "1002"


class CampaignStatus(OpenEnum):
    """Status of a campaign."""

    NEW = "0"
    MANUAL_STARTED = "1"
    SCHEDULE_STARTED = "2"
    MANUAL_RUNNING = "3"
    SCHEDULE_RUNNING = "4"
    MANUAL_STOPPED = "5"
    COMPLETED = "6"
    SCHEDULED_STOPPED = "7"
    MANUAL_PAUSED = "8"
    SCHEDULE_PAUSED = "9"
    MANUAL_PURGED = "10"
    SCHEDULE_PURGED = "11"


class RecordStatusCode(OpenEnum):
    """`status-code` of a campaign record.

    The published table lost the numbers after 1; 2-4 follow its order.
    """

    DEFAULT = "0"
    MAX_ATTEMPT_REACHED = "1"
    SKIPPED = "2"
    NO_PHONE_NUMBER = "3"
    INVALID_PHONE_NUMBER = "4"


# --- directory records ---------------------------------------------------------------------


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


# --- event records -------------------------------------------------------------------------


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


# --- 30-minute aggregates ------------------------------------------------------------------


@attrs.define(slots=True, kw_only=True)
class AgentStatusStatistics:
    """Seconds per status in 30 minutes, from /agents/{id}/statuses/statistics."""

    agent_id: str
    period_start: datetime
    period_end: datetime | None = None
    agent_name: str | None = None
    group_id: int | None = None
    group_name: str | None = None
    status_waiting: timedelta | None = None
    status_processing: timedelta | None = None
    status_post_processing: timedelta | None = None
    status_working_offline: timedelta | None = None
    status_transaction_offered: timedelta | None = None
    status_break: timedelta | None = None
    time_logged_in: timedelta | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class InteractionStatistics:
    """30-minute interaction counts: /agents|queues|channels/{id}/statistics."""

    time_stamp: datetime  # start of the 30-minute period
    queue_name: str | None = None
    channel_id: int | None = None
    media_type: MediaType | None = None
    entered_count: int | None = None
    accepted_count: int | None = None
    sla_met_count: int | None = None
    abandoned_count: int | None = None
    finish_processing_count: int | None = None
    finish_post_count: int | None = None
    voice_message_left_count: int | None = None
    time_waiting: timedelta | None = None
    time_processing: timedelta | None = None
    time_post_processing: timedelta | None = None
    total_time_to_abandon: timedelta | None = None
    time_max_wait_accept: timedelta | None = None
    time_max_wait_abandon: timedelta | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class OnlineSlaBuckets:
    """Interactions per waiting time, nested as `accepted` / `abandoned` in an `OnlineSla`."""

    t0_5sec: int | None = None
    t5_10sec: int | None = None
    t10_20sec: int | None = None
    t20_30sec: int | None = None
    t30_40sec: int | None = None
    t30_45sec: int | None = None
    t45_1min: int | None = None
    t1_2min: int | None = None
    t2_5min: int | None = None
    t5_10min: int | None = None
    t10_or_more: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class OnlineSla:
    """30-minute SLA of a phone/chat queue or channel: /queues|channels/{id}/online_slas."""

    time_stamp: datetime  # start of the 30-minute period
    queue_name: str | None = None
    channel_id: int | None = None
    media_type: MediaType | None = None
    entered_count: int | None = None
    accepted_count: int | None = None
    sla_met_count: int | None = None
    accepted: OnlineSlaBuckets | None = None
    abandoned: OnlineSlaBuckets | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class OfflineSlaBuckets:
    """Interactions per waiting time, nested as `accepted` in an `OfflineSla`."""

    t0_30min: int | None = None
    t30min_1hr: int | None = None
    t1hr_1hr30min: int | None = None
    t1hr30min_2hr: int | None = None
    t2hr_3hr: int | None = None
    t3hr_or_more: int | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class OfflineSla:
    """30-minute SLA of an email/voicemail queue or channel: /queues|channels/{id}/offline_slas."""

    time_stamp: datetime  # start of the 30-minute period
    queue_id: int | None = None
    queue_name: str | None = None
    channel_id: int | None = None
    media_type: MediaType | None = None
    entered_count: int | None = None
    accepted_count: int | None = None
    sla_met_count: int | None = None
    accepted: OfflineSlaBuckets | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)


# --- wire element names --------------------------------------------------------------------


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
