"""The web callback API as the sandbox serves it, keeping every accepted callback as ground
truth (`sb.callbacks.callbacks`).

`GET|POST /SC/webcallback.php` (tenant and action token as parameters) checks a request the
way the document's `ctl_error` table reads and answers each code for the matching bad input.
`DELETE /api/interactions/webcallback/externaltransaction/{id}[.json]` (Basic tenant:action
token) deletes the pending callbacks of an external transaction id: 200, 207 when some are
already assigned to an agent (`assign()`), 404 when there are none. Where the document is
silent, these are the sandbox's choices:

- with `back`, the answer is a 302 to it, with `ctl_error=N` added to its query on error;
  without `back`, a 200 `text/plain` body: `ctl_error=N`, or `OK`;
- a wrong tenant name or token is code 3; a missing or unknown queue is 7; phone-media queues
  are the outbound phone queues, any other queue is code 9; the channel numbers are the
  digits of the tenant's phone channels (`+14155550001` → `14155550001`);
- codes 1, 2, 15 and 19 come from switches (`tenant_enabled`, `web_callback_enabled`,
  `service_available`, `internal_error`); the delete answers XML unless the path ends `.json`.
"""

from __future__ import annotations

import re
import secrets
import threading
import urllib.parse
from collections.abc import Mapping

import attrs
import xmltodict
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from ..tenant._tenant import Tenant
from ._auth import require_action_token

CREATE_PATH = "/SC/webcallback.php"
DELETE_PATH = "/api/interactions/webcallback/externaltransaction/{ext_id:path}"
_DIGITS = re.compile(r"[0-9]+")
_LIMITS = (("extTransactionData", 500, "16"), ("ctl_userdata", 1800, "20"))


@attrs.define
class WebCallback:
    """One accepted callback request: what the server was sent (token left out)."""

    interaction_guid: str
    transaction_id: int
    params: dict[str, str]
    assigned: bool = False
    """True once an agent has the interaction: it can no longer be deleted."""

    @property
    def ext_transaction_id(self) -> str | None:
        return self.params.get("extTransactionId")


@attrs.define
class _Queue:
    media: str
    enabled: bool = True


