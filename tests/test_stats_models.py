"""Historical Statistics records: the document's samples structure into typed models.

Each sample is the document's record as JSON gives it (wire names, string values, "" for the
empty elements), with its typos fixed (`post-proc-time`, `recordinf-filename`).
"""

from __future__ import annotations

import pickle
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from eightbyeight_async import DecodeError
from eightbyeight_async._convert import structure, structure_many, wire_name
from eightbyeight_async._enums import OpenEnum
from eightbyeight_async._formats import decode_xml, unwrap_collection
from eightbyeight_async.types import stats
from eightbyeight_async.types.stats import (
    WIRE_ELEMENTS,
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
    CampaignStatus,
    Channel,
    DispositionCode,
    Group,
    InteractionDirection,
    InteractionStatistics,
    InteractionType,
    MediaType,
    MediaTypeName,
    OfflineSla,
    OfflineSlaBuckets,
    OnlineSla,
    OnlineSlaBuckets,
    OutboundCall,
    Queue,
    QueueInteraction,
    RecordStatus,
    RecordStatusCode,
    StatusCode,
    TransactionCode,
)

PDT = timezone(timedelta(hours=-7))
PST = timezone(timedelta(hours=-8))

LEGS = {
    "max-hold-time": "0",
    "hold-count": "0",
    "total-hold-time": "0",
    "call-leg1-post-dial-delay": "2",
    "call-leg2-post-dial-delay": "2",
    "call-leg1-answer-time": "0",
    "call-leg2-answer-time": "0",
    "call-leg1-sip-id": "088e926d2f05a78e23f568557699891d",
    "call-leg2-sip-id": "1b82fe39718634c548d04cfd373c5a8c",
}

GROUP = {"group-id": "122", "group-name": "Support", "deleted": "No"}

AGENT = {
    "agent-id": "fred",
    "group-id": "148",
    "date-hired-date": "2008-03-23",
    "direct-agent-access": "no",
    "email-address": "fred@acme.com",
    "enabled": "Y",
    "first-name": "Fred",
    "full-name": "Fred Bloggs",
    "last-name": "Bloggs",
    "phone-used": "PSTN",
    "phone-extension": "007",
    "user-rights": "agent",
    "voice-mail-activated": "no",
}

ACTIVITY = {
    "agent-id": "fred",
    "agent-name": "Fred Bloggs",
    "group-id": "122",
    "group-name": "Sales",
    "media-type": "Phone",
    "channel-id": "62",
    "channel-obj-id": "5030001",
    "queue-obj-id": "tenantp1~~queue~~phone~~102",
    "queue-name": "phoneq1",
    "transaction_id": "133",
    "origination": "4245567232",
    "customer-name": "N/A",
    "trans-accept-time": "2009-06-03T23:09:04-07:00",
    "trans-proc-time": "8",
    "trans-post-proc-time": "7",
    "trans-total-time": "15",
    "trans-transfer-from": "",
    "trans-conference-from": "",
    "case-id": "",
    "tcl-list-id": "1",
    "tcl-item-id": "1",
    "tcl-item-shortcode-text": "c1",
    "tcl-item-report-text": "transcode1",
    "recording-filename": "S20090604/R200906040609030100.wav",
}

AGENT_INTERACTION = {
    "interaction-id": "1428",
    "agent-id": "fred",
    "agent-name": "Fred Bloggs",
    "group-id": "132",
    "group-name": "Support",
    "accept-timestamp": "2008-03-09T09:13:02-07:00",
    "process-time": "104",
    "post-process-time": "70",
    "finish-timestamp": "2008-03-09T09:23:09-07:00",
    "transfer-from": "",
    "conference-from": "",
}

QUEUE_INTERACTION = {
    "interaction-id": "463",
    "queue-name": "Support",
    "channel-id": "12",
    "media-type": "T",
    "create-timestamp": "2008-02-09T14:13:32-07:00",
    "accept-timestamp": "",
    "process-time": "0",
    "post-process-time": "0",
    "abandon-timestamp": "",
    "finish-timestamp": "",
    "voice-message-left": "Y",
    "origination": "Y",
    "customer-name": "Y",
    "ivr-treatment-time": "10",
    **LEGS,
    "inbound-sip-id": "6a4e7e2-1f1bee-4b433660@192",
}

