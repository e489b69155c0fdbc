"""`eightbyeight demo`: the main job end to end on an embedded sandbox, with faults."""

from __future__ import annotations

import datetime as dt
import json
import pathlib
import time

import anyio.to_thread
import attrs
import click
from rich.console import Console
from rich.table import Table

from .._client import ContactCenter
from .._retry import RetryPolicy
from ..sandbox import Sandbox
from ._export import ExportState, export_stats
from ._main import Settings, fail, program, run
from ._stream import Stream, stream_events

DEMO_SUBSCRIPTION = "eightbyeight-demo"
RECONNECT_AFTER_EVENTS = 25
"""The demo drops the SAPI connection once this many events have arrived."""


@attrs.define
class DemoSummary:
    """What the demo did, for the closing table (and for tests)."""

    records: int = 0
    expected_records: int = 0
    identical: bool = False
    files: list[pathlib.Path] = attrs.field(factory=list)
    report_rows: int = 0
    events: int = 0
    reconnects: int = 0
    duplicates_dropped: int = 0
    faults_injected: int = 0
    elapsed: float = 0.0

    def table(self) -> Table:
        """The summary as a two-column table."""
        table = Table(title="eightbyeight demo", show_header=False)
        verified = "yes" if self.identical else "NO"
        rows = [
            ("interactions exported", f"{self.records:,}"),
            ("identical to the sandbox's ground truth", verified),
            ("faults injected and survived", f"{self.faults_injected}"),
            ("analytics report rows", f"{self.report_rows:,}"),
            ("files written", "\n".join(str(path) for path in self.files)),
            ("SAPI events", f"{self.events:,}"),
            ("SAPI reconnects", f"{self.reconnects}"),
            ("duplicates dropped", f"{self.duplicates_dropped:,}"),
            ("elapsed", f"{self.elapsed:.1f}s"),
        ]
        for name, value in rows:
            table.add_row(name, value)
        return table


def _exported_ids(path: pathlib.Path) -> list[int]:
    with open(path, encoding="utf-8") as file:
        return [json.loads(line)["interaction_id"] for line in file]


async def _export_interactions(
    cc: ContactCenter, sb: Sandbox, out_dir: pathlib.Path, days: int, console: Console
) -> tuple[pathlib.Path, int, list[int]]:
    today = sb.tenant.now.date()
    dates = f"{today - dt.timedelta(days=days)},{today + dt.timedelta(days=1)}"
    out = out_dir / "interactions.jsonl"
    state = ExportState(
        endpoint="all-interactions",
        dates=dates,
        tz=None,
        filters={},
        format="jsonl",
        started_on=dt.date.today().isoformat(),
    )
    console.print(f"exporting {days} days of interactions to {out} (with injected faults)")
    done = await export_stats(cc, state, out, resume=False, console=console)
    expected = [
        int(record["interaction-id"]) for record in sb.truth.stats("allinteractions", d=dates)
    ]
    return out, done.records, expected


async def _analytics_report(
    cc: ContactCenter, sb: Sandbox, out_dir: pathlib.Path, console: Console
) -> tuple[pathlib.Path, int]:
    end = sb.tenant.now.replace(minute=0, second=0, microsecond=0)
    console.print("running an analytics report (7 days by queue, daily) to CSV")
    job = await cc.analytics.create_report(
        type="queue-interactions-summary",
        title="Demo queue report",
        start=end - dt.timedelta(days=7),
        end=end,
        granularity="day",
        group_by="queue",
        include_grand_total=True,
    )
    await job.wait(timeout=60)
    path = await job.download(out_dir, format="csv")
    rows = [row async for row in job.rows()]
    return path, len(rows)


async def _consume_events(
    cc: ContactCenter, sb: Sandbox, out_dir: pathlib.Path, seconds: float, console: Console
) -> tuple[pathlib.Path, Stream]:
    out = out_dir / "events.jsonl"
    console.print(f"consuming SAPI events for {seconds:g}s, through a forced reconnect")
    dropped = False

    def force_reconnect(events: Stream) -> None:
        nonlocal dropped
        if not dropped and events.stats.events >= RECONNECT_AFTER_EVENTS:
            dropped = sb.streaming.drop() > 0

    with open(out, "w", encoding="utf-8") as sink:  # noqa: ASYNC230 - small local writes
        events, _ = await stream_events(
            cc,
            DEMO_SUBSCRIPTION,
            output="NEWLINE_JSON",
            out=sink,
            checkpoint=None,
            max_events=None,
            duration=seconds,
            on_event=force_reconnect,
        )
    return out, events


async def run_demo(
    out_dir: pathlib.Path, days: int, seconds: float, console: Console
) -> DemoSummary:
    """Start a sandbox, export, consume events, and return what happened."""
    summary = DemoSummary()
    started = time.perf_counter()
    async with Sandbox(seed=1, days=days, interactions_per_day=120, sapi_time_scale=600) as sb:
        console.print(f"sandbox tenant {sb.tenant_name!r} serving {sb.base_url}")
        sb.faults.status("/api/stats/*", 503, every=5)
        sb.faults.reset("/api/stats/*", count=1)
        sb.faults.latency("/api/stats/*", 0.02)
        sb.streaming.rate = 50
        async with sb.client(retry=RetryPolicy(initial_backoff=0.05)) as cc:
            path, summary.records, expected = await _export_interactions(
                cc, sb, out_dir, days, console
            )
            summary.files.append(path)
            summary.expected_records = len(expected)
            summary.identical = await anyio.to_thread.run_sync(_exported_ids, path) == expected
            path, summary.report_rows = await _analytics_report(cc, sb, out_dir, console)
            summary.files.append(path)
            path, events = await _consume_events(cc, sb, out_dir, seconds, console)
            summary.files.append(path)
        summary.events = events.stats.events
        summary.reconnects = events.stats.reconnects
        summary.duplicates_dropped = events.stats.duplicates_dropped
        summary.faults_injected = sum(sb.faults.injected.values())
    summary.elapsed = time.perf_counter() - started
    return summary


def _plain(_: object, __: object, value: object) -> object:
    return str(value) if isinstance(value, pathlib.Path) else value


@program.command("demo")
@click.option(
    "--out-dir",
    type=click.Path(file_okay=False, path_type=pathlib.Path),
    default=pathlib.Path("eightbyeight-demo"),
    show_default=True,
    help="Where the exported files go.",
)
@click.option("--days", type=click.IntRange(1, 90), default=30, show_default=True)
@click.option(
    "--seconds",
    type=click.FloatRange(1, 60),
    default=4.0,
    show_default=True,
    help="How long to consume SAPI events.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON (for scripts).")
@click.pass_obj
def demo_command(
    settings: Settings, out_dir: pathlib.Path, days: int, seconds: float, as_json: bool
) -> None:
    """Run the main job end to end on an embedded sandbox: a 30-day export under faults,
    an analytics report to CSV, SAPI events through a forced reconnect, and a summary."""
    console = Console(stderr=True)
    out_dir.mkdir(parents=True, exist_ok=True)

    async def main() -> DemoSummary:
        return await run_demo(out_dir, days, seconds, console)

    summary = run(settings, main)
    if as_json:
        click.echo(json.dumps(attrs.asdict(summary, value_serializer=_plain), indent=2))
    else:
        Console().print(summary.table())
    if not summary.identical:
        fail(f"the export differs from the sandbox's {summary.expected_records} records")
