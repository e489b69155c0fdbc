"""Bulk export of statistics: the SDK's paginator against what a user would write with httpx.

(a) With 50 ms added latency (sandbox fault), records/s of `cc.stats.all_interactions()` at
    several windows vs a sequential raw httpx loop: the window's speed-up, and the default.
(b) With no added latency, against a pre-rendered page server in another process: the SDK's
    typed records/s vs raw httpx + json producing dicts, at the same concurrency.
(c) Peak RSS of a process exporting 20,000 vs 200,000 records: memory must not grow with
    the size of the export.

    python -m benchmarks.stats_export
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import os
import resource
import subprocess
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx

from eightbyeight_async import ContactCenter, OffsetPaginator
from eightbyeight_async._constants import DEFAULT_PREFETCH
from eightbyeight_async.sandbox import TenantSpec, generate_tenant

from ._harness import ServerProcess, print_table, write_results

LATENCY = 0.05
WINDOWS = (1, 2, 4, 8, 16)
SERVER_RECORDS = 20_000
MEMORY_SIZES = (20_000, 200_000)
ROUNDS = 3
PATH = "/api/stats/allinteractions.json"


async def _timed(run: Callable[[], Awaitable[int]]) -> tuple[int, float]:
    start = time.perf_counter()
    count = await run()
    return count, time.perf_counter() - start


class SandboxProcess:
    """`python -m eightbyeight_async.sandbox` in a subprocess with added latency, so its CPU
    work runs on the other core instead of competing with the client for this one."""

    def __init__(self, *arguments: str) -> None:
        self._command = [sys.executable, "-m", "eightbyeight_async.sandbox", *arguments]
        self.settings: dict[str, str] = {}

    def __enter__(self) -> SandboxProcess:
        self._process = subprocess.Popen(self._command, stdout=subprocess.PIPE, text=True)  # noqa: S603
        assert self._process.stdout is not None
        self._process.stdout.readline()  # "8x8 sandbox serving ..."
        for _ in range(7):
            name, _, value = self._process.stdout.readline().strip().partition("=")
            self.settings[name] = value
        return self

    def __exit__(self, *_: object) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)

    def client(self) -> ContactCenter:
        return ContactCenter.from_env(self.settings)


async def latency_speedup(results: dict[str, float]) -> None:
    """(a) the window's effect when every page costs 50 ms (server in another process)."""
    sandbox = SandboxProcess("--seed", "1", "--days", "30", "--interactions-per-day", "100",
                             "--latency", str(LATENCY))  # fmt: skip
    with sandbox:
        settings = sandbox.settings
        tenant = generate_tenant(TenantSpec(seed=1, days=30, interactions_per_day=100))
        now = tenant.now.date()
        dates = (now - dt.timedelta(days=31), now + dt.timedelta(days=1))
        auth = (settings["EIGHTBYEIGHT_TENANT"], settings["EIGHTBYEIGHT_DATA_TOKEN"])
        params = {"d": f"{dates[0]:%Y-%m-%d},{dates[1]:%Y-%m-%d}"}
        url = settings["EIGHTBYEIGHT_BASE_URL"]
        async with httpx.AsyncClient(base_url=url, auth=auth) as raw:

            async def sequential() -> int:
                count, offset = 0, 1
                while True:
                    response = await raw.get(PATH, params={**params, "n": offset})
                    page = response.json()["interactions"]["interaction"]
                    page = page if isinstance(page, list) else [page]
                    count += len(page)
                    if len(page) < 50:
                        return count
                    offset += 50

            total, base = await _timed(sequential)
        results["a_raw_sequential_records_per_s"] = total / base
        async with sandbox.client() as cc:
            for window in WINDOWS:
                paginator = cc.stats.all_interactions(dates=dates, prefetch=window)
                count, took = await _timed(functools.partial(_count, paginator))
                assert count == total, f"the SDK exported {count} records, raw httpx {total}"
                results[f"a_sdk_prefetch{window}_records_per_s"] = count / took
                results[f"a_speedup_prefetch{window}"] = base / took
            _, took = await _timed(lambda: _count(cc.stats.all_interactions(dates=dates)))
            results["a_speedup_default"] = base / took
    results["a_records"] = total