CAMPAIGN_INTERACTION = {
    "campaign-name": "Sales Campaign",
    "campaign-id": "555",
    "agent-name": "Fred Bloggs",
    "queue-name": "Sales Queue",
    "accept-timestamp": "2011-02-28T18:52:55-08:00",
    "record-status": "1",
    "record-id": "0015000000WIBJrAAP",
    "interaction-id": "188",
    "wrap-up-code": "retry",
    "wrap-up-text": "Try Again Later",
    "disposition-code": "1001",
    "called-number": "5551234",
    "ext-trans-data": "[AccountName|John Smith]",
    "process-time": "125",
    "post-process-time": "60",
    "total-process-time": "185",
    "recording-filename": "S20110228/R20110228175312223.wav",
}

ALL_INTERACTION = {
    "media-type": "Phone",
    "channel-obj-id": "9691000",
    "queue-name": "Engineering Phone Queue",
    "interaction-id": "7",
    "orig-interaction-id": "",
    "origination": "pma",
    "destination-original": "",
    "destination-translated": "",
    "customer-name": "N/A, N/A",
    "case-id": "",
    "interaction-direction": "",
    "interaction-type": "",
    "dial-code": "",
    "dial-text": "",
    "create-timestamp": "2011-09-22T18:35:10-07:00",
    "agent-name": "",
    "accept-timestamp": "",
    "process-time": "",
    "post-process-time": "",
    "total-time": "",
    "abandon-timestamp": "2011-09-22T18:35:30-07:00",
    "voice-message-left": "",
    "recording-filename": "",
    "ivr-treatment-time": "2",
    "transfer-from": "",
    "conference-from": "",
    **LEGS,
    "call-leg1-post-dial-delay": "0",
    "call-leg2-post-dial-delay": "0",
    "call-leg1-sip-id": "",
    "call-leg2-sip-id": "",
    "inbound-sip-id": "MTM2MjZkNDdiMzU3ZmQ3OTQ1OWM3MmI0M2E4ZGI",
    "notes": "",
    "campaign-name": "",
    "record-id": "",
    "record-status": "",
    "disposition-code": "",
    "ext-trans-data": "",
    "wrap-up-code": "N/A",
    "wrap-up-text": "N/A",
}

STATISTIC = {
    "queue-name": "Support",
    "channel-id": "23",
    "time-stamp": "2008-02-22T13:30:00-07:00",
    "media-type": "T",
    "entered-count": "24",
    "accepted-count": "21",
    "sla-met-count": "18",
    "abandoned-count": "1",
    "finish-processing-count": "2",
    "finish-post-count": "2",
    "voice-message-left-count": "0",
    "time-waiting": "845",
    "time-processing": "512",
    "time-post-processing": "142",
    "total-time-to-abandon": "56",
    "time-max-wait-accept": "110",
    "time-max-wait-abandon": "56",
}

ONLINE_BUCKETS = ["t0-5sec", "t5-10sec", "t10-20sec", "t20-30sec", "t30-40sec", "t30-45sec"]
ONLINE_BUCKETS += ["t45-1min", "t1-2min", "t2-5min", "t5-10min", "t10-or-more"]

ONLINE_SLA = {
    "queue-name": "Support",
    "channel-id": "23",
    "time-stamp": "2008-02-22T13:30:00-07:00",
    "media-type": "T",
    "entered-count": "24",
    "accepted-count": "21",
    "sla-met-count": "18",
    "accepted": dict(zip(ONLINE_BUCKETS, [*"85232010000"], strict=True)),
    "abandoned": dict.fromkeys(ONLINE_BUCKETS, "0"),
}

OFFLINE_SLA = {
    "queue-id": "32",
    "queue-name": "Support",
    "channel-id": "18",
    "time-stamp": "2008-02-22T13:30:00-07:00",
    "media-type": "E",
    "entered-count": "12",
    "accepted-count": "8",
    "sla-met-count": "8",
    "accepted": {
        "t0-30min": "4",
        "t30min-1hr": "4",
        "t1hr-1hr30min": "2",
        "t1hr30min-2hr": "1",
        "t2hr-3hr": "0",
        "t3hr-or-more": "1",
    },
}

AGENT_STATUS = {
    "agent-id": "fred",
    "agent-name": "Fred Bloggs",
    "group-id": "12",
    "group-name": "grp2",
    "status": "On Break",
    "event-time": "2009-05-21T14:23:05-07:00",
    "scl-list-id": "",
    "scl-item-id": "",
    "scl-item-shortcode-text": "Scheduled break",
    "scl-item-report-text": "Scheduled break",
    "transaction-id": "1000",
}

