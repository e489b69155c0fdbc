"""`cc.realtime`: the Real-time Statistics API (`/api/rtstats/stats/...`), and `watch()`, which
polls it and yields only what changed, for dashboards.

The server answers from a cache refreshed every 10 seconds: polling faster only repeats it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import anyio
from typing_extensions import Unpack

from .._config import ApiFamily
from .._endpoints import CallOptions, Endpoint, Envelope, overrides
from .._errors import InvalidArgumentError
from .._formats import DocumentFormat
from .._http import HttpPipeline
from .._listing import lookup
from .._validate import is_seconds
from ..types.realtime import (
    AgentStatusChanged,
    QueueSizeChanged,
    RealtimeAgent,
    RealtimeChange,
    RealtimeQueue,
    RealtimeSnapshot,
)

T = TypeVar("T")
SERVER_REFRESH_SECONDS = 10.0
"""How often the server refreshes the cache it answers from (the document's figure)."""


def _realtime(path: str, model: type[T], kind: str) -> Endpoint[T]:
    """A real-time endpoint answering `{kinds: {kind: [...]}}` (or, for one, `{kind: {...}}`)."""
    envelope = Envelope(f"{kind}s", kind, lone_root=True)
    return Endpoint(ApiFamily.REALTIME, f"/api/rtstats/stats/{path}", model, envelope)


AGENTS = _realtime("agents", RealtimeAgent, "agent")
AGENT = _realtime("agent/{agent_id}", RealtimeAgent, "agent")
QUEUES = _realtime("queues", RealtimeQueue, "queue")
QUEUE = _realtime("queue/{queue_id}", RealtimeQueue, "queue")


class Realtime:
    """The Real-time Statistics API: `await cc.realtime.agents()`, `agent(id)`, `queues()`,
    `queue(id)`, and `async for snapshot in cc.realtime.watch(): ...`."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    def __repr__(self) -> str:
        return "Realtime()"

    async def _all(self, endpoint: Endpoint[T], format: str, call: CallOptions) -> list[T]:
        fmt = endpoint.check_format(format)
        return await endpoint.records(self._pipeline, endpoint.request(fmt, **call), fmt)

    async def agents(
        self, *, format: DocumentFormat = "json", **call: Unpack[CallOptions]
    ) -> list[RealtimeAgent]:
        """Every agent (`/agents`)."""
        return await self._all(AGENTS, format, call)

    async def agent(
        self, agent_id: str, *, format: DocumentFormat = "json", **call: Unpack[CallOptions]
    ) -> RealtimeAgent:
        """One agent by login id (`/agent/{agent_id}`); NotFoundError for an unknown id."""
        missing = f"no agent {agent_id!r} (agents are named by login id: cc.realtime.agents())"
        segments = {"agent_id": agent_id}
        return await lookup(self._pipeline, AGENT, segments, missing, format=format, **call)

    async def queues(
        self, *, format: DocumentFormat = "json", **call: Unpack[CallOptions]
    ) -> list[RealtimeQueue]:
        """Every queue (`/queues`)."""
        return await self._all(QUEUES, format, call)

    async def queue(
        self, queue_id: str | int, *, format: DocumentFormat = "json", **call: Unpack[CallOptions]
    ) -> RealtimeQueue:
        """One queue by id (`/queue/{queue_id}`); NotFoundError for an unknown id."""
        missing = f"no queue {queue_id!r} (list them with cc.realtime.queues())"
        segments = {"queue_id": queue_id}
        return await lookup(self._pipeline, QUEUE, segments, missing, format=format, **call)

    def watch(
        self,
        *,
        interval: float = SERVER_REFRESH_SECONDS,
        agents: bool = True,
        queues: bool = True,
        **call: Unpack[CallOptions],
    ) -> RealtimeWatch:
        """Snapshots every `interval` seconds, yielding the first (the initial state) and then
        only those with changes (agent status transitions, queue size changes).

        Polls only while you wait for the next snapshot (no background task): breaking out or
        cancelling leaves nothing running.
        """
        if not is_seconds(interval):
            raise InvalidArgumentError(
                f"interval must be a positive number of seconds; got {interval!r}"
            )
        if not (agents or queues):
            raise InvalidArgumentError("watch needs agents=True, queues=True, or both")
        overrides(call)  # a bad timeout= or retry= fails here, not at the first poll
        return RealtimeWatch(self, interval=interval, agents=agents, queues=queues, call=call)


class RealtimeWatch:
    """The async iterator `cc.realtime.watch()` returns."""

    def __init__(
        self,
        realtime: Realtime,
        *,
        interval: float,
        agents: bool,
        queues: bool,
        call: CallOptions,
    ) -> None:
        self._realtime = realtime
        self._call = call
        self.interval = interval
        self._want_agents = agents
        self._want_queues = queues
        self._previous: RealtimeSnapshot | None = None
        self._next_at: float | None = None

    def __aiter__(self) -> RealtimeWatch:
        return self

    async def __anext__(self) -> RealtimeSnapshot:
        while True:
            if self._next_at is not None:
                await anyio.sleep(max(0.0, self._next_at - anyio.current_time()))
            self._next_at = anyio.current_time() + self.interval
            snapshot = await self._take()
            if snapshot.initial or snapshot.changes:
                return snapshot

    async def _take(self) -> RealtimeSnapshot:
        agents, queues = {}, {}
        if self._want_agents:
            agents = {a.agent_id: a for a in await self._realtime.agents(**self._call)}
        if self._want_queues:
            queues = {q.queue_id: q for q in await self._realtime.queues(**self._call)}
        previous, initial = self._previous, self._previous is None
        changes: list[RealtimeChange] = []
        if previous is not None:
            changes += _diff(previous.agents, agents, lambda a: a.agent_status, _agent_change)
            changes += _diff(previous.queues, queues, lambda q: q.queue_size, _queue_change)
        snapshot = RealtimeSnapshot(
            taken_at=dt.datetime.now(dt.timezone.utc),
            agents=agents,
            queues=queues,
            changes=tuple(changes),
            initial=initial,
        )
        self._previous = snapshot
        return snapshot


def _agent_change(agent: RealtimeAgent, old: Any, new: Any) -> RealtimeChange:
    return AgentStatusChanged(agent.agent_id, agent.agent_name, old, new)


def _queue_change(queue: RealtimeQueue, old: Any, new: Any) -> RealtimeChange:
    return QueueSizeChanged(queue.queue_id, queue.queue_name, old, new)


def _diff(
    before: Mapping[Any, Any],
    after: Mapping[Any, Any],
    value: Callable[[Any], Any],
    change: Callable[[Any, Any, Any], RealtimeChange],
) -> list[RealtimeChange]:
    """Changes of `value` per id, in the order of `after` (ids that vanished are not changes
    of status: the next snapshot simply lacks them)."""
    found = []
    for key, record in after.items():
        old = value(before[key]) if key in before else None
        new = value(record)
        if key not in before or old != new:
            found.append(change(record, old, new))
    return found
