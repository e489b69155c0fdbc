"""The redis-py client of the bridge: the optional import, the asyncio-only check, and a client
that never retries a command by itself.

redis-py retries a failed command (a MULTI/EXEC included) by default. For the bridge that
would be wrong: when the connection drops after Redis committed the transaction but before
its reply arrived, a blind retry appends the entry a second time. The bridge's client retries
nothing; the bridge decides, after reading back what Redis holds (see `_bridge_writer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from .._errors import ConfigurationError

if TYPE_CHECKING:
    from redis.asyncio import Redis

REDIS_INSTALL: Final = "pip install 'eightbyeight-async[redis]'"
SOCKET_TIMEOUT: Final = 10.0
"""Seconds a Redis reply may take before the connection counts as lost (then reconnect)."""

try:
    import redis.asyncio as redis_asyncio
    from redis.asyncio.retry import Retry
    from redis.backoff import NoBackoff
    from redis.exceptions import ConnectionError as RedisConnectionError
    from redis.exceptions import RedisError
    from redis.exceptions import TimeoutError as RedisTimeoutError
except ImportError:  # pragma: no cover - exercised only without the extra
    redis_asyncio = None  # type: ignore[assignment]
    CONNECTION_ERRORS: tuple[type[Exception], ...] = ()
    REDIS_ERRORS: tuple[type[Exception], ...] = ()
else:
    CONNECTION_ERRORS = (RedisConnectionError, RedisTimeoutError, OSError)
    REDIS_ERRORS = (RedisError,)
"""CONNECTION_ERRORS mean "Redis is unreachable for now": pause, reconnect, retry. Any other
of REDIS_ERRORS (a wrong key type, a refused command) stops the bridge."""


def require_asyncio(what: str = "the Redis bridge") -> None:
    """ConfigurationError unless running on asyncio (redis-py has no trio support); called
    before any I/O."""
    try:
        import sniffio
    except ImportError:  # pragma: no cover - anyio depends on sniffio
        return
    try:
        library = sniffio.current_async_library()
    except sniffio.AsyncLibraryNotFoundError:
        library = "none"
    if library != "asyncio":
        raise ConfigurationError(
            f"{what} runs on asyncio only (redis-py has no {library} support); run it under "
            "asyncio, e.g. anyio.run(main, backend='asyncio')"
        )


def require_redis() -> None:
    """ConfigurationError unless the `redis` extra (redis-py) is installed."""
    if redis_asyncio is None:
        raise ConfigurationError(f"the Redis bridge needs the redis extra: {REDIS_INSTALL}")


def new_client(url: str) -> Redis:
    """A client for `url` that decodes replies as text and retries nothing by itself."""
    require_redis()
    try:
        return redis_asyncio.Redis.from_url(
            url,
            decode_responses=True,
            retry=Retry(NoBackoff(), 0),
            socket_timeout=SOCKET_TIMEOUT,
            socket_connect_timeout=SOCKET_TIMEOUT,
            health_check_interval=0,
        )
    except ValueError as exc:
        raise ConfigurationError(
            f"the Redis URL is not valid ({exc}); use redis://host:port/db or rediss://..."
        ) from None
