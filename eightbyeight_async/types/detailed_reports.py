"""Records and argument types of the CC Historical Analytics v8 detailed reports.

A detailed report has one row per interaction (or per agent status change), with no record
cap. `DetailedRow.values` holds each item's value by key, converted by its wire shape: a
string stays a string, an array is a list, `null` is None, and a timed object
(`{"value": ms | "0:00:41" | ISO, "ongoing": bool}`, the `*Duration` metrics and
`finishedTime`) is a `TimedValue`. `SearchTerm` is one condition of a report's
`searchQuery`; `ReportDetails` is the request a report was created with, as `GET /{id}`
echoes it.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from datetime import datetime, timedelta
from typing import Any, Literal, Union

import attrs

__all__ = [
    "DetailedReportType",
    "DetailedRow",
    "DetailedValue",
    "ReportDetails",
    "SearchOperator",
    "SearchTerm",
    "TimedValue",
]

DetailedReportType = Literal[
    "detailed-reports-interaction-details", "detailed-reports-agent-status-change"
]
"""The detailed report types: one row per interaction, or per agent status change."""

SearchOperator = Literal[
    "=", "!=", ">", ">=", "<=", "<", "contains", "not-in", "in", "is-empty", "is-not-empty"
]
"""The operators of a detailed report's `searchQuery`: `in`/`not-in` take a list of values,
`is-empty`/`is-not-empty` take none, the others one value."""


@attrs.define(slots=True, frozen=True)
class SearchTerm:
    """One condition of a detailed report's search (all conditions must hold).

    `value` is a string, a number, a `datetime.timedelta` (a duration, sent as `10s`, `10m`,
    `3h` or `7d`), a list of those for `in`/`not-in`, or None for `is-empty`/`is-not-empty`.
    A `(field, operator, value)` tuple is accepted wherever a `SearchTerm` is.
    """

    field: str
    operator: SearchOperator
    value: Any = None


@attrs.define(slots=True, eq=True, repr=True)
class TimedValue:
    """A timed value of a detailed row: a duration (`timedelta`, from milliseconds or from
    `"h:mm:ss"` text) or an instant (an aware `datetime`, from ISO 8601; a time without a
    zone is read as UTC), None when the server has none, and whether the interaction was
    still ongoing when the report was made. `raw` is the wire object as received."""

    value: timedelta | datetime | None
    ongoing: bool
    raw: Mapping[str, Any] = attrs.field(repr=False, eq=False)


DetailedValue = Union[str, list[Any], TimedValue, int, float, bool, dict[str, Any], None]  # noqa: UP007 - a runtime alias
"""A converted detailed-report value (numbers, booleans and other objects as received)."""


@attrs.define(slots=True, eq=False)
class DetailedRow:
    """One row of a detailed report: `values` by key (converted), `participants` (when the
    report includes them), `total` as received, and `raw`, the wire record.

    `row["interactionId"]` is `row.values["interactionId"]`; `labels` gives each key's
    human-friendly label (read from `raw` on demand: every row repeats them).
    """

    values: dict[str, DetailedValue]
    participants: list[dict[str, Any]]
    total: Any
    raw: Mapping[str, Any] = attrs.field(repr=False)

    def __getitem__(self, key: str) -> DetailedValue:
        return self.values[key]

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, DetailedRow):
            return NotImplemented
        return self.values == other.values and self.raw == other.raw

    def get(self, key: str, default: Any = None) -> Any:
        """The value of `key`, or `default` when the row has no such item."""
        return self.values.get(key, default)

    @property
    def labels(self) -> dict[str, str]:
        """Each key's label as the server gave it (the key itself where it gave none)."""
        items = self.raw.get("items")
        if not isinstance(items, list):
            return {key: key for key in self.values}
        return {i["key"]: i.get("label") or i["key"] for i in items if isinstance(i, Mapping)}


@attrs.define(slots=True, kw_only=True)
class ReportDetails:
    """A report's details (`GET /{id}`, v8): the request it was created with, echoed.

    The well-known fields are read out (`start`/`end` as aware datetimes, `id` as a string);
    every other field the server sends is kept in `extra`, and `raw` is the whole answer.
    """

    id: str
    type: str | None = None
    title: str | None = None
    start: datetime | None = None
    end: datetime | None = None
    timezone: str | None = None
    metrics: tuple[str, ...] = ()
    search: tuple[SearchTerm, ...] = ()
    include_participants: bool | None = None
    extra: dict[str, Any] = attrs.field(factory=dict)
    raw: Mapping[str, Any] = attrs.field(factory=dict, repr=False)
