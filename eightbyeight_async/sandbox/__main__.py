"""`python -m eightbyeight_async.sandbox [--port N] [--seed S] [--days D] [--latency S]
[--sapi-time-scale X]`: serve until Ctrl-C (or SIGTERM)."""

from __future__ import annotations

import argparse
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
        credentials = sb.credentials
        print(f"8x8 sandbox serving {sb.base_url}  (Ctrl-C to stop)")
        print(f"EIGHTBYEIGHT_BASE_URL={sb.base_url}")
        print(f"EIGHTBYEIGHT_API_BASE_URL={sb.api_base_url}")
        print(f"EIGHTBYEIGHT_TENANT={credentials.tenant_name}")
        print(f"EIGHTBYEIGHT_DATA_TOKEN={credentials.data_token}")
        print(f"EIGHTBYEIGHT_ACTION_TOKEN={credentials.action_token}")
        print(f"EIGHTBYEIGHT_ANALYTICS_CLIENT_ID={credentials.analytics_client_id}")
        print(f"EIGHTBYEIGHT_ANALYTICS_SECRET={credentials.analytics_secret}")
        print(f"EIGHTBYEIGHT_RECENT_CALLS_API_KEY={credentials.recent_calls_api_key}")
        print(f"EIGHTBYEIGHT_RECENT_CALLS_TOKEN={credentials.recent_calls_token}")
        print(f"EIGHTBYEIGHT_EVENTS_URL={sb.events_url}")
        print(f"EIGHTBYEIGHT_EVENTS_API_KEY={credentials.events_api_key}", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print("stopped")


if __name__ == "__main__":
    main()
