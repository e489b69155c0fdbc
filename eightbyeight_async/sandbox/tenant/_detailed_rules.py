"""The sandbox's check of a `POST /detailed-reports` body, and its `searchQuery` conditions
compiled to row predicates (written apart from the SDK's own validation, so that validation
is tested against a server that enforces the rules).

The rules, each a 400 naming the broken one: `type` one of the two detailed types; `title`
only `A-Z a-z 0-9 space ! - _ . * ' ( )`; `dateRange.start` and `.end` ISO date-times with a
zone, start before end; `timezone` an IANA name (default: the tenant's); `intraDayTimeRange`
`hh:mm:ss` at least 5 minutes long (it may cross midnight); `metrics` a list of the type's
metrics (omitted or empty: all); `searchQuery` a list of `{field, operator, value}`, every
field one of the type's, operators `= != > >= <= < contains not-in in is-empty is-not-empty`
(`in`/`not-in` take a list; `is-empty`/`is-not-empty` no value; `*Duration` values are `10s`,
`10m`, `3h` or `7d`; time values ISO date-times; `contains` only on text and list fields);
`includeParticipants` only on interaction details; `reportSettings` booleans
`showOngoingInteractions` (default true) and `showInteractionsStateInTime` (default false).
"""

from __future__ import annotations

import datetime as dt
import operator as op
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import attrs

from ._analytics_rules import TITLE, RequestRejected, _boolean, _instant, _intraday, _zone
from ._detailed_catalogue import (
    DETAILED_TYPES,
    INTERACTION_DETAILS,
    KINDS,
    METRICS_OF,
    OPERATORS,
    Kind,
)
from ._tenant import Tenant

MIN_INTRADAY = dt.timedelta(minutes=5)
DURATION = re.compile(r"([0-9]+)([smhd])")
UNIT_MS = {"s": 1000, "m": 60_000, "h": 3_600_000, "d": 86_400_000}
ORDERING: Mapping[str, Callable[[Any, Any], bool]] = {
    ">": op.gt,
    ">=": op.ge,
    "<": op.lt,
    "<=": op.le,
}
Row = Mapping[str, Any]
"""A detailed row's values by key, every metric present (the wire values)."""


@attrs.frozen
class Condition:
    """One searchQuery condition, its value parsed for the field's kind."""

    field: str
    operator: str
    value: Any

    def matches(self, row: Row, kind: Kind) -> bool:
        """Whether the row passes this condition."""
        values = comparable(row.get(self.field), kind)
        name = self.operator
        if name == "is-empty":
            return not values
        if name == "is-not-empty":
            return bool(values)
        if name == "=":
            return self.value in values
        if name == "!=":
            return self.value not in values
        if name == "in":
            return any(v in self.value for v in values)
        if name == "not-in":
            return not any(v in self.value for v in values)
        if name == "contains":
            needle = str(self.value).lower()
            return any(needle in str(v).lower() for v in values)
        compare = ORDERING[name]
        return any(type(v) is type(self.value) and compare(v, self.value) for v in values)


@attrs.frozen
class DetailedSpec:
    """A validated create-detailed-report body."""

    type: str
    title: str
    start: dt.datetime
    end: dt.datetime
    timezone: str
    intraday: tuple[dt.time, dt.time] | None
    metrics: tuple[str, ...]
    """The metrics asked for, in the request's order (all of the type's when none)."""
    search: tuple[Condition, ...]
    include_participants: bool
    show_ongoing: bool
    state_in_time: bool

    def passes(self, row: Row) -> bool:
        """Whether a row passes every search condition (they are AND-combined)."""
        kinds = KINDS[self.type]
        return all(c.matches(row, kinds[c.field]) for c in self.search)


def comparable(value: Any, kind: Kind) -> list[Any]:
    """A wire value as the list of scalars a condition compares with ([] when empty)."""
    if isinstance(value, dict):
        value = value.get("value")
    if value is None or value == "":
        return []
    if kind == "array":
        return [str(v) for v in value]
    if kind in ("time", "finished"):
        return [dt.datetime.fromisoformat(str(value)).timestamp()]
    if kind == "count":
        return [int(value)]
    if kind == "duration":
        return [_duration_ms(value) if isinstance(value, str) else int(value)]
    return [str(value)]


def _duration_ms(text: str) -> int:
    """Milliseconds of `10s`/`10m`/`3h`/`7d` (or of the older `h:mm:ss` wire text)."""
    found = DURATION.fullmatch(text)
    if found:
        return int(found[1]) * UNIT_MS[found[2]]
    hours, minutes, secs = (int(part) for part in text.split(":"))
    return ((hours * 60 + minutes) * 60 + secs) * 1000