async def _count(paginator: OffsetPaginator[Any]) -> int:
    count = 0
    async for _ in paginator:
        count += 1
    return count


def page_server(records: int) -> ServerProcess:
    """The pre-rendered page server with a `records`-long listing."""
    return ServerProcess("benchmarks._page_server", "--records", str(records))


def _client(url: str) -> ContactCenter:
    return ContactCenter(tenant="bench", base_url=url, data_token="bench-token")


async def typed_overhead(results: dict[str, float]) -> None:
    """(b) typed records from the SDK vs plain dicts from httpx + json, same concurrency.

    Runs alternate (raw, SDK, raw, SDK, ...) and the best of each counts, so a noisy
    neighbour on a shared machine penalises neither side alone.
    """
    pages = SERVER_RECORDS // 50
    with page_server(SERVER_RECORDS) as server:
        async with httpx.AsyncClient(base_url=server.url) as raw, _client(server.url) as cc:

            async def raw_export(concurrency: int) -> int:
                records: list[dict[str, object]] = []

                async def worker(first: int) -> None:
                    for index in range(first, pages, concurrency):
                        response = await raw.get(PATH, params={"n": 1 + index * 50})
                        document = json.loads(response.content)
                        records.extend(document["interactions"]["interaction"])

                async with anyio.create_task_group() as tg:
                    for first in range(concurrency):
                        tg.start_soon(worker, first)
                return len(records)

            times: dict[str, list[float]] = {"raw": [], "raw8": [], "sdk": []}
            await raw_export(8)  # warm up connections on both sides
            await _count(cc.stats.all_interactions(limit=500))
            for _ in range(ROUNDS):
                # the SDK's window (same concurrency), and 8: where one httpx client peaks
                for name, concurrency in (("raw", DEFAULT_PREFETCH), ("raw8", 8)):
                    total, took = await _timed(functools.partial(raw_export, concurrency))
                    times[name].append(took)
                count, took = await _timed(lambda: _count(cc.stats.all_interactions()))
                times["sdk"].append(took)
                assert count == total == SERVER_RECORDS
    best = {name: min(values) for name, values in times.items()}
    results["b_raw_dict_records_per_s"] = SERVER_RECORDS / best["raw"]
    results["b_raw8_dict_records_per_s"] = SERVER_RECORDS / best["raw8"]
    results["b_sdk_typed_records_per_s"] = SERVER_RECORDS / best["sdk"]
    results["b_sdk_over_raw"] = best["raw"] / best["sdk"]
    results["b_sdk_over_raw8"] = best["raw8"] / best["sdk"]


def _peak_rss_mb(records: int, url: str) -> float:
    """Peak RSS of a fresh process that exports `records` records through the SDK."""
    command = [sys.executable, "-m", "benchmarks.stats_export", "--export-and-report-rss", url]
    done = subprocess.run(  # noqa: S603
        [*command, str(records)], capture_output=True, text=True, check=True, timeout=600
    )
    return float(done.stdout.strip().splitlines()[-1])


def memory_growth(results: dict[str, float]) -> None:
    """(c) peak RSS for a small and a large export: the difference is what the size costs."""
    peaks = []
    for size in MEMORY_SIZES:
        with page_server(size) as server:
            peaks.append(_peak_rss_mb(size, server.url))
            results[f"c_peak_rss_mb_{size}"] = peaks[-1]
    results["c_growth_mb"] = peaks[-1] - peaks[0]


async def _export_and_report(url: str, records: int) -> None:
    async with _client(url) as cc:
        count = await _count(cc.stats.all_interactions())
    if count != records:
        raise SystemExit(f"exported {count} records, expected {records}")
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


async def main() -> dict[str, float]:
    """Run (a), (b) and (c) and print one table."""
    results: dict[str, float] = {}
    await latency_speedup(results)
    await typed_overhead(results)
    memory_growth(results)
    rows = [(name, f"{value:,.2f}") for name, value in results.items()]
    print_table(f"statistics export (cpu count {os.cpu_count()})", rows)
    print(f"  written to {write_results('stats_export', results)}")
    return results


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--export-and-report-rss":
        anyio.run(_export_and_report, sys.argv[2], int(sys.argv[3]))
    else:
        anyio.run(main)
