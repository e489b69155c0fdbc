"""The SDK's two transports against raw httpx and raw aiohttp, at zero added latency.

(1) Statistics export: 20,000 all-interaction records from the pre-rendered page server, 16
    requests in flight on every path: raw httpx + `json` dicts, raw aiohttp + `json` dicts
    (a connector limit of 16), and `cc.stats.all_interactions()` typed records on the default
    transport and on `transport="aiohttp"` (the "fast" one).
(2) Analytics report rows: a 10,000-row summary report (10 pages of 1000 rows) from the
    sandbox's analytics server behind a cache of its rendered data pages (rendering a page
    costs the sandbox more than any client spends reading it, so uncached every path runs
    at the server's pace), 8 requests in flight on every path (the analytics limit):
    the raw loops fetch pages by their `page` parameter until `X-Total-Pages` (or a page
    without a `Link rel="next"`) ends them; the SDK reads `job.rows()`.

Every figure is a ratio against the raw baselines of the same run. (1) and (2) run in
PROCESSES fresh processes one after another, since a process's state moves a path's speed
(the raw httpx rows loop by up to ±40 % from one process to the next); in each, the runs
alternate (raw, SDK, raw, SDK, ...) ROUNDS times per path and every path must read as many
records as the raw httpx baseline. A ratio is that of the median runs (`_best`: of the best
runs), and the figure printed is its median over the processes, with their range.

    python -m benchmarks.transport            # the figures
    python -m benchmarks.transport --profile  # cProfile of the typed path on aiohttp
"""

from __future__ import annotations

import cProfile
import io
import itertools
import json
import os
import pstats
import statistics
import sys
import tempfile
from collections.abc import AsyncIterable, Awaitable, Callable
from typing import Any, Literal

import aiohttp
import anyio
import httpx

from eightbyeight_async import ContactCenter
from eightbyeight_async._constants import DEFAULT_PREFETCH
from eightbyeight_async.types.analytics import ReportRow

from ._harness import ServerProcess, print_table, write_results
from .analytics_rows import ROWS_HOURS, ROWS_REPORT, _create, _settings
from .stats_export import PATH, _count, _timed, page_server

PROCESSES = 5
ROUNDS = 5
STATS_RECORDS = 20_000
STATS_PAGE = 50
STATS_IN_FLIGHT = DEFAULT_PREFETCH  # the SDK's window, under the statistics limit of 16
ROWS = 10_000
ROWS_PAGE = 1000
ROWS_IN_FLIGHT = 8  # the SDK's analytics limit: its window of 16 pages waits for 8 slots
PROFILE_TOP = 15
SDK_PACKAGE = "eightbyeight_async"

Run = Callable[[], Awaitable[int]]
RATIOS = [("fast", "httpx"), ("fast", "aiohttp"), ("default", "httpx"), ("default", "aiohttp")]
"""(SDK transport, raw baseline) pairs each reported as a ratio."""


async def _alternate(
    paths: dict[str, Run], results: dict[str, float], prefix: str, unit: str
) -> None:
    """Run `paths` (raw httpx, SDK default, raw aiohttp, SDK fast) ROUNDS times each,
    alternating raw and SDK and swapping the pairs every round; record the median rate of
    each and the ratios of the medians and of the best runs. Every path must read as many
    records as raw httpx."""
    counts = {name: await run() for name, run in paths.items()}  # warm up, and count
    expected = counts["raw_httpx"]
    assert set(counts.values()) == {expected}, f"records read: {counts}"
    names = list(paths)
    pairs = [names[:2], names[2:]]
    times: dict[str, list[float]] = {name: [] for name in names}
    for round_number in range(ROUNDS):
        for name in itertools.chain(*(pairs if round_number % 2 == 0 else pairs[::-1])):
            count, took = await _timed(paths[name])
            assert count == expected, f"{name} read {count} records, raw httpx {expected}"
            times[name].append(took)
    best = {name: min(values) for name, values in times.items()}
    median = {name: statistics.median(values) for name, values in times.items()}
    results[f"{prefix}_records"] = expected
    for name in names:
        results[f"{prefix}_{name}_{unit}_per_s"] = expected / median[name]
    for sdk, raw in RATIOS:
        ratio = f"{prefix}_{sdk}_over_raw_{raw}"
        results[ratio] = median[f"raw_{raw}"] / median[f"sdk_{sdk}"]
        # a path whose speed varies a lot gains most from taking its best
        results[f"{ratio}_best"] = best[f"raw_{raw}"] / best[f"sdk_{sdk}"]


