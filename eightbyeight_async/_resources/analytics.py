"""`cc.analytics`: CC Historical Analytics summary reports, a job the server runs for you.

`job = await cc.analytics.create_report(...)` checks every documented rule and starts the
report; `await job` polls its status (growing intervals, `Retry-After`, a deadline) until
DONE; `job.rows()` pages through the JSON data (1000 rows a page, fetched ahead);
`await job.download(path)` streams the CSV or XLSX file to disk. Authenticates with the OAuth
bearer token (refreshed as needed) and sends `X-Tenant-Info` when `tenant_info` is set.
"""

from __future__ import annotations

import logging
import urllib.parse
from collections.abc import Iterable, Mapping
from typing import Any, Final

import anyio
from typing_extensions import Unpack

from .._constants import ANALYTICS_VERSIONS, DEFAULT_ANALYTICS_VERSION
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
from ..types.analytics import Granularity, ReportState, ReportType
from ._analytics_transport import JSON, AnalyticsTransport
from ._analytics_validation import check_against_type, report_body
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
            logger.warning(
                "report types unavailable (%s %s); creating the report without the "
                "client-side check",
                exc.status_code,
                type(exc).__name__,
            )
            return None

    async def create_report(
        self,
        *,
        type: str,
        title: str,
        start: Any,
        end: Any,
        granularity: Granularity,
        group_by: str,
        filters: Mapping[str, object] | None = None,
        metrics: Iterable[str] | None = None,
        tz: str | None = None,
        intraday: tuple[Any, Any] | None = None,
        include_subtotals: bool = False,
        include_grand_total: bool = False,
        check_report_types: bool = True,
        **call: Unpack[CallOptions],
    ) -> ReportJob:
        """Start a summary report; returns its `ReportJob` (`await job` waits until DONE).

        `start`/`end` are aware datetimes, dates (midnight UTC) or ISO strings with a zone;
        `filters` maps a filter to its values (`{"queue": ["103"], "media": ["Phone"]}`);
        `tz` is the IANA zone of the report's buckets; `intraday` is a (start, end) pair of
        times, at least 15 minutes, which may cross midnight. Every documented rule is
        checked first (InvalidArgumentError says which),
        then, unless `check_report_types=False`, the type, grouping, filters and metrics
        against the server's report types (fetched once per client); if those cannot be
        read (404/403) a warning is logged and the server judges the report.
        """
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
        )
        sent = overrides(call)
        known = await self._catalogue() if check_report_types else None
        if known is not None:
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
        return ReportJob(self._transport, state.id, state.status)

    def report(self, report_id: str | int) -> ReportJob:
        """Re-attach to a report created earlier (its status is fetched on first wait)."""
        if isinstance(report_id, bool) or not str(report_id).strip().isdigit():
            raise InvalidArgumentError(
                f"report_id must be a report's numeric id; got {report_id!r}"
            )
        return ReportJob(self._transport, str(report_id).strip(), None)
