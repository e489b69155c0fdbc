"""Checks and builds the create-report body, rule by rule as the analytics document states
them, so a bad report fails before any request with a message that says what to change."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping
from typing import Any, get_args

from .._dates import validate_timezone
from .._errors import InvalidArgumentError
from .._validate import NOT_A_LIST
from ..types.analytics import Granularity, ReportType
from ._detailed_search import search_query

GRANULARITIES: tuple[str, ...] = get_args(Granularity)
WEEK = dt.timedelta(days=7)
MONTH = dt.timedelta(days=31)
""""A month" of the granularity rules, read leniently as 31 days (the document gives no
length; a calendar month is never longer)."""

BY_RANGE: tuple[tuple[dt.timedelta | None, str, tuple[str, ...]], ...] = (
    (WEEK, "up to a week", ("15m", "30m", "hour", "day", "none")),
    (MONTH, "longer than a week, up to a month", ("none", "hour", "day", "week")),
    (None, "longer than a month", ("none", "month", "year")),
)
MIN_INTRADAY = dt.timedelta(minutes=15)
SCRIPT_PATHS = "script-paths"
"""The v8 summary type of script paths: a CSV download only, with rules of its own."""
SCRIPT_PATHS_FIELDS = ("script", "queue", "agent", "channel")
"""What a script-paths report searches on (with `in` only)."""
TITLE_CHARS = re.compile(r"[A-Za-z0-9 !\-_.*'()]+")
TITLE_RULE = "letters A-Z and a-z, digits 0-9, spaces and ! - _ . * ' ( )"

TimeInput = dt.time | str
"""An intraday bound: a `datetime.time` or "hh:mm[:ss]"."""


def check_title(title: object) -> str:
    """The title, if it uses only the characters the document allows (it names the file)."""
    if not isinstance(title, str) or not title.strip():
        raise InvalidArgumentError("title is required: a non-empty string")
    bad = sorted({ch for ch in title if not TITLE_CHARS.fullmatch(ch)})
    if bad:
        raise InvalidArgumentError(
            f"title may contain only {TITLE_RULE}; remove {''.join(bad)!r} from {title!r}"
        )
    return title


def instant(value: object, name: str) -> dt.datetime:
    """A date-range bound as an aware datetime: an aware datetime, a date (midnight UTC) or
    an ISO-8601 string with a zone."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
        except ValueError:
            raise InvalidArgumentError(
                f"{name} must be ISO 8601 like '2024-06-01T00:00:00Z'; got {value!r}"
            ) from None
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            raise InvalidArgumentError(
                f"{name} must be timezone-aware (e.g. datetime(..., tzinfo=timezone.utc)) or "
                "a string with Z or an offset; a naive time is ambiguous"
            )
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), dt.timezone.utc)
    raise InvalidArgumentError(f"{name} must be a datetime, a date or an ISO 8601 string")


