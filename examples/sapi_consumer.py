"""An event-driven integration: react to agent status changes and interactions from the
Streaming API, resuming after a restart from a checkpoint file without repeating anything.

    python examples/sapi_consumer.py --sandbox --seconds 5
"""

from __future__ import annotations

import collections

import anyio
from _common import connect, parser

from eightbyeight_async import FileCheckpointStore
from eightbyeight_async.types.streaming import AgentStatusChange, BacklogExpired, InteractionEvent


async def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--subscription-id", default="crm-sync")
    arguments.add_argument("--checkpoint", default="sapi-checkpoint.json")
    arguments.add_argument(
        "--seconds", type=float, default=None, help="stop after (default: never)"
    )
    options = arguments.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    async with connect(options.sandbox, seed=3) as (cc, _):
        with anyio.move_on_after(options.seconds if options.seconds else float("inf")):
            async with cc.streaming.subscribe(
                options.subscription_id, checkpoint=FileCheckpointStore(options.checkpoint)
            ) as events:
                async for event in events:
                    counts[event.name] += 1
                    if isinstance(event, AgentStatusChange):
                        ...  # e.g. update the agent's presence in your CRM
                    elif (
                        isinstance(event, InteractionEvent) and event.event == "InteractionCreated"
                    ):
                        ...  # e.g. open a ticket for event.interaction_guid
                    elif isinstance(event, BacklogExpired):
                        print("down longer than the 2-hour backlog: resynchronise from stats")
    stats = events.stats
    print(
        f"{stats.events} events ({dict(counts)}), {stats.duplicates_dropped} duplicates dropped, "
        f"{stats.reconnects} reconnects; checkpoint in {options.checkpoint}"
    )


if __name__ == "__main__":
    anyio.run(main)
