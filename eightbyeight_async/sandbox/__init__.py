"""A local 8x8 Contact Center: a real HTTP server on 127.0.0.1 that speaks the documented APIs.

Needs the `sandbox` extra (`pip install 'eightbyeight-async[sandbox]'`).

    async with Sandbox(seed=1, days=30) as sb:
        async with sb.client() as cc:
            ...
"""

from ._server import Sandbox, SandboxError
from .events import EventStreamingServer, PublishedMessage
from .sapi._streaming import StreamingServer
from .services._analytics import AnalyticsService
from .services._attachments import (
    HOSTILE_ARCHIVES,
    AttachedFile,
    AttachmentsService,
    hostile_archive,
)
from .services._faults import FaultPlan, FaultRule
from .services._rate_limit import RateLimit, RateLimitCounts
from .services._recording_control import AgentRecording, RecordingControlService
from .services._recordings import RecordingsService
from .services._stats import StatsQueryError
from .tenant._tenant import Credentials, Tenant, TenantSpec, generate_tenant

__all__ = [
    "HOSTILE_ARCHIVES",
    "AgentRecording",
    "AnalyticsService",
    "AttachedFile",
    "AttachmentsService",
    "Credentials",
    "EventStreamingServer",
    "FaultPlan",
    "FaultRule",
    "PublishedMessage",
    "RateLimit",
    "RateLimitCounts",
    "RecordingControlService",
    "RecordingsService",
    "Sandbox",
    "SandboxError",
    "StatsQueryError",
    "StreamingServer",
    "Tenant",
    "TenantSpec",
    "generate_tenant",
    "hostile_archive",
]
