"""`cc.recent_calls`: the Customer Experience Recent Calls API (`POST
/customerexperience/v1/recentCallData/{region}`), searched with typed filters and paged."""

from __future__ import annotations

import datetime as dt
import functools
import warnings
import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any, Final, Literal

from typing_extensions import Unpack

from .._config import ApiFamily
from .._convert import structure_many
from .._dates import validate_timezone
from .._endpoints import Action, CallOptions, overrides
from .._errors import ConfigurationError, DecodeError, InvalidArgumentError
from .._formats import decode_json
from .._http import HttpPipeline
from .._paginators import HitsPage, RowsPaginator
from .._validate import NOT_A_LIST
from ..types.recent_calls import Duration, Range, RecentCall

RecentCallsDuration = Literal["today", "yesterday", "week", "month", "allhistory"]
DURATIONS: Final = ("today", "yesterday", "week", "month", "allhistory")
MAX_ROWS: Final = 5000
DEFAULT_ROWS: Final = 500
API_VERSION: Final = "v1"
CALL_DATE_FORMAT: Final = "%m/%d/%Y %H:%M:%S"

_RANGES: Final = {
    "hold_count": "agentHoldCount",
    "mute_count": "agentMuteCount",
    "transfer_count": "transferCount",
}
_IDS: Final = {"agents": "tenantAgents", "queues": "tenantQueues", "groups": "tenantGroups"}
_DURATIONS: Final = {
    "call_duration": "callDuration",
    "time_in_queue": "timeInQueue",
    "time_in_ivr": "timeInIVR",
    "agent_call_duration": "agentCallDuration",
    "agent_hold_duration": "agentHoldDuration",
}


def _epoch_ms(name: str, value: object) -> int:
    if not isinstance(value, dt.datetime) or value.tzinfo is None:
        raise InvalidArgumentError(f"{name} must be a timezone-aware datetime; got {value!r}")
    return int(value.timestamp() * 1000)


def _ids(name: str, values: Iterable[str | int] | None) -> list[str] | None:
    """The ids as text: an iterable of non-empty str or int ids (not one id, bool or None)."""
    if values is None:
        return None
    if isinstance(values, (str, int)):
        raise InvalidArgumentError(f"{name} takes a list of ids, e.g. {name}=['{values}']")
    if isinstance(values, NOT_A_LIST) or not isinstance(values, Iterable):
        raise InvalidArgumentError(f"{name} takes a list of ids, e.g. {name}=['591']")
    given = list(values)
    for value in given:
        if isinstance(value, bool) or not isinstance(value, (str, int)) or not str(value).strip():
            raise InvalidArgumentError(
                f"{name} must hold non-empty ids (str or int); got {value!r} in {given!r}"
            )
    return [str(v).strip() for v in given]


def search_body(
    tenant_id: str,
    *,
    duration: str | None,
    time_range: tuple[dt.datetime, dt.datetime] | None,
    timezone: str | None,
    caller: str | None,
    filters: Mapping[str, object],
    ids: Mapping[str, Iterable[str | int] | None],
) -> dict[str, Any]:
    """The request body (without `page`/`rows`), every rule checked before any I/O."""
    if (duration is None) == (time_range is None):
        raise InvalidArgumentError(
            "give exactly one of duration= (today, yesterday, week, month, allhistory) or "
            "time_range=(start, end)"
        )
    body: dict[str, Any] = {"tenantId": tenant_id}
    if duration is not None:
        if duration not in DURATIONS:
            raise InvalidArgumentError(
                f"duration must be one of {', '.join(DURATIONS)}; got {duration!r}"
            )
        body["duration"] = duration
    else:
        try:
            start, end = time_range  # type: ignore[misc]
        except (TypeError, ValueError):
            raise InvalidArgumentError(
                f"time_range must be a (start, end) pair of datetimes; got {time_range!r}"
            ) from None
        first, last = _epoch_ms("time_range start", start), _epoch_ms("time_range end", end)
        if last <= first:
            raise InvalidArgumentError("time_range must end after it starts")
        body["timeRange"] = f"{first}-{last}"
    if timezone is not None:
        body["timezone"] = validate_timezone(timezone)
    if caller is not None:
        if not isinstance(caller, str) or not caller.strip():
            raise InvalidArgumentError(f"caller must be a non-empty name or number; got {caller!r}")
        body["callerName"] = [caller]
    for name, values in ids.items():
        listed = _ids(name, values)
        if listed:
            body[_IDS[name]] = listed
    for name, value in filters.items():
        if value is None:
            continue
        expected = Range if name in _RANGES else Duration
        if not isinstance(value, expected):
            example = "Range(2, None)" if expected is Range else "Duration.seconds(60, None)"
            raise InvalidArgumentError(f"{name} takes a {expected.__name__}, e.g. {example}")
        body[_RANGES.get(name) or _DURATIONS[name]] = value.to_wire()
    return body


def _call_date(text: str, zone: dt.tzinfo | None) -> Any:
    """The documented "MM/dd/yyyy HH:mm:ss" (or ISO text without an offset) in the answer's
    zone, naive when the zone is unknown; other text (an offset, epoch digits) is left to the
    converter, which reads it or says why not."""
    text = text.strip()
    if not text:
        return None
    if text.lstrip("-").isdigit():  # epoch digits, not an ISO basic date like "20220113"
        return text
    try:
        moment = dt.datetime.strptime(text, CALL_DATE_FORMAT)
    except ValueError:
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            return text
    if moment.tzinfo is not None:
        return moment
    return moment if zone is None else moment.replace(tzinfo=zone)


