"""How the pipeline's requests reach the network.

Through a user's `httpx.AsyncClient`, every request goes through `client.send`, so all of
that client's configuration (auth, cookies, event hooks, proxies, mounts) applies. The SDK's
own client is configured by the SDK and uses none of that, so its requests go straight to
its transport: httpx's client layer (URL merging, cookie jar, auth flow) costs about 80 µs a
request, a quarter of a statistics page's time on the aiohttp transport. With proxies in the
environment the SDK's own client has no transport of its own (`_transport.new_http_client`):
it goes through `client.send` too, which applies them.
"""

from __future__ import annotations

import contextlib
import datetime
import logging
import time
from collections.abc import AsyncIterator, Iterator, Mapping
from typing import Any, Final

import httpx

_httpx_logger = logging.getLogger("httpx")

READ_WHOLE: Final = "eightbyeight_read_whole"
"""Request extension: the pipeline reads the whole body at once (no streaming), so a
transport may read it in one call (`_transport._AiohttpTransport` does)."""


class Wire:
    """Builds and sends the pipeline's requests on one `httpx.AsyncClient`."""

    def __init__(
        self, client: httpx.AsyncClient, own_transport: httpx.AsyncBaseTransport | None
    ) -> None:
        self.client = client
        self._direct = own_transport
        self._default_headers = dict(client.headers.items())  # lowercased names

    def build(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        headers: Mapping[str, str],
        timeout: httpx.Timeout | Any = httpx.USE_CLIENT_DEFAULT,
        read_whole: bool = False,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        extensions: dict[str, Any] | None = None,
    ) -> httpx.Request:
        """One request with the client's default headers; its timeout is the one in
        `extensions` (a redirect keeps its request's), else `timeout`, else the client's."""
        extensions = {**(extensions or {}), READ_WHOLE: True} if read_whole else extensions
        body: dict[str, Any] = {"params": params, "data": data, "json": json, "content": content}
        if self._direct is None:
            return self.client.build_request(
                method, url, headers=headers, timeout=timeout, extensions=extensions, **body
            )
        chosen = timeout if isinstance(timeout, httpx.Timeout) else self.client.timeout
        merged = dict(self._default_headers)
        merged.update((key.lower(), value) for key, value in headers.items())
        extensions = {"timeout": chosen.as_dict(), **(extensions or {})}
        return httpx.Request(method, url, headers=merged, extensions=extensions, **body)

    async def send(self, request: httpx.Request) -> httpx.Response:
        """Send one request (no redirects followed); the body is left unread. Sent directly,
        the response is what `client.send` makes it: its request, `elapsed`, httpx's log line."""
        if self._direct is None:
            return await self.client.send(request, stream=True, follow_redirects=False)
        started = time.perf_counter()
        with _attach_request(request):
            response = await self._direct.handle_async_request(request)
        response.request = request
        if response.is_closed:  # read whole by the transport
            response.elapsed = datetime.timedelta(seconds=time.perf_counter() - started)
        else:
            assert isinstance(response.stream, httpx.AsyncByteStream)
            response.stream = _TimedStream(response, response.stream, started)
        if _httpx_logger.isEnabledFor(logging.INFO):
            _httpx_logger.info(
                'HTTP Request: %s %s "%s %d %s"',
                request.method,
                request.url,
                response.http_version,
                response.status_code,
                response.reason_phrase,
            )
        return response


@contextlib.contextmanager
def _attach_request(request: httpx.Request) -> Iterator[None]:
    """Attach `request` to an httpx error raised inside, as `client.send` does."""
    try:
        yield
    except httpx.RequestError as exc:
        exc.request = request
        raise


class _TimedStream(httpx.AsyncByteStream):
    """A response body that sets the response's `elapsed` when closed."""

    def __init__(
        self, response: httpx.Response, inner: httpx.AsyncByteStream, started: float
    ) -> None:
        self._response = response
        self._inner = inner
        self._started = started

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        self._response.elapsed = datetime.timedelta(seconds=time.perf_counter() - self._started)
        await self._inner.aclose()
