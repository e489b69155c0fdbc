"""A month of interactions: the sharded export against one detailed report read sequentially.

(a) With 50 ms added to every analytics request, rows/s of `export_interactions()` with its
    defaults (one-day slices, 8 in flight, 1000-row pages) vs one unsharded detailed report
    over the whole month read page after page (its cursor allows nothing else), both typed
    rows; and the same at the server's default page size (100 rows).
(b) Peak Python memory (tracemalloc) of an export in 10 slices vs in 100 slices of the same
    month: what the export holds must not grow with its number of slices.

    python -m benchmarks.sharded_export
"""

from __future__ import annotations

import datetime as dt
import functools
import time
import tracemalloc
from typing import Final

import anyio

from eightbyeight_async import ContactCenter
from eightbyeight_async.sandbox import generate_tenant

from ._detailed_server import SPEC, month
from ._harness import ServerProcess, print_table, write_results

LATENCY = 0.05
INTERACTIONS: Final = "detailed-reports-interaction-details"


def _client(url: str) -> ContactCenter:
    return ContactCenter(api_base_url=url, analytics_client_id="bench", analytics_secret="bench")


@functools.cache
def _month() -> tuple[dt.datetime, dt.datetime]:
    return month(generate_tenant(SPEC).now)


async def _sharded(url: str, page_size: int, slices: int | None = None) -> tuple[int, float]:
    start, end = _month()
    length = (end - start) / slices if slices else dt.timedelta(days=1)
    began = time.perf_counter()
    async with (
        _client(url) as cc,
        cc.analytics.export_interactions(
            start=start, end=end, slice=length, page_size=page_size, tz="UTC"
        ) as export,
    ):
        rows = sum([1 async for _ in export])
    return rows, time.perf_counter() - began


async def _unsharded(url: str, page_size: int) -> tuple[int, float]:
    start, end = _month()
    began = time.perf_counter()
    async with _client(url) as cc:
        job = await cc.analytics.detailed_report(type=INTERACTIONS, start=start, end=end, tz="UTC")
        rows = sum([1 async for _ in job.rows(page_size=page_size)])
    return rows, time.perf_counter() - began


async def speedup(url: str, results: dict[str, float]) -> None:
    """(a) best of two rounds each, alternating."""
    for page_size in (1000, 100):
        best = {"sharded": float("inf"), "unsharded": float("inf")}
        for _ in range(2):
            for name, read in (("unsharded", _unsharded), ("sharded", _sharded)):
                rows, took = await read(url, page_size)
                best[name] = min(best[name], took)
        results[f"a_rows_{page_size}"] = rows
        results[f"a_sharded_rows_per_s_{page_size}"] = rows / best["sharded"]
        results[f"a_unsharded_rows_per_s_{page_size}"] = rows / best["unsharded"]
        results[f"a_speedup_{page_size}"] = best["unsharded"] / best["sharded"]


async def memory(url: str, results: dict[str, float]) -> None:
    """(b) tracemalloc peak, 10 vs 100 slices."""
    peaks = {}
    for slices in (10, 100):
        tracemalloc.start()
        await _sharded(url, 1000, slices)
        peaks[slices] = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    results["b_peak_mb_10_slices"] = peaks[10]
    results["b_peak_mb_100_slices"] = peaks[100]
    results["b_growth_mb_10_to_100_slices"] = peaks[100] - peaks[10]


async def main() -> dict[str, float]:
    results: dict[str, float] = {}
    with ServerProcess("benchmarks._detailed_server", "--latency", str(LATENCY)) as server:
        await speedup(server.url, results)
        await memory(server.url, results)
    print_table("Sharded interaction export", [(k, f"{v:,.3f}") for k, v in results.items()])
    print(f"  written to {write_results('sharded_export', results)}")
    return results


if __name__ == "__main__":
    anyio.run(main)
