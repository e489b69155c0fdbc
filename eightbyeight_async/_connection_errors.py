"""What a broken connection becomes: the public `APIConnectionError` (or `APITimeoutError`)
with the first non-empty reason of the cause chain (trio's path hides it there), redacted,
and for an untrusted certificate what to do about it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx

from ._errors import APIConnectionError, APITimeoutError
from ._redact import redact_text, redact_url
from ._retry import UNTRUSTED_CERTIFICATE, cause_chain, is_permanent


def transport_error(
    request: httpx.Request, exc: httpx.TransportError, what: str
) -> APIConnectionError:
    """The public error for a broken connection: `APITimeoutError` for a timeout, else
    `APIConnectionError`; `what` says what failed, `{url}` in it the redacted URL."""
    url = redact_url(request.url)
    kind = APITimeoutError if isinstance(exc, httpx.TimeoutException) else APIConnectionError
    reason = next((str(link) for link in cause_chain(exc) if str(link)), "")
    detail = redact_text(reason) or type(exc).__name__
    message = f"{what.format(url=url)}: {type(exc).__name__}: {detail}"
    if is_permanent(exc):
        message += UNTRUSTED_CERTIFICATE
    return kind(message, method=request.method, url=url)


async def body_chunks(response: httpx.Response, chunk_size: int) -> AsyncIterator[bytes]:
    """A streamed body in chunks; a connection that breaks off raises `APIConnectionError`."""
    try:
        async for chunk in response.aiter_bytes(chunk_size):
            yield chunk
    except httpx.TransportError as exc:
        what = "the download from {url} broke off"
        raise transport_error(response.request, exc, what) from exc
