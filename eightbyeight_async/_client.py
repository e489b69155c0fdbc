"""`ContactCenter`: the configured client. It owns the shared `httpx.AsyncClient` and the
request pipeline, and gives one attribute per API family."""

from __future__ import annotations

import enum
import os
from collections.abc import Mapping
from types import TracebackType
from typing import Any, Final, Literal

import httpx
from typing_extensions import Unpack

from ._auth import Credentials
from ._config import (
    DEFAULT_API_BASE_URL,
    DEFAULT_TIMEOUT,
    ApiFamily,
    Host,
    Limits,
    check_base_url,
    check_timeout,
    platform_url,
)
from ._constants import DEFAULT_ANALYTICS_VERSION
from ._endpoints import CallOptions, overrides
from ._errors import ConfigurationError, InvalidArgumentError
from ._flow import FlowState
from ._http import HttpPipeline, RequestOptions
from ._redact import Secret, install_log_redaction
from ._resources.analytics import Analytics
from ._resources.attachments import Attachments
from ._resources.callbacks import Callbacks
from ._resources.click_to_dial import ClickToDial
from ._resources.external_ivr import ExternalIvr
from ._resources.interaction_data import InteractionData
from ._resources.realtime import Realtime
from ._resources.recent_calls import RecentCalls
from ._resources.recording_control import RecordingControl
from ._resources.recordings import Recordings
from ._resources.schedules import Schedules
from ._resources.stats import Stats
from ._retry import RetryPolicy
from ._settings import check_strings, check_transport
from ._streaming._events_api import Events, check_events_url
from ._streaming._subscription import Streaming
from ._transport import TransportName, choose_transport, new_http_client, require_event_loop

AnalyticsRegion = Literal["us", "eu", "au", "ca"]
RecentCallsRegion = Literal["us", "uk"]
ANALYTICS_REGIONS: Final = ("us", "eu", "au", "ca")
RECENT_CALLS_REGIONS: Final = ("us", "uk")
ENV_PREFIX: Final = "EIGHTBYEIGHT_"
_ENV_SETTINGS: Final = (
    "tenant",
    "platform",
    "base_url",
    "data_token",
    "action_token",
    "analytics_client_id",
    "analytics_secret",
    "analytics_region",
    "analytics_version",
    "api_base_url",
    "tenant_info",
    "recent_calls_api_key",
    "recent_calls_token",
    "recent_calls_region",
    "events_api_key",
    "events_url",
)
"""The settings `from_env` reads, each from `EIGHTBYEIGHT_<NAME>`."""


class _Default(enum.Enum):
    TIMEOUT = "default"


_FAMILIES_BY_KEY: Final = {family.key: family for family in ApiFamily}


def _secret(value: str | None) -> Secret | None:
    return Secret(value) if value else None


