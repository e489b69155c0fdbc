"""The Recent Calls API on the sandbox: the tenant's phone interactions as call records,
searched with every documented filter and paged by `page`/`rows` with `hits`."""

from __future__ import annotations

import datetime as dt
import json
import re
import secrets
import zoneinfo
from collections.abc import Mapping
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..tenant._tenant import Tenant

PATH = "/customerexperience/v1/recentCallData/{region}"
REGIONS = ("us", "uk")
MAX_ROWS = 5000
_RANGE = re.compile(r"^range:(-?\d+),(-?\d+)$")
_DURATION = re.compile(r"^(sec|min):(-?\d+),(-?\d+)$")
_COUNTS = {"agentHoldCount": "holds", "agentMuteCount": "mutes", "transferCount": "transfers"}
_SECONDS = {
    "callDuration": "duration",
    "timeInQueue": "queue_seconds",
    "timeInIVR": "ivr",
    "agentCallDuration": "handling",
    "agentHoldDuration": "hold",
}


class BadSearch(ValueError):
    """A search body the server answers with 400."""


def _seconds(text: str) -> int:
    return int(text) if text and text.lstrip("-").isdigit() else 0


def _call(
    tenant: Tenant, interaction: Mapping[str, str], groups: Mapping[str, str]
) -> dict[str, Any]:
    """One phone interaction as the facts Recent Calls filters on, and its wire record."""
    created = dt.datetime.fromisoformat(interaction["create-timestamp"])
    accepted = interaction.get("accept-timestamp")
    wait = (dt.datetime.fromisoformat(accepted) - created).seconds if accepted else 0
    ident = int(interaction["interaction-id"])
    facts: dict[str, Any] = {
        "at": created,
        "agent": interaction.get("agent-id", ""),
        "queue": interaction.get("queue-id", ""),
        "group": groups.get(interaction.get("agent-id", ""), ""),
        "caller": f"{interaction.get('customer-name', '')} {interaction.get('origination', '')}",
        "holds": _seconds(interaction.get("hold-count", "0")),
        "mutes": ident % 3,
        "transfers": 1 if interaction.get("transfer-from") else 0,
        "duration": _seconds(interaction.get("total-time", "0")),
        "queue_seconds": wait,
        "ivr": _seconds(interaction.get("ivr-treatment-time", "0")),
        "handling": _seconds(interaction.get("process-time", "0")),
        "hold": _seconds(interaction.get("total-hold-time", "0")),
    }
    record = {
        "callId": f"int-{ident:x}-phone-00-{tenant.name}",
        "callType": interaction.get("interaction-direction", "").capitalize() or "Inbound",
        "callSubType": "Queued",
        "callerName": interaction.get("customer-name", ""),
        "callerNumber": interaction.get("origination", ""),
        "callerPhoneNumber": interaction.get("origination", ""),
        "dialedNumber": interaction.get("destination-original", ""),
        "destinationNumber": interaction.get("destination-translated", ""),
        "agentId": facts["agent"],
        "agentGroup": facts["group"],
        "queueId": facts["queue"],
        "tenantId": tenant.name,
        "transactionId": interaction["interaction-id"],
        "hungupBy": "Agent" if ident % 2 else "Caller",
        "scheduleHours": "Open",
        "transferCount": f"{facts['transfers']}.0",
        "callDuration": str(facts["duration"] * 1000),
        "agentCallHandlingDuration": f"{facts['handling'] * 1000}.0",
        "muteDuration": facts["mutes"] * 1500,
        "holdDuration": f"{facts['hold'] * 1000}.0",
        "maximumHoldDuration": f"{_seconds(interaction.get('max-hold-time', '0')) * 1000}.0",
        "timeInIVR": f"{facts['ivr'] * 1000}.0",
        "waitTime": f"{wait * 1000}.0",
        "abandonTime": "0.0",
        "totalScore": "",
        "postCallSurvey": "[]",
        "voiceComment": "{}",
        "voiceCommentFileNames": "",
    }
    return {"facts": facts, "record": record}


def call_record(
    tenant: Tenant, interaction: Mapping[str, str], groups: Mapping[str, str]
) -> dict[str, Any]:
    """The wire record of one phone interaction (`groups`: agent id → group id)."""
    record: dict[str, Any] = _call(tenant, interaction, groups)["record"]
    return record


def _range(name: str, text: object) -> tuple[int, int]:
    match = _RANGE.match(str(text))
    if match is None:
        raise BadSearch(f"{name} must look like range:X,Y; got {text!r}")
    return int(match[1]), int(match[2])


def _within(value: int, low: int, high: int) -> bool:
    return (low < 0 or value >= low) and (high < 0 or value <= high)


