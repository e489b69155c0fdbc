"""`cc.recording_control`: the Recording Control API: pause and resume the audio feed of an
agent's call recording (silence is recorded meanwhile; screen recording pauses too).

`PUT /api/tstats/rccontrol/{action}/{tenantId}/agentId/{agentId}` or `/email/{email}`, Basic
auth with the tenant and its action token. The three documented 200 outcomes come back as a
`RecordingControlResult`; 400 (unknown action), 401 and 404 (no such agent) are errors.

The document's first form runs in the agent's browser, authenticated by the Agent Workspace
session cookie: `control_recording_url()` builds that URL; the SDK never calls it.
"""

from __future__ import annotations

import urllib.parse
from typing import Any

import httpx
from typing_extensions import Unpack

from .._config import ApiFamily, check_base_url
from .._endpoints import Action, CallOptions
from .._errors import ConfigurationError, DecodeError, InvalidArgumentError, documented_statuses
from .._formats import decode_json, decode_xml, find_key
from .._http import HttpPipeline
from ..types.recording_control import (
    RecordingAction,
    RecordingControlResult,
    RecordingControlStatus,
)
from ._identify import one_identifier

BASE_PATH = "/api/tstats/rccontrol"
CONTROL = Action(
    ApiFamily.RECORDING_CONTROL,
    "PUT",
    BASE_PATH + "/{action}/{tenant}/{kind}/{target}",
    safe="@",  # an email address keeps its @, as in the document's example
)
BROWSER_PATH = "/AGUI/controlRecording.php"
STATUS_PREFIX = "status:"
MAX_STATUS_CHARS = 200
"""A longer plain-text body is not a status line."""


def _action(action: RecordingAction | str) -> RecordingAction:
    try:
        return RecordingAction(action)
    except ValueError:
        raise InvalidArgumentError(
            f"action must be 'pause' or 'resume' (RecordingAction); got {action!r}"
        ) from None


def control_recording_url(base_url: str, action: RecordingAction | str, *, token: str) -> str:
    """The browser URL that pauses or resumes the recording of the agent whose Agent
    Workspace session shares the browser (`https://vcc-na4.8x8.com/AGUI/controlRecording.php
    ?action=pause&token=…`). `token` is the tenant's action token: the URL carries it, so
    only hand it to the agent's own browser (e.g. an iframe's `src`)."""
    chosen = _action(action)
    if not isinstance(token, str) or not token.strip():
        raise InvalidArgumentError("token is the tenant's action request token (non-empty)")
    base = str(check_base_url("base_url", base_url)).rstrip("/")
    query = urllib.parse.urlencode({"action": chosen.value, "token": token})
    return f"{base}{BROWSER_PATH}?{query}"


def parse_status(body: bytes) -> RecordingControlStatus:
    """The outcome of a 200 answer (see `parse_answer`)."""
    return parse_answer(body)[0]


def parse_answer(body: bytes) -> tuple[RecordingControlStatus, dict[str, Any]]:
    """The outcome of a 200 answer and the fields kept besides it.

    The document gives no sample body, only "200 (Status: success)", so the SDK accepts JSON
    (`{"status": …}`, any key case, nested or in a one-item list, or a bare string), XML
    (`<status>…</status>`) or a text line (`Status: success`, `success`). A status it does not
    know is an unknown member; only a body with no readable status is a DecodeError.
    """
    text = body.decode("utf-8", "replace").strip()
    document: Any = None
    if text[:1] in ("{", "[", '"'):
        document = decode_json(body)
    elif text.startswith("<"):
        document = decode_xml(body)
    if document is not None:
        found = _find_status(document)
        if found is None:
            kept = document if isinstance(document, dict) else {"body": document}
            if not kept:
                raise DecodeError("the recording control answer has no status", body=body)
            return RecordingControlStatus(UNSPECIFIED), dict(kept)
        text, extra = found
    else:
        extra = {}
        if text.lower().startswith(STATUS_PREFIX):
            text = text[len(STATUS_PREFIX) :]
        elif text.lower().startswith("status="):
            text = text[len("status=") :]
    text = " ".join(text.replace("_", " ").strip(" ()\t.\"'").split()).lower()
    if text.startswith(STATUS_PREFIX):  # "(Status: success)", the document's own wording
        text = text[len(STATUS_PREFIX) :].strip()
    if not text or len(text) > MAX_STATUS_CHARS:
        raise DecodeError("the recording control answer has no status", body=body)
    return RecordingControlStatus(text), extra


