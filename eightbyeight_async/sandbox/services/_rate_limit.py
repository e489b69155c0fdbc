"""Rate limiting as a sandbox fault mode: a token bucket per API family (or path glob).

A `RateLimit` holds `burst` tokens, refilled at `rate` per second of its clock (an injectable
function, `time.monotonic` by default, so a test drives a fake clock instead of sleeping).
Each matching request takes a token; one that finds none is throttled: 429 with `Retry-After`
(the configured value, or the seconds until the next token rounded up), or 503 "server busy".
There is no randomness: given the clock's readings, every decision is reproducible.
"""

from __future__ import annotations

import fnmatch
import math
import time
from collections.abc import Callable, Mapping
from typing import Literal, Protocol

import attrs
from starlette.types import Send

ThrottleMode = Literal["429", "503"]
Clock = Callable[[], float]

FAMILY_PATTERNS: Mapping[str, tuple[str, ...]] = {
    "stats": ("/api/stats/*",),
    "realtime": ("/api/rtstats/*",),
    "recordings": ("/api/recordings/*",),
    "schedules": ("/api/provisioning/*",),
    "attachments": ("/api/ccm/attachments/*",),
    "streaming": ("/api/streaming/*",),
    "recording_control": ("/api/tstats/rccontrol/*",),
    "interaction_data": ("/api/v1/interaction/data/*",),
    "callbacks": ("/SC/webcallback.php",),
    "callback_deletion": ("/api/interactions/webcallback/*",),
    "external_ivr": ("/SC/externalIvrAction.php",),
    "analytics": ("/analytics/cc/*", "/*/analytics/cc/*"),
    "oauth": ("/oauth/v2/token",),
    "recent_calls": ("/customerexperience/v1/recentCallData/*",),
}
"""The path globs each API family (`ApiFamily.key`) is served at."""

TOO_MANY_REQUESTS_BODY = b"Too many requests: rate limit exceeded"
SERVER_BUSY_BODY = b"Server busy: too many requests, retry later"


class Family(Protocol):
    """An API family as the client names it (the SDK's `ApiFamily`): its `key` is enough,
    so the sandbox need not import the SDK."""

    @property
    def key(self) -> str: ...


Target = Family | str
"""A family, a family key ("stats"), or a path glob ("/api/stats/*")."""


def target_key(target: Target) -> str:
    return target if isinstance(target, str) else target.key


def limit_target(target: Target) -> tuple[str, tuple[str, ...]]:
    """The key and path globs of a limit's target: an `ApiFamily`, a family key ("stats"),
    or a path glob starting with "/" (a prefix such as "/api/stats/" matches below it)."""
    target = target_key(target)
    if target in FAMILY_PATTERNS:
        return target, FAMILY_PATTERNS[target]
    if target.startswith("/"):
        return target, (target + "*" if target.endswith("/") else target,)
    families = ", ".join(FAMILY_PATTERNS)
    raise ValueError(f"rate limit target must be an API family ({families}) or a path glob")


@attrs.frozen
class RateLimitCounts:
    """What one rate limit did: requests it let through and requests it throttled."""

    accepted: int = 0
    throttled: int = 0


@attrs.frozen
class Throttle:
    """The answer to a throttled request."""

    status: int
    retry_after: str | None

    @property
    def body(self) -> bytes:
        return SERVER_BUSY_BODY if self.status == 503 else TOO_MANY_REQUESTS_BODY


@attrs.define
class TokenBucket:
    """`burst` tokens, refilled continuously at `rate` per second of `clock`."""

    rate: float
    burst: int
    clock: Clock
    tokens: float = attrs.field(init=False)
    updated: float = attrs.field(init=False)

    def __attrs_post_init__(self) -> None:
        self.tokens = float(self.burst)
        self.updated = self.clock()

    def take(self) -> float | None:
        """Take a token (None), or say how many seconds until the next one (nothing taken)."""
        now = self.clock()
        elapsed = max(now - self.updated, 0.0)  # a clock set back refills nothing
        self.tokens = min(float(self.burst), self.tokens + elapsed * self.rate)
        self.updated = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return None
        return (1.0 - self.tokens) / self.rate


@attrs.define
class RateLimit:
    """One limit: which requests it meters, its bucket, and how it answers when empty."""

    key: str
    patterns: tuple[str, ...]
    bucket: TokenBucket
    mode: ThrottleMode
    retry_after: str | None
    method: str | None
    accepted: int = 0
    throttled: int = 0

    @classmethod
    def build(
        cls,
        target: Target,
        *,
        rate: float,
        burst: int,
        mode: ThrottleMode,
        retry_after: float | str | None,
        method: str | None,
        clock: Clock = time.monotonic,
    ) -> RateLimit:
        """A checked limit with a full bucket."""
        if isinstance(rate, bool) or not (isinstance(rate, (int, float)) and rate > 0):
            raise ValueError(f"rate must be a number of tokens per second > 0, got {rate!r}")
        if not math.isfinite(rate):
            raise ValueError(f"rate must be finite, got {rate!r}")
        if isinstance(burst, bool) or not isinstance(burst, int) or burst < 1:
            raise ValueError(f"burst must be an int >= 1, got {burst!r}")
        if mode not in ("429", "503"):
            raise ValueError(f'mode must be "429" or "503", got {mode!r}')
        key, patterns = limit_target(target)
        return cls(
            key=key,
            patterns=patterns,
            bucket=TokenBucket(rate=float(rate), burst=burst, clock=clock),
            mode=mode,
            retry_after=None if retry_after is None else str(retry_after),
            method=method.upper() if method else None,
        )

    def matches(self, method: str, path: str) -> bool:
        if self.method is not None and self.method != method:
            return False
        return any(fnmatch.fnmatchcase(path, pattern) for pattern in self.patterns)

    def admit(self) -> Throttle | None:
        """Take a token for a request (None: serve it), or the throttled answer."""
        wait = self.bucket.take()
        if wait is None:
            self.accepted += 1
            return None
        self.throttled += 1
        if self.mode == "503":
            return Throttle(503, self.retry_after)
        return Throttle(429, self.retry_after or str(max(math.ceil(wait), 1)))

    @property
    def counts(self) -> RateLimitCounts:
        return RateLimitCounts(accepted=self.accepted, throttled=self.throttled)


async def send_throttle(send: Send, throttle: Throttle) -> None:
    """Answer a throttled request: its status, a plain-text body and `Retry-After` if any."""
    body = throttle.body
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    if throttle.retry_after is not None:
        headers.append((b"retry-after", throttle.retry_after.encode()))
    await send({"type": "http.response.start", "status": throttle.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
