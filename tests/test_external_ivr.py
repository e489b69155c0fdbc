"""`cc.external_ivr` through the public API against the sandbox: forward a call to a queue
with `extIvrData` (checked against the actions the sandbox keeps), the 500-character limit,
and the statuses the sandbox answers (400, 401, 404, 500)."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import respx

from eightbyeight_async import (
    AuthenticationError,
    BadRequestError,
    ContactCenter,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
)
from eightbyeight_async._userdata import decode_pairs
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.sandbox.services._external_ivr import ExternalIvrAction

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 31, "agents": 4, "days": 1, "interactions_per_day": 20}


def sip_id(sb: Sandbox) -> str:
    return sorted(sb.external_ivr.call_ids)[0]


def queue_id(sb: Sandbox) -> str:
    return sb.tenant.queues[-1]["queue-id"]


async def test_forward_to_queue_with_ivr_data(cc: ContactCenter, sb: Sandbox) -> None:
    data = {"First Name": "John", "Last Name": "Smith", "Account ID": "12345678"}
    await cc.external_ivr.forward_to_queue(
        sip_id=sip_id(sb), queue_id=int(queue_id(sb)), ext_ivr_data=data
    )
    action = sb.external_ivr.actions[-1]
    assert action == ExternalIvrAction(
        sip_id(sb),
        "wForwardACD",
        queue_id(sb),
        "[First Name|John][Last Name|Smith][Account ID|12345678]",
    )
    assert action.ext_ivr_data is not None
    assert dict(decode_pairs(action.ext_ivr_data)) == data


async def test_forward_without_data(cc: ContactCenter, sb: Sandbox) -> None:
    await cc.external_ivr.forward_to_queue(sip_id=sip_id(sb), queue_id=queue_id(sb))
    assert sb.external_ivr.actions[-1].ext_ivr_data is None


async def test_ivr_data_over_500_characters_is_refused_before_io(
    cc: ContactCenter, sb: Sandbox
) -> None:
    before = len(sb.external_ivr.actions)
    exactly = {"N": "x" * (500 - len("[N|]"))}
    await cc.external_ivr.forward_to_queue(
        sip_id=sip_id(sb), queue_id=queue_id(sb), ext_ivr_data=exactly
    )
    with pytest.raises(InvalidArgumentError, match="501 characters encoded; the limit is 500"):
        await cc.external_ivr.forward_to_queue(
            sip_id=sip_id(sb), queue_id=queue_id(sb), ext_ivr_data={"N": "x" * 497}
        )
    assert len(sb.external_ivr.actions) == before + 1


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"sip_id": ""}, "sip_id"),
        ({"queue_id": "support"}, "queue_id must be digits"),
        ({"ext_ivr_data": {"Plan": "[gold]"}}, "no escape"),
    ],
)
async def test_bad_arguments(
    cc: ContactCenter, sb: Sandbox, arguments: dict[str, object], message: str
) -> None:
    request: dict[str, object] = {"sip_id": sip_id(sb), "queue_id": queue_id(sb)} | arguments
    with pytest.raises(InvalidArgumentError, match=message):
        await cc.external_ivr.forward_to_queue(**request)  # type: ignore[arg-type]


async def test_unknown_call_is_404(cc: ContactCenter, sb: Sandbox) -> None:
    with pytest.raises(NotFoundError, match="no call with sip_id='gone'"):
        await cc.external_ivr.forward_to_queue(sip_id="gone", queue_id=queue_id(sb))


async def test_unknown_queue_is_400(cc: ContactCenter, sb: Sandbox) -> None:
    with pytest.raises(BadRequestError, match="is queue 999 valid"):
        await cc.external_ivr.forward_to_queue(sip_id=sip_id(sb), queue_id=999)


async def test_wrong_token_is_401(sb: Sandbox) -> None:
    async with sb.client(action_token="0" * 32) as cc:
        with pytest.raises(AuthenticationError) as caught:
            await cc.external_ivr.forward_to_queue(sip_id=sip_id(sb), queue_id=queue_id(sb))
    assert sb.credentials.action_token not in str(caught.value)


async def test_server_error_is_not_retried_for_a_routing_action(
    cc: ContactCenter, sb: Sandbox
) -> None:
    rule = sb.faults.status("/SC/externalIvrAction.php", 500)
    with pytest.raises(InternalServerError):
        await cc.external_ivr.forward_to_queue(sip_id=sip_id(sb), queue_id=queue_id(sb))
    assert rule.seen == 1


@pytest.mark.parametrize(
    ("params", "status"),
    [
        ({"action": "wForwardAgent", "param": "fred"}, 400),  # "not yet available"
        ({"action": "wForwardACD"}, 400),
        ({"action": "wForwardACD", "param": "101", "extIvrData": "[a|" + "b" * 500 + "]"}, 400),
    ],
)
async def test_the_sandbox_refuses_what_the_client_cannot_send(
    cc: ContactCenter, sb: Sandbox, params: dict[str, str], status: int
) -> None:
    with pytest.raises(BadRequestError) as caught:
        await cc.raw_request(
            "GET",
            "/SC/externalIvrAction.php",
            api="external_ivr",
            params={"sip_id": sip_id(sb), **params},
        )
    assert caught.value.status_code == status


async def test_forward_is_a_get_with_every_parameter_in_the_query() -> None:
    """The document's sample URL: `GET /SC/externalIvrAction.php?tenant=..&token=..&sip_id=..`."""
    async with ContactCenter(base_url="http://127.0.0.1:9", tenant="t", action_token="k") as cc:
        with respx.mock(assert_all_called=True) as mock:
            route = mock.get("http://127.0.0.1:9/SC/externalIvrAction.php").respond(200)
            await cc.external_ivr.forward_to_queue(sip_id="abc", queue_id=102)
    request = route.calls.last.request
    assert request.method == "GET"
    assert request.content == b""
    assert dict(request.url.params) == {
        "tenant": "t",
        "token": "k",
        "sip_id": "abc",
        "action": "wForwardACD",
        "param": "102",
    }


