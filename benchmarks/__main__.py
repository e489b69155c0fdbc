"""`python -m benchmarks [name ...]`: run the benchmarks, print one table of the headline
figures (all measured in this run), and write every figure to benchmarks/results/summary.json.

Names: pipeline, stats_export, stream_throughput, event_streaming, analytics_rows,
sharded_export, rate_limited, redis_bridge, transport (default: all, in order).
"""

from __future__ import annotations

import json
import sys
from collections.abc import Awaitable, Callable

import anyio

from . import (
    analytics_rows,
    bench_pipeline,
    event_streaming,
    rate_limited,
    redis_bridge,
    sharded_export,
    stats_export,
    stream_throughput,
    transport,
)
from ._harness import RESULTS_DIR

BENCHMARKS: dict[str, Callable[[], Awaitable[dict[str, float]]]] = {
    "pipeline": bench_pipeline.main,
    "stats_export": stats_export.main,
    "stream_throughput": stream_throughput.main,
    "event_streaming": event_streaming.main,
    "analytics_rows": analytics_rows.main,
    "sharded_export": sharded_export.main,
    "rate_limited": rate_limited.main,
    "redis_bridge": redis_bridge.main,
    "transport": transport.main,
}

HEADLINES = [
    ("pipeline", "sdk_over_httpx_time_c1", "SDK / raw httpx time per request, 1 at a time", "≈1"),
    ("pipeline", "sdk_over_httpx_time_c8", "SDK / raw httpx time per request, 8 at a time", "≈1"),
    ("stats_export", "a_speedup_default", "stats export, prefetch / sequential, 50 ms", "≥6"),
    ("stats_export", "b_sdk_over_raw", "typed records / raw dicts throughput", "≥0.7"),
    ("stats_export", "c_growth_mb", "export RSS growth, 20k → 200k records (MB)", "≈0"),
    ("stream_throughput", "1_newline_json_sdk_over_raw", "SAPI typed / raw events/s, JSON", "≥0.5"),
    ("stream_throughput", "1_newline_xml_sdk_over_raw", "SAPI typed / raw events/s, XML", "-"),
    (
        "stream_throughput",
        "1_newline_json_sdk_typed_events_per_s",
        "SAPI typed events/s, JSON",
        "-",
    ),
    ("stream_throughput", "2_reconnect_to_event_s_default_median", "drop → next event (s)", "-"),
    ("stream_throughput", "3_slow_consumer_peak_rss_growth_mb", "10x slow consumer RSS (MB)", "≈0"),
    ("event_streaming", "1_sdk_over_raw", "Event Streaming typed / raw WebSocket events/s", "≥0.3"),
    ("event_streaming", "1_sdk_typed_events_per_s", "Event Streaming typed events/s", "-"),
    ("event_streaming", "2_drop_to_event_s_default_median", "ES drop → next event (s)", "-"),
    ("event_streaming", "2_close_1000_to_event_s_default_median", "ES close → next event (s)", "-"),
    (
        "event_streaming",
        "3_slow_consumer_peak_rss_growth_mb",
        "ES 10x slow consumer RSS (MB)",
        "≈0",
    ),
    ("analytics_rows", "speedup", "report rows/s, job.rows() / sequential, 50 ms", "≥3"),
    ("analytics_rows", "download_peak_over_size", "download() peak memory / file size", "≪1"),
    ("sharded_export", "a_speedup_1000", "month export, sharded / one report, 50 ms", "≥6"),
    ("sharded_export", "a_speedup_100", "the same at 100-row pages", "-"),
    ("sharded_export", "a_sharded_rows_per_s_1000", "sharded export rows/s (95 metrics)", "-"),
    ("sharded_export", "b_growth_mb_10_to_100_slices", "export peak, 10 → 100 slices (MB)", "≈0"),
    ("rate_limited", "429_fixed_rate_over_limit", "60 req/s limit, 429, fixed: rate / R", "-"),
    ("rate_limited", "429_adaptive_rate_over_limit", "60 req/s limit, 429: rate / R", "≥0.9"),
    ("rate_limited", "429_adaptive_refused_share", "60 req/s limit, 429: refused", "≤5%"),
    ("rate_limited", "503_fixed_rate_over_limit", "60 req/s limit, 503, fixed: rate / R", "-"),
    ("rate_limited", "503_adaptive_rate_over_limit", "60 req/s limit, 503: rate / R", "≥0.9"),
    ("rate_limited", "503_adaptive_refused_share", "60 req/s limit, 503: refused", "≤5%"),
    ("redis_bridge", "1_bridge_over_raw", "SAPI → Redis, bridge / raw XADD events/s", "≥0.5"),
    ("redis_bridge", "1_bridge_events_per_s", "SAPI → Redis bridge events/s", "-"),
    ("redis_bridge", "2_latency_ms_median", "emit → Redis consumer, median (ms)", "-"),
    ("redis_bridge", "2_latency_ms_p99", "emit → Redis consumer, p99 (ms)", "-"),
    ("transport", "stats_fast_over_raw_httpx", "stats typed, aiohttp wire / raw httpx", "≥2"),
    ("transport", "stats_fast_over_raw_aiohttp", "stats typed, aiohttp wire / raw aiohttp", "≥0.6"),
    ("transport", "stats_default_over_raw_httpx", "stats typed, httpx wire / raw httpx", "≥0.9"),
    ("transport", "stats_sdk_fast_records_per_s", "stats typed records/s, aiohttp wire", "-"),
    ("transport", "rows_fast_over_raw_httpx", "job.rows(), aiohttp wire / raw httpx", "≥2"),
    ("transport", "rows_fast_over_raw_aiohttp", "job.rows(), aiohttp wire / raw aiohttp", "≥0.6"),
    ("transport", "rows_default_over_raw_httpx", "job.rows(), httpx wire / raw httpx", "≥0.9"),
    ("transport", "rows_sdk_fast_rows_per_s", "job.rows() rows/s, aiohttp wire", "-"),
]


async def run(names: list[str]) -> dict[str, dict[str, float]]:
    """Run the named benchmarks one after another (never concurrently: they would skew each
    other) and return their figures by benchmark."""
    return {name: await BENCHMARKS[name]() for name in names}


def main() -> None:
    names = sys.argv[1:] or list(BENCHMARKS)
    unknown = [name for name in names if name not in BENCHMARKS]
    if unknown:
        choices = ", ".join(BENCHMARKS)
        raise SystemExit(f"unknown benchmark {', '.join(unknown)}; choose from {choices}")
    figures = anyio.run(run, names)
    rows = [
        (description, f"{figures[name][key]:,.3g}", target)
        for name, key, description, target in HEADLINES
        if key in figures.get(name, {})
    ]
    width = max(len(row[0]) for row in rows)
    print("\nHeadline figures (this run)")
    print(f"  {'measure'.ljust(width)}  {'value':>10}  target")
    for description, value, target in rows:
        print(f"  {description.ljust(width)}  {value:>10}  {target}")
    RESULTS_DIR.mkdir(exist_ok=True)
    path = RESULTS_DIR / "summary.json"
    path.write_text(json.dumps(figures, indent=2) + "\n")
    print(f"  all figures written to {path}")


if __name__ == "__main__":
    main()
