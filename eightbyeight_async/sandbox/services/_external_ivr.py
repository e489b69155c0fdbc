"""The External IVR API (`/SC/externalIvrAction.php`) as the sandbox serves it: the routing
actions submitted for calls the tenant has, kept as ground truth (`sb.external_ivr.actions`).

The document lists parameters but no response codes; the sandbox's choices: 200 `OK` when the
action is accepted; 401 for a wrong tenant or token; 400 for a missing parameter, an action
other than `wForwardACD` (`wForwardAgent` is "not yet available"), an unknown queue, or
`extIvrData` over 500 characters; 404 for a SIP call id the tenant has no call with. The
documented request forms are a GET with every parameter in the query (the sample URL) and a
POST with every parameter in the body (the VoiceXML example); a POST that also carries query
parameters is neither, and is answered 400 ("the syntax of the request was wrong").
"""

from __future__ import annotations

import secrets
import threading

import attrs
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..tenant._live import live_interactions
from ..tenant._tenant import Tenant
from ._callbacks import merged_params

PATH = "/SC/externalIvrAction.php"
EXT_IVR_DATA_LIMIT = 500


@attrs.frozen
class ExternalIvrAction:
    """One accepted routing action: the call, where to, and the data for the agent."""

    sip_id: str
    action: str
    param: str
    ext_ivr_data: str | None


class ExternalIvrService:
    """The state of the simulated External IVR API, and its endpoint."""

    def __init__(self, tenant: Tenant) -> None:
        self._tenant = tenant
        self._lock = threading.Lock()
        self.call_ids = frozenset(i.call_id for i in live_interactions(tenant) if i.call_id)
        self._queues = frozenset(q["queue-id"] for q in tenant.queues)
        self._actions: list[ExternalIvrAction] = []

    def reset(self) -> None:
        """Forget every action received."""
        with self._lock:
            self._actions = []

    @property
    def actions(self) -> list[ExternalIvrAction]:
        """The accepted actions, oldest first."""
        with self._lock:
            return list(self._actions)

    async def endpoint(self, request: Request) -> Response:
        """`GET|POST /SC/externalIvrAction.php`."""
        if request.method == "POST" and request.query_params:
            return PlainTextResponse("parameters must all be in the query or all in the body", 400)
        params = await merged_params(request)
        credentials = self._tenant.credentials
        for name, expected in (
            ("tenant", credentials.tenant_name),
            ("token", credentials.action_token),
        ):
            if not secrets.compare_digest(params.get(name, "").encode(), expected.encode()):
                return PlainTextResponse("Unauthorized", 401)
        refusal = self._refusal(params)
        if refusal is not None:
            return PlainTextResponse(refusal, 400)
        if params["sip_id"] not in self.call_ids:
            return PlainTextResponse("call not found", 404)
        action = ExternalIvrAction(
            params["sip_id"], params["action"], params["param"], params.get("extIvrData")
        )
        with self._lock:
            self._actions.append(action)
        return PlainTextResponse("OK")

    def _refusal(self, params: dict[str, str]) -> str | None:
        missing = [n for n in ("sip_id", "action", "param") if not params.get(n)]
        if missing:
            return f"missing parameter: {', '.join(missing)}"
        if params["action"] != "wForwardACD":
            return f"unsupported action {params['action']!r}"
        if params["param"] not in self._queues:
            return f"invalid queue id {params['param']!r}"
        if len(params.get("extIvrData", "")) > EXT_IVR_DATA_LIMIT:
            return "extIvrData exceeds 500 characters"
        return None
