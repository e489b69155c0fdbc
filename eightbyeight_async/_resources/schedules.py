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

import builtins
import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from typing_extensions import Unpack

from .._config import ApiFamily
from .._endpoints import Action, CallOptions, Endpoint, Envelope
from .._errors import DecodeError, InvalidArgumentError
from .._formats import DocumentFormat, decode_document, find_key
from .._http import HttpPipeline
from .._listing import lookup
from ..types.schedules import NextScheduleStatus, Schedule, ScheduleStatus

_ACCEPT = {"json": "application/json", "xml": "application/xml"}


def _schedules(path: str) -> Endpoint[Schedule]:
    """A schedules endpoint: no format suffix (`Accept` says it), `{"schedules": {...}}` or
    the lone `{"schedule": {...}}` of a single lookup."""
    envelope = Envelope("schedules", "schedule", lone_root=True)
    return Endpoint(ApiFamily.SCHEDULES, path, Schedule, envelope, suffix=False)


SCHEDULES = _schedules("/api/provisioning/schedules")
BY_ID = _schedules("/api/provisioning/schedules/{schedule_id}")
BY_NAME = _schedules("/api/provisioning/schedulesbyname/{name}")
STATUS = Action(ApiFamily.SCHEDULES, "GET", "/api/provisioning/schedules/{schedule_id}/status")
NEXT_STATUS = Action(
    ApiFamily.SCHEDULES, "GET", "/api/provisioning/schedules/{schedule_id}/nextstatus"
)
_STATUS_WRAPPERS = ("status", "schedulestatus", "schedule")
_CODE_KEYS = ("code", "statuscode", "status", "currentcode", "currentstatus", "value")
_NEXT_CODE_KEYS = ("nextcode", "nextstatuscode", "nextstatus")
_NEXT_TIME_KEYS = ("nexttime", "nextstatustime", "nextat", "nextutctime", "nextchange")
_ID_KEYS = ("scheduleid",)


def _others(record: Mapping[str, Any], read: frozenset[str]) -> dict[str, Any]:
    """The fields of `record` the SDK does not read, kept rather than dropped."""
    return {k: v for k, v in record.items() if k not in read}


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
    """The Tenant Schedule API: `await cc.schedules.list()`, `get()`, `by_name()`,
    `status()`, `next_status()`."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    def __repr__(self) -> str:
        return "Schedules()"

    async def _document(
        self,
        action: Action,
        schedule_id: int | str,
        fmt: str,
        params: Mapping[str, str] | None = None,
        **call: Unpack[CallOptions],
    ) -> Any:
        chosen = BY_ID.check_format(fmt)  # the status answers' shape is read by hand
        headers = {"Accept": _ACCEPT[chosen]}
        segments = {"schedule_id": _id(schedule_id)}
        options = action.request(segments=segments, params=params, headers=headers, **call)
        return await self._pipeline.request_parsed(
            options, lambda r: decode_document(r.content, chosen)
        )

    async def list(
        self, *, format: DocumentFormat = "json", **call: Unpack[CallOptions]
    ) -> builtins.list[Schedule]:
        """Every schedule, with its week days."""
        fmt = SCHEDULES.check_format(format)
        return await SCHEDULES.records(self._pipeline, SCHEDULES.request(fmt, **call), fmt)

    async def by_name(
        self, name: str, *, format: DocumentFormat = "json", **call: Unpack[CallOptions]
    ) -> Schedule:
        """The schedule called `name` (spaces and other characters are URL-encoded);
        NotFoundError if there is none."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgumentError(f"name must be a schedule's name; got {name!r}")
        missing = f"no schedule named {name!r} (names match exactly: cc.schedules.list())"
        segments = {"name": name}
        return await lookup(self._pipeline, BY_NAME, segments, missing, format=format, **call)

    async def get(
        self,
        schedule_id: int | str,
        *,
        format: DocumentFormat = "json",
        **call: Unpack[CallOptions],
    ) -> Schedule:
        """The schedule with this id; NotFoundError if there is none."""
        missing = f"no schedule {schedule_id!r} (list them with cc.schedules.list())"
        segments = {"schedule_id": _id(schedule_id)}
        return await lookup(self._pipeline, BY_ID, segments, missing, format=format, **call)

    async def status(
        self,
        schedule_id: int | str,
        *,
        at: dt.datetime | None = None,
        offset: float | None = None,
        format: DocumentFormat = "json",
        **call: Unpack[CallOptions],
    ) -> ScheduleStatus:
        """The schedule's status now (or at `at`), `offset` seconds later, in the schedule's
        time zone (the tenant's when it has none)."""
        params = {**_instant_ms(at), **_offset(offset)}
        record = _status(await self._document(STATUS, schedule_id, format, params, **call))
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
        **call: Unpack[CallOptions],
    ) -> NextScheduleStatus:
        """The status now (or at `at`) and the next status, with the instant it begins."""
        at_ms = _instant_ms(at)
        record = _status(await self._document(NEXT_STATUS, schedule_id, format, at_ms, **call))
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
