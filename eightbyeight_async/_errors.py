"""The exception hierarchy. Every error the SDK raises derives from `EightByEightError`.

    EightByEightError
    ├── ConfigurationError          a credential, URL or option is missing or invalid (before I/O)
    ├── InvalidArgumentError        a malformed argument (also a ValueError); says what is accepted
    ├── APIError                    something went wrong talking to the server
    │   ├── APIConnectionError      the request did not complete (DNS, refused, reset)
    │   │   └── APITimeoutError     a connect/read/write/pool timeout
    │   ├── DecodeError             the body is malformed, truncated or unsafe (XML bombs)
    │   │   └── UnsafeArchiveError  a downloaded ZIP is unsafe to extract (zip-slip, bomb)
    │   └── APIStatusError          the server answered with a non-success status
    │       ├── BadRequestError         400
    │       │   └── TenantInfoError     400: X-Tenant-Info missing or wrong (multi-tenant)
    │       ├── AuthenticationError     401
    │       ├── PermissionDeniedError   403
    │       ├── NotFoundError           404
    │       ├── RateLimitError          429
    │       ├── InternalServerError     500 (and other 5xx without a class of their own)
    │       ├── BadGatewayError         502
    │       ├── ServerBusyError         503 "server busy"
    │       └── GatewayTimeoutError     504
    ├── ReportFailedError           an analytics report job ended in FAILED
    ├── ReportTimeoutError          an analytics report job was not DONE by the deadline
    ├── WebCallbackError            the web callback API answered with a ctl_error code
    │   └── WebCallbackArgumentError   refused before sending: the server would answer that
    │                                  code (also an InvalidArgumentError)
    └── StreamError                 the SAPI streaming reader cannot go on
        ├── TooManyClientsError     the tenant already has three listening clients
        └── FramingError            the stream's bytes cannot be split into events

`ReportRowCapWarning` (a `UserWarning`, not an error) says a report has more rows than its
JSON data pages serve; `job.download()` gets them all.

Every message is free of credentials: URLs are shown without query values that carry
secrets, and bodies are cut to a short excerpt.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TypeVar

from ._redact import redact_text

EXCERPT_CHARS = 200
"""How much of a response body an error message quotes."""


def excerpt(body: bytes | str, limit: int = EXCERPT_CHARS) -> str:
    """Return a one-line, length-capped excerpt of `body` for an error message, with
    `token=…`-style values masked (a server may echo the request URL back)."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = redact_text(text)
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit] + "…"


class EightByEightError(Exception):
    """Base class of every exception raised by eightbyeight_async."""


class ConfigurationError(EightByEightError):
    """A required credential, URL or option is missing or invalid; raised before any I/O."""


class InvalidArgumentError(EightByEightError, ValueError):
    """An argument has the wrong form or value; the message names the accepted forms."""


class APIError(EightByEightError):
    """A request to an 8x8 API (or the sandbox) did not produce a usable answer."""

    def __init__(self, message: str, *, method: str | None = None, url: str | None = None):
        super().__init__(message)
        self.method = method
        self.url = url


class APIConnectionError(APIError):
    """The request did not complete: the connection was refused, reset or closed early."""


class APITimeoutError(APIConnectionError):
    """The request timed out (connect, read, write or waiting for a pooled connection)."""


class DecodeError(APIError):
    """The response body could not be decoded: malformed, truncated, or unsafe to parse."""

    def __init__(
        self,
        message: str,
        *,
        body: bytes | str = b"",
        method: str | None = None,
        url: str | None = None,
    ):
        self.body_excerpt = excerpt(body)
        full = f"{message}; body starts: {self.body_excerpt!r}" if self.body_excerpt else message
        super().__init__(full, method=method, url=url)


class APIStatusError(APIError):
    """The server answered with an error status; carries status, method, URL and an excerpt."""

    status_code: int

    def __init__(
        self,
        message: str,
        *,
        status_code: int,
        method: str,
        url: str,
        body: bytes | str = b"",
        headers: dict[str, str] | None = None,
    ):
        self.status_code = status_code
        self.body_excerpt = excerpt(body)
        self.headers = headers or {}
        text = f"{message} ({status_code} on {method} {url})"
        if self.body_excerpt:
            text += f": {self.body_excerpt}"
        super().__init__(text, method=method, url=url)


class BadRequestError(APIStatusError):
    """400: the request's syntax or parameters were rejected; fix the arguments."""


class AuthenticationError(APIStatusError):
    """401: the credentials were not accepted; check the tenant name and token."""


class PermissionDeniedError(APIStatusError):
    """403: the request was not allowed, usually because of incorrect authentication."""


class NotFoundError(APIStatusError):
    """404: the requested resource (agent, queue, report, …) does not exist."""


class RateLimitError(APIStatusError):
    """429: too many requests; retried automatically, raised when retries run out."""