# --- (1) statistics export ----------------------------------------------------------------


def _stats_client(url: str, transport: Literal["httpx", "aiohttp"]) -> ContactCenter:
    return ContactCenter(
        tenant="bench", base_url=url, data_token="bench-token", transport=transport
    )


async def _strided(fetch: Callable[[int], Awaitable[bytes]], in_flight: int) -> int:
    """Records of the offset-paged listing, `in_flight` workers each taking every
    `in_flight`-th page until a short page ends the listing (the count is not known)."""
    records: list[dict[str, Any]] = []
    end = [sys.maxsize]

    async def worker(first: int) -> None:
        for index in range(first, sys.maxsize, in_flight):
            if index >= end[0]:
                return
            page = json.loads(await fetch(1 + index * STATS_PAGE))["interactions"]["interaction"]
            records.extend(page)
            if len(page) < STATS_PAGE:
                end[0] = min(end[0], index + 1)

    async with anyio.create_task_group() as tg:
        for first in range(in_flight):
            tg.start_soon(worker, first)
    return len(records)


async def stats_export(results: dict[str, float]) -> None:
    """(1) records/s of the four paths over the same 20,000-record listing."""
    with page_server(STATS_RECORDS) as server:
        connector = aiohttp.TCPConnector(limit=STATS_IN_FLIGHT)
        async with (
            httpx.AsyncClient(base_url=server.url) as raw,
            aiohttp.ClientSession(server.url, connector=connector) as session,
            _stats_client(server.url, "httpx") as default,
            _stats_client(server.url, "aiohttp") as fast,
        ):

            async def httpx_page(offset: int) -> bytes:
                response = await raw.get(PATH, params={"n": offset})
                response.raise_for_status()
                return response.content

            async def aiohttp_page(offset: int) -> bytes:
                async with session.get(PATH, params={"n": offset}) as response:
                    response.raise_for_status()
                    return await response.read()

            paths: dict[str, Run] = {
                "raw_httpx": lambda: _strided(httpx_page, STATS_IN_FLIGHT),
                "sdk_default": lambda: _count(default.stats.all_interactions()),
                "raw_aiohttp": lambda: _strided(aiohttp_page, STATS_IN_FLIGHT),
                "sdk_fast": lambda: _count(fast.stats.all_interactions()),
            }
            await _alternate(paths, results, "stats", "records")
    assert results["stats_records"] == STATS_RECORDS


# --- (2) analytics report rows ------------------------------------------------------------


async def _numbered(fetch: Callable[[int], Awaitable[tuple[bytes, int, bool]]]) -> int:
    """Rows of a page-numbered report, ROWS_IN_FLIGHT workers taking the next page number
    until the first answer's `X-Total-Pages` (or a page without a next link) ends it."""
    pages = itertools.count()
    end = [sys.maxsize]
    count = [0]

    async def worker() -> None:
        while (page := next(pages)) < end[0]:
            body, total_pages, has_next = await fetch(page)
            count[0] += len(json.loads(body))
            end[0] = min(end[0], total_pages, sys.maxsize if has_next else page + 1)

    async with anyio.create_task_group() as tg:
        for _ in range(ROWS_IN_FLIGHT):
            tg.start_soon(worker)
    return count[0]


