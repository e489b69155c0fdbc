"""`cc.schedules`: the Tenant Schedule API (`/api/provisioning/schedules...`).

The document allows one request per customer at a time: the family's concurrency limit is 1
(so calls on one client queue up instead of drawing a 503), and a 503 is retried.

The documented URLs have no `.json`/`.xml` suffix ("Responses are sent in either XML or
JSON format"): the SDK sends the documented path and asks for a format with `Accept`.

The document shows the schedule XML but not the status answers, so their shape is a guess:
the SDK reads a `status` element with `code` (and, for `/nextstatus`, `next-code` and
`next-time`), which is what the sandbox serves, and also accepts plausible variants (any key
case, `-`/`_`/camelCase, a list of one record, a bare code, `OPEN`/`CLOSED` labels, numbers as
text). Fields it does not read are kept in `extra`.
"""

from __future__ import annotations

import datetime as dt
import math
import urllib.parse
from collections.abc import Mapping
from typing import Any

from .._config import ApiFamily
from .._errors import DecodeError, InvalidArgumentError
from .._formats import DocumentFormat, decode_document, find_key, unwrap_collection
from .._http import HttpPipeline, RequestOptions
from ..types.schedules import DayPeriod, NextScheduleStatus, Schedule, ScheduleStatus, WeekDay

_SCHEDULE_KEYS = frozenset({"id", "name", "time-zone", "week-days"})
_PERIOD_KEYS = frozenset({"status", "start-time", "end-time"})
_DAY_KEYS = frozenset({"day", "properties"})
_ACCEPT = {"json": "application/json", "xml": "application/xml"}
_STATUS_WRAPPERS = ("status", "schedulestatus", "schedule")
_CODE_KEYS = ("code", "statuscode", "status", "currentcode", "currentstatus", "value")
_NEXT_CODE_KEYS = ("nextcode", "nextstatuscode", "nextstatus")
_NEXT_TIME_KEYS = ("nexttime", "nextstatustime", "nextat", "nextutctime", "nextchange")
_ID_KEYS = ("scheduleid",)


def _listed(value: Any) -> list[Any]:
    if value is None or value == "":
        return []
    return value if isinstance(value, list) else [value]


def _time(value: Any) -> dt.time | None:
    if value in (None, ""):
        return None
    try:
        return dt.time.fromisoformat(str(value).strip())
    except ValueError:
        raise DecodeError(f"a schedule time is HH:MM; got {value!r}") from None


