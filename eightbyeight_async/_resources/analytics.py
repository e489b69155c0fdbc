"""`cc.analytics`: CC Historical Analytics summary reports, a job the server runs for you.

`job = await cc.analytics.create_report(...)` checks every documented rule and starts the
report; `await job` polls its status (growing intervals, `Retry-After`, a deadline) until
DONE; `job.rows()` pages through the JSON data (1000 rows a page, fetched ahead);
`await job.download(path)` streams the CSV or XLSX file to disk. Authenticates with the OAuth
bearer token (refreshed as needed) and sends `X-Tenant-Info` when `tenant_info` is set.

v8 adds detailed reports (`detailed_report`: made synchronously, rows read through a
cursor, no record cap), a report's details (`report_details`) and the `script-paths`
summary type (CSV only); a v7 client refuses them before any request.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import urllib.parse
from collections.abc import Awaitable, Iterable, Mapping
from typing import Any, Final

import anyio
from typing_extensions import Unpack

from .._constants import (
    ANALYTICS_VERSIONS,
    DEFAULT_ANALYTICS_VERSION,
    DETAILED_PAGE_SIZE,
    EXPORT_CONCURRENCY,
    EXPORT_SLICE,
)
from .._convert import structure, structure_many
from .._endpoints import CallOptions, overrides
from .._errors import (
    ConfigurationError,
    DecodeError,
    InvalidArgumentError,
    NotFoundError,
    PermissionDeniedError,
)
from .._formats import decode_json
from .._http import HttpPipeline
from ..types.analytics import Granularity, ReportState, ReportStatus, ReportType
from ..types.detailed_reports import DetailedReportType, ReportDetails, SearchTerm
from ._analytics_transport import JSON, AnalyticsTransport
from ._analytics_validation import (
    SCRIPT_PATHS,
    check_against_type,
    check_script_paths_against_type,
    report_body,
)
from ._detailed_answers import parse_created, parse_details
from ._detailed_job import DetailedReportJob
from ._detailed_validation import check_detailed_against_type, detailed_body
from ._export_checkpoint import ExportCheckpointStore, Slice
from ._interaction_export import InteractionExport
from ._interaction_export import prepare as prepare_export
from ._interaction_export import running as running_export
from ._report_job import ReportJob

logger = logging.getLogger("eightbyeight_async")

REGION_PREFIXES: Final = {"us": "", "eu": "/eu", "au": "/au", "ca": "/ca"}


def _names(value: Any) -> Any:
    """A list of names as sent, with `null` read as none and a lone name as a list of one (a
    string would otherwise be split into letters)."""
    if value is None:
        return []
    return [value] if isinstance(value, str) else value


def _lenient_type(document: Any) -> Any:
    """A report type record with its `groupBy`, `metrics` and each grouping's `filters` read
    by `_names`; anything that is not a record is left for the converter to refuse."""
    if not isinstance(document, Mapping):
        return document
    groupings = _names(document.get("groupBy"))
    if isinstance(groupings, list):
        groupings = [
            {**g, "filters": _names(g.get("filters"))} if isinstance(g, Mapping) else g
            for g in groupings
        ]
    return {**document, "groupBy": groupings, "metrics": _names(document.get("metrics"))}


class Analytics:
    """The CC Historical Analytics API of one region and version."""

    def __init__(
        self,
        pipeline: HttpPipeline,
        *,
        region: str = "us",
        version: str = DEFAULT_ANALYTICS_VERSION,
    ) -> None:
        if version not in ANALYTICS_VERSIONS:
            raise ConfigurationError(
                f"analytics_version must be one of {', '.join(ANALYTICS_VERSIONS)}; got {version!r}"
            )
        if region not in REGION_PREFIXES:
            raise ConfigurationError(
                f"analytics_region must be one of {', '.join(REGION_PREFIXES)}; got {region!r}"
            )
        self.region = region
        self.version = version
        self.base_path = f"{REGION_PREFIXES[region]}/analytics/cc/{version}/historical-metrics"
        """The path under `api_base_url` every call starts with."""
        self._transport = AnalyticsTransport(pipeline, self.base_path)
        self._types: dict[str, ReportType] | None = None
        self._types_lock = anyio.Lock()
        self._detailed_types: dict[str, ReportType] = {}

    def __repr__(self) -> str:
        return f"Analytics(region={self.region!r}, version={self.version!r})"

    async def report_types(self, **call: Unpack[CallOptions]) -> list[ReportType]:
        """Every report type (summary and detailed) with its groupings and metrics."""
        sent = overrides(call)
        documents = await self._transport.get_json("/report-types", headers=JSON, **sent)
        if isinstance(documents, Mapping):
            documents = [documents]
        if not isinstance(documents, list):
            raise DecodeError("the report types answer is not a JSON array")
        types = structure_many([_lenient_type(d) for d in documents], ReportType)
        self._types = {t.type: t for t in types}
        return types

    async def report_type(self, name: str, **call: Unpack[CallOptions]) -> ReportType:
        """One report type (`/report-types/{name}`); NotFoundError if the server has none."""
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgumentError("name must be a report type name")
        path = "/report-types/" + urllib.parse.quote(name.strip(), safe="")
        document = await self._transport.get_json(path, headers=JSON, **overrides(call))
        return structure(_lenient_type(document), ReportType)

    async def _known_types(self) -> dict[str, ReportType]:
        async with self._types_lock:
            if self._types is None:
                await self.report_types()
            assert self._types is not None
            return self._types

    async def _catalogue(self) -> dict[str, ReportType] | None:
        """The report types for the client-side check, or None (logged) when the server
        will not show them (404/403): the server then judges the report on its own."""
        try:
            return await self._known_types()
        except (NotFoundError, PermissionDeniedError) as exc:
            _unchecked(exc)
            return None

    def _require_v8(self, feature: str) -> None:
        if self.version != "v8":
            raise ConfigurationError(
                f"{feature} are part of CC Historical Analytics v8; this client speaks "
                f'{self.version}: create it with ContactCenter(analytics_version="v8", ...)'
            )

    async def create_report(
        self,
        *,
        type: str,
        title: str,
        start: Any,
        end: Any,
        granularity: Granularity | None = None,
        group_by: str | None = None,
        filters: Mapping[str, object] | None = None,
        metrics: Iterable[str] | None = None,
        tz: str | None = None,
        intraday: tuple[Any, Any] | None = None,
        include_subtotals: bool = False,
        include_grand_total: bool = False,
        search: Iterable[SearchTerm | tuple[Any, ...]] | None = None,
        check_report_types: bool = True,
        **call: Unpack[CallOptions],
    ) -> ReportJob:
        """Start a summary report; returns its `ReportJob` (`await job` waits until DONE).

        `start`/`end` are aware datetimes, dates (midnight UTC) or ISO strings with a zone;
        `granularity` and `group_by` are required (but for script-paths); `filters` maps a
        filter to its values (`{"queue": ["103"], "media": ["Phone"]}`); `tz` is the IANA
        zone of the report's buckets; `intraday` is a (start, end) pair of times, at least
        15 minutes, which may cross midnight. Every documented rule is checked first
        (InvalidArgumentError says which), then, unless `check_report_types=False`, the
        type, grouping, filters and metrics against the server's report types (fetched once
        per client); if those cannot be read (404/403) a warning is logged and the server
        judges the report.

        `type="script-paths"` (v8) takes no granularity, grouping, filters, metrics or
        totals; `search=[("queue", "in", ["103"])]` narrows it (`in` on script, queue, agent
        or channel). Its data is its CSV download only.
        """
        if type == SCRIPT_PATHS:
            self._require_v8("script-paths reports")
        body = report_body(
            type=type,
            title=title,
            start=start,
            end=end,
            granularity=granularity,
            group_by=group_by,
            filters=filters,
            metrics=metrics,
            timezone=tz,
            intraday=intraday,
            include_subtotals=include_subtotals,
            include_grand_total=include_grand_total,
            search=search,
        )
        sent = overrides(call)
        known = await self._catalogue() if check_report_types else None
        if known is not None and type == SCRIPT_PATHS:
            check_script_paths_against_type(known.get(type), known, body)
        elif known is not None:
            assert group_by is not None  # report_body requires it for this type
            check_against_type(
                known.get(type),
                type,
                known,
                group_by,
                body["groupBy"]["filters"],
                body.get("metrics", []),
            )
        state = await self._transport.request(
            "POST",
            "",
            lambda r: structure(decode_json(r.content), ReportState),
            json=body,
            headers=JSON,
            **sent,
        )
        return ReportJob(self._transport, state.id, state.status, report_type=type)

    def report(self, report_id: str | int) -> ReportJob:
        """Re-attach to a report created earlier (its status is fetched on first wait)."""
        return ReportJob(self._transport, _report_id(report_id), None)

    async def report_details(
        self, report_id: str | int, **call: Unpack[CallOptions]
    ) -> ReportDetails:
        """The request a report (summary or detailed) was created with (`GET /{id}`, v8)."""
        self._require_v8("report details")
        path = "/" + _report_id(report_id)
        document = await self._transport.get_json(path, headers=JSON, **overrides(call))
        return parse_details(document)

    async def _detailed_type(self, name: str) -> ReportType | None:
        """A detailed report type (`/report-types/{name}`, fetched once per client), or None
        (logged) when the server will not show it (404/403)."""
        async with self._types_lock:
            listed = (self._types or {}).get(name)
            if listed is not None:
                return listed  # the whole catalogue was read already
            if name not in self._detailed_types:
                try:
                    self._detailed_types[name] = await self.report_type(name)
                except (NotFoundError, PermissionDeniedError) as exc:
                    _unchecked(exc)
                    return None
            return self._detailed_types[name]

    async def detailed_report(
        self,
        *,
        type: DetailedReportType,
        start: Any,
        end: Any,
        title: str | None = None,
        metrics: Iterable[str] | None = None,
        search: Iterable[SearchTerm | tuple[Any, ...]] | None = None,
        include_participants: bool = False,
        tz: str | None = None,
        intraday: tuple[Any, Any] | None = None,
        show_ongoing: bool | None = None,
        show_state_in_time: bool | None = None,
        check_report_types: bool = True,
        **call: Unpack[CallOptions],
    ) -> DetailedReportJob:
        """Make a detailed report (v8: one row per interaction or agent status change, no
        record cap); returns its `DetailedReportJob`, already DONE (`job.rows()` reads it).

        `start`/`end` as for `create_report`; `title` defaults to one naming the type and
        range; `metrics` None means all; `search` is a list of `SearchTerm`s or
        `(field, operator, value)` tuples, all of which must hold (`in`/`not-in` take a
        list, `is-empty`/`is-not-empty` no value, durations may be `timedelta`s);
        `include_participants` (interaction details only) adds each interaction's
        participants; `intraday` is at least 5 minutes and may cross midnight;
        `show_ongoing`/`show_state_in_time` are the report's settings. Every rule is
        checked before any request (InvalidArgumentError), then, unless
        `check_report_types=False`, the metrics and search against the server's type.
        A FAILED report raises `ReportFailedError` with the server's reason.
        """
        self._require_v8("detailed reports")
        body = detailed_body(
            type=type,
            start=start,
            end=end,
            title=title,
            metrics=metrics,
            search=search,
            include_participants=include_participants,
            timezone=tz,
            intraday=intraday,
            show_ongoing=show_ongoing,
            show_state_in_time=show_state_in_time,
        )
        sent = overrides(call)
        known = await self._detailed_type(type) if check_report_types else None
        if known is not None:
            check_detailed_against_type(known, body)
        created = await self._transport.request(
            "POST",
            "/detailed-reports",
            lambda r: parse_created(decode_json(r.content)),
            json=body,
            headers=JSON,
            **sent,
        )
        job = DetailedReportJob(
            self._transport, created.id, created.status, report_type=type, reason=created.reason
        )
        if created.status == ReportStatus.FAILED:
            raise job.failure()
        return job

    def export_interactions(
        self,
        *,
        start: Any,
        end: Any,
        slice: dt.timedelta = EXPORT_SLICE,
        concurrency: int = EXPORT_CONCURRENCY,
        checkpoint: ExportCheckpointStore | None = None,
        lookback: dt.timedelta | None = None,
        metrics: Iterable[str] | None = None,
        search: Iterable[SearchTerm | tuple[Any, ...]] | None = None,
        include_participants: bool = False,
        tz: str | None = None,
        page_size: int = DETAILED_PAGE_SIZE,
        **call: Unpack[CallOptions],
    ) -> contextlib.AbstractAsyncContextManager[InteractionExport]:
        """Every interaction from `start` to `end`, as one detailed report per `slice`,
        `concurrency` of them read at once; rows are yielded as they arrive, tagged with
        their slice.

            async with cc.analytics.export_interactions(
                start=may_1, end=june_1, checkpoint=FileExportCheckpoint("calls.export.json")
            ) as export:
                await export.write("calls.jsonl")  # or: async for item in export: ...

        The `checkpoint` records each slice once delivered, so a restart after anything
        reads only the slices not done (whole: a report's cursor does not survive);
        `lookback` reads the last stretch before what is done again (late arrivals), and
        `export.write()` replaces a slice read again instead of adding to it.
        """
        self._require_v8("detailed reports")

        def open_report(piece: Slice) -> Awaitable[DetailedReportJob]:
            return self.detailed_report(
                type="detailed-reports-interaction-details",
                start=piece.start,
                end=piece.end,
                metrics=metrics,
                search=search,
                include_participants=include_participants,
                tz=tz,
                **call,
            )

        policy = overrides(call)["retry"] or self._transport.pipeline.retry
        export = prepare_export(
            open_report,
            retry=policy,
            start=start,
            end=end,
            slice=slice,
            concurrency=concurrency,
            checkpoint=checkpoint,
            lookback=lookback,
            page_size=page_size,
        )
        return running_export(export)


def _report_id(report_id: object) -> str:
    if isinstance(report_id, bool) or not str(report_id).strip().isdigit():
        raise InvalidArgumentError(f"report_id must be a report's numeric id; got {report_id!r}")
    return str(report_id).strip()


def _unchecked(exc: NotFoundError | PermissionDeniedError) -> None:
    logger.warning(
        "report types unavailable (%s %s); creating the report without the client-side check",
        exc.status_code,
        type(exc).__name__,
    )
