"""The retry policy as a small value object, and the three decisions the pipeline asks of it.

`should_retry` says whether an outcome may be retried, `parse_retry_after` reads the server's
`Retry-After`, `retry_delay` turns both into a sleep with capped exponential backoff and
full jitter. `is_permanent` names the failures no retry can fix (TLS verification).
"""

from __future__ import annotations

import email.utils
import math
import random
import ssl
from collections.abc import Iterable, Iterator
from datetime import datetime, timezone

import attrs
import httpx

from ._errors import ConfigurationError, DecodeError
from ._validate import is_count, is_seconds

RETRYABLE_STATUSES = frozenset({408, 429, 500, 502, 503, 504})
"""The default statuses an idempotent call retries: the only 4xx are the two that can change
(408 Request Timeout, 429 Too Many Requests); any other 4xx is final."""

# Transport errors raised before any byte of the request reached the server: even a
# non-idempotent POST may be retried after these.
NEVER_SENT_ERRORS: tuple[type[Exception], ...] = (
    httpx.ConnectError,
    httpx.ConnectTimeout,
    httpx.PoolTimeout,
)
# Errors after which an idempotent request may be retried: read/write errors, resets,
# protocol errors, timeouts, and bodies cut short or garbled on the way.
TRANSIENT_ERRORS: tuple[type[Exception], ...] = (httpx.TransportError, DecodeError)
# Failures a server that is down or restarting causes (behind a proxy: 502/503/504); the
# time budget extends retries of these only, and they are what opens a family's outage gate.
OUTAGE_STATUSES = frozenset({502, 503, 504})
OUTAGE_ERRORS: tuple[type[Exception], ...] = (
    httpx.NetworkError,
    httpx.ConnectTimeout,
    httpx.RemoteProtocolError,
)
# Causes that no retry can fix: the server's certificate fails verification every time.
PERMANENT_CAUSES: tuple[type[BaseException], ...] = (ssl.SSLCertVerificationError,)
UNTRUSTED_CERTIFICATE = (
    " (the server's certificate is not trusted, so the request was not retried: trust the CA"
    " that signed it, e.g. http_client=httpx.AsyncClient(verify=ssl.create_default_context("
    "cafile=...)), or fix the certificate of the server or proxy at that address)"
)
"""What an error caused by `PERMANENT_CAUSES` adds to its message: what to do."""


def _non_negative(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    if not is_seconds(value, zero_ok=True):
        raise ConfigurationError(
            f"RetryPolicy.{attribute.name} must be a finite number of seconds >= 0"
        )


def _retry_count(_: object, __: object, value: int) -> None:
    if not is_count(value, 0):
        raise ConfigurationError("RetryPolicy.max_retries must be an int >= 0 (0 disables)")


def _status_set(statuses: Iterable[int]) -> frozenset[int]:
    """The statuses as a set of ints from 100 to 599 (a lone int, a str or a bool is refused)."""
    iterable = isinstance(statuses, Iterable) and not isinstance(statuses, (str, bytes))
    codes = list(statuses) if iterable else []
    if not iterable or not all(is_count(code, 100) and code <= 599 for code in codes):
        raise ConfigurationError(
            "RetryPolicy.retry_statuses must be a collection of HTTP statuses as ints "
            "(100 to 599), like {429, 503}"
        )
    return frozenset(codes)


@attrs.frozen
class RetryPolicy:
    """How the client retries: how often, how long it waits, and which statuses qualify.

    A retryable failure is retried while the call has retries left (`max_retries`). An
    idempotent call that meets an outage (a connection error, reset, 502, 503 or 504) is
    also retried while less than `max_elapsed` seconds have passed since its first attempt,
    whichever lasts longer: the default rides out a server that is down for ~10 s.
    `max_elapsed` is also the longest a call waits for its family's outage gate to reopen. A
    non-idempotent call counts retries only (and is retried only when it provably never left).

    `RetryPolicy(max_retries=0)` (or `disabled()`) never retries, whatever `max_elapsed`;
    `RetryPolicy.instant()` retries `max_retries` times without ever sleeping or waiting, for
    tests.
    """

    max_retries: int = attrs.field(default=3, validator=_retry_count)
    initial_backoff: float = attrs.field(default=0.5, validator=_non_negative)
    max_backoff: float = attrs.field(default=8.0, validator=_non_negative)
    max_retry_after: float = attrs.field(default=60.0, validator=_non_negative)
    retry_statuses: frozenset[int] = attrs.field(default=RETRYABLE_STATUSES, converter=_status_set)
    max_elapsed: float = attrs.field(default=15.0, validator=_non_negative)

    @classmethod
    def instant(cls, max_retries: int = 3) -> RetryPolicy:
        """A policy that retries like the default but never sleeps (the testing switch)."""
        return cls(
            max_retries=max_retries,
            initial_backoff=0,
            max_backoff=0,
            max_retry_after=0,
            max_elapsed=0,
        )

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_retries=0, max_elapsed=0)