STATUS_STATISTICS = {
    "period-start": "2015-07-08T14:30:00-07:00",
    "period-end": "2015-07-08T15:00:00-07:00",
    "agent-id": "pma",
    "agent-name": "Agent Smith",
    "group-id": "101",
    "group-name": "DEV",
    "status-waiting": "0",
    "status-processing": "0",
    "status-post-processing": "0",
    "status-working-offline": "0",
    "status-transaction-offered": "0",
    "status-break": "1696",
    "time-logged-in": "1696",
}

SKILL = {"enabled": "Y", "queue-id": "102", "agent-id": "kol", "skill-level": "high"}

OUTBOUND_CALL = {
    "agent-id": "fred",
    "agent-name": "Fred Bloggs",
    "group-id": "12",
    "transaction-id": "123",
    "destination": "14155524562",
    "start-time": "2009-05-26T17:53:55-07:00",
    "total-time": "14",
    "tcl-list-id": "1",
    "tcl-item-id": "1",
    "tcl-item-shortcode-text": "c1",
    "tcl-item-report-text": "report text 1",
    "tcl-outbound-list-id": "2",
    "tcl-outbound-item-id": "3",
    "tcl-outbound-item-shortcode-text": "ttt",
    "tcl-outbound-item-report-text": "ttt",
    "recording-filename": "S20090526/R20090526175312223.wav",
    **LEGS,
}

QUEUE = {
    "queue-id": "121",
    "queue-name": "Support",
    "queue-desc": "First tier support",
    "media-type": "T",
    "enabled": "Y",
    "sla-enabled": "N",
    "sla-time": "0",
}

CHANNEL = {"channel-id": "52", "channel-name": "sales@acme.com", "channel-desc": "Sales Email"}

CAMPAIGN = {
    "campaign-name": "Sales Campaign",
    "campaign-id": "123",
    "enabled": "Y",
    "status": "6",
    "no-of-records": "100",
    "caller-id": "5551234",
    "start-time": "2011-02-01T10:00:00-08:00",
    "end-time": "2011-02-28T17:30:00-08:00",
    "actual-run-time": "2011-02-01T10:00:30-08:00",
    "actual-stop-time": "2011-02-23T12:09:36-08:00",
    "daily-start-time": "600",
    "daily-end-time": "1110",
    "retry-interval": "90",
    "max-retry": "3",
}

CAMPAIGN_RECORD = {
    "campaign-name": "Sales Campaign",
    "campaign-id": "123",
    "record-id": "0015000000WIBJrAAP",
    "phone-list": "Phone|(650)555-1234",
    "status": "3",
    "status-code": "0",
    "ext-trans-data": "[AccountName|John Smith]",
    "disposition-code": "1000",
}

TCL = {
    "tcl-list-id": "1",
    "tcl-name": "ag-trans-code",
    "tcl-description": "agent transaction code",
    "tcl-admin-notes": "",
    "tcl-active": "Y",
    "tcl-autosort": "N",
    "tcl-used": "Y",
    "tcl-category-id": "",
    "tcl-assignment-type": "groups",
    "tcl-required": "Y",
    "tcl-multiple-choice": "Y",
    "tcl-required-before-outbound": "Y",
    "tcl-item-id": "1",
    "tcl-item-ordinate": "0",
    "tcl-item-active": "Y",
    "tcl-item-used": "Y",
    "tcl-item-call-line-id": "140823322222",
    "tcl-lang-id": "en_US",
    "tcl-item-menu-text": "code 1",
    "tcl-item-report-text": "code 1",
    "tcl-item-shortcode-text": "c1",
}

SCL = {
    "scl-list-id": "1",
    "scl-name": "ag-status-code",
    "scl-description": "agent status code",
    "scl-admin-notes": "",
    "scl-active": "Y",
    "scl-autosort": "N",
    "scl-used": "Y",
    "scl-category-id": "",
    "scl-item-id": "1",
    "scl-item-ordinate": "0",
    "scl-item-active": "Y",
    "scl-item-used": "Y",
    "scl-lang-id": "en_US",
    "scl-item-menu-text": "code 1",
    "scl-item-report-text": "code 1",
    "scl-item-shortcode-text": "c1",
}

