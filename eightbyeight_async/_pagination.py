"""Pagination: one windowed page engine, and the paginators the resources return.

The engine fetches pages by index, several at a time, but only while the caller is waiting
for the next page: no task runs while the caller holds a record. So breaking out of a loop or
cancelling the task can never leave a request running, without needing `aclose()` or an
`async with` around every loop. Pages are always delivered in order; once a page says it is
the last, requests for later pages are cancelled and anything they returned is discarded.
"""

from __future__ import annotations

import copy
import math
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Generic, TypeVar

import anyio
import attrs

from ._errors import InvalidArgumentError
from ._validate import is_count

T = TypeVar("T")
P = TypeVar("P")

OFFSET_PAGE_SIZE = 50
"""Records per page of the statistics and recordings APIs (the server's fixed size)."""

DEFAULT_PREFETCH = 16
"""Pages in flight at once, chosen by `benchmarks/stats_export.py`: with 50 ms of latency a
window of 16 (under the statistics limit of 16) exports ~7.8x faster than a sequential loop,
8 only ~5x, 24 no better; on loopback the window costs no client CPU."""


@attrs.frozen
class Page(Generic[P]):
    """One fetched page: its payload, how many records it holds, and whether it ends the list."""

    payload: P
    count: int
    last: bool
    total_pages: int | None = None


PageFetcher = Callable[[int], Awaitable[Page[P]]]
"""Fetch the page at a 0-based index."""


class PageStream(Generic[P]):
    """Async iterator of pages fetched in windows of `prefetch`, delivered in index order.

    The first window is `first_window` pages (by default one: a short listing costs one
    request); later windows hold `prefetch` pages. `max_pages` bounds the fetch (a `limit=`
    in pages).
    """

    def __init__(
        self,
        fetch: PageFetcher[P],
        *,
        prefetch: int,
        max_pages: int | None,
        first_window: int = 1,
    ) -> None:
        self._fetch = fetch
        self._prefetch = prefetch
        self._first_window = min(first_window, prefetch)
        self._next = 0
        self._end = max_pages if max_pages is not None else math.inf
        self._ready: dict[int, Page[P] | Exception] = {}

    def __aiter__(self) -> PageStream[P]:
        return self

    async def __anext__(self) -> Page[P]:
        if self._next >= self._end:
            raise StopAsyncIteration
        if self._next not in self._ready:
            await self._fetch_window(self._first_window if self._next == 0 else self._prefetch)
        outcome = self._ready.pop(self._next)
        if isinstance(outcome, Exception):
            self._end = self._next  # the listing cannot continue past a failed page
            raise outcome
        self._note_end(self._next, outcome)
        self._next += 1
        return outcome

    def _note_end(self, index: int, page: Page[P]) -> None:
        if page.last:
            self._end = min(self._end, index + 1)
        if page.total_pages is not None:
            self._end = min(self._end, page.total_pages)

    async def _fetch_window(self, size: int) -> None:
        indices = range(self._next, int(min(self._next + size, self._end)))
        scopes = {index: anyio.CancelScope() for index in indices}

        def cancel_from(first: float) -> None:
            for later, scope in scopes.items():
                if later >= first:
                    scope.cancel()

        async def fetch_one(index: int) -> None:
            with scopes[index]:
                try:
                    page = await self._fetch(index)
                except Exception as exc:  # delivered in order by __anext__, not as a group
                    self._ready[index] = exc
                    cancel_from(index + 1)
                    return
                self._ready[index] = page
                self._note_end(index, page)
                cancel_from(self._end)  # pages past a count or a last page just learned

        async with anyio.create_task_group() as tg:
            for index in indices:
                tg.start_soon(fetch_one, index)


def _check_window(prefetch: int, limit: int | None) -> None:
    """`prefetch` an int of at least 1, `limit` None or an int of at least 0 (not bool)."""
    if not is_count(prefetch, 1):
        raise InvalidArgumentError(
            f"prefetch must be an int of at least 1 (1 = sequential); got {prefetch!r}"
        )
    if limit is not None and not is_count(limit, 0):
        raise InvalidArgumentError(
            f"limit must be None or a non-negative int (a number of records); got {limit!r}"
        )


