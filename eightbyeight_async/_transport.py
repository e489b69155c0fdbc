"""The wire under the shared `httpx.AsyncClient`: httpx's own (the default, on asyncio and
trio) or aiohttp through `httpx-aiohttp` (the `aiohttp` extra, asyncio only, faster).

The adapter maps every `aiohttp.ClientConnectionError` to `httpx.ConnectTimeout`, so a
server that hangs up after reading a POST would look like a request that never left, and the
retry policy would send the POST again. `_AiohttpTransport` re-maps the adapter's errors by
their aiohttp cause: only a failure to connect stays a connect error.
"""

from __future__ import annotations

import contextlib
import importlib.util
import urllib.request
from collections.abc import AsyncIterator, Iterator
from typing import Final, Literal

import httpx

from ._errors import ConfigurationError
from ._redact import redact_text
from ._wire import READ_WHOLE

TransportName = Literal["httpx", "aiohttp"]
TRANSPORTS: Final = ("httpx", "aiohttp")
AIOHTTP_INSTALL: Final = "pip install 'eightbyeight-async[aiohttp]'"


def choose_transport(transport: object, http_client: object) -> TransportName:
    """The checked transport name; "aiohttp" needs its extra and no `http_client=`."""
    if transport not in TRANSPORTS:
        raise ConfigurationError(
            f"transport must be one of {', '.join(TRANSPORTS)}; got {transport!r}"
        )
    if transport == "aiohttp":
        if http_client is not None:
            raise ConfigurationError(
                "pass either transport='aiohttp' or http_client=, not both (to use aiohttp "
                "with a client of your own, give it an httpx_aiohttp.AiohttpTransport)"
            )
        if not all(importlib.util.find_spec(name) for name in ("aiohttp", "httpx_aiohttp")):
            raise ConfigurationError(
                f"transport='aiohttp' needs the aiohttp extra: {AIOHTTP_INSTALL}"
            )
        return "aiohttp"
    return "httpx"


def new_http_client(
    transport: TransportName, *, timeout: httpx.Timeout, limits: httpx.Limits
) -> tuple[httpx.AsyncClient, httpx.AsyncBaseTransport | None]:
    """The SDK's own client on the chosen wire, and that wire for `_wire.Wire` to send to
    directly; redirects are the pipeline's to follow. With proxies in the environment the
    default wire is httpx's to choose (it applies them only to a client it builds the
    transports of), and there is none to send to directly."""
    wire: httpx.AsyncBaseTransport | None
    if transport == "aiohttp":
        wire = _AiohttpTransport(limits)
    else:
        wire = None if urllib.request.getproxies() else httpx.AsyncHTTPTransport(limits=limits)
    client = httpx.AsyncClient(
        transport=wire, timeout=timeout, limits=limits, follow_redirects=False
    )
    return client, wire


def require_event_loop(transport: TransportName) -> None:
    """Refuse the aiohttp transport outside asyncio (trio, say), before any I/O."""
    if transport == "aiohttp" and _current_async_library() != "asyncio":
        raise ConfigurationError(
            "the aiohttp transport runs on asyncio only; under trio use the default "
            "transport='httpx'"
        )


def _current_async_library() -> str:
    try:
        import sniffio  # trio depends on it, so it is there whenever trio can run
    except ImportError:  # pragma: no cover - without sniffio there is no trio either
        return "asyncio"
    try:
        return sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        return "none"


