"""An Event Streaming-like WebSocket server for benchmarks, in its own process: every
connection gets the same pre-rendered frames as fast as the client reads them (acks are read
and ignored), so the server is never the bottleneck.

    python -m benchmarks._events_server --port 8767 --events 100000
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import json
from typing import Any

from ._serve import serve
from ._stream_server import event

LEDGER = 4242


def message_id(entry: int) -> str:
    """The base64 protobuf MessageIdData of (LEDGER, entry)."""
    data = bytearray()
    for tag, value in ((0x08, LEDGER), (0x10, entry)):
        data.append(tag)
        while True:
            byte, value = value & 0x7F, value >> 7
            data.append(byte | (0x80 if value else 0))
            if not value:
                break
    return base64.b64encode(bytes(data)).decode()


def frame(sequence: int) -> str:
    """One frame as Event Streaming sends it: the SAPI-shaped payload with an empty
    msgInfo and only `interactionEventTS` for its time, base64-encoded."""
    payload = event(sequence)
    interaction = payload["Interaction"]
    interaction["msgInfo"] = {}
    interaction["interactionEventTS"] = interaction.pop("eventTS")
    published = dt.datetime.fromtimestamp(1_700_000_000 + sequence / 1000, dt.timezone.utc)
    return json.dumps(
        {
            "messageId": message_id(sequence),
            "payload": base64.b64encode(json.dumps(payload).encode()).decode(),
            "properties": {},
            "publishTime": published.isoformat(timespec="milliseconds").replace("+00:00", "Z"),
            "redeliveryCount": 0,
        }
    )


def build_app(total: int) -> Any:
    """Send `total` frames (rendered once, at start) to every WebSocket, then wait for the
    client to leave."""
    frames = [frame(sequence) for sequence in range(total)]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "websocket":
            return
        await receive()  # websocket.connect
        await send({"type": "websocket.accept"})
        gone = asyncio.Event()

        async def drain() -> None:
            while (await receive())["type"] != "websocket.disconnect":
                pass
            gone.set()

        reader = asyncio.create_task(drain())
        try:
            for text in frames:
                if gone.is_set():
                    return
                await send({"type": "websocket.send", "text": text})
            await gone.wait()
        finally:
            reader.cancel()

    return app


def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--events", type=int, required=True)
    args = parser.parse_args()
    serve(build_app(args.events), args.port, ws="wsproto")


if __name__ == "__main__":
    main()
