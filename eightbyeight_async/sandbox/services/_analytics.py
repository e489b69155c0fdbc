"""The CC Historical Analytics API (`{region}/analytics/cc/{version}/historical-metrics`) as the
sandbox serves it: report types, report jobs (IN_PROGRESS → DONE or FAILED after `delay`
seconds), status with the documented `Link` headers, JSON data pages capped at 10,000 rows,
CSV and XLSX downloads, and links. Bearer tokens come from `sb.tokens`.

Controls on `sb.analytics`: `delay`, `fail_reports`, `hold_reports` and `release()` (reports
that stay IN_PROGRESS until the test lets them finish), `retry_after` (a `Retry-After` on
IN_PROGRESS status answers), `tenant_ids` (a multi-tenant customer: `X-Tenant-Info` required),
`content_disposition` (a raw `Content-Disposition`, to test unsafe names). Ground truth:
`sb.truth.analytics_rows(report_id)`, every row of a report as the wire carries it.

Where the document is silent, the sandbox's choices: data, download and links of a report that
is not DONE answer 400; `size` above 1000 is a 400; `X-Total-Elements` is the report's true row
count, `X-Total-Pages` counts only the pages the 10,000-row cap serves.

v8 only (v7 answers as before): the catalogue adds the summary metrics `parked`,
`assignedInteractions`, `avgFocusTime`, `focusTime`, `parkDuration`, the two detailed types
and `script-paths` (`_detailed_catalogue`); `POST /detailed-reports` and its `/data` pages
(`_detailed_reports`); `GET /{id}`, the details of a summary or detailed report (ids are
shared): the create body as posted, `"id"` a string; `script-paths` created by the summary
`POST` (rules: `_detailed_script_paths`), its status `Link` and links naming only the
download, its `/data` a 400 and its download CSV only (an XLSX `Accept` is a 406).

Controls of the detailed reports: `fail_detailed` (the next n detailed reports end FAILED
with `fail_reason`), `detailed_body_as_array` (create answers the array form),
`duration_text` (durations served as the older `"0:00:41"` text instead of milliseconds,
read when a page is served). Faults on one report's pages are `sb.faults` rules on its
path, e.g. `sb.faults.status("*/detailed-reports/2710193/data", 503, count=2)`. Ground
truth: `sb.truth.detailed_rows(...)` and `sb.truth.interaction_ids(start, end)`.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import math
import re
import threading
import time
from collections.abc import Iterator
from typing import Any

import anyio.to_thread
import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse

try:  # the `sandbox` extra installs it: pages render ~10x faster
    import orjson
except ImportError:  # pragma: no cover - depends on the installation
    orjson = None  # type: ignore[assignment]

from ..tenant._analytics_data import ReportData, report_types
from ..tenant._analytics_rules import RequestRejected, parse_report_spec
from ..tenant._detailed_catalogue import SCRIPT_PATHS
from ..tenant._detailed_script_paths import ScriptPathsData, parse_script_paths_spec
from ..tenant._tenant import Tenant
from ._auth import TokenIssuer
from ._detailed_reports import DetailedReports, detailed_answer

JSON_CAP = 10_000
"""Rows the JSON data pages serve at most (the document's cap); downloads have all."""

PAGE_CACHE_SIZE = 16
"""Rendered data pages each report keeps."""
MAX_PAGE_SIZE = 1000
DEFAULT_PAGE_SIZE = 100
VERSIONS = frozenset({"v7", "v8"})
REGIONS = frozenset({"", "eu", "au", "ca"})
FIRST_REPORT_ID = 2710192
CSV_CHUNK_ROWS = 500
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MISSING_TENANT = "Bad request: X-Tenant-Info header is missing."
WRONG_TENANT = "Bad request: Invalid value for X-Tenant-Info header."

PATH = "/analytics/cc/{version}/historical-metrics{rest:path}"
REGION_PATH = "/{region}" + PATH

_REST = re.compile(
    r"^(?:/report-types(?:/(?P<type>[^/]+))?"
    r"|/(?P<detailed>detailed-reports)(?:/(?P<did>[0-9]+)/data)?"
    r"|/(?P<id>[0-9]+)(?:/(?P<op>status|data|download|links))?)?/?$"
)


@attrs.define
class Report:
    """One report job and its data."""

    id: int
    title: str
    data: ReportData | ScriptPathsData
    ready_at: float
    fails: bool
    held: bool = False
    """Stays IN_PROGRESS, whatever the time, until `AnalyticsService.release()`."""
    request: dict[str, Any] = attrs.field(factory=dict)
    """The create body as posted (`GET /{id}` echoes it)."""

    _pages: dict[tuple[int, int], bytes] = attrs.field(factory=dict)

    def page_body(self, start: int, stop: int) -> bytes:
        """Rows `start` to `stop` as the JSON body, the last few pages kept: a real report is
        computed once, so serving a page again should cost the server little (and a client
        fetching pages concurrently should not be measuring the sandbox's rendering)."""
        key = (start, stop)
        body = self._pages.get(key)
        if body is None:
            body = _dumps(list(self.data.rows(start, stop)))
            if len(self._pages) >= PAGE_CACHE_SIZE:
                self._pages.pop(next(iter(self._pages)))
            self._pages[key] = body
        return body

    def status(self) -> str:
        if self.held or time.monotonic() < self.ready_at:
            return "IN_PROGRESS"
        return "FAILED" if self.fails else "DONE"


class AnalyticsService(DetailedReports):
    """The analytics state of one sandbox: report jobs, their controls and ground truth (the
    detailed reports' half in `DetailedReports`)."""

    def __init__(self, tenant: Tenant, tokens: TokenIssuer) -> None:
        self.tenant = tenant
        self.tokens = tokens
        self._lock = threading.Lock()
        self.reset()

    def reset(self) -> None:
        """Back to the initial state: no report jobs, ids from the first, default controls."""
        self.delay = 0.2
        """Seconds a new report stays IN_PROGRESS."""
        self.fail_reports = False
        """New reports end FAILED instead of DONE."""
        self.hold_reports = False
        """New reports stay IN_PROGRESS until `release()`: a test orders events by what the
        server has seen instead of by elapsed time."""
        self.retry_after: float | None = None
        """When set, IN_PROGRESS status answers carry `Retry-After` with this many seconds."""
        self.tenant_ids: tuple[str, ...] | None = None
        """A multi-tenant customer's tenant ids: `X-Tenant-Info` must name one of them."""
        self.content_disposition: str | None = None
        """When set, the raw `Content-Disposition` downloads carry (default: `attachment;
        filename="<title>.<csv|xlsx>"`), to test unsafe names."""
        with self._lock:
            self._ids = itertools.count(FIRST_REPORT_ID)
            self._reports: dict[int, Report] = {}
        self.reset_detailed()
        self.status_checks = 0

    def create(self, body: Any, version: str = "v8") -> Report:
        """Start a report job from a create-report body; RequestRejected when it is invalid."""
        data: ReportData | ScriptPathsData
        if version == "v8" and isinstance(body, dict) and body.get("type") == SCRIPT_PATHS:
            paths = parse_script_paths_spec(body, self.tenant)
            title, data = paths.title, ScriptPathsData(self.tenant, paths)
        else:
            spec = parse_report_spec(body, self.tenant, version)
            title, data = spec.title, ReportData(self.tenant, spec)
        with self._lock:
            ready_at = time.monotonic() + self.delay
            report = Report(
                next(self._ids), title, data, ready_at, self.fail_reports, self.hold_reports
            )
            report.request = dict(body)
            self._reports[report.id] = report
        return report

    def release(self) -> None:
        """Let every held report finish (after its `delay`, as usual)."""
        with self._lock:
            for report in self._reports.values():
                report.held = False

    def report(self, report_id: int | str) -> Report | None:
        """The report with this id, or None."""
        with self._lock:
            return self._reports.get(int(report_id))


class AnalyticsApi:
    """The HTTP endpoint of the analytics API over an `AnalyticsService`."""

    def __init__(self, service: AnalyticsService) -> None:
        self.service = service

    async def endpoint(self, request: Request) -> Response:
        params = request.path_params
        match = _REST.match(params["rest"])
        if (
            params.get("region", "") not in REGIONS
            or params["version"] not in VERSIONS
            or not match
        ):
            return _error(404, "Not found")
        refused = self.service.tokens.check_bearer(request) or self._check_tenant(request)
        if refused is not None:
            return refused
        base = str(request.url).split("/historical-metrics")[0] + "/historical-metrics"
        version = params["version"]
        if match["detailed"] is not None:
            if version != "v8":
                return _error(404, "Not found")
            return await detailed_answer(request, self.service, match["did"], base, _dumps)
        if match["id"] is None:
            return await self._types_or_create(
                request, match["type"], params["rest"], base, version
            )
        if match["op"] is None:
            return self._details(request, match["id"], version)
        report = self.service.report(match["id"])
        if report is None or request.method != "GET":
            return _error(404, f"report {match['id']} not found")
        return await self._report_operation(request, report, match["op"], base)

    def _details(self, request: Request, report_id: str, version: str) -> Response:
        if version != "v8" or request.method != "GET":
            return _error(404, "Not found")
        detailed = self.service.detailed(report_id)
        if detailed is not None:
            return JSONResponse(detailed.details())
        report = self.service.report(report_id)
        if report is None:
            return _error(404, f"report {report_id} not found")
        return JSONResponse({**report.request, "id": str(report.id)})

    def _check_tenant(self, request: Request) -> Response | None:
        allowed = self.service.tenant_ids
        if allowed is None:
            return None
        given = request.headers.get("x-tenant-info")
        if given is None:
            return _error(400, MISSING_TENANT)
        return None if given in allowed else _error(400, WRONG_TENANT)

    async def _types_or_create(
        self, request: Request, type_name: str | None, rest: str, base: str, version: str
    ) -> Response:
        if request.method == "POST":
            if rest.strip("/"):
                return _error(405, "Method not allowed")
            try:
                report = self.service.create(json.loads(await request.body()), version)
            except (ValueError, RequestRejected) as exc:
                return _error(400, f"Bad request: {exc}")
            link = f'<{base}/{report.id}/status>; rel="status"'
            return JSONResponse(_state(report), headers={"Link": link})
        if not rest.strip("/"):
            return _error(405, "Method not allowed")
        catalogue = report_types(version)
        if type_name is None:
            return JSONResponse(list(catalogue))
        found = next((t for t in catalogue if t["type"] == type_name), None)
        return JSONResponse(found) if found else _error(404, f"unknown report type {type_name}")

    async def _report_operation(
        self, request: Request, report: Report, op: str, base: str
    ) -> Response:
        status = report.status()
        if op == "status":
            self.service.status_checks += 1
            headers = {}
            if status == "DONE":
                headers["Link"] = (
                    f'<{base}/{report.id}/data?page=0&size={DEFAULT_PAGE_SIZE}>; rel="data", '
                    f'<{base}/{report.id}/download>; rel="download"'
                )
                if isinstance(report.data, ScriptPathsData):
                    headers["Link"] = f'<{base}/{report.id}/download>; rel="download"'
            elif status == "IN_PROGRESS" and self.service.retry_after is not None:
                headers["Retry-After"] = f"{self.service.retry_after:g}"
            return JSONResponse(_state(report), headers=headers)
        if op == "links":
            return JSONResponse(_links(report, base, status))
        if status != "DONE":
            return _error(400, f"Bad request: report {report.id} is {status}, not DONE")
        if op == "data":
            if isinstance(report.data, ScriptPathsData):
                return _error(400, f"Bad request: {SCRIPT_PATHS} reports are CSV downloads only")
            return _data_page(request, report, base)
        return await self._download(request, report)

    async def _download(self, request: Request, report: Report) -> Response:
        accept = request.headers.get("accept", "")
        if "text/csv" in accept:
            kind, media = "csv", "text/csv; charset=utf-8"
        elif "text/xlsx" in accept or XLSX_TYPE in accept:
            kind, media = "xlsx", XLSX_TYPE
        else:
            return _error(406, "Accept text/csv or text/xlsx")
        if kind == "xlsx" and isinstance(report.data, ScriptPathsData):
            return _error(406, f"{SCRIPT_PATHS} reports download as text/csv only")
        default = f'attachment; filename="{report.title}.{kind}"'
        disposition = self.service.content_disposition or default
        headers = {"Content-Disposition": disposition}
        if kind == "csv":
            return StreamingResponse(_csv_chunks(report.data), media_type=media, headers=headers)
        body = await anyio.to_thread.run_sync(_xlsx_bytes, report.data)
        return Response(body, media_type=media, headers=headers)


def _dumps(document: Any) -> bytes:
    if orjson is not None:
        return orjson.dumps(document)
    return json.dumps(document, separators=(",", ":")).encode()


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"status": status, "message": message}, status)


