"""Topics: each a retained, ordered log of published messages with Pulsar-like message ids.

A topic's messages have absolute positions 0, 1, 2, ... and ids (ledger, entry): entries
count up from 0 within a ledger, and every `ledger_size` entries the topic rolls over to a
new ledger, whose id comes from one allocator shared by every topic of the tenant (ledger
ids are unique across topics and increase, as BookKeeper's do). So ids order as positions do,
and a resume id maps back to a position by bisection. Only the last `retention` messages are
readable; older ones are dropped in chunks.
"""

from __future__ import annotations

import bisect
import datetime as dt
from typing import Any

import attrs

from ._catalog import Topic
from ._message_id import MessageId

_TRIM_SLACK = 256
"""Messages beyond the retention kept before a trim, so trims are amortised."""


@attrs.frozen(eq=False)
class PublishedMessage:
    """One message of one topic, as the server published it (ground truth for tests).

    `payload` is the event's JSON object (for a malformed-payload fault, what was meant);
    `payload_text` exactly the text whose UTF-8 bytes were base64-encoded into the frame.
    """

    message_id: str
    payload: dict[str, Any]
    payload_text: str
    publish_time: str
    key: str | None
    entry: tuple[int, int]
    event_time: str | None = None


class LedgerAllocator:
    """Ledger ids for every topic of the tenant: increasing, never reused."""

    def __init__(self, first: int) -> None:
        self._next = first

    def allocate(self) -> int:
        """A new ledger id, higher than every one before."""
        ledger, self._next = self._next, self._next + 1
        return ledger


class TopicLog:
    """The retained messages of one topic and the ledgers they live in."""

    def __init__(self, name: Topic, ledgers: LedgerAllocator) -> None:
        self.name = name
        self._ledgers = ledgers
        self.messages: list[PublishedMessage] = []
        self.first = 0
        """The position of `messages[0]`."""
        self._ledger = -1
        self._entry = 0

    @property
    def end(self) -> int:
        """The position the next message will have."""
        return self.first + len(self.messages)

    def append(
        self,
        event: dict[str, Any],
        text: str,
        *,
        publish_time: str,
        key: str | None,
        event_time: str | None,
        ledger_size: int,
        retention: int,
    ) -> PublishedMessage:
        """Publish one message at the end; returns it."""
        if self._ledger < 0 or self._entry >= ledger_size:
            self._ledger, self._entry = self._ledgers.allocate(), 0
        entry = (self._ledger, self._entry)
        self._entry += 1
        message = PublishedMessage(
            message_id=MessageId(*entry).encode(),
            payload=event,
            payload_text=text,
            publish_time=publish_time,
            key=key,
            entry=entry,
            event_time=event_time,
        )
        self.messages.append(message)
        excess = len(self.messages) - max(retention, 1)
        if excess > _TRIM_SLACK:
            del self.messages[:excess]
            self.first += excess
        return message

    def oldest(self, retention: int) -> int:
        """The position of the oldest message still readable."""
        return max(self.first, self.end - max(retention, 1))

    def at(self, position: int) -> PublishedMessage:
        """The message at an absolute position (which must still be held)."""
        return self.messages[position - self.first]

    def retained(self, retention: int) -> list[PublishedMessage]:
        """The readable messages, oldest first."""
        return self.messages[self.oldest(retention) - self.first :]

    def after(self, message_id: MessageId, retention: int) -> int:
        """The position of the first readable message strictly after `message_id` (the end
        when none is; the oldest readable one when the id is older than all of them)."""
        start = self.oldest(retention) - self.first
        target = (message_id.ledger, message_id.entry)
        index = bisect.bisect_right(self.messages, target, lo=start, key=lambda m: m.entry)
        return self.first + index

    def position_of(self, message_id: MessageId) -> int | None:
        """The position of the held message with exactly this id, if any."""
        target = (message_id.ledger, message_id.entry)
        index = bisect.bisect_left(self.messages, target, key=lambda m: m.entry)
        if index < len(self.messages) and self.messages[index].entry == target:
            return self.first + index
        return None


def iso_millis(epoch: float) -> str:
    """`2024-06-03T17:00:00.123Z`: UTC, milliseconds, as Pulsar writes publishTime."""
    moment = dt.datetime.fromtimestamp(epoch, tz=dt.timezone.utc)
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}Z"
