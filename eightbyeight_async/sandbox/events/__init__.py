"""The sandbox's simulator of 8x8 Event Streaming (Apache Pulsar's WebSocket API): `sb.events`.

The contract is in `_events_server`; the pieces: `_catalog` (event types and topics),
`_payloads` (the seeded content), `_message_id` (Pulsar's ids), `_topics` (retained logs),
`_sessions` and `_subscriptions` (flow control, durable cursors), `_broker` (all of it under
one lock), `_frames` (the wire texts), `_endpoint` and `_connection` (the ASGI side).
"""

from ._events_server import EventStreamingServer
from ._topics import PublishedMessage

__all__ = ["EventStreamingServer", "PublishedMessage"]
