"""Analytics report data: `job.rows()` against a sequential raw httpx loop, and the memory of
`job.download()`.

(a) With 50 ms added latency, rows/s of a 10,000-row report (10 pages of 1000) read by
    `job.rows()` (typed rows; the first window asks for 16 pages before the count is known) vs a
    sequential raw httpx loop following `Link rel="next"` (plain dicts).
(b) Peak memory of a fresh process downloading a large CSV with `job.download()`, against the
    file's size: the download streams, so the peak must stay far below the size.

    python -m benchmarks.analytics_rows
"""

from __future__ import annotations

import datetime as dt
import json
import os
import resource
import sys
import tempfile
import time
import tracemalloc
from typing import Any

import anyio
import httpx

from eightbyeight_async import ApiFamily, ContactCenter, Limits
from eightbyeight_async.sandbox import generate_tenant

from ._analytics_server import SPEC
from ._harness import ServerProcess, print_table, write_results

LATENCY = 0.05
ROUNDS = 6
ROWS_REPORT = {  # 25 agents x 400 quarter-hours = 10,000 rows
    "type": "agent-interactions-summary",
    "title": "Bench rows",
    "granularity": "15m",
    "group_by": "agent",
}
ROWS_HOURS = 100
BIG_REPORT = {  # 25 agents x 4 media x 4 queues x 672 quarter-hours = 268,800 rows
    "type": "agent-interactions-summary",
    "title": "Bench download",
    "granularity": "15m",
    "group_by": "agent-and-media-and-queue",
}
BIG_HOURS = 7 * 24


def _settings(url: str) -> dict[str, str]:
    credentials = generate_tenant(SPEC).credentials
    return {
        "EIGHTBYEIGHT_API_BASE_URL": url,
        "EIGHTBYEIGHT_ANALYTICS_CLIENT_ID": credentials.analytics_client_id,
        "EIGHTBYEIGHT_ANALYTICS_SECRET": credentials.analytics_secret,
    }


async def _create(cc: ContactCenter, hours: int, report: dict[str, Any]) -> str:
    end = generate_tenant(SPEC).now
    start = end - dt.timedelta(hours=hours)
    job = await cc.analytics.create_report(start=start, end=end, **report)
    await job.wait(poll_interval=0.05)
    return job.id


async def _raw_sequential(url: str, settings: dict[str, str], report_id: str) -> int:
    """What a user writes with httpx: one token, then page after page until no next link."""
    auth = (settings["EIGHTBYEIGHT_ANALYTICS_CLIENT_ID"], settings["EIGHTBYEIGHT_ANALYTICS_SECRET"])
    async with httpx.AsyncClient(base_url=url) as raw:
        token = await raw.post(
            "/oauth/v2/token", auth=auth, data={"grant_type": "client_credentials"}
        )
        headers = {"Authorization": f"Bearer {token.json()['access_token']}"}
        path = f"/analytics/cc/v8/historical-metrics/{report_id}/data"
        next_url: str | None = f"{url}{path}?page=0&size=1000"
        count = 0
        while next_url is not None:
            response = await raw.get(next_url, headers=headers)
            response.raise_for_status()
            count += len(json.loads(response.content))
            next_url = response.links.get("next", {}).get("url")
        return count


async def _sdk_read(cc: ContactCenter, report_id: str) -> float:
    """Seconds for one `job.rows()` read of the whole report (typed rows)."""
    job = cc.analytics.report(report_id)
    await job.refresh()
    start = time.perf_counter()
    count = sum([1 async for _ in job.rows()])
    took = time.perf_counter() - start
    assert count == 10_000, count
    return took


async def rows_speedup(url: str, settings: dict[str, str], results: dict[str, float]) -> None:
    """(a) rows/s of job.rows() vs the sequential loop, best of ROUNDS each.

    Each round runs the raw loop, then the SDK with the default analytics limit (8) and with
    a limit of 16, in alternating order: the first read after the mostly idle raw loop is
    measurably slower on this machine, so a fixed order would favour whichever SDK read
    comes second. The 10 pages are all asked for in the first window (PagePaginator); a
    limit of 8 holds two of them back until slots free up, 16 does not.
    """
    async with ContactCenter.from_env(settings) as cc:
        report_id = await _create(cc, ROWS_HOURS, ROWS_REPORT)
    limit16 = Limits().with_family(ApiFamily.ANALYTICS, 16)
    times: dict[str, list[float]] = {"raw": [], "sdk": [], "sdk16": []}
    async with (
        ContactCenter.from_env(settings) as default,
        ContactCenter.from_env(settings, limits=limit16) as wide,
    ):
        for round_number in range(ROUNDS):
            start = time.perf_counter()
            total = await _raw_sequential(url, settings, report_id)
            times["raw"].append(time.perf_counter() - start)
            assert total == 10_000, total
            order = [("sdk", default), ("sdk16", wide)]
            for name, cc in order if round_number % 2 == 0 else order[::-1]:
                times[name].append(await _sdk_read(cc, report_id))
    best = {name: min(values) for name, values in times.items()}
    results["rows"] = total
    results["raw_sequential_rows_per_s"] = total / best["raw"]
    results["sdk_rows_per_s"] = total / best["sdk"]
    results["speedup"] = best["raw"] / best["sdk"]
    results["sdk_limit16_rows_per_s"] = total / best["sdk16"]
    results["speedup_limit16"] = best["raw"] / best["sdk16"]


async def download_memory(settings: dict[str, str], results: dict[str, float]) -> None:
    """(b) peak memory of a fresh process downloading the big report, vs the file size."""
    async with ContactCenter.from_env(settings) as cc:
        report_id = await _create(cc, BIG_HOURS, BIG_REPORT)
    with tempfile.TemporaryDirectory() as directory:
        command = [sys.executable, "-m", "benchmarks.analytics_rows", "--download", report_id,
                   directory]  # fmt: skip
        done = await anyio.run_process(command, env={**os.environ, **settings}, check=True)
        size_mb, rss_growth_mb, traced_peak_mb = map(float, done.stdout.decode().split()[-3:])
    results["download_file_mb"] = size_mb
    results["download_peak_rss_growth_mb"] = rss_growth_mb
    results["download_traced_peak_mb"] = traced_peak_mb
    results["download_peak_over_size"] = max(rss_growth_mb, traced_peak_mb) / size_mb


async def _download_and_report(report_id: str, directory: str) -> None:
    """In the child: print the file's size, the peak RSS growth and the traced peak (MB)."""
    async with ContactCenter.from_env() as cc:
        job = cc.analytics.report(report_id)
        await job.refresh()  # token, connection and imports warmed up before measuring
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        tracemalloc.start()
        path = await job.download(directory)
        _, traced_peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    size = (await anyio.Path(path).stat()).st_size / 2**20
    print(f"{size:.3f} {after - before:.3f} {traced_peak / 2**20:.3f}")


async def main() -> dict[str, float]:
    """Run (a) and (b) against one sandbox process and print one table."""
    results: dict[str, float] = {}
    with ServerProcess("benchmarks._analytics_server", "--latency", str(LATENCY)) as server:
        settings = _settings(server.url)
        await rows_speedup(server.url, settings, results)
        await download_memory(settings, results)
    rows = [(name, f"{value:,.2f}") for name, value in results.items()]
    title = f"analytics report rows, {LATENCY * 1000:.0f} ms latency (cpu {os.cpu_count()})"
    print_table(title, rows)
    print(f"  written to {write_results('analytics_rows', results)}")
    return results


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--download":
        anyio.run(_download_and_report, sys.argv[2], sys.argv[3])
    else:
        anyio.run(main)
