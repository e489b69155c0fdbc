"""The uvicorn connection behind a WebSocket session, for what ASGI cannot express.

ASGI gives an application no way to abort a TCP connection, to stop reading a socket (so
that pings go unanswered), or to see a client's ping (uvicorn's wsproto protocol answers
pings itself). The `receive` callable uvicorn passes is a bound method of its protocol
object, which holds the transport; `Connection` reaches it from there. Where that is not
available (another server), every operation is a no-op and `found` is False: a stall then
only stops frames, a drop falls back to ending the application with an exception (uvicorn
then closes the socket without a close frame), and only text frames count as activity.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from starlette.types import Receive


class Connection:
    """The transport and protocol of one uvicorn WebSocket connection, when reachable."""

    def __init__(self, receive: Receive) -> None:
        protocol: Any = getattr(receive, "__self__", None)
        transport = getattr(protocol, "transport", None)
        found = isinstance(transport, asyncio.BaseTransport)
        self._protocol: Any = protocol if found else None
        self._transport: asyncio.Transport | None = transport if found else None
        self._reading_paused = False

    @property
    def found(self) -> bool:
        """Whether the transport was reached (uvicorn's asyncio protocols)."""
        return self._transport is not None

    def on_ping(self, callback: Callable[[], None]) -> None:
        """Call `callback` for each ping (and unsolicited pong) the client sends."""
        protocol = self._protocol
        for name in ("handle_ping", "handle_pong"):
            original = getattr(protocol, name, None)
            if original is None:
                continue

            def hooked(event: Any, _original: Callable[[Any], None] = original) -> None:
                callback()
                _original(event)

            setattr(protocol, name, hooked)

    def pause_reading(self) -> None:
        """Stop reading the socket: the client's frames, pings included, wait in the kernel."""
        if self._transport is not None and not self._transport.is_closing():
            self._transport.pause_reading()
            self._reading_paused = True

    def resume_reading(self) -> None:
        """Read the socket again (after `pause_reading`)."""
        if self._reading_paused and self._transport is not None:
            self._reading_paused = False
            if not self._transport.is_closing():
                self._transport.resume_reading()

    def abort(self) -> bool:
        """Abort the TCP connection at once (no close frame); whether it could."""
        if self._transport is None:
            return False
        self._transport.abort()
        return True