class RecentCallsService:
    """Recent Calls of the sandbox tenant: the search and its endpoint (the ground truth is
    `sb.truth.recent_calls(**body)`, selected apart from this)."""

    def __init__(self, tenant: Tenant) -> None:
        self.tenant = tenant
        groups = {a["agent-id"]: a["group-id"] for a in tenant.agents}
        phone = [i for i in tenant.interactions if i.get("media-type") == "Phone"]
        self._calls = sorted(
            (_call(tenant, i, groups) for i in phone),
            key=lambda c: (c["facts"]["at"], c["record"]["callId"]),
            reverse=True,  # newest first, as a "recent calls" list
        )

    def _select(self, body: Mapping[str, Any]) -> list[dict[str, Any]]:
        start, end = self._span(body)
        chosen = []
        for call in self._calls:
            facts = call["facts"]
            if not start <= facts["at"] < end or not self._matches(facts, body):
                continue
            chosen.append(call)
        return chosen

    def _span(self, body: Mapping[str, Any]) -> tuple[dt.datetime, dt.datetime]:
        zone = _zone(body.get("timezone"))
        now = self.tenant.now.astimezone(zone)
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        duration = body.get("duration")
        if duration is not None:
            spans = {
                "today": (midnight, midnight + dt.timedelta(days=1)),
                "yesterday": (midnight - dt.timedelta(days=1), midnight),
                "week": (
                    midnight - dt.timedelta(days=now.weekday()),
                    midnight + dt.timedelta(days=7 - now.weekday()),
                ),
                "month": (midnight.replace(day=1), midnight + dt.timedelta(days=1)),
                "allhistory": (
                    dt.datetime.min.replace(tzinfo=dt.timezone.utc),
                    dt.datetime.max.replace(tzinfo=dt.timezone.utc),
                ),
            }
            if duration not in spans:
                raise BadSearch(f"duration must be one of {', '.join(spans)}")
            return spans[duration]
        text = str(body.get("timeRange", "")).replace(" ", "")
        first, sep, last = text.partition("-")
        if not (sep and first.isdigit() and last.isdigit()):
            raise BadSearch(
                "give duration or timeRange as startEpochMilliseconds-endEpochMilliseconds"
            )
        utc = dt.timezone.utc
        return (
            dt.datetime.fromtimestamp(int(first) / 1000, utc),
            dt.datetime.fromtimestamp(int(last) / 1000, utc),
        )

    def _matches(self, facts: Mapping[str, Any], body: Mapping[str, Any]) -> bool:
        callers = body.get("callerName") or []
        if callers and str(callers[0]).lower() not in facts["caller"].lower():
            return False
        for wire, fact in (
            ("tenantAgents", "agent"),
            ("tenantQueues", "queue"),
            ("tenantGroups", "group"),
        ):
            wanted = body.get(wire) or []
            if wanted and facts[fact] not in [str(w) for w in wanted]:
                return False
        for wire, fact in _COUNTS.items():
            if wire in body and not _within(facts[fact], *_range(wire, body[wire])):
                return False
        for wire, fact in _SECONDS.items():
            if wire in body:
                match = _DURATION.match(str(body[wire]))
                if match is None:
                    raise BadSearch(f"{wire} must look like sec:X,Y or min:X,Y")
                scale = 60 if match[1] == "min" else 1
                low, high = int(match[2]), int(match[3])
                low, high = (low * scale if low >= 0 else -1), (high * scale if high >= 0 else -1)
                value = facts[fact]
                if not _within(value, low, high):
                    return False
        return True

    async def endpoint(self, request: Request) -> Response:
        """`POST /customerexperience/v1/recentCallData/{region}`."""
        credentials = self.tenant.credentials
        key, token = request.headers.get("8x8-apikey", ""), request.headers.get("token", "")
        if not (
            secrets.compare_digest(key, credentials.recent_calls_api_key)
            and secrets.compare_digest(token, credentials.recent_calls_token)
        ):
            return JSONResponse({"message": "Unauthorized"}, 401)
        if request.path_params["region"] not in REGIONS:
            return JSONResponse({"message": "region must be us or uk"}, 404)
        try:
            body = json.loads(await request.body())
            if not isinstance(body, dict):
                raise BadSearch("the body must be a JSON object")
            return JSONResponse(self._answer(body))
        except (ValueError, TypeError) as exc:
            return JSONResponse({"message": f"Bad request: {exc}"}, 400)

    def _answer(self, body: Mapping[str, Any]) -> dict[str, Any]:
        if body.get("tenantId") != self.tenant.name:
            raise BadSearch("tenantId does not match the credentials")
        page, rows = int(body.get("page", 0)), int(body.get("rows", 0))
        if page < 1 or not 1 <= rows <= MAX_ROWS:
            raise BadSearch(f"page starts at 1 and rows is 1 to {MAX_ROWS}")
        zone_name = body.get("timezone") or "GMT"
        zone = _zone(zone_name)
        selected = self._select(body)
        data = []
        for call in selected[(page - 1) * rows : page * rows]:
            stamp = call["facts"]["at"].astimezone(zone)
            data.append(
                {
                    **call["record"],
                    "callDate": stamp.strftime("%m/%d/%Y %H:%M:%S"),
                    "callDateOnly": stamp.strftime("%m/%d/%Y"),
                    "callTime": stamp.strftime("%H:%M:%S"),
                }
            )
        return {
            "hits": len(selected),
            "alertBellCount": 0,
            "sortColumn": None,
            "data": data,
            "autoRefresh": None,
            "columns": [],
            "timezone": zone_name,
            "sortOrder": None,
            "page": page,
            "rows": rows,
        }


def _zone(name: object) -> dt.tzinfo:
    if not name or name == "GMT":
        return dt.timezone.utc
    try:
        return zoneinfo.ZoneInfo(str(name))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError, OSError):  # OSError: tzdata, "America"
        raise BadSearch(f"unknown timezone {name!r}") from None
