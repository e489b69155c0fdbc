"""Records of the CC Historical Analytics API (`/analytics/cc/{version}/historical-metrics`).

Report types (with their groupings, filters and metrics), the status of a report job, its
links, and the rows of its JSON data pages. A row's `value`s are always strings on the wire;
`ReportRow.values` holds them converted by `convert_value`: integers to `int`, decimals to
`float` (or `Decimal` when a float would not keep every digit), ISO-8601 timestamps with an
offset to aware `datetime`, `null` to None, anything else unchanged. `ReportRow.raw` keeps
the record as received.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any, Literal, Union

import attrs

from .._convert import wire_field
from .._enums import OpenEnum

__all__ = [
    "Granularity",
    "ReportFormat",
    "ReportGrouping",
    "ReportLink",
    "ReportLinks",
    "ReportRow",
    "ReportState",
    "ReportStatus",
    "ReportTotal",
    "ReportType",
    "RowValue",
    "TotalType",
]

Granularity = Literal["15m", "30m", "hour", "day", "week", "month", "year", "none"]
"""The time bucket of a report's rows (`none`: one row per grouping for the whole range)."""

ReportFormat = Literal["csv", "xlsx"]
"""The file format of a report download."""

RowValue = Union[int, float, Decimal, datetime, str, None]  # noqa: UP007 - a runtime alias
"""A converted report value."""

VALUE_CACHE_SIZE = 8192
"""Distinct wire strings whose conversion is remembered (values repeat a lot in a report)."""

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[-+][0-9]{2}:[0-9]{2})"
)
_cache: dict[str, RowValue] = {}


def _convert_text(text: str) -> RowValue:
    if _INTEGER.fullmatch(text):
        return int(text)
    if _DECIMAL.fullmatch(text):
        number = float(text)
        return number if Decimal(repr(number)) == Decimal(text) else Decimal(text)
    if _TIMESTAMP.fullmatch(text):
        moment = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return text


def convert_value(value: Any) -> RowValue:
    """One wire value, converted: numbers without leading zeros (ids like "007" and phone
    numbers like "+1555…" stay text), timestamps with a `Z` or offset, None for null."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    if not isinstance(value, str):
        return str(value)
    converted = _cache.get(value, _cache)
    if converted is _cache:
        converted = _convert_text(value)
        if len(_cache) < VALUE_CACHE_SIZE:
            _cache[value] = converted
    return converted  # type: ignore[return-value]


def convert_items(items: list[Any]) -> dict[str, RowValue]:
    """`[{key, label, value}, ...]` → values by key (the hot path of `job.rows()`)."""
    cached = _cache.get
    values: dict[str, RowValue] = {}
    for item in items:
        text = item.get("value")
        found = cached(text, _cache) if text.__class__ is str else _cache
        values[item["key"]] = convert_value(text) if found is _cache else found  # type: ignore[assignment]
    return values


class ReportStatus(OpenEnum):
    """The status of a report job."""

    IN_PROGRESS = "IN_PROGRESS"
    DONE = "DONE"
    FAILED = "FAILED"


class TotalType(OpenEnum):
    """What a total row sums up."""

    SUBTOTAL = "subtotal"
    GRAND_TOTAL = "grandtotal"


@attrs.define(slots=True, kw_only=True)
class ReportGrouping:
    """One `groupBy` option of a report type: its name and the filters it allows."""

    name: str
    filters: tuple[str, ...] = ()
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class ReportType:
    """A report type from `/report-types`: its groupings and the metrics it can return.

    Detailed report types are listed too; they may have no groupings or metrics.
    """

    type: str
    group_by: tuple[ReportGrouping, ...] = wire_field("groupBy", default=())
    metrics: tuple[str, ...] = ()
    extra: dict[str, Any] = attrs.field(factory=dict)

    def grouping(self, name: str) -> ReportGrouping | None:
        """The grouping called `name`, or None."""
        return next((g for g in self.group_by if g.name == name), None)


@attrs.define(slots=True, kw_only=True)
class ReportState:
    """A report job's id and status, as the create and status requests answer."""

    id: str
    status: ReportStatus
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class ReportLink:
    """One entry of `/{id}/links`: the relation (`status`, `data`, `download`) and its URL."""

    relation: str
    link: str
    extra: dict[str, Any] = attrs.field(factory=dict)


@attrs.define(slots=True, kw_only=True)
class ReportLinks:
    """A report's links by relation; `data` and `download` only once the report is DONE."""

    status: str | None = None
    data: str | None = None
    download: str | None = None
    all: tuple[ReportLink, ...] = ()


@attrs.define(slots=True, kw_only=True)
class ReportTotal:
    """The `total` of a subtotal or grand-total row; a subtotal's indices say which rows it
    sums (positions in the whole report, from 0); a grand total has none."""

    type: TotalType
    start_index: int | None = None
    end_index: int | None = None


@attrs.define(slots=True, kw_only=True)
class ReportRow:
    """One row of a report's data: values by key, labels by key, and its total, if any.

    `row["queue"]` is `row.values["queue"]`. `index` is the row's position in the report.
    """

    index: int
    values: dict[str, RowValue]
    total: ReportTotal | None
    raw: Mapping[str, Any]

    def __getitem__(self, key: str) -> RowValue:
        return self.values[key]

    @property
    def labels(self) -> dict[str, str]:
        """The human-friendly label of each key (the key itself where the server gave none);
        read from `raw` on demand, since every row repeats the same labels."""
        items = self.raw.get("items")
        if not isinstance(items, list):
            return {key: key for key in self.values}
        return {item["key"]: item.get("label") or item["key"] for item in items}

    @property
    def is_subtotal(self) -> bool:
        """True for a subtotal row."""
        return self.total is not None and self.total.type == TotalType.SUBTOTAL

    @property
    def is_grand_total(self) -> bool:
        """True for the grand-total row."""
        return self.total is not None and self.total.type == TotalType.GRAND_TOTAL

    @property
    def start_index(self) -> int | None:
        """The first row a subtotal sums (None for other rows)."""
        return None if self.total is None else self.total.start_index

    @property
    def end_index(self) -> int | None:
        """The last row a subtotal sums (None for other rows)."""
        return None if self.total is None else self.total.end_index
