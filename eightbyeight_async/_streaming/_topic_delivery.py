"""Exactly-once delivery of Event Streaming messages, judged by their message ids.

A reader's messages on one topic arrive in id order and a resume starts strictly after the
id it names: an id at or before the last one accepted is a redelivery (drop it), an entry
that skips ahead within a ledger is a gap (count it). A consumer of a shared subscription has
no order to judge by: it remembers a bounded window of the ids it delivered instead.
"""

from __future__ import annotations

import collections
import logging

import attrs

from ._message_id import MessageId, MessageIdError

logger = logging.getLogger("eightbyeight_async.events")


@attrs.frozen
class Verdict:
    """What the tracker made of one message read from the wire."""

    duplicate: bool = False
    missed: int = 0
    """Messages the topic skipped just before this one (a gap), 0 if none or unknown."""


_DUPLICATE = Verdict(duplicate=True)
_FRESH = Verdict()


class ReaderTracker:
    """A reader's position: the last id accepted from the wire (where a reconnect resumes)
    and the last id the caller received (the checkpoint)."""

    def __init__(self, topic: str, last_delivered: str | None) -> None:
        self._topic = topic
        self.resume_from: str | None = last_delivered
        """The id a new connection starts after (None: the subscription's `start`)."""
        self._last: MessageId | None = _parsed(last_delivered)

    def accept(self, message_id: str) -> Verdict:
        """Judge a message read from the wire; remember it unless it is a duplicate."""
        position = _parsed(message_id)
        previous = self._last
        if position is not None and previous is not None:
            if position <= previous:
                return _DUPLICATE
            missed = position.follows(previous) or 0
            if missed:
                logger.warning(
                    "Event Streaming gap on %s: %d messages missing before %s",
                    self._topic,
                    missed,
                    message_id,
                )
        else:
            missed = 0
        if position is not None:
            self._last = position
        self.resume_from = message_id
        return Verdict(missed=missed) if missed else _FRESH

    def forget(self, message_id: str) -> None:
        """Nothing to undo: a reader cannot ask for a message again on the same session."""


class ConsumerTracker:
    """A consumer's delivered ids, the most recent `window` of them."""

    resume_from: str | None = None
    """A consumer resumes from the subscription's cursor on the server, never from an id."""

    def __init__(self, window: int) -> None:
        self._seen: collections.OrderedDict[str, None] = collections.OrderedDict()
        self._window = window

    def accept(self, message_id: str) -> Verdict:
        if message_id in self._seen:
            return _DUPLICATE
        self._seen[message_id] = None
        if len(self._seen) > self._window:
            self._seen.popitem(last=False)
        return _FRESH

    def forget(self, message_id: str) -> None:
        """The caller negatively acknowledged `message_id`: its redelivery is wanted."""
        self._seen.pop(message_id, None)


Tracker = ReaderTracker | ConsumerTracker


def _parsed(message_id: str | None) -> MessageId | None:
    if message_id is None:
        return None
    try:
        return MessageId.parse(message_id)
    except MessageIdError:
        return None
