"""Export 30 days of interactions from the embedded sandbox while it throws faults at us.

    python examples/sandbox_quickstart.py

Starts a local 8x8 Contact Center (seeded, ~3,600 interactions), injects 503s, a dropped
connection and latency, exports everything through `cc.stats`, and checks the result
against the sandbox's ground truth: none lost, none duplicated.
"""

from __future__ import annotations

import datetime as dt
import logging
import time

import anyio

from eightbyeight_async import RetryPolicy
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.stats import MediaTypeName


async def main() -> None:
    """Run the export and print what happened; exit non-zero if anything is off."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    async with Sandbox(seed=1, days=30, interactions_per_day=120) as sb:
        print(f"sandbox tenant {sb.tenant_name!r} serving {sb.base_url}")
        today = sb.tenant.now.date()
        dates = (today - dt.timedelta(days=30), today + dt.timedelta(days=1))
        pattern = "/api/stats/allinteractions*"
        sb.faults.status(pattern, 503, every=7)
        sb.faults.reset(pattern, count=1)
        sb.faults.latency(pattern, 0.02)
        started = time.perf_counter()
        async with sb.client(retry=RetryPolicy(initial_backoff=0.05)) as cc:
            interactions = [i async for i in cc.stats.all_interactions(dates=dates)]
        elapsed = time.perf_counter() - started
        expected = sb.truth.stats("allinteractions", d=f"{dates[0]},{dates[1]}")
        exact = [i.interaction_id for i in interactions] == [
            int(r["interaction-id"]) for r in expected
        ]
        phone = sum(1 for i in interactions if i.media_type is MediaTypeName.PHONE)
        print(f"{len(interactions)} interactions ({phone} phone) exported in {elapsed:.1f}s")
        print(f"identical to the sandbox's ground truth: {exact}")
        print(f"faults injected: {dict(sb.faults.injected)}")
        if not exact:
            raise SystemExit("the export differs from the sandbox's ground truth")


if __name__ == "__main__":
    anyio.run(main)
