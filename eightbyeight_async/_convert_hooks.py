"""The one table of conversion rules: from it `_convert` builds both the cattrs converter and
the compiled fast path, so a type (or a wire rule) is added here once and both paths follow.

- `HOOKS`: per field type, the hook that reads a wire value (`hook(value, type)`), and
  optionally a *fast path*: Python source the compiled path inlines instead of calling the
  hook, which must give the hook's result whenever its guard holds and call the hook
  (`{hook}`) otherwise. `tests/test_conversion_agreement.py` proves the two agree.
- Field rules: a field arrives under `wire_name(field)`; `wire_field(..., hook=f)` gives one
  field its own reader `f(value)`; a `T | None` field is None when the value is missing,
  null or "".
- Model rules: fields a model does not know are kept in its `extra` dict; a model may have
  a *preparer* (`prepared_by`) that reshapes its wire record first (nested collections to
  lists, sentinel values to None); a key the preparer removes is kept in `extra` as sent.
"""

from __future__ import annotations

import enum
import types
import typing
from collections.abc import Callable, Mapping
from datetime import datetime, time, timedelta, timezone
from typing import Any, NamedTuple, NoReturn, TypeVar, Union

import attrs

C = TypeVar("C", bound=type)
Prepare = Callable[[Mapping[str, Any]], Mapping[str, Any]]

WIRE_KEY = "eightbyeight_wire"
HOOK_KEY = "eightbyeight_hook"
PREPARE_ATTRIBUTE = "__wire_prepare__"
EXTRA_FIELD = "extra"
EPOCH_MILLIS_THRESHOLD = 100_000_000_000
"""Epoch numbers above this are milliseconds (year 5138 in seconds), below it seconds."""

_TRUE = frozenset({"y", "yes", "true", "1", "on"})
_FALSE = frozenset({"n", "no", "false", "0", "off"})


def wire_metadata(wire: str | None = None, hook: Callable[[Any], Any] | None = None) -> Any:
    """attrs field metadata: the field's wire name, when it is not simply its name with
    `_` → `-`, and its own reader `hook(value)`, when its type's is not the right one."""
    metadata: dict[str, Any] = {}
    if wire is not None:
        metadata[WIRE_KEY] = wire
    if hook is not None:
        metadata[HOOK_KEY] = hook
    return metadata


def wire_field(
    wire: str | None = None, *, hook: Callable[[Any], Any] | None = None, **kwargs: Any
) -> Any:
    """An attrs field with `wire_metadata` (a field without a default that follows one with
    a default is written `attrs.field(metadata=wire_metadata(...))`, which mypy reads)."""
    metadata = {**kwargs.pop("metadata", {}), **wire_metadata(wire, hook)}
    return attrs.field(metadata=metadata, **kwargs)


def wire_name(field: attrs.Attribute[Any]) -> str:
    """The key a field arrives under: explicit metadata, else the hyphenated field name."""
    explicit = field.metadata.get(WIRE_KEY)
    return str(explicit) if explicit else field.name.replace("_", "-")


def model_fields(cls: type[Any]) -> tuple[list[attrs.Attribute[Any]], dict[str, Any], bool]:
    """The model's wire fields (all but `extra`), its resolved type hints, and whether it
    keeps unknown fields in `extra`."""
    fields = attrs.fields(cls)
    wire = [f for f in fields if f.name != EXTRA_FIELD]
    return wire, typing.get_type_hints(cls), len(wire) < len(fields)


def field_hook(field: attrs.Attribute[Any]) -> Callable[[Any], Any] | None:
    """The field's own reader, if `wire_field(hook=...)` gave it one."""
    hook: Callable[[Any], Any] | None = field.metadata.get(HOOK_KEY)
    return hook


def prepared_by(prepare: Prepare) -> Callable[[C], C]:
    """Class decorator: records of this model (and its subclasses) pass through `prepare`."""

    def decorate(cls: C) -> C:
        setattr(cls, PREPARE_ATTRIBUTE, staticmethod(prepare))
        return cls

    return decorate


def preparer(cls: type[Any]) -> Prepare | None:
    """The model's preparer, if it has one."""
    found: Prepare | None = getattr(cls, PREPARE_ATTRIBUTE, None)
    return found


def record_extra(
    original: Mapping[str, Any], prepared: Mapping[str, Any], known: frozenset[str]
) -> dict[str, Any]:
    """What goes to `extra`: the prepared record's unknown keys, and the keys the preparer
    removed, as sent."""
    extra = {k: v for k, v in prepared.items() if k not in known}
    if original is not prepared:
        extra.update({k: v for k, v in original.items() if k not in prepared})
    return extra


