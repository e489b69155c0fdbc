"""The v8 answers read by hand: a detailed report's creation (`{"id", "status"}` as the
document shows it, or the OpenAPI file's `[{"id", "reason", "status"}]`) and a report's
details (`GET /{id}`, the request echoed), unknown fields kept."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, Final

import attrs

from .._errors import DecodeError
from ..types.analytics import ReportStatus
from ..types.detailed_reports import ReportDetails, SearchTerm

_DETAIL_FIELDS: Final = frozenset(
    {"id", "type", "title", "dateRange", "timezone", "metrics", "searchQuery"}
    | {"includeParticipants"}
)


@attrs.frozen
class Created:
    """What the create answer says: the report's id, its status and the server's reason."""

    id: str
    status: ReportStatus
    reason: str | None


def _report_id(value: object, what: str) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
        raise DecodeError(f"{what} has no report id: {value!r}")
    return str(value).strip()


def parse_created(document: Any) -> Created:
    """The created report of a `POST /detailed-reports` answer (an object, or an array of
    one object)."""
    if isinstance(document, list):
        if len(document) != 1:
            raise DecodeError(
                f"the detailed report create answer is an array of {len(document)} reports, not one"
            )
        document = document[0]
    if not isinstance(document, Mapping):
        raise DecodeError("the detailed report create answer is not a JSON object")
    status = document.get("status")
    if not isinstance(status, str):
        raise DecodeError(f"the detailed report create answer has no status: {status!r}")
    reason = document.get("reason")
    return Created(
        id=_report_id(document.get("id"), "the detailed report create answer"),
        status=ReportStatus(status),
        reason=None if reason is None else str(reason),
    )


def _moment(value: object, name: str) -> dt.datetime | None:
    if value is None:
        return None
    if not isinstance(value, str):
        raise DecodeError(f"the report details' dateRange.{name} is not text: {value!r}")
    text = value.strip()
    try:
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text[-1:] == "Z" else text)
    except ValueError:
        raise DecodeError(
            f"the report details' dateRange.{name} is not ISO 8601: {value!r}"
        ) from None
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=dt.timezone.utc)


def _terms(value: object) -> tuple[SearchTerm, ...]:
    if not isinstance(value, list):
        return ()
    return tuple(
        SearchTerm(str(t.get("field")), str(t.get("operator")), t.get("value"))  # type: ignore[arg-type]
        for t in value
        if isinstance(t, Mapping)
    )


def _text(value: object) -> str | None:
    return None if value is None else str(value)


def parse_details(document: Any) -> ReportDetails:
    """A report's details; every field it does not read out is kept in `extra`."""
    if not isinstance(document, Mapping):
        raise DecodeError("the report details answer is not a JSON object")
    dates = document.get("dateRange")
    dates = dates if isinstance(dates, Mapping) else {}
    metrics = document.get("metrics")
    participants = document.get("includeParticipants")
    return ReportDetails(
        id=_report_id(document.get("id"), "the report details answer"),
        type=_text(document.get("type")),
        title=_text(document.get("title")),
        start=_moment(dates.get("start"), "start"),
        end=_moment(dates.get("end"), "end"),
        timezone=_text(document.get("timezone")),
        metrics=tuple(str(m) for m in metrics) if isinstance(metrics, list) else (),
        search=_terms(document.get("searchQuery")),
        include_participants=participants if isinstance(participants, bool) else None,
        extra={k: v for k, v in document.items() if k not in _DETAIL_FIELDS},
        raw=document,
    )
