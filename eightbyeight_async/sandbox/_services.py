"""`Services`: what the routes and the ground truth are built from (a `Sandbox` is one), so
neither has to import the `Sandbox` class that builds them."""

from __future__ import annotations

from typing import Protocol

from .events._events_server import EventStreamingServer
from .sapi._streaming import StreamingServer
from .services._analytics import AnalyticsService
from .services._attachments import AttachmentsService
from .services._auth import TokenIssuer
from .services._callbacks import CallbacksService
from .services._external_ivr import ExternalIvrService
from .services._faults import FaultPlan
from .services._interaction_data import InteractionDataService
from .services._realtime import RealtimeService
from .services._recent_calls import RecentCallsService
from .services._recording_control import RecordingControlService
from .services._recordings import RecordingsService
from .services._schedules import SchedulesService
from .services._stats import StatsService
from .tenant._tenant import Tenant


class Services(Protocol):
    """What the routes are served by: the sandbox's tenant and services (a `Sandbox`)."""

    tenant: Tenant
    stats: StatsService
    faults: FaultPlan
    tokens: TokenIssuer
    realtime: RealtimeService
    recent_calls: RecentCallsService
    schedules: SchedulesService
    streaming: StreamingServer
    events: EventStreamingServer
    recordings: RecordingsService
    recording_control: RecordingControlService
    callbacks: CallbacksService
    interaction_data: InteractionDataService
    external_ivr: ExternalIvrService
    analytics: AnalyticsService
    attachments: AttachmentsService
