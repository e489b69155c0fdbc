"""A bulk exporter: every agent's interactions of the last 7 days, fetched for all agents at
once under the client's concurrency limit, written to one JSON Lines file.

    python examples/bulk_export_fan_out.py --sandbox --out interactions.jsonl
"""

from __future__ import annotations

import collections
import json

import anyio
from _common import connect, parser

from eightbyeight_async import to_dict


async def main() -> None:
    arguments = parser(__doc__ or "")
    arguments.add_argument("--out", default="agent_interactions.jsonl")
    arguments.add_argument("--dates", default="today-7d,today")
    options = arguments.parse_args()
    async with connect(options.sandbox, seed=2, agents=40, days=8) as (cc, sb):
        agent_ids = [agent.agent_id async for agent in cc.stats.agents()]
        per_agent: collections.Counter[str] = collections.Counter()
        async with (
            await anyio.open_file(options.out, "w", encoding="utf-8") as out,
            cc.stats.fan_out(
                cc.stats.agent_interactions, agent_ids, key="agent_id", dates=options.dates
            ) as records,
        ):
            async for agent_id, interaction in records:
                per_agent[agent_id] += 1
                await out.write(json.dumps({"agent_id": agent_id, **to_dict(interaction)}) + "\n")
        total = sum(per_agent.values())
        print(f"{total} interactions of {len(agent_ids)} agents written to {options.out}")
        print("busiest agents:", ", ".join(f"{a} ({n})" for a, n in per_agent.most_common(3)))
        if sb is not None:
            expected = sum(
                len(sb.truth.stats(f"agents/{agent_id}/interactions", d=options.dates))
                for agent_id in agent_ids
            )
            print(f"matches the sandbox's ground truth: {total == expected}")
            if total != expected:
                raise SystemExit(f"expected {expected} interactions")


if __name__ == "__main__":
    anyio.run(main)