def parse_schedule(record: Mapping[str, Any]) -> Schedule:
    """One `<schedule>` (JSON or XML form) as a `Schedule`."""
    try:
        days = []
        for day in _listed((record.get("week-days") or {}).get("week-day")):
            periods = tuple(
                DayPeriod(
                    status=ScheduleStatus.from_code(p["status"]),
                    start_time=_time(p.get("start-time")),
                    end_time=_time(p.get("end-time")),
                    extra=_others(p, _PERIOD_KEYS),
                )
                for p in _listed(day.get("properties"))
            )
            days.append(
                WeekDay(day=_number(day["day"]), periods=periods, extra=_others(day, _DAY_KEYS))
            )
        return Schedule(
            id=_number(record["id"]),
            name=str(record["name"]),
            time_zone=record.get("time-zone") or None,
            week_days=tuple(days),
            extra=_others(record, _SCHEDULE_KEYS),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise DecodeError(f"a schedule is malformed ({type(exc).__name__}: {exc})") from None


def _others(record: Mapping[str, Any], read: frozenset[str]) -> dict[str, Any]:
    """The fields of `record` the SDK does not read, kept rather than dropped."""
    return {k: v for k, v in record.items() if k not in read}


def _number(value: Any) -> int:
    """A non-negative integer field (ASCII digits only: `int()` refuses "²")."""
    text = str(value).strip()
    if not (text.isascii() and text.isdigit()):
        raise ValueError(f"expected a number, got {value!r}")
    return int(text)


def _instant_ms(at: dt.datetime | None) -> dict[str, str]:
    if at is None:
        return {}
    if not isinstance(at, dt.datetime) or at.tzinfo is None:
        raise InvalidArgumentError(f"at must be a timezone-aware datetime; got {at!r}")
    return {"utctime": str(int(at.timestamp() * 1000))}


def _id(schedule_id: object) -> str:
    text = str(schedule_id).strip()
    if isinstance(schedule_id, bool) or not (text.isascii() and text.isdigit()):
        raise InvalidArgumentError(f"schedule_id is a schedule's numeric id; got {schedule_id!r}")
    return text


class Schedules:
    """The Tenant Schedule API: `await cc.schedules.all()`, `by_name()`, `get()`, `status()`,
    `next_status()`."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    def __repr__(self) -> str:
        return "Schedules()"

    async def _document(
        self, path: str, fmt: DocumentFormat, params: Mapping[str, str] | None = None
    ) -> Any:
        if fmt not in ("json", "xml"):
            raise InvalidArgumentError(f"format must be 'json' or 'xml'; got {fmt!r}")
        options = RequestOptions(
            family=ApiFamily.SCHEDULES,
            method="GET",
            path=f"/api/provisioning/{path}",
            params=params,
            headers={"Accept": _ACCEPT[fmt]},
        )
        return await self._pipeline.request_parsed(
            options, lambda r: decode_document(r.content, fmt)
        )

    async def all(self, *, format: DocumentFormat = "json") -> list[Schedule]:
        """Every schedule, with its week days."""
        document = await self._document("schedules", format)
        return [parse_schedule(r) for r in unwrap_collection(document, "schedules", "schedule")]

    async def by_name(self, name: str, *, format: DocumentFormat = "json") -> Schedule:
        """The schedule called `name` (spaces and other characters are URL-encoded)."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgumentError(f"name must be a schedule's name; got {name!r}")
        quoted = urllib.parse.quote(name, safe="")
        return _single(await self._document(f"schedulesbyname/{quoted}", format))

    async def get(self, schedule_id: int | str, *, format: DocumentFormat = "json") -> Schedule:
        """The schedule with this id."""
        return _single(await self._document(f"schedules/{_id(schedule_id)}", format))

    async def status(
        self,
        schedule_id: int | str,
        *,
        at: dt.datetime | None = None,
        offset: float | None = None,
        format: DocumentFormat = "json",
    ) -> ScheduleStatus:
        """The schedule's status now (or at `at`), `offset` seconds later, in the schedule's
        time zone (the tenant's when it has none)."""
        params = {**_instant_ms(at), **_offset(offset)}
        record = _status(
            await self._document(f"schedules/{_id(schedule_id)}/status", format, params)
        )
        code_key = find_key(record, _CODE_KEYS)
        if code_key is None:
            raise DecodeError(f"a schedule status answer has no status code: {record!r}")
        read = frozenset({code_key, *filter(None, [find_key(record, _ID_KEYS)])})
        return ScheduleStatus.from_code(_scalar(record[code_key]), _others(record, read))

    async def next_status(
        self,
        schedule_id: int | str,
        *,
        at: dt.datetime | None = None,
        format: DocumentFormat = "json",
    ) -> NextScheduleStatus:
        """The status now (or at `at`) and the next status, with the instant it begins."""
        path = f"schedules/{_id(schedule_id)}/nextstatus"
        record = _status(await self._document(path, format, _instant_ms(at)))
        code_key = find_key(record, _CODE_KEYS)
        if code_key is None:
            raise DecodeError(f"a schedule status answer has no status code: {record!r}")
        read = {code_key, *filter(None, [find_key(record, _ID_KEYS)])}
        next_code: Any = None
        next_time: Any = None
        next_key = find_key(record, _NEXT_CODE_KEYS)
        nested = record.get(next_key) if next_key is not None else None
        if isinstance(nested, dict):  # {"next-status": {"code": .., "time": ..}}
            inner_code = find_key(nested, _CODE_KEYS)
            inner_time = find_key(nested, ("time", "at", "utctime", *_NEXT_TIME_KEYS))
            next_code = nested.get(inner_code) if inner_code else None
            next_time = nested.get(inner_time) if inner_time else None
        elif next_key is not None:
            next_code = _scalar(nested)
        time_key = find_key(record, _NEXT_TIME_KEYS)
        if time_key is not None:
            next_time = record[time_key]
        next_at = _epoch_ms(_scalar(next_time))
        if next_key is not None and (next_code in (None, "") or _maybe_status(next_code)):
            read.add(next_key)
        if time_key is not None and (next_at is not None or next_time in (None, "")):
            read.add(time_key)
        following = None if next_code in (None, "") else _maybe_status(_scalar(next_code))
        return NextScheduleStatus(
            schedule_id=int(_id(schedule_id)),
            current=ScheduleStatus.from_code(_scalar(record[code_key])),
            next=following,
            next_at=next_at,
            extra=_others(record, frozenset(read)),
        )


def _scalar(value: Any) -> Any:
    """A single value out of `[x]` or an XML text node (`{"#text": x}`)."""
    if isinstance(value, list) and len(value) == 1:
        value = value[0]
    if isinstance(value, dict) and "#text" in value:
        value = value["#text"]
    return value


def _maybe_status(code: Any) -> ScheduleStatus | None:
    """A status code, or None when it is not one (the raw value is then kept in `extra`)."""
    try:
        return ScheduleStatus.from_code(code)
    except DecodeError:
        return None


def _epoch_ms(value: Any) -> dt.datetime | None:
    """Epoch milliseconds (number or text) or an ISO 8601 instant; None when unreadable."""
    if value in (None, "") or isinstance(value, bool):
        return None
    text = str(value).strip()
    try:
        return dt.datetime.fromtimestamp(float(text) / 1000, dt.timezone.utc)
    except (ValueError, OverflowError, OSError):
        pass
    try:
        parsed = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def _offset(offset: float | None) -> dict[str, str]:
    if offset is None:
        return {}
    if (
        isinstance(offset, bool)
        or not isinstance(offset, (int, float))
        or not math.isfinite(offset)
    ):
        raise InvalidArgumentError(f"offset is a finite number of seconds; got {offset!r}")
    return {"offset": str(int(offset))}


def _single(document: Any) -> Schedule:
    if isinstance(document, dict) and isinstance(document.get("schedule"), dict):
        return parse_schedule(document["schedule"])
    records = unwrap_collection(document, "schedules", "schedule")
    if len(records) != 1:
        raise DecodeError(f"expected one schedule, got {len(records)}")
    return parse_schedule(records[0])


def _status(document: Any) -> dict[str, Any]:
    """The status record: `{"status": {..}}`, `{"Status": [{..}]}`, `{..}`, or a bare code."""
    for _ in range(3):  # unwrap at most a few levels
        if isinstance(document, list):
            if len(document) != 1:
                raise DecodeError(f"expected one schedule status, got {len(document)}")
            document = document[0]
            continue
        if isinstance(document, dict):
            key = find_key(document, _STATUS_WRAPPERS)
            inner = _scalar(document[key]) if key is not None else None
            if isinstance(inner, dict):  # siblings of the wrapper are kept too
                document = {**{k: v for k, v in document.items() if k != key}, **inner}
                continue
            return dict(document)
        break
    if isinstance(document, (str, int, float)) and not isinstance(document, bool):
        return {"code": document}
    raise DecodeError(f"a schedule status answer is a status record; got {document!r}")
