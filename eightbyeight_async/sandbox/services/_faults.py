"""Fault injection for the sandbox: an ASGI middleware driven by a thread-safe plan.

A test (in its own thread and event loop) adds rules to a `FaultPlan`; the server thread asks
the plan, per request, which fault to apply. Each rule matches a path glob (and optionally a
method) and fires either for "the next N matching requests" or at a rate drawn from a seeded
random generator, so a run is reproducible. Rate limits (`rate_limit()`, a token bucket per
API family or path glob, see `_rate_limit`) are consulted before the rules: a throttled request
gets 429 or 503 and no rule.
"""

from __future__ import annotations

import asyncio
import collections
import fnmatch
import logging
import random
import threading
import time
from collections.abc import Mapping
from typing import Any, Literal

import attrs
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ._rate_limit import (
    Clock,
    RateLimit,
    RateLimitCounts,
    Target,
    Throttle,
    ThrottleMode,
    send_throttle,
    target_key,
)

FaultKind = Literal["latency", "status", "reset", "truncate", "malformed"]

MALFORMED_BODY = b"<html><body>502 Proxy Error</body>"
"""What a malformed response carries: an unclosed HTML page, as a misbehaving proxy sends."""

BODY_FAULTS: frozenset[FaultKind] = frozenset({"reset", "truncate", "malformed"})
"""Faults that rewrite a finished body, so cannot apply to an endless stream."""

STREAMING_PREFIX = "/api/streaming/"
"""Paths of endless streams (SAPI): only status and latency rules apply to them; use
`sb.streaming.drop()`, `stall()` and `malformed()` to damage a stream."""


@attrs.define
class FaultRule:
    """One rule: which requests it matches, what it does, and how often."""

    kind: FaultKind
    pattern: str
    method: str | None = None
    remaining: int | None = None
    rate: float | None = None
    every: int | None = None
    seen: int = 0
    status: int = 503
    retry_after: str | None = None
    seconds: float = 0.0

    def matches(self, method: str, path: str) -> bool:
        """Whether this rule applies to a request (before its count or rate is consulted)."""
        if self.method is not None and self.method != method:
            return False
        return fnmatch.fnmatchcase(path, self.pattern)


class _InjectedReset(Exception):
    """Raised inside the server to drop a connection mid-body; its log record is suppressed."""


