"""Following redirects by hand: never to plain HTTP off loopback, never carrying credentials
to another origin, at most `MAX_REDIRECTS` hops."""

from __future__ import annotations

import httpx

from ._config import MAX_REDIRECTS, is_loopback_host
from ._errors import APIConnectionError
from ._redact import redact_url
from ._wire import Wire

CREDENTIAL_HEADERS = frozenset({"authorization", "8x8-apikey", "token", "x-tenant-info", "cookie"})
"""Headers dropped from a request redirected to another origin."""


async def send_following_redirects(
    wire: Wire, request: httpx.Request, *, follow: bool = True
) -> httpx.Response:
    """Send; follow up to MAX_REDIRECTS redirects, never carrying credentials off-origin."""
    for _ in range(MAX_REDIRECTS + 1):
        response = await wire.send(request)
        if not response.is_redirect or not follow:
            return response
        await response.aclose()
        request = _redirect_request(wire, request, response)
    raise APIConnectionError(
        f"more than {MAX_REDIRECTS} redirects from {redact_url(request.url)}",
        method=request.method,
        url=redact_url(request.url),
    )


def _redirect_request(
    wire: Wire, request: httpx.Request, response: httpx.Response
) -> httpx.Request:
    target = request.url.join(response.headers["location"])
    if target.scheme != "https" and not is_loopback_host(target.host):
        raise APIConnectionError(
            f"refusing to follow a redirect to a non-HTTPS URL {redact_url(target)}",
            method=request.method,
            url=redact_url(request.url),
        )
    same_origin = (target.scheme, target.host, target.port) == (
        request.url.scheme,
        request.url.host,
        request.url.port,
    )
    headers = {
        key: value
        for key, value in request.headers.items()
        if same_origin or key.lower() not in CREDENTIAL_HEADERS
    }
    keep_body = response.status_code in (307, 308)
    method = request.method if keep_body or request.method == "HEAD" else "GET"
    if not keep_body:
        headers.pop("content-length", None)
        headers.pop("content-type", None)
    return wire.build(
        method,
        target,
        headers=headers,
        content=request.content if keep_body else None,
        extensions=request.extensions,
    )
