"""One Event Streaming WebSocket: the upgrade over the client's httpx pool, and its end.

`TopicEndpoint.open(resume_from)` (the topic's URL, key and query) calls
`open_websocket(client, url, headers, ...)`, which performs the upgrade itself (so a refused upgrade
keeps its status and text reason, which become the SDK's errors) and runs an
`httpx_ws.AsyncWebSocketSession` (wsproto on anyio: asyncio and trio) on the upgraded
connection, pinging to keep the proxy from closing an idle session.

Pulsar closes sessions with its own codes 1-8 (3 = bad frame, 5 = authentication, 6 = not
authorised), outside the RFC 6455 range: wsproto refuses such a close frame and reports a
1002 protocol error instead. The bytes the session read last are kept (a few hundred) so that
`close_code()` recovers the code and reason the server really sent.
"""

from __future__ import annotations

import base64
import contextlib
import secrets
import struct
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

import anyio
import attrs
import httpx

from .._errors import APIStatusError, ConfigurationError, status_error_class
from .._redact import redact_url

try:
    import httpx_ws
    from httpx_ws import WebSocketDisconnect, WebSocketInvalidTypeReceived, WebSocketNetworkError
    from wsproto.events import CloseConnection, TextMessage
except ImportError:  # pragma: no cover - exercised only without the extra
    httpx_ws = None  # type: ignore[assignment]
    WebSocketDisconnect = WebSocketInvalidTypeReceived = WebSocketNetworkError = Exception  # type: ignore[assignment,misc]

EVENTS_INSTALL = "pip install 'eightbyeight-async[events]'"
_TAIL_BYTES = 256
_CLOSE_OPCODE_FIN = 0x88
_INVALID_CLOSE_REASONS = ("CLOSE with invalid code", "CLOSE with unknown reserved code")
_PULSAR_CLOSE_CODES = {
    1: "failed to create producer",
    2: "failed to subscribe",
    3: "failed to deserialize from JSON (the client sent a bad frame)",
    4: "failed to serialize to JSON",
    5: "authentication error",
    6: "not authorised",
    7: "payload encoding error",
    8: "unknown error",
}


def require_websockets() -> None:
    """ConfigurationError unless the `events` extra (httpx-ws) is installed."""
    if httpx_ws is None:
        raise ConfigurationError(f"Event Streaming needs the events extra: {EVENTS_INSTALL}")


@attrs.frozen
class CloseCode:
    """How the server ended a session: its close code, reason, and what the code means."""

    code: int
    reason: str

    @property
    def meaning(self) -> str:
        """Pulsar's name of an in-session error code, else the RFC 6455 sense in brief."""
        if self.code in _PULSAR_CLOSE_CODES:
            return f"Pulsar error {self.code}: {_PULSAR_CLOSE_CODES[self.code]}"
        return {1000: "normal closure", 1001: "going away (e.g. idle timeout)"}.get(
            self.code, f"close code {self.code}"
        )

    @property
    def clean(self) -> bool:
        """The server ended the session on purpose (not an error of either side)."""
        return self.code in (1000, 1001)