class InternalServerError(APIStatusError):
    """500 (or another 5xx): the server failed; retried for idempotent calls."""


class BadGatewayError(InternalServerError):
    """502: a gateway in front of the API failed; retried for idempotent calls."""


class ServerBusyError(InternalServerError):
    """503 "server busy": the server is temporarily overloaded; retried with backoff."""


class GatewayTimeoutError(InternalServerError):
    """504: a gateway timed out waiting for the API; retried for idempotent calls."""


class ReportFailedError(EightByEightError):
    """An analytics report job finished with status FAILED."""

    def __init__(self, message: str, *, report_id: str):
        super().__init__(message)
        self.report_id = report_id


class WebCallbackError(EightByEightError):
    """The web callback API answered with a `ctl_error` code; `code` and `meaning` say which."""

    def __init__(self, code: str, meaning: str):
        super().__init__(f"web callback rejected with ctl_error={code}: {meaning}")
        self.code = code
        self.meaning = meaning


class StreamError(EightByEightError):
    """The SAPI streaming reader cannot continue (see the message for what to do)."""


class TooManyClientsError(StreamError):
    """SAPI refused the connection: only three clients per tenant may listen at a time.

    Close another reader of this tenant, or let the reader wait (`on_too_many_clients`)."""


class UnsafeArchiveError(DecodeError):
    """A downloaded ZIP was refused before anything was kept: an entry escapes the directory
    (`..`, an absolute path, a link) or it exceeds the extraction limits (a decompression
    bomb, too many files). `entry` names the offending entry, if one; `reason` says why."""

    def __init__(self, reason: str, *, entry: str | None = None):
        where = f" (entry {entry!r})" if entry is not None else ""
        super().__init__(f"unsafe ZIP archive refused: {reason}{where}")
        self.reason = reason
        self.entry = entry


class ReportTimeoutError(EightByEightError, TimeoutError):
    """An analytics report job was still not DONE when the wait's deadline passed. The job
    goes on on the server: wait again, or later re-attach with `cc.analytics.report(id)`."""

    def __init__(self, message: str, *, report_id: str, status: str):
        super().__init__(message)
        self.report_id = report_id
        self.status = status


class TenantInfoError(BadRequestError):
    """400 from the analytics API of a multi-tenant customer: the `X-Tenant-Info` header was
    missing or named a tenant the credentials cannot use; pass `tenant_info=` the tenant id."""


class ReportRowCapWarning(UserWarning):
    """A report has more rows than its JSON data pages serve (10,000); `job.rows()` yields only
    those. `await job.download(path)` (CSV or XLSX) has every row."""


class WebCallbackArgumentError(WebCallbackError, InvalidArgumentError):
    """A web callback request refused before any I/O because the server would reject it with
    the `ctl_error` code it carries (e.g. 16: `extTransactionData` over 500 characters)."""

    def __init__(self, code: str, meaning: str, detail: str):
        super().__init__(code, meaning)
        self.args = (f"{detail} (the server would answer ctl_error={code}: {meaning})",)
        self.detail = detail


STATUS_ERRORS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    429: RateLimitError,
    500: InternalServerError,
    502: BadGatewayError,
    503: ServerBusyError,
    504: GatewayTimeoutError,
}

STATUS_HINTS: dict[int, str] = {
    400: "the server rejected the request's syntax or parameters",
    401: "the credentials were not accepted; check the tenant name and token",
    403: "the request was not allowed; check the tenant name and that the token is current",
    404: "the requested resource was not found; check the id",
    429: "too many requests; slow down or raise the retry budget",
    500: "the server hit an internal error",
    502: "a gateway in front of the API failed",
    503: "the server is busy; retry later",
    504: "a gateway timed out waiting for the API",
}


def status_error_class(status_code: int) -> type[APIStatusError]:
    """Return the exception class for an HTTP error status."""
    if status_code in STATUS_ERRORS:
        return STATUS_ERRORS[status_code]
    return InternalServerError if status_code >= 500 else APIStatusError


E = TypeVar("E", bound=APIStatusError)


def restated(error: APIStatusError, message: str, kind: type[E]) -> E:
    """`error` (its status, URL, body and headers) as a `kind` with another message."""
    return kind(
        message,
        status_code=error.status_code,
        method=error.method or "",
        url=error.url or "",
        body=error.body_excerpt,
        headers=error.headers,
    )


@contextmanager
def documented_statuses(
    *, not_found: str | None = None, bad_request: str | None = None
) -> Iterator[None]:
    """Re-raise a 404 or 400 with the document's meaning for this API (when one is given)."""
    try:
        yield
    except NotFoundError as exc:
        if not_found is None:
            raise
        raise restated(exc, not_found, type(exc)) from exc
    except BadRequestError as exc:
        if bad_request is None:
            raise
        raise restated(exc, bad_request, type(exc)) from exc
