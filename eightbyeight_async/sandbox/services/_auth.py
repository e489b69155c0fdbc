"""How the sandbox authenticates requests, like the real APIs do.

Basic auth (tenant name + data or action token) for the contact-center APIs: no credentials
→ 401 with a Basic challenge, wrong ones → 403. OAuth client credentials for the analytics
host: `POST /oauth/v2/token` issues short-lived bearer tokens (`expires_in` as a string).
"""

from __future__ import annotations

import base64
import binascii
import secrets
import threading
import time
import urllib.parse

from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response

from ..tenant._tenant import Credentials

BASIC_CHALLENGE = {"WWW-Authenticate": 'Basic realm="8x8 Contact Center"'}


def basic_credentials(request: Request) -> tuple[str, str] | None:
    """The (user, password) of a Basic Authorization header, or None when absent/garbled."""
    scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, sep, password = base64.b64decode(encoded, validate=True).decode().partition(":")
    except (binascii.Error, UnicodeDecodeError):
        return None
    return (user, password) if sep else None


def check_basic(request: Request, tenant: str, token: str) -> Response | None:
    """None when the request carries `tenant:token`; else the documented 401 or 403."""
    given = basic_credentials(request)
    if given is None:
        return PlainTextResponse("authentication required", 401, headers=BASIC_CHALLENGE)
    user, password = given
    if not (secrets.compare_digest(user, tenant) and secrets.compare_digest(password, token)):
        return PlainTextResponse("Forbidden: incorrect authentication", 403)
    return None


def basic_matches(request: Request, user: str, password: str) -> bool:
    """Whether the request's Basic Authorization header carries exactly `user:password`."""
    given = basic_credentials(request)
    return given is not None and all(map(secrets.compare_digest, given, (user, password)))


def require_basic(request: Request, user: str, password: str) -> Response | None:
    """None when the request carries `user:password`; else 401 with a Basic challenge (the
    answer of the APIs that do not tell missing credentials from wrong ones)."""
    if basic_matches(request, user, password):
        return None
    return PlainTextResponse("Unauthorized", 401, headers=BASIC_CHALLENGE)


def require_action_token(request: Request, credentials: Credentials) -> Response | None:
    """`require_basic` for Basic `tenant:action token`, the credentials of the action APIs."""
    return require_basic(request, credentials.tenant_name, credentials.action_token)


class TokenIssuer:
    """The OAuth client-credentials server: issues, checks, expires and revokes tokens."""

    def __init__(self, credentials: Credentials, ttl: float = 1800.0) -> None:
        self._credentials = credentials
        self._lock = threading.Lock()
        self._tokens: dict[str, float] = {}
        self._initial_ttl = ttl
        self.ttl = ttl
        self.issued = 0

    def reset(self) -> None:
        """Forget every token, restore the initial `ttl` and zero `issued`."""
        with self._lock:
            self._tokens.clear()
            self.ttl = self._initial_ttl
            self.issued = 0

    def issue(self) -> str:
        """A new token valid for `ttl` seconds."""
        token = secrets.token_urlsafe(24)
        with self._lock:
            self._tokens[token] = time.monotonic() + self.ttl
            self.issued += 1
        return token

    def valid(self, token: str) -> bool:
        """Whether `token` was issued here, is not revoked and has not expired."""
        with self._lock:
            expiry = self._tokens.get(token)
        return expiry is not None and time.monotonic() < expiry

    def revoke_all(self) -> None:
        """Forget every token, as if the server had rotated its keys."""
        with self._lock:
            self._tokens.clear()

    async def token_endpoint(self, request: Request) -> Response:
        """`POST /oauth/v2/token`: Basic client_id:secret, form grant_type=client_credentials."""
        client = (self._credentials.analytics_client_id, self._credentials.analytics_secret)
        if not basic_matches(request, *client):
            return JSONResponse({"error": "invalid_client"}, 401, headers=BASIC_CHALLENGE)
        form = urllib.parse.parse_qs((await request.body()).decode("utf-8", "replace"))
        if form.get("grant_type") != ["client_credentials"]:
            return JSONResponse({"error": "unsupported_grant_type"}, 400)
        body = {
            "access_token": self.issue(),
            "token_type": "Bearer",
            "expires_in": str(int(self.ttl)),  # the real server sends a string
        }
        return JSONResponse(body)

    def check_bearer(self, request: Request) -> Response | None:
        """None for a valid bearer token; else 401 as the analytics API answers."""
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not self.valid(token):
            return JSONResponse({"error": "invalid_token"}, 401)
        return None
