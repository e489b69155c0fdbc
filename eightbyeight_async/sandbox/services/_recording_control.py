"""The Recording Control API (`PUT /api/tstats/rccontrol/...`) as the sandbox serves it, with
per-agent recording state as ground truth (`sb.recording_control`).

Each agent has recording enabled or not, may be on an active, recorded transaction, and that
recording may be paused. A request answers as documented: 200 with the status `success`
(the state changed), `nothing to be modified` (no active transaction, or already in the asked
state: the document says such requests are ignored) or `not enabled`; 400 for an unknown
action; 401 for missing or wrong credentials (or a path tenant other than the caller); 404 for
an agent id or email the tenant does not have. The sandbox's choices where the document is
silent: the 200 body is JSON `{"status": "…"}`; the initial state is derived from the agent's
position (every fourth agent has recording disabled, every third is not on a call).
"""

from __future__ import annotations

import threading

import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..tenant._tenant import Tenant
from ._auth import require_action_token

PATH = "/api/tstats/rccontrol/{action}/{tenant}/{kind}/{who}"
ACTIONS = ("pause", "resume")
SUCCESS = "success"
NOTHING_TO_MODIFY = "nothing to be modified"
NOT_ENABLED = "not enabled"


@attrs.define
class AgentRecording:
    """One agent's recording state."""

    enabled: bool
    active: bool
    paused: bool = False


@attrs.frozen
class ControlRequest:
    """One request the API answered with 200: what was asked, for whom, and the outcome."""

    action: str
    agent_id: str
    status: str


class RecordingControlService:
    """The state of the simulated Recording Control API, and its endpoint."""

    def __init__(self, tenant: Tenant) -> None:
        self._tenant = tenant
        self._lock = threading.Lock()
        self._emails = {agent["email-address"]: agent["agent-id"] for agent in tenant.agents}
        self.reset()

    def reset(self) -> None:
        """Back to the initial recording state of every agent, with an empty log."""
        with self._lock:
            self._agents = {
                agent["agent-id"]: AgentRecording(enabled=i % 4 != 3, active=i % 3 != 2)
                for i, agent in enumerate(self._tenant.agents)
            }
            self.log: list[ControlRequest] = []
            """Every 200 answer, in order."""

    # --- ground truth and controls -----------------------------------------------------

    def state(self, agent_id: str) -> AgentRecording:
        """A copy of one agent's recording state (KeyError for an unknown agent)."""
        with self._lock:
            return attrs.evolve(self._agents[agent_id])

    def agents(self) -> dict[str, AgentRecording]:
        """Every agent's recording state (copies)."""
        with self._lock:
            return {k: attrs.evolve(v) for k, v in self._agents.items()}

    def set_enabled(self, agent_id: str, enabled: bool) -> None:
        """Turn the recording feature on or off for one agent."""
        with self._lock:
            self._agents[agent_id].enabled = enabled

    def start_transaction(self, agent_id: str) -> None:
        """The agent takes a recorded call (recording, not paused)."""
        with self._lock:
            self._agents[agent_id].active = True
            self._agents[agent_id].paused = False

    def end_transaction(self, agent_id: str) -> None:
        """The agent's call ends."""
        with self._lock:
            self._agents[agent_id].active = False
            self._agents[agent_id].paused = False

    # --- HTTP --------------------------------------------------------------------------

    async def endpoint(self, request: Request) -> Response:
        """`PUT /api/tstats/rccontrol/{action}/{tenantId}/{agentId|email}/{value}`."""
        params = request.path_params
        denied = require_action_token(request, self._tenant.credentials)
        if denied is not None:
            return denied
        if params["tenant"] != self._tenant.name:
            return PlainTextResponse("Unauthorized: not this tenant", 401)
        if params["action"] not in ACTIONS:
            return PlainTextResponse("Bad request: unknown action type", 400)
        if params["kind"] == "agentId":
            agent_id: str | None = params["who"] if params["who"] in self._agents else None
        elif params["kind"] == "email":
            agent_id = self._emails.get(params["who"])
        else:
            agent_id = None
        if agent_id is None:
            return PlainTextResponse("Not found: no such agent in the tenant", 404)
        with self._lock:
            status = self._apply(params["action"], self._agents[agent_id])
            self.log.append(ControlRequest(params["action"], agent_id, status))
        return JSONResponse({"status": status})

    @staticmethod
    def _apply(action: str, agent: AgentRecording) -> str:
        if not agent.enabled:
            return NOT_ENABLED
        pause = action == "pause"
        if not agent.active or agent.paused == pause:
            return NOTHING_TO_MODIFY
        agent.paused = pause
        return SUCCESS