SAMPLES: dict[type[Any], dict[str, Any]] = {
    Group: GROUP,
    Agent: AGENT,
    Activity: ACTIVITY,
    AgentInteraction: AGENT_INTERACTION,
    QueueInteraction: QUEUE_INTERACTION,
    CampaignInteraction: CAMPAIGN_INTERACTION,
    AllInteraction: ALL_INTERACTION,
    InteractionStatistics: STATISTIC,
    OnlineSla: ONLINE_SLA,
    OfflineSla: OFFLINE_SLA,
    AgentStatus: AGENT_STATUS,
    AgentStatusStatistics: STATUS_STATISTICS,
    AgentSkill: SKILL,
    OutboundCall: OUTBOUND_CALL,
    Queue: QUEUE,
    Channel: CHANNEL,
    Campaign: CAMPAIGN,
    CampaignRecord: CAMPAIGN_RECORD,
    TransactionCode: TCL,
    StatusCode: SCL,
}


def build(cls: type[Any], **overrides: Any) -> Any:
    """Structure the class's sample, with wire keys replaced or added."""
    return structure({**SAMPLES[cls], **overrides}, cls)


# --- every sample, typed -------------------------------------------------------------------


def test_group() -> None:
    assert build(Group) == Group(group_id=122, group_name="Support", deleted=False)


def test_agent() -> None:
    agent = build(Agent)
    assert agent.agent_id == "fred"
    assert agent.group_id == 148
    assert agent.date_hired == "2008-03-23"
    assert agent.direct_agent_access is False
    assert agent.enabled is True
    assert agent.voice_mail_activated is False
    assert agent.phone_extension == "007"
    assert (agent.full_name, agent.user_rights, agent.phone_used) == (
        "Fred Bloggs",
        "agent",
        "PSTN",
    )


def test_activity() -> None:
    activity = build(Activity)
    assert activity.media_type is MediaTypeName.PHONE
    assert activity.media_type.media_type is MediaType.TELEPHONE
    assert activity.transaction_id == 133
    assert activity.channel_id == 62
    assert activity.channel_obj_id == "5030001"
    assert activity.origination == "4245567232"
    assert activity.trans_accept_time == datetime(2009, 6, 3, 23, 9, 4, tzinfo=PDT)
    assert activity.trans_proc_time == timedelta(seconds=8)
    assert activity.trans_total_time == timedelta(seconds=15)
    assert activity.trans_transfer_from is None
    assert activity.case_id is None
    assert (activity.tcl_list_id, activity.tcl_item_id) == (1, 1)


def test_agent_interaction() -> None:
    interaction = build(AgentInteraction)
    assert interaction.interaction_id == 1428
    assert interaction.agent_id == "fred"
    assert interaction.accept_timestamp == datetime(2008, 3, 9, 9, 13, 2, tzinfo=PDT)
    assert interaction.process_time == timedelta(seconds=104)
    assert interaction.post_process_time == timedelta(seconds=70)
    assert interaction.transfer_from is None


def test_queue_interaction() -> None:
    interaction = build(QueueInteraction)
    assert interaction.interaction_id == 463
    assert interaction.media_type is MediaType.TELEPHONE
    assert interaction.create_timestamp == datetime(2008, 2, 9, 14, 13, 32, tzinfo=PDT)
    assert interaction.accept_timestamp is None
    assert interaction.abandon_timestamp is None
    assert interaction.voice_message_left is True
    assert interaction.ivr_treatment_time == timedelta(seconds=10)
    assert interaction.hold_count == 0
    assert interaction.call_leg1_post_dial_delay == timedelta(seconds=2)
    assert interaction.call_leg2_sip_id == "1b82fe39718634c548d04cfd373c5a8c"
    assert interaction.inbound_sip_id == "6a4e7e2-1f1bee-4b433660@192"


def test_campaign_interaction() -> None:
    interaction = build(CampaignInteraction)
    assert interaction.campaign_id == 555
    assert interaction.record_status is RecordStatus.QUEUED
    assert interaction.disposition_code is DispositionCode.TRY_AGAIN
    assert interaction.record_id == "0015000000WIBJrAAP"
    assert interaction.called_number == "5551234"
    assert interaction.accept_timestamp == datetime(2011, 2, 28, 18, 52, 55, tzinfo=PST)
    assert interaction.total_process_time == timedelta(seconds=185)
    assert interaction.process_time == timedelta(seconds=125)
    assert interaction.post_process_time == timedelta(seconds=60)


