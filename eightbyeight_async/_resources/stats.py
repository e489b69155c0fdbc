"""`cc.stats`: the Historical Statistics API (`/api/stats/...`), every documented endpoint.

Each list method returns an `OffsetPaginator` of typed records (50 per page, fetched ahead);
the three single-record lookups (`agent`, `queue`, `campaign`) return one record. JSON is the
default wire format (fastest to parse); `format="xml"` gives identical records. Every method
takes `timeout=` and `retry=` for that call; the endpoints themselves are declared once, in
`_stats_endpoints`.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable, Mapping
from typing import Any, TypeVar

from typing_extensions import Unpack

from .._config import ApiFamily
from .._endpoints import (
    CallOptions,
    Choice,
    DatedListingOptions,
    Endpoint,
    FilteredListingOptions,
    ListingOptions,
    choose,
)
from .._errors import InvalidArgumentError
from .._http import HttpPipeline
from .._listing import lookup, offset_listing
from .._paginators import OffsetPaginator
from .._validate import is_count
from ..types import stats as records
from . import _stats_endpoints as api
from ._fan_out import merged
from ._stats_query import DateInput, stats_params

T = TypeVar("T")

FAN_OUT_PREFETCH = 2
"""Window of each paginator of a fan-out: many run at once, so each needs only a small one."""


class Stats:
    """The Historical Statistics API. Authenticates with the tenant and its data token."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    # --- the engine --------------------------------------------------------------------

    def _list(
        self,
        endpoint: Endpoint[T] | Choice[T],
        owners: Mapping[str, object] | None = None,
        *,
        dates: DateInput = None,
        tz: str | None = None,
        filters: Mapping[str, object] | None = None,
        **options: Unpack[ListingOptions],
    ) -> OffsetPaginator[T]:
        chosen, segments = choose(endpoint, owners or {})
        params = stats_params(chosen.model, dates=dates, tz=tz, filters=filters)
        return offset_listing(self._pipeline, chosen, segments=segments, params=params, **options)

    async def _one(
        self, endpoint: Endpoint[T], name: str, value: object, **call: Unpack[CallOptions]
    ) -> T:
        what = name.removesuffix("_id")
        missing = f"no {what} {value!r} (list them with cc.stats.{what}s())"
        return await lookup(self._pipeline, endpoint, {name: value}, missing, **call)

    # --- organisation ------------------------------------------------------------------

    def groups(self, **options: Unpack[ListingOptions]) -> OffsetPaginator[records.Group]:
        """All groups (`/groups`)."""
        return self._list(api.GROUPS, **options)

    def agents(
        self, *, group_id: str | int | None = None, **options: Unpack[ListingOptions]
    ) -> OffsetPaginator[records.Agent]:
        """All agents (`/agents`), or the agents of one group (`/groups/{group_id}/agents`)."""
        if group_id is None:
            return self._list(api.AGENTS, **options)
        return self._list(api.GROUP_AGENTS, {"group_id": group_id}, **options)

    async def agent(self, agent_id: str, **call: Unpack[CallOptions]) -> records.Agent:
        """One agent (`/agents/{agent_id}`); NotFoundError if there is none."""
        return await self._one(api.AGENT, "agent_id", agent_id, **call)

    def queues(self, **options: Unpack[ListingOptions]) -> OffsetPaginator[records.Queue]:
        """All queues (`/queues`)."""
        return self._list(api.QUEUES, **options)

    async def queue(self, queue_id: str | int, **call: Unpack[CallOptions]) -> records.Queue:
        """One queue (`/queues/{queue_id}`); NotFoundError if there is none."""
        return await self._one(api.QUEUE, "queue_id", queue_id, **call)

    def channels(self, **options: Unpack[ListingOptions]) -> OffsetPaginator[records.Channel]:
        """All channels (`/channels`)."""
        return self._list(api.CHANNELS, **options)

    def campaigns(self, **options: Unpack[ListingOptions]) -> OffsetPaginator[records.Campaign]:
        """All campaigns (`/campaigns`)."""
        return self._list(api.CAMPAIGNS, **options)

    async def campaign(
        self, campaign_id: str | int, **call: Unpack[CallOptions]
    ) -> records.Campaign:
        """One campaign (`/campaigns/{campaign_id}`); NotFoundError if there is none.

        Reads the seed's `{"campaigns": {"campaign": …}}` and the vendor's current
        `{"campaign": {…}}` alike."""
        return await self._one(api.CAMPAIGN, "campaign_id", campaign_id, **call)

    def campaign_records(
        self, campaign_id: str | int, **options: Unpack[ListingOptions]
    ) -> OffsetPaginator[records.CampaignRecord]:
        """The records (call list) of a campaign (`/campaigns/{campaign_id}/records`)."""
        return self._list(api.CAMPAIGN_RECORDS, {"campaign_id": campaign_id}, **options)

    def transaction_codes(
        self, **options: Unpack[ListingOptions]
    ) -> OffsetPaginator[records.TransactionCode]:
        """Every transaction code list and its items (`/tcls`)."""
        return self._list(api.TRANSACTION_CODES, **options)

    def status_codes(
        self, **options: Unpack[ListingOptions]
    ) -> OffsetPaginator[records.StatusCode]:
        """Every status code list and its items (`/scls`)."""
        return self._list(api.STATUS_CODES, **options)

    def skills(
        self,
        *,
        agent_id: str | None = None,
        queue_id: str | int | None = None,
        **options: Unpack[ListingOptions],
    ) -> OffsetPaginator[records.AgentSkill]:
        """Skill levels of one agent in its queues, or of every agent in one queue
        (`/agents/{agent_id}/skills`, `/queues/{queue_id}/skills`); one answer, unpaged."""
        return self._list(api.SKILLS, {"agent_id": agent_id, "queue_id": queue_id}, **options)

    # --- agent events (one agent's or a group's; `dates=` and `tz=` as documented) -----

    def activities(
        self,
        *,
        agent_id: str | None = None,
        group_id: str | int | None = None,
        **options: Unpack[DatedListingOptions],
    ) -> OffsetPaginator[records.Activity]:
        """Activities (`/agents/{id}/activities`, `/groups/{id}/activities`)."""
        owners = {"agent_id": agent_id, "group_id": group_id}
        return self._list(api.ACTIVITIES, owners, **options)

    def statuses(
        self,
        *,
        agent_id: str | None = None,
        group_id: str | int | None = None,
        **options: Unpack[DatedListingOptions],
    ) -> OffsetPaginator[records.AgentStatus]:
        """Status changes (`/agents/{id}/statuses`, `/groups/{id}/statuses`)."""
        owners = {"agent_id": agent_id, "group_id": group_id}
        return self._list(api.STATUSES, owners, **options)

    def status_statistics(
        self,
        agent_id: str,
        **options: Unpack[DatedListingOptions],
    ) -> OffsetPaginator[records.AgentStatusStatistics]:
        """An agent's time per status in 30-minute periods
        (`/agents/{agent_id}/statuses/statistics`)."""
        owner = {"agent_id": agent_id}
        return self._list(api.STATUS_STATISTICS, owner, **options)

    def outbound_calls(
        self,
        *,
        agent_id: str | None = None,
        group_id: str | int | None = None,
        **options: Unpack[DatedListingOptions],
    ) -> OffsetPaginator[records.OutboundCall]:
        """Outbound calls (`/agents/{id}/outboundcalls`, `/groups/{id}/outboundcalls`)."""
        owners = {"agent_id": agent_id, "group_id": group_id}
        return self._list(api.OUTBOUND_CALLS, owners, **options)

    # --- interactions and aggregates (`filters=` are query variables by field name) ----

    def agent_interactions(
        self,
        *,
        agent_id: str | None = None,
        group_id: str | int | None = None,
        **options: Unpack[FilteredListingOptions],
    ) -> OffsetPaginator[records.AgentInteraction]:
        """Interactions handled by one agent or a group's agents (`/agents/{id}/interactions`,
        `/groups/{id}/interactions`), e.g. `filters={"media_type": "T"}`."""
        owners = {"agent_id": agent_id, "group_id": group_id}
        return self._list(api.AGENT_INTERACTIONS, owners, **options)

    def queue_interactions(
        self,
        *,
        queue_id: str | int | None = None,
        channel_id: str | int | None = None,
        **options: Unpack[FilteredListingOptions],
    ) -> OffsetPaginator[records.QueueInteraction]:
        """Queue interactions: all (`/interactions/`), of one queue (`/queues/{id}/interactions`)
        or of one channel (`/channels/{id}/interactions`)."""
        owners = {"queue_id": queue_id, "channel_id": channel_id}
        return self._list(api.QUEUE_INTERACTIONS, owners, **options)

    def campaign_interactions(
        self,
        campaign_id: str | int,
        **options: Unpack[FilteredListingOptions],
    ) -> OffsetPaginator[records.CampaignInteraction]:
        """Interactions of one campaign (`/campaigns/{campaign_id}/interactions`)."""
        owner = {"campaign_id": campaign_id}
        return self._list(api.CAMPAIGN_INTERACTIONS, owner, **options)

    def all_interactions(
        self,
        **options: Unpack[FilteredListingOptions],
    ) -> OffsetPaginator[records.AllInteraction]:
        """Every interaction, abandoned, DAA and forwarded ones included (`/allinteractions/`)."""
        return self._list(api.ALL_INTERACTIONS, **options)

    def interaction_statistics(
        self,
        *,
        agent_id: str | None = None,
        queue_id: str | int | None = None,
        channel_id: str | int | None = None,
        **options: Unpack[FilteredListingOptions],
    ) -> OffsetPaginator[records.InteractionStatistics]:
        """Interaction counts and times in 30-minute periods for one agent, queue or channel
        (`/agents/{id}/statistics`, `/queues/{id}/statistics`, `/channels/{id}/statistics`)."""
        owners = {"agent_id": agent_id, "queue_id": queue_id, "channel_id": channel_id}
        return self._list(api.INTERACTION_STATISTICS, owners, **options)

    def online_slas(
        self,
        *,
        queue_id: str | int | None = None,
        channel_id: str | int | None = None,
        **options: Unpack[FilteredListingOptions],
    ) -> OffsetPaginator[records.OnlineSla]:
        """Service levels of phone and chat interactions per period, with their time buckets
        (`/queues/{id}/online_slas`, `/channels/{id}/online_slas`)."""
        owners = {"queue_id": queue_id, "channel_id": channel_id}
        return self._list(api.ONLINE_SLAS, owners, **options)

    def offline_slas(
        self,
        *,
        queue_id: str | int | None = None,
        channel_id: str | int | None = None,
        **options: Unpack[FilteredListingOptions],
    ) -> OffsetPaginator[records.OfflineSla]:
        """Service levels of email and voicemail interactions per period
        (`/queues/{id}/offline_slas`, `/channels/{id}/offline_slas`)."""
        owners = {"queue_id": queue_id, "channel_id": channel_id}
        return self._list(api.OFFLINE_SLAS, owners, **options)

    # --- fan-out -----------------------------------------------------------------------

    def fan_out(
        self,
        listing: Callable[..., OffsetPaginator[T]],
        ids: Iterable[str | int],
        *,
        key: str = "agent_id",
        concurrency: int | None = None,
        **arguments: Any,
    ) -> contextlib.AbstractAsyncContextManager[AsyncIterator[tuple[str, T]]]:
        """Run `listing(**{key: id}, **arguments)` for every id at once and yield records as
        they arrive, each as `(source_id, record)`.

            async with cc.stats.fan_out(cc.stats.agent_interactions, agent_ids,
                                        key="agent_id", dates="today-7d,today") as records:
                async for agent_id, interaction in records: ...

        Requests stay under the client-wide statistics limit; records of one id arrive in
        order; leaving the block cancels whatever is still running.
        """
        if concurrency is not None and not is_count(concurrency, 1):
            raise InvalidArgumentError(
                f"concurrency must be an int of at least 1; got {concurrency!r}"
            )
        paginators = [
            (str(i), listing(**{key: i}, prefetch=FAN_OUT_PREFETCH, **arguments)) for i in ids
        ]
        return merged(paginators, concurrency or self._pipeline.limit_of(ApiFamily.STATS))