UNSPECIFIED = "unspecified"
"""The status of a parsed answer that names none (its fields are kept in `extra`)."""
_STATUS_KEYS = ("status", "result", "message")


def _find_status(document: Any) -> tuple[str, dict[str, Any]] | None:
    """The status text in a decoded body and the other fields of its record."""
    for _ in range(4):  # a few levels of wrapping at most
        if isinstance(document, list):
            if len(document) != 1:
                return None
            document = document[0]
        elif isinstance(document, dict):
            if "#text" in document and isinstance(document["#text"], str):
                return document["#text"], {}
            key = find_key(document, _STATUS_KEYS)
            if key is None:  # a lone wrapper, e.g. `<response><status>…`
                (only,) = document.values() if len(document) == 1 else (None,)
                if not isinstance(only, (dict, list)):
                    return None
                document = only
                continue
            value, others = document[key], {k: v for k, v in document.items() if k != key}
            if isinstance(value, (str, int, float)) and not isinstance(value, bool):
                return str(value), others
            if isinstance(value, dict) and value and others:
                document = {**others, **value}
            else:
                document = value
        elif isinstance(document, str):
            return document, {}
        else:
            return None
    return None


class RecordingControl:
    """The Recording Control API of one tenant."""

    def __init__(self, pipeline: HttpPipeline, *, tenant: str | None, base_url: str | None):
        self._pipeline = pipeline
        self._tenant = tenant
        self._base_url = base_url

    async def pause(
        self,
        *,
        agent_id: str | None = None,
        email: str | None = None,
        **call: Unpack[CallOptions],
    ) -> RecordingControlResult:
        """Pause the recording of the agent's active transaction (by `agent_id` or the
        agent's unique `email`)."""
        return await self.control(RecordingAction.PAUSE, agent_id=agent_id, email=email, **call)

    async def resume(
        self,
        *,
        agent_id: str | None = None,
        email: str | None = None,
        **call: Unpack[CallOptions],
    ) -> RecordingControlResult:
        """Resume the recording of the agent's active transaction."""
        return await self.control(RecordingAction.RESUME, agent_id=agent_id, email=email, **call)

    async def control(
        self,
        action: RecordingAction | str,
        *,
        agent_id: str | None = None,
        email: str | None = None,
        **call: Unpack[CallOptions],
    ) -> RecordingControlResult:
        """Send `action` for one agent, given by `agent_id` or `email` (exactly one)."""
        chosen = _action(action)
        kind, who = one_identifier(agent_id=agent_id, email=email)
        if kind == "email" and ("@" not in who or "/" in who):
            raise InvalidArgumentError(f"email must be an address like a@b.com; got {who!r}")
        if not self._tenant:
            raise ConfigurationError(
                "recording control needs the tenant name: pass tenant= (or EIGHTBYEIGHT_TENANT)"
            )
        wire_kind = "agentId" if kind == "agent_id" else "email"
        segments = {"action": chosen.value, "tenant": self._tenant, "kind": wire_kind}
        options = CONTROL.request(segments={**segments, "target": who}, **call)

        def parse(response: httpx.Response) -> tuple[RecordingControlStatus, dict[str, Any]]:
            return parse_answer(response.content)

        with documented_statuses(
            not_found=f"no agent with {kind}={who!r} in this tenant",
            bad_request="the recording control API did not recognise the action",
        ):
            status, extra = await self._pipeline.request_parsed(options, parse)
        if kind == "email":
            return RecordingControlResult(chosen, status, email=who, extra=extra)
        return RecordingControlResult(chosen, status, agent_id=who, extra=extra)

    def browser_url(self, action: RecordingAction | str, *, token: str) -> str:
        """`control_recording_url()` on this client's Contact Center host."""
        if self._base_url is None:
            raise ConfigurationError(
                "the browser URL needs the tenant's Contact Center host: pass platform= or "
                "base_url= to ContactCenter"
            )
        return control_recording_url(self._base_url, action, token=token)
