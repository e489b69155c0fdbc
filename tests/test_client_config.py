"""Building a client: every malformed setting is a ConfigurationError at construction, before
any I/O, that says what is expected and never quotes a secret."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
import respx

from eightbyeight_async import (
    ApiFamily,
    ConfigurationError,
    ContactCenter,
    InvalidArgumentError,
    Limits,
    RetryPolicy,
)
from eightbyeight_async._retry import retry_delay

GROUPS = "https://vcc-na4.8x8.com/api/stats/groups.json"


@pytest.mark.parametrize("platform", [4, b"na4", ["na4"]])
def test_a_platform_that_is_not_a_str_is_refused(platform: Any) -> None:
    with pytest.raises(ConfigurationError, match="platform must be a str like 'na4'"):
        ContactCenter(tenant="t", platform=platform)


@pytest.mark.parametrize("url", ["http://127.0.0.1:99999", "https://h.example:0"])
def test_a_port_outside_1_to_65535_is_refused(url: str) -> None:
    with pytest.raises(ConfigurationError, match=r"base_url has port .*1 to 65535"):
        ContactCenter(base_url=url)
    with pytest.raises(ConfigurationError, match="api_base_url has port"):
        ContactCenter(api_base_url=url)


@pytest.mark.parametrize("url", ["https://h.example.com/?x=1", "http://127.0.0.1:8080/#top"])
def test_a_base_url_with_a_query_or_fragment_is_refused_not_silently_cut(url: str) -> None:
    with pytest.raises(ConfigurationError, match="query or fragment"):
        ContactCenter(base_url=url)


@pytest.mark.anyio
async def test_a_per_call_retry_must_be_a_retry_policy() -> None:
    async with ContactCenter(tenant="acme", base_url="http://127.0.0.1:9", data_token="t") as cc:
        with pytest.raises(InvalidArgumentError, match="retry must be a RetryPolicy"):
            await cc.raw_request("GET", "/api/stats/groups.json", retry=3)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "timeout",
    [
        "x",
        float("nan"),
        float("inf"),
        -1,
        0,
        True,
        (1, 2),
        10**400,
        httpx.Timeout(float("nan")),
        httpx.Timeout(5, read=-1),
        httpx.Timeout("x"),  # type: ignore[arg-type]
    ],
)
def test_a_timeout_that_is_not_positive_seconds_is_refused(timeout: Any) -> None:
    with pytest.raises(ConfigurationError, match=r"timeout.* must be a number of seconds > 0"):
        ContactCenter(timeout=timeout)


@pytest.mark.anyio
@pytest.mark.parametrize(
    ("timeout", "sent"),
    [
        (2.5, httpx.Timeout(2.5)),
        (7, httpx.Timeout(7)),
        (None, httpx.Timeout(None)),
        (httpx.Timeout(3, connect=1), httpx.Timeout(3, connect=1)),
    ],
)
async def test_a_valid_timeout_applies_even_to_a_user_supplied_client(
    mock: respx.MockRouter, timeout: float | httpx.Timeout | None, sent: httpx.Timeout
) -> None:
    route = mock.get(GROUPS).mock(return_value=httpx.Response(200))
    async with httpx.AsyncClient(timeout=99) as own:
        cc = ContactCenter(
            tenant="a", platform="na4", data_token="t", http_client=own, timeout=timeout
        )
        await cc.raw_request("GET", "/api/stats/groups.json")
    assert route.calls.last.request.extensions["timeout"] == sent.as_dict()


async def _closed_client() -> httpx.AsyncClient:
    client = httpx.AsyncClient()
    await client.aclose()
    return client


@pytest.mark.anyio
async def test_http_client_must_be_an_open_async_client() -> None:
    with httpx.Client() as sync_client:
        for wrong in ("x", sync_client):
            with pytest.raises(ConfigurationError, match=r"must be an httpx\.AsyncClient"):
                ContactCenter(http_client=wrong)  # type: ignore[arg-type]
    with pytest.raises(ConfigurationError, match="http_client is already closed"):
        ContactCenter(http_client=await _closed_client())


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"retry": "x"}, "retry must be a RetryPolicy"),
        ({"retry": {"max_retries": 5}}, "retry must be a RetryPolicy"),
        ({"limits": {}}, "limits must be a Limits"),
        ({"limits": 8}, "limits must be a Limits"),
    ],
)
def test_retry_and_limits_must_be_their_types(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        ContactCenter(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_retries": True},
        {"initial_backoff": True},
        {"max_backoff": 10**400},
        {"retry_statuses": 503},
        {"retry_statuses": "503"},
        {"retry_statuses": ["503"]},
        {"retry_statuses": [True]},
        {"retry_statuses": [[503]]},
        {"retry_statuses": [600]},
    ],
)
def test_a_malformed_retry_policy_is_a_configuration_error(kwargs: dict[str, Any]) -> None:
    with pytest.raises(ConfigurationError, match="RetryPolicy"):
        RetryPolicy(**kwargs)


def test_the_backoff_window_never_overflows_on_late_attempts() -> None:
    rng = random.Random(0)
    assert retry_delay(RetryPolicy.instant(max_retries=5000), 1100, rng=rng) == 0.0
    assert 0.0 <= retry_delay(RetryPolicy(max_retries=5000), 1100, rng=rng) <= 8.0


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"max_connections": 0}, "max_connections must be an int >= 1; got 0"),
        ({"max_connections": "x"}, "max_connections must be an int >= 1; got str"),
        ({"max_connections": True}, "max_connections must be an int >= 1; got True"),
        ({"max_keepalive_connections": -1}, "max_keepalive_connections must be an int >= 0"),
        ({"per_family": [1]}, "per_family must map ApiFamily"),
        ({"per_family": {"stats": 2}}, "keys must be ApiFamily members"),
        ({"per_family": {ApiFamily.STATS: True}}, "STATS must be an int >= 1"),
    ],
)
def test_malformed_limits_are_refused_when_built(kwargs: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Limits(**kwargs)


@pytest.mark.parametrize(
    ("family", "limit", "message"),
    [
        (ApiFamily.STATS, 0, "STATS must be an int >= 1"),
        (ApiFamily.STATS, 2.5, "STATS must be an int >= 1"),
        ("stats", 2, "with_family needs an ApiFamily"),
        ([], 2, "with_family needs an ApiFamily"),
    ],
)
def test_a_malformed_family_limit_is_refused(family: Any, limit: Any, message: str) -> None:
    with pytest.raises(ConfigurationError, match=message):
        Limits().with_family(family, limit)


def test_zero_idle_connections_is_a_valid_pool() -> None:
    cc = ContactCenter(limits=Limits(max_keepalive_connections=0).with_family(ApiFamily.STATS, 2))
    assert cc.limits.max_keepalive_connections == 0
    assert cc.limits.for_family(ApiFamily.STATS) == 2


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tenant": 5}, "tenant must be a str; got int"),
        ({"data_token": 12345}, "data_token must be a str; got int"),
        ({"analytics_secret": b"SECRET-1"}, "analytics_secret must be a str; got bytes"),
        ({"action_token": "SECRET-1\n"}, "action_token contains a control character"),
        ({"tenant_info": "x\r\nInjected: 1"}, "tenant_info contains a control character"),
        ({"recent_calls_token": "SÉCRET-1"}, "recent_calls_token is sent as a header"),
        ({"tenant": "acme:SECRET-1"}, "tenant must not contain ':'"),
    ],
)
def test_credentials_must_be_clean_strings_and_are_never_quoted(
    kwargs: dict[str, Any], message: str
) -> None:
    with pytest.raises(ConfigurationError, match=message) as caught:
        ContactCenter(**kwargs)
    assert "SECRET" not in str(caught.value)
    assert "12345" not in str(caught.value)
