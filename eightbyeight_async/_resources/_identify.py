"""Shared by the operational APIs: one identifier among several."""

from __future__ import annotations

from .._errors import InvalidArgumentError
from .._validate import exactly_one_of


def one_identifier(**choices: str | None) -> tuple[str, str]:
    """The one identifier given among `choices` (e.g. call_id= or guid=), as (name, value)."""
    name, value = exactly_one_of(**choices)
    if not isinstance(value, str) or not value.strip():
        raise InvalidArgumentError(f"{name} must be a non-empty string; got {value!r}")
    return name, value
