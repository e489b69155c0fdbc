"""The Redis Streams bridge: throughput into Redis and latency out to a consumer.

(1) Events/s from the sandbox's SAPI into a Redis stream through `RedisBridge` (each event's
    entry and its source position in one MULTI/EXEC) vs a raw loop that reads the same
    SAPI stream with the SDK's reader and `XADD`s each entry with no position. The events
    are emitted before the clock starts (`pause()` + `emit(n)`), so the source is not the
    limit; best of three runs each, alternating.
(2) End-to-end latency from the sandbox emitting one event (`emit(1)`) to a
    `RedisEventReader` in a consumer group receiving it, through a running bridge: median and
    p99 over a few hundred events, measured with our own wall-clock stamps (the sandbox's
    `msgInfo.timestamp` follows its simulated clock).

Redis is a real `redis-server` in its own process (a temporary directory, AOF on with the
default `appendfsync everysec`), started and stopped by this benchmark.

    python -m benchmarks.redis_bridge
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import anyio
import redis.asyncio as redis_asyncio

from eightbyeight_async import ContactCenter, RedisBridge, RedisEventReader
from eightbyeight_async._fanout._entries import entry
from eightbyeight_async.sandbox import Sandbox

from ._harness import print_table, write_results

EVENTS = 3_000
RUNS = 3
LATENCY_EVENTS = 300


@contextmanager
def redis_server() -> Iterator[str]:
    """A redis-server on a free 127.0.0.1 port in a temporary directory; yields its URL."""
    binary = shutil.which("redis-server")
    if binary is None:
        raise SystemExit("redis-server is not installed: apt-get install -y redis-server")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with tempfile.TemporaryDirectory(prefix="bench-redis-") as directory:
        command = [
            binary,
            *("--port", str(port), "--bind", "127.0.0.1", "--dir", directory),
            *("--appendonly", "yes", "--appendfsync", "everysec", "--save", ""),
            *("--daemonize", "no", "--protected-mode", "no", "--loglevel", "warning"),
        ]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
        try:
            _wait_until_it_answers(port, process)
            yield f"redis://127.0.0.1:{port}/0"
        finally:
            process.terminate()
            process.wait(timeout=10)


def _wait_until_it_answers(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                if sock.recv(16).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.02)
    process.kill()
    raise RuntimeError(f"redis-server did not start on port {port}")


class _Runs:
    """Fresh subscription ids and stream keys, one per run."""

    def __init__(self) -> None:
        self.count = 0

    def next(self, kind: str) -> tuple[str, str]:
        self.count += 1
        return f"bench-{kind}-{self.count}", f"bench:{kind}:{self.count}"


async def _timed(sb: Sandbox, subscription: str, consume: Any) -> float:
    """Start `consume` (reads EVENTS events of `subscription`), emit them once its stream is
    open, and time from the end of the emit to the last one written; events/s."""
    finished = anyio.Event()
    started = 0.0

    async def run() -> None:
        await consume()
        finished.set()

    async with anyio.create_task_group() as group:
        group.start_soon(run)
        with anyio.fail_after(30):
            await sb.streaming.wait_open(subscription)
        sb.streaming.emit(EVENTS)
        started = time.perf_counter()
        with anyio.fail_after(120):
            await finished.wait()
        elapsed = time.perf_counter() - started
    with anyio.fail_after(30):
        await sb.streaming.wait_closed(subscription)
    return EVENTS / elapsed


async def _bridge_rate(sb: Sandbox, cc: ContactCenter, url: str, runs: _Runs) -> float:
    subscription, stream = runs.next("bridge")

    async def consume() -> None:
        async with RedisBridge(url, stream=stream) as bridge:
            await bridge.run_sapi(cc, subscription, max_events=EVENTS)

    rate = await _timed(sb, subscription, consume)
    async with redis_asyncio.Redis.from_url(url, decode_responses=True) as client:
        assert await client.xlen(stream) == EVENTS
        await client.flushdb()
    return rate


async def _raw_rate(sb: Sandbox, cc: ContactCenter, url: str, runs: _Runs) -> float:
    subscription, stream = runs.next("raw")

    async def consume() -> None:
        count = 0
        async with (
            redis_asyncio.Redis.from_url(url, decode_responses=True) as client,
            cc.streaming.subscribe(subscription) as events,
        ):
            async for event in events:
                fields: dict[Any, Any] = entry(event, "sapi")
                await client.xadd(stream, fields)
                count += 1
                if count == EVENTS:
                    break

    rate = await _timed(sb, subscription, consume)
    async with redis_asyncio.Redis.from_url(url, decode_responses=True) as client:
        assert await client.xlen(stream) == EVENTS
        await client.flushdb()
    return rate


async def throughput(url: str, results: dict[str, float]) -> None:
    """(1) bridge events/s vs raw XADD events/s, best of RUNS each, alternating."""
    runs = _Runs()
    async with Sandbox(seed=1) as sb, sb.client() as cc:
        sb.streaming.pause()
        raw, bridge = [], []
        for _ in range(RUNS):
            raw.append(await _raw_rate(sb, cc, url, runs))
            bridge.append(await _bridge_rate(sb, cc, url, runs))
    results["1_raw_xadd_events_per_s"] = max(raw)
    results["1_bridge_events_per_s"] = max(bridge)
    results["1_bridge_over_raw"] = max(bridge) / max(raw)


async def latency(url: str, results: dict[str, float]) -> None:
    """(2) sandbox emit → RedisEventReader receives, one event at a time, through a bridge."""
    stream, subscription = "bench:latency", "bench-latency"
    times: list[float] = []
    async with (
        Sandbox(seed=2) as sb,
        sb.client() as cc,
        RedisBridge(url, stream=stream) as bridge,
        RedisEventReader(url, stream=stream, group="bench", consumer="c1", start="0") as reader,
        anyio.create_task_group() as group,
    ):
        sb.streaming.pause()
        group.start_soon(bridge.run_sapi, cc, subscription)
        with anyio.fail_after(30):
            await sb.streaming.wait_open(subscription)
        for _ in range(LATENCY_EVENTS + 10):
            (frame,) = sb.streaming.emit(1)
            emitted = time.perf_counter()
            with anyio.fail_after(10):
                received = await reader.__anext__()
            times.append(time.perf_counter() - emitted)
            assert received.event.raw == frame
        group.cancel_scope.cancel()
    times = sorted(times[10:])  # the first few warm the connections up
    results["2_latency_ms_median"] = times[len(times) // 2] * 1000
    results["2_latency_ms_p99"] = times[int(len(times) * 0.99)] * 1000
    results["2_latency_events"] = len(times)


async def main() -> dict[str, float]:
    """Run (1) and (2) against one redis-server and print one table."""
    results: dict[str, float] = {}
    with redis_server() as url:
        await throughput(url, results)
        await latency(url, results)
    print_table("Redis Streams bridge", [(k, f"{v:,.3f}") for k, v in results.items()])
    print(f"  written to {write_results('redis_bridge', results)}")
    return results


if __name__ == "__main__":
    anyio.run(main)
