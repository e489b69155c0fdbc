"""`cc.realtime`: the Real-time Statistics API (`/api/rtstats/stats/...`), and `watch()`, which
polls it and yields only what changed, for dashboards.

The server answers from a cache refreshed every 10 seconds: polling faster only repeats it.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import anyio

from .._config import ApiFamily
from .._convert import structure_many
from .._errors import DecodeError, InvalidArgumentError
from .._formats import DocumentFormat, decode_document, unwrap_collection
from .._http import HttpPipeline, RequestOptions
from .._validate import is_seconds
from ..types.realtime import (
    NO_DATA_FIELDS,
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


def _segment(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise InvalidArgumentError(f"{name} must be a non-empty string or integer; got {value!r}")
    return urllib.parse.quote(str(value).strip(), safe="")


def _without_no_data(records: list[dict[str, Any]], model: type[Any]) -> list[dict[str, Any]]:
    measures = NO_DATA_FIELDS[model]
    return [
        {k: (None if k in measures and v in ("-1", -1) else v) for k, v in record.items()}
        for record in records
    ]


class Realtime:
    """The Real-time Statistics API: `await cc.realtime.agents()`, `agent(id)`, `queues()`,
    `queue(id)`, and `async for snapshot in cc.realtime.watch(): ...`."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    def __repr__(self) -> str:
        return "Realtime()"

    async def _get(
        self, path: str, model: type[T], fmt: DocumentFormat, collection: str | None
    ) -> list[T]:
        if fmt not in ("json", "xml"):
            raise InvalidArgumentError(f"format must be 'json' or 'xml'; got {fmt!r}")
        singular = "agent" if model is RealtimeAgent else "queue"

        def parse(response: Any) -> list[T]:
            document = decode_document(response.content, fmt)
            if collection is not None:
                records = unwrap_collection(document, collection, singular)
            elif isinstance(document, dict) and isinstance(document.get(singular), dict):
                records = [document[singular]]
            else:
                records = unwrap_collection(document, singular + "s", singular)
            return structure_many(_without_no_data(records, model), model)

        options = RequestOptions(
            family=ApiFamily.REALTIME, method="GET", path=f"/api/rtstats/stats/{path}.{fmt}"
        )
        return await self._pipeline.request_parsed(options, parse)

    async def agents(self, *, format: DocumentFormat = "json") -> list[RealtimeAgent]:
        """Every agent (`/agents`)."""
        return await self._get("agents", RealtimeAgent, format, "agents")

    async def agent(self, agent_id: str, *, format: DocumentFormat = "json") -> RealtimeAgent:
        """One agent by login id (`/agent/{agent_id}`); NotFoundError for an unknown id."""
        path = f"agent/{_segment('agent_id', agent_id)}"
        return _one(await self._get(path, RealtimeAgent, format, None), "agent", agent_id)

    async def queues(self, *, format: DocumentFormat = "json") -> list[RealtimeQueue]:
        """Every queue (`/queues`)."""
        return await self._get("queues", RealtimeQueue, format, "queues")

    async def queue(self, queue_id: str | int, *, format: DocumentFormat = "json") -> RealtimeQueue:
        """One queue by id (`/queue/{queue_id}`); NotFoundError for an unknown id."""
        path = f"queue/{_segment('queue_id', queue_id)}"
        return _one(await self._get(path, RealtimeQueue, format, None), "queue", queue_id)

    def watch(
        self, *, interval: float = SERVER_REFRESH_SECONDS, agents: bool = True, queues: bool = True
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
        return RealtimeWatch(self, interval=interval, agents=agents, queues=queues)


def _one(records: list[T], kind: str, ident: object) -> T:
    if len(records) != 1:
        raise DecodeError(f"expected one {kind} for {ident!r}, got {len(records)}")
    return records[0]


class RealtimeWatch:
    """The async iterator `cc.realtime.watch()` returns."""

    def __init__(self, realtime: Realtime, *, interval: float, agents: bool, queues: bool) -> None:
        self._realtime = realtime
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
        agents = {a.agent_id: a for a in await self._realtime.agents()} if self._want_agents else {}
        queues = {q.queue_id: q for q in await self._realtime.queues()} if self._want_queues else {}
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
