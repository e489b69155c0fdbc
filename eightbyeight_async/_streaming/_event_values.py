"""Wire values to typed ones, for the event decoders (`_event_decode`), never raising.

Each reader takes the wire value, its wire name and the event's `extra` dict: a value it can
type is returned typed; null and "" are read as absent (None); any other value is put in
`extra[name]` unchanged and None returned. So a wrong type in a typed slot costs the typed
attribute, never the value and never the event.

Each reader tests the exact type of the common case first: they run a dozen times per event,
and a `type() is` test is several times cheaper than an ABC `isinstance` check.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from ._event_model import NO_MSG_INFO, MsgInfo

UTC = dt.timezone.utc
fromtimestamp = dt.datetime.fromtimestamp
"""Called positionally (`fromtimestamp(n, UTC)`): a keyword argument costs ~0.3 µs more."""
CLOCK_ERRORS = (OverflowError, OSError, ValueError)
"""What `fromtimestamp` raises for a time beyond the platform's clock functions or year 9999."""

_SECONDS: dict[int, dt.datetime] = {}
_SECONDS_KEPT = 4096
"""Epoch seconds recently converted: the `*TS` fields of a stream repeat the same few seconds
(events come many per second, and e.g. `queueTime` equals `eventTS` when an interaction is
created), and a dict hit is ~8x cheaper than `fromtimestamp`. Datetimes are immutable, so
sharing one is safe; the cache is emptied when full."""

_MSG_INFO_KEYS = frozenset({"instanceId", "sequenceId", "timestamp"})


def from_seconds(number: int) -> dt.datetime:
    """The aware UTC datetime of epoch seconds `number` (raises one of CLOCK_ERRORS)."""
    found = _SECONDS.get(number)
    if found is None:
        found = fromtimestamp(number, UTC)
        if len(_SECONDS) >= _SECONDS_KEPT:
            _SECONDS.clear()
        _SECONDS[number] = found
    return found


def to_int(value: Any) -> int | None:
    """An integer from an int, an integral float or decimal digits; None otherwise."""
    kind = type(value)
    if kind is int:
        return value  # type: ignore[no-any-return]
    if kind is str and "_" not in value:
        try:
            return int(value)
        except ValueError:
            return None
    if kind is float and value.is_integer():
        return int(value)
    return None


def _to_number(value: Any) -> int | float | None:
    number = to_int(value)
    if number is not None or type(value) is not str:
        return number
    try:
        decimal = float(value)
    except ValueError:
        return None
    return decimal if math.isfinite(decimal) else None


def text(value: Any, name: str, extra: dict[str, Any]) -> str | None:
    """Text; a number becomes its digits (`1000` → "1000"); a boolean, object or list is
    kept in `extra`."""
    kind = type(value)
    if kind is str:
        return value or None
    if value is None:
        return None
    if kind is int or kind is float:
        return str(value)
    extra[name] = value
    return None


def loose_text(value: Any) -> str | None:
    """Text of a scalar, booleans included ("true"/"false"); None for null, objects, lists."""
    kind = type(value)
    if kind is str:
        return value  # type: ignore[no-any-return]
    if kind is bool:
        return "true" if value else "false"
    if kind is int or kind is float:
        return str(value)
    return None


def integer(value: Any, name: str, extra: dict[str, Any]) -> int | None:
    """An integer (digits in text too); anything else is kept in `extra`."""
    if type(value) is int:
        return value
    if value is None or value == "":
        return None
    number = to_int(value)
    if number is None:
        extra[name] = value
    return number


def seconds(value: Any, name: str, extra: dict[str, Any]) -> dt.datetime | None:
    """Epoch seconds (int, float or their text) as an aware UTC datetime; a value that is
    not one, or beyond the clock's range, is kept in `extra`."""
    try:
        if type(value) is int:
            return from_seconds(value)
        if value is None or value == "":
            return None
        number = _to_number(value)
        if type(number) is int:
            return from_seconds(number)
        if number is not None:
            return fromtimestamp(number, UTC)
    except CLOCK_ERRORS:
        pass
    extra[name] = value
    return None


def millis(value: Any, name: str, extra: dict[str, Any]) -> dt.datetime | None:
    """Epoch milliseconds as an aware UTC datetime; otherwise as `seconds` does."""
    number = value if type(value) is int else _to_number(value)
    if number is not None:
        try:
            return fromtimestamp(number / 1000, UTC)
        except CLOCK_ERRORS:
            pass
    if value is not None and value != "":
        extra[name] = value
    return None


_new = object.__new__
_set_instance_id = MsgInfo.__dict__["instance_id"].__set__
_set_sequence_id = MsgInfo.__dict__["sequence_id"].__set__
_set_timestamp = MsgInfo.__dict__["timestamp"].__set__


def _new_msg_info(instance_id: str, sequence_id: int, timestamp: dt.datetime) -> MsgInfo:
    """`MsgInfo(instance_id, sequence_id, timestamp)`, built once per event: setting the
    (frozen) slots directly saves 40% of the attrs `__init__` (a test compares the two)."""
    info: MsgInfo = _new(MsgInfo)
    _set_instance_id(info, instance_id)
    _set_sequence_id(info, sequence_id)
    _set_timestamp(info, timestamp)
    return info


def msg_info(value: Any, extra: dict[str, Any] | None) -> MsgInfo:
    """`msgInfo`; `{}` (Event Streaming) or none is the empty MsgInfo. If any member cannot
    be typed or is undocumented, the whole `msgInfo` is kept in `extra` as received."""
    if type(value) is dict:
        if not value:
            return NO_MSG_INFO
        instance = value.get("instanceId")
        sequence = value.get("sequenceId")
        stamp = value.get("timestamp")
        if (  # the SAPI JSON form: read without a function call per member
            len(value) == 3
            and type(instance) is str
            and type(sequence) is int
            and type(stamp) is int
        ):
            try:
                return _new_msg_info(instance, sequence, fromtimestamp(stamp / 1000, UTC))
            except CLOCK_ERRORS:
                pass
    elif value is None:
        return NO_MSG_INFO
    if not isinstance(value, Mapping):
        if extra is not None:
            extra["msgInfo"] = value
        return NO_MSG_INFO
    unread: dict[str, Any] = {}
    info = MsgInfo(
        text(value.get("instanceId"), "instanceId", unread),
        integer(value.get("sequenceId"), "sequenceId", unread),
        millis(value.get("timestamp"), "timestamp", unread),
    )
    if extra is not None and (unread or not value.keys() <= _MSG_INFO_KEYS):
        extra["msgInfo"] = value
    return info


def agent_ids(value: Any, name: str, extra: dict[str, Any]) -> list[str]:
    """Agent ids: text separated by `,` or `;` (trimmed, empties left out), a list of ids,
    or one number; anything else (or a list with an object in it) is kept in `extra`."""
    if value is None:
        return []
    kind = type(value)
    if kind is str:
        return [part for item in value.replace(";", ",").split(",") if (part := item.strip())]
    if kind is int:
        return [str(value)]
    if kind is list:
        found = [loose_text(item) for item in value]
        if None not in found:
            return [item for part in found if part and (item := part.strip())]
    extra[name] = value
    return []


def undocumented(fields: dict[str, Any], known: frozenset[str]) -> dict[str, Any]:
    """The members of `fields` not in `known`: a new dict (empty in the common case)."""
    if fields.keys() <= known:
        return {}
    return {key: value for key, value in fields.items() if key not in known}
