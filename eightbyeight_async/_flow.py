"""Adaptive flow control per API family: run close to the server's limit without being
throttled.

The family's concurrency limit is a ceiling. What adapts is the request *rate*: none at
first (requests go as fast as the ceiling allows); on the first 429 or 503 the family is paced
just under the rate the server was accepting, then the rate rises additively while answers
are healthy and latency is steady, and falls multiplicatively on the next throttle (or on a
latency rise well above the least seen, as TCP Vegas does). Concurrency alone is too coarse
for this: against 60 requests/s at 20 ms, one request in flight reaches ~0.7 of the limit and
two already draw 429s. A `Retry-After` pauses the whole family until then, so in-flight
siblings do not all run into the same wall, and a throttled request's retry waits for the
family's pause and pace instead of backing off on its own. The rate moves only while it is
what holds requests back (a page window's tail leaves it unused: growing it then would only
overshoot). `adaptive=False` keeps a fixed limit.
"""

from __future__ import annotations

import collections
import contextlib
import math
from collections.abc import AsyncIterator, Awaitable, Callable

import anyio
import attrs
import httpx

from ._retry import parse_retry_after

THROTTLE_STATUSES = frozenset({429, 503})
DECREASE = 0.95
"""On a throttle the rate becomes at most this share of the rate it was sending at."""
ACCEPTED_MARGIN = 0.95
"""...and at most this share of the rate the server was seen to accept."""
START_GROWTH = 3.0
"""Below `NEAR` times the rate the server last accepted before a throttle, the rate grows
this much per second (slow start)."""
PROBE_PER_SECOND = 0.0025
"""Above it, it grows by this share of that rate per second, half as fast each time the same
limit is found again: throttles stay rare, and each may cost a `Retry-After` pause."""
NEAR = 0.9
LATENCY_RISE = 3.0
"""Answers this many times slower than the least seen, on average, count as congestion."""
LATENCY_SMOOTHING = 0.1
"""Weight of the newest answer in that average (one slow answer is noise, not a queue)."""
LATENCY_DECREASE = 0.95
SHORTEST_START = 0.1
"""Seconds the first pace is measured over at least (answers of one burst come at once)."""
EPOCH = 0.5
"""Seconds between two decreases: one congestion event, however many answers report it."""
WINDOW = 0.5
"""Seconds of accepted answers the accepted rate is measured over (paused time excluded)."""


@attrs.frozen
class FlowState:
    """A family's flow control as it stands (`cc.limits_state()`)."""

    limit: int
    """Requests in flight at most (the family's ceiling)."""
    rate: float | None
    """Requests per second the family is paced at; None: unpaced (no throttle seen)."""
    in_flight: int
    throttles: int
    """429/503 answers seen."""
    pauses: int
    """Family-wide pauses for a `Retry-After`."""
    adaptive: bool
    outages: int
    """Times the family's outage gate opened: bursts of connection errors or 502/503/504
    that held every request back behind one probe."""


