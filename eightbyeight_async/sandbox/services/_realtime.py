"""The Real-time Statistics API on the sandbox: agents and queues of the seeded tenant, whose
state tests change through controls (`sb.realtime.set_agent_status(...)`)."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..tenant._entities import Entity
from ..tenant._tenant import Tenant
from ._auth import check_basic
from ._render import CONTENT_TYPES, render_json, render_xml

PATH = "/api/rtstats/stats/{path:path}"
AGENTS = Entity("agents", "agent", ())
QUEUES = Entity("queues", "queue", ())
_QUEUE_TYPES = {"T": "phone", "C": "chat", "Z": "email", "V": "vmail"}


def _agent(rng: random.Random, agent: Mapping[str, str], index: int) -> dict[str, str]:
    logged_in = agent.get("enabled") == "Y"
    return {
        "active-customer-chat-count": "-1",
        "agent-guid": f"sbx-{agent['agent-id']}-{index:04d}",
        "agent-id": agent["agent-id"],
        "agent-media-id": str(rng.choice([0, 1, 2, 3])),
        "agent-name": agent.get("full-name", ""),
        "agent-status": "0" if logged_in else "9",
        "agent-sub-status": "none",
        "assigned-skill-count": str(rng.randint(1, 5)),
        "day-accepted-count": str(rng.randint(0, 40)),
        "day-available-time": str(rng.randint(0, 20000)),
        "day-avg-processing-time": str(rng.randint(0, 600)),
        "day-break-time": str(rng.randint(0, 3600)),
        "day-login-time": str(rng.randint(0, 28800)) if logged_in else "0",
        "day-offline-time": str(rng.randint(0, 1800)),
        "day-processing-time": str(rng.randint(0, 20000)),
        "day-rejected-count": str(rng.randint(0, 3)),
        "day-wrap-up-time": str(rng.randint(0, 3000)),
        "enabled-skill-count": str(rng.randint(1, 5)),
        "group-id": agent["group-id"],
        "idle-start-time": "-1",
        "last-login-time": str(1717400000 + index * 60) if logged_in else "-1",
        "longest-active-customer-chat-duration": "-1",
        "max-concurrent-customer-chat": "1",
        "phone-line1-status": "0" if logged_in else "-1",
        "phone-line1-status-time": "0",
        "phone-line2-status": "-1",
        "phone-line2-status-time": "0",
        "status-code-item-id": "",
        "status-code-item-short-code": "",
        "status-code-list-id": "",
        "thirty-min-accepted-count": str(rng.randint(0, 5)),
        "thirty-min-available-time": str(rng.randint(0, 1800)),
        "thirty-min-avg-handling-time": str(rng.randint(0, 600)),
        "thirty-min-break-time": str(rng.randint(0, 600)),
        "thirty-min-offline-time": "0",
        "thirty-min-processing-time": str(rng.randint(0, 1800)),
        "thirty-min-rejected-count": "0",
        "thirty-min-wrap-up-time": str(rng.randint(0, 300)),
        "time-in-status": str(rng.randint(0, 7200)),
    }


def _queue(rng: random.Random, queue: Mapping[str, str]) -> dict[str, str]:
    kind = _QUEUE_TYPES.get(queue.get("media-type", ""), "phone")
    return {
        "agent-count-busy": str(rng.randint(0, 3)),
        "agent-count-loggedOut": str(rng.randint(0, 3)),
        "agent-count-onBreak": str(rng.randint(0, 2)),
        "agent-count-postProcess": str(rng.randint(0, 2)),
        "agent-count-waitTransact": str(rng.randint(0, 4)),
        "agent-count-workOffline": "0",
        "day-abandoned": str(rng.randint(0, 10)),
        "day-accepted": str(rng.randint(0, 80)),
        "day-avg-duration": str(rng.randint(30, 600)),
        "day-avg-wait-time": str(rng.randint(0, 120)),
        "day-queued": str(rng.randint(0, 100)),
        "day-sla-activity": str(rng.randint(50, 100)),
        "assigned-agent-count": str(rng.randint(1, 8)),
        "enabled-agent-count": str(rng.randint(1, 8)),
        "longest-wait-time": "0",
        "media-type": kind,
        "number-in-offered": "0",
        "number-in-progress": str(rng.randint(0, 3)),
        "queue-id": queue["queue-id"],
        "queue-name": queue.get("queue-name", ""),
        "queue-size": "0",
        "queue-type": kind,
        "sla-activity": str(rng.randint(50, 100)),
        "sla-target": queue.get("sla-time", "0"),
        "thirty-min-abandoned": "0",
        "thirty-min-accepted": str(rng.randint(0, 10)),
        "thirty-min-avg-duration": str(rng.randint(30, 600)),
        "thirty-min-avg-wait-time": str(rng.randint(0, 60)),
        "thirty-min-longest-wait-time": str(rng.randint(0, 120)),
        "thirty-min-queued": str(rng.randint(0, 10)),
        "thirty-min-sla-activity": "-1",
    }


class RealtimeService:
    """The real-time state of the tenant's agents and queues, with controls and ground truth.

    Values are wire strings keyed by wire names (`sb.realtime.agents()["psmith"]["agent-status"]`);
    the controls change them as the real server's 10-second cache would see it.
    """

    def __init__(self, tenant: Tenant, seed: int = 0) -> None:
        self.tenant = tenant
        self._seed = seed
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Back to the seeded real-time state of every agent and queue."""
        rng = random.Random(f"{self._seed}:realtime")
        agents = {a["agent-id"]: _agent(rng, a, i) for i, a in enumerate(self.tenant.agents)}
        queues = {q["queue-id"]: _queue(rng, q) for q in self.tenant.queues}
        with self._lock:
            self._agents, self._queues = agents, queues

    def agents(self) -> dict[str, dict[str, str]]:
        """Every agent's record (copies), by agent id."""
        with self._lock:
            return {key: dict(value) for key, value in self._agents.items()}

    def queues(self) -> dict[str, dict[str, str]]:
        """Every queue's record (copies), by queue id."""
        with self._lock:
            return {key: dict(value) for key, value in self._queues.items()}

    def set_agent(self, agent_id: str, **fields: object) -> None:
        """Change wire fields of an agent (`agent_status=4` sets `agent-status`)."""
        self._set(self._agents, "agent", agent_id, fields)

    def set_agent_status(self, agent_id: str, status: int | str) -> None:
        """Put an agent in a status code (0 available ... 9 logged out); resets its timer."""
        self.set_agent(agent_id, agent_status=status, time_in_status=0)

    def set_queue(self, queue_id: str | int, **fields: object) -> None:
        """Change wire fields of a queue (`queue_size=3` sets `queue-size`)."""
        self._set(self._queues, "queue", str(queue_id), fields)

    def set_queue_size(self, queue_id: str | int, size: int) -> None:
        """The number of interactions waiting in a queue."""
        self.set_queue(queue_id, queue_size=size)

    def _set(
        self, table: dict[str, dict[str, str]], kind: str, key: str, fields: Mapping[str, object]
    ) -> None:
        with self._lock:
            record = table.get(key)
            if record is None:
                raise KeyError(f"no {kind} {key!r} in the sandbox tenant")
            for name, value in fields.items():
                wire = _wire(name, record)
                record[wire] = str(value)

    async def endpoint(self, request: Request) -> Response:
        """`GET /api/rtstats/stats/{agents|agent/{id}|queues|queue/{id}}[.xml|.json]`."""
        credentials = self.tenant.credentials
        denied = check_basic(request, credentials.tenant_name, credentials.data_token)
        if denied is not None:
            return denied
        path = request.path_params["path"]
        fmt = "xml"
        for suffix in (".xml", ".json"):
            if path.endswith(suffix):
                path, fmt = path[: -len(suffix)], suffix[1:]
        parts = path.strip("/").split("/")
        if parts == ["agents"]:
            return _render(fmt, AGENTS, list(self.agents().values()), single=False)
        if parts == ["queues"]:
            return _render(fmt, QUEUES, list(self.queues().values()), single=False)
        if len(parts) == 2 and parts[0] in ("agent", "queue") and parts[1]:
            table = self.agents() if parts[0] == "agent" else self.queues()
            record = table.get(parts[1])
            if record is None:
                return PlainTextResponse(f"Not found: {parts[0]} {parts[1]}", 404)
            entity = AGENTS if parts[0] == "agent" else QUEUES
            return _render(fmt, entity, [record], single=True)
        if parts and parts[0] in ("agents", "agent", "queues", "queue"):
            return PlainTextResponse(f"Bad request: {request.url.path}", 400)
        return PlainTextResponse(f"Not found: {request.url.path}", 404)


def _wire(name: str, record: Mapping[str, Any]) -> str:
    hyphenated = name.replace("_", "-")
    if hyphenated in record:
        return hyphenated
    for key in record:  # camelCase wire names: agent-count-loggedOut
        if key.lower() == hyphenated.lower():
            return key
    raise KeyError(f"no field {name!r}; fields are {', '.join(record)}")


def _render(fmt: str, entity: Entity, records: list[dict[str, str]], *, single: bool) -> Response:
    """A list as `<agents><agent>…`, one record as its bare element (`<agent>…</agent>`)."""
    if fmt == "json":
        if single:
            body = json.dumps({entity.singular: records[0]}, ensure_ascii=False).encode()
        else:
            body = render_json(entity, records)
    else:
        body = render_xml(entity, records)
        if single:
            text = body.decode()
            inner = text.split(f"<{entity.plural}>", 1)[1].rsplit(f"</{entity.plural}>", 1)[0]
            body = (text.split("\n", 1)[0] + "\n" + inner.strip() + "\n").encode()
    return Response(body, headers={"content-type": CONTENT_TYPES[fmt]})  # type: ignore[index]