class CallbacksService:
    """The state of the simulated web callback API, and its two endpoints."""

    def __init__(self, tenant: Tenant) -> None:
        self._tenant = tenant
        self._lock = threading.Lock()
        self.channel_numbers = frozenset(
            c["channel-name"].lstrip("+")
            for c in tenant.channels
            if _DIGITS.fullmatch(c["channel-name"].lstrip("+"))
        )
        self.reset()

    def reset(self) -> None:
        """Back to the initial state: no callbacks, queues enabled, switches on, no requests."""
        with self._lock:
            self._queues = {q["queue-id"]: _Queue(q["media-type"]) for q in self._tenant.queues}
            self._callbacks: list[WebCallback] = []
            self._next_transaction = 1000 + len(self._tenant.interactions)
        self.requests = 0
        """Create requests received (refused ones included)."""
        self.tenant_enabled = True
        self.web_callback_enabled = True
        self.service_available = True
        self.internal_error = False

    @property
    def callbacks(self) -> list[WebCallback]:
        """The pending callbacks (accepted, not deleted), oldest first."""
        with self._lock:
            return list(self._callbacks)

    def outbound_queue_ids(self) -> list[str]:
        """Queues a type 2 callback may use (enabled phone queues)."""
        with self._lock:
            return [i for i, q in self._queues.items() if q.media == "T" and q.enabled]

    def set_queue_enabled(self, queue_id: str, enabled: bool) -> None:
        """Enable or disable a queue (a disabled one answers code 8)."""
        with self._lock:
            self._queues[queue_id].enabled = enabled

    def assign(self, interaction_guid: str) -> None:
        """Give a pending callback to an agent, so that deleting it fails (`statuserror`)."""
        with self._lock:
            next(
                c for c in self._callbacks if c.interaction_guid == interaction_guid
            ).assigned = True

    async def create_endpoint(self, request: Request) -> Response:
        """`GET|POST /SC/webcallback.php`."""
        params = await merged_params(request)
        with self._lock:
            self.requests += 1
            code = self._refusal(params)
            if code is None:
                self._accept(params)
        return _answer(params.get("back"), code)

    def _refusal(self, params: Mapping[str, str]) -> str | None:
        """The `ctl_error` code the request earns, or None when it is accepted."""
        credentials = self._tenant.credentials
        for name, expected in (
            ("tenant", credentials.tenant_name),
            ("token", credentials.action_token),
        ):
            if not secrets.compare_digest(params.get(name, "").encode(), expected.encode()):
                return "3"
        switches = (
            (self.tenant_enabled, "1"),
            (self.web_callback_enabled, "2"),
            (self.service_available, "15"),
        )
        for on, code in switches:
            if not on:
                return code
        if not params.get("phone"):
            return "17"
        kind = params.get("callback_type", "")
        if kind == "":
            return "10"
        if kind not in ("1", "2"):
            return "14"
        routing = self._type_one(params) if kind == "1" else self._type_two(params)
        return routing or self._data_refusal(params)

    def _type_one(self, params: Mapping[str, str]) -> str | None:
        channel = params.get("channel_number", "")
        if not channel:
            return "12"
        if channel not in self.channel_numbers:
            return "13"
        delay = params.get("callback_delay")
        return "11" if delay is not None and not _is_number(delay) else None

    def _type_two(self, params: Mapping[str, str]) -> str | None:
        queue = self._queues.get(params.get("queue_id", ""))
        if queue is None:
            return "7"
        if not queue.enabled:
            return "8"
        if queue.media != "T":
            return "9"
        timeout = params.get("previewTimeout")
        if timeout is not None and not (timeout.isdigit() and 15 <= int(timeout) <= 10800):
            return "21"
        return None

    def _data_refusal(self, params: Mapping[str, str]) -> str | None:
        for name, limit, code in _LIMITS:
            if len(params.get(name, "")) > limit:
                return code
        if len(params.get("extTransactionId", "")) > 64:
            return "22"
        return "19" if self.internal_error else None

    def _accept(self, params: Mapping[str, str]) -> None:
        number = self._next_transaction
        self._next_transaction += 1
        guid = f"int-{number:x}-{secrets.token_urlsafe(12)}-phone-01-{self._tenant.name}"
        kept = {k: v for k, v in params.items() if k != "token"}
        self._callbacks.append(WebCallback(guid, number, kept))

    async def delete_endpoint(self, request: Request) -> Response:
        """`DELETE /api/interactions/webcallback/externaltransaction/{id}[.json]`."""
        denied = require_action_token(request, self._tenant.credentials)
        if denied is not None:
            return denied
        ext_id = request.path_params["ext_id"]
        as_json = ext_id.endswith(".json")
        ext_id = ext_id.removesuffix(".json")
        with self._lock:
            matched = [c for c in self._callbacks if c.ext_transaction_id == ext_id]
            self._callbacks = [c for c in self._callbacks if c not in matched or c.assigned]
        if not matched:
            return _render({"error": {"message": "transaction not found"}}, 404, as_json)
        results = [_result(c) for c in matched]
        status = 200 if all(not c.assigned for c in matched) else 207
        interactions = results[0] if len(results) == 1 else results
        body = {"data": {"extTransactionId": ext_id, "interactions": interactions}}
        return _render(body, status, as_json)


async def merged_params(request: Request) -> dict[str, str]:
    """The query parameters, and for a POST its form fields (which win), as the PHP pages
    read `$_REQUEST`."""
    params = dict(request.query_params)
    if request.method == "POST":
        body = (await request.body()).decode("utf-8", "replace")
        params |= dict(urllib.parse.parse_qsl(body, keep_blank_values=True))
    return params


def _is_number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


def _answer(back: str | None, code: str | None) -> Response:
    if not back:
        return PlainTextResponse("OK" if code is None else f"ctl_error={code}")
    if code is None:
        return RedirectResponse(back, 302)
    parts = urllib.parse.urlsplit(back)
    query = urllib.parse.urlencode([*urllib.parse.parse_qsl(parts.query), ("ctl_error", code)])
    return RedirectResponse(urllib.parse.urlunsplit(parts._replace(query=query)), 302)


def _result(callback: WebCallback) -> dict[str, object]:
    result: dict[str, object] = {
        "deleteStatus": "nok" if callback.assigned else "ok",
        "interactionGuid": callback.interaction_guid,
        "phone": int(phone) if (phone := callback.params["phone"]).isdigit() else phone,
        "transactionID": callback.transaction_id,
    }
    if callback.assigned:
        result["reason"] = "statuserror"
    return result


def _render(body: Mapping[str, object], status: int, as_json: bool) -> Response:
    if as_json:
        return JSONResponse(body, status)
    xml = xmltodict.unparse({"response": body}, pretty=True)
    return Response(xml, status, media_type="application/xml")
