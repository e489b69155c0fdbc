"""The Interaction Data Augmentation API (`/api/v1/interaction/data/`) as the sandbox serves
it: the tenant's interactions, each with a guid and (phone calls) the SIP call id of its
eIVR leg, and the variables clients set on them (ground truth: `sb.interaction_data`).

Basic auth, tenant + action token (missing or wrong: 401, the only auth status documented).
Where the document is silent, these are the sandbox's choices:

- set: `POST /api/v1/interaction/data/?callId=…` or `?guid=…` with `{"variables": [...]}`;
  read: `GET /api/v1/interaction/data/guid/{guid}` (the documented example) or `?callId=…`;
- 400 ("action type not supported") for another method, neither or both ids, or a body that
  breaks the documented rules (names, display names, data types); 404 for an unknown id;
- the context lists the variables set so far in `UserInput`, privacy values masked as `****`.
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..tenant._live import LiveInteraction, live_interactions
from ..tenant._tenant import Tenant
from ._auth import require_action_token

PATH = "/api/v1/interaction/data/"
GUID_PATH = "/api/v1/interaction/data/guid/{guid}"
MASK = "****"
_NAME = re.compile(r"_[A-Za-z0-9]{1,23}")
_DATA_TYPES = frozenset({"text", "number", "phone number", "date", "time", "currency"})
_FLAGS = ("ivr", "display", "privacy")


class InteractionDataService:
    """The state of the simulated interaction data API, and its endpoint."""

    def __init__(self, tenant: Tenant) -> None:
        self._tenant = tenant
        self._lock = threading.Lock()
        self._channels = {c["channel-id"]: c["channel-name"] for c in tenant.channels}
        self.reset()

    def reset(self) -> None:
        """Back to the generated live interactions and their variables."""
        with self._lock:
            self._by_guid = {i.guid: i for i in live_interactions(self._tenant)}
            self._by_call = {i.call_id: i for i in self._by_guid.values() if i.call_id}

    @property
    def interactions(self) -> list[LiveInteraction]:
        """Every addressable interaction, in the tenant's order."""
        return list(self._by_guid.values())

    def variables(self, guid: str) -> dict[str, dict[str, str]]:
        """A copy of the variables set on one interaction (name → what was sent)."""
        with self._lock:
            return {k: dict(v) for k, v in self._by_guid[guid].variables.items()}

    async def endpoint(self, request: Request) -> Response:
        """`POST|GET /api/v1/interaction/data/` and `GET …/guid/{guid}`."""
        denied = require_action_token(request, self._tenant.credentials)
        if denied is not None:
            return denied
        ids = {k: v for k, v in request.query_params.items() if k in ("callId", "guid")}
        if "guid" in request.path_params:
            ids["guid"] = request.path_params["guid"]
        if len(ids) != 1 or request.method not in ("GET", "POST"):
            return _bad("the action type is not supported")
        ((kind, key),) = ids.items()
        found = (self._by_guid if kind == "guid" else self._by_call).get(key)
        if found is None:
            return JSONResponse({"error": {"message": "interaction not found"}}, 404)
        if request.method == "GET":
            with self._lock:
                return JSONResponse(self._context(found))
        variables = _variables(await request.body())
        if variables is None:
            return _bad("the variables document is not valid")
        with self._lock:
            found.variables.update({v["name"]: v for v in variables})
        return JSONResponse({"status": "success"})

    def _context(self, found: LiveInteraction) -> dict[str, Any]:
        record = found.record
        context: dict[str, Any] = {
            "InteractionId": found.guid,
            "CreateTime": record["create-timestamp"],
            "UserInput": [
                {"name": name, "value": MASK if v.get("privacy") == "true" else v["value"]}
                for name, v in found.variables.items()
            ],
        }
        optional = {
            "Channel": self._channels.get(record.get("channel-id", "")),
            "ANI": record["origination"] if record.get("inbound-sip-id") else None,
            "CallerName": record.get("customer-name") or None,
            "QueueId": int(record["queue-id"]) if record.get("queue-id") else None,
            "QueueTime": record["create-timestamp"] if record.get("queue-id") else None,
            "Priority": 1 if record.get("queue-id") else None,
            "AgentId": record.get("agent-id") or None,
        }
        return context | {k: v for k, v in optional.items() if v is not None}


def _bad(message: str) -> Response:
    return JSONResponse({"error": {"message": message}}, 400)


def _variables(body: bytes) -> list[dict[str, str]] | None:
    """The variables of a set request, or None when they break the documented rules."""
    try:
        document = json.loads(body)
    except ValueError:
        return None
    variables = document.get("variables") if isinstance(document, dict) else None
    if not isinstance(variables, list) or not all(_valid(v) for v in variables):
        return None
    return variables


def _valid(variable: object) -> bool:
    if not isinstance(variable, Mapping) or not all(isinstance(v, str) for v in variable.values()):
        return False
    if not _NAME.fullmatch(variable.get("name", "")) or "value" not in variable:
        return False
    if any(variable.get(flag, "false") not in ("true", "false") for flag in _FLAGS):
        return False
    if len(variable.get("displayName", "")) >= 30:
        return False
    return variable.get("dataType", "text") in _DATA_TYPES
