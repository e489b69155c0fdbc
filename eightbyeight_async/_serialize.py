"""`to_dict`: any SDK model as plain JSON-ready data, for exports, logs and other tools."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
from collections.abc import Mapping
from typing import Any

import attrs


def to_dict(model: Any) -> dict[str, Any]:
    """A model's fields as JSON-ready data: snake_case keys, ISO-8601 datetimes, durations in
    seconds, enum values, nested models as dicts; fields the SDK did not know stay in `extra`.
    Private fields (leading `_`) and the raw payload of stream events are left out."""
    if not attrs.has(type(model)):
        raise TypeError(f"to_dict expects an SDK model; got {type(model).__name__}")
    return {
        field.name: _plain(getattr(model, field.name))
        for field in attrs.fields(type(model))
        if not field.name.startswith("_") and field.repr is not False
    }


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.datetime, dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if attrs.has(type(value)):
        return to_dict(value)
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(item) for item in value]
    return str(value)


_LINE_BREAKS = str.maketrans({"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"})


def json_line(value: Any) -> str:
    """One JSON Lines record, newline-terminated: UTF-8 text kept readable, but the
    characters `str.splitlines` treats as line breaks escaped, so any reader splits it right."""
    return json.dumps(value, ensure_ascii=False, default=str).translate(_LINE_BREAKS) + "\n"