class _AiohttpTransport(httpx.AsyncBaseTransport):
    """`httpx_aiohttp.AiohttpTransport` with honest errors, checked to run on asyncio.

    A request the pipeline reads whole (`READ_WHOLE`) is sent on the adapter's aiohttp
    session directly and its body read in one call: the adapter's 16 KiB chunks through
    httpx's stream machinery cost more than the request itself.
    """

    def __init__(self, limits: httpx.Limits) -> None:
        from httpx_aiohttp import AiohttpTransport

        self._inner = AiohttpTransport(limits=limits)
        self._on_asyncio = False

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if not self._on_asyncio:
            require_event_loop("aiohttp")
            self._on_asyncio = True
        content = _content_if_whole(request)
        if content is not None:
            with _honest_errors(request):
                return await self._read_whole(request, content)
        with _honest_errors(request):
            response = await self._inner.handle_async_request(request)
        assert isinstance(response.stream, httpx.AsyncByteStream)
        response.stream = _HonestStream(response.stream, request)
        return response

    async def _read_whole(self, request: httpx.Request, content: bytes) -> httpx.Response:
        """Send on the adapter's session and read the body in one call (as the adapter
        would send it: no redirects, no decompression, httpx's timeouts)."""
        from aiohttp import ClientSession, ClientTimeout
        from httpx_aiohttp.transport import map_aiohttp_exceptions

        if not isinstance(self._inner.client, ClientSession):
            self._inner.client = self._inner.get_client()
        timeout = request.extensions.get("timeout", {})
        with map_aiohttp_exceptions():
            async with self._inner.client.request(
                request.method,
                str(request.url),
                headers=request.headers.multi_items(),
                data=content or None,
                allow_redirects=False,
                auto_decompress=False,
                compress=False,
                timeout=ClientTimeout(
                    sock_connect=timeout.get("connect"),
                    sock_read=timeout.get("read"),
                    connect=timeout.get("pool"),
                ),
                server_hostname=request.extensions.get("sni_hostname"),
            ) as answer:
                body = await answer.read()
        extensions = {"http_version": b"HTTP/1.1"}
        if answer.reason:
            extensions["reason_phrase"] = answer.reason.encode()
        return httpx.Response(
            answer.status,
            headers=answer.raw_headers,
            content=body,
            request=request,
            extensions=extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


def _content_if_whole(request: httpx.Request) -> bytes | None:
    """The body of a request the pipeline reads whole; None for any other request, or one
    whose body is a stream (the adapter sends those)."""
    if not request.extensions.get(READ_WHOLE):
        return None
    try:
        return request.content
    except httpx.RequestNotRead:
        return None


class _HonestStream(httpx.AsyncByteStream):
    """A response body whose errors are re-mapped like the request's."""

    def __init__(self, inner: httpx.AsyncByteStream, request: httpx.Request) -> None:
        self._inner = inner
        self._request = request

    async def __aiter__(self) -> AsyncIterator[bytes]:
        with _honest_errors(self._request):
            async for chunk in self._inner:
                yield chunk

    async def aclose(self) -> None:
        with _honest_errors(self._request):
            await self._inner.aclose()


@contextlib.contextmanager
def _honest_errors(request: httpx.Request) -> Iterator[None]:
    import aiohttp

    try:
        yield
    except httpx.TransportError as exc:
        error, cause = _rebuilt(honest_error_class(exc), str(exc), exc.__cause__, request)
        raise error from cause
    except aiohttp.ClientError as exc:  # one the adapter does not map, like a garbled answer
        error, cause = _rebuilt(httpx.RemoteProtocolError, str(exc), exc, request)
        raise error from cause


def _rebuilt(
    kind: type[httpx.TransportError],
    message: str,
    cause: BaseException | None,
    request: httpx.Request,
) -> tuple[httpx.TransportError, BaseException | None]:
    """The error to raise and the cause to chain. aiohttp puts the whole URL, query
    credentials included, in some messages (a connect timeout, a garbled answer): the message
    is redacted, and such a cause is left out of the chain a traceback prints."""
    error = kind(redact_text(message or type(cause).__name__), request=request)
    text = str(cause)
    return error, cause if redact_text(text) == text else None


def honest_error_class(exc: httpx.TransportError) -> type[httpx.TransportError]:
    """The httpx error class that says what the aiohttp cause of `exc` means.

    Only a failure to open the connection (`ClientConnectorError`, `ConnectionTimeoutError`)
    may read as "never sent"; any other connect-class error becomes a read-side one, so a
    POST is not retried after the server may have seen it.
    """
    import aiohttp

    cause = exc.__cause__
    if isinstance(cause, aiohttp.ConnectionTimeoutError):  # pool wait or connect timed out
        return httpx.ConnectTimeout
    if isinstance(cause, aiohttp.ClientConnectorError):  # refused, DNS, TLS handshake
        return httpx.ConnectError
    if isinstance(cause, aiohttp.ServerTimeoutError):  # the answer was too slow
        return httpx.ReadTimeout
    if isinstance(cause, aiohttp.ServerDisconnectedError):  # hung up without an answer
        return httpx.RemoteProtocolError
    if isinstance(exc, (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)):
        return httpx.ReadError  # the adapter cannot tell: assume the request went out
    return type(exc)
