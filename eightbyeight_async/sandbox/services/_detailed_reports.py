"""The v8 detailed reports as the sandbox serves them (`{base}` is
`{region}/analytics/cc/v8/historical-metrics`; same bearer and `X-Tenant-Info` rules as the
summary reports):

- `POST {base}/detailed-reports` with the body `_detailed_rules` checks (else 400
  `{"status": 400, "message": "Bad request: <the broken rule>"}`). Creation is synchronous:
  200 with `Link: <{base}/detailed-reports/{id}/data?size=100>; rel="data"` and
  `{"id": <int>, "status": "DONE"}`, or, when `sb.analytics.fail_detailed` asks,
  `{"id": <int>, "status": "FAILED", "reason": "<why>"}` without a `Link`. With
  `sb.analytics.detailed_body_as_array` the body is the OpenAPI file's form,
  `[{"id": <int>, "reason": null | "<why>", "status": "DONE" | "FAILED"}]`.
- `GET {base}/detailed-reports/{id}/data?size=N[&lastDocumentId=C]`: `size` 1 to 1000
  (default 100; else 400); the first page without `lastDocumentId` (an empty one counts as
  absent), each next with the previous answer's `Last-Document-Id`. Body: the rows
  (`_detailed_data`). Headers: `X-Page-Size` (the size asked), `X-Total-Elements` (every row
  of the report: no 10,000-row cap), `X-Total-Pages` (`ceil(rows / size)`, at least 1), and,
  unless the page is the last one, `Last-Document-Id: C` and
  `Link: <{base}/detailed-reports/{id}/data?size=N&lastDocumentId=C>; rel="next"`.
  The cursor is opaque: unpadded base64url of `{report id}.{start ms}.{row id}`, the sort key
  of the page's last row; one that is garbled, of another report or of no row is a 400.
  A FAILED report's data is a 400; an unknown id a 404.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import threading
from collections.abc import Callable, Iterator
from typing import Any, Protocol

import anyio.to_thread
import attrs
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from ..tenant._analytics_rules import RequestRejected
from ..tenant._detailed_data import DetailedData, SortKey
from ..tenant._detailed_rules import parse_detailed_spec
from ..tenant._tenant import Tenant

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000
FAILED_REASON = "Report generation failed: the search took too long (sandbox fail_detailed)"


@attrs.define
class DetailedReport:
    """One created detailed report: its request, its outcome and (when DONE) its rows."""

    id: int
    request: dict[str, Any]
    data: DetailedData | None
    reason: str | None = None

    @property
    def status(self) -> str:
        return "DONE" if self.data is not None else "FAILED"

    def details(self) -> dict[str, Any]:
        """`GET {base}/{id}`: the original request echoed, the id as a string."""
        return {**self.request, "id": str(self.id)}


class DetailedReports:
    """The detailed-report half of `sb.analytics` (`AnalyticsService` inherits it): the
    controls and the reports, ids drawn from the service's shared sequence."""

    tenant: Tenant
    _lock: threading.Lock
    _ids: Iterator[int]

    def reset_detailed(self) -> None:
        """Default controls, no detailed reports (the caller holds no lock)."""
        self.fail_detailed = 0
        """The next this many detailed reports end FAILED (with `fail_reason`)."""
        self.fail_reason = FAILED_REASON
        """The `reason` of a FAILED detailed report."""
        self.detailed_body_as_array = False
        """Creation answers `[{id, reason, status}]` instead of `{id, status}`."""
        self.duration_text = False
        """Rows carry durations as the older `h:mm:ss` text instead of milliseconds."""
        with self._lock:
            self._detailed: dict[int, DetailedReport] = {}

    def create_detailed(self, body: Any) -> DetailedReport:
        """Run a detailed report now (creation is synchronous); RequestRejected when invalid."""
        with self._lock:
            fail = self.fail_reason if self.fail_detailed > 0 else None
            report_id = next(self._ids)
        report = build_detailed(report_id, body, self.tenant, fail)
        with self._lock:
            if fail is not None:
                self.fail_detailed -= 1
            self._detailed[report.id] = report
        return report

    def detailed(self, report_id: int | str) -> DetailedReport | None:
        """The detailed report with this id, or None."""
        with self._lock:
            return self._detailed.get(int(report_id))


class DetailedHost(Protocol):
    """What the detailed endpoints need of the analytics service (`sb.analytics`)."""

    detailed_body_as_array: bool
    duration_text: bool

    def create_detailed(self, body: Any) -> DetailedReport: ...

    def detailed(self, report_id: int | str) -> DetailedReport | None: ...


