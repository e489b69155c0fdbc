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
from ._pagination import OffsetPaginator, PagePaginator, RowsPaginator
from ._retry import RetryPolicy
from ._safe_zip import ArchiveLimits
from ._serialize import to_dict
from ._userdata import UserDataToken, decode_pairs, encode_pairs
from .models.recent_calls import Duration, Range
from .resources._report_job import ReportJob
from .resources.analytics import Analytics
from .resources.attachments import AttachmentDownload, Attachments
from .resources.callbacks import Callbacks
from .resources.click_to_dial import ClickToDial, make_call_url
from .resources.external_ivr import ExternalIvr
from .resources.interaction_data import InteractionData
from .resources.realtime import AgentStatusChanged, QueueSizeChanged, Realtime, RealtimeSnapshot
from .resources.recent_calls import RecentCalls
from .resources.recording_control import RecordingControl, control_recording_url
from .resources.recordings import Recordings
from .resources.schedules import Schedules
from .resources.stats import Stats

__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "AgentStatusChanged",
    "Analytics",
    "ApiFamily",
    "ArchiveLimits",
    "AttachmentDownload",
    "Attachments",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "Callbacks",
    "ClickToDial",
    "ConfigurationError",
    "ContactCenter",
    "DateRange",
    "DecodeError",
    "Duration",
    "EightByEightError",
    "ExternalIvr",
    "GatewayTimeoutError",
    "InteractionData",
    "InternalServerError",
    "InvalidArgumentError",
    "Limits",
    "NotFoundError",
    "OffsetPaginator",
    "PagePaginator",
    "PermissionDeniedError",
    "QueueSizeChanged",
    "Range",
    "RateLimitError",
    "Realtime",
    "RealtimeSnapshot",
    "RecentCalls",
    "RecordingControl",
    "Recordings",
    "ReportFailedError",
    "ReportJob",
    "ReportRowCapWarning",
    "ReportTimeoutError",
    "RetryPolicy",
    "RowsPaginator",
    "Schedules",
    "ServerBusyError",
    "Stats",
    "StreamError",
    "TenantInfoError",
    "TooManyClientsError",
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
