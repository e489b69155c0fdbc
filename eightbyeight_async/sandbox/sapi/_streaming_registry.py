"""The SAPI subscriptions and their open streams, under one lock: routing, replay, expiry.

Rules (the contract is in `_streaming`):
  - an event goes to every live subscription: to its open stream's queue, else its backlog;
  - a stream opening for a subscription first gets the last `overlap` events written to
    its previous stream, then the backlog, in sequence order (duplicates are the client's
    to drop);
  - a stream opening while another stream of the same subscription is still open takes over:
    the older one ends cleanly and hands over its unsent events (a client reconnecting
    faster than the server notices its old connection is gone loses nothing);
  - a subscription without a stream for more than 2 simulated hours expires: its backlog
    is lost, and it starts afresh on its next stream;
  - a control (drop, end, stall, malformed) applies to the open streams not already ending,
    and to nothing when there are none.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterable

from ._streaming_state import (
    MAX_OVERLAP,
    OutputType,
    SapiEvent,
    SimClock,
    Stream,
    Subscription,
)

BACKLOG_SECONDS = 7200.0
MAX_STREAMS = 3


class Registry:
    """Every subscription and open stream of the tenant; thread-safe."""

    def __init__(self, clock: SimClock, history: int) -> None:
        self.lock = threading.RLock()
        self.clock = clock
        self.history = history
        self.subscriptions: dict[str, Subscription] = {}

    def route(self, events: list[SapiEvent], now: float) -> list[Stream]:
        """Give new events to every live subscription; returns the streams to wake."""
        woken: list[Stream] = []
        with self.lock:
            for subscription in self.subscriptions.values():
                self.expire_if_due(subscription, now)
                if not subscription.live:
                    continue
                subscription.log.extend(events)
                if not subscription.streams:
                    subscription.backlog.extend(events)
                for stream in subscription.streams:
                    stream.pending.extend(events)
                    woken.append(stream)
        return woken

    def any_live(self) -> bool:
        """Whether any subscription is owed events (it has a stream or a backlog)."""
        with self.lock:
            now = self.clock.now()
            for subscription in self.subscriptions.values():
                self.expire_if_due(subscription, now)
            return any(s.live for s in self.subscriptions.values())

    def attach(
        self, subscription_id: str, output: OutputType, atmosphere: bool, overlap: int
    ) -> Stream | None:
        """Open a stream, queued with its replay; None when the tenant has 3 already."""
        with self.lock:
            subscription = self.subscriptions.get(subscription_id)
            older = [] if subscription is None else subscription.streams
            others = [s for s in self.streams(None, ending=False) if s not in older]
            if len(others) >= MAX_STREAMS:
                return None
            if subscription is None:
                subscription = Subscription(subscription_id, self.history)
                self.subscriptions[subscription_id] = subscription
            now = self.clock.now()
            handed_over = self._take_over(subscription)
            self.expire_if_due(subscription, now)
            replay = self._replay(subscription, now, overlap, handed_over)
            subscription.live = True
            subscription.disconnected_at = None
            stream = Stream(
                subscription=subscription,
                output=output,
                atmosphere=atmosphere,
                opened_at=now,
                loop=asyncio.get_running_loop(),
                wake=asyncio.Event(),
            )
            stream.pending.extend(replay)
            subscription.streams.append(stream)
            return stream

    def _take_over(self, subscription: Subscription) -> list[SapiEvent]:
        """End the subscription's older streams; their unsent events move to the new one."""
        unsent: list[SapiEvent] = []
        for old in subscription.streams:
            old.ending = old.ending or "end"
            unsent.extend(old.pending)
            old.pending.clear()
            old.nudge()
        return unsent

    def _replay(
        self, subscription: Subscription, now: float, overlap: int, unsent: list[SapiEvent]
    ) -> list[SapiEvent]:
        if not subscription.live:
            return []  # expired (or never seen): a new subscription gets only new events
        backlog = subscription.backlog
        while backlog and now - backlog[0].sim_time > BACKLOG_SECONDS:
            subscription.lost.append(backlog.popleft())
        count = max(0, min(overlap, MAX_OVERLAP))
        sent = list(subscription.sent)[len(subscription.sent) - count :] if count else []
        merged = {e.sequence_id: e for e in [*sent, *unsent, *backlog]}
        backlog.clear()
        return [merged[key] for key in sorted(merged)]

    def detach(self, stream: Stream) -> None:
        """A stream has ended: its unsent events go back to the backlog (if it was the last)."""
        with self.lock:
            subscription = stream.subscription
            if stream not in subscription.streams:
                return
            subscription.streams.remove(stream)
            if not subscription.streams:
                unsent = {e.sequence_id: e for e in [*stream.pending, *subscription.backlog]}
                subscription.backlog.clear()
                subscription.backlog.extend(unsent[key] for key in sorted(unsent))
                subscription.disconnected_at = self.clock.now()
            stream.pending.clear()

    def take(self, stream: Stream, limit: int) -> tuple[list[SapiEvent], int]:
        """Up to `limit` queued events to write now, and how many malformed frames go first."""
        with self.lock:
            count = min(limit, len(stream.pending))
            batch = [stream.pending.popleft() for _ in range(count)]
            sent = stream.subscription.sent
            sent.extend(e for e in batch if not sent or e.sequence_id > sent[-1].sequence_id)
            malformed, stream.malformed = (stream.malformed, 0) if batch else (0, stream.malformed)
            return batch, malformed

    def expire_if_due(self, subscription: Subscription, now: float) -> None:
        """Unsubscribe a subscription that has had no stream for more than 2 hours."""
        since = subscription.disconnected_at
        if subscription.live and since is not None and now - since > BACKLOG_SECONDS:
            subscription.lost.extend(subscription.backlog)
            subscription.backlog.clear()
            subscription.sent.clear()
            subscription.live = False

    def streams(self, subscription_id: str | None, *, ending: bool = True) -> list[Stream]:
        """Open streams (of one subscription or all); without those ending if `ending=False`."""
        with self.lock:
            return [
                stream
                for subscription in self.subscriptions.values()
                if subscription_id in (None, subscription.id)
                for stream in subscription.streams
                if ending or not stream.ending
            ]

    def control(self, subscription_id: str | None, apply: Callable[[Stream], None]) -> int:
        """Apply a control to the open streams that are not already ending; how many."""
        with self.lock:
            streams = self.streams(subscription_id, ending=False)
            for stream in streams:
                apply(stream)
        nudge(streams)
        return len(streams)

    def subscription(self, subscription_id: str) -> Subscription:
        """One subscription (expired if due); KeyError if it never connected."""
        with self.lock:
            subscription = self.subscriptions.get(subscription_id)
            if subscription is None:
                raise KeyError(f"no subscription {subscription_id!r} has connected")
            self.expire_if_due(subscription, self.clock.now())
            return subscription


def nudge(streams: Iterable[Stream]) -> None:
    """Wake the writers of `streams`."""
    for stream in set(streams):
        stream.nudge()
