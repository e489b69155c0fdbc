"""Keeping secrets out of logs, reprs and exception messages.

`Secret` wraps a credential so that printing it cannot leak it; `redact_url` masks
credential-bearing query values and user-info before a URL is logged or put in an error.
"""

from __future__ import annotations

import base64
import contextlib
import logging
import re
from typing import Final

import httpx

REDACTED: Final = "[redacted]"

SECRET_QUERY_KEYS: Final = frozenset(
    {
        "token",
        "access_token",
        "apikey",
        "api_key",
        "8x8-apikey",
        "x-api-key",
        "secret",
        "client_secret",
        "password",
        "authorization",
    }
)

_SECRET_QUERY_RE = re.compile(
    r"(?i)(?P<key>(?:^|[?&;])(?:" + "|".join(re.escape(k) for k in SECRET_QUERY_KEYS) + r")=)"
    r"(?P<value>[^&;#\s\"']*)"
)


class Secret:
    """A credential whose repr and str never show its value; `.reveal()` gets it back."""

    __slots__ = ("_value",)

    def __init__(self, value: str):
        self._value = value

    def reveal(self) -> str:
        """The credential itself, for building an Authorization header."""
        return self._value

    def __repr__(self) -> str:
        return f"Secret({REDACTED!r})"

    __str__ = __repr__

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


def redact_url(url: httpx.URL | str) -> str:
    """The URL with user-info removed and secret query values masked."""
    parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    if parsed.userinfo:
        parsed = parsed.copy_with(username=None, password=None)
    return redact_text(str(parsed))


def redact_text(text: str) -> str:
    """Mask `token=…`-style query values wherever they appear in free text."""
    return _SECRET_QUERY_RE.sub(lambda m: m.group("key") + REDACTED, text)


MIN_MASKED_SECRET = 4
"""Shorter values are not masked by content: masking "a" would garble a whole message."""


def request_secrets(request: httpx.Request) -> frozenset[str]:
    """The credentials a request carried (secret query values, credential headers and the
    parts of a Basic or Bearer header), for masking wherever a server echoes them back."""
    found = {
        value for key, value in request.url.params.multi_items() if key.lower() in SECRET_QUERY_KEYS
    }
    for name in ("authorization", "8x8-apikey", "token", "x-api-key"):
        value = request.headers.get(name)
        if not value:
            continue
        found.add(value)
        scheme, _, credential = value.partition(" ")
        if scheme.lower() == "bearer":
            found.add(credential)
        elif scheme.lower() == "basic":
            found.add(credential)
            with contextlib.suppress(ValueError):
                user_pass = base64.b64decode(credential, validate=True).decode()
                found.update({user_pass, user_pass.partition(":")[2]})
    return frozenset(v for v in found if len(v) >= MIN_MASKED_SECRET)


def mask_secrets(text: str, secrets: frozenset[str]) -> str:
    """`text` with every occurrence of `secrets` masked (`token=…`-style values are masked
    where every error message is made: `_errors.excerpt`)."""
    for secret in sorted(secrets, key=len, reverse=True):  # "user:pass" before "pass"
        text = text.replace(secret, REDACTED)
    return text


class RedactingFilter(logging.Filter):
    """Masks secret query values in records of loggers we do not own (httpx logs full URLs)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, dict):
            record.args = {key: _redact_arg(value) for key, value in record.args.items()}
        elif isinstance(record.args, tuple):
            record.args = tuple(_redact_arg(arg) for arg in record.args)
        if isinstance(record.msg, str):
            record.msg = redact_text(record.msg)
        return True


def _redact_arg(arg: object) -> object:
    if isinstance(arg, httpx.URL):
        return redact_url(arg)
    return redact_text(arg) if isinstance(arg, str) else arg


def install_log_redaction() -> None:
    """Attach the redacting filter to httpx's logger once (it logs request URLs at INFO)."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(f, RedactingFilter) for f in logger.filters):
        logger.addFilter(RedactingFilter())
