"""Records of the CC Historical Analytics API (`/analytics/cc/{version}/historical-metrics`).

Report types (with their groupings, filters and metrics), the status of a report job, its
links, and the rows of its JSON data pages. A row's `value`s are always strings on the wire;
`ReportRow.values` holds them converted by `convert_value`: integers to `int`, decimals to
`float` (or `Decimal` when a float would not keep every digit), ISO-8601 timestamps with an
offset to aware `datetime`, `null` to None, anything else unchanged. `ReportRow.raw` keeps
the record as received (rows of one page share its body, decoded again on demand).
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
from .._formats import decode_json

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

_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]*)")
_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)\.[0-9]+(?:[eE][-+]?[0-9]+)?")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]+)?)?(?:Z|[-+][0-9]{2}:[0-9]{2})"
)


def convert_value(value: Any) -> RowValue:
    """One wire value, converted: numbers without leading zeros (ids like "007" and phone
    numbers like "+1555…" stay text), timestamps with a `Z` or offset, None for null.

    A pure function: `job.rows()` remembers what it converted in a cache of its own."""
    if value is None or (isinstance(value, (int, float)) and not isinstance(value, bool)):
        return value
    if not isinstance(value, str):
        return str(value)
    if _INTEGER.fullmatch(value):
        return int(value)
    if _DECIMAL.fullmatch(value):
        number = float(value)
        return number if Decimal(repr(number)) == Decimal(value) else Decimal(value)
    if _TIMESTAMP.fullmatch(value):
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
        return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return value


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

    def _search(self, part: str) -> tuple[str, ...]:
        query = self.extra.get("searchQuery")
        names = query.get(part) if isinstance(query, Mapping) else None
        if isinstance(names, str):
            return (names,)
        return tuple(n for n in names if isinstance(n, str)) if isinstance(names, list) else ()

    @property
    def search_fields(self) -> tuple[str, ...]:
        """The fields a detailed (or script-paths) report can search on (`searchQuery.fields`;
        empty when the server lists none)."""
        return self._search("fields")

    @property
    def search_operators(self) -> tuple[str, ...]:
        """The search operators the type offers (`searchQuery.operators`)."""
        return self._search("operators")


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


class PageRecords:
    """The records of one data page, kept as the body received and decoded again on the
    first `ReportRow.raw` read: one bytes object instead of a dict and a list per row, so
    the rows of a page hold no containers the garbage collector must keep visiting."""

    __slots__ = ("_body", "_first", "_records")

    def __init__(self, body: bytes, first: int) -> None:
        self._body = body
        self._first = first
        """The index (in the report) of the page's first row."""
        self._records: list[Any] | None = None

    def __repr__(self) -> str:
        return f"PageRecords(first={self._first}, bytes={len(self._body)})"

    def record(self, index: int) -> Mapping[str, Any]:
        """The record of the row at `index` (in the report), as received."""
        if self._records is None:
            self._records = decode_json(self._body)
            self._body = b""  # the decoded records now stand for it
        record: Mapping[str, Any] = self._records[index - self._first]
        return record


@attrs.define(slots=True, kw_only=True, eq=False)
class ReportRow:
    """One row of a report's data: values by key, labels by key, and its total, if any.

    `row["queue"]` is `row.values["queue"]`. `index` is the row's position in the report.
    `row.raw` is the record as received, unknown fields included.
    """

    index: int
    values: dict[str, RowValue]
    total: ReportTotal | None
    _raw: Mapping[str, Any] | PageRecords = attrs.field(alias="raw", repr=False)
    """The record, or (for rows read by `job.rows()`) the page it is read back from."""

    def __getitem__(self, key: str) -> RowValue:
        return self.values[key]

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, ReportRow):
            return NotImplemented
        mine = (self.index, self.values, self.total)
        return mine == (other.index, other.values, other.total) and self.raw == other.raw

    @property
    def raw(self) -> Mapping[str, Any]:
        """The record as received (for rows of `job.rows()`, decoded again from the page's
        body the first time a row of that page asks)."""
        raw = self._raw
        return raw.record(self.index) if isinstance(raw, PageRecords) else raw

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
