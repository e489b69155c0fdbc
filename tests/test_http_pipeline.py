"""The request pipeline through the public client: retries, error mapping, auth, redirects,
limits and lifecycle, against respx-mocked transports."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator

import anyio
import httpx
import pytest
import respx

from eightbyeight_async import (
    APIConnectionError,
    APIStatusError,
    APITimeoutError,
    AuthenticationError,
    BadGatewayError,
    BadRequestError,
    ConfigurationError,
    ContactCenter,
    GatewayTimeoutError,
    InternalServerError,
    InvalidArgumentError,
    Limits,
    NotFoundError,
    PermissionDeniedError,
    RateLimitError,
    RetryPolicy,
    ServerBusyError,
)
from eightbyeight_async._config import ApiFamily

pytestmark = pytest.mark.anyio

CC_HOST = "https://vcc-na4.8x8.com"
GROUPS = f"{CC_HOST}/api/stats/groups.json"


@pytest.fixture
async def cc() -> AsyncIterator[ContactCenter]:
    async with ContactCenter(
        tenant="acme",
        platform="na4",
        data_token="data-tok",
        action_token="action-tok",
        retry=RetryPolicy.instant(max_retries=3),
    ) as client:
        yield client


async def test_retries_503_then_returns_data_and_logs_each_retry(
    mock: respx.MockRouter, cc: ContactCenter, caplog: pytest.LogCaptureFixture
) -> None:
    route = mock.get(GROUPS).mock(
        side_effect=[
            httpx.Response(503, text="busy"),
            httpx.Response(502),
            httpx.Response(200, json={"groups": {"group": []}}),
        ]
    )
    with caplog.at_level(logging.INFO, logger="eightbyeight_async"):
        response = await cc.raw_request("GET", "/api/stats/groups.json")
    assert response.json() == {"groups": {"group": []}}
    assert route.call_count == 3
    retries = [r.getMessage() for r in caplog.records if r.getMessage().startswith("Retrying")]
    assert len(retries) == 2
    assert "(attempt 2 of 4) after 503" in retries[0]
    assert "(attempt 3 of 4) after 502" in retries[1]


async def test_retry_after_is_honoured_over_backoff(
    mock: respx.MockRouter, caplog: pytest.LogCaptureFixture
) -> None:
    # A backoff of up to 100 s would hang the test; the server's 0.01 s must win.
    policy = RetryPolicy(max_retries=1, initial_backoff=100, max_backoff=100)
    mock.get(GROUPS).mock(
        side_effect=[httpx.Response(429, headers={"Retry-After": "0.01"}), httpx.Response(200)]
    )
    async with ContactCenter(tenant="acme", platform="na4", data_token="t", retry=policy) as cc:
        with caplog.at_level(logging.INFO, logger="eightbyeight_async"):
            response = await cc.raw_request("GET", "/api/stats/groups.json")
    assert response.status_code == 200
    assert any("waiting 0.01s" in r.getMessage() for r in caplog.records)


async def test_exhausted_retries_raise_with_status_method_url_and_excerpt(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    route = mock.get(GROUPS).mock(return_value=httpx.Response(503, text="Server busy " * 50))
    with pytest.raises(ServerBusyError) as caught:
        await cc.raw_request("GET", "/api/stats/groups.json")
    error = caught.value
    assert route.call_count == 4
    assert error.status_code == 503
    assert error.method == "GET"
    assert error.url == GROUPS
    assert error.body_excerpt.startswith("Server busy Server busy")
    assert len(error.body_excerpt) <= 201
    assert "503 on GET https://vcc-na4.8x8.com/api/stats/groups.json" in str(error)


@pytest.mark.parametrize(
    ("status", "error_class"),
    [
        (400, BadRequestError),
        (401, AuthenticationError),
        (403, PermissionDeniedError),
        (404, NotFoundError),
        (429, RateLimitError),
        (500, InternalServerError),
        (502, BadGatewayError),
        (503, ServerBusyError),
        (504, GatewayTimeoutError),
        (501, InternalServerError),
        (418, APIStatusError),
    ],
)
async def test_status_codes_map_to_the_hierarchy(
    mock: respx.MockRouter, status: int, error_class: type[APIStatusError]
) -> None:
    mock.get(GROUPS).mock(return_value=httpx.Response(status, text="nope"))
    async with ContactCenter(
        tenant="acme", platform="na4", data_token="t", retry=RetryPolicy.disabled()
    ) as cc:
        with pytest.raises(error_class) as caught:
            await cc.raw_request("GET", "/api/stats/groups.json")
    assert type(caught.value) is error_class
    assert caught.value.status_code == status


async def test_post_is_not_retried_after_the_server_saw_it(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    route = mock.post(f"{CC_HOST}/SC/webcallback.php").mock(return_value=httpx.Response(503))
    with pytest.raises(ServerBusyError):
        await cc.raw_request("POST", "/SC/webcallback.php", api="callbacks", data={"phone": "1"})
    assert route.call_count == 1


async def test_the_default_policy_sends_a_failure_that_cannot_change_once(
    mock: respx.MockRouter,
) -> None:
    post = mock.post(f"{CC_HOST}/SC/webcallback.php").mock(return_value=httpx.Response(502))
    get = mock.get(GROUPS).mock(side_effect=[httpx.Response(404), httpx.Response(400)])
    async with ContactCenter(tenant="acme", platform="na4", data_token="t", action_token="a") as cc:
        assert cc.retry == RetryPolicy()
        with pytest.raises(BadGatewayError):
            await cc.raw_request("POST", "/SC/webcallback.php", api="callbacks")
        with pytest.raises(NotFoundError):
            await cc.raw_request("GET", "/api/stats/groups.json")
        with pytest.raises(BadRequestError):
            await cc.raw_request("GET", "/api/stats/groups.json")
    assert post.call_count == 1, "a POST the server saw is never sent twice"
    assert get.call_count == 2


async def test_post_read_error_is_not_retried(mock: respx.MockRouter, cc: ContactCenter) -> None:
    route = mock.post(f"{CC_HOST}/SC/webcallback.php").mock(
        side_effect=httpx.ReadError("connection reset by peer")
    )
    with pytest.raises(APIConnectionError, match="ReadError"):
        await cc.raw_request("POST", "/SC/webcallback.php", api="callbacks")
    assert route.call_count == 1


async def test_post_is_retried_when_it_never_left(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    route = mock.post(f"{CC_HOST}/SC/webcallback.php").mock(
        side_effect=[httpx.ConnectError("connection refused"), httpx.Response(200, text="ok")]
    )
    response = await cc.raw_request("POST", "/SC/webcallback.php", api="callbacks")
    assert response.text == "ok"
    assert route.call_count == 2


@pytest.mark.parametrize(
    ("error", "raised"),
    [
        (httpx.ReadError("reset"), APIConnectionError),
        (httpx.RemoteProtocolError("peer closed connection"), APIConnectionError),
        (httpx.ReadTimeout("timed out"), APITimeoutError),
    ],
)
async def test_get_transport_errors_are_retried_then_mapped(
    mock: respx.MockRouter, cc: ContactCenter, error: Exception, raised: type[Exception]
) -> None:
    route = mock.get(GROUPS).mock(side_effect=[error, httpx.Response(200, text="ok")])
    assert (await cc.raw_request("GET", "/api/stats/groups.json")).text == "ok"
    assert route.call_count == 2
    route.mock(side_effect=error)
    with pytest.raises(raised):
        await cc.raw_request("GET", "/api/stats/groups.json")


async def test_missing_credential_fails_before_any_io(mock: respx.MockRouter) -> None:
    route = mock.route()
    async with ContactCenter(tenant="acme", platform="na4", data_token="t") as cc:
        with pytest.raises(ConfigurationError, match="action_token"):
            await cc.raw_request("PUT", "/api/tstats/rccontrol/pause", api="recording_control")
        with pytest.raises(ConfigurationError, match="analytics_client_id"):
            await cc.raw_request("GET", "/analytics/cc/v8/x", api="analytics")
        with pytest.raises(ConfigurationError, match="recent_calls_api_key"):
            await cc.raw_request("POST", "/customerexperience/v1/x", api="recent_calls")
    async with ContactCenter(data_token="t", platform="na4") as cc:
        with pytest.raises(ConfigurationError, match="tenant"):
            await cc.raw_request("GET", "/api/stats/groups.json")
    async with ContactCenter(tenant="acme", data_token="t") as cc:
        with pytest.raises(ConfigurationError, match="platform"):
            await cc.raw_request("GET", "/api/stats/groups.json")
    assert not route.called


async def test_an_id_that_is_a_dot_segment_never_reaches_another_path(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    route = mock.route()
    for call in (
        lambda: cc.recordings.delete_transcript(".."),  # .../transcripts/.. is .../
        lambda: cc.interaction_data.context(guid=".."),
        lambda: cc.raw_request("GET", "/api/stats/agents/../groups.json"),
    ):
        with pytest.raises(InvalidArgumentError, match="relative path"):
            await call()
    assert not route.called


async def test_each_family_sends_its_documented_credentials(mock: respx.MockRouter) -> None:
    route = mock.route().mock(return_value=httpx.Response(200))
    async with ContactCenter(
        tenant="acme",
        platform="na4",
        data_token="DATA",
        action_token="ACTION",
        recent_calls_api_key="KEY",
        recent_calls_token="RCTOKEN",
    ) as cc:
        await cc.raw_request("GET", "/api/stats/groups.json")
        await cc.raw_request("PUT", "/api/tstats/rccontrol/x", api="recording_control")
        await cc.raw_request("POST", "/SC/webcallback.php", api="callbacks")
        await cc.raw_request("POST", "/customerexperience/v1/recentCallData/us", api="recent_calls")
    stats, control, callback, recent = (call.request for call in route.calls)
    assert stats.headers["authorization"] == httpx.BasicAuth("acme", "DATA")._auth_header
    assert control.headers["authorization"] == httpx.BasicAuth("acme", "ACTION")._auth_header
    assert callback.url.params["tenant"] == "acme"
    assert callback.url.params["token"] == "ACTION"
    assert "authorization" not in callback.headers
    assert recent.url.host == "api.8x8.com"
    assert (recent.headers["8x8-apikey"], recent.headers["token"]) == ("KEY", "RCTOKEN")


@pytest.mark.parametrize(
    "url",
    ["http://vcc-na4.8x8.com", "http://10.0.0.5:8080", "ftp://vcc-na4.8x8.com", "not a url"],
)
def test_plain_http_is_refused_except_loopback(url: str) -> None:
    with pytest.raises(ConfigurationError):
        ContactCenter(base_url=url)
    with pytest.raises(ConfigurationError):
        ContactCenter(api_base_url=url)


@pytest.mark.parametrize(
    "url", ["http://127.0.0.1:8080", "http://127.5.6.7", "http://localhost:9", "http://[::1]:80"]
)
def test_loopback_http_is_allowed_for_the_sandbox(url: str) -> None:
    client = ContactCenter(base_url=url, api_base_url=url)
    assert client.base_url is not None
    assert client.base_url.startswith("http://")


def test_configuration_errors_are_clear() -> None:
    with pytest.raises(ConfigurationError, match="either platform= or base_url="):
        ContactCenter(platform="na4", base_url="https://vcc-na4.8x8.com")
    with pytest.raises(ConfigurationError, match="na4"):
        ContactCenter(platform="../evil")
    with pytest.raises(ConfigurationError, match="credentials"):
        ContactCenter(base_url="https://user:pw@vcc-na4.8x8.com")
    with pytest.raises(ConfigurationError, match="analytics_region"):
        ContactCenter(analytics_region="mars")  # type: ignore[arg-type]


async def test_unknown_api_name_is_an_argument_error(cc: ContactCenter) -> None:
    with pytest.raises(InvalidArgumentError, match="api must be one of"):
        await cc.raw_request("GET", "/x", api="oauth")


async def test_same_origin_redirect_keeps_credentials(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    mock.get(GROUPS).mock(
        return_value=httpx.Response(302, headers={"Location": "/api/stats/groups2.json"})
    )
    target = mock.get(f"{CC_HOST}/api/stats/groups2.json").mock(return_value=httpx.Response(200))
    await cc.raw_request("GET", "/api/stats/groups.json")
    assert "authorization" in target.calls.last.request.headers


async def test_cross_host_redirect_drops_credentials(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    mock.get(GROUPS).mock(
        return_value=httpx.Response(302, headers={"Location": "https://cdn.example.com/g.json"})
    )
    target = mock.get("https://cdn.example.com/g.json").mock(return_value=httpx.Response(200))
    await cc.raw_request("GET", "/api/stats/groups.json")
    forwarded = target.calls.last.request.headers
    assert "authorization" not in forwarded
    assert "8x8-apikey" not in forwarded


async def test_redirect_to_plain_http_is_refused(mock: respx.MockRouter, cc: ContactCenter) -> None:
    mock.get(GROUPS).mock(
        return_value=httpx.Response(301, headers={"Location": "http://vcc-na4.8x8.com/x"})
    )
    insecure = mock.get("http://vcc-na4.8x8.com/x")
    with pytest.raises(APIConnectionError, match="non-HTTPS"):
        await cc.raw_request("GET", "/api/stats/groups.json", retry=RetryPolicy.disabled())
    assert not insecure.called


async def test_redirect_loops_are_bounded(mock: respx.MockRouter, cc: ContactCenter) -> None:
    route = mock.get(GROUPS).mock(
        return_value=httpx.Response(302, headers={"Location": "/api/stats/groups.json"})
    )
    with pytest.raises(APIConnectionError, match="redirects"):
        await cc.raw_request("GET", "/api/stats/groups.json", retry=RetryPolicy.disabled())
    assert route.call_count == 6


async def test_family_concurrency_limit_is_shared_client_wide(mock: respx.MockRouter) -> None:
    in_flight = 0
    peak = 0

    async def slow(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        in_flight += 1
        peak = max(peak, in_flight)
        await anyio.sleep(0.01)
        in_flight -= 1
        return httpx.Response(200)

    mock.get(url__startswith=f"{CC_HOST}/api/stats/").mock(side_effect=slow)
    limits = Limits().with_family(ApiFamily.STATS, 3)
    async with (
        ContactCenter(tenant="a", platform="na4", data_token="t", limits=limits) as cc,
        anyio.create_task_group() as tg,
    ):
        for n in range(20):
            tg.start_soon(cc.raw_request, "GET", f"/api/stats/agents/{n}.json")
    assert peak == 3


async def test_user_supplied_client_is_used_and_left_open(mock: respx.MockRouter) -> None:
    route = mock.get(GROUPS).mock(return_value=httpx.Response(200))
    async with httpx.AsyncClient(headers={"X-Trace": "mine"}) as own:
        async with ContactCenter(tenant="a", platform="na4", data_token="t", http_client=own) as cc:
            await cc.raw_request("GET", "/api/stats/groups.json")
        assert not own.is_closed
        assert route.calls.last.request.headers["x-trace"] == "mine"


async def test_owned_client_is_closed_and_then_refuses_calls(mock: respx.MockRouter) -> None:
    async with ContactCenter(tenant="a", platform="na4", data_token="t") as cc:
        pass
    assert cc.is_closed
    with pytest.raises(ConfigurationError, match="closed"):
        await cc.raw_request("GET", "/api/stats/groups.json")


def test_from_env_reads_eightbyeight_variables() -> None:
    env = {
        "EIGHTBYEIGHT_TENANT": "acme",
        "EIGHTBYEIGHT_PLATFORM": "eu2",
        "EIGHTBYEIGHT_DATA_TOKEN": "s3cr3t-data",
        "EIGHTBYEIGHT_ANALYTICS_REGION": "eu",
        "UNRELATED": "x",
    }
    cc = ContactCenter.from_env(env, recent_calls_region="uk")
    assert cc.tenant == "acme"
    assert cc.base_url == "https://vcc-eu2.8x8.com"
    assert cc.analytics_region == "eu"
    assert cc.recent_calls_region == "uk"
    assert "s3cr3t-data" not in repr(cc)
