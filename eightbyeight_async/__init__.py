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
    WebCallbackError,
)
from ._retry import RetryPolicy

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
    "PermissionDeniedError",
    "RateLimitError",
    "ReportFailedError",
    "RetryPolicy",
    "ServerBusyError",
    "StreamError",
    "WebCallbackError",
    "__version__",
]
