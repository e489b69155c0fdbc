"""`sb.truth`: what each API should answer, derived from the generated tenant.

One entry point per family, one shape: a method that takes what identifies the listing
(keywords for query values) and returns every record it selects, unpaged, in wire form
(fresh copies: wire names to wire strings).

    sb.truth.stats("agents/fred/interactions", d="today-7d,today", media_type="T")
    sb.truth.recent_calls(duration="allhistory", tenantAgents=["fred"])
    sb.truth.analytics_rows(report_id)
    sb.truth.detailed_rows(type=..., start=..., end=..., timezone="UTC", search=[...])
    sb.truth.interaction_ids(start, end)
    sb.truth.streaming(subscription_id)

The statistics truth selects with a plain filter over the tenant's records (membership,
`d=` window, query variables) written apart from the request handlers (`_stats`, `_index`);
it shares with them only the record views (how a stored record is shown) and the 30-minute
aggregates computed from the tenant. Recent Calls are filtered in `_truth_calls`, apart from
the service's search. Analytics rows are rebuilt from the tenant and the report's spec (not
read from the job the server pages); detailed rows from the tenant and a create body built
from the keywords, whatever reports the server holds. SAPI events are the subscription's log:
what the server routed to it (delivered, stored or lost), in order.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Callable, Mapping
from typing import Any, cast

from ._services import Services
from ._truth_calls import recent_calls
from .services import _views as views
from .services._date_param import DateParamError, date_window, zone_named
from .services._index import StatsIndex
from .services._stats import StatsQueryError, split_format
from .tenant._analytics_data import ReportData
from .tenant._detailed_catalogue import INTERACTION_DETAILS
from .tenant._detailed_data import DetailedData
from .tenant._detailed_rules import parse_detailed_spec
from .tenant._detailed_script_paths import ScriptPathsData
from .tenant._detailed_truth import detailed_body, interactions_created
from .tenant._entities import Record, WireRecord
from .tenant._tenant import Tenant
from .tenant._tenant_world import QUEUED_TYPES

Rows = Callable[["GroundTruth", str], "list[WireRecord]"]
"""(truth, the path's id) → the listing's records in tenant order, before `d=` and filters."""

_ID_FIELD = {"groups": "group-id", "agents": "agent-id", "queues": "queue-id"}
_ID_FIELD |= {"channels": "channel-id", "campaigns": "campaign-id"}


def _queued(record: Record) -> bool:
    return bool(record["queue-id"]) and record["interaction-type"] in QUEUED_TYPES


def _anything(_record: Record) -> bool:
    return True


def _all(table: str) -> Rows:
    return lambda truth, _key: list(getattr(truth.tenant, table))


def _where(table: str, field: str, keep: Callable[[Record], bool] = _anything) -> Rows:
    def rows(truth: GroundTruth, key: str) -> list[WireRecord]:
        return [r for r in getattr(truth.tenant, table) if r[field] == key and keep(r)]

    return rows


def _one(kind: str) -> Rows:
    return lambda truth, key: [r for r in getattr(truth.tenant, kind) if r[_ID_FIELD[kind]] == key]


def _accepted_in_group(truth: GroundTruth, key: str) -> list[WireRecord]:
    members = {a["agent-id"] for a in truth.tenant.agents if a["group-id"] == key}
    return [r for r in truth.tenant.interactions if r["agent-id"] in members and _queued(r)]


def _aggregate(name: str, kind: str) -> Rows:
    def rows(truth: GroundTruth, key: str) -> list[WireRecord]:
        return list(truth.sandbox.stats.index.aggregate(name, kind, key).items)

    return rows


def _accepted(record: Record) -> bool:
    return bool(record["agent-id"]) and _queued(record)


def _campaign_call(record: Record) -> bool:
    return bool(record["agent-id"])


LISTINGS: dict[str, tuple[str | None, views.View, Rows]] = {
    # path template → (the kind its id names, the view, the records)
    "groups": (None, views.GROUP_VIEW, _all("groups")),
    "agents": (None, views.AGENT_VIEW, _all("agents")),
    "agents/{id}": ("agents", views.AGENT_VIEW, _one("agents")),
    "groups/{id}/agents": ("groups", views.AGENT_VIEW, _where("agents", "group-id")),
    "agents/{id}/activities": ("agents", views.ACTIVITY_VIEW, _where("activities", "agent-id")),
    "groups/{id}/activities": ("groups", views.ACTIVITY_VIEW, _where("activities", "group-id")),
    "agents/{id}/interactions": (
        "agents", views.AGENT_INTERACTION_VIEW, _where("interactions", "agent-id", _accepted)
    ),
    "groups/{id}/interactions": ("groups", views.AGENT_INTERACTION_VIEW, _accepted_in_group),
    "interactions": (
        None, views.QUEUE_INTERACTION_VIEW,
        lambda truth, _key: [r for r in truth.tenant.interactions if _queued(r)],
    ),
    "queues/{id}/interactions": (
        "queues", views.QUEUE_INTERACTION_VIEW, _where("interactions", "queue-id", _queued)
    ),
    "channels/{id}/interactions": (
        "channels", views.QUEUE_INTERACTION_VIEW, _where("interactions", "channel-id", _queued)
    ),
    "campaigns/{id}/interactions": (
        "campaigns", views.CAMPAIGN_INTERACTION_VIEW,
        _where("interactions", "campaign-id", _campaign_call),
    ),
    "allinteractions": (None, views.ALL_INTERACTION_VIEW, _all("interactions")),
    "agents/{id}/statistics": ("agents", views.STATISTICS_VIEW, _aggregate("statistics", "agents")),
    "queues/{id}/statistics": ("queues", views.STATISTICS_VIEW, _aggregate("statistics", "queues")),
    "channels/{id}/statistics": (
        "channels", views.STATISTICS_VIEW, _aggregate("statistics", "channels")
    ),
    "queues/{id}/online_slas": (
        "queues", views.ONLINE_SLA_VIEW, _aggregate("online_slas", "queues")
    ),
    "channels/{id}/online_slas": (
        "channels", views.ONLINE_SLA_VIEW, _aggregate("online_slas", "channels")
    ),
    "queues/{id}/offline_slas": (
        "queues", views.OFFLINE_SLA_VIEW, _aggregate("offline_slas", "queues")
    ),
    "channels/{id}/offline_slas": (
        "channels", views.OFFLINE_SLA_VIEW, _aggregate("offline_slas", "channels")
    ),
    "agents/{id}/statuses": ("agents", views.STATUS_VIEW, _where("statuses", "agent-id")),
    "groups/{id}/statuses": ("groups", views.STATUS_VIEW, _where("statuses", "group-id")),
    "agents/{id}/statuses/statistics": (
        "agents", views.STATUS_STATISTICS_VIEW, _aggregate("statuses/statistics", "agents")
    ),
    "agents/{id}/skills": ("agents", views.AGENT_SKILL_VIEW, _where("skills", "agent-id")),
    "queues/{id}/skills": ("queues", views.QUEUE_SKILL_VIEW, _where("skills", "queue-id")),
    "agents/{id}/outboundcalls": (
        "agents", views.OUTBOUND_CALL_VIEW, _where("outbound_calls", "agent-id")
    ),
    "groups/{id}/outboundcalls": (
        "groups", views.OUTBOUND_CALL_VIEW, _where("outbound_calls", "group-id")
    ),
    "queues": (None, views.QUEUE_VIEW, _all("queues")),
    "queues/{id}": ("queues", views.QUEUE_VIEW, _one("queues")),
    "channels": (None, views.CHANNEL_VIEW, _all("channels")),
    "campaigns": (None, views.CAMPAIGN_VIEW, _all("campaigns")),
    "campaigns/{id}": ("campaigns", views.CAMPAIGN_VIEW, _one("campaigns")),
    "campaigns/{id}/records": (
        "campaigns", views.CAMPAIGN_RECORD_VIEW, _where("campaign_records", "campaign-id")
    ),
    "tcls": (None, views.TRANSACTION_CODE_VIEW, _all("transaction_codes")),
    "scls": (None, views.STATUS_CODE_VIEW, _all("status_codes")),
}  # fmt: skip


class GroundTruth:
    """The records each family's API should answer, for tests to compare against."""

    def __init__(self, sandbox: Services) -> None:
        self.sandbox = sandbox
        self.tenant: Tenant = sandbox.tenant

    def stats(self, path: str, **query: object) -> list[dict[str, Any]]:
        """Every record `GET /api/stats/{path}?{query}` selects, unpaged, as served.

        `path` is relative to `/api/stats/` (a leading `/api/stats/`, a format suffix and an
        inline `?query` are accepted too). Query names are wire names; `_` stands for `-`
        unless the field itself has an underscore (`transaction_id`). A list value means
        any of its values; `d` may be a string, a date, a datetime, a (start, end) pair or a
        client `DateRange`. `n` is refused (TypeError). An unknown path or id raises
        StatsQueryError with `status` 404; a bad `d`, `tz` or query variable, 400.
        """
        path, _, inline = path.partition("?")
        stem, _format = split_format(path.strip("/").removeprefix("api/stats/"))
        template, key = _template(stem)
        kind, view, rows = LISTINGS[template]
        params = urllib.parse.parse_qsl(inline, keep_blank_values=True)
        params += _params(view, query)
        filters, window = self._query(view, params)  # syntax first: a bad query is a 400
        if kind is not None and not any(r[_ID_FIELD[kind]] == key for r in _table(self, kind)):
            raise StatsQueryError(404, f"Not found: /api/stats/{stem}")
        chosen = rows(self, key)
        if window is not None and view.date_field is not None:
            field = view.date_field
            low, high = window
            chosen = [r for r in chosen if low <= _epoch(str(r[field])) < high]
            chosen.sort(key=lambda r: _epoch(str(r[field])))
        index = self.sandbox.stats.index
        shown = []
        for raw in chosen:
            wire = view.wire(index, raw)
            if all(
                _value(view, index, raw, wire, name) in wanted for name, wanted in filters.items()
            ):
                shown.append({k: dict(v) if isinstance(v, Mapping) else v for k, v in wire.items()})
        return shown

    def _query(
        self, view: views.View, params: list[tuple[str, str]]
    ) -> tuple[dict[str, set[str]], tuple[float, float] | None]:
        filters: dict[str, set[str]] = {}
        dates, zone = "today", None
        for name, value in params:
            if name == "d":
                dates = value
            elif name == "tz":
                zone = value
            elif name in view.filterable:
                filters.setdefault(name, set()).add(value)
            else:
                raise StatsQueryError(400, f"Bad request: no field {name!r}")
        if view.date_field is None:
            return filters, None
        try:
            tz = zone_named(zone) if zone is not None else zone_named(self.tenant.timezone)
            return filters, date_window(dates, self.tenant.now, tz)
        except DateParamError as error:
            raise StatsQueryError(400, f"Bad request: {error}") from None

    def recent_calls(self, **body: Any) -> list[dict[str, Any]]:
        """Every call a Recent Calls search body selects (wire names, unpaged, newest first;
        `callDate` left out, its text depending on the zone); keywords are the body's fields
        (`tenantId` not needed). ValueError for a body the server refuses."""
        return recent_calls(self.tenant, body)

    def analytics_rows(self, report_id: int | str) -> list[dict[str, Any]]:
        """Every row of an analytics report (past the JSON cap too), as the wire carries them
        (KeyError for an unknown report)."""
        report = self.sandbox.analytics.report(report_id)
        if report is None:
            raise KeyError(f"no report {report_id}")
        data = report.data
        if isinstance(data, ScriptPathsData):
            return [dict(row) for row in ScriptPathsData(self.tenant, data.spec).rows()]
        return [dict(row) for row in ReportData(self.tenant, data.spec).rows()]

    def detailed_rows(
        self,
        type: str = INTERACTION_DETAILS,
        *,
        start: dt.datetime | str,
        end: dt.datetime | str,
        timezone: str | None = "UTC",
        search: list[dict[str, Any]] | None = None,
        metrics: list[str] | None = None,
        intraday: tuple[str, str] | None = None,
        include_participants: bool = False,
        report_settings: dict[str, Any] | None = None,
        duration_text: bool | None = None,
    ) -> list[dict[str, Any]]:
        """Every row a detailed report of these settings serves, in page order, as the wire
        carries them (the pages of `POST /detailed-reports` concatenated).

        The keywords are the create body's: `search` its `searchQuery` entries, `intraday`
        `(start, end)` as `hh:mm:ss`, `timezone` None for the tenant's default (what the
        server uses when the body has none; note the default here is UTC). `duration_text`
        None follows `sb.analytics.duration_text`. RequestRejected for a body the server
        refuses."""
        text = self.sandbox.analytics.duration_text if duration_text is None else duration_text
        body = detailed_body(
            type, start, end, timezone, search, metrics, intraday, include_participants
        )
        body["reportSettings"] = report_settings or {}
        data = DetailedData(self.tenant, parse_detailed_spec(body, self.tenant))
        return list(data.all_rows(text))

    def interaction_ids(self, start: dt.datetime | str, end: dt.datetime | str) -> list[str]:
        """The ids of every interaction created in `[start, end)`, in the detailed reports'
        order: what one interaction-details report of that range (no search, no intraday
        window) serves as its `interactionId` items."""
        return interactions_created(self.tenant, start, end)

    def recordings(self, listing: str, interaction_guid: str | None = None) -> list[dict[str, Any]]:
        """Every record of a recordings listing the tenant still has ("files", "transcripts"),
        or with `interaction_guid`, the messages of one transcript (deletes through the API
        are reflected; KeyError for an unknown listing or guid)."""
        service = self.sandbox.recordings
        if interaction_guid is not None:
            return service.messages(interaction_guid)
        if listing == "files":
            return service.files()
        if listing == "transcripts":
            return service.transcripts()
        raise KeyError(f"no recordings listing {listing!r}: 'files' or 'transcripts'")

    def streaming(self, subscription_id: str) -> list[dict[str, Any]]:
        """Every SAPI event the subscription was entitled to, in order, JSON form (delivered,
        stored or lost: `sb.streaming.lost(id)` names the lost ones)."""
        return self.sandbox.streaming.log(subscription_id)


def _table(truth: GroundTruth, kind: str) -> tuple[Record, ...]:
    records: tuple[Record, ...] = getattr(truth.tenant, kind)
    return records


def _template(stem: str) -> tuple[str, str]:
    """(the listing template, the id) of a path, else StatsQueryError 404."""
    parts = stem.split("/")
    for template in LISTINGS:
        pattern = template.split("/")
        if len(pattern) == len(parts) and all(
            (p == "{id}" and bool(s)) or p == s for p, s in zip(pattern, parts, strict=True)
        ):
            key = parts[pattern.index("{id}")] if "{id}" in pattern else ""
            return template, key
    raise StatsQueryError(404, f"Not found: /api/stats/{stem}")


def _params(view: views.View, query: Mapping[str, object]) -> list[tuple[str, str]]:
    params: list[tuple[str, str]] = []
    for name, value in query.items():
        if name == "n":
            raise TypeError("truth.stats() lists every record, unpaged: it takes no `n`")
        if name == "d":
            params.append(("d", _dates_text(value)))
            continue
        if name != "tz" and name not in view.filterable:
            name = name.replace("_", "-")
        values = value if isinstance(value, (list, tuple, set, frozenset)) else [value]
        params += [(name, str(item)) for item in values]
    return params


def _value(
    view: views.View, index: StatsIndex, raw: WireRecord, wire: WireRecord, name: str
) -> object:
    """The value a query variable compares: the shown one, else the hidden (stored or derived)."""
    if name in wire:
        return wire[name]
    derive = view.derived.get(name)
    return derive(index, cast(Record, raw)) if derive is not None else raw[name]


def _epoch(text: str) -> float:
    return dt.datetime.fromisoformat(text).timestamp()


def _dates_text(value: object) -> str:
    """A `d=` value from a string, a date or datetime, a (start, end) pair of those, or any
    object with a `to_query()` rendering (the client's DateRange)."""
    if isinstance(value, tuple | list):
        if len(value) != 2 or value[0] is None:
            raise StatsQueryError(400, f"Bad request: cannot use {value!r} as d=")
        return ",".join(_bound_text(bound) for bound in value if bound is not None)
    return _bound_text(value)


def _bound_text(value: object) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            return f"{value:%Y-%m-%d %H:%M}"
        return f"{value.astimezone(dt.timezone.utc):%Y%m%dT%H%MZ}"
    if isinstance(value, dt.date):
        return value.isoformat()
    to_query = getattr(value, "to_query", None)
    if callable(to_query):
        return str(to_query())
    raise StatsQueryError(400, f"Bad request: cannot use {value!r} as d=")
