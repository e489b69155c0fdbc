"""An httpx transport wrapper that counts requests whose response is still open: the
client-side truth for "no request left running" tests."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx


class CountingTransport(httpx.AsyncBaseTransport):
    """Wraps the real transport and counts requests whose response is still open."""

    def __init__(self) -> None:
        self._inner = httpx.AsyncHTTPTransport()
        self.in_flight = 0
        self.sent = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.in_flight += 1
        self.sent += 1
        try:
            response = await self._inner.handle_async_request(request)
        except BaseException:
            self.in_flight -= 1
            raise
        return httpx.Response(
            response.status_code,
            headers=response.headers,
            stream=_Closing(response.stream, self),  # type: ignore[arg-type]
            extensions=response.extensions,
        )

    async def aclose(self) -> None:
        await self._inner.aclose()


class _Closing(httpx.AsyncByteStream):
    def __init__(self, inner: httpx.AsyncByteStream, owner: CountingTransport) -> None:
        self._inner = inner
        self._owner = owner
        self._closed = False

    async def __aiter__(self) -> AsyncIterator[bytes]:
        async for chunk in self._inner:
            yield chunk

    async def aclose(self) -> None:
        if not self._closed:
            self._closed = True
            self._owner.in_flight -= 1
        await self._inner.aclose()