class OffsetPaginator(Generic[T]):
    """Records of an offset-paged listing (`n` = 1, 51, 101 …; a short page ends it).

    `async for record in paginator` yields records in order; `paginator.pages()` yields
    lists of records; `await paginator.first_page()` fetches one page; `limit=` stops after
    that many records; `prefetch=` sets the window (1 = strictly sequential).
    `single_page=True` is for an endpoint that takes no offset: its one answer is the whole
    listing, however long (paging it would fetch the same records again and again).
    """

    def __init__(
        self,
        fetch_records: Callable[[int], Awaitable[list[T]]],
        *,
        fetch_raw: Callable[[int], Awaitable[tuple[bytes, int]]] | None = None,
        page_size: int = OFFSET_PAGE_SIZE,
        prefetch: int = DEFAULT_PREFETCH,
        limit: int | None = None,
        single_page: bool = False,
    ) -> None:
        _check_window(prefetch, limit)
        self._fetch_records = fetch_records
        self._fetch_raw = fetch_raw
        self._single_page = single_page
        self.page_size = page_size
        self.prefetch = prefetch
        self.limit = limit
        self.skipped = 0

    def __repr__(self) -> str:
        return f"OffsetPaginator(prefetch={self.prefetch}, limit={self.limit})"

    def skip(self, count: int) -> OffsetPaginator[T]:
        """The same listing without its first `count` records (the server starts at `n` =
        `count` + 1): how an interrupted export resumes. `limit` counts after the skip."""
        if isinstance(count, bool) or not isinstance(count, int) or count < 0:
            raise InvalidArgumentError(
                f"skip takes a non-negative number of records; got {count!r}"
            )
        if self._single_page:
            raise InvalidArgumentError(
                "this endpoint takes no offset, so its listing cannot start later: "
                "read it whole and skip records yourself"
            )
        skipped = copy.copy(self)
        skipped.skipped = self.skipped + count
        return skipped

    def _offset(self, index: int) -> int:
        return 1 + self.skipped + index * self.page_size

    def _max_pages(self) -> int | None:
        if self._single_page:
            return 1
        return None if self.limit is None else math.ceil(self.limit / self.page_size)

    def _stream(self, fetch: Callable[[int], Awaitable[tuple[P, int]]]) -> PageStream[P]:
        async def page(index: int) -> Page[P]:
            payload, count = await fetch(self._offset(index))
            return Page(payload, count, last=self._single_page or count < self.page_size)

        return PageStream(page, prefetch=self.prefetch, max_pages=self._max_pages())

    async def _records_page(self, offset: int) -> tuple[list[T], int]:
        records = await self._fetch_records(offset)
        return records, len(records)

    def pages(self) -> AsyncIterator[list[T]]:
        """The listing page by page (each a list of up to `page_size` records), cut at `limit`."""
        return _LimitedPages(self._stream(self._records_page), self.limit)

    def __aiter__(self) -> AsyncIterator[T]:
        return _Flattened(self.pages())

    async def first_page(self) -> list[T]:
        """The first page only (one request)."""
        records = await self._fetch_records(self._offset(0))
        return records if self.limit is None else records[: self.limit]

    def csv_pages(self) -> AsyncIterator[bytes]:
        """The same listing as the server's CSV, each page's body unchanged (header included)."""
        if self._fetch_raw is None:
            raise InvalidArgumentError("this listing has no CSV form")
        fetch_raw = self._fetch_raw
        return _Payloads(self._stream(fetch_raw))


class _LimitedPages(Generic[T]):
    """Record pages from a stream, the last one cut so at most `limit` records come out."""

    def __init__(self, stream: PageStream[list[T]], limit: int | None) -> None:
        self._stream = stream
        self._left = math.inf if limit is None else limit

    def __aiter__(self) -> _LimitedPages[T]:
        return self

    async def __anext__(self) -> list[T]:
        if self._left <= 0:
            raise StopAsyncIteration
        records = (await self._stream.__anext__()).payload
        if len(records) > self._left:
            records = records[: int(self._left)]
        self._left -= len(records)
        return records


class _Payloads(Generic[P]):
    """The payloads of a page stream."""

    def __init__(self, stream: PageStream[P]) -> None:
        self._stream = stream

    def __aiter__(self) -> _Payloads[P]:
        return self

    async def __anext__(self) -> P:
        return (await self._stream.__anext__()).payload


class _Flattened(Generic[T]):
    """Records one by one from an iterator of record pages."""

    def __init__(self, pages: AsyncIterator[list[T]]) -> None:
        self._pages = pages
        self._current: list[T] = []
        self._position = 0

    def __aiter__(self) -> _Flattened[T]:
        return self

    async def __anext__(self) -> T:
        while self._position >= len(self._current):
            self._current = await self._pages.__anext__()
            self._position = 0
        record = self._current[self._position]
        self._position += 1
        return record


MAX_NUMBERED_PAGE_SIZE = 1000
"""Largest `size` of a page-numbered listing (the analytics data pages' documented maximum)."""


@attrs.frozen
class NumberedPage(Generic[T]):
    """One page of a page-numbered listing: its records, the server's page count
    (`X-Total-Pages`) and whether it announced a next page (`Link: <…>; rel="next"`)."""

    records: list[T]
    total_pages: int | None
    has_next: bool


