"""The one request pipeline every resource goes through.

It resolves a family's base URL and credentials, holds the family's concurrency slot, sends
through the shared `httpx.AsyncClient`, follows redirects without leaking credentials,
retries by the `RetryPolicy`, maps failures to the `_errors` hierarchy, and logs with
secrets redacted. Each family's `OutageGate` pauses all its requests while its server is down.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar

import anyio
import attrs
import httpx

from ._auth import AuthParts, Credentials, OAuthTokenCache, parse_token_response
from ._config import (
    OAUTH_TOKEN_PATH,
    USER_AGENT,
    ApiFamily,
    Credential,
    Host,
    Limits,
)
from ._connection_errors import transport_error
from ._errors import (
    STATUS_HINTS,
    APIError,
    ConfigurationError,
    DecodeError,
    EightByEightError,
    InvalidArgumentError,
    status_error_class,
)
from ._flow import THROTTLE_STATUSES, FamilyFlow, FlowState, throttle_wait
from ._formats import decode_json
from ._outage import OutageGate, Outcome, classify
from ._redact import mask_secrets, redact_url, request_secrets
from ._redirects import send_following_redirects
from ._retry import (
    RetryPolicy,
    parse_retry_after,
    retry_delay,
    should_retry,
)
from ._wire import Wire

logger = logging.getLogger("eightbyeight_async")

T = TypeVar("T")
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
KEPT_RESPONSE_HEADERS = ("content-type", "retry-after", "www-authenticate", "x-request-id")


DOT_SEGMENTS = frozenset({".", ".."})
"""Path segments URL normalisation resolves: an id equal to one would reach another path."""


@attrs.frozen
class RequestOptions:
    """One logical call: what to send, and per-call overrides of the client's policy."""

    family: ApiFamily
    method: str
    path: str
    params: Mapping[str, Any] | None = None
    data: Mapping[str, Any] | None = None
    json: Any = None
    content: bytes | None = None
    headers: Mapping[str, str] | None = None
    idempotent: bool | None = None
    retry: RetryPolicy | None = None
    timeout: httpx.Timeout | None = None
    """Overrides the client's timeout (a stream sets no read timeout: it detects stalls)."""
    follow_redirects: bool = True
    """False hands a redirect back as the answer (the web callback reports through its
    `Location`, a customer page the SDK must not fetch)."""

    @property
    def is_idempotent(self) -> bool:
        if self.idempotent is not None:
            return self.idempotent
        return self.method.upper() in IDEMPOTENT_METHODS


class _AttemptFailed(Exception):
    """One attempt's failure, carrying the public error and what the retry decision needs."""

    def __init__(
        self,
        error: EightByEightError,
        *,
        status_code: int | None = None,
        cause: BaseException | None = None,
        retry_after: float | None = None,
        stale_token: str | None = None,
    ):
        super().__init__(str(error))
        self.error = error
        self.status_code = status_code
        self.cause = cause
        self.retry_after = retry_after
        self.stale_token = stale_token


