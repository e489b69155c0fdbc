"""One open WebSocket session (a reader or a consumer): its queue, window and controls.

Plain data; the `Broker` (in `_broker`) changes it under its lock, the session's writer (in
`_endpoint`) drains it in the server's loop. `nudge()` wakes the writer from any thread.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
from typing import Literal

import attrs

from ._topics import PublishedMessage, TopicLog

SessionKind = Literal["reader", "consumer"]
Ending = Literal["", "close", "drop", "gone"]
"""Why a session stops: not yet, a close frame, an abrupt drop, or the client went away."""

SENT_MEMORY = 1024
"""Messages a session remembers having sent (what `redeliver(n)` can re-send)."""


@attrs.define(eq=False)
class Delivery:
    """A message on its way to a client, and how many times it was delivered before."""

    message: PublishedMessage
    position: int
    redelivery_count: int = 0


def _deliveries() -> collections.deque[Delivery]:
    return collections.deque()


def _sent() -> collections.deque[Delivery]:
    return collections.deque(maxlen=SENT_MEMORY)


@attrs.define(eq=False)
class Session:
    """What the server holds for one open socket.

    `in_flight` counts the messages queued or sent and not yet acknowledged: the window
    (`window`, min(receiverQueueSize, 1000)) caps it, and every client text frame (an ack,
    a negative ack) gives one place back. `controls` are texts sent before any message
    (replies, control frames): they cost no window place, nor do the `malformed` frames
    (not JSON at all) sent before the next message.
    """

    id: int
    kind: SessionKind
    topic: TopicLog
    window: int
    name: str
    loop: asyncio.AbstractEventLoop
    wake: asyncio.Event
    last_activity: float
    cursor: int = 0
    outbox: collections.deque[Delivery] = attrs.Factory(_deliveries)
    controls: collections.deque[str] = attrs.Factory(collections.deque)
    sent: collections.deque[Delivery] = attrs.Factory(_sent)
    malformed: int = 0
    in_flight: int = 0
    max_unacked: int = 0
    acks: int = 0
    stalled_until: float = 0.0
    ending: Ending = ""
    close_code: int = 1000
    close_reason: str = ""

    @property
    def full(self) -> bool:
        """Whether the window has no place left."""
        return self.in_flight >= self.window

    def push(self, delivery: Delivery) -> None:
        """Queue a delivery, taking a place of the window."""
        self.outbox.append(delivery)
        self.in_flight += 1
        self.max_unacked = max(self.max_unacked, self.in_flight)

    def acknowledge(self) -> None:
        """One client frame: one place of the window back."""
        self.acks += 1
        self.in_flight = max(0, self.in_flight - 1)

    def close(self, code: int, reason: str = "") -> None:
        """End with a close frame (unless already ending)."""
        if not self.ending:
            self.ending, self.close_code, self.close_reason = "close", code, reason

    def nudge(self) -> None:
        """Wake the session's writer (from any thread) to look at its state again."""
        with contextlib.suppress(RuntimeError):  # the loop has closed: nothing left to wake
            self.loop.call_soon_threadsafe(self.wake.set)