def _state(report: Report) -> dict[str, Any]:
    return {"id": report.id, "status": report.status()}


def _links(report: Report, base: str, status: str) -> list[dict[str, str]]:
    links = [{"relation": "status", "link": f"{base}/{report.id}/status"}]
    if status == "DONE" and not isinstance(report.data, ScriptPathsData):
        data = f"{base}/{report.id}/data?page=0&size={DEFAULT_PAGE_SIZE}"
        links.append({"relation": "data", "link": data})
        links.append({"relation": "download", "link": f"{base}/{report.id}/download"})
    return links


def _number(request: Request, name: str, default: int) -> int:
    text = request.query_params.get(name)
    if text is None:
        return default
    if not text.isdigit():
        raise RequestRejected(f"{name} must be a non-negative integer")
    return int(text)


def _data_page(request: Request, report: Report, base: str) -> Response:
    try:
        page = _number(request, "page", 0)
        size = _number(request, "size", DEFAULT_PAGE_SIZE)
    except RequestRejected as exc:
        return _error(400, f"Bad request: {exc}")
    if not 1 <= size <= MAX_PAGE_SIZE:
        return _error(400, f"Bad request: size must be between 1 and {MAX_PAGE_SIZE}")
    served = min(report.data.count, JSON_CAP)
    pages = max(1, math.ceil(served / size))
    start = page * size
    body = report.page_body(start, min(start + size, served))
    headers = {
        "X-Page": str(page),
        "X-Page-Size": str(size),
        "X-Total-Pages": str(pages),
        "X-Total-Elements": str(report.data.count),
    }
    if page + 1 < pages:
        headers["Link"] = f'<{base}/{report.id}/data?page={page + 1}&size={size}>; rel="next"'
    return Response(body, media_type="application/json", headers=headers)


def _table(data: ReportData | ScriptPathsData) -> Iterator[list[Any]]:
    """The report as a table: a header of labels, then one list of values per row."""
    header_done = False
    for row in data.rows():
        if not header_done:
            yield [item["label"] for item in row["items"]]
            header_done = True
        yield [item["value"] for item in row["items"]]


def _csv_chunks(data: ReportData | ScriptPathsData) -> Iterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for batch in _batches(_table(data)):
        writer.writerows(["" if v is None else v for v in line] for line in batch)
        yield buffer.getvalue().encode("utf-8")
        buffer.seek(0)
        buffer.truncate()


def _batches(lines: Iterator[list[Any]]) -> Iterator[list[list[Any]]]:
    while batch := list(itertools.islice(lines, CSV_CHUNK_ROWS)):
        yield batch


def _xlsx_bytes(data: ReportData | ScriptPathsData) -> bytes:
    from openpyxl import Workbook  # the sandbox extra; imported only when XLSX is asked for

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Report")
    for line in _table(data):
        sheet.append(line)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
