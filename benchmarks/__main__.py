"""`python -m benchmarks`: run every benchmark and print its ratios."""

from __future__ import annotations

import anyio

from . import bench_pipeline, stats_export, stream_throughput


async def main() -> None:
    """Run the benchmarks one after another (never concurrently: they would skew each other)."""
    await bench_pipeline.main()
    await stats_export.main()
    await stream_throughput.main()


if __name__ == "__main__":
    anyio.run(main)