class _SuppressInjectedResets(logging.Filter):
    """Keep uvicorn's error log for real faults only, not the resets we cause on purpose."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], _InjectedReset))


class FaultPlan:
    """Fault rules and the counters of what the server did, shared across threads."""

    def __init__(self, seed: int = 0) -> None:
        self._lock = threading.Lock()
        self._seed = seed
        self._rng = random.Random(f"{seed}:faults")
        self._rules: list[FaultRule] = []
        self._limits: dict[str, RateLimit] = {}
        self._requests: collections.Counter[str] = collections.Counter()
        self._injected: collections.Counter[str] = collections.Counter()

    def add(
        self,
        kind: FaultKind,
        pattern: str,
        *,
        count: int | None = None,
        rate: float | None = None,
        every: int | None = None,
        method: str | None = None,
        status: int = 503,
        retry_after: float | str | None = None,
        seconds: float = 0.0,
    ) -> FaultRule:
        """Inject `kind` on requests whose path matches the glob `pattern`.

        Give `count` (the next N matching requests), `rate` (probability 0..1 per request,
        seeded) or `every` (each Nth matching request); with none of them, every matching
        request is affected until `clear()`.
        """
        if sum(option is not None for option in (count, rate, every)) > 1:
            raise ValueError("give one of count, rate or every, not several")
        if every is not None and every < 1:
            raise ValueError(f"every must be at least 1, got {every}")
        if count is not None and count < 1:
            raise ValueError(f"count must be at least 1, got {count}")
        if rate is not None and not 0.0 <= rate <= 1.0:
            raise ValueError(f"rate must be between 0 and 1, got {rate}")
        rule = FaultRule(
            kind=kind,
            pattern=pattern,
            method=method.upper() if method else None,
            remaining=count,
            rate=rate,
            every=every,
            status=status,
            retry_after=None if retry_after is None else str(retry_after),
            seconds=seconds,
        )
        with self._lock:
            self._rules.append(rule)
        return rule

    def status(
        self, pattern: str, status: int = 503, *, retry_after: float | str | None = None, **how: Any
    ) -> FaultRule:
        """Answer matching requests with `status` (and a `Retry-After` header if given)."""
        return self.add("status", pattern, status=status, retry_after=retry_after, **how)

    def latency(self, pattern: str, seconds: float, **how: Any) -> FaultRule:
        """Delay matching requests by `seconds` before serving them normally."""
        return self.add("latency", pattern, seconds=seconds, **how)

    def reset(self, pattern: str, **how: Any) -> FaultRule:
        """Send the headers and half the body, then drop the connection (not on SAPI streams)."""
        return self.add("reset", pattern, **how)

    def truncate(self, pattern: str, **how: Any) -> FaultRule:
        """Send only the first half of the body as a complete response (not on SAPI streams)."""
        return self.add("truncate", pattern, **how)

    def malformed(self, pattern: str, **how: Any) -> FaultRule:
        """Replace the body with an unclosed HTML error page (not on SAPI streams)."""
        return self.add("malformed", pattern, **how)

    def rate_limit(
        self,
        target: Target,
        *,
        rate: float,
        burst: int,
        mode: ThrottleMode = "429",
        retry_after: float | str | None = None,
        method: str | None = None,
        clock: Clock = time.monotonic,
    ) -> RateLimit:
        """Meter `target` (an `ApiFamily`, a family key like "stats", or a path glob) with a
        token bucket of `burst` tokens refilled at `rate` per second of `clock`.

        A request that finds no token gets 429 with `Retry-After` (`retry_after`, or the
        seconds until the next token rounded up) or, with `mode="503"`, 503 "server busy"
        (with `Retry-After` only if `retry_after` is given). A second limit on the same target
        replaces the first; a request matching several limits takes a token from each in
        the order added, until one throttles it.
        """
        limit = RateLimit.build(
            target,
            rate=rate,
            burst=burst,
            mode=mode,
            retry_after=retry_after,
            method=method,
            clock=clock,
        )
        with self._lock:
            self._limits.pop(limit.key, None)
            self._limits[limit.key] = limit
        return limit

    def remove_rate_limit(self, target: Target) -> RateLimitCounts | None:
        """Stop metering `target`; return what its limit counted (None if it had none)."""
        key = target_key(target)
        with self._lock:
            limit = self._limits.pop(key, None)
        return None if limit is None else limit.counts

    def rate_limit_counts(self, target: Target) -> RateLimitCounts:
        """Requests the limit on `target` accepted and throttled so far."""
        key = target_key(target)
        with self._lock:
            if key not in self._limits:
                raise KeyError(f"no rate limit on {key!r}; limited: {sorted(self._limits)}")
            return self._limits[key].counts

    @property
    def rate_limits(self) -> Mapping[str, RateLimitCounts]:
        """The counts of every rate limit, by target."""
        with self._lock:
            return {key: limit.counts for key, limit in self._limits.items()}

    def clear(self, *, counters: bool = False) -> None:
        """Remove every rule and rate limit; with `counters=True` also zero the request and
        injection counters and restart the seeded randomness (the initial state)."""
        with self._lock:
            self._rules.clear()
            self._limits.clear()
            if counters:
                self._rng = random.Random(f"{self._seed}:faults")
                self._requests.clear()
                self._injected.clear()

    def take(
        self, method: str, path: str, skip: frozenset[FaultKind] = frozenset()
    ) -> FaultRule | Throttle | None:
        """Count a request; throttle it if a rate limit has no token for it, or else pick
        the first rule that fires for it, consuming one count.

        Rules of the kinds in `skip` are not consulted (nor counted) for this request.
        """
        with self._lock:
            self._requests[path] += 1
            for limit in self._limits.values():
                throttle = limit.admit() if limit.matches(method, path) else None
                if throttle is not None:
                    self._injected["rate_limit"] += 1
                    return throttle
            for rule in self._rules:
                if rule.kind in skip or not rule.matches(method, path) or not self._fires(rule):
                    continue
                if rule.remaining is not None:
                    rule.remaining -= 1
                    if rule.remaining == 0:
                        self._rules.remove(rule)
                self._injected[rule.kind] += 1
                return rule
        return None

    def _fires(self, rule: FaultRule) -> bool:
        rule.seen += 1
        if rule.every is not None:
            return rule.seen % rule.every == 0
        return rule.rate is None or self._rng.random() < rule.rate

    @property
    def requests(self) -> Mapping[str, int]:
        """Requests received per path (faulted ones included)."""
        with self._lock:
            return dict(self._requests)

    @property
    def injected(self) -> Mapping[str, int]:
        """Faults injected per kind."""
        with self._lock:
            return dict(self._injected)

    @property
    def total_requests(self) -> int:
        """Every request received."""
        with self._lock:
            return sum(self._requests.values())


class FaultMiddleware:
    """Apply the plan's fault, if any, to each HTTP request before or after the app runs."""

    def __init__(self, app: ASGIApp, plan: FaultPlan) -> None:
        self.app = app
        self.plan = plan

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        skip = BODY_FAULTS if path.startswith(STREAMING_PREFIX) else frozenset()
        rule = self.plan.take(scope["method"], path, skip)
        if rule is None:
            await self.app(scope, receive, send)
        elif isinstance(rule, Throttle):
            await send_throttle(send, rule)
        elif rule.kind == "latency":
            await asyncio.sleep(rule.seconds)
            await self.app(scope, receive, send)
        elif rule.kind == "status":
            await _send_status(send, rule)
        else:
            await self._mangle(rule, scope, receive, send)

    async def _mangle(self, rule: FaultRule, scope: Scope, receive: Receive, send: Send) -> None:
        """Run the app, buffer its response, and send a damaged version of it."""
        start: Message = {}
        chunks: list[bytes] = []

        async def capture(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        if rule.kind == "reset":
            declared = len(body)
            body = body[: len(body) // 2]
        else:
            body = body[: len(body) // 2] if rule.kind == "truncate" else MALFORMED_BODY
            declared = len(body)
        headers.append((b"content-length", str(declared).encode()))
        await send({"type": "http.response.start", "status": start["status"], "headers": headers})
        await send({"type": "http.response.body", "body": body, "more_body": rule.kind == "reset"})
        if rule.kind == "reset":
            raise _InjectedReset("connection dropped mid-body by a sandbox fault rule")


async def _send_status(send: Send, rule: FaultRule) -> None:
    body = f"sandbox fault: status {rule.status}".encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    if rule.retry_after is not None:
        headers.append((b"retry-after", rule.retry_after.encode()))
    await send({"type": "http.response.start", "status": rule.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def suppress_injected_reset_logs() -> None:
    """Install (once) the filter that hides deliberate resets from uvicorn's error log."""
    logger = logging.getLogger("uvicorn.error")
    if not any(isinstance(f, _SuppressInjectedResets) for f in logger.filters):
        logger.addFilter(_SuppressInjectedResets())
