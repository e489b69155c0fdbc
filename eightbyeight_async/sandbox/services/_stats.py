"""The Historical Statistics API (`/api/stats/...`) as the sandbox serves it.

Each documented path is a pattern, a `View` (the documented record type, the field `d=`
selects on) and a lister from the tenant's index (and the path's id) to a `Series`, or None
for an unknown id (404). `StatsService.select` does what every path shares, and serves both
the HTTP endpoint (Basic auth with the data token; `.xml`/`.json`/`.csv`, XML without a
suffix). The tests' ground truth (`sb.truth.stats`, in `_truth`) selects apart from it.

Query rules; where the document is silent, these are the sandbox's choices:

- `n` is the 1-based offset of the first record of a 50-record page; anything but a
  positive integer is a 400. An offset past the end gives an empty page.
- `d` and `tz` apply to dated listings (events and 30-minute aggregates); other listings
  ignore them. Without `d` a dated listing selects today; without `tz`, in the tenant's
  zone. An unparsable `d` or an unknown `tz` is a 400.
- Any other name is a query variable `field=value`: `field` must be a field the listing
  shows (or a hidden field its view declares, see `_views`), else 400 — a misspelt filter
  must not silently return everything. Values match exactly; a repeated field matches any
  of its values; different fields must all match.
- Syntax is checked before ids are looked up: a bad query on an unknown id is a 400.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence

import attrs
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ..tenant._entities import Entity, WireRecord
from ..tenant._tenant import Tenant
from ._auth import check_basic
from ._date_param import DateParamError, date_window, zone_named
from ._index import Series, StatsIndex
from ._render import CONTENT_TYPES, FORMATS, Format, render
from ._views import (
    ACTIVITY_VIEW,
    AGENT_INTERACTION_VIEW,
    AGENT_SKILL_VIEW,
    AGENT_VIEW,
    ALL_INTERACTION_VIEW,
    CAMPAIGN_INTERACTION_VIEW,
    CAMPAIGN_RECORD_VIEW,
    CAMPAIGN_VIEW,
    CHANNEL_VIEW,
    GROUP_VIEW,
    OFFLINE_SLA_VIEW,
    ONLINE_SLA_VIEW,
    OUTBOUND_CALL_VIEW,
    QUEUE_INTERACTION_VIEW,
    QUEUE_SKILL_VIEW,
    QUEUE_VIEW,
    STATISTICS_VIEW,
    STATUS_CODE_VIEW,
    STATUS_STATISTICS_VIEW,
    STATUS_VIEW,
    TRANSACTION_CODE_VIEW,
    View,
)

PAGE_SIZE = 50
"""Records per page of every statistics list."""

FILTER_CACHE_SIZE = 32
"""Filtered selections kept for the next pages of the same query."""

Lister = Callable[[StatsIndex, str], "Series[WireRecord] | None"]
"""(index, the path's id or "") → the listing, or None when the id is unknown."""


class QueryError(ValueError):
    """A request the server refuses: `status` and the message it answers (a plain text body)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message

    def response(self) -> Response:
        """The server's answer: the message as plain text with the status."""
        return PlainTextResponse(self.message, self.status)


class StatsQueryError(QueryError):
    """A statistics request the server refuses: `status` 400 (bad syntax) or 404 (unknown)."""


@attrs.frozen
class StatsRoute:
    """One documented path: its pattern (after `/api/stats/`), view and lister."""

    path: str
    pattern: re.Pattern[str]
    view: View
    records: Lister


def route(path: str, view: View, records: Lister) -> StatsRoute:
    """A route for `path`, where `{id}` captures one path segment."""
    return StatsRoute(path, re.compile(path.replace("{id}", "(?P<id>[^/]+)")), view, records)


def _whole(name: str) -> Lister:
    return lambda index, _key: index.whole(name)


def _one(kind: str) -> Lister:
    def records(index: StatsIndex, key: str) -> Series[WireRecord] | None:
        found = index.known(kind).get(key)
        return None if found is None else Series((found,))

    return records


def _member(kind: str, table: str) -> Lister:
    return lambda index, key: index.member(table, key) if key in index.known(kind) else None


def _aggregate(kind: str, name: str) -> Lister:
    return lambda index, key: index.aggregate(name, kind, key) if key in index.known(kind) else None


ROUTES: tuple[StatsRoute, ...] = (
    route("groups", GROUP_VIEW, _whole("groups")),
    route("agents", AGENT_VIEW, _whole("agents")),
    route("agents/{id}", AGENT_VIEW, _one("agents")),
    route("groups/{id}/agents", AGENT_VIEW, _member("groups", "agents/group")),
    route("agents/{id}/activities", ACTIVITY_VIEW, _member("agents", "activities/agent")),
    route("groups/{id}/activities", ACTIVITY_VIEW, _member("groups", "activities/group")),
    route("agents/{id}/interactions", AGENT_INTERACTION_VIEW, _member("agents", "accepted/agent")),
    route("groups/{id}/interactions", AGENT_INTERACTION_VIEW, _member("groups", "accepted/group")),
    route("interactions", QUEUE_INTERACTION_VIEW, _whole("interactions")),
    route("queues/{id}/interactions", QUEUE_INTERACTION_VIEW, _member("queues", "queued/queue")),
    route(
        "channels/{id}/interactions", QUEUE_INTERACTION_VIEW, _member("channels", "queued/channel")
    ),
    route(
        "campaigns/{id}/interactions",
        CAMPAIGN_INTERACTION_VIEW,
        _member("campaigns", "calls/campaign"),
    ),
    route("allinteractions", ALL_INTERACTION_VIEW, _whole("allinteractions")),
    route("agents/{id}/statistics", STATISTICS_VIEW, _aggregate("agents", "statistics")),
    route("queues/{id}/statistics", STATISTICS_VIEW, _aggregate("queues", "statistics")),
    route("channels/{id}/statistics", STATISTICS_VIEW, _aggregate("channels", "statistics")),
    route("queues/{id}/online_slas", ONLINE_SLA_VIEW, _aggregate("queues", "online_slas")),
    route("channels/{id}/online_slas", ONLINE_SLA_VIEW, _aggregate("channels", "online_slas")),
    route("queues/{id}/offline_slas", OFFLINE_SLA_VIEW, _aggregate("queues", "offline_slas")),
    route("channels/{id}/offline_slas", OFFLINE_SLA_VIEW, _aggregate("channels", "offline_slas")),
    route("agents/{id}/statuses", STATUS_VIEW, _member("agents", "statuses/agent")),
    route("groups/{id}/statuses", STATUS_VIEW, _member("groups", "statuses/group")),
    route(
        "agents/{id}/statuses/statistics",
        STATUS_STATISTICS_VIEW,
        _aggregate("agents", "statuses/statistics"),
    ),
    route("agents/{id}/skills", AGENT_SKILL_VIEW, _member("agents", "skills/agent")),
    route("queues/{id}/skills", QUEUE_SKILL_VIEW, _member("queues", "skills/queue")),
    route("agents/{id}/outboundcalls", OUTBOUND_CALL_VIEW, _member("agents", "outbound/agent")),
    route("groups/{id}/outboundcalls", OUTBOUND_CALL_VIEW, _member("groups", "outbound/group")),
    route("queues", QUEUE_VIEW, _whole("queues")),
    route("queues/{id}", QUEUE_VIEW, _one("queues")),
    route("channels", CHANNEL_VIEW, _whole("channels")),
    route("campaigns", CAMPAIGN_VIEW, _whole("campaigns")),
    route("campaigns/{id}", CAMPAIGN_VIEW, _one("campaigns")),
    route("campaigns/{id}/records", CAMPAIGN_RECORD_VIEW, _member("campaigns", "records/campaign")),
    route("tcls", TRANSACTION_CODE_VIEW, _whole("tcls")),
    route("scls", STATUS_CODE_VIEW, _whole("scls")),
)


def split_format(path: str) -> tuple[str, Format]:
    """`agents/fred.json` → (`agents/fred`, "json"); no suffix means XML."""
    path = path.strip("/")
    stem, dot, suffix = path.rpartition(".")
    if dot and suffix in FORMATS and "/" not in suffix:
        return stem.strip("/"), suffix
    return path, "xml"


def parse_offset(value: str | None) -> int | None:
    """The 1-based offset `n` (1 when absent), or None when it is not a positive integer."""
    if value is None:
        return 1
    return int(value) if value.isascii() and value.isdigit() and int(value) >= 1 else None


@attrs.frozen
class Query:
    """A request's query string, checked: the page offset, the instants `d=` selects
    ([start, end) in epoch seconds; None when the listing is not dated), the filters."""

    offset: int
    window: tuple[float, float] | None
    filters: Mapping[str, frozenset[str]]


class StatsService:
    """Selects the records of any statistics path and query, for HTTP and for tests."""

    def __init__(self, tenant: Tenant, routes: Sequence[StatsRoute] = ROUTES) -> None:
        self.tenant = tenant
        self.index = StatsIndex(tenant)
        self.routes = tuple(routes)
        self._filtered: OrderedDict[Hashable, Sequence[WireRecord]] = OrderedDict()
        self._lock = threading.Lock()

    def select(
        self, path: str, params: Iterable[tuple[str, str]], *, paged: bool = True
    ) -> tuple[Entity, list[WireRecord]]:
        """The documented record type and the records (one page, or all) `path` selects.

        `path` is relative to `/api/stats/`, without a format suffix. Raises StatsQueryError.
        """
        matched, key = self._route(path)
        query = self._parse(matched, params)
        series = matched.records(self.index, key)
        if series is None:
            raise StatsQueryError(404, f"Not found: /api/stats/{path}")
        view = matched.view
        stored = series.items if query.window is None else series.between(*query.window)
        if query.filters:
            stored = self._filter(matched, key, query, stored)
        if paged:
            stored = stored[query.offset - 1 : query.offset - 1 + PAGE_SIZE]
        return view.entity, [view.wire(self.index, record) for record in stored]

    def _filter(
        self, matched: StatsRoute, key: str, query: Query, stored: Sequence[WireRecord]
    ) -> Sequence[WireRecord]:
        """`stored` narrowed by the query variables; the last few results are kept, so the
        pages of one filtered export cost one pass over the records, not one per page."""
        filters = tuple(sorted((name, tuple(sorted(v))) for name, v in query.filters.items()))
        cache_key = (matched.path, key, query.window, filters)
        with self._lock:
            found = self._filtered.get(cache_key)
            if found is not None:
                self._filtered.move_to_end(cache_key)
                return found
        view = matched.view
        selected = [r for r in stored if view.matches(self.index, r, query.filters)]
        with self._lock:
            self._filtered[cache_key] = selected
            if len(self._filtered) > FILTER_CACHE_SIZE:
                self._filtered.popitem(last=False)
        return selected

    def _route(self, path: str) -> tuple[StatsRoute, str]:
        for candidate in self.routes:
            match = candidate.pattern.fullmatch(path)
            if match:
                return candidate, match.groupdict().get("id") or ""
        raise StatsQueryError(404, f"Not found: /api/stats/{path}")

    def _parse(self, matched: StatsRoute, params: Iterable[tuple[str, str]]) -> Query:
        offset: int | None = 1
        dates: str | None = None
        zone: str | None = None
        filters: dict[str, set[str]] = {}
        for name, value in params:
            if name == "n":
                offset = parse_offset(value)
            elif name == "d":
                dates = value
            elif name == "tz":
                zone = value
            elif name in matched.view.filterable:
                filters.setdefault(name, set()).add(value)
            else:
                fields = ", ".join(sorted(matched.view.filterable))
                message = f"Bad request: /{matched.path} has no field {name!r} (fields: {fields})"
                raise StatsQueryError(400, message)
        if offset is None:
            raise StatsQueryError(400, "Bad request: n must be a positive integer offset")
        window = self._window(dates, zone) if matched.view.date_field else None
        return Query(offset, window, {name: frozenset(v) for name, v in filters.items()})

    def _window(self, dates: str | None, zone: str | None) -> tuple[float, float]:
        """[start, end) of `d=` in `tz=` (today, in the tenant's zone, by default)."""
        try:
            tz = zone_named(zone) if zone is not None else self.index.clock.zone
            return date_window(dates if dates is not None else "today", self.index.now, tz)
        except DateParamError as error:
            raise StatsQueryError(400, f"Bad request: {error}") from None


class StatsApi:
    """Serves `/api/stats/{path}` for one tenant."""

    def __init__(self, service: StatsService) -> None:
        self.service = service

    async def endpoint(self, request: Request) -> Response:
        """Authenticate, select, page and render one statistics request."""
        credentials = self.service.tenant.credentials
        denied = check_basic(request, credentials.tenant_name, credentials.data_token)
        if denied is not None:
            return denied
        path, fmt = split_format(request.path_params["path"])
        try:
            entity, page = self.service.select(path, request.query_params.multi_items())
        except StatsQueryError as error:
            return error.response()
        body = render(fmt, entity, page)
        return Response(body, headers={"content-type": CONTENT_TYPES[fmt]})
