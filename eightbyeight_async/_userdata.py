"""The `[name|value]` pair encoding of `ctl_userdata`, `extTransactionData` and `extIvrData`,
and the `$token$` placeholders the server fills in after a call.

Click-to-dial, web callback and external IVR all carry name/value data as
`[name1|value1][name2|value2]…`. The documents define no escape for `[`, `]` or `|`, so a
name or value holding one of them cannot be sent faithfully: `encode_pairs` refuses it (an
`InvalidArgumentError` naming the pair) instead of sending data the server would split
differently. Anything else passes through unchanged (spaces, newlines, `=`, `$`, non-ASCII);
URL-encoding happens later, with the rest of the query. Names must not be empty.

    >>> encode_pairs({"First Name": "John", "Ticket": f"#{UserDataToken.TRANSACTION_ID}"})
    '[First Name|John][Ticket|#$transaction_id$]'
    >>> decode_pairs("[First Name|John] [Last Name|Smith]")
    [('First Name', 'John'), ('Last Name', 'Smith')]
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping

from ._errors import InvalidArgumentError

RESERVED_CHARACTERS = frozenset("[]|")
"""Characters with a meaning in the encoding, which has no escape for them."""

SYSTEM_PREFIX = "ctl_"
"""Names starting with this are system data the server acts on; any other name is user data."""

Pairs = Mapping[str, str] | Iterable[tuple[str, str]]
"""Name/value data: a mapping, or (name, value) pairs when order or repeats matter."""

_PAIR = re.compile(r"\s*\[([^\[\]|]+)\|([^\[\]|]*)\]")
_SPACE_TO_END = re.compile(r"\s*\Z")


class UserDataToken(enum.Enum):
    """A `$token$` placeholder the server replaces with call data before using user data.

    `str(token)` (and f-strings) give the wire form, e.g. `$interaction_guid$`."""

    CALLER_ID = "caller_id"
    TRANSACTION_ID = "transaction_id"
    CALL_ANSWERED_TIME = "call_answered_time"
    CALL_HANGUP_TIME = "call_hangup_time"
    CALL_ANSWERED_TENANT_TIME = "callAnsweredTenantTT"
    CALL_HANGUP_TENANT_TIME = "callHangupTenantTT"
    CALL_DURATION = "callDuration"
    EQUAL = "equal"
    INTERACTION_GUID = "interaction_guid"
    YEAR = "year"
    MONTH = "month"
    DATE = "date"
    HOURS = "hours"
    MINUTES = "minutes"
    SECONDS = "seconds"
    TRANSACTION_CODES = "transaction_codes"
    NOTES = "notes"
    LAST_TCL_LIST_NAME = "lastTclListName"
    LAST_TCL_CODE_DESC = "lastTclCodeDesc"
    LAST_TCL_CODE_SHORT = "lastTclCodeShort"

    def __str__(self) -> str:
        return f"${self.value}$"

    def __format__(self, format_spec: str) -> str:
        return format(str(self), format_spec)


def _as_pairs(pairs: Pairs) -> list[tuple[str, str]]:
    if isinstance(pairs, (str, bytes)) or not isinstance(pairs, Iterable):
        raise InvalidArgumentError(
            f"name/value data is a mapping or an iterable of (name, value) pairs; got {pairs!r}"
        )
    items = pairs.items() if isinstance(pairs, Mapping) else pairs
    result = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2):
            raise InvalidArgumentError(f"name/value data must be (name, value) pairs; got {item!r}")
        name, value = item
        if not isinstance(name, str) or not isinstance(value, str):
            raise InvalidArgumentError(
                f"names and values must be strings (str() numbers yourself); got {item!r}"
            )
        result.append((name, value))
    return result


def check_pair(name: str, value: str) -> None:
    """Refuse a pair the encoding cannot carry: an empty name, or `[`, `]` or `|` anywhere."""
    if not name:
        raise InvalidArgumentError(f"a name/value pair needs a non-empty name; got value {value!r}")
    for label, text in (("name", name), ("value", value)):
        bad = sorted(RESERVED_CHARACTERS.intersection(text))
        if bad:
            raise InvalidArgumentError(
                f"the {label} of pair [{name}|…] contains {' '.join(bad)}, which the "
                "[name|value] encoding has no escape for; remove or replace it"
            )


def encode_pairs(pairs: Pairs) -> str:
    """Encode name/value data as `[name|value]…`, in order; refuses what cannot round-trip."""
    checked = _as_pairs(pairs)
    for name, value in checked:
        check_pair(name, value)
    return "".join(f"[{name}|{value}]" for name, value in checked)


def decode_pairs(text: str) -> list[tuple[str, str]]:
    """Decode `[name|value]…` into (name, value) pairs, in order (whitespace between pairs
    is skipped); text that is not in that form is an InvalidArgumentError."""
    pairs: list[tuple[str, str]] = []
    position = 0
    while (found := _PAIR.match(text, position)) is not None:
        pairs.append((found.group(1), found.group(2)))
        position = found.end()
    if _SPACE_TO_END.match(text, position) is None:
        raise InvalidArgumentError(
            f"not [name|value] data at character {position}: {text[position : position + 30]!r}"
        )
    return pairs


def system_names(pairs: Iterable[tuple[str, str]]) -> list[str]:
    """The names among `pairs` that the server treats as system data (`ctl_…`)."""
    return [name for name, _ in pairs if name.startswith(SYSTEM_PREFIX)]


def encode_limited(
    pairs: Pairs,
    *,
    parameter: str,
    limit: int | None = None,
    system: frozenset[str] | None = None,
) -> str:
    """Encode `pairs` for one request parameter. Where the parameter has system data
    (`system` given), every `ctl_` name must be one of `system`: the server would act on any
    other. With `limit`, the encoded text must fit in that many characters."""
    checked = _as_pairs(pairs)
    unknown = [] if system is None else [n for n in system_names(checked) if n not in system]
    if unknown:
        allowed = ", ".join(sorted(system or ())) or "none"
        raise InvalidArgumentError(
            f"{parameter} names starting with {SYSTEM_PREFIX!r} are system data; "
            f"{', '.join(unknown)} is not one this API accepts (accepted: {allowed}); "
            "rename user data so it does not start with 'ctl_'"
        )
    encoded = encode_pairs(checked)
    if limit is not None and len(encoded) > limit:
        raise InvalidArgumentError(
            f"{parameter} is {len(encoded)} characters encoded; the limit is {limit}"
        )
    return encoded
