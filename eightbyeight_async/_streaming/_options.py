"""What a reader is told: its reconnect policy and `subscribe()`'s other arguments, checked
up front so that a wrong value fails at once (ConfigurationError inside the policy, a
settings object; InvalidArgumentError for an argument of the call), not as a TypeError deep
in the reader or as endless reconnects."""

from __future__ import annotations

import random
from typing import Literal

import attrs

from .._constants import (
    SAPI_HASH_WINDOW,
    SAPI_HEALTHY_AFTER,
    SAPI_INITIAL_DELAY,
    SAPI_MAX_FRAME_CHARS,
    SAPI_MAX_HTTP_DELAY,
    SAPI_MAX_NETWORK_DELAY,
    SAPI_MIN_FRAME_CHARS,
    SAPI_STALL_TIMEOUT,
    SAPI_TOO_MANY_CLIENTS_DELAY,
)
from .._errors import ConfigurationError, InvalidArgumentError
from .._retry import full_jitter
from .._validate import describe_value, is_count, is_seconds
from ._framing import OUTPUT_TYPES

_FRAME_CHARS_MEANING = f"the longest event, in characters; default {SAPI_MAX_FRAME_CHARS}"
_HASH_WINDOW_MEANING = (
    "events without a sequence id remembered to drop replays; 0 turns that off; "
    f"default {SAPI_HASH_WINDOW}"
)


def _check_seconds(_: object, attribute: attrs.Attribute[float], value: float) -> None:
    # 0 s would reconnect (or declare a stall) in a tight loop; only healthy_after may be 0.
    zero_ok = attribute.name == "healthy_after"
    if not is_seconds(value, zero_ok=zero_ok):
        bound = ">= 0" if zero_ok else "> 0"
        raise ConfigurationError(
            f"ReconnectPolicy.{attribute.name} must be a finite number of seconds {bound}; "
            f"got {describe_value(value)}"
        )


def _check_too_many_clients(_: object, __: attrs.Attribute[str], value: str) -> None:
    if value not in ("wait", "raise"):
        raise ConfigurationError(
            f"ReconnectPolicy.too_many_clients must be 'wait' or 'raise'; got {value!r}"
        )


def _check_max_attempts(_: object, __: attrs.Attribute[int | None], value: int | None) -> None:
    if value is not None and not is_count(value, 1):
        raise ConfigurationError(
            f"ReconnectPolicy.max_attempts must be None (never give up) or an int >= 1; "
            f"got {describe_value(value)}"
        )


@attrs.frozen
class ReconnectPolicy:
    """How the reader reconnects: capped, jittered backoff, separate for network and HTTP
    errors, reset once a connection has been healthy for `healthy_after` seconds."""

    initial_delay: float = attrs.field(default=SAPI_INITIAL_DELAY, validator=_check_seconds)
    max_network_delay: float = attrs.field(default=SAPI_MAX_NETWORK_DELAY, validator=_check_seconds)
    max_http_delay: float = attrs.field(default=SAPI_MAX_HTTP_DELAY, validator=_check_seconds)
    healthy_after: float = attrs.field(default=SAPI_HEALTHY_AFTER, validator=_check_seconds)
    stall_timeout: float = attrs.field(default=SAPI_STALL_TIMEOUT, validator=_check_seconds)
    """No byte at all (not even a heartbeat) for this long means the connection is dead."""
    too_many_clients: Literal["wait", "raise"] = attrs.field(
        default="wait", validator=_check_too_many_clients
    )
    too_many_clients_delay: float = attrs.field(
        default=SAPI_TOO_MANY_CLIENTS_DELAY, validator=_check_seconds
    )
    max_attempts: int | None = attrs.field(default=None, validator=_check_max_attempts)
    """Consecutive failed connection attempts before giving up (None: never give up)."""

    def delay(self, failures: int, cap: float, rng: random.Random) -> float:
        """Full jitter over a window that doubles per consecutive failure, up to `cap`."""
        return full_jitter(self.initial_delay, failures, cap, rng)


def check_subscribe(
    subscription_id: object,
    output: object,
    checkpoint: object,
    heartbeats: object,
    reconnect: object,
    max_frame_chars: object,
    hash_window: object,
) -> None:
    """InvalidArgumentError for the first argument of `subscribe()` of the wrong form."""
    if subscription_id is not None and not isinstance(subscription_id, str):
        raise InvalidArgumentError(
            "subscription_id must be a str such as 'crm-sync'; "
            f"got {describe_value(subscription_id)}"
        )
    if output not in OUTPUT_TYPES:
        choices = ", ".join(OUTPUT_TYPES)
        raise InvalidArgumentError(f"output must be one of {choices}; got {output!r}")
    if checkpoint is not None and not all(
        callable(getattr(checkpoint, method, None)) for method in ("load", "save")
    ):
        raise InvalidArgumentError(
            "checkpoint must be a store with load() and save(), such as "
            f"FileCheckpointStore('sapi.json'); got {describe_value(checkpoint)}"
        )
    if not isinstance(heartbeats, bool):
        raise InvalidArgumentError(f"heartbeats must be True or False; got {heartbeats!r}")
    if reconnect is not None and not isinstance(reconnect, ReconnectPolicy):
        raise InvalidArgumentError(
            f"reconnect must be a ReconnectPolicy(...) or None; got {describe_value(reconnect)}"
        )
    counts = (
        ("max_frame_chars", max_frame_chars, SAPI_MIN_FRAME_CHARS, _FRAME_CHARS_MEANING),
        ("hash_window", hash_window, 0, _HASH_WINDOW_MEANING),
    )
    for name, value, minimum, meaning in counts:
        if not is_count(value, minimum):
            raise InvalidArgumentError(
                f"{name} must be an int >= {minimum} ({meaning}); got {describe_value(value)}"
            )
