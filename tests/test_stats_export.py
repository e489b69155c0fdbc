"""A 30-day bulk export through `cc.stats`: nothing lost or duplicated under faults, and
nothing left running or open after a break, a cancellation or the end of the client."""

from __future__ import annotations

import datetime as dt
from typing import Any

import anyio
import httpx
import pytest
from counting_transport import CountingTransport

from eightbyeight_async import ContactCenter, RetryPolicy
from eightbyeight_async._constants import DEFAULT_PREFETCH
from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 30, "days": 30, "interactions_per_day": 120}


def whole_tenant(sb: Sandbox) -> tuple[dt.date, dt.date]:
    today = sb.tenant.now.date()
    return today - dt.timedelta(days=31), today + dt.timedelta(days=1)


def expected_ids(sb: Sandbox) -> list[int]:
    start, end = whole_tenant(sb)
    records = sb.truth.stats("allinteractions", d=f"{start},{end}")
    return [int(r["interaction-id"]) for r in records]


async def export(cc: ContactCenter, sb: Sandbox, **options: Any) -> list[int]:
    paginator = cc.stats.all_interactions(dates=whole_tenant(sb), **options)
    return [record.interaction_id async for record in paginator]


async def test_export_without_faults_is_exactly_the_ground_truth(
    sb: Sandbox, transport: str
) -> None:
    expected = expected_ids(sb)
    assert len(expected) > 3000
    async with sb.client(transport=transport) as cc:
        assert await export(cc, sb) == expected
        assert await export(cc, sb, format="xml", prefetch=3) == expected


async def test_export_under_faults_loses_and_duplicates_nothing(
    sb: Sandbox, transport: str
) -> None:
    expected = expected_ids(sb)
    pattern = "/api/stats/allinteractions*"
    sb.faults.status(pattern, 503, every=5)
    sb.faults.reset(pattern, count=1)
    sb.faults.truncate(pattern, count=1)
    sb.faults.latency(pattern, 0.02, rate=0.3)
    try:
        async with sb.client(retry=RetryPolicy.instant(max_retries=6), transport=transport) as cc:
            got = await export(cc, sb)
    finally:
        sb.faults.clear()
    assert got == expected
    assert sb.faults.injected["status"] >= len(expected) // 50 // 5
    assert sb.faults.injected["reset"] >= 1
    assert sb.faults.injected["truncate"] >= 1


async def test_break_leaves_no_request_running_and_close_leaves_no_connection(
    sb: Sandbox,
) -> None:
    transport = CountingTransport()
    async with (
        httpx.AsyncClient(transport=transport) as http,
        sb.client(http_client=http) as cc,
    ):
        seen = 0
        async for _ in cc.stats.all_interactions(dates=whole_tenant(sb)):
            seen += 1
            if seen == 120:  # inside the second window
                break
        assert transport.in_flight == 0
        sent = transport.sent
        await anyio.sleep(0.05)
        assert transport.sent == sent, "no request may start after the loop is left"
    await _until_no_connections(sb)


async def test_cancellation_mid_window_cancels_every_request(sb: Sandbox) -> None:
    transport = CountingTransport()
    consumer = anyio.CancelScope()
    seen: list[int] = []

    async def consume(cc: ContactCenter) -> None:
        with consumer:
            async for record in cc.stats.all_interactions(dates=whole_tenant(sb)):
                if not seen:  # from the second page on, the server hangs
                    sb.faults.latency("/api/stats/allinteractions*", 5.0)
                seen.append(record.interaction_id)

    async def cancel_once_a_window_hangs() -> None:
        for _ in range(500):  # bounded: up to ~5 s for the window to be in flight
            if transport.in_flight >= DEFAULT_PREFETCH:
                break
            await anyio.sleep(0.01)
        consumer.cancel()

    try:
        async with (
            httpx.AsyncClient(transport=transport) as http,
            sb.client(http_client=http) as cc,
        ):
            async with anyio.create_task_group() as tg:
                tg.start_soon(consume, cc)
                tg.start_soon(cancel_once_a_window_hangs)
            assert len(seen) == 50
            assert transport.sent == 1 + DEFAULT_PREFETCH, "one probe page, then one window"
            assert transport.in_flight == 0
    finally:
        sb.faults.clear()
    await _until_no_connections(sb)


async def _until_no_connections(sb: Sandbox) -> None:
    for _ in range(300):  # bounded: ~3 s for the server to see the sockets close
        if sb.open_connections == 0:
            return
        await anyio.sleep(0.01)
    assert sb.open_connections == 0
