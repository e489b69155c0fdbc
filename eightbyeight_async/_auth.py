"""Credentials per API family, and the OAuth client-credentials token cache.

Statistics, real-time, recordings, schedules, attachments and SAPI use Basic auth with the
tenant name and the *data request token*; recording control and interaction data use Basic
with the *action request token*; web callback and external IVR take the action token as
`tenant=`/`token=` parameters; analytics uses an OAuth bearer token; Recent Calls uses the
`8x8-apikey` and `token` headers.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import attrs

from ._config import TOKEN_EXPIRY_SKEW_SECONDS, Credential
from ._errors import ConfigurationError, DecodeError
from ._redact import Secret


def _basic(username: str, password: Secret) -> str:
    raw = f"{username}:{password.reveal()}".encode()
    return "Basic " + base64.b64encode(raw).decode("ascii")


@attrs.frozen
class AuthParts:
    """What a request needs to carry to authenticate: headers and/or query parameters."""

    headers: dict[str, str] = attrs.field(factory=dict)
    params: dict[str, str] = attrs.field(factory=dict)


@attrs.frozen(repr=False)
class Credentials:
    """Everything a client may authenticate with; secrets are wrapped so they never print."""

    tenant: str | None = None
    data_token: Secret | None = None
    action_token: Secret | None = None
    analytics_client_id: str | None = None
    analytics_secret: Secret | None = None
    tenant_info: str | None = None
    recent_calls_api_key: Secret | None = None
    recent_calls_token: Secret | None = None

    def __repr__(self) -> str:
        configured = [f.name for f in attrs.fields(Credentials) if getattr(self, f.name)]
        return f"Credentials(tenant={self.tenant!r}, configured={configured})"

    def static_auth(self, credential: Credential) -> AuthParts:
        """The auth parts of every credential but the OAuth bearer (which needs I/O)."""
        if credential is Credential.DATA_TOKEN:
            return AuthParts(headers={"Authorization": _basic(*self._tenant_and("data_token"))})
        if credential is Credential.ACTION_TOKEN:
            return AuthParts(headers={"Authorization": _basic(*self._tenant_and("action_token"))})
        if credential is Credential.ACTION_TOKEN_QUERY:
            tenant, token = self._tenant_and("action_token")
            return AuthParts(params={"tenant": tenant, "token": token.reveal()})
        if credential is Credential.OAUTH_CLIENT:
            client_id, secret = self.oauth_client()
            return AuthParts(headers={"Authorization": _basic(client_id, secret)})
        if credential is Credential.RECENT_CALLS_KEY:
            api_key = self._need("recent_calls_api_key")
            token = self._need("recent_calls_token")
            return AuthParts(headers={"8x8-apikey": api_key.reveal(), "token": token.reveal()})
        raise ConfigurationError(f"{credential.value} needs a token from the OAuth cache")

    def oauth_client(self) -> tuple[str, Secret]:
        """The analytics OAuth client id and secret, or a ConfigurationError naming them."""
        if not self.analytics_client_id:
            raise ConfigurationError(
                "this API needs OAuth client credentials: pass analytics_client_id= and "
                "analytics_secret= (or set EIGHTBYEIGHT_ANALYTICS_CLIENT_ID/_SECRET)"
            )
        return self.analytics_client_id, self._need("analytics_secret")

    def _tenant_and(self, name: str) -> tuple[str, Secret]:
        if not self.tenant:
            raise ConfigurationError(
                "this API needs the tenant name: pass tenant= (or set EIGHTBYEIGHT_TENANT)"
            )
        return self.tenant, self._need(name)

    def _need(self, name: str) -> Secret:
        value = getattr(self, name)
        if value is None:
            raise ConfigurationError(
                f"this API needs {name}: pass {name}= to ContactCenter "
                f"(or set EIGHTBYEIGHT_{name.upper()})"
            )
        assert isinstance(value, Secret)
        return value


TokenFetcher = Callable[[], Awaitable[tuple[str, float]]]
"""Fetches a new OAuth token: returns (access_token, lifetime in seconds)."""


class OAuthTokenCache:
    """Caches the OAuth access token; concurrent callers share one refresh (single flight).

    A token is refreshed `TOKEN_EXPIRY_SKEW_SECONDS` before it expires (or halfway through a
    shorter lifetime), and on demand after the server rejected it with a 401.
    """

    def __init__(self, fetch: TokenFetcher, *, clock: Callable[[], float] = time.monotonic):
        self._fetch = fetch
        self._clock = clock
        self._lock = anyio.Lock()
        self._token: str | None = None
        self._refresh_at = 0.0

    def __repr__(self) -> str:
        state = "cached" if self._token else "empty"
        return f"OAuthTokenCache({state})"

    async def get(self) -> str:
        """A valid access token, fetching a new one when the cached one is (nearly) expired."""
        token = self._current()
        if token is not None:
            return token
        async with self._lock:
            token = self._current()
            if token is not None:
                return token
            token, lifetime = await self._fetch()
            skew = min(TOKEN_EXPIRY_SKEW_SECONDS, lifetime / 2)
            self._token, self._refresh_at = token, self._clock() + lifetime - skew
            return token

    def invalidate(self, rejected_token: str) -> None:
        """Forget `rejected_token` (a 401 answered it) unless a newer token replaced it."""
        if self._token == rejected_token:
            self._token = None

    def _current(self) -> str | None:
        if self._token is not None and self._clock() < self._refresh_at:
            return self._token
        return None


def parse_token_response(document: Any) -> tuple[str, float]:
    """The access token and its lifetime from a token answer (`expires_in` may be text)."""
    token = document.get("access_token") if isinstance(document, dict) else None
    if not isinstance(token, str) or not token:
        raise DecodeError("the OAuth token response has no access_token")
    raw_expiry = document.get("expires_in", 3600)
    try:
        lifetime = float(raw_expiry)
    except (TypeError, ValueError):
        raise DecodeError("the OAuth token response has a non-numeric expires_in") from None
    if not lifetime > 0:
        raise DecodeError("the OAuth token response has a non-positive expires_in")
    return token, lifetime
