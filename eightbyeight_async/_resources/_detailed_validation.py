"""Checks and builds the `POST /detailed-reports` body, rule by rule as the v8 document states
them, so a bad detailed report fails before any request with a message that says what to
change; then, when the server's report type is at hand, its metrics and search fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any, Final, get_args

from .._dates import validate_timezone
from .._errors import InvalidArgumentError
from ..types.analytics import ReportType
from ..types.detailed_reports import DetailedReportType
from ._analytics_validation import (
    check_title,
    instant,
    intraday_range,
    metric_list,
    wire_instant,
)
from ._detailed_search import search_query

DETAILED_TYPES: Final[tuple[str, ...]] = get_args(DetailedReportType)
INTERACTION_DETAILS: Final = "detailed-reports-interaction-details"
MIN_DETAILED_INTRADAY: Final = dt.timedelta(minutes=5)
"""The document: the intraday end must be 5 minutes after its start for detailed reports."""


def default_title(report_type: str, start: dt.datetime, end: dt.datetime) -> str:
    """A title made of allowed characters only, naming the type and the range (UTC)."""
    first, last = (t.astimezone(dt.timezone.utc) for t in (start, end))
    return f"{report_type} {first:%Y%m%d-%H%M%S} to {last:%Y%m%d-%H%M%S} UTC"


def _flag(name: str, value: object) -> bool | None:
    if value is not None and not isinstance(value, bool):
        raise InvalidArgumentError(f"{name} must be True, False or None; got {value!r}")
    return value


def _settings(show_ongoing: object, show_state_in_time: object) -> dict[str, bool]:
    """`reportSettings`, with only the settings asked for."""
    settings = {
        "showOngoingInteractions": _flag("show_ongoing", show_ongoing),
        "showInteractionsStateInTime": _flag("show_state_in_time", show_state_in_time),
    }
    return {name: value for name, value in settings.items() if value is not None}


def detailed_body(
    *,
    type: object,
    start: object,
    end: object,
    title: object,
    metrics: Iterable[str] | None,
    search: Iterable[object] | None,
    include_participants: object,
    timezone: str | None,
    intraday: object,
    show_ongoing: object,
    show_state_in_time: object,
) -> dict[str, Any]:
    """The create body of a detailed report, every documented rule checked (not yet the
    server's report type)."""
    if type not in DETAILED_TYPES:
        raise InvalidArgumentError(
            f"type must be one of {', '.join(DETAILED_TYPES)}; got {type!r} (summary reports "
            "are made by create_report)"
        )
    begin, finish = instant(start, "start"), instant(end, "end")
    if finish <= begin:
        raise InvalidArgumentError(f"end ({finish.isoformat()}) must be after start")
    if not isinstance(include_participants, bool):
        raise InvalidArgumentError("include_participants must be True or False")
    if include_participants and type != INTERACTION_DETAILS:
        raise InvalidArgumentError(
            f"include_participants is only for {INTERACTION_DETAILS} reports, not {type}"
        )
    body: dict[str, Any] = {
        "type": type,
        "title": check_title(default_title(type, begin, finish) if title is None else title),
        "dateRange": {"start": wire_instant(begin), "end": wire_instant(finish)},
    }
    if timezone is not None:
        body["timezone"] = validate_timezone(timezone)
    if intraday is not None:
        body["intraDayTimeRange"] = intraday_range(intraday, MIN_DETAILED_INTRADAY)
    if metrics is not None:
        body["metrics"] = metric_list(metrics)
    query = search_query(search)
    if query:
        body["searchQuery"] = query
    if include_participants:
        body["includeParticipants"] = True
    settings = _settings(show_ongoing, show_state_in_time)
    if settings:
        body["reportSettings"] = settings
    return body


def check_detailed_against_type(report_type: ReportType, body: dict[str, Any]) -> None:
    """Refuse metrics, search fields and operators the server's report type does not list
    (a list the server leaves out or sends empty is not checked)."""
    name = report_type.type
    unknown = [m for m in body.get("metrics", []) if m not in report_type.metrics]
    if unknown and report_type.metrics:
        raise InvalidArgumentError(
            f"metrics {', '.join(unknown)} are not metrics of {name}; "
            f"see (await cc.analytics.report_type({name!r})).metrics"
        )
    fields, operators = report_type.search_fields, report_type.search_operators
    for term in body.get("searchQuery", []):
        if fields and term["field"] not in fields:
            raise InvalidArgumentError(
                f"{name} cannot search on {term['field']!r}; see "
                f"(await cc.analytics.report_type({name!r})).search_fields"
            )
        if operators and term["operator"] not in operators:
            raise InvalidArgumentError(
                f"{name} does not offer the search operator {term['operator']!r}; its "
                f"operators are: {', '.join(operators)}"
            )