async def _token(url: str, settings: dict[str, str]) -> dict[str, str]:
    """The Authorization header of one client-credentials token (the raw paths share it)."""
    auth = (settings["EIGHTBYEIGHT_ANALYTICS_CLIENT_ID"], settings["EIGHTBYEIGHT_ANALYTICS_SECRET"])
    async with httpx.AsyncClient(base_url=url) as client:
        answer = await client.post(
            "/oauth/v2/token", auth=auth, data={"grant_type": "client_credentials"}
        )
        answer.raise_for_status()
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


async def _count_rows(rows: AsyncIterable[object]) -> int:
    """How many typed rows `job.rows()` yields."""
    count = 0
    async for row in rows:
        assert isinstance(row, ReportRow)
        count += 1
    return count


async def report_rows(results: dict[str, float]) -> None:
    """(2) rows/s of the four paths over the same 10,000-row report."""
    with ServerProcess("benchmarks._analytics_server", "--cache-data") as server:
        settings = _settings(server.url)
        async with ContactCenter.from_env(settings) as cc:
            report_id = await _create(cc, ROWS_HOURS, ROWS_REPORT)
        headers = await _token(server.url, settings)
        path = f"/analytics/cc/v8/historical-metrics/{report_id}/data"
        connector = aiohttp.TCPConnector(limit=ROWS_IN_FLIGHT)
        async with (
            httpx.AsyncClient(base_url=server.url, headers=headers) as raw,
            aiohttp.ClientSession(server.url, connector=connector, headers=headers) as session,
            ContactCenter.from_env(settings) as default,
            ContactCenter.from_env(settings, transport="aiohttp") as fast,
        ):
            default_job = default.analytics.report(report_id)
            fast_job = fast.analytics.report(report_id)
            await default_job.refresh()
            await fast_job.refresh()

            async def httpx_page(page: int) -> tuple[bytes, int, bool]:
                response = await raw.get(path, params={"page": page, "size": ROWS_PAGE})
                response.raise_for_status()
                total = int(response.headers["x-total-pages"])
                return response.content, total, "next" in response.links

            async def aiohttp_page(page: int) -> tuple[bytes, int, bool]:
                params = {"page": page, "size": ROWS_PAGE}
                async with session.get(path, params=params) as response:
                    response.raise_for_status()
                    total = int(response.headers["x-total-pages"])
                    return await response.read(), total, "next" in response.links

            paths: dict[str, Run] = {
                "raw_httpx": lambda: _numbered(httpx_page),
                "sdk_default": lambda: _count_rows(default_job.rows(page_size=ROWS_PAGE)),
                "raw_aiohttp": lambda: _numbered(aiohttp_page),
                "sdk_fast": lambda: _count_rows(fast_job.rows(page_size=ROWS_PAGE)),
            }
            await _alternate(paths, results, "rows", "rows")
    assert results["rows_records"] == ROWS


# --- (3) where the typed path spends its time -----------------------------------------------


def _sdk_function(key: tuple[str, int, str]) -> str | None:
    """`file:function` of a profiled function that is the SDK's own code, else None: its
    modules, the attrs methods of its models, and its compiled structurers (`exec`'d, so
    cProfile files them under `<string>`)."""
    file, _, function = key
    if f"/{SDK_PACKAGE}/" in file:
        return f"{file.split(f'/{SDK_PACKAGE}/')[1]}:{function}"
    if file.startswith("<attrs generated") and SDK_PACKAGE in file:
        return f"{file.rstrip('>').rsplit('.', 1)[-1]}.{function} (attrs)"
    if file == "<string>" and function == "structure":
        return "_convert_compiled.py:structure (generated per model)"
    return None


