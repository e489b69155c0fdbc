"""An event-driven integration on Event Streaming (SAPI's WebSocket successor): the same
event classes as SAPI, read from one topic, resuming after a restart from a checkpoint.

    python examples/event_streaming_consumer.py --sandbox --seconds 5
"""

from __future__ import annotations

import collections

import anyio
from _common import connect, parser

from eightbyeight_async import FileCheckpointStore
from eightbyeight_async.types.streaming import AgentStatusChange, InteractionEvent


async def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--event-type", default=None, help="one event type (default: all)")
    arguments.add_argument("--checkpoint", default="events-checkpoint.json")
    arguments.add_argument(
        "--seconds", type=float, default=None, help="stop after (default: never)"
    )
    options = arguments.parse_args()
    counts: collections.Counter[str] = collections.Counter()
    async with connect(options.sandbox, seed=3) as (cc, _):
        with anyio.move_on_after(options.seconds if options.seconds else float("inf")):
            async with cc.events.subscribe(
                event_type=options.event_type,
                start="earliest",  # only without a checkpoint: it wins once saved
                checkpoint=FileCheckpointStore(options.checkpoint),
            ) as events:
                async for event in events:
                    counts[event.name] += 1
                    if isinstance(event, AgentStatusChange):
                        ...  # e.g. update the agent's presence in your CRM
                    elif (
                        isinstance(event, InteractionEvent) and event.event == "InteractionCreated"
                    ):
                        ...  # e.g. open a ticket for event.interaction_guid
    stats = events.stats
    print(
        f"{stats.events} events ({dict(counts)}), {stats.duplicates_dropped} duplicates dropped, "
        f"{stats.acks} acks, {stats.reconnects} reconnects; last message "
        f"{events.last_message_id}; checkpoint in {options.checkpoint}"
    )


if __name__ == "__main__":
    anyio.run(main)