class ContactCenter:
    """An async client for the 8x8 Contact Center APIs of one tenant.

    Use it as `async with ContactCenter(tenant=..., platform="na4", data_token=...) as cc:`;
    the shared connection pool is closed when the block ends. Each credential is only needed
    by the APIs that use it; a call that needs a missing one raises `ConfigurationError`
    before any I/O. `transport="aiohttp"` (the `aiohttp` extra, asyncio only) sends through
    aiohttp instead of httpx's own connection pool: faster for high-throughput exports.
    """

    def __init__(
        self,
        *,
        tenant: str | None = None,
        platform: str | None = None,
        base_url: str | None = None,
        data_token: str | None = None,
        action_token: str | None = None,
        analytics_client_id: str | None = None,
        analytics_secret: str | None = None,
        analytics_region: AnalyticsRegion = "us",
        analytics_version: str = DEFAULT_ANALYTICS_VERSION,
        api_base_url: str = DEFAULT_API_BASE_URL,
        tenant_info: str | None = None,
        recent_calls_api_key: str | None = None,
        recent_calls_token: str | None = None,
        recent_calls_region: RecentCallsRegion = "us",
        events_api_key: str | None = None,
        events_url: str | None = None,
        http_client: httpx.AsyncClient | None = None,
        timeout: float | httpx.Timeout | _Default | None = _Default.TIMEOUT,
        retry: RetryPolicy | None = None,
        limits: Limits | None = None,
        transport: TransportName = "httpx",
    ):
        check_strings(
            tenant=tenant,
            data_token=data_token,
            action_token=action_token,
            analytics_client_id=analytics_client_id,
            analytics_secret=analytics_secret,
            tenant_info=tenant_info,
            recent_calls_api_key=recent_calls_api_key,
            recent_calls_token=recent_calls_token,
            events_api_key=events_api_key,
            events_url=events_url,
        )
        check_transport(http_client, retry, limits)
        self._transport: TransportName = choose_transport(transport, http_client)
        checked_timeout = timeout if timeout is _Default.TIMEOUT else check_timeout(timeout)
        self._base_urls = _resolve_hosts(platform, base_url, api_base_url)
        self.analytics_region: AnalyticsRegion = _choose(
            "analytics_region", analytics_region, ANALYTICS_REGIONS
        )
        self.recent_calls_region: RecentCallsRegion = _choose(
            "recent_calls_region", recent_calls_region, RECENT_CALLS_REGIONS
        )
        self._credentials = Credentials(
            tenant=tenant,
            data_token=_secret(data_token),
            action_token=_secret(action_token),
            analytics_client_id=analytics_client_id,
            analytics_secret=_secret(analytics_secret),
            tenant_info=tenant_info,
            recent_calls_api_key=_secret(recent_calls_api_key),
            recent_calls_token=_secret(recent_calls_token),
        )
        self.limits = limits or Limits()
        self._owns_client = http_client is None
        own_transport: httpx.AsyncBaseTransport | None = None
        if http_client is None:
            http_client, own_transport = self._new_http_client(checked_timeout)
        self._http_client = http_client
        install_log_redaction()
        self._pipeline = HttpPipeline(
            client=self._http_client,
            own_transport=own_transport,
            base_urls=self._base_urls,
            credentials=self._credentials,
            retry=retry or RetryPolicy(),
            limits=self.limits,
            timeout=_request_timeout(checked_timeout, owns_client=self._owns_client),
        )
        self.stats = Stats(self._pipeline)
        """The Historical Statistics API (`/api/stats/...`)."""
        self.realtime = Realtime(self._pipeline)
        """The Real-time Statistics API (`/api/rtstats/stats/...`) and `watch()`."""
        self.recent_calls = RecentCalls(
            self._pipeline, region=self.recent_calls_region, tenant=tenant
        )
        """The Customer Experience Recent Calls API: `cc.recent_calls.search(...)`."""
        self.schedules = Schedules(self._pipeline)
        """The Tenant Schedule API (`/api/provisioning/schedules...`), one request at a time."""
        self.streaming = Streaming(self._pipeline, tenant)
        """The Streaming API (SAPI): `async with cc.streaming.subscribe(...) as events`."""
        self.recordings = Recordings(self._pipeline)
        """The Recordings API: recording files and chat transcripts (`/api/recordings/...`)."""
        self.recording_control = RecordingControl(
            self._pipeline, tenant=tenant, base_url=self.base_url
        )
        """The Recording Control API: `await cc.recording_control.pause(agent_id=...)`."""
        self.callbacks = Callbacks(self._pipeline)
        """The web callback API: `await cc.callbacks.create(...)`, `.delete(ext_id)`."""
        self.interaction_data = InteractionData(self._pipeline)
        """Interaction Data Augmentation: set variables on, and read, a live interaction."""
        self.external_ivr = ExternalIvr(self._pipeline)
        """The External IVR API: `await cc.external_ivr.forward_to_queue(...)`."""
        self.click_to_dial = ClickToDial(self.base_url)
        """Click-to-dial URLs for the agent's browser (`/AGUI/make_call.php`); no I/O."""
        self.analytics = Analytics(
            self._pipeline, region=self.analytics_region, version=analytics_version
        )
        """CC Historical Analytics reports: `job = await cc.analytics.create_report(...)`."""
        self.attachments = Attachments(self._pipeline)
        """Case and Contact Management attachments (`/api/ccm/attachments/...`)."""
        self._websocket_http_client: httpx.AsyncClient | None = None
        contact_center = self._base_urls.get(Host.CONTACT_CENTER)
        self.events = Events(
            self._websocket_client,
            tenant=tenant,
            api_key=_secret(events_api_key) or self._credentials.data_token,
            events_url=check_events_url(events_url) if events_url else None,
            platform_host=contact_center.host if contact_center is not None else None,
        )
        """Event Streaming (the WebSocket successor to SAPI): `cc.events.subscribe(...)`."""

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None, **overrides: Any) -> ContactCenter:
        """Build a client from `EIGHTBYEIGHT_*` variables (e.g. `EIGHTBYEIGHT_TENANT`,
        `EIGHTBYEIGHT_PLATFORM`, `EIGHTBYEIGHT_DATA_TOKEN`); keyword overrides win."""
        env = os.environ if environ is None else environ
        found = {
            n: env[ENV_PREFIX + n.upper()] for n in _ENV_SETTINGS if env.get(ENV_PREFIX + n.upper())
        }
        return cls(**{**found, **overrides})

    @property
    def tenant(self) -> str | None:
        """The tenant name used for Basic auth."""
        return self._credentials.tenant

    @property
    def base_url(self) -> str | None:
        """The tenant's Contact Center host (`https://vcc-na4.8x8.com`), if configured."""
        url = self._base_urls.get(Host.CONTACT_CENTER)
        return str(url) if url is not None else None

    @property
    def api_base_url(self) -> str:
        """The host of the OAuth, analytics and Recent Calls APIs."""
        return str(self._base_urls[Host.API])

    @property
    def retry(self) -> RetryPolicy:
        """The retry policy every call uses unless it overrides it."""
        return self._pipeline.retry

    @property
    def is_closed(self) -> bool:
        """True once the shared HTTP client has been closed."""
        return self._http_client.is_closed

    def limits_state(self) -> Mapping[ApiFamily, FlowState]:
        """Each API family's flow control now: its limit, the rate it is paced at (None
        until a 429/503), requests in flight, throttles seen, family-wide pauses and
        outages ridden out."""
        return self._pipeline.flow_states()

    def __repr__(self) -> str:
        return (
            f"ContactCenter(tenant={self.tenant!r}, base_url={self.base_url!r}, "
            f"api_base_url={self.api_base_url!r}, credentials={self._credentials!r})"
        )

    async def __aenter__(self) -> ContactCenter:
        require_event_loop(self._transport)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        """Close the shared HTTP client (a client passed in by the user is left open)."""
        if self._owns_client:
            await self._http_client.aclose()
        if self._websocket_http_client is not None:
            await self._websocket_http_client.aclose()

    def _websocket_client(self) -> httpx.AsyncClient:
        """The client Event Streaming upgrades on: the shared one, unless it sends through
        aiohttp (which cannot hand over the upgraded connection); then one of its own."""
        if self._transport != "aiohttp":
            return self._http_client
        if self._websocket_http_client is None:
            self._websocket_http_client, _ = new_http_client(
                "httpx", timeout=DEFAULT_TIMEOUT, limits=httpx.Limits(max_connections=8)
            )
        return self._websocket_http_client

    async def raw_request(
        self,
        method: str,
        path: str,
        *,
        api: str = "stats",
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        idempotent: bool | None = None,
        **call: Unpack[CallOptions],
    ) -> httpx.Response:
        """Call any path of an API family through the full pipeline (auth, limits, retries,
        error mapping). An escape hatch for endpoints the typed resources do not cover.

        `api` names the family: one of "stats", "realtime", "recordings", "schedules",
        "attachments", "streaming", "recording_control", "interaction_data", "callbacks",
        "callback_deletion", "external_ivr", "analytics", "recent_calls". `timeout=` and
        `retry=` override the client's for this call, as on every typed method.
        """
        family = _FAMILIES_BY_KEY.get(api)
        if family is None or family is ApiFamily.OAUTH:
            choices = ", ".join(k for k in _FAMILIES_BY_KEY if k != "oauth")
            raise InvalidArgumentError(f"api must be one of {choices}; got {api!r}")
        options = RequestOptions(
            family=family,
            method=method.upper(),
            path=path,
            params=params,
            data=data,
            json=json,
            headers=headers,
            idempotent=idempotent,
            **overrides(call),
        )
        return await self._pipeline.request(options)

    def _new_http_client(
        self, timeout: httpx.Timeout | _Default
    ) -> tuple[httpx.AsyncClient, httpx.AsyncBaseTransport | None]:
        return new_http_client(
            self._transport,
            timeout=DEFAULT_TIMEOUT if timeout is _Default.TIMEOUT else timeout,
            limits=httpx.Limits(
                max_connections=self.limits.max_connections,
                max_keepalive_connections=self.limits.max_keepalive_connections,
            ),
        )


def _resolve_hosts(
    platform: str | None, base_url: str | None, api_base_url: str
) -> dict[Host, httpx.URL]:
    if platform and base_url:
        raise ConfigurationError("pass either platform= or base_url=, not both")
    hosts = {Host.API: check_base_url("api_base_url", api_base_url)}
    if platform:
        hosts[Host.CONTACT_CENTER] = check_base_url("platform", platform_url(platform))
    elif base_url:
        hosts[Host.CONTACT_CENTER] = check_base_url("base_url", base_url)
    return hosts


def _choose(name: str, value: Any, allowed: tuple[str, ...]) -> Any:
    if value not in allowed:
        raise ConfigurationError(f"{name} must be one of {', '.join(allowed)}; got {value!r}")
    return value


def _request_timeout(
    timeout: httpx.Timeout | _Default, *, owns_client: bool
) -> httpx.Timeout | None:
    """The per-request timeout: a user-supplied client keeps its own unless one is given."""
    if timeout is _Default.TIMEOUT:
        return DEFAULT_TIMEOUT if owns_client else None
    return timeout
