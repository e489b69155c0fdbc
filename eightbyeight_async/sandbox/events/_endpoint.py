"""The reader and consumer WebSocket endpoints: check an upgrade, then serve its session.

A raw ASGI app, so that an upgrade can be refused with a real HTTP status (the ASGI
WebSocket denial response, `websocket.http.response.start` / `.body`, which uvicorn's
wsproto protocol supports) and a session can end three ways: a close frame (any code,
Pulsar's 1-8 included: the wsproto implementation sends them, the `websockets` one would
not), an abort of the TCP connection, or quietly when the client has gone.
"""

from __future__ import annotations

import asyncio
import contextlib
import time

from starlette.datastructures import Headers, QueryParams
from starlette.types import Receive, Scope, Send

from ..services._faults import _InjectedReset
from ._catalog import unknown_topic
from ._connection import Connection
from ._events_server import EventStreamingServer
from ._frames import IDLE_CLOSE, IDLE_REASON
from ._message_id import MessageId, MessageIdError
from ._sessions import Session, SessionKind
from ._subscriptions import SUBSCRIPTION_TYPES, SubscriptionType

READER_PATH = "/ws/v2/reader/persistent/{tenant}/{namespace}/{topic}"
CONSUMER_PATH = "/ws/v2/consumer/persistent/{tenant}/{namespace}/{topic}/{subscription}"
MAX_WINDOW = 1000


class Refused(Exception):
    """An upgrade answered with an HTTP status and a text body instead of a session."""

    def __init__(self, status: int, reason: str) -> None:
        super().__init__(reason)
        self.status = status
        self.reason = reason


class EventsEndpoint:
    """`/ws/v2/{reader|consumer}/persistent/...` for one tenant."""

    def __init__(self, server: EventStreamingServer, kind: SessionKind) -> None:
        self.server = server
        self.kind = kind

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (await receive())["type"] != "websocket.connect":
            return
        try:
            session = self._admit(scope)
        except Refused as refusal:
            await _deny(send, refusal.status, refusal.reason)
            return
        connection = Connection(receive)
        try:
            await send({"type": "websocket.accept"})
            connection.on_ping(lambda: self._touch(session))
            reader = asyncio.create_task(self._read(session, receive, connection))
            try:
                await self._write(session, send, connection)
            finally:
                reader.cancel()
        finally:
            for woken in self.server.broker.close(session):
                woken.nudge()

    # --- the upgrade --------------------------------------------------------------------------

    def _admit(self, scope: Scope) -> Session:
        server = self.server
        rejection = server.take_rejection()
        if rejection is not None:
            raise Refused(*rejection)
        params: dict[str, str] = scope["path_params"]
        query = QueryParams(scope["query_string"])
        key = Headers(scope=scope).get("x-api-key") or query.get("x-api-key")
        if not key:
            raise Refused(401, "Authentication required: send the API key in X-API-Key")
        if key not in server.api_keys or params["tenant"] != server.tenant_name:
            raise Refused(401, "Authentication failed: the key is not valid for this tenant")
        namespace, topic = params["namespace"], params["topic"]
        if server.denied(namespace, topic):
            raise Refused(403, f"Not authorized to read {namespace}/{topic}")
        unknown = unknown_topic(namespace, topic, server.agents)
        if unknown is not None:
            raise Refused(500, unknown.replace("{tenant}", server.tenant_name))
        window = _window(query.get("receiverQueueSize"))
        if server.closing:
            raise Refused(503, "The server is shutting down")
        broker, now = server.broker, server.now()
        loop = asyncio.get_running_loop()
        if self.kind == "reader":
            start = _start(query.get("messageId"))
            name = query.get("readerName", "")
            opened = broker.open(
                "reader",
                (namespace, topic),
                window=window,
                client_name=name,
                now=now,
                loop=loop,
                start=start,
            )
        else:
            subscription = (params["subscription"], _subscription_type(query))
            name = query.get("consumerName", "")
            opened = broker.open(
                "consumer",
                (namespace, topic),
                window=window,
                client_name=name,
                now=now,
                loop=loop,
                subscription=subscription,
            )
        if isinstance(opened, str):
            raise Refused(500, opened)
        return opened

    # --- the session ----------------------------------------------------------------------------

    def _touch(self, session: Session) -> None:
        session.last_activity = self.server.now()

    async def _read(self, session: Session, receive: Receive, connection: Connection) -> None:
        """Take the client's frames (acks, requests) until it goes away."""
        server = self.server
        while True:
            stalled = session.stalled_until - time.monotonic()
            if stalled > 0:
                await asyncio.sleep(stalled)
                continue
            message = await receive()
            if message["type"] == "websocket.disconnect":
                if not session.ending:
                    session.ending = "gone"
                session.nudge()
                return
            if session.stalled_until > time.monotonic():
                connection.pause_reading()  # uvicorn resumed reading as we took a message
            text = message.get("text")
            if text is None:
                text = (message.get("bytes") or b"").decode("utf-8", "replace")
            for woken in server.broker.client_frame(session, text, server.now()):
                woken.nudge()

    async def _write(self, session: Session, send: Send, connection: Connection) -> None:
        """Send what the session is given until it has to end, then end it."""
        server, clock = self.server, self.server.clock
        while True:
            session.wake.clear()
            if session.ending or server.closing:
                break
            stalled = session.stalled_until - time.monotonic()
            if stalled > 0:
                connection.pause_reading()
                await _wait(session, stalled)
                if session.stalled_until <= time.monotonic():
                    connection.resume_reading()
                    session.last_activity = server.now()
                continue
            now = clock.now()
            idle_deadline = session.last_activity + server.idle_timeout
            if now >= idle_deadline:
                session.close(IDLE_CLOSE, IDLE_REASON)
                break
            texts = server.broker.take(session)
            for text in texts:
                await send({"type": "websocket.send", "text": text})
            if not texts:
                await _wait(session, clock.real(idle_deadline - now))
        await self._end(session, send, connection)

    async def _end(self, session: Session, send: Send, connection: Connection) -> None:
        connection.resume_reading()
        if session.ending == "drop":
            if not connection.abort():
                raise _InjectedReset("Event Streaming session dropped by sb.events.drop()")
            return
        if session.ending == "gone":
            return
        if not session.ending:  # the server is stopping
            session.close(1001, "Server shutting down")
        self.server.broker.record_close(session)
        with contextlib.suppress(OSError, RuntimeError):
            message = {"type": "websocket.close", "code": session.close_code}
            await send({**message, "reason": session.close_reason})


