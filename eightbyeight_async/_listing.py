"""Reading an offset-paged family's endpoints: a listing as an `OffsetPaginator` (typed
pages, and the same pages as CSV) and a lookup by id that says "not found" the same way.

Shared by every family whose listings take the `n` offset of 50-record pages (statistics,
recordings): the resource checks its arguments and names the endpoint; this does the rest.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import httpx
from typing_extensions import Unpack

from ._constants import DEFAULT_PREFETCH
from ._endpoints import CallOptions, Endpoint
from ._errors import DecodeError, InvalidArgumentError, NotFoundError, documented_statuses
from ._formats import decode_csv
from ._http import HttpPipeline, RequestOptions
from ._pagination import DeferredRecords
from ._paginators import OffsetPaginator

T = TypeVar("T")


def offset_listing(
    pipeline: HttpPipeline,
    endpoint: Endpoint[T],
    *,
    segments: Mapping[str, object] | None = None,
    params: Mapping[str, str] | None = None,
    format: str = "json",
    limit: int | None = None,
    prefetch: int | None = None,
    **call: Unpack[CallOptions],
) -> OffsetPaginator[T]:
    """The records of `endpoint`, page `n` = 1, 51, 101 … (one request if it is unpaged)."""
    if format == "csv":
        raise InvalidArgumentError(
            "format must be 'json' or 'xml'; for the server's CSV use .csv_pages()"
        )
    fmt = endpoint.check_format(format)
    paged = endpoint.offset_paged

    def request(page_format: str, offset: int) -> RequestOptions:
        page = {**(params or {}), "n": str(offset)} if paged else params
        return endpoint.request(page_format, segments=segments, params=page, **call)

    request(fmt, 1)  # a bad id, timeout= or retry= fails here, not at the first page

    async def records(offset: int) -> DeferredRecords[T]:
        return await endpoint.page(pipeline, request(fmt, offset), fmt)

    async def csv(offset: int) -> tuple[bytes, int]:
        def counted(response: httpx.Response) -> tuple[bytes, int]:
            return response.content, len(decode_csv(response.content))

        return await pipeline.request_parsed(request("csv", offset), counted)

    return OffsetPaginator(
        records,
        fetch_raw=csv,
        limit=limit,
        single_page=not paged,
        prefetch=DEFAULT_PREFETCH if prefetch is None else prefetch,
    )


async def lookup(
    pipeline: HttpPipeline,
    endpoint: Endpoint[T],
    segments: Mapping[str, object],
    missing: str,
    *,
    format: str = "json",
    **call: Unpack[CallOptions],
) -> T:
    """The one record a lookup by id answers. `NotFoundError(missing)` when there is none,
    whether the server answers 404 or an empty collection."""
    fmt = endpoint.check_format(format)
    params = {"n": "1"} if endpoint.offset_paged else None
    options = endpoint.request(fmt, segments=segments, params=params, **call)
    with documented_statuses(not_found=missing):
        found = await endpoint.records(pipeline, options, fmt)
    if len(found) > 1:
        raise DecodeError(
            f"expected one {endpoint.model.__name__} record, got {len(found)}",
            method=options.method,
            url=options.path,
        )
    if not found:
        raise NotFoundError(missing, status_code=404, method="GET", url=options.path)
    return found[0]
