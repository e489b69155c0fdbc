"""Event Streaming reader throughput, reconnect time and memory under a slow consumer.

(1) Typed events/s read by `cc.events` (acknowledging each) from a server in another process
    writing pre-rendered frames as fast as it can, vs a raw WebSocket read (httpx-ws) +
    JSON + base64 + JSON parse of the same frames, without acks.
(2) Time from a forced disconnect (sandbox `drop()`, and a clean `close(1000)`) to the next
    delivered event, each after a healthy connection (a first backoff, not a doubled one).
(3) Peak RSS growth while a consumer 10x slower than the stream reads for a few seconds.

    python -m benchmarks.event_streaming
"""

from __future__ import annotations

import base64
import json
import time
from collections.abc import Callable

import anyio
import httpx
from httpx_ws import AsyncWebSocketSession, aconnect_ws

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

EVENTS = 100_000
RECONNECTS = 9
PATH = "/ws/v2/reader/persistent/bench/event-v1/all"


def events_server(total: int) -> ServerProcess:
    return ServerProcess("benchmarks._events_server", "--events", str(total))


def _client(server: ServerProcess) -> ContactCenter:
    return ContactCenter(
        tenant="bench", events_api_key="eght_bench", events_url=server.url.replace("http", "ws")
    )


async def _raw_rate(server: ServerProcess, total: int) -> float:
    started = time.perf_counter()
    ws: AsyncWebSocketSession
    async with httpx.AsyncClient() as client, aconnect_ws(server.url + PATH, client) as ws:
        for _ in range(total):
            envelope = json.loads(await ws.receive_text())
            json.loads(base64.b64decode(envelope["payload"]))
    return total / (time.perf_counter() - started)


async def _sdk_rate(server: ServerProcess, total: int) -> float:
    count = 0
    started = time.perf_counter()
    async with _client(server) as cc, cc.events.subscribe(start="earliest") as events:
        async for _ in events:
            count += 1
            if count == total:
                break
    return total / (time.perf_counter() - started)


async def throughput(results: dict[str, float]) -> None:
    """(1) SDK typed events/s vs raw; best of two runs each."""
    with events_server(EVENTS) as server:
        raw = max([await _raw_rate(server, EVENTS) for _ in range(2)])
        sdk = max([await _sdk_rate(server, EVENTS) for _ in range(2)])
    results["1_raw_events_per_s"] = raw
    results["1_sdk_typed_events_per_s"] = sdk
    results["1_sdk_over_raw"] = sdk / raw


async def reconnect_time(results: dict[str, float]) -> None:
    """(2) forced disconnect → next delivered event, default and fast policies."""
    healthy = 0.3  # shortened from 60 s so that a short wait makes the next fault a first one
    policies = {
        "default": ReconnectPolicy(healthy_after=healthy),
        "fast": ReconnectPolicy(initial_delay=0.05, healthy_after=healthy),
    }
    for name, policy in policies.items():
        async with Sandbox(seed=1) as sb:
            sb.events.rate = 200
            faults: dict[str, Callable[[], int]] = {
                "drop": sb.events.drop,
                "close_1000": lambda: sb.events.close(1000),
            }
            async with sb.client() as cc, cc.events.subscribe(reconnect=policy) as events:
                await events.__anext__()
                for fault_name, fault in faults.items():
                    median = await fault_to_event_median(events, fault, RECONNECTS, healthy)
                    results[f"2_{fault_name}_to_event_s_{name}_median"] = median


async def slow_consumer_memory(results: dict[str, float]) -> None:
    """(3) RSS while a consumer 10x slower than the stream reads for ~3 s."""
    with events_server(EVENTS) as server:
        per_event = 10 / await _raw_rate(server, 20_000)
        before = peak_rss_mb()
        async with _client(server) as cc, cc.events.subscribe(start="earliest") as events:
            count = await read_slowly(events, per_event, seconds=3)
    results["3_slow_consumer_events_read"] = count
    results["3_slow_consumer_peak_rss_growth_mb"] = peak_rss_mb() - before


async def main() -> dict[str, float]:
    """Run (1), (2), (3) and print one table."""
    results: dict[str, float] = {}
    await throughput(results)
    await reconnect_time(results)
    await slow_consumer_memory(results)
    print_table("Event Streaming reader", [(k, f"{v:,.3f}") for k, v in results.items()])
    print(f"  written to {write_results('event_streaming', results)}")
    return results


if __name__ == "__main__":
    anyio.run(main)