async def detailed_answer(
    request: Request,
    host: DetailedHost,
    report_id: str | None,
    base: str,
    dumps: Callable[[Any], bytes],
) -> Response:
    """`POST {base}/detailed-reports` (no `report_id`) or `GET .../{report_id}/data`."""
    if report_id is None:
        if request.method != "POST":
            return _error(405, "Method not allowed")
        try:  # a month of rows takes a moment: off the event loop, other requests go on
            document = json.loads(await request.body())
            created = await anyio.to_thread.run_sync(host.create_detailed, document)
        except (ValueError, RequestRejected) as exc:
            return _error(400, f"Bad request: {exc}")
        return created_response(created, base, host.detailed_body_as_array)
    report = host.detailed(report_id)
    if report is None or request.method != "GET":
        return _error(404, f"detailed report {report_id} not found")
    return page_response(request, report, base, host.duration_text, dumps)


def build_detailed(report_id: int, body: Any, tenant: Tenant, fail: str | None) -> DetailedReport:
    """A detailed report from a create body (RequestRejected when it is invalid); `fail` is
    the reason it ends FAILED, None for DONE."""
    spec = parse_detailed_spec(body, tenant)
    data = None if fail is not None else DetailedData(tenant, spec)
    return DetailedReport(report_id, dict(body), data, fail)


def created_response(report: DetailedReport, base: str, as_array: bool) -> Response:
    """The answer to a successful `POST /detailed-reports`."""
    headers = {}
    if report.status == "DONE":
        link = f"{base}/detailed-reports/{report.id}/data?size={DEFAULT_PAGE_SIZE}"
        headers["Link"] = f'<{link}>; rel="data"'
    body: Any
    if as_array:
        body = [{"id": report.id, "reason": report.reason, "status": report.status}]
    else:
        body = {"id": report.id, "status": report.status}
        if report.reason is not None:
            body["reason"] = report.reason
    return JSONResponse(body, headers=headers)


def encode_cursor(report_id: int, key: SortKey) -> str:
    """The opaque `Last-Document-Id` of the row with sort key `key`."""
    text = f"{report_id}.{key[0]}.{key[1]}".encode()
    return base64.urlsafe_b64encode(text).decode().rstrip("=")


def decode_cursor(report_id: int, cursor: str) -> SortKey:
    """The sort key a cursor names; RequestRejected when it is not one of this report's."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        text = base64.urlsafe_b64decode(padded.encode("ascii")).decode("ascii")
        owner, start, row = (int(part) for part in text.split("."))
    except (ValueError, binascii.Error, UnicodeError):
        raise RequestRejected(f"lastDocumentId {cursor!r} is not a valid cursor") from None
    if owner != report_id:
        raise RequestRejected(f"lastDocumentId {cursor!r} is not a cursor of report {report_id}")
    return start, row


def _size(request: Request) -> int:
    text = request.query_params.get("size")
    if text is None:
        return DEFAULT_PAGE_SIZE
    if not text.isdigit() or not 1 <= int(text) <= MAX_PAGE_SIZE:
        raise RequestRejected(f"size must be an integer between 1 and {MAX_PAGE_SIZE}")
    return int(text)


def page_response(
    request: Request,
    report: DetailedReport,
    base: str,
    duration_text: bool,
    dumps: Callable[[Any], bytes],
) -> Response:
    """`GET {base}/detailed-reports/{id}/data`: one cursor page, or a 400."""
    data = report.data
    if data is None:
        return _error(400, f"Bad request: detailed report {report.id} is FAILED: {report.reason}")
    try:
        size = _size(request)
        cursor = request.query_params.get("lastDocumentId") or None
        start = 0
        if cursor is not None:
            found = data.position_after(decode_cursor(report.id, cursor))
            if found is None:
                raise RequestRejected(f"lastDocumentId {cursor!r} is not a row of this report")
            start = found
    except RequestRejected as exc:
        return _error(400, f"Bad request: {exc}")
    stop = min(start + size, data.count)
    headers = {
        "X-Page-Size": str(size),
        "X-Total-Pages": str(max(1, math.ceil(data.count / size))),
        "X-Total-Elements": str(data.count),
    }
    if stop < data.count:
        following = encode_cursor(report.id, data.keys[stop - 1])
        link = f"{base}/detailed-reports/{report.id}/data?size={size}&lastDocumentId={following}"
        headers["Last-Document-Id"] = following
        headers["Link"] = f'<{link}>; rel="next"'
    body = dumps(data.page(start, stop, duration_text))
    return Response(body, media_type="application/json", headers=headers)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"status": status, "message": message}, status)
