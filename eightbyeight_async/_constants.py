"""Defaults and version tables the client and its resources share, kept apart from both so
neither has to import the other for them (the home of every tunable as the SDK is rebuilt)."""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Final

ANALYTICS_VERSIONS: Final = ("v7", "v8")
"""The CC Historical Analytics API versions the SDK speaks."""
DEFAULT_ANALYTICS_VERSION: Final = "v8"
"""The document says v7; the vendor's current documentation, v8 (same flow)."""

# --- paging ----------------------------------------------------------------------------

OFFSET_PAGE_SIZE: Final = 50
"""Records per page of the statistics and recordings APIs (the server's fixed size)."""
DEFAULT_PREFETCH: Final = 16
"""Pages in flight at once, chosen by `benchmarks/stats_export.py`: with 50 ms of latency a
window of 16 (under the statistics limit of 16) exports ~7.8x faster than a sequential loop,
8 only ~5x, 24 no better; on loopback the window costs no client CPU."""
MAX_NUMBERED_PAGE_SIZE: Final = 1000
"""Largest `size` of a page-numbered listing (the analytics data pages' documented maximum)."""

# --- streaming (SAPI): the reader's defaults ----------------------------------------------

SAPI_MAX_FRAME_CHARS: Final = 4 * 1024 * 1024
"""`subscribe(max_frame_chars=)`: the longest event, in characters, before the stream is
declared corrupt (bounds the memory one unfinished frame may take)."""
SAPI_MIN_FRAME_CHARS: Final = 64 * 1024
"""The smallest `max_frame_chars`: below it the Atmosphere padding (~2 KB) and one ordinary
event could not fit."""
SAPI_HASH_WINDOW: Final = 10_000
"""`subscribe(hash_window=)`: events without a sequence id remembered to drop their replays."""
SAPI_CONNECT_TIMEOUT: Final = 30.0
"""Seconds to open the stream; reads have no timeout (the reader detects stalls itself)."""
SAPI_BACKLOG_HOURS: Final = 2
"""How long SAPI keeps the events of a disconnected subscription (documented)."""
SAPI_INITIAL_DELAY: Final = 1.0
"""`ReconnectPolicy.initial_delay`: the first backoff window, in seconds."""
SAPI_MAX_NETWORK_DELAY: Final = 30.0
"""`ReconnectPolicy.max_network_delay`: the backoff cap after network errors."""
SAPI_MAX_HTTP_DELAY: Final = 120.0
"""`ReconnectPolicy.max_http_delay`: the backoff cap after HTTP 5xx answers."""
SAPI_HEALTHY_AFTER: Final = 60.0
"""`ReconnectPolicy.healthy_after`: a connection this old resets the backoff."""
SAPI_STALL_TIMEOUT: Final = 90.0
"""`ReconnectPolicy.stall_timeout`: no byte for this long means the connection is dead."""
SAPI_TOO_MANY_CLIENTS_DELAY: Final = 300.0
"""`ReconnectPolicy.too_many_clients_delay`: the wait when the tenant's 3 clients are taken."""

# --- Event Streaming (the Pulsar WebSocket reader): hosts and the reader's defaults --------

EVENTS_HOSTS: Final = MappingProxyType(
    {
        "UK3": "wss://pulsar-ws-euw2.8x8.com",
        "US1": "wss://pulsar-ws-use1.8x8.com",
        "US2": "wss://pulsar-ws-usw2.8x8.com",
    }
)
"""Event Streaming's host per region (port 443), as the vendor publishes them."""


def _platforms(prefix: str, *ranges: tuple[int, int]) -> tuple[str, ...]:
    return tuple(f"{prefix}{n}" for low, high in ranges for n in range(low, high + 1))


EVENTS_REGION_OF_PLATFORM: Final = MappingProxyType(
    {
        **dict.fromkeys(_platforms("eu", (4, 14)), "UK3"),
        **dict.fromkeys((*_platforms("na", (1, 6), (11, 16)), "sb1"), "US1"),
        **dict.fromkeys(_platforms("na", (7, 10), (17, 20), (27, 30), (37, 39)), "US2"),
    }
)
"""Platform (the tenant's `vcc-{platform}` host) → Event Streaming region, as published;
other platforms have no Event Streaming deployment yet."""
EVENTS_READER_PATH: Final = "/ws/v2/reader/persistent/{tenant}/{namespace}/{topic}"
EVENTS_CONSUMER_PATH: Final = (
    "/ws/v2/consumer/persistent/{tenant}/{namespace}/{topic}/{subscription}"
)
EVENTS_MAX_WINDOW: Final = 1000
"""The server keeps at most min(receiverQueueSize, 1000) unacknowledged messages in flight."""
EVENTS_PING_INTERVAL: Final = 20.0
"""Seconds between the client's pings: the proxy closes a session idle for 5 minutes and
never pings itself (the vendor's example pings every 20 s)."""
EVENTS_PING_TIMEOUT: Final = 10.0
"""Seconds a pong may take before the connection is declared dead."""
EVENTS_CONNECT_TIMEOUT: Final = 30.0
"""Seconds to open the WebSocket (TCP, TLS and the upgrade)."""
EVENTS_DEDUP_WINDOW: Final = 100_000
"""Consumer API: delivered message ids remembered to drop redeliveries (a shared
subscription has no order to compare ids by)."""
EVENTS_MAX_MESSAGE_BYTES: Final = 4 * 1024 * 1024
"""The largest frame accepted (bounds the memory one message may take)."""

# --- analytics v8: detailed reports ----------------------------------------------------

DETAILED_PAGE_SIZE: Final = 1000
"""Rows per detailed report data page the SDK asks for (the server's default is 100): its
pages are sequential, so the fewer round trips the better."""
DETAILED_MAX_PAGE_SIZE: Final = 1000
"""Largest `size` of a detailed report data page (documented)."""
EXPORT_SLICE: Final = dt.timedelta(days=1)
"""`export_interactions(slice=)`: one detailed report per day of the range."""
EXPORT_CONCURRENCY: Final = 8
"""`export_interactions(concurrency=)`: slices read at once (each pages sequentially)."""
