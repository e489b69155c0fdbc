"""The OAuth client-credentials flow of the analytics API: token request shape, string
`expires_in`, single-flight refresh, refresh before expiry, and 401 → refresh → retry."""

from __future__ import annotations

import functools
from collections.abc import Iterator

import anyio
import httpx
import pytest
import respx

from eightbyeight_async import AuthenticationError, ContactCenter, DecodeError, RetryPolicy
from eightbyeight_async._auth import OAuthTokenCache

pytestmark = pytest.mark.anyio

TOKEN_URL = "https://api.8x8.com/oauth/v2/token"
REPORT_TYPES = "https://api.8x8.com/analytics/cc/v8/historical-metrics/report-types"


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    with respx.mock(assert_all_called=False) as router:
        yield router


def analytics_client(**kwargs: object) -> ContactCenter:
    return ContactCenter(
        analytics_client_id="client-1",
        analytics_secret="s3cret",
        retry=RetryPolicy.instant(),
        **kwargs,  # type: ignore[arg-type]
    )


def token_response(token: str, expires_in: str = "1799") -> httpx.Response:
    return httpx.Response(
        200, json={"access_token": token, "token_type": "bearer", "expires_in": expires_in}
    )


async def test_token_request_is_documented_shape_and_bearer_is_used(
    mock: respx.MockRouter,
) -> None:
    token = mock.post(TOKEN_URL).mock(return_value=token_response("tok-1"))
    api = mock.get(REPORT_TYPES).mock(return_value=httpx.Response(200, json=[]))
    async with analytics_client(tenant_info="tenant-42") as cc:
        await cc.raw_request(
            "GET", "/analytics/cc/v8/historical-metrics/report-types", api="analytics"
        )
        await cc.raw_request(
            "GET", "/analytics/cc/v8/historical-metrics/report-types", api="analytics"
        )
    sent = token.calls.last.request
    assert sent.headers["authorization"] == httpx.BasicAuth("client-1", "s3cret")._auth_header
    assert sent.headers["content-type"] == "application/x-www-form-urlencoded"
    assert sent.content == b"grant_type=client_credentials"
    assert token.call_count == 1, "a cached token is reused"
    assert api.calls.last.request.headers["authorization"] == "Bearer tok-1"
    assert api.calls.last.request.headers["x-tenant-info"] == "tenant-42"


async def test_concurrent_callers_share_one_token_refresh(mock: respx.MockRouter) -> None:
    async def slow_token(request: httpx.Request) -> httpx.Response:
        await anyio.sleep(0.02)
        return token_response("shared")

    token = mock.post(TOKEN_URL).mock(side_effect=slow_token)
    api = mock.get(REPORT_TYPES).mock(return_value=httpx.Response(200, json=[]))
    async with analytics_client() as cc, anyio.create_task_group() as tg:
        for _ in range(25):
            tg.start_soon(
                functools.partial(
                    cc.raw_request,
                    "GET",
                    "/analytics/cc/v8/historical-metrics/report-types",
                    api="analytics",
                )
            )
    assert token.call_count == 1
    assert api.call_count == 25
    assert {c.request.headers["authorization"] for c in api.calls} == {"Bearer shared"}


async def test_401_refreshes_the_token_once_and_retries(mock: respx.MockRouter) -> None:
    token = mock.post(TOKEN_URL).mock(side_effect=[token_response("old"), token_response("new")])
    api = mock.get(REPORT_TYPES).mock(
        side_effect=[httpx.Response(401, json={"error": "expired"}), httpx.Response(200, json=[])]
    )
    async with analytics_client() as cc:
        response = await cc.raw_request(
            "GET", "/analytics/cc/v8/historical-metrics/report-types", api="analytics"
        )
    assert response.status_code == 200
    assert token.call_count == 2
    assert [c.request.headers["authorization"] for c in api.calls] == ["Bearer old", "Bearer new"]