def not_a_record(value: Any) -> NoReturn:
    raise ValueError(f"expected a record (mapping), got {type(value).__name__}")


# --- the per-type hooks ---------------------------------------------------------------------


def to_bool(value: Any, _: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected Y/N, yes/no or true/false, got {value!r}")


def to_int(value: Any, _: Any) -> int:
    if isinstance(value, bool):
        raise ValueError(f"expected an integer, got {value!r}")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return int(str(value).strip())


def to_float(value: Any, _: Any) -> float:
    if isinstance(value, bool):
        raise ValueError(f"expected a number, got {value!r}")
    return float(value if isinstance(value, (int, float)) else str(value).strip())


def to_str(value: Any, _: Any) -> str:
    if isinstance(value, (str, int, float)) and not isinstance(value, bool):
        return str(value)
    raise ValueError(f"expected text, got a {type(value).__name__}")


def to_datetime(value: Any, _: Any) -> datetime:
    """ISO-8601 text (offset kept; naive taken as UTC), or epoch seconds/milliseconds."""
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        moment = _from_epoch(value)
    else:
        text = str(value).strip()
        if text.lstrip("-").isdigit():
            moment = _from_epoch(int(text))
        else:
            moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _from_epoch(number: float) -> datetime:
    seconds = number / 1000 if abs(number) >= EPOCH_MILLIS_THRESHOLD else number
    return datetime.fromtimestamp(seconds, tz=timezone.utc)


def to_timedelta(value: Any, _: Any) -> timedelta:
    """A duration given in seconds (the unit the 8x8 documents use)."""
    return timedelta(seconds=to_float(value, float))


def to_time(value: Any, _: Any) -> time:
    """A local time of day, `HH:MM` or `HH:MM:SS`."""
    if isinstance(value, time):
        return value
    text = str(value).strip()
    try:
        return time.fromisoformat(text)
    except ValueError:
        raise ValueError(f"a time of day is HH:MM; got {value!r}") from None


def to_enum(value: Any, cls: Any) -> Any:
    """A code-table member by its wire value (an `OpenEnum` keeps unknown codes)."""
    return cls(value)


class Rule(NamedTuple):
    """How one field type is read: `hook`, and the compiled path's `fast` inline form."""

    hook: Callable[[Any, Any], Any]
    fast: str | None = None


def iso_with_offset(text: str) -> datetime:
    """`to_datetime` of a string, faster for the wire's usual form (ISO-8601 with an
    offset): what `fromisoformat` reads with an offset, `to_datetime` would read the same
    (it refuses surrounding whitespace, which `to_datetime` strips); anything else is
    `to_datetime`'s to read or refuse."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return to_datetime(text, datetime)
    return moment if moment.tzinfo is not None else to_datetime(text, datetime)


HOOKS: Mapping[Any, Rule] = {
    bool: Rule(to_bool),
    int: Rule(to_int, "int(v) if v.__class__ is str else {hook}"),
    float: Rule(to_float, "float(v) if v.__class__ is str else {hook}"),
    str: Rule(to_str, "v if v.__class__ is str else {hook}"),
    # the wire's usual form, ISO-8601 with a numeric offset and no padding, inline
    datetime: Rule(to_datetime, "_iso_with_offset(v) if v.__class__ is str else {hook}"),
    # durations repeat ("0", "12"): a bounded cache of text values beats timedelta()
    timedelta: Rule(
        to_timedelta,
        "(d if (d := _known_duration(v)) is not None else _duration(v)) "
        "if v.__class__ is str else _duration(v)",
    ),
    time: Rule(to_time),
}
"""Field type → how it is read. Enums use `to_enum` (fast: a lookup of the member by its
text); attrs models use the model rules; other types (tuples, lists) cattrs' own hooks."""

ENUM_FAST = "({members}.get(v) if v.__class__ is str else None) or {hook}"
"""The compiled path's inline form for any enum (`_members`: its value → member map)."""


def is_enum(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, enum.Enum)


def is_optional(tp: Any) -> bool:
    origin = typing.get_origin(tp)
    return origin in (Union, types.UnionType) and type(None) in typing.get_args(tp)


def optional_inner(tp: Any) -> Any:
    inner_types = [a for a in typing.get_args(tp) if a is not type(None)]
    return inner_types[0] if len(inner_types) == 1 else Union[tuple(inner_types)]  # noqa: UP007


def empty(value: Any) -> bool:
    """The optional rule: a missing, null or "" value of a `T | None` field is None."""
    return value is None or value == ""
