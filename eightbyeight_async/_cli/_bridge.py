"""`eightbyeight bridge`: one SAPI subscription or Event Streaming topic written into a Redis
stream, exactly once across restarts (the position lives in Redis), until Ctrl-C/SIGTERM."""

from __future__ import annotations

import time
from typing import Literal

import anyio
import click

from .._client import ContactCenter
from .._fanout._bridge import DEFAULT_STREAM, RedisBridge
from .._fanout._bridge_redis import REDIS_ERRORS
from .._streaming._framing import OutputType
from ._main import Settings, cancel_on_signal, fail, one_line, program, run
from ._stream import Topic, source_options, stop_options

Source = Literal["sapi", "events"]


def summary(bridge: RedisBridge, elapsed: float) -> str:
    """The end-of-run line: what was written, what was dropped as already there, reconnects."""
    stats, source = bridge.stats, bridge.source_stats
    dropped = stats.duplicates_skipped + (source.duplicates_dropped if source else 0)
    gaps = source.gaps if source else 0
    reconnects = source.reconnects if source else 0
    return (
        f"{stats.events_written:,} events, {dropped:,} duplicates dropped, {gaps} gaps, "
        f"{reconnects} reconnects, {stats.redis_reconnects} Redis reconnects in {elapsed:.1f}s"
    )


async def bridge_events(
    cc: ContactCenter,
    bridge: RedisBridge,
    source: Source,
    *,
    subscription_id: str | None,
    output: OutputType,
    topic: Topic,
    max_events: int | None,
    duration: float | None,
) -> float:
    """Run the bridge until Ctrl-C/SIGTERM, `max_events` or `duration`; the elapsed seconds."""
    started = time.perf_counter()
    async with anyio.create_task_group() as tg:
        tg.start_soon(cancel_on_signal, tg.cancel_scope)
        with anyio.move_on_after(duration if duration is not None else float("inf")):
            if source == "sapi":
                assert subscription_id is not None
                await bridge.run_sapi(cc, subscription_id, output=output, max_events=max_events)
            else:
                await bridge.run_events(
                    cc,
                    topic=topic.topic,
                    event_type=topic.event_type,
                    agent_id=topic.agent_id,
                    start=topic.start,
                    max_events=max_events,
                )
        tg.cancel_scope.cancel()
    return time.perf_counter() - started


@program.command("bridge")
@click.option(
    "--source",
    type=click.Choice(["sapi", "events"]),
    default="sapi",
    show_default=True,
    help="sapi: a Streaming API subscription; events: an Event Streaming topic.",
)
@click.option(
    "--to",
    "redis_url",
    default="redis://127.0.0.1:6379/0",
    show_default=True,
    help="The Redis URL.",
)
@click.option("--stream", default=DEFAULT_STREAM, show_default=True, help="The stream key.")
@click.option(
    "--maxlen", type=click.IntRange(min=1), help="Trim the stream to about this many entries."
)
@click.option("--subscription-id", help="SAPI: the subscription to bridge (a stable name).")
@source_options(start="earliest", start_help="before the first run")
@stop_options
@click.pass_obj
def bridge_command(
    settings: Settings,
    source: Source,
    redis_url: str,
    stream: str,
    maxlen: int | None,
    subscription_id: str | None,
    output: OutputType,
    topic: str | None,
    event_type: str | None,
    agent_id: str | None,
    start: str,
    max_events: int | None,
    duration: float | None,
) -> None:
    """Write the tenant's events into a Redis stream, exactly once, until Ctrl-C."""
    chosen = Topic(topic, event_type, agent_id, start)
    if source == "sapi" and subscription_id is None:
        raise click.UsageError("--source sapi needs --subscription-id")
    if source == "sapi" and chosen != Topic(start="earliest"):
        raise click.UsageError("--topic, --event-type, --agent-id and --start need --source events")
    if source == "events" and subscription_id is not None:
        raise click.UsageError("--subscription-id is SAPI's; Event Streaming reads a --topic")

    async def main() -> str:
        bridge = RedisBridge(redis_url, stream=stream, maxlen=maxlen)
        try:
            async with settings.connect() as (cc, _), bridge:
                elapsed = await bridge_events(
                    cc,
                    bridge,
                    source,
                    subscription_id=subscription_id,
                    output=output,
                    topic=chosen,
                    max_events=max_events,
                    duration=duration,
                )
        except REDIS_ERRORS as exc:
            if settings.debug:
                raise
            fail(f"Redis: {one_line(exc)}")
        return summary(bridge, elapsed)

    click.echo(run(settings, main), err=True)
