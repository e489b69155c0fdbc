"""Detailed report data pages into `DetailedRow`s: the hot path of a bulk export.

A page is decoded once (msgspec with the `speedups` extra) and each item's value converted
by its wire shape alone, with no per-value model machinery: a string, a number, a boolean or
`null` is kept as is, an array becomes a list, and a timed object (`{"value", "ongoing"}`)
becomes a `TimedValue`. Anything else malformed (a row that is no object, items that are no
list of objects with a string `key`, a timed value of no known form) is a `DecodeError`
naming the row and the page, never a bare KeyError or TypeError.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any, Final

from .._errors import DecodeError
from .._formats import decode_json
from ..types.detailed_reports import DetailedRow, DetailedValue, TimedValue

PARTICIPANTS: Final = "participants"
_CLOCK: Final = re.compile(r"(-)?([0-9]+):([0-5][0-9]):([0-5][0-9])(?:\.([0-9]{1,6}))?")
"""An older sample's duration text: `h:mm:ss` (hours may exceed 23), optional fraction."""
_UTC: Final = dt.timezone.utc
_timedelta: Final = dt.timedelta
_fromiso: Final = dt.datetime.fromisoformat


class MalformedRow(ValueError):
    """A row the reader cannot use; `DecodeError` with the page's place is raised instead."""


def _clock(text: str) -> dt.timedelta | None:
    match = _CLOCK.fullmatch(text)
    if match is None:
        return None
    sign, hours, minutes, seconds, fraction = match.groups()
    length = _timedelta(
        hours=int(hours),
        minutes=int(minutes),
        seconds=int(seconds),
        microseconds=int((fraction or "0").ljust(6, "0")),
    )
    return -length if sign else length


def timed_text(text: str) -> dt.timedelta | dt.datetime:
    """A timed value given as text: milliseconds as digits, `h:mm:ss`, or an ISO instant
    (without a zone read as UTC)."""
    if text[4:5] == "-":  # YYYY-…: an instant (the common text form), tried first
        try:
            moment = _fromiso(text[:-1] + "+00:00" if text[-1:] == "Z" else text)
        except ValueError:
            pass
        else:
            return moment if moment.tzinfo is not None else moment.replace(tzinfo=_UTC)
    elif text.isascii() and text.isdigit():
        return _timedelta(milliseconds=int(text))
    else:
        length = _clock(text)
        if length is not None:
            return length
    raise MalformedRow(f"a timed value is not milliseconds, h:mm:ss or ISO: {text!r}")


def timed(wire: dict[str, Any]) -> TimedValue:
    """`{"value": ms | "0:00:41" | ISO | null, "ongoing": bool}` as a `TimedValue`."""
    value = wire["value"]
    kind = value.__class__
    converted: dt.timedelta | dt.datetime | None
    if kind is int or kind is float:
        converted = _timedelta(milliseconds=value)
    elif kind is str:
        converted = timed_text(value)
    elif value is None:
        converted = None
    else:
        raise MalformedRow(f"a timed value is not a number, text or null: {value!r}")
    ongoing = wire.get("ongoing")
    if ongoing.__class__ is not bool:
        if ongoing is not None:
            raise MalformedRow(f"a timed value's ongoing is not a boolean: {ongoing!r}")
        ongoing = False
    return TimedValue(converted, ongoing, wire)


def _participants(value: object) -> list[dict[str, Any]]:
    if value is None:
        return []
    if not isinstance(value, list) or any(p.__class__ is not dict for p in value):
        raise MalformedRow("its participants are not a list of objects")
    return value


def parse_row(record: Any) -> DetailedRow:
    """One wire row (`{"total", "items": [{key, label, value}]}`) as a `DetailedRow`.

    The common row is read in two C-speed passes (a dict of the items, then a look at the
    values' types); only timed values, arrays, and anything unusual take the checked path,
    which also words the error of a malformed row."""
    try:
        values = {item["key"]: item.get("value") for item in record["items"]}
    except (TypeError, KeyError, AttributeError):
        return _checked_row(record)
    if len(values) != len(record["items"]) or not all(k.__class__ is str for k in values):
        return _checked_row(record)  # a repeated or non-text key: let the checks judge it
    participants: list[dict[str, Any]] = []
    for key, value in values.items():
        kind = value.__class__
        if kind is dict or kind is list:
            if kind is dict and "value" in value:
                inner = value["value"]
                if inner.__class__ is int and value.get("ongoing") is False:  # the usual one
                    values[key] = TimedValue(_timedelta(milliseconds=inner), False, value)
                else:
                    values[key] = timed(value)
            elif kind is list and key == PARTICIPANTS:
                values[key] = participants = _participants(value)
            elif kind is list:
                values[key] = list(value)
    return DetailedRow(values, participants, record.get("total"), record)


def _checked_row(record: Any) -> DetailedRow:
    """`parse_row` item by item, every shape checked (MalformedRow says what is wrong)."""
    if record.__class__ is not dict:
        raise MalformedRow(f"it is a {type(record).__name__}, not an object")
    items = record.get("items")
    if items.__class__ is not list:
        raise MalformedRow(f"its items are a {type(items).__name__}, not a list")
    values: dict[str, DetailedValue] = {}
    participants: list[dict[str, Any]] = []
    for item in items:
        if item.__class__ is not dict:
            raise MalformedRow(f"an item is a {type(item).__name__}, not an object")
        key = item.get("key")
        if key.__class__ is not str:
            raise MalformedRow(f"an item has no string key: {item!r:.80}")
        value: Any = item.get("value")
        kind = value.__class__
        if kind is dict:
            if "value" in value:
                inner = value["value"]
                if inner.__class__ is int and value.get("ongoing") is False:  # the usual one
                    value = TimedValue(_timedelta(milliseconds=inner), False, value)
                else:
                    value = timed(value)
        elif kind is list:
            if key == PARTICIPANTS:
                value = participants = _participants(value)
            else:
                value = list(value)
        values[key] = value
    return DetailedRow(values, participants, record.get("total"), record)


def parse_page(body: bytes, page: int, where: str) -> list[DetailedRow]:
    """The rows of data page `page` (from 0) answered by `where` (the method and URL)."""
    document = decode_json(body)
    if document.__class__ is not list:
        raise DecodeError(
            f"detailed report data page {page} ({where}) is not a JSON array", body=body
        )
    try:
        return [parse_row(record) for record in document]
    except (MalformedRow, ValueError, TypeError, OverflowError) as exc:
        index = _first_bad(document)
        raise DecodeError(
            f"detailed report row {index} of data page {page} ({where}) is malformed: {exc}"
        ) from None


def _first_bad(document: list[Any]) -> int:
    """The position of the first row that does not parse (only on the error path)."""
    for index, record in enumerate(document):
        try:
            parse_row(record)
        except (MalformedRow, ValueError, TypeError, OverflowError):
            return index
    return -1
