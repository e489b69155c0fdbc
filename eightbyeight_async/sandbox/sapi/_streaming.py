"""The sandbox's Streaming API (SAPI): `sb.streaming`, a `StreamingServer`.

THE WIRE CONTRACT (what the SDK's client relies on)

Subscribe::

    GET /api/streaming/v1/clientconnect/subscribe/TenantUpdates-{tenant}-{subscription_id}
        ?desiredOutputType={JSON|XML|NEWLINE_JSON|NEWLINE_XML}&tenantId={tenant}
        &subsId={subscription_id}&X-Atmosphere-Transport=streaming

Basic auth `tenant:data_token` (none → 401 with a challenge, wrong → 403). A missing or
unknown desiredOutputType, or tenantId/subsId not matching the path → 400; another tenant's
path with this tenant's credentials → 403. A 4th concurrent stream of the tenant (3 allowed) →
429 with the text body "Too many clients: 3 connections per tenant are allowed". The
X-Atmosphere-Transport parameter is not checked. Otherwise 200, Content-Type
`application/json` (JSON, NEWLINE_JSON) or `application/xml` (XML, NEWLINE_XML), chunked,
streamed until the session ends.

Events are tenant-wide: every subscription receives every event, in the same order, with the
same `msgInfo`. JSON form: one object with one key naming the event::

    {"AgentStatusChange":{"agentId":…,"msgInfo":{"instanceId":"sbx-{tenant}-sapi-v1",
      "sequenceId":70,"timestamp":1717434000000},"newReasonCodeUser":"801=1722","newState":5,
      "newSubState":"none","newSubStateReason":"none","statusEventTS":1717434000}}
    {"AgentProvChange":{"agentId":…,"event":"AgentSkillChanged","msgInfo":{…},
      "numberofChangesThisTime":1,"provisioningItems":{"provisioningItem":[
      {"provisioningItemKey":…,"provisioningItemNewValue":…,"provisioningItemOldValue":…}]}}}
    {"Interaction":{"event":"InteractionCreated"|"InteractionAccepted"|"InteractionDeleted",
      ["agentId":… once accepted,] "direction":"in"|"out","eventTS":…,"inboundChannelid":…,
      "interactionGUID":"int-…","mediaType":"phone"|"chat"|"email"|"voicemail","msgInfo":{…},
      "outboundCampaignid":…,"queueId":"{tenant}~~queue~~phone~~102","queueTime":…,
      "transactionNum":1|2|3,"attachedData":{"attachedDatum":[{"attachedDataKey":…,
      "attachedDataValue":…}, …]}}}

`*TS` fields (and queueTime) are epoch seconds, `msgInfo.timestamp` epoch milliseconds, both
on the simulated clock. `sequenceId` is one counter per server instance (`instanceId`),
+1 per generated event. Values mix types (a phone number is a number or a string), carry
non-ASCII text (multi-byte UTF-8 on the wire), XML special characters, and sometimes U+2028.
The XML form is the same content as one document per event on one line:
`<?xml version='1.0'  encoding='UTF-8' ?><AgentStatusChange><agentId>…</agentId><msgInfo>
<instanceId>…</instanceId><sequenceId>70</sequenceId>…</msgInfo>…</AgentStatusChange>`
(no line breaks), lists as repeated child elements (`<attachedData><attachedDatum>…
</attachedDatum><attachedDatum>…</attachedDatum></attachedData>`).

Heartbeats, per stream: every 60 simulated seconds a ClientCheck event
`{"ClientCheck":{"heartbeat":"[HEARTBEAT]","msgInfo":{"instanceId":…,"timestamp":…},
"subscription-id":…,"tenant-id":…}}` (no sequenceId, never stored, framed like an event);
with Atmosphere framing also a single `X` every 60 simulated seconds, half a period apart
from the ClientChecks, never length-prefixed.

Output types: NEWLINE_JSON and NEWLINE_XML put "\\n" after each event (ClientCheck included);
JSON and XML put events back to back with no separator.

Atmosphere framing (on unless `sb.streaming.atmosphere = False`, read when a stream opens):
the body starts with 2048 spaces and "\\n", then the handshake `{uuid}|{heartbeatMs}|XXXXXXXXXX|`
(heartbeatMs: the heartbeat period in REAL milliseconds, at least 1), then each message (event
text plus its "\\n" for NEWLINE types) as `{len(message)}|{message}`, the length counted in
characters (Python `len` of the str), not bytes.

Sessions: a stream ends cleanly (end of the chunked body) 60 simulated minutes after it
opened. Backlog, per subscription id: while it has no open stream, events are stored. On
reconnect the server first sends the last `replay_overlap` (default 3) events already written
to the previous stream, then the stored ones, all in sequence order, so a client must drop
duplicates. A subscription without a stream for more than 2 simulated hours is unsubscribed:
its stored events are discarded (see `lost`) and the next connect starts afresh (only events
generated after it). A new subscription id gets only events generated after it connects.
A stream opened while the same subscription id still has one open takes over: the older one
ends cleanly and its unsent events go to the new one.

The tenant's limit counts the streams not already ending (a client reconnecting while its
old stream winds down is not refused).

Controls (`drop`, `end_session`, `stall`, `malformed`) act on the streams open, and not
already ending, when called, and return how many they hit: 0 means none was (a client
between two connections), and nothing is kept for later. The server only learns that a
client closed its end a moment later (its own thread reads the socket): after closing a
stream, `await sb.streaming.wait_closed(id)` before `advance`, or the subscription still
counts as connected when the clock jumps.

Events are generated at `rate` per real second while at least one subscription is live
(connected, or disconnected for at most 2 simulated hours) and not `paused`; their content is
deterministic under the sandbox seed (their timestamps follow the clock).

Faults: `sb.faults` status and latency rules apply to the subscribe path; reset, truncate and
malformed rules need a finished body and are not applied to it (use `drop`, `stall` and
`malformed` here instead). A malformed frame is the start of the next event cut between two
fields (an unfinished JSON object, an unclosed XML element), length-prefixed correctly under
Atmosphere; without Atmosphere, in JSON or XML output, only a client that resynchronises on
the next `{"` or XML declaration can read past it.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import json
import threading
import time
from collections.abc import AsyncIterator, Iterable
from typing import Any

import anyio

from .._generated_source import GeneratedSource
from ..tenant._tenant import Tenant
from ._sapi_events import EventFactory
from ._streaming_registry import BACKLOG_SECONDS, MAX_STREAMS, Registry, nudge
from ._streaming_state import Ending, OutputType, SapiEvent, SimClock, Stream

__all__ = ["BACKLOG_SECONDS", "HEARTBEAT_SECONDS", "MAX_STREAMS", "SESSION_SECONDS"]

SESSION_SECONDS = 3600.0
HEARTBEAT_SECONDS = 60.0
HISTORY = 100_000
"""Events kept in `generated` and in each subscription's log (the most recent)."""


