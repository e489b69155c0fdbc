"""Start the embedded sandbox and talk to it through the SDK, with faults injected.

python examples/sandbox_quickstart.py
"""

from __future__ import annotations

import logging

import anyio

from eightbyeight_async import RetryPolicy
from eightbyeight_async._formats import decode_json, unwrap_collection
from eightbyeight_async.sandbox import Sandbox


async def main() -> None:
    """List every agent page by page while the sandbox throws 503s and resets at us."""
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("httpx").setLevel(logging.WARNING)
    async with Sandbox(seed=1, agents=120) as sb:
        print(f"sandbox tenant {sb.tenant_name!r} serving {sb.base_url}")
        sb.faults.status("/api/stats/agents*", 503, retry_after=0, count=2)
        sb.faults.reset("/api/stats/agents*", count=1)
        async with sb.client(retry=RetryPolicy(initial_backoff=0.05)) as cc:
            agents: list[dict[str, object]] = []
            for offset in range(1, len(sb.tenant.agents) + 1, 50):
                response = await cc.raw_request(
                    "GET", "/api/stats/agents.json", params={"n": offset}
                )
                agents += unwrap_collection(decode_json(response.content), "agents", "agent")
        matches = agents == list(sb.tenant.agents)
        print(f"{len(agents)} agents listed; identical to the sandbox's ground truth: {matches}")
        print(f"faults injected: {dict(sb.faults.injected)}")
        if not matches:
            raise SystemExit("the listed agents differ from the sandbox's ground truth")


if __name__ == "__main__":
    anyio.run(main)