def title_and_range(body: dict[str, Any]) -> tuple[str, dt.datetime, dt.datetime]:
    """A create body's `title` and `dateRange` (start before end), as every v8 report type
    checks them; RequestRejected names the broken rule."""
    title = body.get("title")
    if not isinstance(title, str) or not TITLE.fullmatch(title):
        raise RequestRejected("title allows only A-Z, a-z, 0-9, spaces and ! - _ . * ' ( )")
    dates = body.get("dateRange")
    if not isinstance(dates, dict):
        raise RequestRejected("dateRange must be an object with start and end")
    start = _instant(dates.get("start"), "dateRange.start")
    end = _instant(dates.get("end"), "dateRange.end")
    if end <= start:
        raise RequestRejected("dateRange.end must be after dateRange.start")
    return title, start, end


def parse_detailed_spec(body: Any, tenant: Tenant) -> DetailedSpec:
    """The detailed report a create body asks for; RequestRejected names the broken rule."""
    if not isinstance(body, dict):
        raise RequestRejected("the body must be a JSON object")
    kind = body.get("type")
    if kind not in DETAILED_TYPES:
        raise RequestRejected(f"type must be one of {', '.join(DETAILED_TYPES)}, not {kind!r}")
    title, start, end = title_and_range(body)
    participants = _boolean(body.get("includeParticipants"), "includeParticipants")
    if participants and kind != INTERACTION_DETAILS:
        raise RequestRejected(f"includeParticipants is allowed only for {INTERACTION_DETAILS}")
    settings = body.get("reportSettings") or {}
    if not isinstance(settings, dict):
        raise RequestRejected("reportSettings must be an object")
    ongoing = settings.get("showOngoingInteractions")
    return DetailedSpec(
        type=kind,
        title=title,
        start=start,
        end=end,
        timezone=_zone(body.get("timezone"), tenant),
        intraday=_intraday(body.get("intraDayTimeRange"), MIN_INTRADAY),
        metrics=_metrics(kind, body.get("metrics")),
        search=_search(kind, body.get("searchQuery")),
        include_participants=participants,
        show_ongoing=True
        if ongoing is None
        else _boolean(ongoing, "reportSettings.showOngoingInteractions"),
        state_in_time=_boolean(
            settings.get("showInteractionsStateInTime"),
            "reportSettings.showInteractionsStateInTime",
        ),
    )


def _metrics(kind: str, asked: Any) -> tuple[str, ...]:
    known = [key for key, _, _ in METRICS_OF[kind]]
    if asked is None or asked == []:
        return tuple(known)
    if not isinstance(asked, list) or not all(isinstance(m, str) for m in asked):
        raise RequestRejected("metrics must be a list of metric names")
    unknown = [m for m in asked if m not in known]
    if unknown:
        raise RequestRejected(f"unknown metrics {unknown} for {kind}")
    return tuple(dict.fromkeys(asked))


def _search(kind: str, query: Any) -> tuple[Condition, ...]:
    if query is None:
        return ()
    if not isinstance(query, list):
        raise RequestRejected("searchQuery must be a list of {field, operator, value}")
    return tuple(_condition(kind, item) for item in query)


def _condition(kind: str, item: Any) -> Condition:
    if not isinstance(item, dict):
        raise RequestRejected("each searchQuery entry must be an object {field, operator, value}")
    field, name = item.get("field"), item.get("operator")
    kinds = KINDS[kind]
    if not isinstance(field, str) or field not in kinds:
        raise RequestRejected(f"searchQuery field {field!r} is not a field of {kind}")
    if name not in OPERATORS:
        raise RequestRejected(f"searchQuery operator {name!r} is not one of {', '.join(OPERATORS)}")
    field_kind = kinds[field]
    if name in ("is-empty", "is-not-empty"):
        return Condition(field, name, None)
    if "value" not in item or item["value"] is None:
        raise RequestRejected(f"searchQuery operator {name} on {field} needs a value")
    raw = item["value"]
    if name == "contains" and field_kind not in ("text", "array"):
        raise RequestRejected(f"searchQuery operator contains does not apply to {field}")
    if name in ("in", "not-in"):
        values = raw if isinstance(raw, list) else [raw]
        if not values:
            raise RequestRejected(f"searchQuery operator {name} on {field} needs values")
        return Condition(field, name, frozenset(_operand(field, field_kind, v) for v in values))
    if isinstance(raw, list):
        raise RequestRejected(f"searchQuery operator {name} on {field} takes one value")
    return Condition(field, name, _operand(field, field_kind, raw))


def _operand(field: str, kind: Kind, raw: Any) -> Any:
    """A condition's value in the form `comparable()` gives the row's values."""
    text = str(raw)
    if kind == "duration":
        if not DURATION.fullmatch(text):
            raise RequestRejected(f"{field} takes a duration like 10s, 10m, 3h or 7d, not {text!r}")
        return _duration_ms(text)
    if kind in ("time", "finished"):
        return _instant(text, f"searchQuery value of {field}").timestamp()
    if kind == "count":
        if not text.lstrip("-").isdigit():
            raise RequestRejected(f"{field} takes a whole number, not {text!r}")
        return int(text)
    return text


def search_fields(kind: str) -> Sequence[str]:
    """The fields a searchQuery may name for a detailed type."""
    return list(KINDS[kind])
