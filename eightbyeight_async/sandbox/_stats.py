"""The Historical Statistics API (`/api/stats/...`) as the sandbox serves it.

Each documented path is a regular expression and a function from the tenant (and the path's
ids and query) to the records it lists, or None for an unknown id (404). The endpoint does
what every statistics path shares: Basic auth with the data token, the `.xml`/`.json`/`.csv`
suffix (XML without one), and 50-record pages from the 1-based offset `n`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

import attrs
from starlette.datastructures import QueryParams
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response

from ._auth import check_basic
from ._render import CONTENT_TYPES, FORMATS, Format, render
from ._tenant import AGENTS, CAMPAIGNS, CHANNELS, GROUPS, QUEUES, Entity, Record, Tenant

PAGE_SIZE = 50
"""Records per page of every statistics list."""

Lister = Callable[[Tenant, Mapping[str, str], QueryParams], Sequence[Record] | None]


@attrs.frozen
class StatsRoute:
    """One documented path: its pattern (after `/api/stats/`), record type and records."""

    pattern: re.Pattern[str]
    entity: Entity
    records: Lister


def _all(entity: Entity) -> Lister:
    return lambda tenant, _ids, _query: tenant.records(entity)


def _one(entity: Entity, id_name: str) -> Lister:
    def records(tenant: Tenant, ids: Mapping[str, str], _query: QueryParams) -> list[Record] | None:
        found = tenant.find(entity, ids[id_name])
        return None if found is None else [found]

    return records


def _agents_of_group(
    tenant: Tenant, ids: Mapping[str, str], _query: QueryParams
) -> Sequence[Record] | None:
    return tenant.agents_in_group(ids["group_id"])


def route(pattern: str, entity: Entity, records: Lister) -> StatsRoute:
    """A route for `pattern`, where `{name}` captures one path segment."""
    regex = re.sub(r"\{(\w+)\}", r"(?P<\1>[^/]+)", pattern)
    return StatsRoute(re.compile(regex), entity, records)


ROUTES: tuple[StatsRoute, ...] = (
    route("groups", GROUPS, _all(GROUPS)),
    route("agents", AGENTS, _all(AGENTS)),
    route("agents/{agent_id}", AGENTS, _one(AGENTS, "agent_id")),
    route("groups/{group_id}/agents", AGENTS, _agents_of_group),
    route("queues", QUEUES, _all(QUEUES)),
    route("queues/{queue_id}", QUEUES, _one(QUEUES, "queue_id")),
    route("channels", CHANNELS, _all(CHANNELS)),
    route("campaigns", CAMPAIGNS, _all(CAMPAIGNS)),
    route("campaigns/{campaign_id}", CAMPAIGNS, _one(CAMPAIGNS, "campaign_id")),
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
    return int(value) if value.isdigit() and int(value) >= 1 else None


class StatsApi:
    """Serves `/api/stats/{path}` for one tenant from the routes above."""

    def __init__(self, tenant: Tenant, routes: Sequence[StatsRoute] = ROUTES) -> None:
        self.tenant = tenant
        self.routes = tuple(routes)

    async def endpoint(self, request: Request) -> Response:
        """Authenticate, route, page and render one statistics request."""
        credentials = self.tenant.credentials
        denied = check_basic(request, credentials.tenant_name, credentials.data_token)
        if denied is not None:
            return denied
        path, fmt = split_format(request.path_params["path"])
        for candidate in self.routes:
            match = candidate.pattern.fullmatch(path)
            if match:
                break
        else:
            return PlainTextResponse(f"Not found: /api/stats/{path}", 404)
        offset = parse_offset(request.query_params.get("n"))
        if offset is None:
            return PlainTextResponse("Bad request: n must be a positive integer offset", 400)
        records = candidate.records(self.tenant, match.groupdict(), request.query_params)
        if records is None:
            return PlainTextResponse(f"Not found: /api/stats/{path}", 404)
        page = records[offset - 1 : offset - 1 + PAGE_SIZE]
        body = render(fmt, candidate.entity, page)
        return Response(body, headers={"content-type": CONTENT_TYPES[fmt]})
