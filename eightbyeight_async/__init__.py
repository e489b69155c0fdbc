"""eightbyeight_async: the asynchronous Python SDK for the 8x8 Contact Center APIs."""

from ._client import ContactCenter
from ._config import ApiFamily, Limits
from ._dates import DateRange
from ._errors import (
    APIConnectionError,
    APIError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ConfigurationError,
    DecodeError,
    EightByEightError,
    GatewayTimeoutError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    ReportFailedError,
    ReportRowCapWarning,
    ReportTimeoutError,
    ServerBusyError,
    StreamError,
    TenantInfoError,
    TooManyClientsError,
    UnsafeArchiveError,
    WebCallbackArgumentError,
    WebCallbackError,
)
from ._fanout._bridge import RedisBridge
from ._fanout._bridge_writer import BridgeStats
from ._fanout._reader import RedisEventReader
from ._fanout._reader_entry import ReaderStats, StreamEntry
from ._flow import FlowState
from ._pagination import Paginator
from ._paginators import CursorPaginator, OffsetPaginator, PagePaginator, RowsPaginator
from ._resources._detailed_job import DetailedReportJob
from ._resources._export_checkpoint import (
    ExportCheckpoint,
    ExportCheckpointStore,
    ExportedRow,
    FileExportCheckpoint,
    Slice,
    SliceDone,
)
from ._resources._interaction_export import ExportStats, InteractionExport
from ._resources._report_job import ReportJob
from ._resources.analytics import Analytics
from ._resources.attachments import AttachmentDownload, Attachments
from ._resources.callbacks import Callbacks
from ._resources.click_to_dial import ClickToDial, make_call_url
from ._resources.external_ivr import ExternalIvr
from ._resources.interaction_data import InteractionData
from ._resources.realtime import Realtime, RealtimeWatch
from ._resources.recent_calls import RecentCalls
from ._resources.recording_control import RecordingControl, control_recording_url
from ._resources.recordings import Recordings
from ._resources.schedules import Schedules
from ._resources.stats import Stats
from ._retry import RetryPolicy
from ._safe_zip import ArchiveLimits
from ._serialize import to_dict
from ._streaming._checkpoint import (
    Checkpoint,
    CheckpointStore,
    FileCheckpointStore,
    MemoryCheckpointStore,
)
from ._streaming._delivery import StreamStats
from ._streaming._events_api import Events
from ._streaming._framing import FramingError
from ._streaming._options import ReconnectPolicy
from ._streaming._subscription import EventStream, Streaming
from ._streaming._topic_stream import TopicStream
from ._userdata import UserDataToken, decode_pairs, encode_pairs

__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "Analytics",
    "ApiFamily",
    "ArchiveLimits",
    "AttachmentDownload",
    "Attachments",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "BridgeStats",
    "Callbacks",
    "Checkpoint",
    "CheckpointStore",
    "ClickToDial",
    "ConfigurationError",
    "ContactCenter",
    "CursorPaginator",
    "DateRange",
    "DecodeError",
    "DetailedReportJob",
    "EightByEightError",
    "EventStream",
    "Events",
    "ExportCheckpoint",
    "ExportCheckpointStore",
    "ExportStats",
    "ExportedRow",
    "ExternalIvr",
    "FileCheckpointStore",
    "FileExportCheckpoint",
    "FlowState",
    "FramingError",
    "GatewayTimeoutError",
    "InteractionData",
    "InteractionExport",
    "InternalServerError",
    "InvalidArgumentError",
    "Limits",
    "MemoryCheckpointStore",
    "NotFoundError",
    "OffsetPaginator",
    "PagePaginator",
    "Paginator",
    "PermissionDeniedError",
    "RateLimitError",
    "ReaderStats",
    "Realtime",
    "RealtimeWatch",
    "RecentCalls",
    "ReconnectPolicy",
    "RecordingControl",
    "Recordings",
    "RedisBridge",
    "RedisEventReader",
    "ReportFailedError",
    "ReportJob",
    "ReportRowCapWarning",
    "ReportTimeoutError",
    "RetryPolicy",
    "RowsPaginator",
    "Schedules",
    "ServerBusyError",
    "Slice",
    "SliceDone",
    "Stats",
    "StreamEntry",
    "StreamError",
    "StreamStats",
    "Streaming",
    "TenantInfoError",
    "TooManyClientsError",
    "TopicStream",
    "UnsafeArchiveError",
    "UserDataToken",
    "WebCallbackArgumentError",
    "WebCallbackError",
    "__version__",
    "control_recording_url",
    "decode_pairs",
    "encode_pairs",
    "make_call_url",
    "to_dict",
]
