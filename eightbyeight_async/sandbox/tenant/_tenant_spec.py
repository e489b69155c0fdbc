"""What tenant to generate: `TenantSpec` (sizes, seed, end and time zone of the data)."""

from __future__ import annotations

import datetime as dt

import attrs

DEFAULT_NOW = dt.datetime(2024, 6, 3, 17, 0, 0, tzinfo=dt.timezone.utc)
"""The fixed "now" of a tenant unless one is given, so the same seed gives the same data."""


@attrs.frozen
class TenantSpec:
    """How much data to generate, from which seed, ending when, in which time zone."""

    seed: int = 0
    name: str | None = None
    groups: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    agents: int = attrs.field(default=12, validator=attrs.validators.ge(1))
    queues: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    campaigns: int = attrs.field(default=2, validator=attrs.validators.ge(0))
    days: int = attrs.field(default=3, validator=attrs.validators.ge(0))
    interactions_per_day: int = attrs.field(default=40, validator=attrs.validators.ge(0))
    now: dt.datetime = attrs.field(default=DEFAULT_NOW)
    timezone: str = "America/Los_Angeles"

    @now.validator
    def _aware(self, _attribute: attrs.Attribute[dt.datetime], value: dt.datetime) -> None:
        if value.utcoffset() is None:
            raise ValueError("now must be a timezone-aware datetime")
