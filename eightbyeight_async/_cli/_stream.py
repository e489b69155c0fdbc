"""`eightbyeight stream`: SAPI events to JSONL until interrupted, surviving reconnects."""

from __future__ import annotations

import contextlib
import pathlib
import sys
import time
from collections.abc import Callable, Iterator
from typing import IO

import anyio
import click

from .._client import ContactCenter
from .._serialize import json_line, to_dict
from .._streaming._checkpoint import FileCheckpointStore
from .._streaming._events import StreamEvent
from .._streaming._framing import OUTPUT_TYPES, OutputType
from .._streaming._subscription import EventStream
from ._main import Settings, cancel_on_signal, program, run


def event_line(event: StreamEvent) -> str:
    """One JSONL line: the event's name, its message info, its typed fields and raw payload."""
    return json_line({**to_dict(event), "raw": event.raw})


def summary(events: EventStream, elapsed: float) -> str:
    """The end-of-run line: what was delivered and what the reader absorbed."""
    stats = events.stats
    return (
        f"{stats.events:,} events, {stats.duplicates_dropped:,} duplicates dropped, "
        f"{stats.gaps} gaps, {stats.reconnects} reconnects, {stats.backlog_expired} backlog "
        f"expiries in {elapsed:.1f}s"
    )


@contextlib.contextmanager
def _output(out: str) -> Iterator[IO[str]]:
    if out == "-":
        yield sys.stdout
        return
    with open(pathlib.Path(out), "a", encoding="utf-8") as file:
        yield file


async def stream_events(
    cc: ContactCenter,
    subscription_id: str | None,
    *,
    output: OutputType,
    out: IO[str],
    checkpoint: pathlib.Path | None,
    max_events: int | None,
    duration: float | None,
    on_event: Callable[[EventStream], None] | None = None,
) -> tuple[EventStream, float]:
    """Write events to `out` until Ctrl-C/SIGTERM, `max_events` or `duration`; then close
    cleanly (the checkpoint saved) and return the stream and the elapsed seconds."""
    store = FileCheckpointStore(checkpoint) if checkpoint is not None else None
    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        tg.start_soon(cancel_on_signal, tg.cancel_scope)
        with anyio.move_on_after(duration if duration is not None else float("inf")):
            async with cc.streaming.subscribe(
                subscription_id, output=output, checkpoint=store
            ) as events:
                try:
                    async for event in events:
                        out.write(event_line(event))
                        out.flush()
                        if on_event is not None:
                            on_event(events)
                        if max_events is not None and events.stats.events >= max_events:
                            break
                finally:
                    elapsed = time.perf_counter() - started
        tg.cancel_scope.cancel()
    return events, elapsed


@program.command("stream")
@click.option("--subscription-id", help="Reuse it to get what happened while away (2 hours).")
@click.option(
    "--output", type=click.Choice(OUTPUT_TYPES), default="NEWLINE_JSON", show_default=True
)
@click.option(
    "--out", default="-", show_default=True, help="JSONL file to append to, or - for stdout."
)
@click.option(
    "--checkpoint",
    type=click.Path(dir_okay=False, path_type=pathlib.Path),
    help="Resume the subscription from here after a restart, without duplicates.",
)
@click.option("--max-events", type=click.IntRange(min=1), help="Stop after this many events.")
@click.option("--duration", type=click.FloatRange(min=0), help="Stop after this many seconds.")
@click.pass_obj
def stream_command(
    settings: Settings,
    subscription_id: str | None,
    output: OutputType,
    out: str,
    checkpoint: pathlib.Path | None,
    max_events: int | None,
    duration: float | None,
) -> None:
    """Write the tenant's SAPI events as JSONL until Ctrl-C, then print a summary."""
    if subscription_id is None and checkpoint is None:
        raise click.UsageError("give --subscription-id, or a --checkpoint that holds one")

    async def main() -> str:
        async with settings.connect() as (cc, _):
            with _output(out) as sink:
                events, elapsed = await stream_events(
                    cc,
                    subscription_id,
                    output=output,
                    out=sink,
                    checkpoint=checkpoint,
                    max_events=max_events,
                    duration=duration,
                )
        return summary(events, elapsed)

    click.echo(run(settings, main), err=True)
