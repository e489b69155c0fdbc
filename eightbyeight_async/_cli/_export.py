"""`eightbyeight export stats`: a resumable bulk export of any statistics listing."""

from __future__ import annotations

import datetime as dt
import inspect
import json
import os
import pathlib
import time
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal

import attrs
import click
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from .._client import ContactCenter
from .._endpoints import keyword_options
from .._formats import decode_csv
from .._paginators import OffsetPaginator
from .._resources.stats import Stats
from .._serialize import json_line, to_dict
from ._main import Settings, fail, program, run

ExportFormat = Literal["jsonl", "csv"]


def _listings() -> dict[str, str]:
    """Command name → `cc.stats` method, for every method that returns a listing."""
    return {
        name.replace("_", "-"): name
        for name, function in inspect.getmembers(Stats, inspect.isfunction)
        if not name.startswith("_")
        and str(inspect.signature(function).return_annotation).startswith("OffsetPaginator")
    }


STATS_LISTINGS = _listings()


@attrs.define
class ExportState:
    """The sidecar `<out>.progress.json`: what is being exported and how far it got. Saved
    after every page written, so `--resume` continues from the last complete page."""

    endpoint: str
    dates: str | None
    tz: str | None
    filters: dict[str, str]
    format: ExportFormat
    started_on: str
    records: int = 0
    pages: int = 0
    bytes: int = 0
    complete: bool = False

    def same_query(self, other: ExportState) -> bool:
        """Whether `other` asks for the same listing (resuming anything else would mix them)."""
        keys = ("endpoint", "dates", "tz", "filters", "format")
        return all(getattr(self, key) == getattr(other, key) for key in keys)

    def save(self, path: pathlib.Path) -> None:
        """Write atomically: a crash never leaves a half-written progress file."""
        temporary = path.with_name(path.name + ".tmp")
        temporary.write_text(json.dumps(attrs.asdict(self), indent=2))
        os.replace(temporary, path)

    @classmethod
    def load(cls, path: pathlib.Path) -> ExportState:
        """Read a progress file, with a clear error when it is not one."""
        try:
            return cls(**json.loads(path.read_text()))
        except (ValueError, TypeError) as exc:
            fail(f"{path} is not an export progress file ({exc}); delete it to start over")


def progress_path(out: pathlib.Path) -> pathlib.Path:
    """Where the export to `out` keeps its progress."""
    return out.with_name(out.name + ".progress.json")


def _parse_filters(pairs: tuple[str, ...]) -> dict[str, str]:
    filters = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            fail(f"--filter takes key=value (e.g. media_type=T or agent_id=fred); got {pair!r}")
        filters[key.strip().replace("-", "_")] = value
    return filters


NOT_FILTERS = frozenset(
    {"format", "limit", "prefetch", "timeout", "retry", "dates", "tz", "filters"}
)
"""Listing keywords a `--filter` cannot set."""


def _listing_call(
    cc: ContactCenter, state: ExportState, prefetch: int | None
) -> OffsetPaginator[Any]:
    """The `cc.stats` listing the state describes, with its arguments checked."""
    method: Callable[..., OffsetPaginator[Any]] = getattr(cc.stats, STATS_LISTINGS[state.endpoint])
    parameters = keyword_options(method)
    arguments: dict[str, Any] = {"format": "json", "prefetch": prefetch}
    for name, value in (("dates", state.dates), ("tz", state.tz)):
        if value is not None:
            if name not in parameters:
                fail(f"{state.endpoint} takes no --{name}")
            arguments[name] = value
    filters: dict[str, str] = {}
    for name, value in state.filters.items():
        if name in parameters and name not in NOT_FILTERS:
            arguments[name] = value  # an owner id: agent_id=fred
        elif "filters" in parameters:
            filters[name] = value
        else:
            accepted = sorted(parameters - NOT_FILTERS)
            fail(f"{state.endpoint} takes no {name}; it takes {', '.join(accepted) or 'nothing'}")
    if filters:
        arguments["filters"] = filters
    return method(**arguments)


async def _pages(
    paginator: OffsetPaginator[Any], export_format: ExportFormat, first: bool
) -> AsyncIterator[tuple[bytes, int]]:
    """Each page as the bytes to append to the output, with its record count."""
    if export_format == "jsonl":
        async for records in paginator.pages():
            lines = [json_line(to_dict(record)) for record in records]
            yield "".join(lines).encode(), len(records)
        return
    async for body in paginator.csv_pages():
        count = len(decode_csv(body))
        if not first:  # every page repeats the header: keep only the file's first
            body = body.split(b"\n", 1)[1] if b"\n" in body else b""
        first = False
        yield body, count


