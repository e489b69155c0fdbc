"""The query of a statistics listing: its path, record type and validated parameters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Generic, TypeVar

import attrs

from .._convert import wire_name
from .._dates import coerce_date_range, validate_timezone
from .._errors import InvalidArgumentError
from .._validate import exactly_one_of, is_too_large, path_segment, shown_value
from ..types.stats import AgentInteraction, AllInteraction, CampaignInteraction, QueueInteraction

T = TypeVar("T")
DateInput = Any
"""A `DateRange`, a documented string (`"today-7d,today"`), a date/datetime or a pair."""


@attrs.frozen
class StatsQuery(Generic[T]):
    """One listing: the path after `/api/stats/`, its record type and its query parameters."""

    path: str
    model: type[T]
    params: Mapping[str, str]
    paged: bool = True
    """False for the endpoints the document says take no query parameters (skills)."""


def exactly_one(**choices: object) -> tuple[str, str]:
    """The one id given among `choices` (e.g. agent_id= or group_id=), as (wire plural, id)."""
    name, value = exactly_one_of(**choices)
    plural = name.removesuffix("_id") + "s"
    return plural, path_segment(name, value)


def _fields_of(model: type[Any]) -> frozenset[str]:
    return frozenset(wire_name(f) for f in attrs.fields(model) if f.name != "extra")


INTERACTION_MODELS = (AgentInteraction, QueueInteraction, CampaignInteraction, AllInteraction)
_DOCUMENTED_EXAMPLE = frozenset({"media-type", "queue-id"})
"""The document's example (`/agents/{agentId}/interactions?media-type=T&queue-id=102`)
filters by fields no interaction sample shows."""
_INTERACTION_FIELDS = _DOCUMENTED_EXAMPLE.union(*map(_fields_of, INTERACTION_MODELS))


def _filter_names(model: type[Any]) -> frozenset[str]:
    """The wire names a listing of `model` can be filtered by: the fields it returns, and for
    an interaction listing those of every interaction record and the document's example."""
    if model in INTERACTION_MODELS:
        return _INTERACTION_FIELDS
    return _fields_of(model)


def _filter_value(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "Y" if value else "N"
    if isinstance(value, (str, int)) and not is_too_large(value):
        return str(value)
    raise InvalidArgumentError(
        f"filter {name}= must be a string or an integer; got {shown_value(value)}"
    )


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
