"""`cc.events`: 8x8 Event Streaming, the WebSocket successor to SAPI (Pulsar's reader and
consumer APIs), with the same event classes and the same exactly-once guarantees.

The host follows the tenant's platform (UK3, US1, US2, as published); `events_url=`
overrides it (the sandbox, or a platform without a published deployment). Authenticates
with the `X-API-Key` header: the events API key, or else the data request token.
"""

from __future__ import annotations

import contextlib
import re
import urllib.parse
from collections.abc import Callable
from typing import Literal

import httpx

from .._config import is_loopback_host
from .._constants import (
    EVENTS_CONNECT_TIMEOUT,
    EVENTS_CONSUMER_PATH,
    EVENTS_DEDUP_WINDOW,
    EVENTS_HOSTS,
    EVENTS_MAX_MESSAGE_BYTES,
    EVENTS_MAX_WINDOW,
    EVENTS_PING_INTERVAL,
    EVENTS_PING_TIMEOUT,
    EVENTS_READER_PATH,
    EVENTS_REGION_OF_PLATFORM,
)
from .._errors import ConfigurationError, InvalidArgumentError
from .._redact import Secret
from .._validate import describe_value, is_count, is_seconds
from ._checkpoint import Checkpoint, CheckpointStore
from ._message_id import MessageId, MessageIdError
from ._options import ReconnectPolicy
from ._topic_delivery import ConsumerTracker, ReaderTracker
from ._topic_stream import TopicStream, running
from ._websocket import TopicEndpoint, require_websockets

SubscriptionType = Literal["Exclusive", "Failover", "Shared", "Key_Shared"]
SUBSCRIPTION_TYPES = ("Exclusive", "Failover", "Shared", "Key_Shared")
_EVENT_TYPE = re.compile(r"^[A-Z][A-Za-z0-9]{2,63}$")
_AGENT_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,127}$")
_PLATFORM_HOST = re.compile(r"^vcc-([a-z]{2}[0-9]{1,2})\.8x8\.com$")
_REGIONS_PUBLISHED = (
    "UK3 = EU4-EU14; US1 = NA1-NA6, NA11-NA16, SB1; US2 = NA7-NA10, NA17-NA20, NA27-NA30, NA37-NA39"
)


