"""The compiled fast path and the cattrs converter, both built from `_convert_hooks`' table,
read every wire model the same way: on random wire records (wire names, values as the wire
sends them, nulls, "", missing fields, unknown fields, bad values) both give equal models,
or both raise the same error type."""

from __future__ import annotations

import copy
import datetime as dt
import enum
import importlib
import math
import pkgutil
import typing
from collections.abc import Callable
from typing import Any

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import eightbyeight_async.types
from eightbyeight_async import _convert
from eightbyeight_async._convert_hooks import (
    EXTRA_FIELD,
    field_hook,
    is_optional,
    optional_inner,
    wire_name,
)


def wire_models() -> list[type[Any]]:
    """Every attrs model of `types/` with an `extra` dict: the records the converter reads."""
    package = eightbyeight_async.types
    modules = [package] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(package.__path__, package.__name__ + ".")
    ]
    found: dict[type[Any], None] = {}
    for module in modules:
        for value in vars(module).values():
            if (
                isinstance(value, type)
                and attrs.has(value)
                and value.__module__.startswith(package.__name__)
                and any(f.name == EXTRA_FIELD for f in attrs.fields(value))
            ):
                found[value] = None
    return sorted(found, key=lambda cls: f"{cls.__module__}.{cls.__qualname__}")


MODELS = wire_models()

junk = st.one_of(
    st.none(),
    st.just(""),
    st.text(max_size=8),
    st.integers(),
    st.floats(),
    st.booleans(),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
)
"""Values a field should not get: each path must refuse or accept them alike."""

numbers = st.one_of(
    st.integers(-(10**9), 10**9),
    st.integers(-(10**6), 10**6).map(str),
    st.integers(0, 99).map(lambda n: f" {n} "),
    st.integers(-1000, 1000).map(float),
)
decimals = st.one_of(
    numbers,
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9),
    st.floats(allow_nan=False, allow_infinity=False, min_value=-1e9, max_value=1e9).map(repr),
)
moments = st.datetimes(
    min_value=dt.datetime(1970, 1, 2), max_value=dt.datetime(2100, 1, 1), timezones=st.timezones()
)
datetimes = st.one_of(
    moments.map(dt.datetime.isoformat),
    moments.map(lambda d: d.replace(tzinfo=None).isoformat()),
    moments.map(lambda d: d.replace(tzinfo=None).isoformat() + "Z"),
    moments.map(lambda d: f" {d.isoformat()}"),
    moments.map(lambda d: f"{d.isoformat()} "),
    moments.map(lambda d: d.isoformat(sep=" ", timespec="seconds")),
    st.integers(0, 4_000_000_000),
    st.integers(0, 4_000_000_000_000).map(str),
)
VALID: dict[Any, st.SearchStrategy[Any]] = {
    str: st.one_of(st.text(max_size=10), st.integers(), st.floats()),
    int: numbers,
    float: decimals,
    bool: st.sampled_from(["Y", "N", "yes", "no", "true", "False", "1", "0", True, False]),
    dt.datetime: datetimes,
    dt.timedelta: decimals,
    dt.time: st.times().map(dt.time.isoformat),
}
"""Values as the wire sends them for each type the table reads."""
BAD = st.one_of(
    junk,
    st.sampled_from(["3.5", "1e400", "x", "-", "12:61", "2020-13-01T00:00:00+00:00", "²"]),
    st.floats(),
    st.integers(10**17, 10**30),
)
"""Bad values: junk, and values a number, date or duration reader refuses or overflows on."""
NESTED_ELEMENTS = {
    "week-days": ("week-day",),
    "wrapUpCode": ("transactionCodes", "transactionCode"),
    "metaDatas": ("metaData",),
    "messages": ("message",),
}
"""Collections the wire nests in elements (`<metaDatas><metaData>…`): records hold them so."""
CODES = st.one_of(
    st.sampled_from(["0", "-1", "3", "3.0", "OPEN", "closed", "CHOICE #2", "12", "0.0"]),
    st.integers(-1, 10),
)
"""Values for fields with their own reader (schedule status codes, ids, decimal counts)."""


