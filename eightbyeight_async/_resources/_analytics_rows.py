"""Report data pages into `ReportRow`s: the values converted, the totals read, the page's body
kept as the rows' `raw`.

A `RowReader` belongs to one `job.rows()` read and remembers the conversions it made in a
bounded cache (a report repeats its values a lot: zeros, names, time buckets); nothing is
shared between reads or kept at module level.

A page of the documented shape (every value a string or null) is decoded by msgspec, with the
`speedups` extra, straight into small structs that are not tracked by the garbage collector:
about twice as fast as building its dicts, and the labels are not even built (each row reads
them from `raw` on demand). Any other page, or any page without msgspec, takes the general
path, which reads whatever shape the records have and says what is wrong with a malformed
one; both paths give the same rows (tests/test_analytics_rows.py).

The cyclic garbage collector is never paused. It has little to do anyway: a fast-path page
waits in the prefetch window as its converted values (dicts of numbers and strings, which the
collector does not track) and its rows are built when the reader reaches it
(`DeferredRecords`); a general-path page is parsed one record at a time (`page_records`), so
each record's dicts and list are freed as soon as its row is built, before they can age into
the older generations whose collections traverse every object of the process; and rows keep
no per-row dict or list of the wire record (`PageRecords`).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Iterator, Mapping
from functools import partial
from typing import Any, Final

from .. import _formats
from .._errors import DecodeError
from .._pagination import DeferredRecords, Records
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

decode_documented_page: Callable[[bytes], list[Any] | None] | None
"""The records of a page of the documented shape, or None; itself None without msgspec."""

try:  # the `speedups` extra
    import msgspec
except ImportError:  # pragma: no cover - depends on the installation
    decode_documented_page = None
else:

    class _DocumentedItem(msgspec.Struct, gc=False):
        """One `{key, label, value}` item whose value is, as documented, a string or null."""

        key: str
        value: str | None = None

    class _DocumentedRecord(msgspec.Struct, gc=False):
        """One data row of the documented shape; `total` is read by `parse_total`."""

        items: list[_DocumentedItem]
        total: dict[str, Any] | None = None

    def _documented_records(body: bytes) -> list[Any] | None:
        """The records of a page of the documented shape, or None for any other body
        (another shape, malformed JSON, UTF-16, lone surrogates: the general path reads
        those, or says what is wrong)."""
        try:
            return _decode_documented(body)
        except msgspec.MsgspecError:
            return None

    _decode_documented = msgspec.json.Decoder(list[_DocumentedRecord]).decode
    decode_documented_page = _documented_records


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


class _ValueCache(dict[str | None, RowValue]):
    """Converted wire strings (and null); a miss converts (a dict subclass with
    `__missing__`, so a hit costs one C-level lookup). Full at `size`, it starts over."""

    __slots__ = ("_size",)

    def __init__(self, size: int) -> None:
        super().__init__()
        self._size = size

    def __missing__(self, text: str | None) -> RowValue:
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
        except (KeyError, TypeError, AttributeError, ValueError) as exc:
            raise _malformed(index, exc) from None
        return ReportRow(index=index, values=values, total=_total(total, index), raw=raw)

    def page(self, body: bytes, first: int) -> Records[ReportRow]:
        """The rows of a data page whose first row is row `first` of the report. On the fast
        path the values are converted now and the rows built when the reader reaches the
        page (`DeferredRecords`: a waiting page then holds no objects the collector tracks)."""
        records = PageRecords(body, first)
        documented = None if decode_documented_page is None else decode_documented_page(body)
        if documented is not None:
            cache = self._cache
            try:
                values = [
                    {item.key: cache[item.value] for item in record.items} for record in documented
                ]
                totals = [
                    None if (total := record.total) is None else _total(total, first + i)
                    for i, record in enumerate(documented)
                ]
            except ValueError:  # a value that does not convert: the general path says where
                pass
            else:
                return DeferredRecords(len(values), partial(_rows, first, values, totals, records))
        row = self.row
        return [row(record, first + i, records) for i, record in enumerate(page_records(body))]


def _rows(
    first: int,
    values: list[dict[str, RowValue]],
    totals: list[ReportTotal | None],
    raw: PageRecords,
) -> list[ReportRow]:
    return [
        ReportRow(index=index, values=row_values, total=total, raw=raw)
        for index, row_values, total in zip(itertools.count(first), values, totals)
    ]


def _malformed(index: int, exc: Exception) -> DecodeError:
    return DecodeError(f"report row {index} is malformed: {type(exc).__name__}: {exc}")


def _total(value: Any, index: int) -> ReportTotal | None:
    """The total of row `index`, if it has one."""
    if value is None:
        return None
    try:
        return parse_total(value)
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise _malformed(index, exc) from None


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
    parse = _formats.parse_json
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