def test_all_interaction_with_its_empty_fields_as_none() -> None:
    interaction = build(AllInteraction)
    assert interaction.interaction_id == 7
    assert interaction.media_type is MediaTypeName.PHONE
    assert interaction.origination == "pma"
    assert interaction.abandon_timestamp == datetime(2011, 9, 22, 18, 35, 30, tzinfo=PDT)
    assert interaction.ivr_treatment_time == timedelta(seconds=2)
    assert interaction.wrap_up_code == "N/A"
    empty = [
        "orig_interaction_id", "interaction_direction", "interaction_type", "accept_timestamp",
        "process_time", "voice_message_left", "record_status", "disposition_code", "notes",
    ]  # fmt: skip
    assert all(getattr(interaction, name) is None for name in empty)


def test_all_interaction_codes() -> None:
    interaction = build(
        AllInteraction,
        **{
            "interaction-direction": "outbound",
            "interaction-type": "Fwd to Ext. Number",
            "record-status": "7",
            "disposition-code": "1002",
        },
    )
    assert interaction.interaction_direction is InteractionDirection.OUTBOUND
    assert interaction.interaction_type is InteractionType.FORWARD_TO_EXTERNAL_NUMBER
    assert interaction.record_status is RecordStatus.SENT_TO_INTERACTION_ROUTER
    assert interaction.disposition_code is DispositionCode.SCHEDULED_CALL_BACK


def test_interaction_statistics() -> None:
    statistics = build(InteractionStatistics)
    assert statistics.time_stamp == datetime(2008, 2, 22, 13, 30, tzinfo=PDT)
    assert statistics.media_type is MediaType.TELEPHONE
    assert (statistics.entered_count, statistics.accepted_count) == (24, 21)
    assert (statistics.sla_met_count, statistics.abandoned_count) == (18, 1)
    assert statistics.voice_message_left_count == 0
    assert statistics.time_waiting == timedelta(seconds=845)
    assert statistics.time_max_wait_abandon == timedelta(seconds=56)


def test_online_sla_with_nested_buckets() -> None:
    sla = build(OnlineSla)
    assert sla.channel_id == 23
    assert sla.sla_met_count == 18
    assert sla.accepted == OnlineSlaBuckets(
        t0_5sec=8, t5_10sec=5, t10_20sec=2, t20_30sec=3, t30_40sec=2, t30_45sec=0,
        t45_1min=1, t1_2min=0, t2_5min=0, t5_10min=0, t10_or_more=0,
    )  # fmt: skip
    assert sla.abandoned is not None
    assert sla.abandoned.t10_or_more == 0


def test_offline_sla_with_nested_buckets() -> None:
    sla = build(OfflineSla)
    assert sla.queue_id == 32
    assert sla.time_stamp == datetime(2008, 2, 22, 13, 30, tzinfo=PDT)
    assert sla.accepted == OfflineSlaBuckets(
        t0_30min=4, t30min_1hr=4, t1hr_1hr30min=2, t1hr30min_2hr=1, t2hr_3hr=0, t3hr_or_more=1
    )


def test_offline_sla_keeps_the_undocumented_media_code_of_its_sample() -> None:
    media_type = build(OfflineSla).media_type
    assert media_type is not None
    assert (media_type.value, media_type.is_known) == ("E", False)


def test_agent_status() -> None:
    status = build(AgentStatus)
    assert status.status == "On Break"
    assert status.event_time == datetime(2009, 5, 21, 14, 23, 5, tzinfo=PDT)
    assert status.scl_list_id is None
    assert status.scl_item_report_text == "Scheduled break"
    assert status.transaction_id == 1000


def test_agent_status_statistics() -> None:
    statistics = build(AgentStatusStatistics)
    assert statistics.agent_id == "pma"
    assert statistics.period_start == datetime(2015, 7, 8, 14, 30, tzinfo=PDT)
    assert statistics.period_end == datetime(2015, 7, 8, 15, 0, tzinfo=PDT)
    assert statistics.status_break == timedelta(seconds=1696)
    assert statistics.time_logged_in == timedelta(seconds=1696)
    assert statistics.status_waiting == timedelta(0)


def test_agent_skill() -> None:
    skill = build(AgentSkill, enabled="N", **{"skill-level": "medium"})
    assert skill == AgentSkill(agent_id="kol", queue_id=102, enabled=False, skill_level="medium")


