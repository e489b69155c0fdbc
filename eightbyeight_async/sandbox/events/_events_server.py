"""The sandbox's Event Streaming (Pulsar's WebSocket API, as 8x8 runs it): `sb.events`.

THE WIRE CONTRACT (what the SDK's client relies on)

Upgrades: `GET /ws/v2/reader/persistent/{tenant}/{namespace}/{topic}` (reader) and
`GET /ws/v2/consumer/persistent/{tenant}/{namespace}/{topic}/{subscription}` (consumer), with
the key in the `X-API-Key` header or the `x-api-key` query parameter: the tenant's events
API key (`eght_…`) or its data request token. No key, a wrong key, or another tenant in the
path → HTTP 401; a topic `deny()` forbids → 403; an unknown namespace or topic, a bad
parameter, a second consumer on an Exclusive subscription → 500; each with a text body.
Topics: `event-v1/all`, `event-v1/{event type}` (31 types, see `_catalog`), and
`agent-v1/{agentId}`. Reader query: `messageId` = `earliest` | `latest` (default) | a base64
id (resume strictly after it; an id older than the retention starts at the oldest kept),
`readerName`, `receiverQueueSize` (default 1000; window = min(it, 1000); not an integer ≥ 1
→ 500). Consumer query: `subscriptionType` (Exclusive, default | Failover | Shared |
Key_Shared), `receiverQueueSize`, `consumerName`; a new subscription starts at the latest
message, an existing one where its durable cursor is.

Frames: see `_frames` (messageId, payload, properties, publishTime, redeliveryCount,
eventTime and key when known). Every text frame from the client gives one window place
back (`{"messageId": id}` acks it individually on a consumer; `{"type":
"negativeAcknowledge", "messageId": id}` has it redelivered with redeliveryCount + 1);
`{"type": "isEndOfTopic"}` is answered `{"endOfTopic": false}` and costs nothing; a frame
that is not JSON closes the session with code 3. A consumer session ending hands its
unacknowledged messages (redeliveryCount + 1) to the subscription's other sessions or the
next one. The server sends no pings and answers the client's (uvicorn does); a session
with no frame from the client (text or ping) for `idle_timeout` simulated seconds (300) is
closed with code 1001 "Idle timeout".

Clock and generator: simulated seconds at `time_scale` per real second (`now()`,
`advance(s)`: idle sessions time out at once). Events are generated at `rate` per real
second while a session is open and not `paused`; `emit(n)` publishes n now. Topics keep
the last `retention` messages (10 000); ledgers roll over every `ledger_size` entries.

Controls act on the sessions open now and return how many they hit: `drop()` (the TCP
connection is aborted, no close frame), `close(code, reason)`, `stall(seconds)` (nothing is
sent and the socket is not read, so pings get no pong, for `seconds` REAL seconds),
`malformed(n, kind)` ("payload": the next n messages published carry invalid JSON text,
real messages in the log; "frame": the next frame of each open session is not JSON),
`redeliver(n)`, `control_frame(frame)`. Also `reject(status, reason, times)` (the next
upgrades), `deny(namespace, topic)` / `allow(namespace, topic)`. Ground truth: `log(topic,
namespace)`, `max_unacked`, `acks`, `sessions(kind)`, `connections_total`, `closes`;
waiting (async, from the test's loop): `wait_open(n)`, `wait_closed()`.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import random
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Any, Literal

import anyio

from .._generated_source import GeneratedSource
from ..sapi._streaming_state import SimClock
from ..tenant._tenant import Tenant
from ._broker import Broker
from ._catalog import EVENT_NAMESPACE, Topic
from ._frames import CONTROL_FRAME, NORMAL_CLOSE
from ._payloads import EventStreamFactory
from ._sessions import Session, SessionKind
from ._topics import PublishedMessage

RETENTION = 10_000
LEDGER_SIZE = 5_000
IDLE_TIMEOUT = 300.0
RATE = 20.0

MalformedKind = Literal["payload", "frame"]


class EventStreamingServer(GeneratedSource):
    """The Event Streaming simulator of one tenant: clock, generator, topics, controls.

    Thread-safe: tests call it from their own thread while the server's loop serves.
    """

    def __init__(
        self, tenant: Tenant, *, seed: int = 0, time_scale: float = 60.0, rate: float = RATE
    ) -> None:
        self.tenant_name = tenant.name
        self.agents = frozenset(str(agent["agent-id"]) for agent in tenant.agents)
        self.api_keys = frozenset(
            {tenant.credentials.events_api_key, tenant.credentials.data_token}
        )
        self.clock = SimClock(tenant.now.timestamp(), time_scale)
        self._initial = (tenant, seed, rate)
        first_ledger = 1000 + random.Random(f"{seed}:ledgers").randrange(9000)
        self._broker = Broker(first_ledger, RETENTION, LEDGER_SIZE)
        self._closing = False
        self.reset()

    def reset(self) -> None:
        """Back to the initial state without stopping the server: open sessions close with
        code 1000, topics, subscriptions, controls and counters are forgotten, the clock and
        the event content restart, the settings are the defaults."""
        tenant, seed, rate = self._initial
        broker = self._broker
        with broker.lock:
            sessions = list(broker.sessions)
            for session in sessions:
                session.close(NORMAL_CLOSE, "")
            broker.clear()
            broker.retention, broker.ledger_size = RETENTION, LEDGER_SIZE
            self.clock.restart()
            self.rate = rate
            self.idle_timeout = IDLE_TIMEOUT
            self._factory = EventStreamFactory(tenant, seed)
            self._paused = False
            self._malformed_payloads = 0
            self._denied: set[Topic] = set()
            self._rejections: collections.deque[tuple[int, str]] = collections.deque()
        _nudge(sessions)

    def __repr__(self) -> str:
        return (
            f"EventStreamingServer(tenant={self.tenant_name!r}, sessions={self.sessions()}, "
            f"paused={self._paused})"
        )

    # --- settings, the clock and the generator ---------------------------------------------

    @property
    def retention(self) -> int:
        """Messages each topic keeps (an `earliest` reader replays them)."""
        return self._broker.retention

    @retention.setter
    def retention(self, value: int) -> None:
        self._broker.retention = max(1, int(value))

    @property
    def ledger_size(self) -> int:
        """Entries per ledger before a topic rolls over to a new ledger id."""
        return self._broker.ledger_size

    @ledger_size.setter
    def ledger_size(self, value: int) -> None:
        self._broker.ledger_size = max(1, int(value))

    @property
    def _lock(self) -> threading.RLock:
        return self._broker.lock

    def _wake_streams(self) -> None:
        _nudge(self._broker.open_sessions())

    def _listening(self) -> bool:
        return bool(self._broker.sessions)

    def emit(self, count: int = 1) -> int:
        """Publish `count` events now, synchronously; returns `count`."""
        if count < 0:
            raise ValueError(f"count must not be negative, got {count}")
        with self._broker.lock:
            now = self.clock.now()
            events = [self._factory.make(now) for _ in range(count)]
            malformed = min(count, self._malformed_payloads)
            self._malformed_payloads -= malformed
            woken = self._broker.publish(events, now, malformed)
        _nudge(woken)
        return count

    # --- admission (the endpoint asks) ------------------------------------------------------

    @property
    def broker(self) -> Broker:
        """The topics, subscriptions and sessions (the endpoint drives them)."""
        return self._broker

    def take_rejection(self) -> tuple[int, str] | None:
        """The status and reason a pending `reject()` answers this upgrade with, if any."""
        with self._broker.lock:
            return self._rejections.popleft() if self._rejections else None

    def denied(self, namespace: str, topic: str) -> bool:
        """Whether `deny()` forbids the topic."""
        with self._broker.lock:
            return (namespace, topic) in self._denied

    @property
    def closing(self) -> bool:
        """Whether the server is stopping (sessions close, new ones at once)."""
        return self._closing

    def close_sessions(self) -> None:
        """Close every session (code 1001) and any opened from now on: the server stops."""
        self._closing = True
        _nudge(self._broker.open_sessions())

    # --- controls for tests -------------------------------------------------------------------

    def drop(self) -> int:
        """Abort the TCP connection of each open session (no close frame)."""

        def apply(session: Session) -> None:
            session.ending = "drop"

        return self._control(apply)

    def close(self, code: int, reason: str = "") -> int:
        """Close each open session with a close frame of `code` (Pulsar's 1-8 included)."""
        return self._control(lambda session: session.close(code, reason))

    def stall(self, seconds: float) -> int:
        """For `seconds` REAL seconds send nothing on open sessions and stop reading their
        sockets (so a client's pings get no pong), keeping the connections open."""

        def apply(session: Session) -> None:
            session.stalled_until = time.monotonic() + seconds

        return self._control(apply)

    def malformed(self, count: int = 1, kind: MalformedKind = "payload") -> int:
        """kind "payload": the next `count` events published carry invalid JSON text (real
        messages, in the log); returns `count`. kind "frame": the next frame of each open
        session is preceded by `count` frames that are not JSON; returns how many sessions."""
        if kind == "payload":
            with self._broker.lock:
                self._malformed_payloads += count
            return count

        def apply(session: Session) -> None:
            session.malformed += count

        return self._control(apply)

    def redeliver(self, count: int = 1) -> int:
        """Send the last `count` messages already sent on each open session again, with
        redeliveryCount + 1."""
        return self._control(lambda session: self._broker.redeliver(session, count))

    def control_frame(self, frame: Mapping[str, Any] | None = None) -> int:
        """Push a control frame (default `{"type": "keepalive"}`, no messageId) now."""
        text = json.dumps(dict(frame or CONTROL_FRAME))
        return self._control(lambda session: session.controls.append(text))

    def reject(self, status: int, reason: str = "Rejected by the sandbox", times: int = 1) -> None:
        """Answer the next `times` upgrades with HTTP `status` and `reason` as text."""
        with self._broker.lock:
            self._rejections.extend([(status, reason)] * times)

    def deny(self, namespace: str, topic: str) -> None:
        """Make a topic forbidden to the tenant's keys (upgrades get 403)."""
        with self._broker.lock:
            self._denied.add((namespace, topic))

    def allow(self, namespace: str, topic: str) -> None:
        """Undo `deny`."""
        with self._broker.lock:
            self._denied.discard((namespace, topic))

    def _control(self, apply: Callable[[Session], object]) -> int:
        with self._broker.lock:
            sessions = self._broker.open_sessions()
            for session in sessions:
                apply(session)
        _nudge(sessions)
        return len(sessions)

    # --- ground truth ---------------------------------------------------------------------------

    def log(self, topic: str = "all", namespace: str = EVENT_NAMESPACE) -> list[PublishedMessage]:
        """The messages a topic holds (its last `retention`), in publish order."""
        return self._broker.log((namespace, topic))

    @property
    def max_unacked(self) -> int:
        """The most messages one session held unacknowledged at once, since the reset."""
        return self._broker.max_unacked

    @property
    def acks(self) -> int:
        """Client frames counted as acknowledgements, since the reset."""
        with self._broker.lock:
            return self._broker.acks

    @property
    def connections_total(self) -> int:
        """Sessions opened since the reset."""
        with self._broker.lock:
            return self._broker.connections_total

    @property
    def closes(self) -> list[tuple[int, str]]:
        """The (code, reason) of every close frame the server sent, since the reset."""
        with self._broker.lock:
            return list(self._broker.closes)

    def sessions(self, kind: SessionKind | None = None) -> int:
        """Sessions open now, not already ending (readers, consumers or both)."""
        return len(self._broker.open_sessions(kind))

    async def wait_open(self, count: int = 1, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until at least `count` sessions are open (a control sent then hits them)."""
        with anyio.fail_after(timeout):
            while self.sessions() < count:  # noqa: ASYNC110 - set by the server's thread
                await anyio.sleep(0.002)

    async def wait_closed(self, timeout: float = 5.0) -> None:  # noqa: ASYNC109
        """Until no session is registered (the server has seen every client go)."""
        with anyio.fail_after(timeout):
            while self._broker.sessions:  # noqa: ASYNC110 - set by the server's thread
                await anyio.sleep(0.002)

    # --- lifecycle (the server's thread) -------------------------------------------------

    @contextlib.asynccontextmanager
    async def serving(self) -> AsyncIterator[None]:
        """Run the event generator in the server's loop while the server serves."""
        self._closing = False
        task = asyncio.create_task(self._generate())
        try:
            yield
        finally:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task


def _nudge(sessions: list[Session]) -> None:
    for session in sessions:
        session.nudge()
