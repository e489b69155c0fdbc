"""The tenant's topics, subscriptions and open sessions, under one lock: publishing, flow
control, acknowledgements and resume positions.

Rules (the contract is in `_events_server`):
  - an event is published to each of its topics (`_catalog.topics_of`), as one message each;
  - a reader session reads one topic from its start position on, a consumer session takes
    what its subscription dispatches to it (see `_subscriptions`);
  - a session holds at most `window` messages queued or sent and unacknowledged; each client
    text frame (except the `isEndOfTopic` request) gives one place back;
  - `max_unacked`, `acks`, `connections_total` and the close codes sent are kept since the
    last reset, for tests.
"""

from __future__ import annotations

import asyncio
import json
import threading
from typing import Any

from ._catalog import Topic, event_key, topics_of
from ._frames import (
    DESERIALIZE_REASON,
    END_OF_TOPIC_REPLY,
    PulsarClose,
    malformed_frame,
    malformed_payload,
    message_frame,
    render_payload,
)
from ._message_id import MessageId, MessageIdError
from ._sessions import Delivery, Session, SessionKind
from ._subscriptions import Subscription, SubscriptionType
from ._topics import LedgerAllocator, PublishedMessage, TopicLog, iso_millis

_EVENT_TIME_FIELDS = ("interactionEventTS", "eventTS", "statusEventTS", "skillEventTS")