async def test_the_sandbox_takes_both_documented_forms_and_refuses_the_mix(sb: Sandbox) -> None:
    credentials = {"tenant": sb.credentials.tenant_name, "token": sb.credentials.action_token}
    fields = {"sip_id": sip_id(sb), "action": "wForwardACD", "param": queue_id(sb)}
    url = f"{sb.base_url}/SC/externalIvrAction.php"
    async with httpx.AsyncClient() as http:
        in_body = await http.post(url, data={**credentials, **fields})
        in_query = await http.get(url, params={**credentials, **fields})
        mixed = await http.post(url, params=credentials, data=fields)
    assert (in_body.status_code, in_query.status_code, mixed.status_code) == (200, 200, 400)


@pytest.mark.parametrize(
    ("content_type", "body"),
    [
        ("application/json", b'{"Status": "OK", "queue": 102}'),
        ("application/json", b'{"status": "ok", "queue": "name~~queue~~phone~~102"}'),
        ("application/json", b'{"UserInput": ["1", "2"], "extra": {"x": 1}}'),
        ("application/json", b'{"UserInput": {"digits": "1"}}'),
        ("application/json", b"[1, 2, 3]"),
        ("text/xml", b"<response><Status>OK</Status></response>"),
        ("text/plain", b"OK"),
        ("text/plain", b""),
    ],
)
async def test_an_unfamiliar_2xx_answer_is_success_not_a_decode_error(
    content_type: str, body: bytes
) -> None:
    """The document shows no answer: whatever a 2xx carries, the routing action succeeded."""
    async with ContactCenter(base_url="http://127.0.0.1:9", tenant="t", action_token="k") as cc:
        with respx.mock(assert_all_called=True) as mock:
            mock.get("http://127.0.0.1:9/SC/externalIvrAction.php").respond(
                200, content=body, headers={"Content-Type": content_type}
            )
            await cc.external_ivr.forward_to_queue(sip_id="abc", queue_id=102)  # no DecodeError
