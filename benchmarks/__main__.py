"""`python -m benchmarks`: run every benchmark and print its ratios."""

from __future__ import annotations

import anyio

from . import bench_pipeline


async def main() -> None:
    """Run the benchmarks one after another (never concurrently: they would skew each other)."""
    await bench_pipeline.main()


if __name__ == "__main__":
    anyio.run(main)
