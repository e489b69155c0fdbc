"""A SAPI-like server for benchmarks, in its own process: it writes a pre-rendered stream of
events as fast as the client reads it, so the server is never the bottleneck.

    python -m benchmarks._stream_server --port 8766 --events 200000 --output NEWLINE_JSON
"""

from __future__ import annotations

import argparse
import json
from typing import Any

from ._serve import serve

CHUNK_EVENTS = 200


def event(sequence: int) -> dict[str, Any]:
    """One realistic event (an interaction with attached data), numbered."""
    return {
        "Interaction": {
            "event": "InteractionCreated",
            "direction": "in",
            "eventTS": 1700000000 + sequence,
            "inboundChannelid": 4070001,
            "interactionGUID": f"int-bench-{sequence:08d}-phone",
            "mediaType": "phone",
            "msgInfo": {
                "instanceId": "bench-sapi-v1",
                "sequenceId": sequence,
                "timestamp": 1700000000000 + sequence,
            },
            "outboundCampaignid": 0,
            "queueId": "bench~~queue~~phone~~102",
            "queueTime": 1700000000 + sequence,
            "transactionNum": 1,
            "attachedData": {
                "attachedDatum": [
                    {"attachedDataKey": "tenantSkillName", "attachedDataValue": "Sales"},
                    {"attachedDataKey": "ani", "attachedDataValue": 14155550100 + sequence},
                ]
            },
        }
    }


def to_xml(value: Any, name: str) -> str:
    """One-line XML of a JSON-form value (lists as repeated elements)."""
    if isinstance(value, dict):
        inner = "".join(
            "".join(to_xml(item, key) for item in v) if isinstance(v, list) else to_xml(v, key)
            for key, v in value.items()
        )
        return f"<{name}>{inner}</{name}>"
    return f"<{name}>{value}</{name}>"


def render(output: str, first: int, count: int) -> bytes:
    """`count` events from sequence `first`, newline-terminated, in `output`."""
    lines = []
    for sequence in range(first, first + count):
        ((name, payload),) = event(sequence).items()
        if output == "NEWLINE_XML":
            lines.append("<?xml version='1.0'  encoding='UTF-8' ?>" + to_xml(payload, name))
        else:
            lines.append(json.dumps(event(sequence), separators=(",", ":")))
    return ("\n".join(lines) + "\n").encode()


def build_app(total: int, output: str) -> Any:
    """Answer every GET with `total` events (rendered once, at start), then end."""
    content_type = b"application/xml" if output.endswith("XML") else b"application/json"
    chunks = [
        render(output, first, min(CHUNK_EVENTS, total + 1 - first))
        for first in range(1, total + 1, CHUNK_EVENTS)
    ]

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            return
        headers = [(b"content-type", content_type)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        for body in chunks:
            await send({"type": "http.response.body", "body": body, "more_body": True})
        await send({"type": "http.response.body", "body": b""})

    return app


def main() -> None:
    """Serve until killed."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--events", type=int, required=True)
    parser.add_argument("--output", default="NEWLINE_JSON")
    args = parser.parse_args()
    serve(build_app(args.events, args.output), args.port)


if __name__ == "__main__":
    main()
