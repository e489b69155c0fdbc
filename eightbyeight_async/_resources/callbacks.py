"""`cc.callbacks`: the web callback API. `create()` asks the contact center to call a customer
back (`/SC/webcallback.php`, action token as `tenant=`/`token=` parameters); `delete()` removes
the pending callbacks of one external transaction id.

The server reports a refused request as a `ctl_error` code in the query string of the page it
redirects to (your `back` URL); the SDK reads it from the redirect, without fetching that
page, and raises `WebCallbackError` with the code and its documented meaning. Every rule the
document states is checked first, so a request the server would refuse raises
`WebCallbackArgumentError` (the same code) before any I/O.
"""

from __future__ import annotations

import datetime as dt
import re
import urllib.parse

import httpx
from typing_extensions import Unpack

from .._config import ApiFamily
from .._convert import structure_many
from .._endpoints import Action, CallOptions
from .._errors import (
    DecodeError,
    InvalidArgumentError,
    NotFoundError,
    WebCallbackArgumentError,
    WebCallbackError,
)
from .._formats import decode_json
from .._http import HttpPipeline
from .._redact import redact_url
from .._userdata import Pairs, encode_limited
from .._validate import digits
from ..types.callbacks import (
    CallbackType,
    DeletedWebCallback,
    WebCallbackDeletion,
    WebCallbackDeletionOutcome,
    WebCallbackErrorCode,
    WebCallbackReceipt,
)

# The document's examples put every parameter, tenant and token too, in a GET query; the
# answer is a redirect (or a page) that reports the outcome, never followed.
CREATE = Action(ApiFamily.CALLBACKS, "GET", "/SC/webcallback.php", follow_redirects=False)
# Deleting is its own family (Basic tenant:action token). A retry after a 5xx that followed a
# partial delete would answer 404 and report "none found" for callbacks it just removed:
# sent once, and what comes back is raised.
DELETE = Action(
    ApiFamily.CALLBACK_DELETION,
    "DELETE",
    "/api/interactions/webcallback/externaltransaction/{ext_transaction_id}.json",
    idempotent=False,
)
EXT_TRANSACTION_DATA_LIMIT = 500
CTL_USERDATA_LIMIT = 1800
EXT_TRANSACTION_ID_LIMIT = 64
PREVIEW_TIMEOUT_SECONDS = range(15, 10800 + 1)
CALLER_ID_ANONYMOUS = "Anonymous"
CALLER_ID_AGENT_DEFAULT = "-1"
SYSTEM_DATA = frozenset({"ctl_callbackUrl"})
"""The only system data (`ctl_…` name) the web callback document lists."""

Seconds = int | dt.timedelta
_CTL_ERROR = re.compile(r"(?:^|[?&\s])ctl_error=([^&\s]*)")


def _refuse(code: WebCallbackErrorCode, detail: str) -> WebCallbackArgumentError:
    return WebCallbackArgumentError(code.value, code.meaning, detail)


def _digits(name: str, value: str | int, code: WebCallbackErrorCode | None = None) -> str:
    """`digits()`, refused with the `ctl_error` code the server would answer, if one."""
    try:
        return digits(name, value)
    except InvalidArgumentError as exc:
        if code is None:
            raise
        raise _refuse(code, str(exc)) from None


def _seconds(name: str, value: Seconds, code: WebCallbackErrorCode | None = None) -> int:
    """Whole seconds from an int or a timedelta."""
    if isinstance(value, dt.timedelta) and value.total_seconds().is_integer():
        return int(value.total_seconds())
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    detail = f"{name} must be whole seconds (an int or a timedelta); got {value!r}"
    raise _refuse(code, detail) if code else InvalidArgumentError(detail)


def _callback_type(value: CallbackType | int | None) -> CallbackType:
    if value is None:
        raise _refuse(WebCallbackErrorCode.MISSING_CALLBACK_TYPE, "callback_type is required")
    try:
        return CallbackType(value)
    except ValueError:
        raise _refuse(
            WebCallbackErrorCode.UNKNOWN_CALLBACK_TYPE,
            f"callback_type must be 1 (CallbackType.CALL_NOW) or 2 "
            f"(CallbackType.WHEN_AGENT_AVAILABLE); got {value!r}",
        ) from None


def _positive(name: str, value: Seconds, code: WebCallbackErrorCode | None = None) -> str:
    seconds = _seconds(name, value, code)
    if seconds <= 0:
        raise InvalidArgumentError(f"{name} must be greater than 0 seconds; got {seconds}")
    return str(seconds)


def _only_for(kind: CallbackType, allowed: CallbackType, **given: object) -> None:
    """Refuse options the document says apply to the other callback type only."""
    for name, value in given.items():
        if value is not None and kind is not allowed:
            raise InvalidArgumentError(
                f"{name}= applies only to callback_type {allowed.value} "
                f"({allowed.name}); this request is type {kind.value}"
            )