class PagePaginator(Generic[T]):
    """Records of a page-numbered listing (`page` from 0, `size` up to 1000).

    The first window asks for `prefetch` pages at once, before the first page tells the
    count: a report is read once it is finished and usually spans several pages, and one
    window instead of "page 0, then the rest" saves a round trip: at 50 ms, `job.rows()`
    reads a 10-page report 2.9-3.5x faster than a sequential loop, CPU-bound past that
    (benchmarks/analytics_rows.py; 2.4-2.7x with "page 0 first", measured the same day).
    The price: for a one-page report, requests for pages that turn out not to exist are
    cancelled (or their empty answers discarded). Later windows hold `prefetch` pages;
    records stay in order. A page without a `next` link, an empty page or the last counted
    page ends it. `limit=` stops after that many records.
    """

    def __init__(
        self,
        fetch_page: Callable[[int, int], Awaitable[NumberedPage[T]]],
        *,
        page_size: int = MAX_NUMBERED_PAGE_SIZE,
        prefetch: int = DEFAULT_PREFETCH,
        limit: int | None = None,
    ) -> None:
        _check_window(prefetch, limit)
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise InvalidArgumentError(f"page_size must be an int; got {page_size!r}")
        if not 1 <= page_size <= MAX_NUMBERED_PAGE_SIZE:
            raise InvalidArgumentError(
                f"page_size must be between 1 and {MAX_NUMBERED_PAGE_SIZE}; got {page_size}"
            )
        self._fetch_page = fetch_page
        self.page_size = page_size
        self.prefetch = prefetch
        self.limit = limit

    def __repr__(self) -> str:
        return (
            f"PagePaginator(page_size={self.page_size}, prefetch={self.prefetch}, "
            f"limit={self.limit})"
        )

    async def _page(self, index: int) -> Page[list[T]]:
        page = await self._fetch_page(index, self.page_size)
        count = len(page.records)
        last = count == 0 or not page.has_next
        return Page(page.records, count, last=last, total_pages=page.total_pages)

    def pages(self) -> AsyncIterator[list[T]]:
        """The listing page by page, cut at `limit`."""
        max_pages = None if self.limit is None else math.ceil(self.limit / self.page_size)
        stream = PageStream(
            self._page,
            prefetch=self.prefetch,
            max_pages=max_pages,
            first_window=self.prefetch,
        )
        return _LimitedPages(stream, self.limit)

    def __aiter__(self) -> AsyncIterator[T]:
        return _Flattened(self.pages())

    async def first_page(self) -> list[T]:
        """The first page only (one request)."""
        records = (await self._fetch_page(0, self.page_size)).records
        return records if self.limit is None else records[: self.limit]


@attrs.frozen
class HitsPage(Generic[T]):
    """One page of a `hits`-counted listing: its records and the total number of matches."""

    records: list[T]
    hits: int | None


class RowsPaginator(Generic[T]):
    """Records of a `page`/`rows` listing (Recent Calls: `page` from 1, up to 5000 rows).

    The first page tells `hits`, which bounds the rest: later pages are fetched ahead in
    windows of `prefetch`, records in order. An empty or short page, or reaching `hits`,
    ends it. `limit=` stops after that many records.
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
        _check_window(prefetch, limit)
        if isinstance(page_size, bool) or not isinstance(page_size, int):
            raise InvalidArgumentError(f"page_size must be an int; got {page_size!r}")
        if not 1 <= page_size <= max_page_size:
            raise InvalidArgumentError(
                f"page_size must be between 1 and {max_page_size}; got {page_size}"
            )
        self._fetch_page = fetch_page
        self.page_size = page_size
        self.prefetch = prefetch
        self.limit = limit

    def __repr__(self) -> str:
        return (
            f"RowsPaginator(page_size={self.page_size}, prefetch={self.prefetch}, "
            f"limit={self.limit})"
        )

    async def _page(self, index: int) -> Page[list[T]]:
        page = await self._fetch_page(index + 1, self.page_size)
        count = len(page.records)
        total = None if page.hits is None else math.ceil(page.hits / self.page_size)
        last = count < self.page_size or (total is not None and index + 1 >= total)
        return Page(page.records, count, last=last, total_pages=total)

    def pages(self) -> AsyncIterator[list[T]]:
        """The listing page by page, cut at `limit`."""
        max_pages = None if self.limit is None else math.ceil(self.limit / self.page_size)
        stream = PageStream(self._page, prefetch=self.prefetch, max_pages=max_pages)
        return _LimitedPages(stream, self.limit)

    def __aiter__(self) -> AsyncIterator[T]:
        return _Flattened(self.pages())

    async def first_page(self) -> list[T]:
        """The first page only (one request)."""
        records = (await self._fetch_page(1, self.page_size)).records
        return records if self.limit is None else records[: self.limit]
