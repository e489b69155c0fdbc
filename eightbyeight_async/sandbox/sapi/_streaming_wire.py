"""The SAPI subscribe endpoint: checks a request, then writes its stream (see `_streaming`).

A raw ASGI app (not a Starlette response) so a stream can end three ways: cleanly (the
chunked body's end), abruptly (an exception after the headers: uvicorn closes the socket
mid-body), or quietly when the client has gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import uuid

from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.types import Receive, Scope, Send

from ..services._auth import check_basic
from ..services._faults import _InjectedReset
from ._sapi_events import client_check, render_json, render_xml, truncated
from ._streaming import HEARTBEAT_SECONDS, MAX_STREAMS, SESSION_SECONDS, StreamingServer
from ._streaming_state import OUTPUT_TYPES, OutputType, Stream

PATH = "/api/streaming/v1/clientconnect/subscribe/{topic}"
PADDING = " " * 2048 + "\n"
"""What Atmosphere writes first, so that proxies and browsers start passing data on."""
HANDSHAKE_PADDING = "X" * 10
TOO_MANY = f"Too many clients: {MAX_STREAMS} connections per tenant are allowed"
_BATCH = 512


class StreamEndpoint:
    """`GET …/subscribe/TenantUpdates-{tenant}-{subscription id}` for one tenant."""

    def __init__(self, server: StreamingServer, data_token: str) -> None:
        self.server = server
        self._token = data_token

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        request = Request(scope, receive)
        checked = self._check(request)
        if isinstance(checked, Response):
            await checked(scope, receive, send)
            return
        output, subscription_id = checked
        stream = self.server.attach(subscription_id, output)
        if stream is None:
            await PlainTextResponse(TOO_MANY, 429)(scope, receive, send)
            return
        watcher = asyncio.create_task(_watch(receive, stream))
        try:
            await self._respond(stream, send)
        finally:
            watcher.cancel()
            self.server.detach(stream)

    def _check(self, request: Request) -> Response | tuple[OutputType, str]:
        if request.method != "GET":
            return PlainTextResponse("Method Not Allowed", 405, headers={"Allow": "GET"})
        tenant = self.server.tenant_name
        denied = check_basic(request, tenant, self._token)
        if denied is not None:
            return denied
        query = request.query_params
        output = query.get("desiredOutputType", "")
        if output not in OUTPUT_TYPES:
            message = f"desiredOutputType must be one of {', '.join(OUTPUT_TYPES)}"
            return PlainTextResponse(message, 400)
        tenant_id, subscription_id = query.get("tenantId", ""), query.get("subsId", "")
        topic = request.path_params["topic"]
        if not (tenant_id and subscription_id) or topic != (
            f"TenantUpdates-{tenant_id}-{subscription_id}"
        ):
            message = "tenantId and subsId must match the path TenantUpdates-{tenant}-{subsId}"
            return PlainTextResponse(message, 400)
        if tenant_id != tenant:
            return PlainTextResponse("Forbidden: not this tenant's subscription", 403)
        return output, subscription_id

    async def _respond(self, stream: Stream, send: Send) -> None:
        content_type = b"application/xml" if stream.xml else b"application/json"
        headers = [(b"content-type", content_type), (b"cache-control", b"no-cache")]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        if stream.atmosphere:
            heartbeat_ms = max(1, round(self.server.clock.real(HEARTBEAT_SECONDS) * 1000))
            handshake = f"{uuid.uuid4()}|{heartbeat_ms}|{HANDSHAKE_PADDING}|"
            await _write(send, PADDING + handshake)
        await self._pump(stream, send)
        if stream.ending == "drop":
            self.server.detach(stream)
            raise _InjectedReset("SAPI stream dropped by sb.streaming.drop()")
        if stream.ending != "gone":
            self.server.detach(stream)  # before the end, so a reconnect finds it closed
            await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _pump(self, stream: Stream, send: Send) -> None:
        """Write events, heartbeats and malformed frames until the stream has to end."""
        server, clock = self.server, self.server.clock
        session_end = stream.opened_at + SESSION_SECONDS
        next_check = stream.opened_at + HEARTBEAT_SECONDS
        next_x = stream.opened_at + HEARTBEAT_SECONDS / 2
        while True:
            stream.wake.clear()
            if stream.ending or server.closing:
                return
            stalled = stream.stalled_until - time.monotonic()
            if stalled > 0:
                await _wait(stream, stalled)
                continue
            now = clock.now()
            if now >= session_end:
                return
            batch, malformed = server.take(stream, _BATCH)
            parts = []
            if malformed:
                parts = [self._frame(stream, truncated(batch[0].data, stream.xml))] * malformed
            parts.extend(self._frame(stream, event.text(stream.xml)) for event in batch)
            if now >= next_check:
                parts.append(self._frame(stream, self._client_check(stream, now)))
                next_check = _next_beat(next_check, now)
            if stream.atmosphere and now >= next_x:
                parts.append("X")
                next_x = _next_beat(next_x, now)
            if parts:
                await _write(send, "".join(parts))
                continue
            deadline = min(session_end, next_check, next_x if stream.atmosphere else next_check)
            await _wait(stream, clock.real(deadline - now))

    def _client_check(self, stream: Stream, now: float) -> str:
        server = self.server
        event = client_check(server.instance_id, now, stream.subscription.id, server.tenant_name)
        return render_xml(event) if stream.xml else render_json(event)

    @staticmethod
    def _frame(stream: Stream, text: str) -> str:
        message = text + "\n" if stream.output.startswith("NEWLINE") else text
        return f"{len(message)}|{message}" if stream.atmosphere else message


def _next_beat(due: float, now: float) -> float:
    """The next heartbeat on the same 60-second grid; after a stall or a jump, from now."""
    following = due + HEARTBEAT_SECONDS
    return following if following > now else now + HEARTBEAT_SECONDS


async def _write(send: Send, text: str) -> None:
    await send({"type": "http.response.body", "body": text.encode(), "more_body": True})


async def _wait(stream: Stream, timeout: float) -> None:
    """Until the stream is nudged, or `timeout` real seconds."""
    if timeout > 0:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(stream.wake.wait(), timeout)


async def _watch(receive: Receive, stream: Stream) -> None:
    """Notice the client going away (the request body is empty: the next message says so)."""
    while (await receive())["type"] != "http.disconnect":
        pass
    if not stream.ending:
        stream.ending = "gone"
    stream.wake.set()
