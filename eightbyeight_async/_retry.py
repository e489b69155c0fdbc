"""The retry policy as a small value object, and the three decisions the pipeline asks of it.

`should_retry` says whether an outcome may be retried, `parse_retry_after` reads the server's
`Retry-After`, `retry_delay` turns both into a sleep with capped exponential backoff and
full jitter.
"""

from __future__ import annotations

import email.utils
import math
import random
from collections.abc import Iterable
from datetime import datetime, timezone

import attrs
import httpx

from ._errors import ConfigurationError, DecodeError
from ._validate import is_count, is_seconds

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})

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

    `RetryPolicy(max_retries=0)` disables retries; `RetryPolicy.instant()` retries without
    sleeping, for tests.
    """

    max_retries: int = attrs.field(default=3, validator=_retry_count)
    initial_backoff: float = attrs.field(default=0.5, validator=_non_negative)
    max_backoff: float = attrs.field(default=8.0, validator=_non_negative)
    max_retry_after: float = attrs.field(default=60.0, validator=_non_negative)
    retry_statuses: frozenset[int] = attrs.field(default=RETRYABLE_STATUSES, converter=_status_set)

    @classmethod
    def instant(cls, max_retries: int = 3) -> RetryPolicy:
        """A policy that retries like the default but never sleeps (the testing switch)."""
        return cls(max_retries=max_retries, initial_backoff=0, max_backoff=0, max_retry_after=0)

    @classmethod
    def disabled(cls) -> RetryPolicy:
        """A policy that never retries."""
        return cls(max_retries=0)


def should_retry(
    policy: RetryPolicy,
    attempt: int,
    *,
    idempotent: bool,
    status_code: int | None = None,
    error: BaseException | None = None,
) -> bool:
    """Whether the outcome of attempt number `attempt` (1-based) may be retried.

    Idempotent requests retry on transport errors and the policy's statuses; a
    non-idempotent request retries only when the error proves it never left the client.
    """
    if attempt > policy.max_retries:
        return False
    if error is not None:
        if isinstance(error, NEVER_SENT_ERRORS):
            return True
        return idempotent and isinstance(error, TRANSIENT_ERRORS)
    return idempotent and status_code in policy.retry_statuses


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
