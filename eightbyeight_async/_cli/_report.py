"""`eightbyeight report`: analytics report jobs (create, wait, download, status, rows)."""

from __future__ import annotations

import pathlib
import sys
from typing import Any

import click

from .._client import ContactCenter
from .._resources._analytics_validation import GRANULARITIES
from .._resources._report_job import ReportJob
from .._serialize import json_line, to_dict
from ._main import Settings, fail, program, run


def _filters(pairs: tuple[str, ...]) -> dict[str, list[str]]:
    filters: dict[str, list[str]] = {}
    for pair in pairs:
        name, sep, values = pair.partition("=")
        if not sep or not name.strip() or not values.strip():
            fail(f"--filter takes name=value[,value...] (e.g. queue=103,330); got {pair!r}")
        filters.setdefault(name.strip(), []).extend(v.strip() for v in values.split(","))
    return filters


def _intraday(text: str | None) -> tuple[str, str] | None:
    if text is None:
        return None
    start, sep, end = text.partition("-")
    if not sep:
        fail(f"--intraday takes START-END times (e.g. 08:30-17:00); got {text!r}")
    return start.strip(), end.strip()


async def finish(
    job: ReportJob, *, timeout: float, download: pathlib.Path | None, file_format: str
) -> pathlib.Path | None:
    """Wait for the job, then download its file into `download` if given."""
    await job.wait(timeout=timeout)
    if download is None:
        return None
    return await job.download(download, format=file_format)  # type: ignore[arg-type]


@program.group()
def report() -> None:
    """Analytics report jobs."""


@report.command("create")
@click.option("--type", "report_type", required=True, help="e.g. queue-interactions-summary")
@click.option("--title", required=True)
@click.option("--start", required=True, help="ISO date-time with a zone, e.g. 2024-06-01T00:00Z")
@click.option("--end", required=True, help="ISO date-time with a zone.")
@click.option("--granularity", type=click.Choice(GRANULARITIES), required=True)
@click.option("--group-by", required=True, help="e.g. queue, media-and-queue")
@click.option("--filter", "filters", multiple=True, metavar="NAME=V1,V2", help="Repeatable.")
@click.option("--metric", "metrics", multiple=True, help="Repeatable; default: all metrics.")
@click.option("--tz", help="IANA name, e.g. America/New_York.")
@click.option("--intraday", metavar="HH:MM-HH:MM", help="Only this part of each day.")
@click.option("--subtotals", is_flag=True, help="Include subtotal rows.")
@click.option("--grand-total", is_flag=True, help="Include the grand total row.")
@click.option("--wait", is_flag=True, help="Wait until the report is DONE.")
@click.option("--timeout", type=click.FloatRange(min=0), default=600.0, show_default=True)
@click.option(
    "--download",
    type=click.Path(path_type=pathlib.Path),
    help="Directory (or file) to save the report to; implies --wait.",
)
@click.option("--format", "file_format", type=click.Choice(["csv", "xlsx"]), default="csv")
@click.pass_obj
def create_command(
    settings: Settings,
    report_type: str,
    title: str,
    start: str,
    end: str,
    granularity: str,
    group_by: str,
    filters: tuple[str, ...],
    metrics: tuple[str, ...],
    tz: str | None,
    intraday: str | None,
    subtotals: bool,
    grand_total: bool,
    wait: bool,
    timeout: float,
    download: pathlib.Path | None,
    file_format: str,
) -> None:
    """Create a summary report; print its id (and, with --wait/--download, its outcome)."""
    arguments: dict[str, Any] = {
        "type": report_type,
        "title": title,
        "start": start,
        "end": end,
        "granularity": granularity,
        "group_by": group_by,
        "filters": _filters(filters),
        "metrics": list(metrics) or None,
        "tz": tz,
        "intraday": _intraday(intraday),
        "include_subtotals": subtotals,
        "include_grand_total": grand_total,
    }

    async def main() -> list[str]:
        async with settings.connect() as (cc, _):
            job = await cc.analytics.create_report(**arguments)
            lines = [f"report {job.id} created"]
            if wait or download is not None:
                path = await finish(
                    job, timeout=timeout, download=download, file_format=file_format
                )
                lines.append(f"report {job.id} {job.status}")
                if path is not None:
                    lines.append(f"saved {path}")
            return lines

    for line in run(settings, main):
        click.echo(line)


@report.command("status")
@click.argument("report_id")
@click.pass_obj
def status_command(settings: Settings, report_id: str) -> None:
    """Print a report's status (IN_PROGRESS, DONE or FAILED)."""

    async def main() -> str:
        async with settings.connect() as (cc, _):
            return str(await cc.analytics.report(report_id).refresh())

    click.echo(run(settings, main))


async def write_rows(cc: ContactCenter, report_id: str, out: pathlib.Path | None) -> int:
    """Every JSON row of a finished report as JSON Lines (to `out`, or stdout)."""
    job = cc.analytics.report(report_id)
    await job.refresh()
    count = 0
    sink = sys.stdout if out is None else open(out, "w", encoding="utf-8")  # noqa: ASYNC230, SIM115
    try:
        async for row in job.rows():
            sink.write(json_line({**to_dict(row), "raw": row.raw}))
            count += 1
    finally:
        if out is not None:
            sink.close()
    return count


@report.command("rows")
@click.argument("report_id")
@click.option(
    "--out", type=click.Path(dir_okay=False, path_type=pathlib.Path), help="Default: stdout."
)
@click.pass_obj
def rows_command(settings: Settings, report_id: str, out: pathlib.Path | None) -> None:
    """Write a finished report's rows as JSON Lines (up to the API's 10,000)."""

    async def main() -> int:
        async with settings.connect() as (cc, _):
            return await write_rows(cc, report_id, out)

    count = run(settings, main)
    click.echo(f"{count:,} rows", err=True)
