"""A report's `searchQuery`: `SearchTerm`s or `(field, operator, value)` tuples, checked and
written as the wire's `[{field, operator, value}]`, before any request.

The detailed reports take every operator of `SearchOperator`; the `script-paths` summary
report takes only `in`, on four fields. Durations (`datetime.timedelta`) are written as the
server's text (`10s`, `10m`, `3h`, `7d`: the largest whole unit); aware datetimes as ISO
8601 in UTC; numbers as their text, as every other analytics value is.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable
from typing import Any, Final, get_args

from .._errors import InvalidArgumentError
from .._validate import NOT_A_LIST
from ..types.detailed_reports import SearchOperator, SearchTerm

OPERATORS: Final[tuple[str, ...]] = get_args(SearchOperator)
LIST_OPERATORS: Final = frozenset({"in", "not-in"})
VALUELESS_OPERATORS: Final = frozenset({"is-empty", "is-not-empty"})
DURATION_UNITS: Final = (("d", 86_400), ("h", 3_600), ("m", 60), ("s", 1))
EXAMPLE: Final = '("queueName", "in", ["Sales"])'


def duration_text(value: dt.timedelta, field: str) -> str:
    """A duration as the server writes it: whole seconds in the largest unit that divides it
    (`timedelta(minutes=90)` → `90m`, `timedelta(hours=3)` → `3h`)."""
    if value < dt.timedelta(0) or value.microseconds:
        raise InvalidArgumentError(
            f"search on {field!r}: a duration must be a whole, non-negative number of seconds; "
            f"got {value!r}"
        )
    seconds = int(value.total_seconds())
    for unit, size in DURATION_UNITS:
        if seconds % size == 0 and (seconds or unit == "s"):
            return f"{seconds // size}{unit}"
    raise AssertionError("unreachable: every whole number of seconds has a unit")


def instant_text(value: dt.datetime, field: str) -> str:
    """An aware instant as the ISO text the dates of a report use (UTC, milliseconds)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise InvalidArgumentError(
            f"search on {field!r}: a datetime must be timezone-aware (a naive time is ambiguous)"
        )
    utc = value.astimezone(dt.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def _scalar(value: object, field: str) -> str:
    """One search value as its wire text."""
    if isinstance(value, dt.timedelta):
        return duration_text(value, field)
    if isinstance(value, dt.datetime):
        return instant_text(value, field)
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise InvalidArgumentError(
            f"search on {field!r}: a value is a string, a number, a datetime.timedelta or an "
            f"aware datetime; got {type(value).__name__}"
        )
    text = value if isinstance(value, str) else repr(value)
    if not text.strip():
        raise InvalidArgumentError(
            f"search on {field!r}: the value is empty; to match an empty field use "
            f"({field!r}, 'is-empty')"
        )
    return text


def _term(term: object) -> tuple[str, str, object, bool]:
    """A `SearchTerm` or a tuple as (field, operator, value, whether a value was given)."""
    if isinstance(term, SearchTerm):
        return term.field, term.operator, term.value, term.value is not None
    if isinstance(term, tuple) and len(term) in (2, 3):
        return term[0], term[1], term[2] if len(term) == 3 else None, len(term) == 3
    raise InvalidArgumentError(
        f"each search term is a SearchTerm or a (field, operator, value) tuple like {EXAMPLE}; "
        f"got {term!r}"
    )


def _value(field: str, operator: str, value: object, given: bool) -> Any:
    if operator in VALUELESS_OPERATORS:
        if given and value is not None:
            raise InvalidArgumentError(
                f"search on {field!r}: {operator!r} takes no value; pass ({field!r}, {operator!r})"
            )
        return None
    if operator in LIST_OPERATORS:
        if isinstance(value, (str, *NOT_A_LIST)) or not isinstance(value, Iterable):
            raise InvalidArgumentError(
                f"search on {field!r}: {operator!r} takes a list of values, e.g. "
                f"({field!r}, {operator!r}, [{value!r}])"
            )
        values = [_scalar(v, field) for v in value]
        if not values:
            raise InvalidArgumentError(f"search on {field!r}: {operator!r} needs at least a value")
        return values
    if value is None or isinstance(value, (list, tuple, set, frozenset)):
        raise InvalidArgumentError(
            f"search on {field!r}: {operator!r} takes one value (a list is for 'in'/'not-in')"
        )
    return _scalar(value, field)


def search_query(
    search: Iterable[object] | None,
    *,
    operators: Collection[str] = OPERATORS,
    fields: Collection[str] | None = None,
    report: str = "a detailed report",
) -> list[dict[str, Any]]:
    """The wire's `searchQuery` of `search`; `operators` and `fields` (None: any) are what the
    report type allows."""
    if search is None:
        return []
    one_term = isinstance(search, tuple) and bool(search) and isinstance(search[0], str)
    if one_term or isinstance(search, (str, SearchTerm, *NOT_A_LIST)):
        raise InvalidArgumentError(
            f"search must be a list of terms, even for one: search=[{search!r}]"
        )
    if not isinstance(search, Iterable):
        raise InvalidArgumentError(
            f"search must be a list of SearchTerm or (field, operator, value) tuples, e.g. "
            f"search=[{EXAMPLE}]"
        )
    query = []
    for term in search:
        field, operator, value, given = _term(term)
        if not isinstance(field, str) or not field.strip():
            raise InvalidArgumentError(f"a search field must be a non-empty string; got {field!r}")
        if fields is not None and field not in fields:
            raise InvalidArgumentError(
                f"{report} cannot search on {field!r}; its search fields are: "
                f"{', '.join(sorted(fields))}"
            )
        if not isinstance(operator, str) or operator not in operators:
            raise InvalidArgumentError(
                f"search on {field!r}: operator {operator!r} is not one of {report}'s: "
                f"{', '.join(operators)}"
            )
        item: dict[str, Any] = {"field": field, "operator": operator}
        wire_value = _value(field, operator, value, given)
        if wire_value is not None:
            item["value"] = wire_value
        query.append(item)
    return query