class HttpPipeline:
    """Sends requests for every API family through one shared `httpx.AsyncClient`."""

    def __init__(
        self,
        *,
        client: httpx.AsyncClient,
        own_transport: httpx.AsyncBaseTransport | None = None,
        base_urls: Mapping[Host, httpx.URL],
        credentials: Credentials,
        retry: RetryPolicy,
        limits: Limits,
        timeout: httpx.Timeout | None,
        rng: random.Random | None = None,
    ):
        self._wire = Wire(client, own_transport)
        self._base_urls = dict(base_urls)
        # Joined as text: httpx parses the final URL once; URL.copy_with costs ~0.2 ms a call.
        self._base_url_text = {host: str(url).rstrip("/") for host, url in base_urls.items()}
        self._credentials = credentials
        self.retry = retry
        self._timeout = timeout
        self._rng = rng or random.Random()
        self._flows = {
            f: FamilyFlow(limits.for_family(f), adaptive=limits.adaptive) for f in ApiFamily
        }
        self.gates = {f: OutageGate(f.key) for f in ApiFamily}
        self._oauth = OAuthTokenCache(self._fetch_oauth_token)

    def limit_of(self, family: ApiFamily) -> int:
        """The concurrency limit of one API family, shared client-wide."""
        return self._flows[family].ceiling

    def flow_states(self) -> dict[ApiFamily, FlowState]:
        """Each family's flow control as it stands."""
        return {f: flow.state(outages=self.gates[f].opened) for f, flow in self._flows.items()}

    def __repr__(self) -> str:
        hosts = {host.value: str(url) for host, url in self._base_urls.items()}
        return f"HttpPipeline(hosts={hosts}, retry={self.retry!r})"

    async def request(self, options: RequestOptions) -> httpx.Response:
        """Send one logical call (retrying as the policy allows); the body is read."""
        return await self.request_parsed(options, lambda response: response)

    async def request_parsed(
        self, options: RequestOptions, parse: Callable[[httpx.Response], T]
    ) -> T:
        """Send and parse the read response inside the retry loop, so a truncated or
        malformed body of an idempotent call is retried like a transport error."""

        async def once() -> T:
            async with self._attempt(options, read_whole=True) as response:
                try:
                    await response.aread()
                except httpx.TransportError as exc:
                    raise self._transport_failure(options, response.request, exc) from exc
                try:
                    return parse(response)
                except DecodeError as exc:
                    url = redact_url(response.request.url)
                    error = DecodeError(str(exc), method=options.method, url=url)
                    raise _AttemptFailed(error, cause=exc) from exc

        return await self._with_retries(options, once)

    @contextlib.asynccontextmanager
    async def stream(self, options: RequestOptions) -> AsyncIterator[httpx.Response]:
        """Open a successful response without reading it; retries cover only the opening."""
        async with contextlib.AsyncExitStack() as stack:

            async def once() -> httpx.Response:
                return await stack.enter_async_context(self._attempt(options))

            yield await self._with_retries(options, once)

    async def _with_retries(self, options: RequestOptions, once: Callable[[], Awaitable[T]]) -> T:
        policy = options.retry or self.retry
        gate = self.gates[options.family]
        started = gate.clock()
        refreshed_token = False
        for attempt in itertools.count(1):
            ticket = await gate.enter(deadline=started + policy.max_elapsed)
            try:
                result = await once()
            except _AttemptFailed as failure:
                cause = failure.cause if failure.status_code is None else None
                throttled = (
                    failure.status_code in THROTTLE_STATUSES and failure.retry_after is not None
                )
                outcome = Outcome.SUCCESS if throttled else classify(failure.status_code, cause)
                gate.report(ticket, outcome)
                if failure.stale_token is not None and not refreshed_token:
                    refreshed_token = True
                    self._oauth.invalidate(failure.stale_token)
                    logger.info("Access token rejected (401); fetching a new one and retrying")
                    continue
                elapsed = gate.clock() - started
                if not should_retry(
                    policy,
                    attempt,
                    idempotent=options.is_idempotent,
                    status_code=failure.status_code,
                    error=cause,
                    elapsed=elapsed,
                ):
                    raise failure.error from failure.cause
                await self._sleep_before_retry(policy, attempt, options, failure)
            except BaseException:
                gate.release(ticket)
                raise
            else:
                gate.report(ticket, Outcome.SUCCESS)
                return result
        raise AssertionError("unreachable")  # pragma: no cover

    async def _sleep_before_retry(
        self, policy: RetryPolicy, attempt: int, options: RequestOptions, failure: _AttemptFailed
    ) -> None:
        held = self._flows[options.family].holds_retry_of(failure.status_code)
        delay = (
            retry_delay(policy, attempt, retry_after=failure.retry_after, rng=self._rng)
            if held is None
            else held  # logged; the family's pause and pace hold it, in order with its siblings
        )
        reason = failure.status_code or type(failure.cause or failure.error).__name__
        logger.info(
            "Retrying %s %s (attempt %d %s) after %s; waiting %.2fs",
            options.method,
            failure.error.url if isinstance(failure.error, APIError) else options.path,
            attempt + 1,
            f"of {policy.max_retries + 1}"
            if attempt <= policy.max_retries
            else f"within {policy.max_elapsed:g}s",
            reason,
            delay,
        )
        if held is None:
            await anyio.sleep(delay)

    @contextlib.asynccontextmanager
    async def _attempt(
        self, options: RequestOptions, *, read_whole: bool = False
    ) -> AsyncIterator[httpx.Response]:
        """One attempt: build, hold the family slot, send; yields only a success response.
        `read_whole`: the caller reads the whole body (it does not stream it)."""
        if self._wire.client.is_closed:
            raise ConfigurationError(
                "the client is closed; make calls inside `async with ContactCenter(...)`"
            )
        request, bearer = await self._build_request(options, read_whole=read_whole)
        async with self._flows[options.family].slot() as slot:
            started = time.perf_counter()
            try:
                response = await send_following_redirects(
                    self._wire, request, follow=options.follow_redirects
                )
            except httpx.TransportError as exc:
                slot.observe(None)
                raise self._transport_failure(options, request, exc) from exc
            wait = throttle_wait(response)
            policy = options.retry or self.retry  # a family pause is capped like a retry's
            slot.observe(response.status_code, wait and min(wait, policy.max_retry_after))
            try:
                if logger.isEnabledFor(logging.DEBUG):  # redacting costs; skip it unless shown
                    logger.debug(
                        "%s %s -> %d (%.1f ms)",
                        options.method,
                        redact_url(response.request.url),
                        response.status_code,
                        (time.perf_counter() - started) * 1000,
                    )
                if not response.is_success and not (
                    response.is_redirect and not options.follow_redirects
                ):
                    await self._raise_status_failure(options, response, bearer)
                yield response
            finally:
                await response.aclose()

    async def _build_request(
        self, options: RequestOptions, *, read_whole: bool
    ) -> tuple[httpx.Request, str | None]:
        credential = options.family.credential
        bearer: str | None = None
        if credential is Credential.OAUTH_BEARER:
            self._credentials.oauth_client()  # a clear ConfigurationError before any I/O
            bearer = await self._oauth.get()
            auth = AuthParts(headers={"Authorization": f"Bearer {bearer}"})
        else:
            auth = self._credentials.static_auth(credential)
        headers = {"User-Agent": USER_AGENT, **(options.headers or {}), **auth.headers}
        if options.family is ApiFamily.ANALYTICS and self._credentials.tenant_info:
            headers["X-Tenant-Info"] = self._credentials.tenant_info
        params = {**(options.params or {}), **auth.params}
        request = self._wire.build(
            options.method,
            self._url(options.family, options.path),
            params=params or None,
            data=options.data,
            json=options.json,
            content=options.content,
            headers=headers,
            timeout=self._timeout_for(options),
            read_whole=read_whole,
        )
        return request, bearer

    def _timeout_for(self, options: RequestOptions) -> httpx.Timeout | Any:
        if options.timeout is not None:
            return options.timeout
        return self._timeout if self._timeout is not None else httpx.USE_CLIENT_DEFAULT

    def _url(self, family: ApiFamily, path: str) -> str:
        base = self._base_url_text.get(family.host)
        if base is None:
            raise ConfigurationError(
                f"the {family.key} API needs the tenant's Contact Center host: pass "
                "platform='na4' (or your platform) or base_url= to ContactCenter"
            )
        if DOT_SEGMENTS.intersection(path.partition("?")[0].split("/")):
            raise InvalidArgumentError(
                f"cannot request {path!r}: an id of '.' or '..' would be resolved as a relative "
                "path and reach another resource; check the id"
            )
        return base + path if path.startswith("/") else f"{base}/{path}"

    def _transport_failure(
        self, options: RequestOptions, request: httpx.Request, exc: httpx.TransportError
    ) -> _AttemptFailed:
        error = transport_error(request, exc, f"{options.method} {{url}} failed")
        return _AttemptFailed(error, cause=exc)

    async def _raise_status_failure(
        self, options: RequestOptions, response: httpx.Response, bearer: str | None
    ) -> None:
        try:
            body = await response.aread()
        except httpx.TransportError as exc:
            raise self._transport_failure(options, response.request, exc) from exc
        status = response.status_code
        url = redact_url(response.request.url)
        error = status_error_class(status)(
            STATUS_HINTS.get(status, "the server answered with an error status"),
            status_code=status,
            method=options.method,
            url=url,
            body=mask_secrets(body.decode("utf-8", "replace"), request_secrets(response.request)),
            headers={
                k: response.headers[k] for k in KEPT_RESPONSE_HEADERS if k in response.headers
            },
        )
        raise _AttemptFailed(
            error,
            status_code=status,
            retry_after=parse_retry_after(response.headers.get("retry-after")),
            stale_token=bearer if status == 401 else None,
        )

    async def _fetch_oauth_token(self) -> tuple[str, float]:
        """POST the client-credentials grant; `expires_in` may arrive as a string."""
        options = RequestOptions(
            family=ApiFamily.OAUTH,
            method="POST",
            path=OAUTH_TOKEN_PATH,
            data={"grant_type": "client_credentials"},
            headers={"Accept": "application/json"},
            idempotent=True,  # asking for a token creates nothing a retry could duplicate
        )
        document = await self.request_parsed(
            options, lambda response: decode_json(response.content)
        )
        return parse_token_response(document)