class Broker:
    """Every topic, subscription and session of the tenant; thread-safe."""

    def __init__(self, first_ledger: int, retention: int, ledger_size: int) -> None:
        self.lock = threading.RLock()
        self._first_ledger = first_ledger
        self.retention = retention
        self.ledger_size = ledger_size
        self.clear()

    def clear(self) -> None:
        """Forget every topic, subscription, session and counter (sessions must be ended)."""
        with self.lock:
            self._ledgers = LedgerAllocator(self._first_ledger)
            self.topics: dict[Topic, TopicLog] = {}
            self.subscriptions: dict[tuple[Topic, str], Subscription] = {}
            self.sessions: list[Session] = []
            self._held_by: dict[Session, Subscription] = {}
            """The subscription of each consumer session."""
            self._closed_max = 0
            self.acks = 0
            self.connections_total = 0
            self.closes: list[tuple[int, str]] = []
            self._next_id = 0

    def topic(self, name: Topic) -> TopicLog:
        """The topic's log (created empty on first use)."""
        with self.lock:
            log = self.topics.get(name)
            if log is None:
                log = self.topics[name] = TopicLog(name, self._ledgers)
            return log

    # --- publishing --------------------------------------------------------------------------

    def publish(self, events: list[dict[str, Any]], now: float, malformed: int) -> list[Session]:
        """Publish events at `now`, the first `malformed` of them with invalid JSON text;
        returns the sessions given something to send."""
        woken: list[Session] = []
        with self.lock:
            touched: list[TopicLog] = []
            for index, event in enumerate(events):
                text = malformed_payload(event) if index < malformed else render_payload(event)
                for name in topics_of(event):
                    log = self.topic(name)
                    log.append(
                        event,
                        text,
                        publish_time=iso_millis(now),
                        key=event_key(event),
                        event_time=_event_time(event),
                        ledger_size=self.ledger_size,
                        retention=self.retention,
                    )
                    if log not in touched:
                        touched.append(log)
            for log in touched:
                woken.extend(self._dispatch(log))
        return woken

    def _dispatch(self, log: TopicLog) -> list[Session]:
        woken: list[Session] = []
        for session in self.sessions:
            reading = session.kind == "reader" and session.topic is log and not session.ending
            if reading and self._fill_reader(session):
                woken.append(session)
        for (name, _), subscription in self.subscriptions.items():
            if name == log.name:
                woken.extend(subscription.dispatch(self.retention))
        return woken

    def _fill_reader(self, session: Session) -> bool:
        log, pushed = session.topic, False
        session.cursor = max(session.cursor, log.oldest(self.retention))
        while not session.full and session.cursor < log.end:
            session.push(Delivery(log.at(session.cursor), session.cursor))
            session.cursor += 1
            pushed = True
        return pushed

    # --- sessions ----------------------------------------------------------------------------

    def open(
        self,
        kind: SessionKind,
        name: Topic,
        *,
        window: int,
        client_name: str,
        now: float,
        loop: asyncio.AbstractEventLoop,
        start: str = "latest",
        subscription: tuple[str, SubscriptionType] | None = None,
    ) -> Session | str:
        """Register a session (queued with what it can be sent now); a refusal reason when
        an Exclusive subscription already has a consumer, or the subscription's type differs."""
        with self.lock:
            log = self.topic(name)
            session = Session(
                id=self._next_id,
                kind=kind,
                topic=log,
                window=window,
                name=client_name,
                loop=loop,
                wake=asyncio.Event(),
                last_activity=now,
            )
            if subscription is not None:
                held = self._subscribe(log, *subscription)
                if isinstance(held, str):
                    return held
                self._held_by[session] = held
                held.sessions.append(session)
            else:
                session.cursor = self._start(log, start)
            self._next_id += 1
            self.sessions.append(session)
            self.connections_total += 1
            if session in self._held_by:
                self._held_by[session].dispatch(self.retention)
            else:
                self._fill_reader(session)
            return session

    def _subscribe(self, log: TopicLog, name: str, kind: SubscriptionType) -> Subscription | str:
        subscription = self.subscriptions.get((log.name, name))
        if subscription is None:
            subscription = Subscription(log, name, kind, cursor=log.end)
            self.subscriptions[(log.name, name)] = subscription
        elif subscription.open_sessions() and subscription.type != kind:
            return f"Subscription {name} is of type {subscription.type}, not {kind}"
        subscription.type = kind
        if kind == "Exclusive" and subscription.open_sessions():
            return "Exclusive consumer is already connected"
        return subscription

    def _start(self, log: TopicLog, start: str) -> int:
        if start == "earliest":
            return log.oldest(self.retention)
        if start == "latest":
            return log.end
        return log.after(MessageId.decode(start), self.retention)

    def close(self, session: Session) -> list[Session]:
        """A session has ended; returns the sessions its unacknowledged messages went to."""
        with self.lock:
            if session not in self.sessions:
                return []
            self.sessions.remove(session)
            self._closed_max = max(self._closed_max, session.max_unacked)
            subscription = self._held_by.pop(session, None)
            if subscription is None:
                return []
            subscription.release(session)
            return subscription.dispatch(self.retention)

    def record_close(self, session: Session) -> None:
        """The server is sending `session` its close frame: remember the code and reason."""
        with self.lock:
            if session in self.sessions:  # not a session a reset has already forgotten
                self.closes.append((session.close_code, session.close_reason))

    @property
    def max_unacked(self) -> int:
        """The most messages any session held unacknowledged at once, since the reset."""
        with self.lock:
            return max([self._closed_max, *(s.max_unacked for s in self.sessions)])

    def open_sessions(self, kind: SessionKind | None = None) -> list[Session]:
        """The sessions registered and not ending (of one kind)."""
        with self.lock:
            return [s for s in self.sessions if not s.ending and kind in (None, s.kind)]

    # --- the client's frames and what to send -------------------------------------------------

    def client_frame(self, session: Session, text: str, now: float) -> list[Session]:
        """Handle one text frame from the client; returns the sessions to wake."""
        with self.lock:
            session.last_activity = now
            try:
                frame = json.loads(text)
            except ValueError:
                session.close(PulsarClose.FAILED_TO_DESERIALIZE_FROM_JSON, DESERIALIZE_REASON)
                return [session]
            if isinstance(frame, dict) and frame.get("type") == "isEndOfTopic":
                session.controls.append(END_OF_TOPIC_REPLY)
                return [session]
            session.acknowledge()
            self.acks += 1
            subscription = self._held_by.get(session)
            if subscription is None:
                return [session] if self._fill_reader(session) else []
            position = self._position(session, frame)
            if position is not None:
                if isinstance(frame, dict) and frame.get("type") == "negativeAcknowledge":
                    subscription.negative_acknowledge(position)
                else:
                    subscription.acknowledge(position)
            return subscription.dispatch(self.retention)

    @staticmethod
    def _position(session: Session, frame: object) -> int | None:
        if not isinstance(frame, dict) or not isinstance(frame.get("messageId"), str):
            return None
        try:
            return session.topic.position_of(MessageId.decode(frame["messageId"]))
        except MessageIdError:
            return None

    def take(self, session: Session) -> list[str]:
        """The texts to send now: replies and control frames, malformed frames, messages."""
        with self.lock:
            texts = list(session.controls)
            session.controls.clear()
            deliveries = list(session.outbox)
            session.outbox.clear()
            frames = [message_frame(d) for d in deliveries]
            if session.malformed:
                texts += [malformed_frame(frames[0] if frames else None)] * session.malformed
                session.malformed = 0
            session.sent.extend(deliveries)
            return texts + frames

    def redeliver(self, session: Session, count: int) -> None:
        """Queue the last `count` messages sent on `session` again, redeliveryCount + 1, as
        far as the window has room (a redelivery is a message in flight like any other)."""
        with self.lock:
            for delivery in list(session.sent)[-count:] if count > 0 else []:
                if session.full:
                    break
                again = Delivery(delivery.message, delivery.position, delivery.redelivery_count + 1)
                session.push(again)
                if session in self._held_by:
                    self._held_by[session].redelivered(session, again)

    def log(self, name: Topic) -> list[PublishedMessage]:
        """The topic's readable messages, in publish order."""
        with self.lock:
            log = self.topics.get(name)
            return [] if log is None else log.retained(self.retention)


def _event_time(event: dict[str, Any]) -> str | None:
    ((_name, payload),) = event.items()
    for field in _EVENT_TIME_FIELDS:
        value = payload.get(field)
        if isinstance(value, int) and not isinstance(value, bool):
            return iso_millis(value)
    return None