def test_outbound_call() -> None:
    call = build(OutboundCall)
    assert call.transaction_id == 123
    assert call.destination == "14155524562"
    assert call.start_time == datetime(2009, 5, 26, 17, 53, 55, tzinfo=PDT)
    assert call.total_time == timedelta(seconds=14)
    assert (call.tcl_outbound_list_id, call.tcl_outbound_item_id) == (2, 3)
    assert call.tcl_outbound_item_report_text == "ttt"
    assert call.max_hold_time == timedelta(0)


def test_queue() -> None:
    assert build(Queue) == Queue(
        queue_id=121,
        queue_name="Support",
        queue_desc="First tier support",
        media_type=MediaType.TELEPHONE,
        enabled=True,
        sla_enabled=False,
        sla_time=timedelta(0),
    )


def test_channel() -> None:
    channel = build(Channel)
    assert channel == Channel(
        channel_id=52, channel_name="sales@acme.com", channel_desc="Sales Email"
    )


def test_campaign() -> None:
    campaign = build(Campaign)
    assert campaign.campaign_id == 123
    assert campaign.status is CampaignStatus.COMPLETED
    assert campaign.enabled is True
    assert campaign.no_of_records == 100
    assert campaign.caller_id == "5551234"
    assert campaign.actual_stop_time == datetime(2011, 2, 23, 12, 9, 36, tzinfo=PST)
    assert (campaign.daily_start_time, campaign.daily_end_time) == (600, 1110)
    assert (campaign.retry_interval, campaign.max_retry) == (90, 3)


def test_campaign_record() -> None:
    record = build(CampaignRecord)
    assert record.record_id == "0015000000WIBJrAAP"
    assert record.campaign_id == 123
    assert record.status is RecordStatus.COMPLETED
    assert record.status_code is RecordStatusCode.DEFAULT
    assert record.disposition_code is DispositionCode.NONE
    assert record.phone_list == "Phone|(650)555-1234"


def test_transaction_code() -> None:
    code = build(TransactionCode)
    assert (code.tcl_list_id, code.tcl_item_id, code.tcl_item_ordinate) == (1, 1, 0)
    assert (code.tcl_active, code.tcl_autosort, code.tcl_required_before_outbound) == (
        True,
        False,
        True,
    )
    assert code.tcl_admin_notes is None
    assert code.tcl_category_id is None
    assert code.tcl_item_call_line_id == "140823322222"
    assert code.tcl_lang_id == "en_US"


def test_status_code() -> None:
    code = build(StatusCode)
    assert (code.scl_list_id, code.scl_item_id, code.scl_item_ordinate) == (1, 1, 0)
    assert (code.scl_active, code.scl_autosort, code.scl_item_used) == (True, False, True)
    assert code.scl_category_id is None
    assert code.scl_item_shortcode_text == "c1"


# --- rules every record follows ------------------------------------------------------------

RECORD_CLASSES = list(SAMPLES)


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda cls: cls.__name__)
def test_every_documented_field_has_a_field_and_nothing_else(cls: type[Any]) -> None:
    documented = set(SAMPLES[cls])
    declared = {wire_name(f) for f in attrs.fields(cls) if f.name != "extra"}
    assert declared == documented
    assert build(cls).extra == {}


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda cls: cls.__name__)
def test_unknown_fields_are_kept_in_extra(cls: type[Any]) -> None:
    record = build(cls, **{"new-field": "x", "agentAcceptTime": ""})
    assert record.extra == {"new-field": "x", "agentAcceptTime": ""}


def test_unknown_fields_of_nested_buckets_are_kept_in_their_extra() -> None:
    buckets = dict.fromkeys(ONLINE_BUCKETS, "0") | {"t10-15min": "4"}
    sla = build(OnlineSla, accepted=buckets)
    assert sla.accepted is not None
    assert sla.accepted.extra == {"t10-15min": "4"}


@pytest.mark.parametrize("cls", RECORD_CLASSES, ids=lambda cls: cls.__name__)
def test_every_record_class_names_its_wire_elements(cls: type[Any]) -> None:
    collection, item = WIRE_ELEMENTS[cls]
    assert collection
    assert item
    assert collection != item


def test_wire_elements_cover_exactly_the_record_classes() -> None:
    assert set(WIRE_ELEMENTS) == set(RECORD_CLASSES)
    assert WIRE_ELEMENTS[Group] == ("groups", "group")
    assert WIRE_ELEMENTS[TransactionCode] == ("tcl-trans", "tcl-tran")
    assert WIRE_ELEMENTS[OnlineSla].collection == "online_slas"