def should_retry(
    policy: RetryPolicy,
    attempt: int,
    *,
    idempotent: bool,
    status_code: int | None = None,
    error: BaseException | None = None,
    elapsed: float = 0.0,
) -> bool:
    """Whether the outcome of attempt number `attempt` (1-based) may be retried, `elapsed`
    seconds after the call's first attempt started.

    Idempotent requests retry on transport errors and the policy's statuses while retries
    remain, and on outages (`is_outage`) also within `max_elapsed`; a non-idempotent request
    retries only when the error proves it never left the client, and only while retries
    remain. Permanent errors (`is_permanent`) are never retried.
    """
    if policy.max_retries == 0 or not _retryable(policy, idempotent, status_code, error):
        return False
    if attempt <= policy.max_retries:
        return True
    return idempotent and elapsed < policy.max_elapsed and is_outage(status_code, error)


def is_outage(status_code: int | None, error: BaseException | None) -> bool:
    """Whether a failure says the server is down right now: a connection error, a reset or
    a 502/503/504 (not a bad certificate, which `is_permanent` names)."""
    if status_code is not None:
        return status_code in OUTAGE_STATUSES
    return isinstance(error, OUTAGE_ERRORS) and not is_permanent(error)


def _retryable(
    policy: RetryPolicy, idempotent: bool, status_code: int | None, error: BaseException | None
) -> bool:
    if error is not None:
        if is_permanent(error):
            return False
        if isinstance(error, NEVER_SENT_ERRORS):
            return True
        return idempotent and isinstance(error, TRANSIENT_ERRORS)
    return idempotent and status_code in policy.retry_statuses


def cause_chain(error: BaseException) -> Iterator[BaseException]:
    """The error, then its `__cause__` (or else `__context__`), and so on; cycles end it."""
    seen: set[int] = set()
    current: BaseException | None = error
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        yield current
        current = current.__cause__ or current.__context__


def is_permanent(error: BaseException) -> bool:
    """Whether a transport error can never succeed on retry: a TLS certificate that fails
    verification (found anywhere in the cause chain, as trio's path hides it there)."""
    return any(isinstance(link, PERMANENT_CAUSES) for link in cause_chain(error))


def parse_retry_after(value: str | None, *, now: datetime | None = None) -> float | None:
    """Seconds to wait from a `Retry-After` value (delta-seconds or HTTP-date); None if absent
    or unreadable. A date in the past gives 0."""
    if value is None or not value.strip():
        return None
    text = value.strip()
    try:
        seconds = float(text)
    except ValueError:
        seconds = math.nan
    if math.isfinite(seconds):
        return max(seconds, 0.0)
    if not math.isnan(seconds):
        return None
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    current = now or datetime.now(timezone.utc)
    return max((when - current).total_seconds(), 0.0)


def retry_delay(
    policy: RetryPolicy,
    attempt: int,
    *,
    retry_after: float | None = None,
    rng: random.Random,
) -> float:
    """The sleep before retrying after attempt `attempt` (1-based).

    A server's `Retry-After` wins, capped at `max_retry_after`; otherwise full jitter over
    an exponential window capped at `max_backoff`.
    """
    if retry_after is not None:
        return min(retry_after, policy.max_retry_after)
    return full_jitter(policy.initial_backoff, attempt, policy.max_backoff, rng)


def full_jitter(initial: float, attempt: int, cap: float, rng: random.Random) -> float:
    """A uniform delay over a window that starts at `initial`, doubles per attempt after the
    first (1-based) and stops at `cap`: the backoff of retries and of SAPI reconnects."""
    doublings = min(max(attempt - 1, 0), 1023)  # 2.0 ** 1024 overflows; the cap wins long before
    return rng.uniform(0.0, min(cap, initial * 2.0**doublings))
