"""`python -m eightbyeight_async.sandbox [--port N] [--seed S] [--days D] [--latency S]
[--sapi-time-scale X]`: serve until Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import argparse
import sys
import threading

from ._server import Sandbox


def main(argv: list[str] | None = None) -> None:
    """Serve a sandbox and print where it is and how to authenticate against it."""
    parser = argparse.ArgumentParser(prog="python -m eightbyeight_async.sandbox")
    parser.add_argument("--port", type=int, default=0, help="TCP port (default: a free one)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the generated tenant")
    parser.add_argument("--days", type=int, default=3, help="days of interactions to generate")
    parser.add_argument(
        "--interactions-per-day", type=int, default=40, help="interactions generated per day"
    )
    parser.add_argument(
        "--latency", type=float, default=0.0, help="seconds added to every /api/ request"
    )
    parser.add_argument(
        "--sapi-time-scale",
        type=float,
        default=60.0,
        help="simulated seconds per real second on the Streaming API's clock",
    )
    args = parser.parse_args(argv)
    serve_forever(
        Sandbox(
            seed=args.seed,
            days=args.days,
            interactions_per_day=args.interactions_per_day,
            port=args.port,
            sapi_time_scale=args.sapi_time_scale,
        ),
        latency=args.latency,
    )


def serve_forever(sandbox: Sandbox, *, latency: float = 0.0) -> None:
    """Serve `sandbox`, print its URL and `EIGHTBYEIGHT_*` settings, and wait for Ctrl-C."""
    if latency > 0:
        sandbox.faults.latency("/api/*", latency)
    with sandbox as sb:
        print(f"8x8 sandbox serving {sb.base_url}  (Ctrl-C to stop)")
        for name, value in sb.environment().items():
            print(f"{name}={value}")
        sys.stdout.flush()
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped")


if __name__ == "__main__":
    main()