def _caller_id(value: str | int) -> str:
    if value in (CALLER_ID_ANONYMOUS, CALLER_ID_AGENT_DEFAULT, -1):
        return str(value)
    return _digits("caller_id (or 'Anonymous', or '-1' for the agent's default)", value)


def _routing_params(
    kind: CallbackType,
    channel_number: str | int | None,
    queue_id: str | int | None,
    callback_delay: Seconds | None,
    expiration: Seconds | None,
    preview_timeout: Seconds | None,
) -> dict[str, str]:
    """The parameters that depend on the callback type, checked as the document says."""
    _only_for(
        kind, CallbackType.CALL_NOW, channel_number=channel_number, callback_delay=callback_delay
    )
    _only_for(
        kind,
        CallbackType.WHEN_AGENT_AVAILABLE,
        queue_id=queue_id,
        expiration=expiration,
        preview_timeout=preview_timeout,
    )
    params: dict[str, str] = {}
    if kind is CallbackType.CALL_NOW:
        if channel_number is None:
            raise _refuse(WebCallbackErrorCode.MISSING_CHANNEL, "give channel_number= for type 1")
        params["channel_number"] = _digits(
            "channel_number", channel_number, WebCallbackErrorCode.INVALID_CHANNEL
        )
        if callback_delay is not None:
            code = WebCallbackErrorCode.CALLBACK_DELAY_NOT_NUMERIC
            params["callback_delay"] = _positive("callback_delay", callback_delay, code)
        return params
    if queue_id is None:
        raise _refuse(WebCallbackErrorCode.INVALID_QUEUE, "give queue_id= for type 2")
    params["queue_id"] = _digits("queue_id", queue_id, WebCallbackErrorCode.INVALID_QUEUE)
    if expiration is not None:
        params["expiration"] = _positive("expiration", expiration)
    if preview_timeout is not None:
        code = WebCallbackErrorCode.INVALID_PREVIEW_TIMEOUT
        seconds = _seconds("preview_timeout", preview_timeout, code)
        if seconds not in PREVIEW_TIMEOUT_SECONDS:
            raise _refuse(code, f"preview_timeout must be 15 to 10800 seconds; got {seconds}")
        params["previewTimeout"] = str(seconds)
    return params


def _encoded_within(
    pairs: Pairs,
    parameter: str,
    limit: int,
    code: WebCallbackErrorCode,
    *,
    system: frozenset[str] | None = None,
) -> str:
    """`pairs` encoded as the parameter's value, refused with `code` when over `limit`."""
    text = encode_limited(pairs, parameter=parameter, system=system)
    if len(text) > limit:
        raise _refuse(code, f"{parameter} is {len(text)} characters encoded (limit {limit})")
    return text


def _data_params(
    ext_transaction_data: Pairs | None,
    ctl_userdata: Pairs | None,
    ext_transaction_id: str | None,
) -> dict[str, str]:
    """The name/value data parameters and the external transaction id, within their limits."""
    params: dict[str, str] = {}
    if ext_transaction_data is not None:
        params["extTransactionData"] = _encoded_within(
            ext_transaction_data,
            "ext_transaction_data",
            EXT_TRANSACTION_DATA_LIMIT,
            WebCallbackErrorCode.EXTERNAL_DATA_TOO_LONG,
        )
    if ctl_userdata is not None:
        params["ctl_userdata"] = _encoded_within(
            ctl_userdata,
            "ctl_userdata",
            CTL_USERDATA_LIMIT,
            WebCallbackErrorCode.USERDATA_TOO_LONG,
            system=SYSTEM_DATA,
        )
    if ext_transaction_id is not None:
        if not isinstance(ext_transaction_id, str) or not ext_transaction_id:
            raise InvalidArgumentError(
                f"ext_transaction_id must be a non-empty string; got {ext_transaction_id!r}"
            )
        if len(ext_transaction_id) > EXT_TRANSACTION_ID_LIMIT:
            raise _refuse(
                WebCallbackErrorCode.EXTERNAL_TRANSACTION_ID_TOO_LONG,
                f"ext_transaction_id is {len(ext_transaction_id)} characters (limit 64)",
            )
        params["extTransactionId"] = ext_transaction_id
    return params


def ctl_error_of(response: httpx.Response) -> WebCallbackError | None:
    """The `ctl_error` the server answered with: in the redirect's Location, or the body."""
    places = [response.headers.get("location", ""), response.text]
    for place in places:
        found = _CTL_ERROR.search(urllib.parse.unquote_plus(place))
        if found:
            code = WebCallbackErrorCode(found.group(1) or "?")
            return WebCallbackError(code.value, code.meaning)
    return None


