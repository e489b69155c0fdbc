"""An asyncio service polling real-time statistics: log every agent status transition and
queue size change, as a wallboard or an alerting service would.

    python examples/realtime_dashboard.py --sandbox --seconds 3
"""

from __future__ import annotations

import anyio
from _common import connect, parser

from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.realtime import AgentStatusChanged, QueueSizeChanged


async def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--interval", type=float, default=10.0, help="seconds between polls")
    arguments.add_argument(
        "--seconds", type=float, default=None, help="stop after (default: never)"
    )
    options = arguments.parse_args()
    async with connect(options.sandbox, seed=5) as (cc, sb):
        changes = 0
        async with anyio.create_task_group() as tg:
            if sb is not None:  # on the sandbox, make something happen to watch
                tg.start_soon(_simulate_activity, sb, options.interval)
            with anyio.move_on_after(options.seconds if options.seconds else float("inf")):
                async for snapshot in cc.realtime.watch(interval=options.interval):
                    if snapshot.initial:
                        print(
                            f"watching {len(snapshot.agents)} agents, {len(snapshot.queues)} queues"
                        )
                    for change in snapshot.changes:
                        changes += 1
                        if isinstance(change, AgentStatusChanged):
                            old, new = (s.name if s else "-" for s in (change.old, change.new))
                            print(f"agent {change.agent_id}: {old} -> {new}")
                        elif isinstance(change, QueueSizeChanged):
                            print(
                                f"queue {change.queue_name}: {change.old} -> {change.new} waiting"
                            )
            tg.cancel_scope.cancel()
    print(f"{changes} changes seen")


async def _simulate_activity(sb: Sandbox, interval: float) -> None:
    """Agents change status and queues fill up now and then (sandbox controls)."""
    agent_ids = list(sb.realtime.agents())
    queue_ids = list(sb.realtime.queues())
    for step in range(1, 1000):  # bounded
        await anyio.sleep(interval * 1.5)
        sb.realtime.set_agent_status(agent_ids[step % len(agent_ids)], (0, 2, 3, 4)[step % 4])
        sb.realtime.set_queue_size(queue_ids[step % len(queue_ids)], step % 7)


if __name__ == "__main__":
    anyio.run(main)
