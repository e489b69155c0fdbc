"""Small shared timing helpers: best-of-N wall time of an async callable, and result output."""

from __future__ import annotations

import json
import pathlib
import time
from collections.abc import Awaitable, Callable, Sequence

RESULTS_DIR = pathlib.Path(__file__).parent / "results"


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