def value_for(tp: Any, field: attrs.Attribute[Any] | None, depth: int) -> st.SearchStrategy[Any]:
    """Well-formed wire values for a field of type `tp` (nulls and "" for optional ones)."""
    if is_optional(tp):
        return st.one_of(st.none(), st.just(""), value_for(optional_inner(tp), field, depth))
    if field is not None and field_hook(field) is not None:
        return st.one_of(VALID[tp], CODES) if tp in VALID else CODES
    if tp in VALID:
        return VALID[tp]
    if isinstance(tp, type) and issubclass(tp, enum.Enum):
        return st.one_of(st.sampled_from([m.value for m in tp]), st.text(max_size=4))
    if isinstance(tp, type) and attrs.has(tp):
        return record_for(tp, depth + 1) if depth < 2 else junk
    if typing.get_origin(tp) in (tuple, list) and depth < 2:
        item = value_for(typing.get_args(tp)[0], None, depth)
        values = st.one_of(st.lists(item, max_size=3), item)
        for element in reversed(NESTED_ELEMENTS.get(wire_name(field), ()) if field else ()):
            values = st.builds(lambda v, e=element: {e: v}, values)
        return values
    return junk


@st.composite
def record_for(draw: st.DrawFn, cls: type[Any], depth: int = 0) -> dict[str, Any]:
    """A wire record of `cls`: its required fields and any of the others (or, half the time,
    all of them, as servers send them, which the compiled path reads in one call), well-formed,
    plus unknown fields; then up to two fields spoiled (a bad value, or left out)."""
    hints = typing.get_type_hints(cls)
    fields = [f for f in attrs.fields(cls) if f.name != EXTRA_FIELD]
    complete = draw(st.booleans())
    required = {
        wire_name(f): value_for(hints[f.name], f, depth)
        for f in fields
        if f.default is attrs.NOTHING or complete
    }
    optional = {
        wire_name(f): value_for(hints[f.name], f, depth)
        for f in fields
        if f.default is not attrs.NOTHING and not complete
    }
    unknown = draw(st.dictionaries(st.text(min_size=1, max_size=6), junk, max_size=2))
    record = {**unknown, **draw(st.fixed_dictionaries(required, optional=optional))}
    names = [wire_name(f) for f in fields]
    for name in draw(st.lists(st.sampled_from(names), max_size=2, unique=True)) if names else []:
        if draw(st.booleans()):
            record[name] = draw(BAD)
        else:
            record.pop(name, None)
    return record


def snapshot(value: Any) -> Any:
    """A comparable picture of a result: every field (also `extra`, which some models leave
    out of `==`), NaN equal to NaN, datetimes with their offset, enums with their type."""
    if attrs.has(type(value)):
        return (
            type(value),
            {f.name: snapshot(getattr(value, f.name)) for f in attrs.fields(type(value))},
        )
    if isinstance(value, dict):
        return {k: snapshot(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return (type(value), [snapshot(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return "NaN"
    if isinstance(value, dt.datetime):
        return (value, value.utcoffset())
    if isinstance(value, enum.Enum):
        return (type(value), value.value)
    return (type(value), value)


def outcome(convert: Callable[[Any], Any], record: dict[str, Any]) -> Any:
    try:
        return snapshot(convert(copy.deepcopy(record)))
    except Exception as exc:
        return ("raised", type(exc))


def test_discovery_finds_every_family_s_wire_models() -> None:
    from eightbyeight_async.types.realtime import RealtimeAgent
    from eightbyeight_async.types.recent_calls import RecentCall
    from eightbyeight_async.types.recordings import RecordingFile, TranscriptDetail
    from eightbyeight_async.types.schedules import Schedule
    from eightbyeight_async.types.stats import AllInteraction

    known = {AllInteraction, RealtimeAgent, RecentCall, RecordingFile, TranscriptDetail, Schedule}
    assert known <= set(MODELS)
    assert len(MODELS) >= 40


@pytest.mark.parametrize("cls", MODELS, ids=lambda cls: cls.__qualname__)
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_compiled_and_cattrs_paths_agree(cls: type[Any], data: st.DataObject) -> None:
    record = data.draw(record_for(cls), label="record")
    compiled = outcome(_convert._COMPILER.function_for(cls), record)
    converted = outcome(lambda r: _convert._FAST.structure(r, cls), record)
    assert compiled == converted
