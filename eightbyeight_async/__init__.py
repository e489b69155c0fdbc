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
    ServerBusyError,
    StreamError,
    TooManyClientsError,
    WebCallbackError,
)
from ._pagination import OffsetPaginator
from ._retry import RetryPolicy
from ._serialize import to_dict
from .resources.stats import Stats

__version__ = "0.1.0"

__all__ = [
    "APIConnectionError",
    "APIError",
    "APIStatusError",
    "APITimeoutError",
    "ApiFamily",
    "AuthenticationError",
    "BadGatewayError",
    "BadRequestError",
    "ConfigurationError",
    "ContactCenter",
    "DateRange",
    "DecodeError",
    "EightByEightError",
    "GatewayTimeoutError",
    "InternalServerError",
    "InvalidArgumentError",
    "Limits",
    "NotFoundError",
    "OffsetPaginator",
    "PermissionDeniedError",
    "RateLimitError",
    "ReportFailedError",
    "RetryPolicy",
    "ServerBusyError",
    "Stats",
    "StreamError",
    "TooManyClientsError",
    "WebCallbackError",
    "__version__",
    "to_dict",
]
