"""Pagination: one windowed page engine, one `Paginator` base, and small page strategies.

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
from typing import Generic, TypeVar, Union

import anyio
import attrs
from typing_extensions import Self

from ._errors import InvalidArgumentError
from ._validate import is_count

T = TypeVar("T")
P = TypeVar("P")


@attrs.frozen
class Page(Generic[P]):
    """One fetched page: its payload, how many records it holds, and whether it ends the list."""

    payload: P
    count: int
    last: bool
    total_pages: int | None = None


class DeferredRecords(Generic[T]):
    """A page's records built when the reader reaches the page, not when it arrives.

    Pages waiting in the prefetch window then hold compact decoded data rather than
    thousands of record objects: whatever is alive at a collection is aged towards the
    collector's oldest generation, and every collection of that one visits the whole heap
    (reading a 10-page report on a heap of ~85k objects cost one ~40 ms collection every
    other read when its rows were built on arrival). An error building them (a record that
    does not structure) is raised where the reader reaches the page, in order, as before.
    """

    __slots__ = ("_build", "_count")

    def __init__(self, count: int, build: Callable[[], list[T]]) -> None:
        self._count = count
        self._build = build

    def __len__(self) -> int:
        return self._count

    def build(self) -> list[T]:
        """The records (built anew on each call)."""
        return self._build()


Records = Union[list[T], DeferredRecords[T]]  # noqa: UP007 - a runtime alias
"""What a page of records carries: the records, or how to build them."""


def built(records: Records[T]) -> list[T]:
    """The records of a page, built if they were deferred."""
    return records.build() if isinstance(records, DeferredRecords) else records


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


class Paginator(Generic[T]):
    """Records of a paged listing, fetched `prefetch` pages at a time and delivered in order.

    `async for record in paginator` yields records; `paginator.pages()` yields lists of
    records; `await paginator.first_page()` fetches one page; `paginator.skip(n)` is the same
    listing without its first `n` records (how an interrupted export resumes); `limit=` stops
    after that many records; `prefetch=` sets the window (1 = strictly sequential). Each
    strategy (a subclass) says only where page `i` is and what its answer says about the end.
    """

    _fetch_ahead = False
    """True: the first window holds `prefetch` pages (a listing known to span several)."""

    def __init__(self, *, page_size: int, prefetch: int, limit: int | None) -> None:
        _check_window(prefetch, limit)
        self.page_size = page_size
        self.prefetch = prefetch
        self.limit = limit
        self.skipped = 0

    def __repr__(self) -> str:
        skipped = f", skipped={self.skipped}" if self.skipped else ""
        return (
            f"{type(self).__name__}(page_size={self.page_size}, prefetch={self.prefetch}, "
            f"limit={self.limit}{skipped})"
        )

    # --- the strategy ------------------------------------------------------------------

    async def _fetch(self, index: int) -> Page[Records[T]]:
        """Page `index` (0-based, counted from the first page read) and what it says."""
        raise NotImplementedError

    def _start(self) -> tuple[int, int]:
        """The first page to read and how many of its records the skip drops."""
        return divmod(self.skipped, self.page_size)

    def _csv_stream(self) -> PageStream[bytes]:
        raise InvalidArgumentError("this listing has no CSV form")

    # --- the engine --------------------------------------------------------------------

    def skip(self, count: int) -> Self:
        """The same listing without its first `count` records; `limit` counts after it."""
        if not is_count(count, 0):
            raise InvalidArgumentError(
                f"skip takes a non-negative number of records; got {count!r}"
            )
        skipped = copy.copy(self)
        skipped.skipped = self.skipped + count
        return skipped

    def _max_pages(self) -> int | None:
        if self.limit is None:
            return None
        return math.ceil((self.limit + self._start()[1]) / self.page_size)

    def _stream(self) -> PageStream[Records[T]]:
        first, _ = self._start()

        async def page(index: int) -> Page[Records[T]]:
            return await self._fetch(first + index)

        window = self.prefetch if self._fetch_ahead else 1
        return PageStream(
            page, prefetch=self.prefetch, max_pages=self._max_pages(), first_window=window
        )

    def pages(self) -> AsyncIterator[list[T]]:
        """The listing page by page (each a list of up to `page_size` records), cut at `limit`."""
        return _LimitedPages(self._stream(), self.limit, drop=self._start()[1])

    def __aiter__(self) -> AsyncIterator[T]:
        return _Flattened(self.pages())

    async def first_page(self) -> list[T]:
        """The first page only (one request), after any skip and cut at `limit`."""
        first, drop = self._start()
        records = built((await self._fetch(first)).payload)[drop:]
        return records if self.limit is None else records[: self.limit]

    def csv_pages(self) -> AsyncIterator[bytes]:
        """The same listing as the server's CSV, each page's body unchanged (header included)."""
        return _Payloads(self._csv_stream())


class _LimitedPages(Generic[T]):
    """Record pages from a stream: the first `drop` records left out (a skip inside a page)
    and the last page cut so at most `limit` records come out."""

    def __init__(self, stream: PageStream[Records[T]], limit: int | None, *, drop: int = 0) -> None:
        self._stream = stream
        self._left = math.inf if limit is None else limit
        self._drop = drop

    def __aiter__(self) -> _LimitedPages[T]:
        return self

    async def __anext__(self) -> list[T]:
        while self._left > 0:
            records = built((await self._stream.__anext__()).payload)
            if self._drop:
                dropped = min(self._drop, len(records))
                records, self._drop = records[dropped:], self._drop - dropped
                if not records:
                    continue
            if len(records) > self._left:
                records = records[: int(self._left)]
            self._left -= len(records)
            return records
        raise StopAsyncIteration


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
