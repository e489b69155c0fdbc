"""Every tunable default in one place: hosts, API families, timeouts and concurrency limits."""

from __future__ import annotations

import enum
import ipaddress
import re
from collections.abc import Mapping
from types import MappingProxyType

import attrs
import httpx

from ._errors import ConfigurationError
from ._validate import describe_value, is_count, is_seconds

PLATFORM_URL_TEMPLATE = "https://vcc-{platform}.8x8.com"
"""`platform="na4"` → the tenant's Contact Center host (the login URL of the tenant)."""

DEFAULT_API_BASE_URL = "https://api.8x8.com"
"""The host of the OAuth, analytics and Recent Calls APIs."""

OAUTH_TOKEN_PATH = "/oauth/v2/token"  # noqa: S105 - a path, not a secret
TOKEN_EXPIRY_SKEW_SECONDS = 60.0
"""An OAuth token is refreshed this long before the server says it expires."""

DEFAULT_TIMEOUT = httpx.Timeout(30.0, connect=10.0)
MAX_REDIRECTS = 5
USER_AGENT = "eightbyeight-async"

_PLATFORM_RE = re.compile(r"^[a-z]{2}[0-9]{1,2}$|^sb[0-9]{1,2}$")


class Credential(enum.Enum):
    """The credential an API family authenticates with (ARCHITECTURE.md §3)."""

    DATA_TOKEN = "data request token (Basic tenant:token)"  # noqa: S105 - a description
    ACTION_TOKEN = "action request token (Basic tenant:token)"  # noqa: S105
    ACTION_TOKEN_QUERY = "action request token (tenant= and token= parameters)"  # noqa: S105
    OAUTH_BEARER = "OAuth client credentials (Bearer token)"
    OAUTH_CLIENT = "OAuth client id and secret (Basic)"
    RECENT_CALLS_KEY = "Recent Calls 8x8-apikey and token headers"


class Host(enum.Enum):
    """Which configured base URL a family's paths are relative to."""

    CONTACT_CENTER = "base_url"
    API = "api_base_url"


class ApiFamily(enum.Enum):
    """One documented API: its host, its credential, and its default concurrency limit."""

    # 16 for bulk exports: with 50 ms of latency, 16 pages in flight export 7.8x faster than
    # a sequential loop, 8 only 5x, and 16 cost no client CPU (benchmarks/stats_export.py).
    STATS = ("stats", Host.CONTACT_CENTER, Credential.DATA_TOKEN, 16)
    REALTIME = ("realtime", Host.CONTACT_CENTER, Credential.DATA_TOKEN, 8)
    RECORDINGS = ("recordings", Host.CONTACT_CENTER, Credential.DATA_TOKEN, 8)
    # The Tenant Schedule document's 503: "allow only single request per customer at a time".
    SCHEDULES = ("schedules", Host.CONTACT_CENTER, Credential.DATA_TOKEN, 1)
    # The CCM attachments document's own 503 row says the same: "to allow only a single
    # request per customer at a time" (503 otherwise), so 1 here is documented, not borrowed.
    ATTACHMENTS = ("attachments", Host.CONTACT_CENTER, Credential.DATA_TOKEN, 1)
    STREAMING = ("streaming", Host.CONTACT_CENTER, Credential.DATA_TOKEN, 3)
    RECORDING_CONTROL = ("recording_control", Host.CONTACT_CENTER, Credential.ACTION_TOKEN, 8)
    INTERACTION_DATA = ("interaction_data", Host.CONTACT_CENTER, Credential.ACTION_TOKEN, 8)
    CALLBACKS = ("callbacks", Host.CONTACT_CENTER, Credential.ACTION_TOKEN_QUERY, 8)
    # Deleting web callbacks is a separate REST API: Basic auth with the action token.
    CALLBACK_DELETION = ("callback_deletion", Host.CONTACT_CENTER, Credential.ACTION_TOKEN, 8)
    EXTERNAL_IVR = ("external_ivr", Host.CONTACT_CENTER, Credential.ACTION_TOKEN_QUERY, 8)
    ANALYTICS = ("analytics", Host.API, Credential.OAUTH_BEARER, 8)
    OAUTH = ("oauth", Host.API, Credential.OAUTH_CLIENT, 2)
    RECENT_CALLS = ("recent_calls", Host.API, Credential.RECENT_CALLS_KEY, 8)

    def __init__(self, key: str, host: Host, credential: Credential, default_limit: int):
        self.key = key
        self.host = host
        self.credential = credential
        self.default_limit = default_limit


def _default_family_limits() -> Mapping[ApiFamily, int]:
    return MappingProxyType({family: family.default_limit for family in ApiFamily})


