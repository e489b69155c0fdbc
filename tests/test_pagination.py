"""The paginators' engine with a fake page source: order, windows, limits, the end of
the listing, errors, and what happens on break and cancellation."""

from __future__ import annotations

import anyio
import pytest

from eightbyeight_async import InvalidArgumentError, NotFoundError, OffsetPaginator, PagePaginator
from eightbyeight_async._paginators import NumberedPage

pytestmark = pytest.mark.anyio


class FakeListing:
    """`total` numbered records served 50 per offset page; records every request it sees."""

    def __init__(
        self,
        total: int,
        *,
        delay: float = 0.0,
        fail_at: int | None = None,
        block_from: int | None = None,
    ) -> None:
        self.total = total
        self.block_from = block_from
        self.delay = delay
        self.fail_at = fail_at
        self.requested: list[int] = []
        self.finished: list[int] = []
        self.cancelled: list[int] = []
        self.in_flight = 0
        self.peak = 0

    async def fetch(self, offset: int) -> list[int]:
        self.requested.append(offset)
        self.in_flight += 1
        self.peak = max(self.peak, self.in_flight)
        try:
            # Later pages answer first, so order must come from the engine, not from timing.
            await anyio.sleep(self.delay / (1 + offset // 50))
            if self.block_from is not None and offset >= self.block_from:
                await anyio.sleep_forever()
            if offset == self.fail_at:
                raise NotFoundError("gone", status_code=404, method="GET", url="/x")
            self.finished.append(offset)
            return list(range(offset, min(offset + 50, self.total + 1)))
        except anyio.get_cancelled_exc_class():
            self.cancelled.append(offset)
            raise
        finally:
            self.in_flight -= 1

    def paginator(self, **options: int | None) -> OffsetPaginator[int]:
        return OffsetPaginator(self.fetch, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize("total", [0, 1, 49, 50, 51, 100, 449, 1000])
@pytest.mark.parametrize("prefetch", [1, 3, 8])
async def test_records_arrive_in_order_exactly_once(total: int, prefetch: int) -> None:
    listing = FakeListing(total, delay=0.002)
    records = [r async for r in listing.paginator(prefetch=prefetch)]
    assert records == list(range(1, total + 1))


async def test_prefetch_one_is_strictly_sequential() -> None:
    listing = FakeListing(400, delay=0.001)
    assert len([r async for r in listing.paginator(prefetch=1)]) == 400
    assert listing.peak == 1
    assert listing.requested == list(range(1, 402, 50))


async def test_window_bounds_requests_in_flight() -> None:
    listing = FakeListing(2000, delay=0.002)
    assert len([r async for r in listing.paginator(prefetch=4)]) == 2000
    assert listing.peak == 4


async def test_a_short_first_page_costs_one_request() -> None:
    listing = FakeListing(12)
    assert len([r async for r in listing.paginator(prefetch=8)]) == 12
    assert listing.requested == [1]


async def test_pages_past_the_end_are_cancelled_or_discarded() -> None:
    listing = FakeListing(120, delay=0.01)  # page 3 (offset 101) is short
    pages = [page async for page in listing.paginator(prefetch=8).pages()]
    assert [len(p) for p in pages] == [50, 50, 20]
    past_end = [o for o in listing.requested if o > 101]
    assert past_end, "the window should have speculated past the end"
    assert all(o in listing.cancelled or o in listing.finished for o in past_end)


@pytest.mark.parametrize(("limit", "requests"), [(0, 0), (10, 1), (50, 1), (51, 2), (120, 3)])
async def test_limit_stops_records_and_requests(limit: int, requests: int) -> None:
    listing = FakeListing(1000)
    records = [r async for r in listing.paginator(limit=limit)]
    assert records == list(range(1, limit + 1))
    assert len(listing.requested) == requests


async def test_first_page_is_one_request() -> None:
    listing = FakeListing(1000)
    assert await listing.paginator().first_page() == list(range(1, 51))
    assert await listing.paginator(limit=5).first_page() == [1, 2, 3, 4, 5]
    assert listing.requested == [1, 1]


async def test_break_leaves_no_request_running() -> None:
    listing = FakeListing(5000, delay=0.005)
    async for record in listing.paginator(prefetch=8):
        if record == 75:
            break
    assert listing.in_flight == 0
    assert len(listing.requested) == len(listing.finished) + len(listing.cancelled)


async def test_cancelling_the_consumer_cancels_its_requests() -> None:
    listing = FakeListing(5000, block_from=51)  # the second window never answers
    seen: list[int] = []
    consumer = anyio.CancelScope()

    async def consume() -> None:
        with consumer:
            async for record in listing.paginator(prefetch=8):
                seen.append(record)

    async def cancel_once_the_window_is_in_flight() -> None:
        for _ in range(1000):  # bounded wait for the 8 blocked requests
            if listing.in_flight == 8:
                break
            await anyio.sleep(0.001)
        consumer.cancel()

    async with anyio.create_task_group() as tg:
        tg.start_soon(consume)
        tg.start_soon(cancel_once_the_window_is_in_flight)
    assert seen == list(range(1, 51))
    assert listing.in_flight == 0
    assert sorted(listing.cancelled) == list(range(51, 402, 50))


async def test_an_error_comes_after_the_pages_before_it() -> None:
    listing = FakeListing(1000, delay=0.002, fail_at=151)
    seen: list[int] = []

    async def collect() -> None:
        async for record in listing.paginator(prefetch=8):
            seen.append(record)

    with pytest.raises(NotFoundError):
        await collect()
    assert seen == list(range(1, 151))
    assert listing.in_flight == 0


async def test_each_iteration_starts_over() -> None:
    paginator = FakeListing(70).paginator()
    assert [r async for r in paginator] == [r async for r in paginator]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"prefetch": 0}, "prefetch"),
        ({"limit": -1}, "limit"),
        ({"prefetch": "2"}, "prefetch"),
        ({"prefetch": True}, "prefetch"),
        ({"prefetch": 2.0}, "prefetch"),
        ({"limit": "5"}, "limit"),
        ({"limit": False}, "limit"),
        ({"limit": 1.5}, "limit"),
    ],
)
def test_bad_window_options_are_refused(options: dict[str, object], message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        FakeListing(1).paginator(**options)  # type: ignore[arg-type]

    async def no_pages(page: int, size: int) -> NumberedPage[int]:
        raise AssertionError("refused before any request")

    with pytest.raises(InvalidArgumentError, match=message):
        PagePaginator(no_pages, **options)  # type: ignore[arg-type]


async def test_csv_needs_a_raw_source() -> None:
    with pytest.raises(InvalidArgumentError, match="CSV"):
        FakeListing(1).paginator().csv_pages()


async def test_skip_starts_the_listing_after_the_skipped_records() -> None:
    records = list(range(1, 131))

    async def fetch(offset: int) -> list[int]:
        return records[offset - 1 : offset - 1 + 50]

    paginator = OffsetPaginator(fetch, prefetch=3)
    assert [r async for r in paginator.skip(50)] == records[50:]
    assert [r async for r in paginator.skip(7).skip(3)] == records[10:]
    assert [r async for r in OffsetPaginator(fetch, limit=5).skip(120)] == records[120:125]
    assert [r async for r in paginator.skip(130)] == []
    with pytest.raises(InvalidArgumentError, match="non-negative"):
        paginator.skip(-1)


async def test_pages_past_a_count_are_cancelled_as_soon_as_it_is_known() -> None:
    """The first window of a page-numbered listing speculates; page 0's `X-Total-Pages` of 2
    cancels the requests for pages 2-7 there and then, not when the last page answers (here
    page 1 answers only after they are cancelled, so waiting for it would hang)."""
    cancelled: set[int] = set()
    speculative_cancelled = anyio.Event()

    async def fetch(page: int, size: int) -> NumberedPage[int]:
        if page == 0:
            return NumberedPage([0], total_pages=2, has_next=True)
        if page == 1:
            await speculative_cancelled.wait()
            return NumberedPage([1], total_pages=2, has_next=False)
        try:
            await anyio.sleep_forever()
        finally:
            cancelled.add(page)
            if cancelled == set(range(2, 8)):
                speculative_cancelled.set()
        raise AssertionError("unreachable")

    with anyio.fail_after(30):  # a hang guard, not a timing assertion
        records = [r async for r in PagePaginator(fetch, page_size=1, prefetch=8)]
    assert records == [0, 1]
    assert cancelled == set(range(2, 8))
