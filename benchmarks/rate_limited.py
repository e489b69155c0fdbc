"""An export against a server at its limit: the sandbox meters the statistics family with a
token bucket of R requests/s (small burst, 20 ms added latency) and answers what exceeds it
with 429 + `Retry-After: 1`, or with 503 and no `Retry-After`.

Prints, per variant, the requests/s the export achieved ÷ R, the share of requests refused,
and whether the export completed (with every record exactly once), with today's fixed window
of 16 (`Limits(adaptive=False)`) and with the adaptive flow control (the default). The
ratio says how close the client runs to the server's limit without being throttled (issue
17's target: ≥ 0.9 with ≤ 5 % refused; a fixed window of 16 measured 0.19 and 0.54).

A bulk exporter runs for minutes through one client, so the adaptive client exports the
listing `ADAPTIVE_PASSES` times (about a minute at the limit): what it learns of the limit
in its first seconds (one `Retry-After` pause, slow start) then weighs as it would in a real
export. The fixed window learns nothing, so `FIXED_PASSES` measure it as well, in less time.

    python -m benchmarks.rate_limited
"""

from __future__ import annotations

import time

import anyio

from eightbyeight_async import APIStatusError, Limits
from eightbyeight_async.sandbox import Sandbox

from ._harness import print_table, write_results

RATE = 60.0
"""R: the requests per second the server allows."""
BURST = 5
LATENCY = 0.02
DAYS, PER_DAY = 3, 8000
"""~19,000 interactions: ~380 pages, six seconds of the limit."""
ADAPTIVE_PASSES, FIXED_PASSES = 8, 2


async def export(sb: Sandbox, adaptive: bool, passes: int) -> tuple[int, float, str]:
    """Records read over `passes` exports of the listing through one client, seconds taken,
    and how the exports ended (default retry policy)."""
    overrides = {"limits": Limits(adaptive=adaptive)}
    records, outcome = 0, "completed"
    start = time.perf_counter()
    async with sb.client(**overrides) as cc:
        try:
            for _ in range(passes):
                async for _ in cc.stats.all_interactions(dates=f"today-{DAYS}d,today"):
                    records += 1
        except APIStatusError as exc:
            outcome = f"failed: {type(exc).__name__} after {records} records"
    return records, time.perf_counter() - start, outcome


async def variant(mode: str, adaptive: bool, results: dict[str, float]) -> list[str]:
    name = f"{mode}_{'adaptive' if adaptive else 'fixed'}"
    with Sandbox(days=DAYS, interactions_per_day=PER_DAY) as sb:
        passes = ADAPTIVE_PASSES if adaptive else FIXED_PASSES
        expected = passes * len(sb.truth.stats("allinteractions", d=f"today-{DAYS}d,today"))
        sb.faults.latency("/api/stats/*", LATENCY)
        sb.faults.rate_limit(
            "stats",
            rate=RATE,
            burst=BURST,
            mode="429" if mode == "429" else "503",
            retry_after=1 if mode == "429" else None,
        )
        records, took, outcome = await export(sb, adaptive, passes)
        counts = sb.faults.rate_limit_counts("stats")
    asked = counts.accepted + counts.throttled
    results[f"{name}_rate_over_limit"] = counts.accepted / took / RATE
    results[f"{name}_refused_share"] = counts.throttled / asked if asked else 0.0
    results[f"{name}_complete"] = float(records == expected and outcome == "completed")
    return [
        f"{name}: {counts.accepted / took / RATE:.2f} of the limit, "
        f"{counts.throttled / max(asked, 1):.0%} refused, {outcome} "
        f"({records}/{expected} records in {passes} exports, {took:.1f} s)"
    ]


async def main() -> dict[str, float]:
    results: dict[str, float] = {}
    lines: list[str] = []
    for mode in ("429", "503"):
        for adaptive in (False, True):
            lines += await variant(mode, adaptive, results)
    print_table(
        f"Export at the server's limit (R = {RATE:g} requests/s, burst {BURST}, "
        f"{LATENCY * 1000:g} ms latency; fixed window of 16 vs adaptive flow control)",
        [(line.split(":")[0], line.split(": ", 1)[1]) for line in lines],
    )
    print(f"  written to {write_results('rate_limited', results)}")
    return results


if __name__ == "__main__":
    anyio.run(main)
