"""The pieces of the sandbox's SAPI state: the simulated clock, events, subscriptions, streams.

Plain data; the `Registry` (in `_streaming_registry`) guards them with one lock.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import threading
import time
from typing import Any, Literal

import attrs

from ._sapi_events import render_json, render_xml

OutputType = Literal["JSON", "XML", "NEWLINE_JSON", "NEWLINE_XML"]
OUTPUT_TYPES: tuple[OutputType, ...] = ("JSON", "XML", "NEWLINE_JSON", "NEWLINE_XML")

MAX_OVERLAP = 1024
"""The most events a reconnect can re-send from the previous stream (`replay_overlap`)."""

Ending = Literal["", "end", "drop", "gone"]
"""Why a stream stops: not yet, a clean end, an abrupt drop, or the client went away."""


class SimClock:
    """Simulated epoch seconds: `scale` simulated seconds per real second, plus jumps."""

    def __init__(self, start: float, scale: float) -> None:
        if not scale > 0:
            raise ValueError(f"the time scale must be positive, got {scale}")
        self._start = start
        self._scale = scale
        self._origin = time.monotonic()
        self._offset = 0.0
        self._lock = threading.Lock()

    @property
    def scale(self) -> float:
        """Simulated seconds per real second."""
        return self._scale

    def now(self) -> float:
        """The simulated time, in epoch seconds."""
        return self._start + (time.monotonic() - self._origin) * self._scale + self._offset

    def restart(self) -> None:
        """Back to the start time, running from now."""
        with self._lock:
            self._origin = time.monotonic()
            self._offset = 0.0

    def advance(self, seconds: float) -> None:
        """Jump forward by `seconds` simulated seconds."""
        if seconds < 0:
            raise ValueError(f"the clock only moves forward; got {seconds}")
        with self._lock:
            self._offset += seconds

    def real(self, sim_seconds: float) -> float:
        """How many real seconds `sim_seconds` simulated seconds last."""
        return sim_seconds / self._scale


@attrs.define(eq=False)
class SapiEvent:
    """One generated event: its number, when it happened, its JSON form, cached wire texts."""

    sequence_id: int
    sim_time: float
    data: dict[str, Any]
    _json: str | None = None
    _xml: str | None = None

    def text(self, xml: bool) -> str:
        """The event's wire text (JSON object or one-line XML document), rendered once."""
        if xml:
            if self._xml is None:
                self._xml = render_xml(self.data)
            return self._xml
        if self._json is None:
            self._json = render_json(self.data)
        return self._json


def _events(maxlen: int | None = None) -> collections.deque[SapiEvent]:
    return collections.deque(maxlen=maxlen)


@attrs.define(eq=False)
class Subscription:
    """What the server keeps per subscription id.

    `log`: every event it was entitled to (delivered, stored or lost), in order; `lost`: the
    stored events discarded when it expired; `backlog`: events stored while no stream is open;
    `sent`: the last events written to a stream (re-sent as the overlap on reconnect).
    """

    id: str
    history: int
    live: bool = True
    log: collections.deque[SapiEvent] = attrs.field(init=False)
    lost: list[SapiEvent] = attrs.Factory(list)
    backlog: collections.deque[SapiEvent] = attrs.Factory(_events)
    sent: collections.deque[SapiEvent] = attrs.Factory(lambda: _events(MAX_OVERLAP))
    streams: list[Stream] = attrs.Factory(list)
    disconnected_at: float | None = None

    def __attrs_post_init__(self) -> None:
        self.log = _events(self.history)


@attrs.define(eq=False)
class Stream:
    """One open subscribe response: its settings, its queue of unsent events, its controls."""

    subscription: Subscription
    output: OutputType
    atmosphere: bool
    opened_at: float
    loop: asyncio.AbstractEventLoop
    wake: asyncio.Event
    pending: collections.deque[SapiEvent] = attrs.Factory(_events)
    malformed: int = 0
    stalled_until: float = 0.0
    ending: Ending = ""

    @property
    def xml(self) -> bool:
        """Whether events are sent as XML documents."""
        return self.output.endswith("XML")

    def nudge(self) -> None:
        """Wake the stream's writer (from any thread) to look at its state again."""
        with contextlib.suppress(RuntimeError):  # the loop has closed: nothing left to wake
            self.loop.call_soon_threadsafe(self.wake.set)
