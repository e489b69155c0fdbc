"""Report data pages into `ReportRow`s: the values converted, the totals read, the page's body
kept as the rows' `raw`.

A `RowReader` belongs to one `job.rows()` read and remembers the conversions it made in a
bounded cache (a report repeats its values a lot: zeros, names, time buckets); nothing is
shared between reads or kept at module level.

The cyclic garbage collector is never paused. It has little to do anyway: a compact page is
parsed one record at a time (`page_records`), so each record's dicts and list are freed as
soon as its row is built, before they can age into the older generations whose collections
traverse every object of the process; and rows keep no per-row dict or list of the wire
record (`PageRecords`). At 1000 rows a page that is ~8x fewer collections than parsing the
page at once (benchmarks/analytics_rows.py).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, Final

from .. import _formats
from .._errors import DecodeError
from ..types.analytics import (
    PageRecords,
    ReportRow,
    ReportTotal,
    RowValue,
    TotalType,
    convert_value,
)

VALUE_CACHE_SIZE: Final = 8192
"""Distinct wire strings a read remembers the conversion of; a full cache starts over."""


def parse_total(value: Any) -> ReportTotal:
    """A row's `total` object (`{type, startIndex, endIndex}`)."""
    if not isinstance(value, Mapping) or "type" not in value:
        raise DecodeError(f"a report row's total is not an object with a type: {value!r}")
    start, end = value.get("startIndex"), value.get("endIndex")
    return ReportTotal(
        type=TotalType(value["type"]),
        start_index=None if start is None else int(start),
        end_index=None if end is None else int(end),
    )


class _ValueCache(dict[str, RowValue]):
    """Converted wire strings; a miss converts (a dict subclass with `__missing__`, so a
    hit costs one C-level lookup). Full at `size`, it starts over."""

    __slots__ = ("_size",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self._size = size

    def __missing__(self, text: str) -> RowValue:
        if len(self) >= self._size:
            self.clear()
        found = self[text] = convert_value(text)
        return found


class RowReader:
    """Rows of the data pages of one read, with a bounded cache of converted values."""

    __slots__ = ("_cache",)

    def __init__(self, cache_size: int = VALUE_CACHE_SIZE) -> None:
        self._cache = _ValueCache(cache_size)

    def values(self, items: list[Any]) -> dict[str, RowValue]:
        """`[{key, label, value}, ...]` → values by key (the hot path of `job.rows()`)."""
        cache, convert = self._cache, convert_value
        return {
            item["key"]: cache[text]
            if (text := item.get("value")).__class__ is str
            else convert(text)
            for item in items
        }

    def row(self, record: Any, index: int, raw: Mapping[str, Any] | PageRecords) -> ReportRow:
        """One data row: items as `[{key, label, value}]` (or, as one sample shows,
        `{key: value}`)."""
        try:
            items = record["items"]
            if items.__class__ is list:
                values = self.values(items)
            else:
                values = {str(k): convert_value(v) for k, v in items.items()}
            total = record.get("total")
            if total is not None:
                total = parse_total(total)
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            detail = f"{type(exc).__name__}: {exc}"
            raise DecodeError(f"report row {index} is malformed: {detail}") from None
        return ReportRow(index=index, values=values, total=total, raw=raw)

    def page(self, body: bytes, first: int) -> list[ReportRow]:
        """The rows of a data page whose first row is row `first` of the report."""
        records, row = PageRecords(body, first), self.row
        return [row(record, first + i, records) for i, record in enumerate(page_records(body))]


def _pieces(body: bytes) -> list[bytes] | None:
    """A compact JSON array of objects cut into one text per object, or None.

    The cut is at `},{"<first key>"`, the first key of the first object: a JSON array's
    objects written by one serializer start alike. In valid JSON that sequence can only stand
    between two objects (inside a string its `"` would end the string); where it stands
    between two nested objects, the texts on both sides have unbalanced brackets and fail to
    parse, and the caller parses the body at once.
    """
    if body[:3] != b'[{"' or body[-1:] != b"]":
        return None
    end = body.find(b'"', 3)
    if end < 0:
        return None
    start = body[1 : end + 1]  # {"<first key>"
    parts = body[1:-1].split(b"}," + start)
    if len(parts) < 2:
        return None
    last = len(parts) - 1
    return [
        (b"" if i == 0 else start) + part + (b"" if i == last else b"}")
        for i, part in enumerate(parts)
    ]


def page_records(body: bytes) -> Iterator[Any]:
    """The records of a data page (a JSON array), one at a time: each parsed on its own where
    the body can be cut into objects (`_pieces`), else all at once (`decode_json`)."""
    pieces = _pieces(body)
    parse = _formats.json_parser_for(body)
    done = 0
    if pieces is not None:
        for piece in pieces:
            try:
                record = parse(piece)
            except (ValueError, RecursionError):  # not cut between objects: parse it whole
                break
            yield record
            done += 1
        else:
            return
    document = _formats.decode_json(body)
    if not isinstance(document, list):
        raise DecodeError("a report data page is not a JSON array", body=body)
    yield from document[done:]


def parse_row(record: Any, index: int) -> ReportRow:
    """One data row on its own, its `raw` the record itself."""
    return RowReader().row(record, index, record)
