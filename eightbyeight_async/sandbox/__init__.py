"""A local 8x8 Contact Center: a real HTTP server on 127.0.0.1 that speaks the documented APIs.

Needs the `sandbox` extra (`pip install 'eightbyeight-async[sandbox]'`).

    async with Sandbox(seed=1, days=30) as sb:
        async with sb.client() as cc:
            ...
"""

from ._analytics import AnalyticsService
from ._attachments import HOSTILE_ARCHIVES, AttachedFile, AttachmentsService, hostile_archive
from ._faults import FaultPlan, FaultRule
from ._recording_control import AgentRecording, RecordingControlService
from ._recordings import RecordingsService
from ._server import Sandbox, SandboxError
from ._stats import StatsQueryError
from ._streaming import StreamingServer
from ._tenant import Credentials, Tenant, TenantSpec, generate_tenant

__all__ = [
    "HOSTILE_ARCHIVES",
    "AgentRecording",
    "AnalyticsService",
    "AttachedFile",
    "AttachmentsService",
    "Credentials",
    "FaultPlan",
    "FaultRule",
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