@pytest.mark.parametrize(
    ("cls", "key", "code", "field"),
    [
        (QueueInteraction, "media-type", "Q", "media_type"),
        (Activity, "media-type", "Video", "media_type"),
        (CampaignInteraction, "record-status", "9", "record_status"),
        (CampaignInteraction, "disposition-code", "2417", "disposition_code"),
        (Campaign, "status", "12", "status"),
        (CampaignRecord, "status-code", "5", "status_code"),
        (AllInteraction, "interaction-type", "Video Call", "interaction_type"),
        (AllInteraction, "interaction-direction", "internal", "interaction_direction"),
    ],
)
def test_unknown_codes_are_kept(cls: type[Any], key: str, code: str, field: str) -> None:
    value = getattr(build(cls, **{key: code}), field)
    assert isinstance(value, OpenEnum)
    assert value.value == code
    assert not value.is_known
    assert value.name.startswith("UNKNOWN_")
    assert getattr(build(cls, **{key: code}), field) is value


@pytest.mark.parametrize(
    ("cls", "key", "bad", "field"),
    [
        (Group, "group-id", "Support", "group_id"),
        (Group, "deleted", "maybe", "deleted"),
        (Agent, "enabled", "sometimes", "enabled"),
        (Activity, "transaction_id", "x133", "transaction_id"),
        (QueueInteraction, "create-timestamp", "last tuesday", "create_timestamp"),
        (QueueInteraction, "media-type", {"code": "T"}, "media_type"),
        (AgentInteraction, "process-time", "long", "process_time"),
        (OnlineSla, "accepted", "8", "accepted"),
        (OnlineSla, "accepted", {"t0-5sec": "eight"}, "t0_5sec"),
        (Campaign, "status", 6.5, "status"),
        (CampaignRecord, "disposition-code", ["1000"], "disposition_code"),
        (AgentStatus, "event-time", "", "event_time"),
    ],
)
def test_a_malformed_value_is_a_decode_error_naming_the_field(
    cls: type[Any], key: str, bad: Any, field: str
) -> None:
    with pytest.raises(DecodeError, match=f"{cls.__name__} record.*{field}"):
        build(cls, **{key: bad})


@pytest.mark.parametrize(
    ("cls", "key"),
    [
        (Group, "group-id"),
        (Agent, "agent-id"),
        (AgentStatus, "event-time"),
        (OnlineSla, "time-stamp"),
    ],
)
def test_a_record_without_its_identifying_field_is_a_decode_error(cls: type[Any], key: str) -> None:
    record = dict(SAMPLES[cls])
    del record[key]
    with pytest.raises(DecodeError, match=cls.__name__):
        structure(record, cls)


def test_records_may_leave_out_every_optional_field() -> None:
    assert structure({"queue-id": "7"}, Queue) == Queue(queue_id=7)


def test_json_numbers_are_read_like_their_strings() -> None:
    record = {**CAMPAIGN_RECORD, "campaign-id": 123, "status": 3, "disposition-code": 1000}
    assert structure(record, CampaignRecord) == build(CampaignRecord)


# --- from a response body ------------------------------------------------------------------

GROUPS_XML = b"""<?xml version='1.0'  encoding='UTF-8' ?>
<groups>
    <group><group-id>122</group-id><group-name>Support</group-name><deleted>No</deleted></group>
    <group>
        <group-id>123</group-id><group-name>East Coast Sales</group-name><deleted>Yes</deleted>
    </group>
</groups>"""

ONLINE_SLAS_XML = b"""<?xml version='1.0'  encoding='UTF-8' ?>
<online_slas><online_sla>
    <queue-name>Support</queue-name><channel-id>23</channel-id>
    <time-stamp>2008-02-22T13:30:00-07:00</time-stamp><media-type>T</media-type>
    <entered-count>24</entered-count><accepted-count>21</accepted-count>
    <sla-met-count>18</sla-met-count>
    <accepted><t0-5sec>8</t0-5sec><t10-or-more>0</t10-or-more></accepted>
    <abandoned><t0-5sec>0</t0-5sec></abandoned>
</online_sla></online_slas>"""

STATUSES_XML = b"""<?xml version='1.0'  encoding='UTF-8' ?>
<statuses><status>
    <agent-id>fred</agent-id><agent-name>Fred Bloggs</agent-name>
    <group-id>12</group-id><group-name>grp2</group-name><status>On Break</status>
    <event-time>2009-05-21T14:23:05-07:00</event-time><scl-list-id></scl-list-id>
    <scl-item-id></scl-item-id><transaction-id>1000</transaction-id>
</status></statuses>"""


