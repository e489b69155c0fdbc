"""`cc.stats`: the Historical Statistics API (`/api/stats/...`), every documented endpoint.

Each list method returns an `OffsetPaginator` of typed records (50 per page, fetched ahead);
the three single-record lookups (`agent`, `queue`, `campaign`) return one record. JSON is the
default wire format (fastest to parse); `format="xml"` gives identical records.
"""

from __future__ import annotations

import contextlib
import functools
from collections.abc import AsyncIterator, Callable, Iterable
from typing import Any, TypeVar

import attrs

from .._config import ApiFamily
from .._convert import structure_many
from .._errors import DecodeError, InvalidArgumentError, NotFoundError
from .._formats import (
    DocumentFormat,
    decode_csv,
    decode_document,
    unwrap_collection,
)
from .._http import HttpPipeline, RequestOptions
from .._pagination import DEFAULT_PREFETCH, OffsetPaginator
from .._redact import redact_url
from .._validate import path_segment
from ..types.stats import (
    WIRE_ELEMENTS,
    Activity,
    Agent,
    AgentInteraction,
    AgentSkill,
    AgentStatus,
    AgentStatusStatistics,
    AllInteraction,
    Campaign,
    CampaignInteraction,
    CampaignRecord,
    Channel,
    Group,
    InteractionStatistics,
    OfflineSla,
    OnlineSla,
    OutboundCall,
    Queue,
    QueueInteraction,
    StatusCode,
    TransactionCode,
)
from ._fan_out import merged
from ._stats_query import DateInput, StatsQuery, exactly_one, stats_query

T = TypeVar("T")

FAN_OUT_PREFETCH = 2
"""Window of each paginator of a fan-out: many run at once, so each needs only a small one."""


