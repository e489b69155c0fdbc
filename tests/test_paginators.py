"""The page strategies over fake sources: every paginator has the same methods, skips land on
the right record whatever the paging kind, and cursor pages are strictly sequential."""

from __future__ import annotations

import math

import pytest

from eightbyeight_async import (
    CursorPaginator,
    InvalidArgumentError,
    OffsetPaginator,
    PagePaginator,
    Paginator,
    RowsPaginator,
)
from eightbyeight_async._paginators import CursorPage, HitsPage, NumberedPage

pytestmark = pytest.mark.anyio

TOTAL = 23
RECORDS = [f"r{i:02d}" for i in range(TOTAL)]  # hand-written ground truth: r00 … r22


class Source:
    """The same 23 records behind every paging kind; logs what each request asked for."""

    def __init__(self) -> None:
        self.asked: list[object] = []

    async def offset(self, n: int) -> list[str]:
        self.asked.append(n)
        return RECORDS[n - 1 : n - 1 + 5]

    async def numbered(self, page: int, size: int) -> NumberedPage[str]:
        self.asked.append(page)
        records = RECORDS[page * size : (page + 1) * size]
        total = math.ceil(TOTAL / size)
        return NumberedPage(records, total_pages=total, has_next=page + 1 < total)

    async def rows(self, page: int, size: int) -> HitsPage[str]:
        self.asked.append(page)
        return HitsPage(RECORDS[(page - 1) * size : page * size], hits=TOTAL)

    async def cursor(self, after: str | None, size: int) -> CursorPage[str]:
        self.asked.append(after)
        start = 0 if after is None else RECORDS.index(after) + 1
        records = RECORDS[start : start + size]
        last = start + size >= TOTAL
        return CursorPage(records, next_cursor=None if last else records[-1])


def paginators(source: Source, limit: int | None = None) -> dict[str, Paginator[str]]:
    return {
        "offset": OffsetPaginator(source.offset, page_size=5, prefetch=3, limit=limit),
        "numbered": PagePaginator(source.numbered, page_size=5, prefetch=3, limit=limit),
        "rows": RowsPaginator(source.rows, page_size=5, max_page_size=10, prefetch=3, limit=limit),
        "cursor": CursorPaginator(source.cursor, page_size=5, max_page_size=10, limit=limit),
    }


KINDS = ["offset", "numbered", "rows", "cursor"]


@pytest.mark.parametrize("kind", KINDS)
async def test_every_kind_reads_the_whole_listing_in_order(kind: str) -> None:
    paginator = paginators(Source())[kind]
    assert [r async for r in paginator] == RECORDS
    assert [len(page) async for page in paginator.pages()] == [5, 5, 5, 5, 3]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize(("skip", "limit"), [(0, 4), (3, 4), (5, 10), (7, 100), (22, 5), (30, 2)])
async def test_skip_and_limit_land_on_the_same_records_for_every_kind(
    kind: str, skip: int, limit: int
) -> None:
    paginator = paginators(Source(), limit=limit)[kind].skip(skip)
    assert [r async for r in paginator] == RECORDS[skip : skip + limit]
    # An offset page starts at the first unskipped record; a numbered or cursor page holds
    # the skipped record's page-mates, which are dropped.
    in_first_page = 5 if kind == "offset" else 5 - skip % 5
    assert await paginator.first_page() == RECORDS[skip : skip + limit][:in_first_page]


@pytest.mark.parametrize("kind", ["numbered", "rows"])
async def test_a_numbered_skip_starts_at_the_page_that_holds_the_record(kind: str) -> None:
    source = Source()
    paginator = paginators(source)[kind].skip(12)
    assert [r async for r in paginator] == RECORDS[12:]
    first_asked = 2 if kind == "numbered" else 3  # page 2 from 0, page 3 from 1
    assert min(p for p in source.asked if isinstance(p, int)) == first_asked


async def test_cursor_pages_follow_the_previous_answer_one_at_a_time() -> None:
    source = Source()
    assert [r async for r in paginators(source)["cursor"]] == RECORDS
    assert source.asked == [None, "r04", "r09", "r14", "r19"]


async def test_only_offset_listings_have_a_csv_form() -> None:
    for kind, paginator in paginators(Source()).items():
        if kind != "offset":
            with pytest.raises(InvalidArgumentError, match="no CSV form"):
                paginator.csv_pages()


@pytest.mark.parametrize("kind", KINDS)
def test_every_paginator_has_the_same_methods_and_a_repr(kind: str) -> None:
    paginator = paginators(Source(), limit=7)[kind]
    for method in ("skip", "pages", "first_page", "csv_pages", "__aiter__"):
        assert callable(getattr(paginator, method))
    assert repr(paginator).startswith(type(paginator).__name__ + "(page_size=5")
    assert "limit=7" in repr(paginator)
    assert "skipped=4" in repr(paginator.skip(4))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("bad", [-1, True, 1.5, "2"])
def test_a_bad_skip_is_refused(kind: str, bad: object) -> None:
    with pytest.raises(InvalidArgumentError, match="skip takes a non-negative"):
        paginators(Source())[kind].skip(bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("size", [0, 11, True])
def test_a_page_size_out_of_range_is_refused(size: int) -> None:
    with pytest.raises(InvalidArgumentError, match="between 1 and 10"):
        CursorPaginator(Source().cursor, page_size=size, max_page_size=10)
