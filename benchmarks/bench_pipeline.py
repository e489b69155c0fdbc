"""Request-pipeline overhead: `cc.raw_request` vs a bare `httpx.AsyncClient`, same sandbox.

Both fetch the same statistics page the same number of times, sequentially and with 8 in
flight; the ratio (SDK time / httpx time) is the cost of auth, limits, retries and logging.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

import anyio
import httpx

from eightbyeight_async.sandbox import Sandbox

from ._harness import best_time, print_table, write_results

REQUESTS = 300
CONCURRENCY = 8
PATH = "/api/stats/agents.json"


async def _fan(fetch: Callable[[], Awaitable[None]], concurrency: int) -> None:
    async def worker(count: int) -> None:
        for _ in range(count):
            await fetch()

    async with anyio.create_task_group() as tg:
        for _ in range(concurrency):
            tg.start_soon(worker, REQUESTS // concurrency)


async def main() -> dict[str, float]:
    """Run the comparison and return its figures."""
    results: dict[str, float] = {}
    async with Sandbox(seed=1, agents=50) as sb:
        auth = (sb.tenant_name, sb.credentials.data_token)
        async with httpx.AsyncClient(base_url=sb.base_url, auth=auth) as raw, sb.client() as cc:

            async def raw_fetch() -> None:
                (await raw.get(PATH)).raise_for_status()

            async def sdk_fetch() -> None:
                await cc.raw_request("GET", PATH)

            for concurrency in (1, CONCURRENCY):
                base = await best_time(functools.partial(_fan, raw_fetch, concurrency))
                sdk = await best_time(functools.partial(_fan, sdk_fetch, concurrency))
                results[f"httpx_requests_per_s_c{concurrency}"] = REQUESTS / base
                results[f"sdk_requests_per_s_c{concurrency}"] = REQUESTS / sdk
                results[f"sdk_over_httpx_time_c{concurrency}"] = sdk / base
    rows = [(name, f"{value:,.2f}") for name, value in results.items()]
    print_table(f"pipeline overhead ({REQUESTS} GETs of {PATH}, best of 3)", rows)
    print(f"  written to {write_results('pipeline', results)}")
    return results


if __name__ == "__main__":
    anyio.run(main)
