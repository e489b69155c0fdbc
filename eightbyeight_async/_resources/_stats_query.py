"""The query parameters of a statistics listing: dates, time zone and field filters."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeVar

import attrs

from .._convert import wire_name
from .._dates import coerce_date_range, validate_timezone
from .._errors import InvalidArgumentError
from .._validate import is_too_large, shown_value
from ..types.stats import AgentInteraction, AllInteraction, CampaignInteraction, QueueInteraction

T = TypeVar("T")
DateInput = Any
"""A `DateRange`, a documented string (`"today-7d,today"`), a date/datetime or a pair."""


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


def date_params(dates: DateInput, tz: str | None) -> dict[str, str]:
    """The `d` (date range) and `tz` (zone) parameters, validated; absent when None."""
    params: dict[str, str] = {}
    if dates is not None:
        params["d"] = coerce_date_range(dates).to_query()
    if tz is not None:
        params["tz"] = validate_timezone(tz)
    return params


def check_filters(filters: object) -> None:
    """Refuse `filters=` that is neither None nor a mapping of field name to value."""
    if filters is not None and not isinstance(filters, Mapping):
        raise InvalidArgumentError(
            f"filters must be a mapping of field name to value; got {type(filters).__name__}"
        )


def stats_params(
    model: type[Any],
    *,
    dates: DateInput = None,
    tz: str | None = None,
    filters: Mapping[str, object] | None = None,
) -> dict[str, str]:
    """The query of one listing of `model`: validated dates, zone and filters by wire name."""
    params = date_params(dates, tz)
    check_filters(filters)
    allowed = _filter_names(model)
    for key, value in (filters or {}).items():
        name = str(key).replace("_", "-")
        if name not in allowed:
            known = ", ".join(sorted(n.replace("-", "_") for n in allowed))
            raise InvalidArgumentError(
                f"unknown filter {key}= for {model.__name__} records; "
                f"filter by a field they have: {known}"
            )
        params[name] = _filter_value(key, value)
    return params