async def test_a_second_401_is_an_authentication_error(mock: respx.MockRouter) -> None:
    token = mock.post(TOKEN_URL).mock(side_effect=[token_response("a"), token_response("b")])
    api = mock.get(REPORT_TYPES).mock(return_value=httpx.Response(401))
    async with analytics_client() as cc:
        with pytest.raises(AuthenticationError):
            await cc.raw_request(
                "GET", "/analytics/cc/v8/historical-metrics/report-types", api="analytics"
            )
    assert token.call_count == 2
    assert api.call_count == 2


async def test_rejected_client_credentials_stop_before_the_api_call(
    mock: respx.MockRouter,
) -> None:
    mock.post(TOKEN_URL).mock(return_value=httpx.Response(401, json={"error": "invalid_client"}))
    api = mock.get(REPORT_TYPES)
    async with analytics_client() as cc:
        with pytest.raises(AuthenticationError, match="/oauth/v2/token"):
            await cc.raw_request(
                "GET", "/analytics/cc/v8/historical-metrics/report-types", api="analytics"
            )
    assert not api.called


@pytest.mark.parametrize(
    "body",
    [
        {"token_type": "bearer"},
        {"access_token": "", "expires_in": "10"},
        {"access_token": "x", "expires_in": "soon"},
        {"access_token": "x", "expires_in": "0"},
        ["not", "an", "object"],
    ],
)
async def test_malformed_token_response_is_a_decode_error(
    mock: respx.MockRouter, body: object
) -> None:
    mock.post(TOKEN_URL).mock(return_value=httpx.Response(200, json=body))
    async with analytics_client() as cc:
        with pytest.raises(DecodeError, match="OAuth token response"):
            await cc.raw_request(
                "GET", "/analytics/cc/v8/historical-metrics/report-types", api="analytics"
            )


async def test_numeric_expires_in_is_accepted_too(mock: respx.MockRouter) -> None:
    mock.post(TOKEN_URL).mock(
        return_value=httpx.Response(200, json={"access_token": "n", "expires_in": 3600})
    )
    api = mock.get(REPORT_TYPES).mock(return_value=httpx.Response(200, json=[]))
    async with analytics_client() as cc:
        await cc.raw_request(
            "GET", "/analytics/cc/v8/historical-metrics/report-types", api="analytics"
        )
    assert api.calls.last.request.headers["authorization"] == "Bearer n"


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


async def test_token_is_refreshed_before_it_expires() -> None:
    clock = FakeClock()
    issued: list[str] = []

    async def fetch() -> tuple[str, float]:
        issued.append(f"t{len(issued)}")
        return issued[-1], 600.0

    cache = OAuthTokenCache(fetch, clock=clock)
    assert await cache.get() == "t0"
    clock.now += 539  # 61 s before expiry: still good
    assert await cache.get() == "t0"
    clock.now += 2  # within the 60 s skew: refreshed early
    assert await cache.get() == "t1"


async def test_short_lived_tokens_refresh_halfway() -> None:
    clock = FakeClock()
    issued: list[str] = []

    async def fetch() -> tuple[str, float]:
        issued.append(f"t{len(issued)}")
        return issued[-1], 10.0

    cache = OAuthTokenCache(fetch, clock=clock)
    assert await cache.get() == "t0"
    clock.now += 4.9
    assert await cache.get() == "t0"
    clock.now += 0.2
    assert await cache.get() == "t1"


async def test_invalidate_ignores_a_token_already_replaced() -> None:
    issued: list[str] = []

    async def fetch() -> tuple[str, float]:
        issued.append(f"t{len(issued)}")
        return issued[-1], 600.0

    cache = OAuthTokenCache(fetch, clock=FakeClock())
    first = await cache.get()
    cache.invalidate(first)
    second = await cache.get()
    cache.invalidate(first)  # a late 401 for the old token must not discard the new one
    assert await cache.get() == second == "t1"
    assert "t1" not in repr(cache)
