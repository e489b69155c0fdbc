"""`ReportJob`: one analytics report on the server, from IN_PROGRESS to its rows and file.

Polling (growing intervals, `Retry-After`, a deadline), the JSON data pages as a
`PagePaginator` of `ReportRow`s, and the streamed, safely named download.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Generator, Mapping
from pathlib import Path
from typing import Any, Final

import anyio
import httpx
from typing_extensions import Unpack

from .._connection_errors import body_chunks
from .._convert import structure, structure_many
from .._endpoints import CallOptions, overrides
from .._errors import (
    DecodeError,
    InvalidArgumentError,
    ReportFailedError,
    ReportRowCapWarning,
    ReportTimeoutError,
)
from .._formats import decode_json
from .._paginators import NumberedPage, PagePaginator
from .._retry import parse_retry_after
from .._safe_files import Staging, disposition_filename, safe_filename
from .._validate import is_seconds
from ..types.analytics import (
    ReportFormat,
    ReportLink,
    ReportLinks,
    ReportRow,
    ReportState,
    ReportStatus,
)
from ._analytics_rows import RowReader
from ._analytics_transport import AnalyticsTransport
from ._analytics_validation import SCRIPT_PATHS

JSON_ROW_CAP = 10_000
"""Rows the JSON data pages serve at most; the download has every row."""
DEFAULT_WAIT_TIMEOUT = 600.0
FIRST_POLL_INTERVAL = 1.0
MAX_POLL_INTERVAL = 30.0
POLL_GROWTH = 1.5
"""Each status check waits this much longer than the last (the document: no tight loop)."""
DOWNLOAD_CHUNK = 64 * 1024
ACCEPT: Final = {"csv": "text/csv", "xlsx": "text/xlsx"}


def _header_int(response: httpx.Response, name: str) -> int | None:
    """A count header's value; None when absent or not plain ASCII digits (a hint, not data:
    `str.isdigit` alone accepts digits like '²' that `int` refuses)."""
    text = response.headers.get(name, "").strip()
    return int(text) if text.isascii() and text.isdigit() else None


class ReportJob:
    """A report being generated, or done: `await job` waits until it is DONE.

    `job.rows()` iterates its JSON data rows, `await job.download(path)` saves the CSV or
    XLSX file; `job.status` is the last status seen (None before the first check).
    """

    def __init__(
        self,
        transport: AnalyticsTransport,
        report_id: str,
        status: ReportStatus | None,
        *,
        report_type: str | None = None,
    ) -> None:
        self._transport = transport
        self.id = report_id
        self.status = status
        self.report_type = report_type
        """The report's type, when the job was created here (None when re-attached by id)."""
        self.status_checks = 0
        """How many times the status was requested (by `refresh` and `wait`)."""

    def __repr__(self) -> str:
        status = self.status.value if self.status is not None else None
        return f"ReportJob(id={self.id!r}, status={status!r})"

    def __await__(self) -> Generator[Any, None, ReportJob]:
        return self.wait().__await__()

    def _path(self, operation: str) -> str:
        return f"/{self.id}/{operation}"

    async def _poll(self, call: CallOptions | None = None) -> float | None:
        """Check the status once; returns the server's `Retry-After`, if any."""

        def parse(response: httpx.Response) -> tuple[ReportState, float | None]:
            state = structure(decode_json(response.content), ReportState)
            return state, parse_retry_after(response.headers.get("retry-after"))

        state, retry_after = await self._transport.request(
            "GET", self._path("status"), parse, **overrides(call or {})
        )
        self.status = state.status
        self.status_checks += 1
        return retry_after

    async def refresh(self, **call: Unpack[CallOptions]) -> ReportStatus:
        """Check the status once and return it."""
        await self._poll(call)
        assert self.status is not None
        return self.status

    async def wait(
        self,
        timeout: float = DEFAULT_WAIT_TIMEOUT,  # noqa: ASYNC109 - a deadline over many requests
        *,
        poll_interval: float = FIRST_POLL_INTERVAL,
        max_poll_interval: float = MAX_POLL_INTERVAL,
    ) -> ReportJob:
        """Poll until DONE (returns the job), FAILED (`ReportFailedError`) or `timeout` seconds
        (`ReportTimeoutError`; the job goes on). Waits grow from `poll_interval` by 1.5x up to
        `max_poll_interval`, and never less than a `Retry-After` the server sends. Each of the
        three must be a positive, finite number of seconds (InvalidArgumentError otherwise:
        zero would poll in a tight loop)."""
        checked = {
            "timeout": timeout,
            "poll_interval": poll_interval,
            "max_poll_interval": max_poll_interval,
        }
        for name, value in checked.items():
            if not is_seconds(value):
                raise InvalidArgumentError(
                    f"{name} must be a positive number of seconds; got {value!r}"
                )
        deadline = anyio.current_time() + timeout
        delay = poll_interval
        while True:
            if self.status is not None:
                self._raise_if_failed()
                if self.status == ReportStatus.DONE:
                    return self
                remaining = deadline - anyio.current_time()
                if remaining <= 0:
                    raise self._timeout(timeout)
                await anyio.sleep(min(delay, remaining))
            with anyio.move_on_after(max(deadline - anyio.current_time(), 0)) as scope:
                retry_after = await self._poll()
            if scope.cancelled_caught:
                raise self._timeout(timeout)
            delay = max(min(delay * POLL_GROWTH, max_poll_interval), retry_after or 0)

    def _raise_if_failed(self) -> None:
        if self.status == ReportStatus.FAILED:
            raise ReportFailedError(
                f"analytics report {self.id} FAILED on the server; create it again (check its "
                "date range and filters), or contact 8x8 support if it keeps failing",
                report_id=self.id,
            )

    def _timeout(self, timeout: float) -> ReportTimeoutError:
        status = self.status.value if self.status is not None else "unknown"
        return ReportTimeoutError(
            f"analytics report {self.id} was still {status} after {timeout:g}s; the server "
            f"keeps working on it: wait again, or later use cc.analytics.report({self.id!r})",
            report_id=self.id,
            status=status,
        )

    def _check_ready(self) -> None:
        self._raise_if_failed()
        if self.status == ReportStatus.IN_PROGRESS:
            raise InvalidArgumentError(
                f"analytics report {self.id} is still IN_PROGRESS: `await job` (or "
                "`await job.wait()`) before reading its data"
            )

    async def links(self, **call: Unpack[CallOptions]) -> ReportLinks:
        """The report's links (`/{id}/links`): status always, data and download once DONE."""
        document = await self._transport.get_json(self._path("links"), **overrides(call))
        if not isinstance(document, list):
            raise DecodeError("the report links answer is not a JSON array")
        found = structure_many(document, ReportLink)
        by_relation = {link.relation: link.link for link in found}
        return ReportLinks(
            status=by_relation.get("status"),
            data=by_relation.get("data"),
            download=by_relation.get("download"),
            all=tuple(found),
        )

    def rows(
        self,
        *,
        page_size: int = 1000,
        prefetch: int | None = None,
        limit: int | None = None,
        **call: Unpack[CallOptions],
    ) -> PagePaginator[ReportRow]:
        """The JSON data rows in order (subtotal and grand-total rows marked), `page_size` per
        request, later pages fetched ahead. The server serves at most 10,000 rows this way:
        past that a `ReportRowCapWarning` says to use `download()`. A script-paths report
        has no JSON data (the server answers 400): InvalidArgumentError says to download it."""
        if self.report_type == SCRIPT_PATHS:
            raise InvalidArgumentError(
                f"a {SCRIPT_PATHS} report has no JSON rows (its /data answers 400): use "
                "`await job.download(path)` for its CSV file"
            )
        self._check_ready()
        reader, sent = RowReader(), overrides(call)

        async def fetch(page: int, size: int) -> NumberedPage[ReportRow]:
            return await self._fetch_rows(reader, page, size, sent)

        window = {} if prefetch is None else {"prefetch": prefetch}
        return PagePaginator(fetch, page_size=page_size, limit=limit, **window)

    async def _fetch_rows(
        self, reader: RowReader, page: int, size: int, sent: Mapping[str, Any]
    ) -> NumberedPage[ReportRow]:
        def parse(response: httpx.Response) -> tuple[NumberedPage[ReportRow], int | None]:
            rows = reader.page(response.content, page * size)
            has_next = "next" in response.links
            numbered = NumberedPage(rows, _header_int(response, "x-total-pages"), has_next)
            return numbered, _header_int(response, "x-total-elements")

        params = {"page": str(page), "size": str(size)}
        numbered, total = await self._transport.request(
            "GET", self._path("data"), parse, params=params, **sent
        )
        if page == 0 and total is not None and total > JSON_ROW_CAP:
            warnings.warn(
                f"analytics report {self.id} has {total:,} rows but its JSON data pages serve "
                f"only {JSON_ROW_CAP:,}; use `await job.download(path)` (CSV or XLSX) for all",
                ReportRowCapWarning,
                stacklevel=2,
            )
        return numbered

    async def download(
        self,
        path_or_dir: str | os.PathLike[str],
        *,
        format: ReportFormat = "csv",
        overwrite: bool = False,
        **call: Unpack[CallOptions],
    ) -> Path:
        """Stream the report file to disk and return its path.

        Given a directory, the file is named from the server's `Content-Disposition` (made
        safe; the report title), and an existing name gets a numbered alternative
        (`title (1).csv`) unless `overwrite`. Given a file path, that name is used, and an
        existing file raises `FileExistsError` unless `overwrite`. Nothing is left behind on
        failure; memory use does not grow with the file.
        """
        if format not in ACCEPT:
            raise InvalidArgumentError(f"format must be 'csv' or 'xlsx'; got {format!r}")
        if format != "csv" and self.report_type == SCRIPT_PATHS:
            raise InvalidArgumentError(f"a {SCRIPT_PATHS} report downloads as CSV only")
        target = Path(path_or_dir)
        is_dir = await anyio.Path(target).is_dir()
        directory, name = (target, None) if is_dir else (target.parent, target.name)
        if not await anyio.Path(directory).is_dir():
            raise InvalidArgumentError(
                f"{str(directory)!r} is not an existing directory; create it first"
            )
        if name is not None and not overwrite and await anyio.Path(target).exists():
            raise FileExistsError(f"{str(target)!r} exists; pass overwrite=True to replace it")
        self._check_ready()
        headers = {"Accept": ACCEPT[format], "Accept-Encoding": "identity"}
        path = self._path("download")
        async with self._transport.stream(path, headers=headers, **overrides(call)) as response:
            name = name or self._file_name(response, format)
            with Staging(directory) as staging:
                part, out = staging.new_part()
                async with anyio.wrap_file(out) as sink:
                    async for chunk in body_chunks(response, DOWNLOAD_CHUNK):
                        await sink.write(chunk)
                return staging.commit(part, name, overwrite=overwrite)

    def _file_name(self, response: httpx.Response, format: str) -> str:
        raw = disposition_filename(response.headers.get("content-disposition"))
        name = safe_filename(raw or "", f"report-{self.id}.{format}")
        return name if name.lower().endswith(f".{format}") else f"{name}.{format}"
