"""`DetailedReportJob`: one v8 detailed report, created synchronously, and its rows.

The server answers the create request once the report is DONE (or FAILED), so there is
nothing to poll: `await job` returns the job at once, for symmetry with `ReportJob`. Its rows
come through a `CursorPaginator`: page after page, each request carrying the previous
answer's `Last-Document-Id` as `lastDocumentId` (an opaque search position, so the pages are
strictly sequential); the last page has neither a `next` link nor that header.
"""

from __future__ import annotations

from collections.abc import Generator, Mapping
from typing import Any, Final

import httpx
from typing_extensions import Unpack

from .._constants import DETAILED_MAX_PAGE_SIZE, DETAILED_PAGE_SIZE
from .._endpoints import CallOptions, overrides
from .._errors import DecodeError, ReportFailedError
from .._paginators import CursorPage, CursorPaginator
from .._redact import redact_url
from ..types.analytics import ReportStatus
from ..types.detailed_reports import DetailedRow, ReportDetails
from ._analytics_transport import JSON, AnalyticsTransport
from ._detailed_answers import parse_details
from ._detailed_rows import parse_page

CURSOR_HEADER: Final = "last-document-id"
CURSOR_PARAM: Final = "lastDocumentId"


def _header_int(response: httpx.Response, name: str) -> int | None:
    text = response.headers.get(name, "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


def next_cursor(response: httpx.Response) -> str | None:
    """Where the next page starts: the `Last-Document-Id` header, else the `lastDocumentId`
    of a `next` link; None on the last page (neither)."""
    cursor: str = response.headers.get(CURSOR_HEADER, "").strip()
    if cursor:
        return cursor
    link = response.links.get("next", {}).get("url")
    if link:
        found = str(httpx.URL(link).params.get(CURSOR_PARAM, "")).strip()
        return found or None
    return None


class DetailedReportJob:
    """A detailed report the server has made: `job.rows()` reads it row by row.

    `id`, `status` (DONE: a FAILED report raises `ReportFailedError` when created) and
    `reason` (the server's, if any) come from the create answer; `total_rows` and
    `total_pages` from the data pages' `X-Total-Elements`/`X-Total-Pages`, once one is read.
    """

    def __init__(
        self,
        transport: AnalyticsTransport,
        report_id: str,
        status: ReportStatus,
        *,
        report_type: str | None = None,
        reason: str | None = None,
    ) -> None:
        self._transport = transport
        self.id = report_id
        self.status = status
        self.reason = reason
        self.report_type = report_type
        """The report's type (None for a job re-attached by id)."""
        self.total_rows: int | None = None
        """`X-Total-Elements` of the last data page read (None before the first)."""
        self.total_pages: int | None = None
        self.pages_read = 0
        """Data page requests answered, over every read of this job."""

    def __repr__(self) -> str:
        return f"DetailedReportJob(id={self.id!r}, status={self.status.value!r})"

    def __await__(self) -> Generator[Any, None, DetailedReportJob]:
        return self._done().__await__()

    async def _done(self) -> DetailedReportJob:
        return self  # created DONE: nothing to wait for

    def failure(self) -> ReportFailedError:
        """The error of a FAILED report, with the server's reason."""
        why = f": {self.reason}" if self.reason else ""
        return ReportFailedError(
            f"detailed report {self.id} FAILED on the server{why}; check its date range, "
            "metrics and search, then create it again",
            report_id=self.id,
        )

    def rows(
        self,
        *,
        page_size: int = DETAILED_PAGE_SIZE,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> CursorPaginator[DetailedRow]:
        """The rows in order, `page_size` (1 to 1000) per request, one request at a time:
        `async for row in job.rows()`, or `.pages()`, `.first_page()`, `.skip(n)`."""
        sent, read = overrides(call), {"pages": 0}

        async def fetch(cursor: str | None, size: int) -> CursorPage[DetailedRow]:
            read["pages"] = 0 if cursor is None else read["pages"]  # a new read starts over
            page = await self._fetch(cursor, size, sent, read["pages"])
            read["pages"] += 1
            return page

        return CursorPaginator(
            fetch, page_size=page_size, max_page_size=DETAILED_MAX_PAGE_SIZE, limit=limit
        )

    async def details(self, **call: Unpack[CallOptions]) -> ReportDetails:
        """The request this report was made with, as the server echoes it (`GET /{id}`)."""
        document = await self._transport.get_json(f"/{self.id}", headers=JSON, **overrides(call))
        return parse_details(document)

    async def count(self, **call: Unpack[CallOptions]) -> int | None:
        """The number of rows (`X-Total-Elements`), read with a one-row page; None if the
        server does not say."""
        await self._fetch(None, 1, overrides(call), 0)
        return self.total_rows

    async def _fetch(
        self, cursor: str | None, size: int, sent: Mapping[str, Any], page: int
    ) -> CursorPage[DetailedRow]:
        """Data page `page` (from 0) of a read: the one that starts at `cursor`."""

        def parse(response: httpx.Response) -> CursorPage[DetailedRow]:
            where = f"GET {redact_url(response.request.url)}"
            rows = parse_page(response.content, page, where)
            following = next_cursor(response)
            if following is not None and following == cursor:
                raise DecodeError(
                    f"detailed report data page {page} ({where}) names the cursor it was "
                    f"asked for ({cursor!r}) as the next one: reading on would loop"
                )
            self.total_rows = _header_int(response, "x-total-elements")
            self.total_pages = _header_int(response, "x-total-pages")
            return CursorPage(rows, following)

        params = {"size": str(size)}
        if cursor is not None:
            params[CURSOR_PARAM] = cursor
        answer = await self._transport.request(
            "GET", f"/detailed-reports/{self.id}/data", parse, params=params, headers=JSON, **sent
        )
        self.pages_read += 1
        return answer