async def export_stats(
    cc: ContactCenter,
    state: ExportState,
    out: pathlib.Path,
    *,
    resume: bool,
    console: Console,
    quiet: bool = False,
    prefetch: int | None = None,
) -> ExportState:
    """Export the listing to `out`, appending after `state` when resuming."""
    paginator = _listing_call(cc, state, prefetch)
    if resume:
        paginator = paginator.skip(state.records)
    sidecar = progress_path(out)
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        TextColumn("{task.completed:,.0f} records · {task.fields[pages]} pages"),
        TextColumn("· {task.fields[rate]:,.0f}/s"),
        TimeElapsedColumn(),
    )
    started = time.perf_counter()
    with (
        open(out, "r+b" if resume else "wb") as file,  # noqa: ASYNC230 - local file, small writes
        Progress(*columns, console=console, disable=quiet) as progress,
    ):
        file.truncate(state.bytes)
        file.seek(state.bytes)
        task = progress.add_task(
            state.endpoint, total=None, completed=state.records, pages=state.pages, rate=0
        )
        async for body, count in _pages(paginator, state.format, first=state.bytes == 0):
            file.write(body)
            file.flush()
            state.records += count
            state.pages += 1
            state.bytes = file.tell()
            state.save(sidecar)
            rate = state.records / max(time.perf_counter() - started, 1e-9)
            progress.update(task, completed=state.records, pages=state.pages, rate=rate)
    state.complete = True
    state.save(sidecar)
    return state


def resumable_state(requested: ExportState, out: pathlib.Path) -> ExportState:
    """The saved state to continue from, after checking it is the same export."""
    sidecar = progress_path(out)
    if not sidecar.exists() or not out.exists():
        fail(f"nothing to resume: no {sidecar.name} next to {out}; run without --resume")
    saved = ExportState.load(sidecar)
    if not saved.same_query(requested):
        fail(
            f"{out} holds a different export ({saved.endpoint}, dates {saved.dates}); "
            "use another --out or run without --resume"
        )
    if saved.complete:
        fail(f"{out} is already complete ({saved.records} records); nothing to resume")
    relative = saved.dates is not None and "today" in saved.dates
    if relative and saved.started_on != requested.started_on:
        fail(
            f"--dates {saved.dates} is relative and the day has changed since the export "
            "began, so the listing has moved; start over, or use absolute dates"
        )
    if out.stat().st_size < saved.bytes:
        fail(f"{out} is shorter than its progress file says; start over without --resume")
    return saved


@program.group()
def export() -> None:
    """Bulk exports."""


@export.command("stats")
@click.argument("endpoint", type=click.Choice(sorted(STATS_LISTINGS)), metavar="ENDPOINT")
@click.option("--dates", help="A date range: 'today-30d,today', '2024-05-01,2024-06-01', ...")
@click.option("--tz", help="IANA time zone of the dates (default: the tenant's).")
@click.option(
    "--filter",
    "filters",
    multiple=True,
    metavar="KEY=VALUE",
    help="An id or query variable: agent_id=fred, queue_id=102, media_type=T (repeatable).",
)
@click.option(
    "--format",
    "export_format",
    type=click.Choice(["jsonl", "csv"]),
    default="jsonl",
    show_default=True,
)
@click.option("--out", type=click.Path(dir_okay=False, path_type=pathlib.Path), required=True)
@click.option("--resume", is_flag=True, help="Continue an interrupted export into --out.")
@click.option(
    "--prefetch",
    type=click.IntRange(min=1),
    help="Pages in flight at once (default 16; 1 is gentlest on the server).",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress display.")
@click.pass_obj
def export_stats_command(
    settings: Settings,
    endpoint: str,
    dates: str | None,
    tz: str | None,
    filters: tuple[str, ...],
    export_format: ExportFormat,
    out: pathlib.Path,
    resume: bool,
    prefetch: int | None,
    quiet: bool,
) -> None:
    """Export a statistics listing (ENDPOINT, e.g. all-interactions) to JSONL or CSV.

    Progress is saved next to --out after every page; if the export stops (network,
    server, Ctrl-C), run the same command with --resume to continue where it ended.
    """
    requested = ExportState(
        endpoint=endpoint,
        dates=dates,
        tz=tz,
        filters=_parse_filters(filters),
        format=export_format,
        started_on=dt.date.today().isoformat(),
    )
    state = resumable_state(requested, out) if resume else requested
    console = Console(stderr=True)
    before = state.records

    async def main() -> ExportState:
        async with settings.connect() as (cc, _):
            try:
                return await export_stats(
                    cc, state, out, resume=resume, console=console, quiet=quiet, prefetch=prefetch
                )
            except BaseException:
                if state.records:
                    console.print(
                        f"{state.records:,} records written; rerun with --resume to continue"
                    )
                raise

    done = run(settings, main)
    total = f"{done.records:,} in all, {done.pages} pages"
    click.echo(f"exported {done.records - before:,} records ({total}) to {out}")
