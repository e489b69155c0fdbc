"""Shared benchmark helpers: best-of-N timing, result output, server subprocesses."""

from __future__ import annotations

import json
import pathlib
import resource
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from typing import Any, Protocol

import anyio

RESULTS_DIR = pathlib.Path(__file__).parent / "results"


async def read_slowly(events: AsyncIterator[object], per_event: float, seconds: float) -> int:
    """Consume `events` at one per `per_event` seconds for `seconds`; how many were read."""
    count, deadline = 0, time.monotonic() + seconds
    async for _ in events:
        count += 1
        await anyio.sleep(per_event)
        if time.monotonic() > deadline:
            break
    return count


class Reconnecting(Protocol):
    """A stream reader that counts its reconnects (SAPI's and Event Streaming's)."""

    stats: Any

    def __anext__(self) -> Awaitable[object]: ...


async def fault_to_event_median(
    events: Reconnecting, fault: Callable[[], object], rounds: int, healthy: float
) -> float:
    """Median seconds from `fault()` (which forces a reconnect) to the next delivered event,
    each fault after the connection has been healthy for `healthy` seconds, so that each
    measures a first backoff rather than a window that doubled."""
    times = []
    for _ in range(rounds):
        healthy_at = time.perf_counter() + healthy * 1.5
        while time.perf_counter() < healthy_at:
            await events.__anext__()
        reconnects = events.stats.reconnects
        fault()
        forced = time.perf_counter()
        while events.stats.reconnects == reconnects:
            await events.__anext__()
        await events.__anext__()
        times.append(time.perf_counter() - forced)
    return sorted(times)[len(times) // 2]


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def best_time(run: Callable[[], Awaitable[object]], repeat: int = 3) -> float:
    """The fastest of `repeat` runs, in seconds (the least disturbed by a noisy machine)."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        await run()
        times.append(time.perf_counter() - start)
    return min(times)


def print_table(title: str, rows: Sequence[tuple[str, str]]) -> None:
    """Print `rows` of (measure, value) under a title."""
    width = max(len(name) for name, _ in rows)
    print(f"\n{title}")
    for name, value in rows:
        print(f"  {name.ljust(width)}  {value}")


def write_results(name: str, results: dict[str, float]) -> pathlib.Path:
    """Write one benchmark's figures as JSON under benchmarks/results/ (not committed)."""
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / f"{name}.json"
    path.write_text(json.dumps(results, indent=2) + "\n")
    return path


class ServerProcess:
    """A benchmark server module (`python -m benchmarks._x --port N ...`) in a subprocess,
    so the server's CPU is not the client's; alive for the duration of a `with` block."""

    def __init__(self, module: str, *arguments: str) -> None:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
            sock.bind(("127.0.0.1", 0))
            self.port: int = sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._command = [sys.executable, "-m", module, "--port", str(self.port), *arguments]

    def __enter__(self) -> ServerProcess:
        self._process = subprocess.Popen(self._command)  # noqa: S603
        for _ in range(600):  # bounded: up to ~30 s to render its content and start
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    return self
            except OSError:
                time.sleep(0.05)
        self._process.kill()
        raise RuntimeError(f"the benchmark server {self._command[2]} did not start")

    def __exit__(self, *_: object) -> None:
        self._process.terminate()
        self._process.wait(timeout=10)
