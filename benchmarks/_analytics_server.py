"""`python -m benchmarks._analytics_server --port N --latency S`: the sandbox in its own
process (so its page rendering does not compete with the client for a core), with `S`
seconds added to every analytics request, serving until terminated."""

from __future__ import annotations

import argparse
import threading

from eightbyeight_async.sandbox import Sandbox, TenantSpec

SPEC = TenantSpec(seed=8, agents=25, days=7, interactions_per_day=60)
"""The tenant both processes build (the client derives the credentials from it)."""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    args = parser.parse_args()
    sandbox = Sandbox(
        seed=SPEC.seed,
        agents=SPEC.agents,
        days=SPEC.days,
        interactions_per_day=SPEC.interactions_per_day,
        port=args.port,
    )
    sandbox.analytics.delay = 0.0
    if args.latency > 0:
        sandbox.faults.latency("/analytics/*", args.latency)
    with sandbox:
        threading.Event().wait()


if __name__ == "__main__":
    main()