def _check_limits(_: object, __: object, value: Mapping[ApiFamily, int]) -> None:
    if not isinstance(value, Mapping):
        raise ConfigurationError(
            f"Limits.per_family must map ApiFamily to a positive int; got {describe_value(value)}"
        )
    for family, limit in value.items():
        if not isinstance(family, ApiFamily):
            raise ConfigurationError(
                f"Limits.per_family keys must be ApiFamily members, like ApiFamily.STATS; "
                f"got {describe_value(family)}"
            )
        if not is_count(limit, 1):
            raise ConfigurationError(
                f"the limit of ApiFamily.{family.name} must be an int >= 1 (requests in flight);"
                f" got {describe_value(limit)}"
            )


def _check_connections(_: object, attribute: attrs.Attribute[int], value: int) -> None:
    # A pool of 0 connections would make every request wait forever; 0 idle ones is valid.
    minimum = 0 if attribute.name == "max_keepalive_connections" else 1
    if not is_count(value, minimum):
        raise ConfigurationError(
            f"Limits.{attribute.name} must be an int >= {minimum}; got {describe_value(value)}"
        )


@attrs.frozen
class Limits:
    """Concurrency limits: per API family (shared by every call on a client) and the pool.

    The defaults follow the benchmarks on a shared `httpx.AsyncClient` (it slows down above
    ~8 concurrent requests) and the documents (schedules: one request per customer at a time;
    SAPI: three clients per tenant).
    """

    per_family: Mapping[ApiFamily, int] = attrs.field(
        factory=_default_family_limits, validator=_check_limits
    )
    max_connections: int = attrs.field(default=32, validator=_check_connections)
    max_keepalive_connections: int = attrs.field(default=16, validator=_check_connections)
    adaptive: bool = attrs.field(default=True, validator=attrs.validators.instance_of(bool))
    """Pace each family under the rate its server accepts (a 429/503 slows it, a
    `Retry-After` pauses it; see `cc.limits_state()`); False: a fixed limit, as before."""

    def for_family(self, family: ApiFamily) -> int:
        """The concurrency limit of `family` (its documented default when not overridden)."""
        return self.per_family.get(family, family.default_limit)

    def with_family(self, family: ApiFamily, limit: int) -> Limits:
        """A copy with one family's limit changed."""
        if not isinstance(family, ApiFamily):
            raise ConfigurationError(
                "with_family needs an ApiFamily, like ApiFamily.STATS; "
                f"got {describe_value(family)}"
            )
        return attrs.evolve(self, per_family=MappingProxyType({**self.per_family, family: limit}))


def is_loopback_host(host: str) -> bool:
    """True for localhost and the loopback ranges (127.0.0.0/8, ::1): the sandbox's hosts."""
    host = host.strip("[]").lower()
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_base_url(name: str, url: str) -> httpx.URL:
    """Validate a configured base URL: absolute, no credentials, HTTPS unless loopback."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"{name} is not a valid URL: {exc}") from None
    if parsed.scheme not in ("http", "https") or not parsed.host:
        raise ConfigurationError(f"{name} must be an absolute http(s) URL, like https://host")
    if parsed.port is not None and not 0 < parsed.port < 65536:
        raise ConfigurationError(f"{name} has port {parsed.port}; a port is 1 to 65535")
    if parsed.userinfo:
        raise ConfigurationError(f"{name} must not embed credentials; pass them as arguments")
    if parsed.scheme != "https" and not is_loopback_host(parsed.host):
        raise ConfigurationError(
            f"{name} must use https:// (plain http is only allowed for loopback hosts such "
            f"as the sandbox); got host {parsed.host!r}"
        )
    if parsed.query or parsed.fragment:
        raise ConfigurationError(
            f"{name} must not carry a query or fragment (it would be dropped from every "
            "request); pass the scheme, host, port and any path prefix only"
        )
    return parsed


def platform_url(platform: str) -> str:
    """The Contact Center host for a platform name such as "na4" or "eu2"."""
    if not isinstance(platform, str):
        raise ConfigurationError(
            f"platform must be a str like 'na4' (see the tenant's login URL); "
            f"got {type(platform).__name__}"
        )
    name = platform.strip().lower()
    if not _PLATFORM_RE.match(name):
        raise ConfigurationError(
            f"platform must look like 'na4', 'eu2' or 'sb1' (see the tenant's login URL); "
            f"got {platform!r}"
        )
    return PLATFORM_URL_TEMPLATE.format(platform=name)


def check_timeout(timeout: object) -> httpx.Timeout:
    """Validate `timeout=`: seconds > 0, None (no timeout) or an `httpx.Timeout` of those."""
    if timeout is None or is_seconds(timeout):
        return httpx.Timeout(timeout)
    if not isinstance(timeout, httpx.Timeout):
        raise ConfigurationError(
            "timeout must be a number of seconds > 0, None (no timeout) or an httpx.Timeout; "
            f"got {describe_value(timeout)}"
        )
    for phase, seconds in timeout.as_dict().items():
        if seconds is not None and not is_seconds(seconds):
            raise ConfigurationError(
                f"timeout's {phase} timeout must be a number of seconds > 0 or None; "
                f"got {describe_value(seconds)}"
            )
    return timeout
