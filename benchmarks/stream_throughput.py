"""SAPI reader throughput, reconnect time and memory under a slow consumer.

(1) Typed events/s read by `cc.streaming` from a pre-rendered stream (a server in another
    process writing as fast as it can) vs raw httpx + `b"\\n"` split + parse of the same
    bytes, for NEWLINE_JSON and NEWLINE_XML.
(2) Time from a forced disconnect (sandbox `drop()`) to the next delivered event, each drop
    after a healthy connection, so each measures a first backoff (not a window that doubled).
(3) Peak RSS growth while a consumer 10x slower than the stream reads for a few seconds.

    python -m benchmarks.stream_throughput
"""

from __future__ import annotations

import json
import time

import anyio
import httpx
import xmltodict

from eightbyeight_async import ContactCenter, ReconnectPolicy
from eightbyeight_async.sandbox import Sandbox

from ._harness import (
    ServerProcess,
    fault_to_event_median,
    peak_rss_mb,
    print_table,
    read_slowly,
    write_results,
)

EVENTS = {"NEWLINE_JSON": 100_000, "NEWLINE_XML": 10_000}
RECONNECT_DROPS = 9
PATH = "/api/streaming/v1/clientconnect/subscribe/TenantUpdates-bench-bench"


def stream_server(events: int, output: str) -> ServerProcess:
    """The pre-rendered stream server, writing `events` events in `output`."""
    return ServerProcess("benchmarks._stream_server", "--events", str(events), "--output", output)


async def _raw_rate(url: str, output: str, total: int) -> float:
    parse = json.loads if output.endswith("JSON") else xmltodict.parse
    count, carry = 0, b""
    started = time.perf_counter()
    timeout = httpx.Timeout(30.0, read=None)
    async with httpx.AsyncClient(timeout=timeout) as client, client.stream("GET", url) as response:
        async for chunk in response.aiter_raw():
            *lines, carry = (carry + chunk).split(b"\n")
            for line in lines:
                if line:
                    parse(line)
                    count += 1
    assert count == total, f"raw read {count} events of {total}"
    return total / (time.perf_counter() - started)


async def _sdk_rate(url: str, output: str, total: int) -> float:
    count = 0
    started = time.perf_counter()
    async with (
        ContactCenter(tenant="bench", base_url=url, data_token="bench") as cc,
        cc.streaming.subscribe("bench", output=output) as events,  # type: ignore[arg-type]
    ):
        async for _ in events:
            count += 1
            if count == total:
                break
    return total / (time.perf_counter() - started)


async def throughput(results: dict[str, float]) -> None:
    """(1) SDK typed events/s vs raw, per output type; best of two runs each."""
    for output, total in EVENTS.items():
        with stream_server(total, output) as server:
            url = server.url + PATH
            raw = max([await _raw_rate(url, output, total) for _ in range(2)])
            sdk = max([await _sdk_rate(url, output, total) for _ in range(2)])
        key = output.lower()
        results[f"1_{key}_raw_events_per_s"] = raw
        results[f"1_{key}_sdk_typed_events_per_s"] = sdk
        results[f"1_{key}_sdk_over_raw"] = sdk / raw


async def reconnect_time(results: dict[str, float]) -> None:
    """(2) forced disconnect → next delivered event, default and fast reconnect policies."""
    healthy = 0.3  # shortened from 60 s so that a short wait makes the next drop a first failure
    policies = {
        "default": ReconnectPolicy(healthy_after=healthy),
        "fast": ReconnectPolicy(initial_delay=0.05, healthy_after=healthy),
    }
    for name, policy in policies.items():
        async with Sandbox(seed=1, sapi_time_scale=60.0) as sb:
            sb.streaming.rate = 200
            async with (
                sb.client() as cc,
                cc.streaming.subscribe("bench", reconnect=policy) as events,
            ):
                await events.__anext__()
                median = await fault_to_event_median(
                    events, sb.streaming.drop, RECONNECT_DROPS, healthy
                )
        results[f"2_reconnect_to_event_s_{name}_median"] = median


async def slow_consumer_memory(results: dict[str, float]) -> None:
    """(3) RSS while a consumer 10x slower than the stream reads for ~3 s."""
    total = 100_000
    with stream_server(total, "NEWLINE_JSON") as server:
        raw_rate = await _raw_rate(server.url + PATH, "NEWLINE_JSON", total)
        per_event = 10 / raw_rate
        before = peak_rss_mb()
        async with (
            ContactCenter(tenant="bench", base_url=server.url, data_token="bench") as cc,
            cc.streaming.subscribe("bench") as events,
        ):
            count = await read_slowly(events, per_event, seconds=3)
        growth = peak_rss_mb() - before
    results["3_slow_consumer_events_read"] = count
    results["3_slow_consumer_peak_rss_growth_mb"] = growth


async def main() -> dict[str, float]:
    """Run (1), (2), (3) and print one table."""
    results: dict[str, float] = {}
    await throughput(results)
    await reconnect_time(results)
    await slow_consumer_memory(results)
    print_table("SAPI stream reader", [(k, f"{v:,.3f}") for k, v in results.items()])
    print(f"  written to {write_results('stream_throughput', results)}")
    return results


if __name__ == "__main__":
    anyio.run(main)