def wire_instant(moment: dt.datetime) -> str:
    """`YYYY-MM-DDTHH:MM:SS.SSSZ`, the form the document asks for."""
    utc = moment.astimezone(dt.timezone.utc)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.") + f"{utc.microsecond // 1000:03d}Z"


def check_granularity(granularity: object, start: dt.datetime, end: dt.datetime) -> str:
    """The granularity, if the document allows it for a range of this length."""
    if granularity not in GRANULARITIES:
        raise InvalidArgumentError(
            f"granularity must be one of {', '.join(GRANULARITIES)}; got {granularity!r}"
        )
    span = end - start
    for limit, description, allowed in BY_RANGE:
        if limit is None or span <= limit:
            if granularity not in allowed:
                raise InvalidArgumentError(
                    f"granularity {granularity!r} is not allowed for a date range {description} "
                    f"({span}); use one of {', '.join(allowed)}"
                )
            break
    return str(granularity)


def _clock(value: object, name: str) -> dt.time:
    if isinstance(value, str):
        try:
            value = dt.time.fromisoformat(value.strip())
        except ValueError:
            raise InvalidArgumentError(f"{name} must be 'hh:mm:ss'; got {value!r}") from None
    if not isinstance(value, dt.time):
        raise InvalidArgumentError(f"{name} must be a datetime.time or 'hh:mm:ss'")
    if value.tzinfo is not None or value.microsecond:
        raise InvalidArgumentError(f"{name} must be a plain wall-clock time to the second")
    return value


def intraday_range(window: object, minimum: dt.timedelta = MIN_INTRADAY) -> dict[str, str]:
    """The `intraDayTimeRange` of a (start, end) pair: at least `minimum` long (15 minutes for
    summary reports, 5 for detailed ones), and allowed to cross midnight (22:00 → 06:00)."""
    if not isinstance(window, (tuple, list)) or len(window) != 2:
        raise InvalidArgumentError("intraday must be a (start, end) pair of times")
    start, end = _clock(window[0], "intraday start"), _clock(window[1], "intraday end")
    day = dt.date(2000, 1, 1)
    length = (dt.datetime.combine(day, end) - dt.datetime.combine(day, start)) % dt.timedelta(
        days=1
    )
    if length < minimum:
        minutes = f"{minimum.total_seconds() / 60:g} minutes"
        raise InvalidArgumentError(
            f"the intraday range {start:%H:%M:%S}-{end:%H:%M:%S} lasts {length}; its end must be "
            f"at least {minutes} after its start (it may cross midnight, e.g. 22:00-06:00)"
        )
    return {"start": f"{start:%H:%M:%S}", "end": f"{end:%H:%M:%S}"}


def _values(name: str, values: object) -> list[str]:
    """A filter's values: one str or int, or an iterable of them (not bool, not empty)."""
    if isinstance(values, (bool, *NOT_A_LIST)):
        raise InvalidArgumentError(
            f"filter {name!r} takes a value or a list of values (str or int), "
            f"e.g. {{{name!r}: ['103']}}; got a {type(values).__name__}"
        )
    if isinstance(values, (str, int)):
        items: Iterable[object] = [values]
    elif isinstance(values, Iterable):
        items = values
    else:
        raise InvalidArgumentError(
            f"filter {name!r} takes a value or a list of values (str or int); got {values!r}"
        )
    found = []
    for value in items:
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            raise InvalidArgumentError(
                f"filter {name!r} values must be non-empty strings or ints; got {value!r}"
            )
        found.append(str(value))
    if not found:
        raise InvalidArgumentError(f"filter {name!r} has no values; leave it out instead")
    return found


def filter_list(filters: Mapping[str, object] | None) -> list[dict[str, Any]]:
    """`{"queue": ["103"]}` as the wire's `[{"name": "queue", "values": ["103"]}]`."""
    if filters is None:
        return []
    if not isinstance(filters, Mapping):
        raise InvalidArgumentError('filters must be a mapping like {"queue": ["103", "330"]}')
    return [{"name": str(name), "values": _values(str(name), v)} for name, v in filters.items()]


def metric_list(metrics: Iterable[str] | None) -> list[str]:
    """The metric names (none: every metric of the report type). A single string is refused
    rather than read as one metric or split into letters: pass `["accepted"]`."""
    if metrics is None:
        return []
    if isinstance(metrics, str):
        raise InvalidArgumentError(
            f"metrics must be a list of metric names, not one string: metrics=[{metrics!r}]"
        )
    if isinstance(metrics, NOT_A_LIST) or not isinstance(metrics, Iterable):
        raise InvalidArgumentError(
            f"metrics must be a list of metric names like ['accepted']; got {metrics!r}"
        )
    names = list(metrics)
    bad = [m for m in names if not isinstance(m, str) or not m.strip()]
    if bad:
        raise InvalidArgumentError(f"metrics must be non-empty strings; got {bad[0]!r}")
    return names


def check_against_type(
    report_type: ReportType | None,
    type_name: str,
    known: Iterable[str],
    group_by: str,
    filters: list[dict[str, Any]],
    metrics: list[str],
) -> None:
    """Refuse a type, grouping, filter or metric the server's report types do not list."""
    if report_type is None:
        raise InvalidArgumentError(
            f"unknown report type {type_name!r}; the server offers: {', '.join(sorted(known))}"
        )
    grouping = report_type.grouping(group_by)
    if grouping is None:
        names = ", ".join(g.name for g in report_type.group_by)
        raise InvalidArgumentError(
            f"group_by {group_by!r} is not a grouping of {type_name}; choose one of: {names}"
        )
    for item in filters:
        if item["name"] not in grouping.filters:
            raise InvalidArgumentError(
                f"filter {item['name']!r} is not available for {type_name} grouped by "
                f"{group_by}; its filters are: {', '.join(grouping.filters) or 'none'}"
            )
    unknown = [m for m in metrics if m not in report_type.metrics]
    if unknown:
        raise InvalidArgumentError(
            f"metrics {', '.join(unknown)} are not metrics of {type_name}; "
            f"see (await cc.analytics.report_type({type_name!r})).metrics"
        )


def _check_script_paths(options: Mapping[str, object]) -> None:
    """Refuse what a script-paths body must not contain (the document lists them)."""
    given = [name for name, value in options.items() if value is not None and value is not False]
    if given:
        raise InvalidArgumentError(
            f"a {SCRIPT_PATHS} report takes no {', '.join(given)} (its body must not contain "
            "groupBy, granularity, metrics, includeSubTotal, includeGrandTotal or "
            f"includeParticipants); narrow it with search=[('queue', 'in', ['103'])] on "
            f"{', '.join(SCRIPT_PATHS_FIELDS)}"
        )


def report_body(
    *,
    type: str,
    title: object,
    start: object,
    end: object,
    granularity: object,
    group_by: str | None,
    filters: Mapping[str, object] | None,
    metrics: Iterable[str] | None,
    timezone: str | None,
    intraday: object,
    include_subtotals: bool,
    include_grand_total: bool,
    search: Iterable[object] | None = None,
) -> dict[str, Any]:
    """The create-report JSON body, every documented rule checked (not yet the report types).

    `script-paths` has rules of its own: no grouping, granularity, metrics or totals, and
    a `searchQuery` (`search=`) with `in` on script, queue, agent or channel only."""
    if not isinstance(type, str) or not type:
        raise InvalidArgumentError("type is required: a report type name")
    scripted = type == SCRIPT_PATHS
    if scripted:
        _check_script_paths(
            {
                "group_by": group_by,
                "granularity": granularity,
                "filters": filters,
                "metrics": metrics,
                "include_subtotals": include_subtotals,
                "include_grand_total": include_grand_total,
            }
        )
    else:
        if not isinstance(group_by, str) or not group_by:
            raise InvalidArgumentError("group_by is required: a grouping name of the report type")
        if granularity is None:
            raise InvalidArgumentError(
                f"granularity is required: one of {', '.join(GRANULARITIES)}"
            )
        if search is not None:
            raise InvalidArgumentError(
                f"search= is for {SCRIPT_PATHS} reports (and detailed reports); a summary "
                'report is narrowed with filters={"queue": ["103"]}'
            )
    begin, finish = instant(start, "start"), instant(end, "end")
    if finish <= begin:
        raise InvalidArgumentError(f"end ({finish.isoformat()}) must be after start")
    flags = {"include_subtotals": include_subtotals, "include_grand_total": include_grand_total}
    for name, flag in flags.items():
        if not isinstance(flag, bool):
            raise InvalidArgumentError(f"{name} must be True or False")
    body: dict[str, Any] = {
        "type": type,
        "title": check_title(title),
        "dateRange": {"start": wire_instant(begin), "end": wire_instant(finish)},
    }
    if scripted:
        query = search_query(
            search, operators=("in",), fields=SCRIPT_PATHS_FIELDS, report=f"a {SCRIPT_PATHS} report"
        )
        if query:
            body["searchQuery"] = query
    else:
        body["granularity"] = check_granularity(granularity, begin, finish)
        body["groupBy"] = {"name": group_by, "filters": filter_list(filters)}
        body["includeSubTotal"] = include_subtotals
        body["includeGrandTotal"] = include_grand_total
    if metrics is not None:
        body["metrics"] = metric_list(metrics)
    if timezone is not None:
        body["timezone"] = validate_timezone(timezone)
    if intraday is not None:
        body["intraDayTimeRange"] = intraday_range(intraday)
    return body


def check_script_paths_against_type(
    report_type: ReportType | None, known: Iterable[str], body: Mapping[str, Any]
) -> None:
    """Refuse a script-paths report the server does not offer, or a search field its type
    does not list (when it lists any)."""
    if report_type is None:
        raise InvalidArgumentError(
            f"unknown report type {SCRIPT_PATHS!r}; the server offers: {', '.join(sorted(known))}"
        )
    fields = report_type.search_fields
    for term in body.get("searchQuery", []):
        if fields and term["field"] not in fields:
            raise InvalidArgumentError(
                f"{SCRIPT_PATHS} cannot search on {term['field']!r}; its search fields are: "
                f"{', '.join(fields)}"
            )
