"""The outage gate: what one API family's requests learn together about a server that is down.

A circuit breaker with three states, one per family on each client:

```
CLOSED ──(threshold outage failures in a row)──► OPEN ──(pause elapsed)──► HALF_OPEN
   ▲                                               ▲                           │
   └────────────(the probe succeeds)───────────────┼───────────────────────────┤
                                                   └──(the probe fails: pause doubles, capped)
```

While OPEN, requests wait (spending none of their attempts); once the pause is over, exactly one
of them goes through as the probe while the others wait for its outcome. An outage failure is a
connection error or a 502/503/504; any answer from the server (even a 404) is a success. A
request waits at most until its own deadline (its policy's `max_elapsed`), then is sent anyway.
"""

from __future__ import annotations

import enum
import logging
import math
import time
from collections.abc import Awaitable, Callable

import anyio

from ._retry import is_outage

logger = logging.getLogger("eightbyeight_async")

DEFAULT_THRESHOLD = 3
"""Outage failures in a row (within the family) that open the gate."""
DEFAULT_PAUSE = 0.5
"""The first pause, in seconds; each failed probe doubles it..."""
DEFAULT_MAX_PAUSE = 4.0
"""...up to this cap, so a server back after 10 s is found within ~4 s of its return."""


class GateState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class Outcome(enum.Enum):
    """What one attempt tells the gate."""

    SUCCESS = "success"  # the server answered
    OUTAGE = "outage"  # a connection error or 502/503/504
    UNKNOWN = "unknown"  # neither (a read timeout, a garbled body, a bad certificate, a bug)


def classify(status_code: int | None, error: BaseException | None) -> Outcome:
    """The gate's reading of one failed attempt (a status, or else the transport error)."""
    if is_outage(status_code, error):
        return Outcome.OUTAGE
    return Outcome.SUCCESS if status_code is not None else Outcome.UNKNOWN


class OutageGate:
    """One family's circuit breaker; `clock` and `sleep` are seams for tests."""

    def __init__(
        self,
        name: str = "",
        *,
        threshold: int = DEFAULT_THRESHOLD,
        pause: float = DEFAULT_PAUSE,
        max_pause: float = DEFAULT_MAX_PAUSE,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = anyio.sleep,
    ):
        self.name = name
        self.threshold = threshold
        self.pause = pause
        self.max_pause = max_pause
        self.clock = clock
        self._sleep = sleep
        self.state = GateState.CLOSED
        self.opened = 0
        """How many times the gate has opened (its first opening and each failed probe)."""
        self._failures = 0
        self._next_pause = pause
        self._open_until = 0.0
        self._probe = 0  # the ticket of the probe in flight, 0 when none
        self._tickets = 0
        self._settled: anyio.Event | None = None  # created in the loop; set when a probe ends

    def __repr__(self) -> str:
        return f"OutageGate({self.name!r}, state={self.state.value}, opened={self.opened})"

    async def enter(self, deadline: float = math.inf) -> int:
        """Wait until a request may be sent. A non-zero ticket means it goes as the half-open
        probe; pass the ticket to `report` or `release`. Past `deadline` (on `clock`), the
        request is let through without waiting."""
        while self.state is not GateState.CLOSED and self.clock() < deadline:
            now = self.clock()
            if self.state is GateState.OPEN and now < self._open_until:
                await self._sleep(min(self._open_until, deadline) - now)
                continue
            self.state = GateState.HALF_OPEN
            if not self._probe:
                self._tickets += 1
                self._probe = self._tickets
                self._settled = anyio.Event()
                return self._probe
            assert self._settled is not None
            with anyio.move_on_after(deadline - now):
                await self._settled.wait()
        return 0

    def report(self, ticket: int, outcome: Outcome) -> None:
        """Record one attempt's outcome (`ticket`: what `enter` returned for it)."""
        if outcome is Outcome.SUCCESS:
            if self.state is not GateState.CLOSED:
                logger.info("The %s API answers again; resuming its requests", self.name)
            self.state = GateState.CLOSED
            self._failures = 0
            self._next_pause = self.pause
            ticket = self._probe  # whoever succeeded, the probe's waiters may go
        elif outcome is Outcome.OUTAGE and self.state is GateState.CLOSED:
            self._failures += 1
            if self._failures >= self.threshold:
                self._open()
        elif outcome is Outcome.OUTAGE and ticket and ticket == self._probe:
            self._open()
        # otherwise an unknown outcome, or a stale failure of a request sent before the gate
        # opened: it says nothing new
        self.release(ticket)

    def release(self, ticket: int) -> None:
        """The probe's attempt ended (or was cancelled): wake its waiters; another may probe."""
        if ticket and ticket == self._probe:
            self._probe = 0
            if self._settled is not None:
                self._settled.set()

    def _open(self) -> None:
        pause = self._next_pause
        self.state = GateState.OPEN
        self.opened += 1
        self._open_until = self.clock() + pause
        self._next_pause = min(pause * 2, self.max_pause)
        logger.info(
            "The %s API looks down; pausing its requests for %.2fs before one probe",
            self.name,
            pause,
        )
