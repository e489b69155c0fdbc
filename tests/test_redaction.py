"""Secrets never appear in logs (any logger, DEBUG level), reprs, or exception messages."""

from __future__ import annotations

import base64
import logging
from typing import Any

import httpx
import pytest
import respx

from eightbyeight_async import (
    AuthenticationError,
    ConfigurationError,
    ContactCenter,
    EightByEightError,
    RetryPolicy,
)
from eightbyeight_async._redact import Secret, redact_url

pytestmark = pytest.mark.anyio

SECRETS: dict[str, Any] = {
    "data_token": "PLANTED-data-7f3a",
    "action_token": "PLANTED-action-91bc",
    "analytics_secret": "PLANTED-oauth-secret-55d1",
    "recent_calls_api_key": "PLANTED-apikey-0e2f",
    "recent_calls_token": "PLANTED-rctoken-c4a8",
}
ACCESS_TOKEN = "PLANTED-access-token-b7e9"


def make_client() -> ContactCenter:
    return ContactCenter(
        tenant="acme",
        platform="na4",
        analytics_client_id="client-id",
        retry=RetryPolicy.instant(max_retries=1),
        **SECRETS,
    )


async def exercise_every_credential(cc: ContactCenter, errors: list[str]) -> None:
    """Successes, retries, errors and a token refresh across every auth family."""
    calls = [
        ("GET", "/api/stats/groups.json", "stats"),
        ("GET", "/api/stats/agents.json", "stats"),
        ("PUT", "/api/tstats/rccontrol/pause/acme/agentId/a1", "recording_control"),
        ("POST", "/SC/webcallback.php", "callbacks"),
        ("GET", "/SC/externalIvrAction.php", "external_ivr"),
        ("GET", "/analytics/cc/v8/historical-metrics/report-types", "analytics"),
        ("POST", "/customerexperience/v1/recentCallData/us", "recent_calls"),
    ]
    for method, path, api in calls:
        try:
            await cc.raw_request(method, path, api=api)
        except EightByEightError as exc:
            errors.extend([str(exc), repr(exc)])


async def test_planted_secrets_never_leak_at_debug_level(
    caplog: pytest.LogCaptureFixture,
) -> None:
    errors: list[str] = []
    with respx.mock(assert_all_called=False) as mock:
        mock.post("https://api.8x8.com/oauth/v2/token").mock(
            return_value=httpx.Response(200, json={"access_token": ACCESS_TOKEN, "expires_in": "9"})
        )
        mock.get(url__regex=r".*/analytics/.*").mock(
            side_effect=[httpx.Response(401, text="bad"), httpx.Response(200, json=[])]
        )
        mock.get("https://vcc-na4.8x8.com/api/stats/groups.json").mock(
            side_effect=[httpx.Response(503), httpx.Response(200, json={})]
        )
        mock.get("https://vcc-na4.8x8.com/api/stats/agents.json").mock(
            return_value=httpx.Response(403, text="Forbidden")
        )
        mock.route(url__regex=r".*/SC/.*").mock(side_effect=httpx.ReadError("reset"))
        mock.route().mock(return_value=httpx.Response(500, text="oops"))
        with caplog.at_level(logging.DEBUG):
            async with make_client() as cc:
                await exercise_every_credential(cc, errors)
                errors.extend([repr(cc), str(cc)])
    captured = "\n".join([r.getMessage() for r in caplog.records] + [caplog.text] + errors)
    assert errors, "the scenario must produce errors to scan"
    assert any(r.name == "httpx" for r in caplog.records), "httpx's own URL logging is scanned"
    assert "token=[redacted]" in captured, "the callbacks URL was logged, redacted"
    for secret in [*SECRETS.values(), ACCESS_TOKEN]:
        assert secret not in captured


def test_missing_credential_message_names_the_argument_not_other_secrets() -> None:
    cc = ContactCenter(tenant="acme", platform="na4", data_token=SECRETS["data_token"])
    assert SECRETS["data_token"] not in repr(cc)
    assert "data_token" in repr(cc)


async def test_configuration_error_carries_no_secret() -> None:
    async with ContactCenter(platform="na4", data_token=SECRETS["data_token"]) as cc:
        with pytest.raises(ConfigurationError) as caught:
            await cc.raw_request("GET", "/api/stats/groups.json")
    assert SECRETS["data_token"] not in str(caught.value)


async def test_auth_error_body_excerpt_never_contains_the_request_token() -> None:
    with respx.mock() as mock:
        mock.get("https://vcc-na4.8x8.com/api/stats/groups.json").mock(
            return_value=httpx.Response(401, text="Unauthorized")
        )
        async with make_client() as cc:
            with pytest.raises(AuthenticationError) as caught:
                await cc.raw_request("GET", "/api/stats/groups.json")
    assert "check the tenant name and token" in str(caught.value)
    assert SECRETS["data_token"] not in str(caught.value)


def _echo_credentials(request: httpx.Request) -> httpx.Response:
    """A server error page that quotes what it was sent: the credential headers (a Basic one
    decoded too) and the URL, as some servers' error pages do."""
    echoed = [request.headers.get(h, "") for h in ("authorization", "8x8-apikey", "token")]
    scheme, _, credential = echoed[0].partition(" ")
    if scheme == "Basic":
        echoed.append(base64.b64decode(credential).decode())
    return httpx.Response(400, text=" | ".join([*echoed, str(request.url)]))


async def test_error_bodies_that_echo_the_request_never_show_its_credentials() -> None:
    errors: list[str] = []
    with respx.mock(assert_all_called=False) as mock:
        mock.post("https://api.8x8.com/oauth/v2/token").mock(
            return_value=httpx.Response(200, json={"access_token": ACCESS_TOKEN, "expires_in": 60})
        )
        mock.route().mock(side_effect=_echo_credentials)
        async with make_client() as cc:
            await exercise_every_credential(cc, errors)
    assert len(errors) == 14, "every call must fail with the echoing error page"
    assert all("[redacted]" in error for error in errors), errors
    for secret in [*SECRETS.values(), ACCESS_TOKEN]:
        assert not [error for error in errors if secret in error], secret


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://vcc-na4.8x8.com/SC/webcallback.php?tenant=acme&token=abc123&phone=1",
            "https://vcc-na4.8x8.com/SC/webcallback.php?tenant=acme&token=[redacted]&phone=1",
        ),
        ("https://u:pw@host.example/x?a=1", "https://host.example/x?a=1"),
        ("https://h.example/x?access_token=zzz", "https://h.example/x?access_token=[redacted]"),
        ("https://h.example/x?TOKEN=zzz&ok=1", "https://h.example/x?TOKEN=[redacted]&ok=1"),
        ("https://h.example/x?tokens=keep", "https://h.example/x?tokens=keep"),
    ],
)
def test_redact_url(url: str, expected: str) -> None:
    assert redact_url(url) == expected


def test_secret_wrapper_never_prints_its_value() -> None:
    secret = Secret("hunter2")
    assert "hunter2" not in repr(secret)
    assert "hunter2" not in str(secret)
    assert "hunter2" not in f"{secret}"
    assert secret.reveal() == "hunter2"
