"""`eightbyeight stream`: SAPI or Event Streaming events to JSONL until interrupted,
surviving reconnects, resuming from a checkpoint without duplicates."""

from __future__ import annotations

import contextlib
import pathlib
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractAsyncContextManager
from typing import IO, Any, Literal, TypeVar

import anyio
import attrs
import click

from .._client import ContactCenter
from .._serialize import json_line, to_dict
from .._streaming._checkpoint import FileCheckpointStore
from .._streaming._events import StreamEvent
from .._streaming._framing import OUTPUT_TYPES, OutputType
from .._streaming._subscription import EventStream
from .._streaming._topic_stream import TopicStream
from ._main import Settings, cancel_on_signal, program, run


def event_line(event: StreamEvent) -> str:
    """One JSONL line: the event's name, its message info, its typed fields and raw payload."""
    return json_line({**to_dict(event), "raw": event.raw})


F = TypeVar("F", bound=Callable[..., Any])
Api = Literal["sapi", "events"]
Stream = EventStream | TopicStream
"""A reader of either API: the same events, stats and checkpoints."""


def summary(events: Stream, elapsed: float) -> str:
    """The end-of-run line: what was delivered and what the reader absorbed."""
    stats = events.stats
    absorbed = (
        f"{stats.acks:,} acks"
        if isinstance(events, TopicStream)
        else f"{stats.backlog_expired} backlog expiries"
    )
    return (
        f"{stats.events:,} events, {stats.duplicates_dropped:,} duplicates dropped, "
        f"{stats.gaps} gaps, {stats.reconnects} reconnects, {absorbed} in {elapsed:.1f}s"
    )


@attrs.frozen
class Topic:
    """Which Event Streaming topic to read (`--topic`, `--event-type`, `--agent-id`) and
    where to start when there is no checkpoint (`--start`)."""

    topic: str | None = None
    event_type: str | None = None
    agent_id: str | None = None
    start: str = "latest"


def _subscription(
    cc: ContactCenter,
    api: Api,
    subscription_id: str | None,
    output: OutputType,
    store: FileCheckpointStore | None,
    topic: Topic,
) -> AbstractAsyncContextManager[Stream]:
    if api == "events":
        return cc.events.subscribe(
            topic=topic.topic,
            event_type=topic.event_type,
            agent_id=topic.agent_id,
            start=topic.start,
            checkpoint=store,
        )
    return cc.streaming.subscribe(subscription_id, output=output, checkpoint=store)


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
    on_event: Callable[[Stream], None] | None = None,
    api: Api = "sapi",
    topic: Topic = Topic(),
) -> tuple[Stream, float]:
    """Write events to `out` until Ctrl-C/SIGTERM, `max_events` or `duration`; then close
    cleanly (the checkpoint saved) and return the stream and the elapsed seconds."""
    store = FileCheckpointStore(checkpoint) if checkpoint is not None else None
    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        tg.start_soon(cancel_on_signal, tg.cancel_scope)
        with anyio.move_on_after(duration if duration is not None else float("inf")):
            async with _subscription(cc, api, subscription_id, output, store, topic) as events:
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


def source_options(*, start: str, start_help: str) -> Callable[[F], F]:
    """The options that choose what a stream reads: SAPI's `--output`, Event Streaming's
    topic (`--topic`, `--event-type`, `--agent-id`) and `--start`."""
    options = [
        click.option(
            "--output",
            type=click.Choice(OUTPUT_TYPES),
            default="NEWLINE_JSON",
            show_default=True,
            help="SAPI's wire format.",
        ),
        click.option("--topic", help="Event Streaming: 'all' (the default) or an event type."),
        click.option(
            "--event-type", help="Event Streaming: one event type, e.g. InteractionCreated."
        ),
        click.option("--agent-id", help="Event Streaming: one agent's events."),
        click.option(
            "--start",
            default=start,
            show_default=True,
            help=f"Event Streaming, {start_help}: latest, earliest or a message id.",
        ),
    ]

    def apply(command: F) -> F:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


def stop_options(command: F) -> F:
    """`--max-events` and `--duration`: when a long-running stream command stops by itself."""
    command = click.option(
        "--duration", type=click.FloatRange(min=0), help="Stop after this many seconds."
    )(command)
    return click.option(
        "--max-events", type=click.IntRange(min=1), help="Stop after this many events."
    )(command)


@program.command("stream")
@click.option(
    "--api",
    type=click.Choice(["sapi", "events"]),
    default="sapi",
    show_default=True,
    help="sapi: the Streaming API; events: Event Streaming (its WebSocket successor).",
)
@click.option("--subscription-id", help="SAPI: reuse it to get what happened while away.")
@source_options(start="latest", start_help="without a checkpoint")
@click.option(
    "--out", default="-", show_default=True, help="JSONL file to append to, or - for stdout."
)
@click.option(
    "--checkpoint",
    type=click.Path(dir_okay=False, path_type=pathlib.Path),
    help="Resume from here after a restart, without duplicates.",
)
@stop_options
@click.pass_obj
def stream_command(
    settings: Settings,
    api: Api,
    subscription_id: str | None,
    output: OutputType,
    topic: str | None,
    event_type: str | None,
    agent_id: str | None,
    start: str,
    out: str,
    checkpoint: pathlib.Path | None,
    max_events: int | None,
    duration: float | None,
) -> None:
    """Write the tenant's events as JSONL until Ctrl-C, then print a summary."""
    chosen = Topic(topic, event_type, agent_id, start)
    if api == "sapi" and subscription_id is None and checkpoint is None:
        raise click.UsageError("give --subscription-id, or a --checkpoint that holds one")
    if api == "sapi" and chosen != Topic():
        raise click.UsageError("--topic, --event-type, --agent-id and --start need --api events")
    if api == "events" and subscription_id is not None:
        raise click.UsageError("--subscription-id is SAPI's; Event Streaming reads a --topic")

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
                    api=api,
                    topic=chosen,
                )
        return summary(events, elapsed)

    click.echo(run(settings, main), err=True)
