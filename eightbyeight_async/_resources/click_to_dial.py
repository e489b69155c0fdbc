"""Click-to-dial: the `/AGUI/make_call.php` URL an agent opens in the browser session of the
8x8 Agent Workspace (the request is authenticated by that session's cookie, so the SDK builds
the URL and never calls it). Typical use: a "call" link on a CRM record.

`ctl_userdata` is `[name|value]` data: names starting with `ctl_` are system data (an action
to run after the call, a screen pop, a callback URL), anything else is user data that may hold
`UserDataToken` placeholders. `extTransactionData` links the call log to a CRM record
(`extRecordId`, `extRecordType`).
"""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping

from typing_extensions import Required, TypedDict, Unpack

from .._config import check_base_url
from .._errors import ConfigurationError, InvalidArgumentError
from .._userdata import Pairs, decode_pairs, encode_limited
from .._validate import digits

MAKE_CALL_PATH = "/AGUI/make_call.php"
SUPPORTED_SYSTEM_VALUES: Mapping[str, frozenset[str] | None] = {
    "ctl_action": frozenset({"create"}),
    "ctl_intType": frozenset({"sfdc"}),
    "ctl_launchopt": frozenset({"true", "false"}),
    "ctl_launchext": frozenset({"edit"}),
    "ctl_parentid": None,
    "ctl_callbackUrl": None,
    "ctl_recordname": None,
}
"""The documented system data and the values each supports (None: any value).
`ctl_newRecordId` is left out: the contact center appends it, a tenant must not send it."""


class MakeCallArguments(TypedDict, total=False):
    """The keyword arguments of `make_call_url()` after `base_url` (`phone` required)."""

    phone: Required[str]
    prefix: str | int | None
    caller_id: str | int | None
    dialplan_id: str | int | None
    queue_id: str | int | None
    ctl_userdata: Pairs | None
    ext_transaction_data: Pairs | None


def _check_system_values(encoded: str) -> None:
    for name, value in decode_pairs(encoded):
        supported = SUPPORTED_SYSTEM_VALUES.get(name)
        if supported is not None and value not in supported:
            raise InvalidArgumentError(
                f"ctl_userdata {name} supports {', '.join(sorted(supported))}; got {value!r}"
            )


def make_call_url(
    base_url: str,
    *,
    phone: str,
    prefix: str | int | None = None,
    caller_id: str | int | None = None,
    dialplan_id: str | int | None = None,
    queue_id: str | int | None = None,
    ctl_userdata: Pairs | None = None,
    ext_transaction_data: Pairs | None = None,
) -> str:
    """The click-to-dial URL on the tenant's host `base_url` (`https://vcc-na4.8x8.com`).

    `phone` may be formatted; `prefix` (may be ""), `caller_id` (a phone channel number),
    `dialplan_id` and `queue_id` (outbound queue) are digits. Every value is URL-encoded.
    """
    if not isinstance(phone, str) or not phone.strip():
        raise InvalidArgumentError(f"phone must be a non-empty phone number; got {phone!r}")
    query: list[tuple[str, str]] = []
    if prefix is not None:
        query.append(("prefix", "" if prefix == "" else digits("prefix", prefix)))
    query.append(("phone", phone))
    optional = (("callerId", caller_id), ("dialplan_id", dialplan_id), ("queue_id", queue_id))
    query += [(name, digits(name, value)) for name, value in optional if value is not None]
    if ctl_userdata is not None:
        system = frozenset(SUPPORTED_SYSTEM_VALUES)
        encoded = encode_limited(ctl_userdata, parameter="ctl_userdata", system=system)
        _check_system_values(encoded)
        query.append(("ctl_userdata", encoded))
    if ext_transaction_data is not None:
        encoded = encode_limited(ext_transaction_data, parameter="ext_transaction_data")
        query.append(("extTransactionData", encoded))
    host = str(check_base_url("base_url", base_url)).rstrip("/")
    return f"{host}{MAKE_CALL_PATH}?{urllib.parse.urlencode(query, quote_via=urllib.parse.quote)}"


class ClickToDial:
    """Builds click-to-dial URLs for the client's tenant host (no request is sent)."""

    def __init__(self, base_url: str | None) -> None:
        self._base_url = base_url

    def make_call_url(self, **call: Unpack[MakeCallArguments]) -> str:
        """`make_call_url()` on this client's Contact Center host."""
        if self._base_url is None:
            raise ConfigurationError(
                "click-to-dial needs the tenant's Contact Center host: pass platform= or "
                "base_url= to ContactCenter"
            )
        return make_call_url(self._base_url, **call)
