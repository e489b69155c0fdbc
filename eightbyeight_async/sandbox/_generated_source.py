"""What both streaming simulators (SAPI and Event Streaming) share: a simulated clock and a
background generator that emits `rate` events per real second while a client listens.

A simulator supplies its lock (re-entrant: the generator emits while holding it, so that
`pause()` returning means no background event follows), how to wake its open streams after
the clock jumps, whether anyone listens, and `emit()`.
"""

from __future__ import annotations

import abc
import asyncio
import threading
import time

from .sapi._streaming_state import SimClock

TICK = (0.005, 0.05)
"""The generator wakes every 1/rate seconds, within these bounds (fewer bursts at high rates)."""


class GeneratedSource(abc.ABC):
    """The clock and generator controls of a streaming simulator (`now()`, `advance()`,
    `pause()`, `resume()`, `paused`, `time_scale`) and its background generator."""

    clock: SimClock
    rate: float
    """Events per real second while someone listens and the generator is not paused."""
    _paused: bool

    @property
    @abc.abstractmethod
    def _lock(self) -> threading.RLock:
        """The simulator's state lock."""

    @abc.abstractmethod
    def _wake_streams(self) -> None:
        """Have the open streams look at the state again (the clock moved)."""

    @abc.abstractmethod
    def _listening(self) -> bool:
        """Whether a client listens (called under the lock)."""

    @abc.abstractmethod
    def emit(self, count: int = 1) -> object:
        """Generate `count` events now."""

    @property
    def time_scale(self) -> float:
        """Simulated seconds per real second."""
        return self.clock.scale

    def now(self) -> float:
        """The simulated time, epoch seconds."""
        return self.clock.now()

    def advance(self, seconds: float) -> None:
        """Jump the simulated clock forward; the streams see the new time at once (sessions
        end, subscriptions expire, idle sessions close accordingly)."""
        self.clock.advance(seconds)
        self._wake_streams()

    @property
    def paused(self) -> bool:
        """Whether the background generator is stopped."""
        return self._paused

    def pause(self) -> None:
        """Stop generating events in the background (`emit` still works). Once it returns,
        no background event follows: the generator decides and emits under the same lock."""
        with self._lock:
            self._paused = True

    def resume(self) -> None:
        """Generate events in the background again, at `rate` per real second."""
        self._paused = False

    async def _generate(self) -> None:
        """Emit `rate` events per real second (as credit accrues) while someone listens."""
        last, credit = time.monotonic(), 0.0
        while True:
            await asyncio.sleep(_tick(self.rate))
            now = time.monotonic()
            elapsed, last = now - last, now
            with self._lock:  # `pause()` takes it too: no event after it returns
                if self._paused or self.rate <= 0 or not self._listening():
                    credit = 0.0
                    continue
                credit = min(credit + elapsed * self.rate, self.rate + 1.0)
                if credit >= 1.0:
                    count = int(credit)
                    credit -= count
                    self.emit(count)


def _tick(rate: float) -> float:
    shortest, longest = TICK
    return min(max(1.0 / rate, shortest), longest) if rate > 0 else longest