def check_events_url(url: str) -> httpx.URL:
    """Validate `events_url=`: ws:// (loopback only) or wss://, no credentials or query."""
    try:
        parsed = httpx.URL(url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise ConfigurationError(f"events_url is not a valid URL: {exc}") from None
    if parsed.scheme not in ("ws", "wss") or not parsed.host:
        raise ConfigurationError(
            "events_url must be an absolute ws:// or wss:// URL, like "
            f"wss://pulsar-ws-use1.8x8.com; got scheme {parsed.scheme!r}"
        )
    if parsed.scheme == "ws" and not is_loopback_host(parsed.host):
        raise ConfigurationError(
            "events_url must use wss:// (plain ws:// is only allowed for loopback hosts such "
            f"as the sandbox); got host {parsed.host!r}"
        )
    if parsed.userinfo or parsed.query or parsed.fragment:
        raise ConfigurationError(
            "events_url must not carry credentials, a query or a fragment: pass the scheme, "
            "host, port and any path prefix only"
        )
    return parsed


class Events:
    """The Event Streaming API: `cc.events.subscribe(...)` (a reader) and
    `cc.events.consume(...)` (a consumer of a durable subscription)."""

    def __init__(
        self,
        client: Callable[[], httpx.AsyncClient],
        *,
        tenant: str | None,
        api_key: Secret | None,
        events_url: httpx.URL | None,
        platform_host: str | None,
    ) -> None:
        self._client = client
        self._tenant = tenant
        self._api_key = api_key
        self._events_url = events_url
        self._platform_host = platform_host

    def __repr__(self) -> str:
        return f"Events(tenant={self._tenant!r}, url={self._url_or_none()!r})"

    @property
    def url(self) -> str:
        """The Event Streaming base URL used (ConfigurationError if there is none)."""
        return str(self._base_url())

    def subscribe(
        self,
        *,
        topic: str | None = None,
        event_type: str | None = None,
        agent_id: str | None = None,
        start: str = "latest",
        checkpoint: CheckpointStore | None = None,
        reader_name: str | None = None,
        receiver_queue_size: int = EVENTS_MAX_WINDOW,
        reconnect: ReconnectPolicy | None = None,
        ping_interval: float = EVENTS_PING_INTERVAL,
        ping_timeout: float = EVENTS_PING_TIMEOUT,
    ) -> contextlib.AbstractAsyncContextManager[TopicStream]:
        """Read a topic from `start` ("latest", "earliest" or a message id) until the block
        is left; with a `checkpoint` store a restart resumes after the last delivered event.

            async with cc.events.subscribe(event_type="InteractionCreated") as events:
                async for event in events: ...

        Topics: `topic="all"` (the default: every event of the tenant), `event_type=` one
        type, or `agent_id=` one agent's events.
        """
        namespace, name = topic_of(topic, event_type, agent_id)
        check_start(start)
        _check_store(checkpoint)
        params = _window_params(receiver_queue_size, "readerName", reader_name)
        endpoint = self._endpoint(
            EVENTS_READER_PATH, namespace, name, None, params, start, ping_interval, ping_timeout
        )
        saved = _saved_checkpoint(checkpoint, endpoint.topic)
        stream = TopicStream(
            endpoint,
            ReaderTracker(endpoint.topic, saved.last_message_id),
            window=min(receiver_queue_size, EVENTS_MAX_WINDOW),
            policy=_policy(reconnect),
            checkpoint=saved,
            store=checkpoint,
        )
        return running(stream)

    def consume(
        self,
        subscription: str,
        *,
        topic: str | None = None,
        event_type: str | None = None,
        agent_id: str | None = None,
        subscription_type: SubscriptionType = "Exclusive",
        consumer_name: str | None = None,
        receiver_queue_size: int = EVENTS_MAX_WINDOW,
        reconnect: ReconnectPolicy | None = None,
        ping_interval: float = EVENTS_PING_INTERVAL,
        ping_timeout: float = EVENTS_PING_TIMEOUT,
    ) -> contextlib.AbstractAsyncContextManager[TopicStream]:
        """Consume a durable subscription (the server keeps its cursor): `Shared` or
        `Key_Shared` spread a topic over workers, `Failover` keeps a standby. Each event is
        acknowledged once received; `await events.negative_acknowledge(event)` hands it back.
        Documented by the vendor without an example: unverified on a live tenant."""
        if not isinstance(subscription, str) or not subscription.strip():
            raise InvalidArgumentError(
                f"subscription must be a name such as 'crm-workers'; got "
                f"{describe_value(subscription)}"
            )
        if subscription_type not in SUBSCRIPTION_TYPES:
            raise InvalidArgumentError(
                f"subscription_type must be one of {', '.join(SUBSCRIPTION_TYPES)}; "
                f"got {subscription_type!r}"
            )
        namespace, name = topic_of(topic, event_type, agent_id)
        params = _window_params(receiver_queue_size, "consumerName", consumer_name)
        params["subscriptionType"] = subscription_type
        endpoint = self._endpoint(
            EVENTS_CONSUMER_PATH,
            namespace,
            name,
            subscription,
            params,
            None,
            ping_interval,
            ping_timeout,
        )
        stream = TopicStream(
            endpoint,
            ConsumerTracker(EVENTS_DEDUP_WINDOW),
            window=min(receiver_queue_size, EVENTS_MAX_WINDOW),
            policy=_policy(reconnect),
        )
        return running(stream)

    # --- settings --------------------------------------------------------------------------

    def _endpoint(
        self,
        template: str,
        namespace: str,
        topic: str,
        subscription: str | None,
        params: dict[str, str],
        start: str | None,
        ping_interval: float,
        ping_timeout: float,
    ) -> TopicEndpoint:
        for name, value in (("ping_interval", ping_interval), ("ping_timeout", ping_timeout)):
            if not is_seconds(value):
                raise InvalidArgumentError(
                    f"{name} must be a number of seconds > 0; got {describe_value(value)}"
                )
        require_websockets()
        base = self._base_url()
        if not self._tenant:
            raise ConfigurationError("Event Streaming needs the tenant name: pass tenant=")
        if self._api_key is None:
            raise ConfigurationError(
                "Event Streaming needs events_api_key= (an eght_… key) or data_token="
            )
        path = template.format(
            tenant=_quoted(self._tenant),
            namespace=namespace,
            topic=_quoted(topic),
            subscription=_quoted(subscription or ""),
        )
        http_scheme = "https" if base.scheme == "wss" else "http"
        url = base.copy_with(
            scheme=http_scheme, raw_path=base.raw_path.rstrip(b"/") + path.encode()
        )
        return TopicEndpoint(
            client=self._client(),
            url=str(url),
            topic=f"persistent://{self._tenant}/{namespace}/{topic}",
            headers={"X-API-Key": self._api_key.reveal()},
            params=params,
            start=start,
            ping_interval=ping_interval,
            ping_timeout=ping_timeout,
            connect_timeout=EVENTS_CONNECT_TIMEOUT,
            max_message_bytes=EVENTS_MAX_MESSAGE_BYTES,
        )

    def _url_or_none(self) -> str | None:
        try:
            return str(self._base_url())
        except ConfigurationError:
            return None

    def _base_url(self) -> httpx.URL:
        if self._events_url is not None:
            return self._events_url
        match = _PLATFORM_HOST.match(self._platform_host or "")
        if match is None:
            raise ConfigurationError(
                "Event Streaming's host follows the tenant's platform: pass platform= (such "
                "as 'na4') or events_url= (such as wss://pulsar-ws-use1.8x8.com)"
            )
        platform = match.group(1)
        region = EVENTS_REGION_OF_PLATFORM.get(platform)
        if region is None:
            raise ConfigurationError(
                f"platform {platform} has no Event Streaming deployment yet (published: "
                f"{_REGIONS_PUBLISHED}); pass events_url= if 8x8 gave you a host"
            )
        return httpx.URL(EVENTS_HOSTS[region])


def _quoted(part: str) -> str:
    return urllib.parse.quote(part, safe="")


def topic_of(topic: str | None, event_type: str | None, agent_id: str | None) -> tuple[str, str]:
    """(namespace, topic) from the one topic argument given (`all` when none is);
    InvalidArgumentError for two, or for one of the wrong form."""
    arguments = (("topic", topic), ("event_type", event_type), ("agent_id", agent_id))
    given = [name for name, value in arguments if value is not None]
    if len(given) > 1:
        raise InvalidArgumentError(
            f"pass one of topic=, event_type= or agent_id=, not {' and '.join(given)}"
        )
    if agent_id is not None:
        if not isinstance(agent_id, str) or not _AGENT_ID.match(agent_id):
            raise InvalidArgumentError(
                f"agent_id must be an agent's id (letters, digits, '.', '_', '@', '-'); got "
                f"{describe_value(agent_id)}"
            )
        return "agent-v1", agent_id
    if event_type is not None:
        argument, name, accepted = "event_type", event_type, "an event type"
    else:
        argument, name, accepted = "topic", topic or "all", "'all' or an event type"
    if not isinstance(name, str) or not (
        (argument == "topic" and name == "all") or _EVENT_TYPE.match(name)
    ):
        raise InvalidArgumentError(
            f"{argument} must be {accepted} such as 'InteractionCreated' or "
            f"'AgentStatusChange'; got {describe_value(name)}"
        )
    return "event-v1", name


def check_start(start: object) -> None:
    """InvalidArgumentError unless `start` is latest, earliest or a message id."""
    if start in ("latest", "earliest"):
        return
    try:
        if not isinstance(start, str):
            raise MessageIdError("not text")
        MessageId.parse(start)
    except MessageIdError:
        raise InvalidArgumentError(
            "start must be 'latest', 'earliest' or a message id (base64, as in "
            f"event.message_id); got {describe_value(start)}"
        ) from None


def _check_store(store: object) -> None:
    if store is not None and not all(
        callable(getattr(store, method, None)) for method in ("load", "save")
    ):
        raise InvalidArgumentError(
            "checkpoint must be a store with load() and save(), such as "
            f"FileCheckpointStore('events.json'); got {describe_value(store)}"
        )


def _window_params(size: object, name_param: str, name: object) -> dict[str, str]:
    if not is_count(size, 1):
        raise InvalidArgumentError(
            f"receiver_queue_size must be an int >= 1 (messages in flight before an ack; the "
            f"server caps it at {EVENTS_MAX_WINDOW}); got {describe_value(size)}"
        )
    params = {"receiverQueueSize": str(size)}
    if name is not None:
        if not isinstance(name, str) or not name.strip():
            raise InvalidArgumentError(
                f"a reader or consumer name is a non-empty str; got {describe_value(name)}"
            )
        params[name_param] = name
    return params


def _policy(reconnect: object) -> ReconnectPolicy:
    if reconnect is not None and not isinstance(reconnect, ReconnectPolicy):
        raise InvalidArgumentError(
            f"reconnect must be a ReconnectPolicy(...) or None; got {describe_value(reconnect)}"
        )
    return reconnect or ReconnectPolicy()


def _saved_checkpoint(store: CheckpointStore | None, topic: str) -> Checkpoint:
    saved = store.load() if store is not None else None
    if saved is None:
        return Checkpoint(subscription_id=topic)
    if saved.subscription_id != topic:
        raise ConfigurationError(
            f"the checkpoint belongs to {saved.subscription_id!r}, not {topic!r}; use "
            "another checkpoint file for this topic"
        )
    return saved