def _window(text: str | None) -> int:
    if text is None:
        return MAX_WINDOW
    try:
        size = int(text)
    except ValueError:
        raise Refused(500, f"Invalid receiverQueueSize: {text!r} is not an integer") from None
    if size < 1:
        raise Refused(500, f"Invalid receiverQueueSize: {size} (it must be at least 1)")
    return min(size, MAX_WINDOW)


def _start(text: str | None) -> str:
    if text is None or text in ("latest", "earliest"):
        return text or "latest"
    try:
        MessageId.decode(text)
    except MessageIdError as exc:
        raise Refused(500, f"Invalid messageId: {exc}") from None
    return text


def _subscription_type(query: QueryParams) -> SubscriptionType:
    text = query.get("subscriptionType", "Exclusive")
    for kind in SUBSCRIPTION_TYPES:
        if kind == text:
            return kind
    raise Refused(
        500, f"Invalid subscriptionType: {text!r} (one of {', '.join(SUBSCRIPTION_TYPES)})"
    )


async def _deny(send: Send, status: int, reason: str) -> None:
    """Refuse the upgrade with an HTTP response (the ASGI WebSocket denial response)."""
    body = reason.encode()
    headers = [
        (b"content-type", b"text/plain; charset=utf-8"),
        (b"content-length", str(len(body)).encode()),
    ]
    await send({"type": "websocket.http.response.start", "status": status, "headers": headers})
    await send({"type": "websocket.http.response.body", "body": body})


async def _wait(session: Session, timeout: float) -> None:
    """Until the session is nudged, or `timeout` real seconds."""
    if timeout > 0:
        with contextlib.suppress(asyncio.TimeoutError):
            await asyncio.wait_for(session.wake.wait(), timeout)
