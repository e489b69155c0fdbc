"""30-minute aggregates: agent status statistics, interaction statistics and SLAs."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import attrs

from ._codes import MediaType


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
class _PeriodCounts:
    """The period and counts every 30-minute queue aggregate starts with."""

    time_stamp: datetime  # start of the 30-minute period
    queue_name: str | None = None
    channel_id: int | None = None
    media_type: MediaType | None = None
    entered_count: int | None = None
    accepted_count: int | None = None
    sla_met_count: int | None = None


@attrs.define(slots=True, kw_only=True)
class InteractionStatistics(_PeriodCounts):
    """30-minute interaction counts: /agents|queues|channels/{id}/statistics."""

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
class OnlineSla(_PeriodCounts):
    """30-minute SLA of a phone/chat queue or channel: /queues|channels/{id}/online_slas."""

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
class OfflineSla(_PeriodCounts):
    """30-minute SLA of an email/voicemail queue or channel: /queues|channels/{id}/offline_slas."""

    queue_id: int | None = None
    accepted: OfflineSlaBuckets | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)
