"""`cc.interaction_data`: the Interaction Data Augmentation API (`/api/v1/interaction/data/`).

Set variables on a live interaction, identified by the SIP call id of its eIVR leg or by its
interaction guid, and read back the interaction's context. Basic auth with the tenant and its
action token. Variable names and display names are checked before sending (see
`InteractionVariable`); a 404 means the interaction is not (or no longer) in the tenant.
"""

from __future__ import annotations

from collections.abc import Iterable
from contextlib import AbstractContextManager
from typing import Any

import attrs
import httpx
from typing_extensions import Unpack

from .._config import ApiFamily
from .._convert import structure, wire_name
from .._endpoints import Action, CallOptions
from .._errors import InvalidArgumentError, documented_statuses
from .._formats import decode_json
from .._http import HttpPipeline
from ..types.interaction_data import InteractionContext, InteractionVariable
from ._identify import one_identifier

BASE_PATH = "/api/v1/interaction/data/"
# Setting a variable again replaces it: the POST is safe to retry.
SET_VARIABLES = Action(ApiFamily.INTERACTION_DATA, "POST", BASE_PATH, idempotent=True)
_JSON = {"Accept": "application/json"}
CONTEXT_BY_CALL_ID = Action(ApiFamily.INTERACTION_DATA, "GET", BASE_PATH, headers=_JSON)
CONTEXT_BY_GUID = Action(
    ApiFamily.INTERACTION_DATA, "GET", BASE_PATH + "guid/{guid}", headers=_JSON
)
_WIRE_IDS = {"call_id": "callId", "guid": "guid"}


def _statuses(name: str, value: str) -> AbstractContextManager[None]:
    return documented_statuses(
        not_found=f"no interaction with {name}={value!r} in this tenant (it may have ended)",
        bad_request="the interaction data API refused the request (action not supported)",
    )


class InteractionData:
    """The Interaction Data Augmentation API."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    async def set_variables(
        self,
        variables: Iterable[InteractionVariable],
        *,
        call_id: str | None = None,
        guid: str | None = None,
        **call: Unpack[CallOptions],
    ) -> None:
        """Set `variables` on the interaction with SIP `call_id` or interaction `guid`
        (give one). Setting a variable again replaces it; safe to retry."""
        name, value = one_identifier(call_id=call_id, guid=guid)
        listed = list(variables) if isinstance(variables, Iterable) else []
        if not listed or not all(isinstance(v, InteractionVariable) for v in listed):
            raise InvalidArgumentError(
                "variables must be one or more InteractionVariable(name, value, ...)"
            )
        options = SET_VARIABLES.request(
            params={_WIRE_IDS[name]: value},
            json={"variables": [v.to_wire() for v in listed]},
            **call,
        )
        with _statuses(name, value):
            await self._pipeline.request(options)

    async def context(
        self,
        *,
        guid: str | None = None,
        call_id: str | None = None,
        **call: Unpack[CallOptions],
    ) -> InteractionContext:
        """The context of the interaction with `guid` (or SIP `call_id`): its channel,
        caller, queue, agent and the data collected in the IVR. Keys are read in the
        seed's PascalCase (`InteractionId`) or the 2025 document's camelCase (`interactionId`);
        the request keeps the seed's path (the 2025 document shows
        `/api/v1/interaction/data/{identifier}`)."""
        name, value = one_identifier(guid=guid, call_id=call_id)
        if name == "guid":
            options = CONTEXT_BY_GUID.request(segments={"guid": value}, **call)
        else:
            options = CONTEXT_BY_CALL_ID.request(params={"callId": value}, **call)
        with _statuses(name, value):
            return await self._pipeline.request_parsed(options, _parse_context)


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part.capitalize() for part in rest)


_SEED_KEYS = {
    _camel(f.name): wire_name(f) for f in attrs.fields(InteractionContext) if f.name != "extra"
}
"""camelCase context keys (the vendor's 2025 document) → the seed's PascalCase ones."""
_INPUT_KEYS = {"Name": "name", "Value": "value"}


def _renamed(record: dict[str, Any], names: dict[str, str]) -> dict[str, Any]:
    """`record` with keys renamed by `names`; a key already in the target spelling wins."""
    renamed = {names.get(key, key): value for key, value in record.items() if key in names}
    return renamed | {key: value for key, value in record.items() if key not in names}


def _seed_spelling(document: Any) -> Any:
    """A context document with camelCase keys (`interactionId`, `userInput`'s `Name`/`Value`
    too) in the seed's spelling; anything else as it came."""
    if not isinstance(document, dict):
        return document
    context = _renamed(document, _SEED_KEYS)
    inputs = context.get("UserInput")
    if isinstance(inputs, list):
        context["UserInput"] = [
            _renamed(item, _INPUT_KEYS) if isinstance(item, dict) else item for item in inputs
        ]
    return context


def _parse_context(response: httpx.Response) -> InteractionContext:
    return structure(_seed_spelling(decode_json(response.content)), InteractionContext)
