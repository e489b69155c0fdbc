"""`cc.recording_control` through the public API against the sandbox: pause and resume by
agent id and by email, the three documented 200 outcomes as a typed result (checked against
the sandbox's per-agent recording state), the documented 400/401/404/500 as errors, and the
browser (AGUI cookie session) URL builder."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from eightbyeight_async import (
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ContactCenter,
    DecodeError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    RetryPolicy,
    control_recording_url,
)
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.recording_control import (
    RecordingAction,
    RecordingControlResult,
    RecordingControlStatus,
)

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 8, "agents": 8, "days": 0}


def agent(sb: Sandbox, index: int) -> str:
    return str(sb.tenant.agents[index]["agent-id"])


def email_of(sb: Sandbox, index: int) -> str:
    return str(sb.tenant.agents[index]["email-address"])


async def test_pause_then_resume_by_agent_id(cc: ContactCenter, sb: Sandbox) -> None:
    who = agent(sb, 0)
    sb.recording_control.set_enabled(who, True)
    sb.recording_control.start_transaction(who)
    paused = await cc.recording_control.pause(agent_id=who)
    assert paused == RecordingControlResult(
        RecordingAction.PAUSE, RecordingControlStatus.SUCCESS, agent_id=who
    )
    assert paused.applied
    assert sb.recording_control.state(who).paused
    resumed = await cc.recording_control.resume(agent_id=who)
    assert resumed.status is RecordingControlStatus.SUCCESS
    assert not sb.recording_control.state(who).paused


async def test_pause_and_resume_by_email(cc: ContactCenter, sb: Sandbox) -> None:
    who = agent(sb, 1)
    sb.recording_control.set_enabled(who, True)
    sb.recording_control.start_transaction(who)
    result = await cc.recording_control.control("pause", email=email_of(sb, 1))
    assert result.email == email_of(sb, 1)
    assert result.agent_id is None
    assert result.applied
    assert sb.recording_control.state(who).paused
    assert (await cc.recording_control.resume(email=email_of(sb, 1))).applied
    assert sb.recording_control.log[-1].agent_id == who


async def test_nothing_to_modify_is_a_result_not_an_error(cc: ContactCenter, sb: Sandbox) -> None:
    who = agent(sb, 2)
    sb.recording_control.set_enabled(who, True)
    sb.recording_control.end_transaction(who)
    idle = await cc.recording_control.pause(agent_id=who)
    assert idle.status is RecordingControlStatus.NOTHING_TO_MODIFY
    assert not idle.applied
    assert not sb.recording_control.state(who).paused
    sb.recording_control.start_transaction(who)
    assert (await cc.recording_control.resume(agent_id=who)).status is (
        RecordingControlStatus.NOTHING_TO_MODIFY  # not paused: nothing to resume
    )
    assert (await cc.recording_control.pause(agent_id=who)).applied
    again = await cc.recording_control.pause(agent_id=who)
    assert again.status is RecordingControlStatus.NOTHING_TO_MODIFY


async def test_recording_not_enabled_is_a_result(cc: ContactCenter, sb: Sandbox) -> None:
    who = agent(sb, 3)
    sb.recording_control.start_transaction(who)
    sb.recording_control.set_enabled(who, False)
    result = await cc.recording_control.pause(agent_id=who)
    assert result.status is RecordingControlStatus.NOT_ENABLED
    assert not result.applied
    assert not sb.recording_control.state(who).paused
    assert sb.recording_control.log[-1].status == result.status.value


async def test_the_seeded_state_gives_each_outcome(cc: ContactCenter, sb: Sandbox) -> None:
    """Fresh agents (untouched by other tests) answer as their seeded state says."""
    states = sb.recording_control.agents()
    for index in (4, 5, 6, 7):
        who = agent(sb, index)
        state = states[who]
        result = await cc.recording_control.pause(agent_id=who)
        await cc.recording_control.resume(agent_id=who)  # leave it as it was
        if not state.enabled:
            assert result.status is RecordingControlStatus.NOT_ENABLED
        elif not state.active or state.paused:
            assert result.status is RecordingControlStatus.NOTHING_TO_MODIFY
        else:
            assert result.status is RecordingControlStatus.SUCCESS
    assert {s.enabled for s in states.values()} == {True, False}


async def test_unknown_agent_or_email_is_404(cc: ContactCenter) -> None:
    with pytest.raises(NotFoundError, match="no agent with agent_id='nobody'"):
        await cc.recording_control.pause(agent_id="nobody")
    with pytest.raises(NotFoundError, match="email="):
        await cc.recording_control.resume(email="nobody@example.com")


async def test_wrong_action_token_is_401(sb: Sandbox) -> None:
    async with sb.client(action_token="f" * 32, retry=RetryPolicy.instant()) as cc:
        with pytest.raises(AuthenticationError):
            await cc.recording_control.pause(agent_id=agent(sb, 0))


async def test_the_data_token_is_not_accepted(sb: Sandbox) -> None:
    async with sb.client(action_token=sb.credentials.data_token) as cc:
        with pytest.raises(AuthenticationError):
            await cc.recording_control.pause(agent_id=agent(sb, 0))


async def test_an_unknown_action_is_400(cc: ContactCenter, sb: Sandbox) -> None:
    path = f"/api/tstats/rccontrol/stop/{sb.tenant_name}/agentId/{agent(sb, 0)}"
    with pytest.raises(BadRequestError, match="400 on PUT"):
        await cc.raw_request("PUT", path, api="recording_control")


async def test_a_server_error_is_retried_then_raised(cc: ContactCenter, sb: Sandbox) -> None:
    sb.faults.status("/api/tstats/rccontrol/*", 500)
    with pytest.raises(InternalServerError):
        await cc.recording_control.pause(agent_id=agent(sb, 0))
    sb.faults.clear()
    sb.faults.status("/api/tstats/rccontrol/*", 500, count=1)
    sb.recording_control.start_transaction(agent(sb, 0))
    sb.recording_control.set_enabled(agent(sb, 0), True)
    assert (await cc.recording_control.pause(agent_id=agent(sb, 0))).applied


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"action": "stop", "agent_id": "a"}, "'pause' or 'resume'"),
        ({"action": "pause"}, "exactly one of agent_id= or email="),
        ({"action": "pause", "agent_id": "a", "email": "a@b.c"}, "exactly one"),
        ({"action": "pause", "agent_id": " "}, "non-empty"),
        ({"action": "pause", "email": "not-an-address"}, "email must be an address"),
    ],
)
async def test_bad_arguments_are_refused_before_sending(
    cc: ContactCenter, sb: Sandbox, arguments: dict[str, Any], message: str
) -> None:
    before = sb.faults.total_requests
    with pytest.raises(InvalidArgumentError, match=message):
        await cc.recording_control.control(**arguments)
    assert sb.faults.total_requests == before


async def test_missing_tenant_or_action_token_is_a_configuration_error(sb: Sandbox) -> None:
    async with sb.client(action_token=None) as cc:
        with pytest.raises(ConfigurationError, match="action_token"):
            await cc.recording_control.pause(agent_id="x")
    async with sb.client(tenant=None) as cc:
        with pytest.raises(ConfigurationError, match="tenant"):
            await cc.recording_control.pause(agent_id="x")


@pytest.mark.parametrize(
    ("body", "status"),
    [
        (b"Status: success", RecordingControlStatus.SUCCESS),
        (b"Status: nothing to be modified\n", RecordingControlStatus.NOTHING_TO_MODIFY),
        (b"not enabled", RecordingControlStatus.NOT_ENABLED),
        (b'{"status": "Not Enabled"}', RecordingControlStatus.NOT_ENABLED),
    ],
)
async def test_the_status_is_read_from_text_or_json(body: bytes, status: Any) -> None:
    """The document names the outcomes but shows no body: both forms are read (respx)."""
    url = "https://vcc-na4.8x8.com/api/tstats/rccontrol/pause/acme/agentId/bill"
    async with ContactCenter(tenant="acme", platform="na4", action_token="t") as cc:
        with respx.mock(assert_all_called=True) as mock:
            mock.put(url).mock(return_value=httpx.Response(200, content=body))
            result = await cc.recording_control.pause(agent_id="bill")
    assert result.status is status


async def test_an_unknown_status_is_kept_and_an_empty_body_is_a_decode_error() -> None:
    url = "https://vcc-na4.8x8.com/api/tstats/rccontrol/resume/acme/email/b%40x.com"
    async with ContactCenter(
        tenant="acme", platform="na4", action_token="t", retry=RetryPolicy.disabled()
    ) as cc:
        with respx.mock() as mock:
            route = mock.put(url)
            route.mock(return_value=httpx.Response(200, json={"status": "queued"}))
            result = await cc.recording_control.resume(email="b@x.com")
            assert not result.status.is_known
            assert result.status.value == "queued"
            assert not result.applied
            route.mock(return_value=httpx.Response(200, content=b""))
            with pytest.raises(DecodeError, match="no status"):
                await cc.recording_control.resume(email="b@x.com")
            for malformed in (b'{"status": "on', b'{"status":' + b"[" * 100_000):
                route.mock(return_value=httpx.Response(200, content=malformed))
                with pytest.raises(DecodeError, match="malformed JSON"):
                    await cc.recording_control.resume(email="b@x.com")


VARIANT_BODIES = [
    (b'{"Status": "success"}', {}),
    (b'{"STATUS": "SUCCESS", "requestId": "r1"}', {"requestId": "r1"}),
    (b'[{"status": "success"}]', {}),
    (b'{"result": {"status": "success", "agent": "bill"}}', {}),
    (b'{"status": {"code": 200, "status": "success"}}', {}),
    (b'"success"', {}),
    (b"<response><status>success</status></response>", {}),
    (b"<status>Success</status>", {}),
    (b"(Status: success)", {}),
    (b"status=success", {}),
    (b"  SUCCESS\n", {}),
]


@pytest.mark.parametrize(("body", "extra"), VARIANT_BODIES)
async def test_plausible_variants_of_the_200_answer_are_read(
    body: bytes, extra: dict[str, Any]
) -> None:
    """The document shows no 200 body: a guessed shape must not fail a successful call."""
    url = "https://vcc-na4.8x8.com/api/tstats/rccontrol/pause/acme/agentId/bill"
    async with ContactCenter(tenant="acme", platform="na4", action_token="t") as cc:
        with respx.mock(assert_all_called=True) as mock:
            mock.put(url).mock(return_value=httpx.Response(200, content=body))
            result = await cc.recording_control.pause(agent_id="bill")
    assert result.status is RecordingControlStatus.SUCCESS
    assert result.applied
    for key, value in extra.items():
        assert result.extra[key] == value


async def test_a_json_answer_without_a_status_is_kept_not_refused() -> None:
    url = "https://vcc-na4.8x8.com/api/tstats/rccontrol/pause/acme/agentId/bill"
    async with ContactCenter(tenant="acme", platform="na4", action_token="t") as cc:
        with respx.mock() as mock:
            mock.put(url).mock(return_value=httpx.Response(200, json={"ok": True}))
            result = await cc.recording_control.pause(agent_id="bill")
    assert not result.status.is_known
    assert result.extra == {"ok": True}


# --- the browser URL ----------------------------------------------------------------------


def test_browser_url_matches_the_documented_example() -> None:
    token = "d3078e5b5817f3a8ad4baf32adc124cf"
    assert control_recording_url("https://vcc-na7.8x8.com", "pause", token=token) == (
        "https://vcc-na7.8x8.com/AGUI/controlRecording.php?action=pause&token=" + token
    )
    url = control_recording_url("https://vcc-na7.8x8.com/", RecordingAction.RESUME, token="a&b")
    assert httpx.URL(url).params == httpx.QueryParams({"action": "resume", "token": "a&b"})


def test_browser_url_uses_the_clients_host() -> None:
    cc = ContactCenter(tenant="acme", platform="eu2")
    url = cc.recording_control.browser_url("resume", token="abc")
    assert url == "https://vcc-eu2.8x8.com/AGUI/controlRecording.php?action=resume&token=abc"
    with pytest.raises(ConfigurationError, match="Contact Center host"):
        ContactCenter(tenant="acme").recording_control.browser_url("pause", token="abc")


@pytest.mark.parametrize(
    ("base_url", "action", "token", "error"),
    [
        ("https://vcc-na4.8x8.com", "stop", "abc", InvalidArgumentError),
        ("https://vcc-na4.8x8.com", "pause", "", InvalidArgumentError),
        ("http://vcc-na4.8x8.com", "pause", "abc", ConfigurationError),
    ],
)
def test_browser_url_refuses_bad_input(
    base_url: str, action: str, token: str, error: type[Exception]
) -> None:
    with pytest.raises(error):
        control_recording_url(base_url, action, token=token)
