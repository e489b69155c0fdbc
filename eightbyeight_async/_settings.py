"""The checks `ContactCenter(...)` runs on its settings before anything else: credentials and
names are text fit for a header, the transport objects have the documented types."""

from __future__ import annotations

import re
from typing import Final

import httpx

from ._config import Limits
from ._errors import ConfigurationError
from ._retry import RetryPolicy

HEADER_SETTINGS: Final = (
    "tenant_info",
    "recent_calls_api_key",
    "recent_calls_token",
    "events_api_key",
)
"""Settings sent verbatim as header values: printable ASCII only."""
_CONTROL_CHARACTER: Final = re.compile(r"[\x00-\x1f\x7f]")
_NOT_PRINTABLE_ASCII: Final = re.compile(r"[^\x20-\x7e]")


def check_strings(**settings: object) -> None:
    """Names and credentials are str without control characters (they end up in headers);
    the messages never quote a value, which may be a secret."""
    for name, value in settings.items():
        if value is None:
            continue
        if not isinstance(value, str):
            raise ConfigurationError(f"{name} must be a str; got {type(value).__name__}")
        if _CONTROL_CHARACTER.search(value):
            raise ConfigurationError(
                f"{name} contains a control character such as a newline; strip it "
                "(a value read from a file often ends with one)"
            )
        if name in HEADER_SETTINGS and _NOT_PRINTABLE_ASCII.search(value):
            raise ConfigurationError(f"{name} is sent as a header: use ASCII characters only")
        if name == "tenant" and ":" in value:
            raise ConfigurationError("tenant must not contain ':', which ends the Basic auth name")


def check_transport(http_client: object, retry: object, limits: object) -> None:
    """The transport settings have the documented types, and a given client is still open."""
    if http_client is not None:
        if not isinstance(http_client, httpx.AsyncClient):
            raise ConfigurationError(
                "http_client must be an httpx.AsyncClient (or None to let the SDK make one); "
                f"got {type(http_client).__name__}"
            )
        if http_client.is_closed:
            raise ConfigurationError("http_client is already closed; pass an open one")
    if retry is not None and not isinstance(retry, RetryPolicy):
        raise ConfigurationError(
            "retry must be a RetryPolicy, like RetryPolicy(max_retries=5); "
            f"got {type(retry).__name__}"
        )
    if limits is not None and not isinstance(limits, Limits):
        raise ConfigurationError(
            "limits must be a Limits, like Limits().with_family(ApiFamily.STATS, 4); "
            f"got {type(limits).__name__}"
        )
