"""One SAPI connection: open the HTTP stream, frame its bytes, detect stalls.

The subscription loop (`_subscription`) sees only this interface:

- `StreamEndpoint(pipeline, tenant, output, max_frame_chars).open(subscription_id)` opens a
  `Connection`, or raises; `failure_kind(error)` says how that error may be retried;
- `Connection.read(stall_timeout)` waits for the next chunk and returns it framed, as a
  `Read`: its frames, its size, the text that could not be framed, and why the connection
  ended (then it is closed already);
- `Connection.age` and `Connection.aclose()`.

No event is parsed here, and nothing is retried: that is the subscription's business.
"""

from __future__ import annotations

import contextlib
import logging
import time
import urllib.parse
from collections.abc import AsyncIterator
from typing import Literal

import anyio
import attrs
import httpx

from .._config import ApiFamily
from .._constants import SAPI_CONNECT_TIMEOUT
from .._errors import APIConnectionError, APIStatusError, RateLimitError
from .._http import HttpPipeline, RequestOptions
from .._retry import RetryPolicy
from ._framing import Framer, FramingError, OutputType

logger = logging.getLogger("eightbyeight_async.streaming")

SUBSCRIBE_PATH = "/api/streaming/v1/clientconnect/subscribe/TenantUpdates-{tenant}-{subscription}"

FailureKind = Literal["network", "HTTP", "too many clients"]


def failure_kind(error: Exception) -> FailureKind | None:
    """How a failed attempt to open the stream may be retried; None: reconnecting cannot
    fix it (a 400, 401, 403 or 404, or a mistake of the caller's)."""
    if isinstance(error, (APIConnectionError, httpx.TransportError)):
        return "network"
    if isinstance(error, RateLimitError):
        return "too many clients"  # SAPI answers 429 to a tenant's fourth listening client
    if isinstance(error, APIStatusError) and error.status_code >= 500:
        return "HTTP"
    return None


@attrs.frozen
class Read:
    """One chunk of the stream, framed."""

    frames: list[str] = attrs.field(factory=list)
    """Complete frames in order: event texts, or HEARTBEAT."""
    size: int = 0
    """Bytes read."""
    rest: str = ""
    """Text that could not be framed (the stream was corrupt or cut inside a frame)."""
    problem: str = ""
    """Why `rest` could not be framed."""
    ended: str | None = None
    """Why the connection is over (it is closed then); None while it goes on."""


@attrs.frozen
class StreamEndpoint:
    """Where and how a subscription's connections are opened."""

    pipeline: HttpPipeline
    tenant: str
    output: OutputType
    max_frame_chars: int

    async def open(self, subscription_id: str) -> Connection:
        """A new connection, or the error the attempt raised (see `failure_kind`)."""
        path = SUBSCRIBE_PATH.format(
            tenant=urllib.parse.quote(self.tenant, safe=""),
            subscription=urllib.parse.quote(subscription_id, safe=""),
        )
        options = RequestOptions(
            family=ApiFamily.STREAMING,
            method="GET",
            path=path,
            params={
                "desiredOutputType": self.output,
                "tenantId": self.tenant,
                "subsId": subscription_id,
                "X-Atmosphere-Transport": "streaming",
            },
            retry=RetryPolicy.disabled(),  # the subscription's reconnect loop decides
            timeout=httpx.Timeout(SAPI_CONNECT_TIMEOUT, read=None),  # stalls: see read()
        )
        stack = contextlib.AsyncExitStack()
        try:
            response = await stack.enter_async_context(self.pipeline.stream(options))
        except BaseException:
            await stack.aclose()
            raise
        framer = Framer(self.output, max_frame_chars=self.max_frame_chars)
        return Connection(stack, response.aiter_bytes().__aiter__(), framer)


class Connection:
    """An open SAPI response, read a chunk at a time. Use through `StreamEndpoint.open()`."""

    def __init__(
        self, stack: contextlib.AsyncExitStack, chunks: AsyncIterator[bytes], framer: Framer
    ) -> None:
        self._stack: contextlib.AsyncExitStack | None = stack
        self._chunks = chunks
        self._framer = framer
        self._opened_at = time.monotonic()

    @property
    def age(self) -> float:
        """Seconds since the connection opened."""
        return time.monotonic() - self._opened_at

    async def read(self, stall_timeout: float) -> Read:
        """The next chunk, framed; a Read with `ended` set (and the connection closed) at the
        end of the stream, on a network error, a corrupt stream, or no byte for
        `stall_timeout` seconds."""
        try:
            with anyio.fail_after(stall_timeout):
                chunk = await self._chunks.__anext__()
        except StopAsyncIteration:
            return await self._frame(None, 0, "session ended", "stream ended inside a frame")
        except TimeoutError:
            return await self._end(Read(ended=f"no data for {stall_timeout}s"))
        except httpx.TransportError as exc:
            return await self._end(Read(ended=f"network error: {exc!r}"))
        return await self._frame(chunk, len(chunk), None, "corrupt stream")

    async def _frame(self, chunk: bytes | None, size: int, clean: str | None, corrupt: str) -> Read:
        """Frame `chunk` (None: the end of the stream). The frames completed before a
        corruption come first; the connection ends with `clean` or `corrupt`."""
        try:
            frames = self._framer.feed(chunk) if chunk is not None else self._framer.close()
        except FramingError as exc:
            logger.warning("SAPI stream corrupt, reconnecting: %s", exc)
            read = Read(exc.frames, size, rest=exc.rest, problem=str(exc), ended=corrupt)
            return await self._end(read)
        read = Read(frames, size, ended=clean)
        return read if clean is None else await self._end(read)

    async def _end(self, read: Read) -> Read:
        await self.aclose()
        return read

    async def aclose(self) -> None:
        """Close the response (shielded from cancellation: a cancelled reader still closes)."""
        stack, self._stack = self._stack, None
        if stack is not None:
            with anyio.CancelScope(shield=True):
                await stack.aclose()
