"""Consumer subscriptions: a durable cursor per (topic, subscription name) and its dispatch.

A subscription outlives its sessions: it remembers the next position never dispatched, the
messages dispatched and not acknowledged (and to which session), and the messages to
deliver again (negatively acknowledged, or unacknowledged by a session that ended), each
with its redelivery count one higher. Redeliveries go before new messages, oldest first.

Which session gets a message depends on the subscription type:
  - Exclusive: the only session (a second one is refused when it connects);
  - Failover: the first connected session still open; the others wait, and take over in
    connection order when it goes;
  - Shared: round-robin over the sessions with a free place in their window;
  - Key_Shared: the session `crc32(key) % sessions` (a message without key counts as key
    ""); when that session's window is full, dispatch waits for it (order per key).
"""

from __future__ import annotations

import bisect
import zlib
from typing import Literal

import attrs

from ._sessions import Delivery, Session
from ._topics import TopicLog

SubscriptionType = Literal["Exclusive", "Failover", "Shared", "Key_Shared"]
SUBSCRIPTION_TYPES: tuple[SubscriptionType, ...] = ("Exclusive", "Failover", "Shared", "Key_Shared")


@attrs.define(eq=False)
class Subscription:
    """The durable state of one subscription on one topic."""

    topic: TopicLog
    name: str
    type: SubscriptionType
    cursor: int
    sessions: list[Session] = attrs.Factory(list)
    unacked: dict[int, tuple[Session, Delivery]] = attrs.Factory(dict)
    redeliveries: list[Delivery] = attrs.Factory(list)
    rotation: int = 0

    def open_sessions(self) -> list[Session]:
        """The sessions attached and not ending, in connection order."""
        return [s for s in self.sessions if not s.ending]

    def dispatch(self, retention: int) -> list[Session]:
        """Hand out every message a session has room for; returns the sessions given some."""
        woken: list[Session] = []
        while True:
            redelivery = bool(self.redeliveries)
            if redelivery:
                delivery = self.redeliveries[0]
            else:
                self.cursor = max(self.cursor, self.topic.oldest(retention))
                if self.cursor >= self.topic.end:
                    return woken
                delivery = Delivery(self.topic.at(self.cursor), self.cursor)
            session = self._choose(delivery)
            if session is None:
                return woken
            if redelivery:
                self.redeliveries.pop(0)
            else:
                self.cursor += 1
            session.push(delivery)
            self.unacked[delivery.position] = (session, delivery)
            if session not in woken:
                woken.append(session)

    def _choose(self, delivery: Delivery) -> Session | None:
        sessions = self.open_sessions()
        if not sessions:
            return None
        if self.type in ("Exclusive", "Failover"):
            first = sessions[0]
            return None if first.full else first
        if self.type == "Key_Shared":
            key = (delivery.message.key or "").encode()
            chosen = sessions[zlib.crc32(key) % len(sessions)]
            return None if chosen.full else chosen
        for step in range(len(sessions)):
            candidate = sessions[(self.rotation + step) % len(sessions)]
            if not candidate.full:
                self.rotation = (self.rotation + step + 1) % len(sessions)
                return candidate
        return None

    def acknowledge(self, position: int) -> bool:
        """An individual ack; whether the message was waiting for one."""
        return self.unacked.pop(position, None) is not None

    def negative_acknowledge(self, position: int) -> bool:
        """Deliver the message again (redeliveryCount + 1); whether it was unacknowledged."""
        held = self.unacked.pop(position, None)
        if held is None:
            return False
        self._again(held[1])
        return True

    def redelivered(self, session: Session, delivery: Delivery) -> None:
        """A session re-sends a message it holds (the `redeliver` fault): count it."""
        self.unacked[delivery.position] = (session, delivery)

    def release(self, session: Session) -> None:
        """A session has ended: what it held unacknowledged goes to the others."""
        if session in self.sessions:
            self.sessions.remove(session)
        for position, (holder, delivery) in list(self.unacked.items()):
            if holder is session:
                del self.unacked[position]
                self._again(delivery)

    def _again(self, delivery: Delivery) -> None:
        again = Delivery(delivery.message, delivery.position, delivery.redelivery_count + 1)
        positions = [d.position for d in self.redeliveries]
        if again.position not in positions:
            self.redeliveries.insert(bisect.bisect(positions, again.position), again)
