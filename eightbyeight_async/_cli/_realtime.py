"""`eightbyeight realtime agents|queues [--watch]`: a live table of real-time statistics."""

from __future__ import annotations

from collections.abc import Iterable

import anyio
import click
from rich.console import Console
from rich.live import Live
from rich.table import Table

from ..types.realtime import RealtimeAgent, RealtimeQueue, RealtimeSnapshot
from ._main import Settings, cancel_on_signal, program, run


def _duration(value: object) -> str:
    return "-" if value is None else str(value)


def agents_table(agents: Iterable[RealtimeAgent]) -> Table:
    """Agents as a table: who, status, time in status, today's accepted count."""
    table = Table(title="agents")
    for column in ("agent", "name", "status", "in status", "accepted today", "line 1"):
        table.add_column(column)
    for agent in agents:
        table.add_row(
            agent.agent_id,
            agent.agent_name or "",
            agent.agent_status.name if agent.agent_status else "-",
            _duration(agent.time_in_status),
            _duration(agent.day_accepted_count),
            agent.phone_line1_status.name if agent.phone_line1_status else "-",
        )
    return table


def queues_table(queues: Iterable[RealtimeQueue]) -> Table:
    """Queues as a table: size, longest wait, agents waiting, SLA."""
    table = Table(title="queues")
    for column in ("queue", "name", "type", "waiting", "longest wait", "agents free", "SLA %"):
        table.add_column(column)
    for queue in queues:
        table.add_row(
            str(queue.queue_id),
            queue.queue_name or "",
            queue.queue_type or "",
            _duration(queue.queue_size),
            _duration(queue.longest_wait_time),
            _duration(queue.agent_count_wait_transact),
            _duration(queue.sla_activity),
        )
    return table


def _table(what: str, snapshot: RealtimeSnapshot) -> Table:
    if what == "agents":
        return agents_table(snapshot.agents.values())
    return queues_table(snapshot.queues.values())


@program.command("realtime")
@click.argument("what", type=click.Choice(["agents", "queues"]))
@click.option("--watch", is_flag=True, help="Keep the table live until Ctrl-C.")
@click.option(
    "--interval",
    type=click.FloatRange(min=0.1),
    default=10.0,
    show_default=True,
    help="Seconds between polls (the server's cache refreshes every 10 s).",
)
@click.option("--updates", type=click.IntRange(min=1), help="With --watch: stop after N updates.")
@click.pass_obj
def realtime_command(
    settings: Settings, what: str, watch: bool, interval: float, updates: int | None
) -> None:
    """Show the agents' or queues' real-time statistics as a table (live with --watch)."""
    console = Console()

    async def main() -> int:
        shown = 0
        async with settings.connect() as (cc, _):
            if not watch:
                if what == "agents":
                    console.print(agents_table(await cc.realtime.agents()))
                else:
                    console.print(queues_table(await cc.realtime.queues()))
                return 1
            async with anyio.create_task_group() as tg:
                tg.start_soon(cancel_on_signal, tg.cancel_scope)
                watcher = cc.realtime.watch(
                    interval=interval, agents=what == "agents", queues=what == "queues"
                )
                with Live(console=console, auto_refresh=False) as live:
                    async for snapshot in watcher:
                        live.update(_table(what, snapshot), refresh=True)
                        shown += 1
                        if updates is not None and shown >= updates:
                            break
                tg.cancel_scope.cancel()
        return shown

    shown = run(settings, main)
    if watch:
        click.echo(f"{shown} updates", err=True)
