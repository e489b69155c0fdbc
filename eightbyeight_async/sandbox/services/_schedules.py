"""The Tenant Schedule API on the sandbox: three schedules, statuses computed at any instant,
and the document's one-request-at-a-time rule (a concurrent request gets 503)."""

from __future__ import annotations

import datetime as dt
import json
import threading
import urllib.parse
import zoneinfo
from typing import Any

import anyio
import xmltodict
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..tenant._tenant import Tenant
from ._auth import check_basic
from ._render import CONTENT_TYPES

PATH = "/api/provisioning/{path:path}"
_WEEKDAYS = range(1, 6)  # Monday..Friday, with day 0 = Sunday


def _day(day: int, periods: list[tuple[int, str, str]]) -> dict[str, Any]:
    return {
        "day": str(day),
        "properties": [
            {"status": str(status), "start-time": start, "end-time": end}
            for status, start, end in periods
        ],
    }


def _schedules(tenant: Tenant) -> list[dict[str, Any]]:
    office = [(0, "08:00", "17:00")]
    support = [(0, "07:00", "19:00"), (1, "19:00", "22:00")]
    return [
        {
            "id": "1",
            "name": "Default Schedule",
            "time-zone": "America/Los_Angeles",
            "week-days": {
                "week-day": [_day(d, office if d in _WEEKDAYS else []) for d in range(7)]
            },
        },
        {
            "id": "2",
            "name": "Support Hours",
            "time-zone": "Europe/London",
            "week-days": {
                "week-day": [
                    _day(d, support if d in _WEEKDAYS else [(2, "10:00", "14:00")])
                    for d in range(7)
                ]
            },
        },
        {
            "id": "3",
            "name": "Night Line",
            "time-zone": "",
            "week-days": {"week-day": [_day(d, [(0, "00:00", "06:00")]) for d in range(7)]},
        },
    ]


class SchedulesService:
    """Schedules of the sandbox tenant, their statuses at any instant, and the busy rule.

    `delay` (seconds) holds each answer so that overlapping requests can be observed;
    `rejected` counts the 503s given to concurrent requests.
    """

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        self.schedules = _schedules(tenant)
        self._lock = threading.Lock()
        self._in_flight = 0
        self.reset()

    def reset(self) -> None:
        """No delay, no rejections counted (requests in flight are still counted)."""
        self.delay = 0.0
        self.rejected = 0

    def status_at(self, schedule_id: str, instant: dt.datetime) -> int:
        """The status code of a schedule at an instant: the period covering the local time,
        else CLOSED (-1)."""
        schedule = self._find(schedule_id)
        local = instant.astimezone(self._zone(schedule))
        day = next(
            d
            for d in schedule["week-days"]["week-day"]
            if int(d["day"]) == (local.isoweekday() % 7)
        )
        clock = local.strftime("%H:%M")
        for period in day["properties"]:
            if period["start-time"] <= clock < period["end-time"]:
                return int(period["status"])
        return -1

    def next_change(self, schedule_id: str, instant: dt.datetime) -> tuple[int, dt.datetime] | None:
        """The next different status and the minute it begins (within a week), or None."""
        current = self.status_at(schedule_id, instant)
        moment = instant.replace(second=0, microsecond=0)
        for _ in range(7 * 24 * 60):  # bounded: one week of minutes
            moment += dt.timedelta(minutes=1)
            code = self.status_at(schedule_id, moment)
            if code != current:
                return code, moment
        return None

    def _zone(self, schedule: dict[str, Any]) -> dt.tzinfo:
        return zoneinfo.ZoneInfo(schedule["time-zone"] or self.tenant.timezone)

    def _find(self, schedule_id: str) -> dict[str, Any]:
        for schedule in self.schedules:
            if schedule["id"] == schedule_id:
                return schedule
        raise KeyError(schedule_id)

    async def endpoint(self, request: Request) -> Response:
        """Every `/api/provisioning/schedules...` path, one request at a time."""
        credentials = self.tenant.credentials
        denied = check_basic(request, credentials.tenant_name, credentials.data_token)
        if denied is not None:  # this document answers 401 (not 403) to wrong credentials
            return PlainTextResponse("Unauthorized: incorrect authentication", 401)
        with self._lock:
            busy = self._in_flight > 0
            if busy:
                self.rejected += 1
            else:
                self._in_flight += 1
        if busy:
            return PlainTextResponse("Server busy: one request per customer at a time", 503)
        try:
            if self.delay:
                await anyio.sleep(self.delay)
            return self._answer(request)
        finally:
            with self._lock:
                self._in_flight -= 1

    def _answer(self, request: Request) -> Response:
        path = request.path_params["path"]
        # The documented URLs have no suffix: the format comes from `Accept` (XML, the
        # document's sample, by default). A `.json`/`.xml` suffix is still understood.
        accept = request.headers.get("accept", "").lower()
        fmt = "json" if "json" in accept else "xml"
        if path.endswith((".json", ".xml")):
            fmt = "json" if path.endswith(".json") else "xml"
            path = path.rsplit(".", 1)[0]
        parts = [urllib.parse.unquote(p) for p in path.split("/")]
        try:
            if parts == ["schedules"]:
                return _render(fmt, {"schedules": {"schedule": self.schedules}})
            if len(parts) == 2 and parts[0] == "schedulesbyname":
                found = [s for s in self.schedules if s["name"] == parts[1]]
                if not found:
                    raise KeyError(parts[1])
                return _render(fmt, {"schedule": found[0]})
            if len(parts) >= 2 and parts[0] == "schedules":
                if not parts[1].isdigit():
                    return PlainTextResponse("Bad request: a schedule id is a number", 400)
                schedule = self._find(parts[1])
                if len(parts) == 2:
                    return _render(fmt, {"schedule": schedule})
                if len(parts) == 3 and parts[2] in ("status", "nextstatus"):
                    return self._status(fmt, parts[1], parts[2] == "nextstatus", request)
        except KeyError as missing:
            return PlainTextResponse(f"Not found: {missing}", 404)
        except ValueError as bad:
            return PlainTextResponse(f"Bad request: {bad}", 400)
        return PlainTextResponse(f"Not found: {request.url.path}", 404)

    def _status(self, fmt: str, schedule_id: str, following: bool, request: Request) -> Response:
        query = request.query_params
        utc = dt.timezone.utc
        instant = (
            dt.datetime.fromtimestamp(int(query["utctime"]) / 1000, utc)
            if "utctime" in query
            else self.tenant.now
        )
        instant += dt.timedelta(seconds=int(query.get("offset", "0")))
        code = self.status_at(schedule_id, instant)
        status: dict[str, str] = {
            "schedule-id": schedule_id,
            "code": str(code),
            "label": _label(code),
        }
        if following:
            change = self.next_change(schedule_id, instant)
            if change is not None:
                status["next-code"] = str(change[0])
                status["next-label"] = _label(change[0])
                status["next-time"] = str(int(change[1].timestamp() * 1000))
        return _render(fmt, {"status": status})


def _label(code: int) -> str:
    return "OPEN" if code == 0 else "CLOSED" if code == -1 else "CHOICE"


def _render(fmt: str, document: dict[str, Any]) -> Response:
    body = json.dumps(document).encode() if fmt == "json" else xmltodict.unparse(document).encode()
    return Response(body, headers={"content-type": CONTENT_TYPES[fmt]})  # type: ignore[index]
