"""`eightbyeight export interactions`: months of interactions as detailed reports, one per
slice, several in flight, resumable after anything (`kill -9` included) with `--resume`."""

from __future__ import annotations

import datetime as dt
import pathlib
import re
import time

import click
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .._client import ContactCenter
from .._resources._export_checkpoint import FileExportCheckpoint
from .._resources._export_files import ExportFormat
from .._resources._interaction_export import InteractionExport
from ._export import export
from ._main import Settings, fail, run

_DURATION = re.compile(r"^(\d+)([mhd])$")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def checkpoint_path(out: pathlib.Path) -> pathlib.Path:
    """Where the export to `out` keeps its checkpoint (the slices already written)."""
    return out.with_name(out.name + ".export.json")


def duration(text: str, option: str) -> dt.timedelta:
    """`1d`, `6h`, `30m` as a timedelta; a usage error otherwise."""
    match = _DURATION.match(text.strip())
    if match is None:
        raise click.BadParameter(f"{text!r} is not like 1d, 6h or 30m", param_hint=option)
    return dt.timedelta(**{_UNITS[match[2]]: int(match[1])})


def instant(text: str, option: str) -> dt.datetime:
    """An ISO date or instant; a date is midnight UTC, an instant needs its zone."""
    try:
        moment = dt.datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith("Z") else text)
    except ValueError:
        raise click.BadParameter(
            f"{text!r} is not an ISO date or instant", param_hint=option
        ) from None
    if moment.tzinfo is None:
        if len(text) > 10:
            raise click.BadParameter(f"{text!r} needs a zone, like Z", param_hint=option)
        moment = moment.replace(tzinfo=dt.timezone.utc)
    return moment


async def _write(
    export: InteractionExport, out: pathlib.Path, fmt: ExportFormat, quiet: bool
) -> int:
    """Write with a progress bar over slices and a running row count."""
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total} slices · {task.fields[rows]:,} rows"),
        TimeElapsedColumn(),
    )
    console = Console(stderr=True)
    stats = export.stats
    with Progress(*columns, console=console, disable=quiet) as progress:
        task = progress.add_task("interactions", total=stats.slices, rows=0)

        async def tick() -> None:
            done = stats.slices_done + stats.slices_skipped
            progress.update(task, completed=done, rows=stats.rows)

        rows = await export.write(out, fmt, on_progress=tick)
        await tick()
    return rows


@export.command("interactions")
@click.option("--start", required=True, help="ISO date or instant, e.g. 2026-05-01 or ...T08:00Z.")
@click.option("--end", required=True, help="ISO date or instant (exclusive).")
@click.option("--slice", "slice_text", default="1d", show_default=True, help="Slice length.")
@click.option("--concurrency", type=click.IntRange(1, 32), default=8, show_default=True)
@click.option("--lookback", help="Re-read this much before what is done (late arrivals), e.g. 6h.")
@click.option("--tz", help="IANA time zone of the reports (default: the tenant's).")
@click.option("--out", type=click.Path(dir_okay=False, path_type=pathlib.Path), required=True)
@click.option("--resume", is_flag=True, help="Continue an export into --out from its checkpoint.")
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@click.pass_obj
def export_interactions_command(
    settings: Settings,
    start: str,
    end: str,
    slice_text: str,
    concurrency: int,
    lookback: str | None,
    tz: str | None,
    out: pathlib.Path,
    resume: bool,
    quiet: bool,
) -> None:
    """Export every interaction from --start to --end (detailed reports, no row cap) to
    JSONL or CSV (by --out's suffix). Each finished slice is saved; after any interruption
    run the same command with --resume: unfinished slices are read again, none twice."""
    fmt: ExportFormat = "csv" if out.suffix.lower() == ".csv" else "jsonl"
    begin, finish = instant(start, "--start"), instant(end, "--end")
    length = duration(slice_text, "--slice")
    back = duration(lookback, "--lookback") if lookback else None
    store = FileExportCheckpoint(checkpoint_path(out))
    if resume and store.load() is None:
        fail(f"nothing to resume: no {store.path.name} next to {out}; run without --resume")
    if not resume and store.path.exists():
        fail(f"{out} has an export checkpoint ({store.path.name}): add --resume, or delete it")

    async def main() -> tuple[int, InteractionExport]:
        async with settings.connect() as (cc, _):
            return await _export(cc)

    async def _export(cc: ContactCenter) -> tuple[int, InteractionExport]:
        async with cc.analytics.export_interactions(
            start=begin,
            end=finish,
            slice=length,
            concurrency=concurrency,
            checkpoint=store,
            lookback=back,
            tz=tz,
        ) as export:
            return await _write(export, out, fmt, quiet), export

    started = time.perf_counter()
    rows, export = run(settings, main)
    stats = export.stats
    click.echo(
        f"exported {stats.rows:,} interactions this run ({rows:,} in {out}); "
        f"{stats.slices_done} slices read, {stats.slices_skipped} already done, "
        f"{stats.slice_retries} re-read, in {time.perf_counter() - started:.1f}s"
    )