class Stats:
    """The Historical Statistics API. Authenticates with the tenant and its data token."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    # --- the engine --------------------------------------------------------------------

    def _paginate(
        self,
        query: StatsQuery[T],
        *,
        format: DocumentFormat,
        limit: int | None,
        prefetch: int | None,
    ) -> OffsetPaginator[T]:
        if format not in ("json", "xml"):
            raise InvalidArgumentError(
                f"format must be 'json' or 'xml' (use .csv_pages() for CSV); got {format!r}"
            )
        return OffsetPaginator(
            functools.partial(self._fetch_records, query, format),
            fetch_raw=functools.partial(self._fetch_csv, query),
            limit=limit,
            single_page=not query.paged,
            prefetch=DEFAULT_PREFETCH if prefetch is None else prefetch,
        )

    def _options(self, query: StatsQuery[Any], fmt: str, offset: int) -> RequestOptions:
        return RequestOptions(
            family=ApiFamily.STATS,
            method="GET",
            path=f"/api/stats/{query.path}.{fmt}",
            params={**query.params, "n": str(offset)} if query.paged else query.params,
        )

    async def _fetch_records(
        self, query: StatsQuery[T], fmt: DocumentFormat, offset: int, *, lone_root: bool = False
    ) -> list[T]:
        collection, item = WIRE_ELEMENTS[query.model]

        def parse(response: Any) -> tuple[list[dict[str, Any]], Any]:
            document = decode_document(response.content, fmt)
            if lone_root and isinstance(document, dict) and set(document) == {item}:
                document = {collection: document}  # `{"campaign": {...}}` → one record
            return unwrap_collection(document, collection, item), response.url

        options = self._options(query, fmt, offset)
        records, url = await self._pipeline.request_parsed(options, parse)
        try:
            return structure_many(records, query.model)
        except DecodeError as exc:  # deterministic: not retried, but located
            raise DecodeError(str(exc), method="GET", url=redact_url(url)) from exc

    async def _fetch_csv(self, query: StatsQuery[Any], offset: int) -> tuple[bytes, int]:
        def parse(response: Any) -> tuple[bytes, int]:
            return response.content, len(decode_csv(response.content))

        return await self._pipeline.request_parsed(self._options(query, "csv", offset), parse)

    def _listing(
        self,
        path: str,
        model: type[T],
        format: DocumentFormat,
        limit: int | None,
        prefetch: int | None,
    ) -> OffsetPaginator[T]:
        """A listing without dates or filters."""
        query = stats_query(path, model)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    async def _one(self, query: StatsQuery[T], what: str, *, lone_root: bool = False) -> T:
        records = await self._fetch_records(query, "json", 1, lone_root=lone_root)
        if not records:
            url = f"/api/stats/{query.path}"
            raise NotFoundError(f"no {what} found", status_code=404, method="GET", url=url)
        return records[0]

    # --- organisation ------------------------------------------------------------------

    def groups(
        self,
        *,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[Group]:
        """All groups (`/groups`)."""
        return self._listing("groups", Group, format, limit, prefetch)

    def agents(
        self,
        *,
        group_id: str | int | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[Agent]:
        """All agents (`/agents`), or the agents of one group (`/groups/{group_id}/agents`)."""
        path = "agents"
        if group_id is not None:
            path = f"groups/{path_segment('group_id', group_id)}/agents"
        return self._listing(path, Agent, format, limit, prefetch)

    async def agent(self, agent_id: str) -> Agent:
        """One agent (`/agents/{agent_id}`); NotFoundError if there is none."""
        path = f"agents/{path_segment('agent_id', agent_id)}"
        return await self._one(stats_query(path, Agent), "agent")

    def queues(
        self,
        *,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[Queue]:
        """All queues (`/queues`)."""
        return self._listing("queues", Queue, format, limit, prefetch)

    async def queue(self, queue_id: str | int) -> Queue:
        """One queue (`/queues/{queue_id}`); NotFoundError if there is none."""
        path = f"queues/{path_segment('queue_id', queue_id)}"
        return await self._one(stats_query(path, Queue), "queue")

    def channels(
        self,
        *,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[Channel]:
        """All channels (`/channels`)."""
        return self._listing("channels", Channel, format, limit, prefetch)

    def campaigns(
        self,
        *,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[Campaign]:
        """All campaigns (`/campaigns`)."""
        return self._listing("campaigns", Campaign, format, limit, prefetch)

    async def campaign(self, campaign_id: str | int) -> Campaign:
        """One campaign (`/campaigns/{campaign_id}`); NotFoundError if there is none.

        Reads the seed's `{"campaigns": {"campaign": …}}` and the vendor's current
        `{"campaign": {…}}` alike."""
        path = f"campaigns/{path_segment('campaign_id', campaign_id)}"
        return await self._one(stats_query(path, Campaign), "campaign", lone_root=True)

    def campaign_records(
        self,
        campaign_id: str | int,
        *,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[CampaignRecord]:
        """The records (call list) of a campaign (`/campaigns/{campaign_id}/records`)."""
        path = f"campaigns/{path_segment('campaign_id', campaign_id)}/records"
        return self._listing(path, CampaignRecord, format, limit, prefetch)

    def transaction_codes(
        self,
        *,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[TransactionCode]:
        """Every transaction code list and its items (`/tcls`)."""
        return self._listing("tcls", TransactionCode, format, limit, prefetch)

    def status_codes(
        self,
        *,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[StatusCode]:
        """Every status code list and its items (`/scls`)."""
        return self._listing("scls", StatusCode, format, limit, prefetch)

    def skills(
        self,
        *,
        agent_id: str | None = None,
        queue_id: str | int | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[AgentSkill]:
        """Skill levels of one agent in its queues, or of every agent in one queue
        (`/agents/{agent_id}/skills`, `/queues/{queue_id}/skills`)."""
        plural, ident = exactly_one(agent_id=agent_id, queue_id=queue_id)
        # "This API does not support any query parameters": one answer, never paged.
        query = attrs.evolve(stats_query(f"{plural}/{ident}/skills", AgentSkill), paged=False)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    # --- agent events ------------------------------------------------------------------

    def activities(
        self,
        *,
        agent_id: str | None = None,
        group_id: str | int | None = None,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[Activity]:
        """Activities of one agent or of a group's agents (`/agents/{id}/activities`,
        `/groups/{id}/activities`)."""
        plural, ident = exactly_one(agent_id=agent_id, group_id=group_id)
        query = stats_query(f"{plural}/{ident}/activities", Activity, dates=dates, tz=tz)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    def statuses(
        self,
        *,
        agent_id: str | None = None,
        group_id: str | int | None = None,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[AgentStatus]:
        """Status changes of one agent or of a group's agents (`/agents/{id}/statuses`,
        `/groups/{id}/statuses`)."""
        plural, ident = exactly_one(agent_id=agent_id, group_id=group_id)
        query = stats_query(f"{plural}/{ident}/statuses", AgentStatus, dates=dates, tz=tz)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    def status_statistics(
        self,
        agent_id: str,
        *,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[AgentStatusStatistics]:
        """An agent's time per status in 30-minute periods
        (`/agents/{agent_id}/statuses/statistics`)."""
        path = f"agents/{path_segment('agent_id', agent_id)}/statuses/statistics"
        query = stats_query(path, AgentStatusStatistics, dates=dates, tz=tz)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    def outbound_calls(
        self,
        *,
        agent_id: str | None = None,
        group_id: str | int | None = None,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
    ) -> OffsetPaginator[OutboundCall]:
        """Outbound calls of one agent or of a group's agents (`/agents/{id}/outboundcalls`,
        `/groups/{id}/outboundcalls`)."""
        plural, ident = exactly_one(agent_id=agent_id, group_id=group_id)
        query = stats_query(f"{plural}/{ident}/outboundcalls", OutboundCall, dates=dates, tz=tz)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    # --- interactions ------------------------------------------------------------------

    def agent_interactions(
        self,
        *,
        agent_id: str | None = None,
        group_id: str | int | None = None,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
        **filters: object,
    ) -> OffsetPaginator[AgentInteraction]:
        """Interactions handled by one agent or a group's agents (`/agents/{id}/interactions`,
        `/groups/{id}/interactions`); `**filters` are query variables (`media_type="T"`)."""
        plural, ident = exactly_one(agent_id=agent_id, group_id=group_id)
        path = f"{plural}/{ident}/interactions"
        query = stats_query(path, AgentInteraction, dates=dates, tz=tz, filters=filters)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    def queue_interactions(
        self,
        *,
        queue_id: str | int | None = None,
        channel_id: str | int | None = None,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
        **filters: object,
    ) -> OffsetPaginator[QueueInteraction]:
        """Queue interactions: all (`/interactions/`), of one queue (`/queues/{id}/interactions`)
        or of one channel (`/channels/{id}/interactions`)."""
        if queue_id is None and channel_id is None:
            path = "interactions"
        else:
            plural, ident = exactly_one(queue_id=queue_id, channel_id=channel_id)
            path = f"{plural}/{ident}/interactions"
        query = stats_query(path, QueueInteraction, dates=dates, tz=tz, filters=filters)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    def campaign_interactions(
        self,
        campaign_id: str | int,
        *,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
        **filters: object,
    ) -> OffsetPaginator[CampaignInteraction]:
        """Interactions of one campaign (`/campaigns/{campaign_id}/interactions`)."""
        path = f"campaigns/{path_segment('campaign_id', campaign_id)}/interactions"
        query = stats_query(path, CampaignInteraction, dates=dates, tz=tz, filters=filters)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    def all_interactions(
        self,
        *,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
        **filters: object,
    ) -> OffsetPaginator[AllInteraction]:
        """Every interaction, abandoned, DAA and forwarded ones included (`/allinteractions/`)."""
        query = stats_query("allinteractions", AllInteraction, dates=dates, tz=tz, filters=filters)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    # --- aggregated statistics ---------------------------------------------------------

    def interaction_statistics(
        self,
        *,
        agent_id: str | None = None,
        queue_id: str | int | None = None,
        channel_id: str | int | None = None,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
        **filters: object,
    ) -> OffsetPaginator[InteractionStatistics]:
        """Interaction counts and times in 30-minute periods for one agent, queue or channel
        (`/agents/{id}/statistics`, `/queues/{id}/statistics`, `/channels/{id}/statistics`)."""
        plural, ident = exactly_one(agent_id=agent_id, queue_id=queue_id, channel_id=channel_id)
        path = f"{plural}/{ident}/statistics"
        query = stats_query(path, InteractionStatistics, dates=dates, tz=tz, filters=filters)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    def online_slas(
        self,
        *,
        queue_id: str | int | None = None,
        channel_id: str | int | None = None,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
        **filters: object,
    ) -> OffsetPaginator[OnlineSla]:
        """Service levels of phone and chat interactions per period, with their time buckets
        (`/queues/{id}/online_slas`, `/channels/{id}/online_slas`)."""
        plural, ident = exactly_one(queue_id=queue_id, channel_id=channel_id)
        path = f"{plural}/{ident}/online_slas"
        query = stats_query(path, OnlineSla, dates=dates, tz=tz, filters=filters)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    def offline_slas(
        self,
        *,
        queue_id: str | int | None = None,
        channel_id: str | int | None = None,
        dates: DateInput = None,
        tz: str | None = None,
        format: DocumentFormat = "json",
        limit: int | None = None,
        prefetch: int | None = None,
        **filters: object,
    ) -> OffsetPaginator[OfflineSla]:
        """Service levels of email and voicemail interactions per period
        (`/queues/{id}/offline_slas`, `/channels/{id}/offline_slas`)."""
        plural, ident = exactly_one(queue_id=queue_id, channel_id=channel_id)
        path = f"{plural}/{ident}/offline_slas"
        query = stats_query(path, OfflineSla, dates=dates, tz=tz, filters=filters)
        return self._paginate(query, format=format, limit=limit, prefetch=prefetch)

    # --- fan-out -----------------------------------------------------------------------

    @contextlib.asynccontextmanager
    async def fan_out(
        self,
        listing: Callable[..., OffsetPaginator[T]],
        ids: Iterable[str | int],
        *,
        key: str = "agent_id",
        concurrency: int | None = None,
        **arguments: Any,
    ) -> AsyncIterator[AsyncIterator[tuple[str, T]]]:
        """Run `listing(**{key: id}, **arguments)` for every id at once and yield records as
        they arrive, each as `(source_id, record)`.

            async with cc.stats.fan_out(cc.stats.agent_interactions, agent_ids,
                                        key="agent_id", dates="today-7d,today") as records:
                async for agent_id, interaction in records: ...

        Requests stay under the client-wide statistics limit; records of one id arrive in
        order; leaving the block cancels whatever is still running.
        """
        paginators = [
            (str(i), listing(**{key: i}, prefetch=FAN_OUT_PREFETCH, **arguments)) for i in ids
        ]
        if concurrency is None:
            width = self._pipeline.limit_of(ApiFamily.STATS)
        elif isinstance(concurrency, bool) or not isinstance(concurrency, int) or concurrency < 1:
            raise InvalidArgumentError(
                f"concurrency must be an int of at least 1; got {concurrency!r}"
            )
        else:
            width = concurrency
        async with merged(paginators, width) as records:
            yield records