def records_of(body: bytes, cls: type[Any]) -> list[Any]:
    collection, item = WIRE_ELEMENTS[cls]
    return structure_many(unwrap_collection(decode_xml(body), collection, item), cls)


def test_an_xml_list_response_unwraps_into_records() -> None:
    groups = records_of(GROUPS_XML, Group)
    assert [(g.group_id, g.group_name, g.deleted) for g in groups] == [
        (122, "Support", False),
        (123, "East Coast Sales", True),
    ]


def test_a_one_record_xml_response_with_nested_buckets() -> None:
    [sla] = records_of(ONLINE_SLAS_XML, OnlineSla)
    assert sla.accepted == OnlineSlaBuckets(t0_5sec=8, t10_or_more=0)
    assert sla.abandoned == OnlineSlaBuckets(t0_5sec=0)


def test_empty_xml_elements_become_none() -> None:
    [status] = records_of(STATUSES_XML, AgentStatus)
    assert (status.scl_list_id, status.scl_item_id, status.transaction_id) == (None, None, 1000)


# --- open enums ----------------------------------------------------------------------------


def test_a_documented_code_gives_its_member() -> None:
    assert MediaType("T") is MediaType.TELEPHONE
    assert MediaType.TELEPHONE.is_known
    assert MediaType.TELEPHONE.value == "T"


def test_an_unknown_code_gives_a_cached_pseudo_member() -> None:
    first = MediaType("Q")
    assert first is MediaType("Q")
    assert (first.name, first.value, first.is_known) == ("UNKNOWN_Q", "Q", False)
    assert repr(first) == "<MediaType.UNKNOWN_Q: 'Q'>"
    assert isinstance(first, MediaType)


def test_unknown_members_are_equal_and_hash_alike_even_past_the_cache(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from eightbyeight_async import _enums

    monkeypatch.setattr(_enums, "MAX_CACHED_UNKNOWN", 0)
    first, second = InteractionType("never cached A"), InteractionType("never cached A")
    assert first is not second
    assert first == second
    assert hash(first) == hash(second)
    assert len({first, second}) == 1


def test_members_of_different_tables_are_not_equal() -> None:
    assert MediaType.CHAT != MediaTypeName.CHAT
    assert MediaType("Q") != InteractionType("Q")
    assert MediaType.TELEPHONE != "T"


@pytest.mark.parametrize(
    ("table", "wire", "member"),
    [
        (RecordStatus, 3, RecordStatus.COMPLETED),
        (RecordStatus, "04", RecordStatus.SCHEDULED),
        (CampaignStatus, " 11 ", CampaignStatus.SCHEDULE_PURGED),
        (InteractionDirection, "Inbound", InteractionDirection.INBOUND),
        (MediaTypeName, "voice mail", MediaTypeName.VOICE_MAIL),
    ],
)
def test_lookups_tolerate_the_wire_spellings(table: type[OpenEnum], wire: Any, member: Any) -> None:
    assert table(wire) is member


@pytest.mark.parametrize("bad", [None, True, 1.5, {"code": "T"}, ["T"]])
def test_values_that_are_not_codes_are_rejected(bad: Any) -> None:
    with pytest.raises(ValueError, match="MediaType"):
        MediaType(bad)


def test_str_and_format_give_the_wire_code() -> None:
    assert str(DispositionCode.TRY_AGAIN) == "1001"
    assert f"{MediaType('Q')}|{CampaignStatus.NEW:>3}" == "Q|  0"


def test_members_survive_pickling() -> None:
    assert pickle.loads(pickle.dumps(MediaType.CHAT)) is MediaType.CHAT  # noqa: S301
    assert pickle.loads(pickle.dumps(MediaType("Q"))) is MediaType("Q")  # noqa: S301


def test_iteration_lists_only_documented_members() -> None:
    MediaType("Q")
    assert list(MediaType) == [
        MediaType.TELEPHONE,
        MediaType.VOICE_MAIL,
        MediaType.CHAT,
        MediaType.EMAIL,
    ]


def test_media_type_names_map_to_codes() -> None:
    assert {name.media_type for name in MediaTypeName} == set(MediaType)
    assert MediaTypeName("Fax").media_type is None


def test_the_module_exports_what_it_declares() -> None:
    assert sorted(stats.__all__) == sorted(set(stats.__all__))
    assert all(hasattr(stats, name) for name in stats.__all__)