def _zone(name: Any) -> dt.tzinfo | None:
    """The answer's `timezone`: UTC when absent (the document's default is GMT), None when it
    names a zone this Python does not know."""
    if name is None or name == "":
        return dt.timezone.utc
    try:
        return zoneinfo.ZoneInfo(name) if isinstance(name, str) else None
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: tzdata, "America"
        return None


def _in_zone(record: Any, zone: dt.tzinfo | None) -> Any:
    """The record with a text `callDate` read in the answer's zone (the document's context,
    which a record alone does not carry); the converter does the rest."""
    if not isinstance(record, dict) or not isinstance(record.get("callDate"), str):
        return record
    return {**record, "callDate": _call_date(record["callDate"], zone)}


def parse_page(content: bytes) -> HitsPage[RecentCall]:
    """A response body → its typed calls and `hits`."""
    document = decode_json(content)
    if not isinstance(document, dict) or not isinstance(document.get("data", []), list):
        raise DecodeError("a Recent Calls answer is an object with a 'data' array", body=content)
    zone = _zone(document.get("timezone"))
    if zone is None:
        # Raising would lose the whole page and guessing UTC would shift every time: the
        # dates are kept as the wall-clock times sent (naive), and the caller is told.
        warnings.warn(
            f"the Recent Calls answer names an unknown time zone {document['timezone']!r}; "
            "call_date is left naive (the wall-clock time in that zone); update tzdata or "
            "pass tz= with an IANA name to search()",
            UserWarning,
            stacklevel=2,
        )
    data = document.get("data") or []
    records = [_in_zone(r, zone) for r in data]
    hits = document.get("hits")
    try:
        total = None if hits is None else int(hits)
    except (TypeError, ValueError):
        raise DecodeError(f"'hits' is not a number: {hits!r}") from None
    return HitsPage(structure_many(records, RecentCall), total)


# A search: repeating it changes nothing.
SEARCH = Action(
    ApiFamily.RECENT_CALLS,
    "POST",
    f"/customerexperience/{API_VERSION}/recentCallData/{{region}}",
    idempotent=True,
)


class RecentCalls:
    """The Recent Calls API (8x8-apikey + token headers): `cc.recent_calls.search(...)`."""

    def __init__(self, pipeline: HttpPipeline, *, region: str, tenant: str | None) -> None:
        self._pipeline = pipeline
        self.region = region
        self._tenant = tenant

    def __repr__(self) -> str:
        return f"RecentCalls(region={self.region!r})"

    def search(
        self,
        *,
        tenant_id: str | None = None,
        duration: RecentCallsDuration | None = None,
        time_range: tuple[dt.datetime, dt.datetime] | None = None,
        tz: str | None = None,
        caller: str | None = None,
        agents: Iterable[str] | None = None,
        queues: Iterable[str | int] | None = None,
        groups: Iterable[str | int] | None = None,
        hold_count: Range | None = None,
        mute_count: Range | None = None,
        transfer_count: Range | None = None,
        call_duration: Duration | None = None,
        time_in_queue: Duration | None = None,
        time_in_ivr: Duration | None = None,
        agent_call_duration: Duration | None = None,
        agent_hold_duration: Duration | None = None,
        page_size: int = DEFAULT_ROWS,
        prefetch: int | None = None,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> RowsPaginator[RecentCall]:
        """Calls matching every given filter, in pages of `page_size` (up to 5000) fetched ahead.

        Exactly one of `duration` ("today", "yesterday", "week", "month", "allhistory") or
        `time_range=(start, end)` (aware datetimes). `caller` matches part of a caller's name
        or number; `agents`/`queues`/`groups` match any of their ids; counts take `Range(low,
        high)`, durations `Duration.seconds(...)`/`Duration.minutes(...)` (None: open end).
        `tz` is the IANA zone the answer's times are in. `tenant_id` defaults to the client's
        tenant.
        """
        tenant = tenant_id or self._tenant
        if not tenant:
            raise ConfigurationError(
                "Recent Calls needs the tenant id: pass tenant= to ContactCenter "
                "(or EIGHTBYEIGHT_TENANT), or tenant_id= to search()"
            )
        overrides(call)  # a bad timeout= or retry= fails here, not at the first page
        filters = {
            "hold_count": hold_count,
            "mute_count": mute_count,
            "transfer_count": transfer_count,
            "call_duration": call_duration,
            "time_in_queue": time_in_queue,
            "time_in_ivr": time_in_ivr,
            "agent_call_duration": agent_call_duration,
            "agent_hold_duration": agent_hold_duration,
        }
        body = search_body(
            tenant,
            duration=duration,
            time_range=time_range,
            timezone=tz,
            caller=caller,
            filters=filters,
            ids={"agents": agents, "queues": queues, "groups": groups},
        )
        window = {} if prefetch is None else {"prefetch": prefetch}
        return RowsPaginator(
            functools.partial(self._fetch, body, call),
            page_size=page_size,
            max_page_size=MAX_ROWS,
            limit=limit,
            **window,
        )

    async def _fetch(
        self, body: Mapping[str, Any], call: CallOptions, page: int, rows: int
    ) -> HitsPage[RecentCall]:
        options = SEARCH.request(
            segments={"region": self.region}, json={**body, "page": page, "rows": rows}, **call
        )
        return await self._pipeline.request_parsed(options, lambda r: parse_page(r.content))
