"""The seam between the analytics API and the HTTP pipeline.

`Analytics` and every `ReportJob` it starts share one `AnalyticsTransport`: the pipeline, the
base path of one region and version, and the reading of the server's `X-Tenant-Info` errors
as `TenantInfoError`. A job needs nothing else from `Analytics`, so neither imports the other.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any, Final, TypeVar

import attrs
import httpx

from .._config import ApiFamily
from .._errors import BadRequestError, TenantInfoError, restated
from .._formats import decode_json
from .._http import HttpPipeline, RequestOptions

T = TypeVar("T")

JSON: Final = {"Accept": "application/json"}
"""The headers of a request for a JSON answer."""

_TENANT_HINTS: Final = {
    "X-Tenant-Info header is missing": (
        "this is a multi-tenant customer: pass tenant_info='<tenant id>' to ContactCenter "
        "(the server says the X-Tenant-Info header is missing)"
    ),
    "Invalid value for X-Tenant-Info header": (
        "the server does not accept the configured tenant_info: check the tenant id passed as "
        "tenant_info= (the server says the X-Tenant-Info value is invalid)"
    ),
}


def tenant_error(exc: BadRequestError) -> TenantInfoError | None:
    """The `TenantInfoError` a 400 about `X-Tenant-Info` means, or None for any other 400."""
    for marker, hint in _TENANT_HINTS.items():
        if marker in exc.body_excerpt:
            return restated(exc, hint, TenantInfoError)
    return None


def _json(response: httpx.Response) -> Any:
    return decode_json(response.content)


@attrs.frozen
class AnalyticsTransport:
    """Requests under one analytics base path (`{region}/analytics/cc/{version}/…`)."""

    pipeline: HttpPipeline = attrs.field(repr=False)
    base_path: str

    def _options(self, method: str, path: str, **options: Any) -> RequestOptions:
        return RequestOptions(
            family=ApiFamily.ANALYTICS, method=method, path=self.base_path + path, **options
        )

    async def request(
        self, method: str, path: str, parse: Callable[[httpx.Response], T], **options: Any
    ) -> T:
        """Send a request for `path` (under the base path) and `parse` its answer."""
        try:
            return await self.pipeline.request_parsed(self._options(method, path, **options), parse)
        except BadRequestError as exc:
            raise (tenant_error(exc) or exc) from exc

    async def get_json(self, path: str, **options: Any) -> Any:
        """GET `path` and decode its JSON answer."""
        return await self.request("GET", path, _json, **options)

    @contextlib.asynccontextmanager
    async def stream(self, path: str, **options: Any) -> AsyncIterator[httpx.Response]:
        """GET `path` with its body not yet read (a download)."""
        try:
            async with self.pipeline.stream(self._options("GET", path, **options)) as response:
                yield response
        except BadRequestError as exc:
            raise (tenant_error(exc) or exc) from exc