class _TailRecorder:
    """An httpcore network stream that remembers the last bytes read from it, and lets one
    writer at a time through (httpx-ws's own frames and the SDK's batched acks)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self._writing = anyio.Lock()
        self.tail = b""
        self.bytes_read = 0

    async def read(self, max_bytes: int, timeout: float | None = None) -> bytes:  # noqa: ASYNC109 - httpcore's signature
        data: bytes = await self._stream.read(max_bytes, timeout)
        self.bytes_read += len(data)
        self.tail = (self.tail + data)[-_TAIL_BYTES:]
        return data

    async def write(self, buffer: bytes, timeout: float | None = None) -> None:  # noqa: ASYNC109
        async with self._writing:
            await self._stream.write(buffer, timeout)

    async def aclose(self) -> None:
        await self._stream.aclose()

    def get_extra_info(self, info: str) -> Any:
        return self._stream.get_extra_info(info)


__all__ = [
    "CloseCode",
    "TopicEndpoint",
    "WebSocket",
    "WebSocketDisconnect",
    "WebSocketInvalidTypeReceived",
    "WebSocketNetworkError",
    "open_websocket",
    "require_websockets",
]


class WebSocket:
    """An open session: receive text frames, send text frames, say how it ended."""

    def __init__(self, session: Any, recorder: _TailRecorder) -> None:
        self._session = session
        self._recorder = recorder
        self._on_broken: list[Callable[[], object]] = []
        self.broken: BaseException | None = None
        """Why a send failed (the connection is gone), else None."""

    @property
    def bytes_read(self) -> int:
        """Bytes read from the connection so far (frames and their headers)."""
        return self._recorder.bytes_read

    def on_broken(self, callback: Callable[[], object]) -> None:
        """Call `callback` when a send fails. httpx-ws then ends the session without a word
        to a read waiting meanwhile: the reader cancels that read with this."""
        self._on_broken.append(callback)

    async def receive_text(self) -> str:
        """The next text frame; raises httpx_ws.WebSocketDisconnect or WebSocketNetworkError."""
        text: str = await self._session.receive_text()
        return text

    async def send_texts(self, texts: list[str]) -> None:
        """Send text frames in one write (acks come in batches: a write each would cost more
        than reading the messages they acknowledge)."""
        try:
            data = b"".join(self._session.connection.send(TextMessage(text)) for text in texts)
            await self._recorder.write(data)
        except Exception as exc:
            self.broken = exc
            for callback in self._on_broken:
                callback()
            raise

    async def send_close(self) -> bool:
        """Start the close handshake (code 1000); False if the session is already ending.
        Until the server answers, the session goes on reading: a socket closed with frames
        unread is reset, and a reset server drops what it had not read yet (the last acks)."""
        try:
            await self._recorder.write(self._session.connection.send(CloseConnection(1000)))
        except Exception:  # closing or gone already
            return False
        return True

    def close_code(self, error: Exception) -> CloseCode:
        """The close frame the server really sent, for a WebSocketDisconnect `error`."""
        code = getattr(error, "code", 1006)
        reason = getattr(error, "reason", "") or ""
        if code == 1002 and reason in _INVALID_CLOSE_REASONS:
            recovered = _close_frame_at_end(self._recorder.tail)
            if recovered is not None:
                return recovered
        return CloseCode(code, reason)


def _close_frame_at_end(tail: bytes) -> CloseCode | None:
    """The unmasked close frame (≤125-byte payload) that ends `tail`, if there is one."""
    for start in range(len(tail) - 4, -1, -1):
        if tail[start] != _CLOSE_OPCODE_FIN:
            continue
        length = tail[start + 1]
        if length < 2 or length > 125 or start + 2 + length != len(tail):
            continue
        (code,) = struct.unpack("!H", tail[start + 2 : start + 4])
        return CloseCode(code, tail[start + 4 :].decode("utf-8", "replace"))
    return None


@contextlib.asynccontextmanager
async def open_websocket(
    client: httpx.AsyncClient,
    url: str,
    headers: dict[str, str],
    *,
    connect_timeout: float,
    ping_interval: float,
    ping_timeout: float,
    max_message_bytes: int,
) -> AsyncIterator[WebSocket]:
    """Upgrade `url` (http(s):// form) to a WebSocket; a refused upgrade raises the SDK's
    status error (AuthenticationError for 401, PermissionDeniedError for 403, ...) with the
    server's text reason; a connection failure raises httpx's TransportError."""
    require_websockets()
    upgrade = {
        **headers,
        "connection": "upgrade",
        "upgrade": "websocket",
        "sec-websocket-key": base64.b64encode(secrets.token_bytes(16)).decode(),
        "sec-websocket-version": "13",
    }
    timeout = httpx.Timeout(connect_timeout)
    async with client.stream("GET", url, headers=upgrade, timeout=timeout) as response:
        if response.status_code != 101:
            raise await _refused(response)
        recorder = _TailRecorder(response.extensions["network_stream"])
        session = httpx_ws.AsyncWebSocketSession(
            recorder,  # type: ignore[arg-type]
            max_message_size_bytes=max_message_bytes,
            keepalive_ping_interval_seconds=ping_interval,
            keepalive_ping_timeout_seconds=ping_timeout,
            response=response,
        )
        async with session:
            yield WebSocket(session, recorder)


async def _refused(response: httpx.Response) -> APIStatusError:
    """The SDK's error for an upgrade the server refused, quoting its text reason."""
    body = b""
    with contextlib.suppress(httpx.HTTPError):
        async for chunk in response.aiter_bytes():
            body += chunk
            if len(body) > 2048:
                break
    status = response.status_code
    hint = {
        401: "check events_api_key (or the data request token) and the tenant name",
        403: "the key may not read this topic; check its permissions",
    }.get(status, "the server refused the WebSocket upgrade")
    return status_error_class(status)(
        f"Event Streaming refused the WebSocket upgrade ({hint})",
        status_code=status,
        method="GET",
        url=redact_url(response.request.url),
        body=body or response.reason_phrase,
        headers=dict(response.headers),
    )


@attrs.frozen
class TopicEndpoint:
    """Where and how a topic's connections are opened."""

    client: httpx.AsyncClient
    url: str
    """The topic's reader or consumer URL, in its http(s):// form, without a query."""
    topic: str
    """`persistent://{tenant}/{namespace}/{topic}`: for messages and the checkpoint."""
    headers: dict[str, str] = attrs.field(repr=False)
    params: dict[str, str]
    start: str | None
    """A reader's `messageId` when there is nothing to resume from; None for a consumer."""
    ping_interval: float
    ping_timeout: float
    connect_timeout: float
    max_message_bytes: int

    def open(self, resume_from: str | None) -> AbstractAsyncContextManager[WebSocket]:
        params = dict(self.params)
        if self.start is not None:
            params["messageId"] = resume_from or self.start
        return open_websocket(
            self.client,
            str(httpx.URL(self.url, params=params)),
            self.headers,
            connect_timeout=self.connect_timeout,
            ping_interval=self.ping_interval,
            ping_timeout=self.ping_timeout,
            max_message_bytes=self.max_message_bytes,
        )
