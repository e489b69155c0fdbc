"""`python -m benchmarks._analytics_server --port N --latency S [--cache-data]`: the sandbox
in its own process (so its page rendering does not compete with the client for a core), with
`S` seconds added to every analytics request, serving until terminated.

`--cache-data` puts a caching proxy in front: each report data page is rendered by the
sandbox once and then served from memory, so a zero-latency run measures the client, not the
sandbox's rendering (about 10 ms a 1000-row page, more than any client spends on it).
"""

from __future__ import annotations

import argparse
import threading
from typing import Any

import httpx

from eightbyeight_async.sandbox import Sandbox, TenantSpec

from ._serve import read_body, serve

SPEC = TenantSpec(seed=8, agents=25, days=7, interactions_per_day=60)
"""The tenant both processes build (the client derives the credentials from it)."""


def caching_proxy(upstream: str) -> Any:
    """An ASGI app forwarding to `upstream` (the Host header kept, so the sandbox's links
    name the proxy), remembering every successful GET of a report's data page."""
    client = httpx.AsyncClient(base_url=upstream)
    pages: dict[bytes, tuple[int, list[tuple[bytes, bytes]], bytes]] = {}

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        path, query = scope["path"], scope["query_string"]
        key = path.encode() + b"?" + query
        answer = pages.get(key) if scope["method"] == "GET" else None
        if answer is None:
            body = await read_body(receive)
            upstream_answer = await client.request(
                scope["method"],
                path + ("?" + query.decode() if query else ""),
                headers=[(k.decode(), v.decode()) for k, v in scope["headers"]],
                content=body,
            )
            headers = [
                (k, v)
                for k, v in upstream_answer.headers.raw
                if k.lower() not in (b"content-length", b"transfer-encoding", b"connection")
            ]
            answer = (upstream_answer.status_code, headers, upstream_answer.content)
            if scope["method"] == "GET" and path.endswith("/data") and answer[0] == 200:
                pages[key] = answer
        status, headers, content = answer
        length = [(b"content-length", b"%d" % len(content))]
        await send({"type": "http.response.start", "status": status, "headers": headers + length})
        await send({"type": "http.response.body", "body": content})

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--latency", type=float, default=0.0)
    parser.add_argument("--cache-data", action="store_true")
    args = parser.parse_args()
    sandbox = Sandbox(
        seed=SPEC.seed,
        agents=SPEC.agents,
        days=SPEC.days,
        interactions_per_day=SPEC.interactions_per_day,
        port=0 if args.cache_data else args.port,
    )
    sandbox.analytics.delay = 0.0
    if args.latency > 0:
        sandbox.faults.latency("/analytics/*", args.latency)
    with sandbox:
        if args.cache_data:
            serve(caching_proxy(sandbox.api_base_url), args.port)
        else:
            threading.Event().wait()


if __name__ == "__main__":
    main()