class Callbacks:
    """The web callback API. Authenticates with the tenant and its action token."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    async def create(
        self,
        *,
        phone: str | int,
        callback_type: CallbackType | int,
        channel_number: str | int | None = None,
        queue_id: str | int | None = None,
        callback_delay: Seconds | None = None,
        expiration: Seconds | None = None,
        preview_timeout: Seconds | None = None,
        caller_id: str | int | None = None,
        dialplan_id: str | int | None = None,
        ext_transaction_id: str | None = None,
        ext_transaction_data: Pairs | None = None,
        ctl_userdata: Pairs | None = None,
        back: str | None = None,
        **call: Unpack[CallOptions],
    ) -> WebCallbackReceipt:
        """Request a callback to `phone` (digits, E.164 recommended).

        Type 1 (`CallbackType.CALL_NOW`) needs `channel_number`, whose IVR script runs when
        the customer answers, optionally after `callback_delay`. Type 2
        (`WHEN_AGENT_AVAILABLE`) needs the outbound phone `queue_id`, optionally with
        `expiration` and `preview_timeout` (15 to 10800 s). `ext_transaction_data` (≤ 500
        characters encoded) fills the agent's transaction panel; `ctl_userdata` (≤ 1800)
        may hold `ctl_callbackUrl` and user data with `UserDataToken`s;
        `ext_transaction_id` (≤ 64) is what `delete()` takes. Raises `WebCallbackError`.
        """
        kind = _callback_type(callback_type)
        if phone is None or phone == "":
            raise _refuse(WebCallbackErrorCode.PHONE_NOT_PROVIDED, "phone= is required")
        params = {"phone": _digits("phone", phone), "callback_type": str(kind.value)}
        params |= _routing_params(
            kind, channel_number, queue_id, callback_delay, expiration, preview_timeout
        )
        if caller_id is not None:
            params["caller_id"] = _caller_id(caller_id)
        if dialplan_id is not None:
            params["dialplan_id"] = _digits("dialplan_id", dialplan_id)
        if back is not None:
            params["back"] = back
        params |= _data_params(ext_transaction_data, ctl_userdata, ext_transaction_id)
        response = await self._pipeline.request(CREATE.request(params=params, **call))
        error = ctl_error_of(response)
        if error is not None:
            raise error
        return WebCallbackReceipt(
            callback_type=kind,
            phone=params["phone"],
            ext_transaction_id=ext_transaction_id,
            location=response.headers.get("location"),
        )

    async def delete(
        self, ext_transaction_id: str, **call: Unpack[CallOptions]
    ) -> WebCallbackDeletion:
        """Delete every pending web callback created with `ext_transaction_id`.

        The outcome is a value, not an error: all deleted (200), some kept because an agent
        already has them (207, see `not_deleted`), or none found (404). The delete is
        never retried: after a 5xx some callbacks may already be gone, so the server error
        is raised and the outcome is unknown (list or delete again to find out).
        """
        if not isinstance(ext_transaction_id, str) or not ext_transaction_id.strip():
            raise InvalidArgumentError(
                f"ext_transaction_id must be a non-empty string; got {ext_transaction_id!r}"
            )
        options = DELETE.request(segments={"ext_transaction_id": ext_transaction_id}, **call)
        try:
            response = await self._pipeline.request(options)
        except NotFoundError:
            return WebCallbackDeletion(ext_transaction_id, WebCallbackDeletionOutcome.NOT_FOUND)
        # Parsed outside the retry loop: after a 200 or 207 the callbacks are gone, so a
        # retry would answer 404 and report "none found" for callbacks it just deleted.
        try:
            document = decode_json(response.content)
        except DecodeError as exc:
            raise DecodeError(
                f"the delete was answered {response.status_code}, so the callbacks were deleted, "
                f"but the answer is unreadable ({exc}); not retried, as a retry would find none",
                method="DELETE",
                url=redact_url(response.request.url),
            ) from exc
        return _deletion(ext_transaction_id, response.status_code, document)


def _deletion(ext_transaction_id: str, status: int, document: object) -> WebCallbackDeletion:
    data = document.get("data") if isinstance(document, dict) else None
    if not isinstance(data, dict) or "interactions" not in data:
        raise DecodeError(
            "a web callback delete answer needs data.interactions", body=str(document)
        )
    items = data["interactions"]
    records = items if isinstance(items, list) else [items]
    interactions = tuple(structure_many(records, DeletedWebCallback))
    try:
        outcome = WebCallbackDeletionOutcome(status)
    except ValueError:
        raise DecodeError(f"unexpected status {status} for a web callback delete") from None
    return WebCallbackDeletion(
        ext_transaction_id=str(data.get("extTransactionId") or ext_transaction_id),
        outcome=outcome,
        interactions=interactions,
    )