class FamilyFlow:
    """The requests of one family: a concurrency ceiling, a pacer, a family-wide pause."""

    def __init__(
        self,
        ceiling: int,
        *,
        adaptive: bool = True,
        clock: Callable[[], float] = anyio.current_time,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ) -> None:
        self._limiter = anyio.CapacityLimiter(ceiling)
        self.ceiling = ceiling
        self.adaptive = adaptive
        self._clock = clock
        self._sleep = sleep
        self._rate: float | None = None
        self._refused_rate: float | None = None
        self._probe = PROBE_PER_SECOND
        self._next_send = 0.0
        self._resume_at = 0.0
        self._last_decrease = -math.inf
        self._last_increase = -math.inf
        self._least_latency = math.inf
        self._latency: float | None = None
        self._accepted: collections.deque[float] = collections.deque()
        self._throttles = 0
        self._pauses = 0
        self._answers = 0
        self._first_answer: float | None = None
        self._first_estimate_until = -math.inf
        """Until then, answers of the burst the first throttle cut short still raise the
        first rate: they were sent before it, and their count is the accepted rate's."""
        self._held_back = False
        """Whether the pacer made a request wait since the rate last changed: only then is
        the rate what limits the family, so only then may answers move it (a rate no request
        waits for says nothing about the server, as in TCP's cwnd validation)."""

    def state(self, *, outages: int = 0) -> FlowState:
        """The flow as it stands; `outages` counts the family's outage-gate openings."""
        return FlowState(
            limit=self.ceiling,
            rate=self._rate,
            in_flight=int(self._limiter.borrowed_tokens),
            throttles=self._throttles,
            pauses=self._pauses,
            adaptive=self.adaptive,
            outages=outages,
        )

    def holds_retry_of(self, status: int | None) -> float | None:
        """Seconds the family itself holds the retry of a request answered `status` (its
        pause, then its pace), or None when the request must back off on its own: only a
        throttle, once the family is paced, is spaced by the family."""
        if status not in THROTTLE_STATUSES or not self.adaptive or self._rate is None:
            return None
        return max(self._resume_at - self._clock(), self._next_send - self._clock(), 0.0)

    @contextlib.asynccontextmanager
    async def slot(self) -> AsyncIterator[Slot]:
        """Hold one of the family's places: after any pause, at the paced rate."""
        async with self._limiter:
            if self.adaptive:
                await self._wait_turn()
            yield Slot(self, self._clock())

    async def _wait_turn(self) -> None:
        """Until the family's pause is over and its next send time has come; then claim
        that time. Waiters re-check after each sleep, so a rate that changed meanwhile (or a
        pause that began) applies to requests already waiting."""
        while True:
            now = self._clock()
            if now < self._resume_at:
                await self._sleep(self._resume_at - now)
            elif self._rate is not None and now < self._next_send:
                self._held_back = True
                await self._sleep(self._next_send - now)
            else:
                break
        if self._rate is not None:
            self._next_send = max(self._next_send + 1 / self._rate, now)

    def observe(self, status: int | None, latency: float, retry_after: float | None) -> None:
        """What one answer says: a throttle (429/503) slows the family, a healthy answer at
        a steady latency lets it speed up; `retry_after` pauses the whole family."""
        if not self.adaptive:
            return
        now = self._clock()
        if status in THROTTLE_STATUSES:
            self._throttles += 1
            self._slow_down(now, DECREASE, throttled=True)
            if retry_after is not None and retry_after > 0 and now + retry_after > self._resume_at:
                self._resume_at = now + retry_after
                self._next_send = max(self._next_send, self._resume_at)
                self._pauses += 1
            return
        if status is None or status >= 500:
            return  # a failure, not a verdict on the rate: the outage gate handles those
        self._accepted.append(now)
        self._prune(now)  # bounded to a window's answers, throttled or not
        self._answers += 1
        if self._first_answer is None:
            self._first_answer = now
        self._least_latency = min(self._least_latency, latency)
        self._latency = (
            latency
            if self._latency is None
            else (LATENCY_SMOOTHING * latency + (1 - LATENCY_SMOOTHING) * self._latency)
        )
        if self._rate is None:
            return
        if now < self._first_estimate_until:
            self._rate = max(self._rate, ACCEPTED_MARGIN * self._accepted_since_start(now))
            return
        if self._latency > LATENCY_RISE * self._least_latency:
            self._slow_down(now, LATENCY_DECREASE, throttled=False)
        elif self._held_back and now - self._last_increase >= EPOCH:
            self._speed_up(now - max(self._last_increase, min(self._resume_at, now)))
            self._last_increase = now
            self._held_back = False

    def _speed_up(self, seconds: float) -> None:
        assert self._rate is not None
        refused = self._refused_rate
        if refused is None or self._rate < NEAR * refused:
            self._rate *= START_GROWTH**seconds
            if refused is not None:
                self._rate = min(self._rate, NEAR * refused)
        else:
            self._rate += self._probe * refused * seconds

    def _accepted_rate(self, now: float, shortest: float) -> float:
        """Answers accepted per second: over the time since the last pause ended (at most
        `WINDOW`) when that spans `shortest` seconds of answers; else, conservatively, over
        the whole window, pauses included."""
        self._prune(now)
        start = max(now - WINDOW, min(self._resume_at, now))
        recent = [t for t in self._accepted if t >= start]
        if recent and now - recent[0] >= shortest:
            return len(recent) / (now - recent[0])
        return len(self._accepted) / WINDOW

    def _accepted_since_start(self, now: float) -> float:
        if self._first_answer is None:
            return 1.0
        return self._answers / max(now - self._first_answer, SHORTEST_START)

    def _prune(self, now: float) -> None:
        while self._accepted and self._accepted[0] < now - WINDOW:
            self._accepted.popleft()

    def elapsed(self, since: float) -> float:
        return self._clock() - since

    def _slow_down(self, now: float, factor: float, *, throttled: bool) -> None:
        if now - self._last_decrease < EPOCH:
            return  # the same congestion event, reported by several answers
        if self._rate is None:
            if not self._answers:
                return  # nothing accepted yet, so no rate to start from: only the pause
            # The first throttle: start from what the server accepted since the first answer
            # (over at least `SHORTEST_START` s: a burst makes it look high, and the next
            # throttle corrects it; too low, and slow start soon finds the limit).
            accepted = self._accepted_since_start(now)
            self._rate = max(ACCEPTED_MARGIN * accepted, 1.0)
            self._first_estimate_until = now + EPOCH
        elif not throttled:
            self._rate = max(self._rate * factor, 1.0)  # latency: what was accepted is moot
        else:
            accepted = self._accepted_rate(now, shortest=0.1)
            if self._held_back:  # sending at the pace: the limit is about what was accepted
                known = max(min(self._rate, accepted), 1.0)
                previous = self._refused_rate
                steady = previous is not None and abs(known - previous) < 0.1 * previous
                # The same limit found again: probe for more half as often.
                self._probe = (
                    max(self._probe / 2, PROBE_PER_SECOND / 8) if steady else PROBE_PER_SECOND
                )
                self._refused_rate = known
            slower = min(self._rate * factor, ACCEPTED_MARGIN * accepted)
            self._rate = max(slower, 1.0)
        self._last_decrease = self._last_increase = now
        self._held_back = False


@attrs.frozen
class Slot:
    """One request's place in its family; `observe()` reports its answer."""

    flow: FamilyFlow
    started: float

    def observe(self, status: int | None, retry_after: float | None = None) -> None:
        self.flow.observe(status, self.flow.elapsed(self.started), retry_after)


def throttle_wait(response: httpx.Response) -> float | None:
    """The `Retry-After` of a 429 or 503 (what the family waits), else None."""
    if response.status_code not in THROTTLE_STATUSES:
        return None
    return parse_retry_after(response.headers.get("retry-after"))
