"""The query of a statistics listing: its path, record type and validated parameters."""

from __future__ import annotations

import urllib.parse
from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

from .._convert import wire_name
from .._dates import coerce_date_range, validate_timezone
from .._errors import InvalidArgumentError

T = TypeVar("T")
DateInput = Any
"""A `DateRange`, a documented string (`"today-7d,today"`), a date/datetime or a pair."""


@attrs.frozen
class StatsQuery(Generic[T]):
    """One listing: the path after `/api/stats/`, its record type and its query parameters."""

    path: str
    model: type[T]
    params: Mapping[str, str]


def path_segment(name: str, value: object) -> str:
    """An id as one URL path segment (escaped), refusing empty or non-scalar ids."""
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise InvalidArgumentError(f"{name} must be a non-empty string or integer; got {value!r}")
    return urllib.parse.quote(str(value), safe="")


def exactly_one(**choices: object) -> tuple[str, str]:
    """The one id given among `choices` (e.g. agent_id= or group_id=), as (wire plural, id)."""
    given = {name: value for name, value in choices.items() if value is not None}
    if len(given) != 1:
        names = " or ".join(f"{name}=" for name in choices)
        raise InvalidArgumentError(f"give exactly one of {names}; got {len(given)}")
    ((name, value),) = given.items()
    plural = name.removesuffix("_id") + "s"
    return plural, path_segment(name, value)


def _filter_names(model: type[Any]) -> frozenset[str]:
    """The wire names a listing of `model` can be filtered by (the fields it returns)."""
    return frozenset(wire_name(f) for f in attrs.fields(model) if f.name != "extra")


def _filter_value(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, (str, int)):
        return str(value)
    raise InvalidArgumentError(f"filter {name}= must be a string or an integer; got {value!r}")


def stats_query(
    path: str,
    model: type[T],
    *,
    dates: DateInput = None,
    tz: str | None = None,
    filters: Mapping[str, object] | None = None,
) -> StatsQuery[T]:
    """The query of one listing: validated dates, zone and filters with their wire names."""
    params: dict[str, str] = {}
    if dates is not None:
        params["d"] = coerce_date_range(dates).to_query()
    if tz is not None:
        params["tz"] = validate_timezone(tz)
    allowed = _filter_names(model)
    for key, value in (filters or {}).items():
        name = key.replace("_", "-")
        if name not in allowed:
            known = ", ".join(sorted(n.replace("-", "_") for n in allowed))
            raise InvalidArgumentError(
                f"unknown filter {key}= for {path}; filter by a field it returns: {known}"
            )
        params[name] = _filter_value(key, value)
    return StatsQuery(path, model, params)
