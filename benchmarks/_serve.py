"""Run a benchmark's ASGI app with uvicorn on loopback, quietly, until killed."""

from __future__ import annotations

from typing import Any

import uvicorn


def serve(app: Any, port: int, **options: Any) -> None:
    """Serve `app` on 127.0.0.1:`port` without access logs (they would cost server CPU);
    `options` go to uvicorn (`ws="wsproto"` for a WebSocket server)."""
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=port,
        log_level="warning",
        access_log=False,
        lifespan="off",
        **options,
    )


async def read_body(receive: Any) -> bytes:
    """The whole body of an ASGI HTTP request."""
    body: bytes = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            return body
