"""The page strategies: where page `i` of a listing is and what its answer says about the end.

Offset paging (`n` = 1, 51, 101 …), page numbers from 0 with `X-Total-Pages`/`Link`, page
numbers from 1 bounded by `hits`, and a cursor (`Last-Document-Id`) that makes pages strictly
sequential. Each is a `Paginator` with the same methods; only the strategy differs.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

import attrs
from typing_extensions import Self

from ._constants import DEFAULT_PREFETCH, MAX_NUMBERED_PAGE_SIZE, OFFSET_PAGE_SIZE
from ._errors import InvalidArgumentError
from ._pagination import Page, PageStream, Paginator, Records
from ._validate import is_count

T = TypeVar("T")
P = TypeVar("P")


def _check_page_size(page_size: int, largest: int) -> None:
    if not is_count(page_size, 1) or page_size > largest:
        raise InvalidArgumentError(
            f"page_size must be an int between 1 and {largest}; got {page_size!r}"
        )


class OffsetPaginator(Paginator[T]):
    """An offset-paged listing (`n` = 1, 51, 101 …; a short page ends it).

    `single_page=True` is for an endpoint that takes no offset: its one answer is the whole
    listing, however long (paging it would fetch the same records again and again).
    """

    def __init__(
        self,
        fetch_records: Callable[[int], Awaitable[Records[T]]],
        *,
        fetch_raw: Callable[[int], Awaitable[tuple[bytes, int]]] | None = None,
        page_size: int = OFFSET_PAGE_SIZE,
        prefetch: int = DEFAULT_PREFETCH,
        limit: int | None = None,
        single_page: bool = False,
    ) -> None:
        super().__init__(page_size=page_size, prefetch=prefetch, limit=limit)
        self._fetch_records = fetch_records
        self._fetch_raw = fetch_raw
        self._single_page = single_page

    def skip(self, count: int) -> Self:
        if self._single_page:
            raise InvalidArgumentError(
                "this endpoint takes no offset, so its listing cannot start later: "
                "read it whole and skip records yourself"
            )
        return super().skip(count)

    def _start(self) -> tuple[int, int]:
        return 0, 0  # the server starts at any record: `n` = skipped + 1

    def _max_pages(self) -> int | None:
        return 1 if self._single_page else super()._max_pages()

    def _offset(self, index: int) -> int:
        return 1 + self.skipped + index * self.page_size

    def _page(self, payload: P, count: int) -> Page[P]:
        return Page(payload, count, last=self._single_page or count < self.page_size)

    async def _fetch(self, index: int) -> Page[Records[T]]:
        records = await self._fetch_records(self._offset(index))
        return self._page(records, len(records))

    def _csv_stream(self) -> PageStream[bytes]:
        fetch_raw = self._fetch_raw
        if fetch_raw is None:
            return super()._csv_stream()

        async def page(index: int) -> Page[bytes]:
            return self._page(*await fetch_raw(self._offset(index)))

        return PageStream(page, prefetch=self.prefetch, max_pages=self._max_pages())


@attrs.frozen
class NumberedPage(Generic[T]):
    """One page of a page-numbered listing: its records, the server's page count
    (`X-Total-Pages`) and whether it announced a next page (`Link: <…>; rel="next"`)."""

    records: Records[T]
    total_pages: int | None
    has_next: bool


class PagePaginator(Paginator[T]):
    """A page-numbered listing (`page` from 0, `size` up to 1000).

    The first window asks for `prefetch` pages at once, before the first page tells the
    count: a report is read once it is finished and usually spans several pages, and one
    window instead of "page 0, then the rest" saves a round trip: at 50 ms, `job.rows()`
    reads a 10-page report 2.9-3.5x faster than a sequential loop, CPU-bound past that
    (benchmarks/analytics_rows.py; 2.4-2.7x with "page 0 first", measured the same day).
    The price: for a one-page report, requests for pages that turn out not to exist are
    cancelled (or their empty answers discarded). A page without a `next` link, an empty
    page or the last counted page ends it.
    """

    _fetch_ahead = True

    def __init__(
        self,
        fetch_page: Callable[[int, int], Awaitable[NumberedPage[T]]],
        *,
        page_size: int = MAX_NUMBERED_PAGE_SIZE,
        prefetch: int = DEFAULT_PREFETCH,
        limit: int | None = None,
    ) -> None:
        _check_page_size(page_size, MAX_NUMBERED_PAGE_SIZE)
        super().__init__(page_size=page_size, prefetch=prefetch, limit=limit)
        self._fetch_page = fetch_page

    async def _fetch(self, index: int) -> Page[Records[T]]:
        page = await self._fetch_page(index, self.page_size)
        count = len(page.records)
        last = count == 0 or not page.has_next
        return Page(page.records, count, last=last, total_pages=page.total_pages)


@attrs.frozen
class HitsPage(Generic[T]):
    """One page of a `hits`-counted listing: its records and the total number of matches."""

    records: list[T]
    hits: int | None


class RowsPaginator(Paginator[T]):
    """A `page`/`rows` listing (Recent Calls: `page` from 1, up to 5000 rows).

    The first page tells `hits`, which bounds the rest. An empty or short page, or reaching
    `hits`, ends it.
    """

    def __init__(
        self,
        fetch_page: Callable[[int, int], Awaitable[HitsPage[T]]],
        *,
        page_size: int,
        max_page_size: int,
        prefetch: int = DEFAULT_PREFETCH,
        limit: int | None = None,
    ) -> None:
        _check_page_size(page_size, max_page_size)
        super().__init__(page_size=page_size, prefetch=prefetch, limit=limit)
        self._fetch_page = fetch_page

    async def _fetch(self, index: int) -> Page[Records[T]]:
        page = await self._fetch_page(index + 1, self.page_size)
        count = len(page.records)
        total = None if page.hits is None else math.ceil(page.hits / self.page_size)
        last = count < self.page_size or (total is not None and index + 1 >= total)
        return Page(page.records, count, last=last, total_pages=total)


@attrs.frozen
class CursorPage(Generic[T]):
    """One page of a cursor-paged listing: its records and the cursor of the next page
    (`Last-Document-Id`), None on the last page."""

    records: list[T]
    next_cursor: str | None


class CursorPaginator(Paginator[T]):
    """A cursor-paged listing: each page names where the next one starts, so pages are
    strictly sequential (`prefetch` is 1) and a skip reads and drops the skipped records."""

    def __init__(
        self,
        fetch_page: Callable[[str | None, int], Awaitable[CursorPage[T]]],
        *,
        page_size: int,
        max_page_size: int,
        limit: int | None = None,
    ) -> None:
        _check_page_size(page_size, max_page_size)
        super().__init__(page_size=page_size, prefetch=1, limit=limit)
        self._fetch_page = fetch_page

    def _start(self) -> tuple[int, int]:
        return 0, self.skipped  # a cursor cannot be computed: the skipped pages are read

    def _stream(self) -> PageStream[Records[T]]:
        cursor: list[str | None] = [None]

        async def page(index: int) -> Page[Records[T]]:
            answer = await self._fetch_page(cursor[0], self.page_size)
            cursor[0] = answer.next_cursor
            last = answer.next_cursor is None or not answer.records
            return Page(answer.records, len(answer.records), last=last)

        return PageStream(page, prefetch=1, max_pages=self._max_pages())

    async def first_page(self) -> list[T]:
        async for records in self.pages():
            return records
        return []