def _profile_report(title: str, profile: cProfile.Profile) -> None:
    """Print the SDK's top functions by own time (tottime) with their share of the whole
    profile, then the top of everything by tottime and the SDK's top by cumulative time.
    cProfile counts each resumption of a coroutine as a call."""
    stats = pstats.Stats(profile, stream=io.StringIO())
    total: float = stats.total_tt  # type: ignore[attr-defined]
    table: dict[tuple[str, int, str], tuple[Any, ...]] = stats.stats  # type: ignore[attr-defined]
    ours = sorted(
        ((name, value) for key, value in table.items() if (name := _sdk_function(key))),
        key=lambda item: item[1][2],
        reverse=True,
    )
    rows = [(name, f"{value[2]:6.3f} s {value[2] / total:6.1%} {value[1]:>9,} calls")
            for name, value in ours[:PROFILE_TOP]]  # fmt: skip
    inside = sum(value[2] for _, value in ours)
    print_table(f"{title}: {total:.2f} s profiled, {inside / total:.0%} in the SDK's code", rows)
    for order, restriction in (("tottime", ()), ("cumulative", (f"{SDK_PACKAGE}|<string>",))):
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(order).print_stats(*restriction, PROFILE_TOP)
        lines = out.getvalue().splitlines()
        header = next(i for i, line in enumerate(lines) if "ncalls" in line)
        scope = "everything" if not restriction else "the SDK"
        print(f"\n{title}, {scope} by {order}")
        print("\n".join(line for line in lines[header:] if line.strip()))


async def _profiled(run: Run) -> cProfile.Profile:
    await run()  # warm up outside the profile
    profile = cProfile.Profile()
    profile.enable()
    try:
        for _ in range(3):
            await run()
    finally:
        profile.disable()
    return profile


async def profile() -> None:
    """(3) cProfile of the typed paths on the aiohttp transport, zero latency."""
    with page_server(STATS_RECORDS) as server:
        async with _stats_client(server.url, "aiohttp") as cc:
            stats = await _profiled(lambda: _count(cc.stats.all_interactions()))
    _profile_report(f"stats export, aiohttp transport, 3 x {STATS_RECORDS:,} records", stats)
    with ServerProcess("benchmarks._analytics_server", "--cache-data") as server:
        settings = _settings(server.url)
        async with ContactCenter.from_env(settings, transport="aiohttp") as cc:
            job = cc.analytics.report(await _create(cc, ROWS_HOURS, ROWS_REPORT))
            await job.refresh()
            rows = await _profiled(lambda: _count_rows(job.rows(page_size=ROWS_PAGE)))
    _profile_report(f"job.rows(), aiohttp transport, 3 x {ROWS:,} rows", rows)


async def one_process(path: str) -> None:
    """Run (1) and (2) in this process and write their figures as JSON to `path`."""
    results: dict[str, float] = {}
    await stats_export(results)
    await report_rows(results)
    await anyio.Path(path).write_text(json.dumps(results))


async def main() -> dict[str, float]:
    """Run (1) and (2) in PROCESSES fresh processes, one after another, and print the median
    of each figure over them with its range."""
    runs: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as directory:
        for number in range(PROCESSES):
            path = f"{directory}/{number}.json"
            command = [sys.executable, "-m", "benchmarks.transport", "--one-process", path]
            await anyio.run_process(command, stdout=None, stderr=None)
            runs.append(json.loads(await anyio.Path(path).read_text()))
    results = {key: statistics.median(run[key] for run in runs) for key in runs[0]}
    rows = [
        (key, f"{value:,.2f}  ({min(run[key] for run in runs):,.2f} to "
         f"{max(run[key] for run in runs):,.2f})")
        for key, value in results.items()
    ]  # fmt: skip
    print_table(
        f"transports, zero latency, median of {PROCESSES} processes (cpu count {os.cpu_count()})",
        rows,
    )
    print(f"  written to {write_results('transport', results)}")
    return results


if __name__ == "__main__":
    if sys.argv[1:2] == ["--one-process"]:
        anyio.run(one_process, sys.argv[2])
    else:
        anyio.run(profile if sys.argv[1:] == ["--profile"] else main)