class StreamingServer(GeneratedSource):
    """The SAPI simulator of one tenant: clock, event generator, subscriptions, ground truth.

    Thread-safe: tests call it from their own thread while the server's loop streams.

    Settings, read when used: `atmosphere` (framing of streams opened afterwards; default
    True), `rate` (events per real second; 20), `replay_overlap` (events re-sent on
    reconnect; 3, at most 1024). Clock: `now()`, `advance(seconds)`, `time_scale`.
    Generator: `pause()`, `resume()`, `paused`, `emit(n)`. Faults: `drop()`, `stall(s)`,
    `end_session()`, `malformed(n)`, each for the open streams not already ending (of one
    subscription id, if given), returning how many it hit (0: none open, nothing done).
    Ground truth: `generated`, `log(id)`, `lost(id)`, `expected(id)`, `stored(id)`,
    `live(id)`, `connections(id=None)`, `subscriptions`, `instance_id`. Waiting (async,
    from the test's loop): `wait_open(id=None)`, `wait_closed(id=None)`.
    """

    def __init__(
        self,
        tenant: Tenant,
        *,
        seed: int = 0,
        time_scale: float = 60.0,
        rate: float = 20.0,
        history: int = HISTORY,
    ) -> None:
        self.tenant_name = tenant.name
        self.instance_id = f"sbx-{tenant.name}-sapi-v1"
        self.clock = SimClock(tenant.now.timestamp(), time_scale)
        self._initial = (tenant, seed, rate)
        self._registry = Registry(self.clock, history)
        self._generated: collections.deque[SapiEvent] = collections.deque(maxlen=history)
        self._closing = False
        self.reset()

    def reset(self) -> None:
        """Back to the initial state without stopping the server: open streams end cleanly,
        every subscription and its backlog is forgotten, the clock, the sequence and the
        event content restart, the generator runs, the settings are the defaults."""
        tenant, seed, rate = self._initial
        with self._registry.lock:
            streams = self._registry.streams(None)
            for stream in streams:
                stream.ending = stream.ending or "end"
            self._registry.subscriptions.clear()
            self.clock.restart()
            self.atmosphere = True
            self.rate = rate
            self.replay_overlap = 3
            self._factory = EventFactory(tenant, seed, self.instance_id)
            self._sequence = 0
            self._generated.clear()
            self._paused = False
        nudge(streams)

    def __repr__(self) -> str:
        return (
            f"StreamingServer(tenant={self.tenant_name!r}, streams={self.connections()}, "
            f"generated={self._sequence}, paused={self._paused})"
        )

    # --- the clock and the generator (see GeneratedSource for the rest) -----------------

    @property
    def _lock(self) -> threading.RLock:
        return self._registry.lock

    def _wake_streams(self) -> None:
        nudge(self._registry.streams(None))

    def _listening(self) -> bool:
        return self._registry.any_live()

    def emit(self, count: int = 1) -> list[dict[str, Any]]:
        """Generate `count` events now; returns them (JSON form)."""
        if count < 0:
            raise ValueError(f"count must not be negative, got {count}")
        with self._registry.lock:
            now = self.clock.now()
            events = []
            for _ in range(count):
                self._sequence += 1
                data = self._factory.make(self._sequence, now)
                events.append(SapiEvent(self._sequence, now, data))
            self._generated.extend(events)
            woken = self._registry.route(events, now)
        nudge(woken)
        return _json_forms(events)

    # --- streams (called by the endpoint, in the server's loop) ----------------------------

    def attach(self, subscription_id: str, output: OutputType) -> Stream | None:
        """Open a stream for `subscription_id`, queued with its replay; None past the limit."""
        overlap = self.replay_overlap
        return self._registry.attach(subscription_id, output, self.atmosphere, overlap)

    def detach(self, stream: Stream) -> None:
        """A stream has ended (its unsent events go back to the backlog)."""
        self._registry.detach(stream)

    def take(self, stream: Stream, limit: int) -> tuple[list[SapiEvent], int]:
        """Up to `limit` queued events to write now, and how many malformed frames go first."""
        return self._registry.take(stream, limit)

    @property
    def closing(self) -> bool:
        """Whether the server is stopping (every stream ends cleanly, new ones at once)."""
        return self._closing

    def close_streams(self) -> None:
        """End every stream cleanly, and any opened from now on (the server is stopping)."""
        self._closing = True
        nudge(self._registry.streams(None))

    # --- controls for tests ------------------------------------------------------------------

    def connections(self, subscription_id: str | None = None) -> int:
        """Open streams (of one subscription, or of the tenant)."""
        return len(self._registry.streams(subscription_id))

    async def wait_open(self, subscription_id: str | None = None) -> None:
        """Until a stream (of the subscription) is open and not ending: a control sent then
        hits it (bound the wait with `anyio.fail_after`)."""
        while not self._registry.streams(subscription_id, ending=False):  # noqa: ASYNC110
            await anyio.sleep(0.002)

    async def wait_closed(self, subscription_id: str | None = None) -> None:
        """Until no stream (of the subscription) is open (bound it with `anyio.fail_after`).

        A client closing its end is seen by the server a moment later: wait for it before
        jumping the clock, or the subscription still counts as connected.
        """
        while self.connections(subscription_id):  # noqa: ASYNC110 - set by the server's thread
            await anyio.sleep(0.002)

    def drop(self, subscription_id: str | None = None) -> int:
        """Abort streams abruptly (no end of the chunked body); returns how many now."""
        return self._end(subscription_id, "drop")

    def end_session(self, subscription_id: str | None = None) -> int:
        """End streams cleanly, as when their 60 minutes are up; returns how many now."""
        return self._end(subscription_id, "end")

    def stall(self, seconds: float, subscription_id: str | None = None) -> int:
        """Send nothing at all (no heartbeats) on open streams for `seconds` REAL seconds,
        keeping their sockets open; returns how many."""

        def apply(stream: Stream) -> None:
            stream.stalled_until = time.monotonic() + seconds

        return self._registry.control(subscription_id, apply)

    def malformed(self, count: int = 1, subscription_id: str | None = None) -> int:
        """Send `count` malformed frames before the next event of each open stream; returns
        how many streams."""

        def apply(stream: Stream) -> None:
            stream.malformed += count

        return self._registry.control(subscription_id, apply)

    def _end(self, subscription_id: str | None, how: Ending) -> int:
        def apply(stream: Stream) -> None:
            stream.ending = how

        return self._registry.control(subscription_id, apply)

    # --- ground truth ------------------------------------------------------------------------

    @property
    def generated(self) -> list[dict[str, Any]]:
        """Every event generated (the most recent `HISTORY`), in order, JSON form."""
        with self._registry.lock:
            return _json_forms(self._generated)

    @property
    def subscriptions(self) -> list[str]:
        """The subscription ids seen so far."""
        with self._registry.lock:
            return list(self._registry.subscriptions)

    def log(self, subscription_id: str) -> list[dict[str, Any]]:
        """Every event the subscription was entitled to, in order (delivered, stored or lost)."""
        with self._registry.lock:
            return _json_forms(self._registry.subscription(subscription_id).log)

    def lost(self, subscription_id: str) -> list[dict[str, Any]]:
        """The stored events discarded when the subscription expired (2 hours unconnected)."""
        with self._registry.lock:
            return _json_forms(self._registry.subscription(subscription_id).lost)

    def expected(self, subscription_id: str) -> list[dict[str, Any]]:
        """What an exactly-once client delivers: `log` without `lost`, in order."""
        with self._registry.lock:
            subscription = self._registry.subscription(subscription_id)
            gone = {e.sequence_id for e in subscription.lost}
            return _json_forms(e for e in subscription.log if e.sequence_id not in gone)

    def stored(self, subscription_id: str) -> int:
        """Events waiting in the subscription's backlog."""
        return len(self._registry.subscription(subscription_id).backlog)

    def live(self, subscription_id: str) -> bool:
        """Whether the subscription exists (has a stream, or lost it at most 2 hours ago)."""
        return self._registry.subscription(subscription_id).live

    # --- lifecycle (the server's thread) ---------------------------------------------------

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


def _json_forms(events: Iterable[SapiEvent]) -> list[dict[str, Any]]:
    return [json.loads(event.text(xml=False)) for event in events]
