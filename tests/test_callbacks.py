"""`cc.callbacks` through the public API against the sandbox: create with every documented
parameter (checked against what the sandbox received), every documented `ctl_error` code, the
rules refused before any I/O, and delete's 200 / 207 / 404 outcomes, 401 and 500."""

from __future__ import annotations

import datetime as dt
import urllib.parse
import uuid
from collections.abc import Iterable
from typing import Any

import httpx
import pytest
import respx

from eightbyeight_async import (
    AuthenticationError,
    ConfigurationError,
    ContactCenter,
    DecodeError,
    InternalServerError,
    InvalidArgumentError,
    RetryPolicy,
    WebCallbackError,
)
from eightbyeight_async._errors import WebCallbackArgumentError
from eightbyeight_async._userdata import UserDataToken, decode_pairs
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.callbacks import (
    CallbackType,
    DeleteFailureReason,
    WebCallbackDeletionOutcome,
    WebCallbackErrorCode,
)

pytestmark = pytest.mark.anyio

BACK = "http://shop.example.invalid/after?from=web"
"""Not reachable: following the server's redirect to it would fail the test."""


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 11, "agents": 4, "days": 1, "interactions_per_day": 8}


def channel(sb: Sandbox) -> str:
    return sorted(sb.callbacks.channel_numbers)[0]


def outbound_queue(sb: Sandbox) -> str:
    return sb.callbacks.outbound_queue_ids()[0]


def by_number(codes: Iterable[str]) -> list[str]:
    """`ctl_error` codes in numeric order (test ids read like the document's table)."""
    return sorted(codes, key=lambda code: int(code))


def call_now(sb: Sandbox, **extra: Any) -> dict[str, Any]:
    return {"phone": "16505551212", "callback_type": 1, "channel_number": channel(sb), **extra}


async def test_create_call_now_sends_every_parameter(cc: ContactCenter, sb: Sandbox) -> None:
    ext_data = {"First Name": "José", "Account": "A&B=1"}
    userdata = [
        ("ctl_callbackUrl", "https://crm.example.com/cb?x=1"),
        ("Transactionid__c", str(UserDataToken.INTERACTION_GUID)),
    ]
    receipt = await cc.callbacks.create(
        phone=16505551212,
        callback_type=CallbackType.CALL_NOW,
        channel_number=channel(sb),
        callback_delay=dt.timedelta(minutes=5),
        caller_id="Anonymous",
        dialplan_id=3,
        ext_transaction_id="order-all-params",
        ext_transaction_data=ext_data,
        ctl_userdata=userdata,
        back=BACK,
    )
    kept = sb.callbacks.callbacks[-1].params
    assert kept == {
        "tenant": sb.tenant_name,
        "phone": "16505551212",
        "callback_type": "1",
        "channel_number": channel(sb),
        "callback_delay": "300",
        "caller_id": "Anonymous",
        "dialplan_id": "3",
        "back": BACK,
        "extTransactionId": "order-all-params",
        "extTransactionData": "[First Name|José][Account|A&B=1]",
        "ctl_userdata": "[ctl_callbackUrl|https://crm.example.com/cb?x=1]"
        "[Transactionid__c|$interaction_guid$]",
    }
    assert decode_pairs(kept["extTransactionData"]) == list(ext_data.items())
    assert receipt.location == BACK
    assert receipt.ext_transaction_id == "order-all-params"
    assert receipt.callback_type is CallbackType.CALL_NOW


async def test_create_when_agent_available_with_queue_options(
    cc: ContactCenter, sb: Sandbox
) -> None:
    receipt = await cc.callbacks.create(
        phone="16505551213",
        callback_type=2,
        queue_id=int(outbound_queue(sb)),
        expiration=3600,
        preview_timeout=15,
        caller_id=-1,
    )
    kept = sb.callbacks.callbacks[-1].params
    assert {k: kept[k] for k in ("callback_type", "queue_id", "expiration", "previewTimeout")} == {
        "callback_type": "2",
        "queue_id": outbound_queue(sb),
        "expiration": "3600",
        "previewTimeout": "15",
    }
    assert kept["caller_id"] == "-1"
    assert receipt.location is None
    assert receipt.callback_type is CallbackType.WHEN_AGENT_AVAILABLE


def _switch(name: str) -> Any:
    def apply(sb: Sandbox) -> dict[str, Any]:
        setattr(sb.callbacks, name, name == "internal_error")
        return {}

    return apply


def _disabled_queue(sb: Sandbox) -> dict[str, Any]:
    queue = outbound_queue(sb)
    sb.callbacks.set_queue_enabled(queue, False)
    return {"callback_type": 2, "queue_id": queue, "channel_number": None}


def _inbound_queue(sb: Sandbox) -> dict[str, Any]:
    other = next(q["queue-id"] for q in sb.tenant.queues if q["media-type"] != "T")
    return {"callback_type": 2, "queue_id": other, "channel_number": None}


SERVER_CODES = {
    "1": _switch("tenant_enabled"),
    "2": _switch("web_callback_enabled"),
    "15": _switch("service_available"),
    "19": _switch("internal_error"),
    "7": lambda sb: {"callback_type": 2, "queue_id": "999", "channel_number": None},
    "8": _disabled_queue,
    "9": _inbound_queue,
    "13": lambda sb: {"channel_number": "19999999999"},
}


@pytest.mark.parametrize("back", [BACK, None], ids=["redirect", "body"])
@pytest.mark.parametrize("code", by_number(SERVER_CODES))
async def test_server_ctl_error_becomes_web_callback_error(
    cc: ContactCenter, sb: Sandbox, code: str, back: str | None
) -> None:
    arguments = call_now(sb, back=back) | SERVER_CODES[code](sb)
    before = len(sb.callbacks.callbacks)
    with pytest.raises(WebCallbackError) as caught:
        await cc.callbacks.create(**arguments)
    assert caught.value.code == code
    assert caught.value.meaning == WebCallbackErrorCode(code).meaning
    assert not isinstance(caught.value, InvalidArgumentError)
    assert len(sb.callbacks.callbacks) == before


async def test_wrong_action_token_is_ctl_error_3(sb: Sandbox) -> None:
    async with sb.client(action_token="0" * 32) as cc:
        with pytest.raises(WebCallbackError) as caught:
            await cc.callbacks.create(**call_now(sb))
    assert (caught.value.code, caught.value.meaning) == ("3", "Invalid authentication token.")


async def test_missing_action_token_fails_before_io(sb: Sandbox) -> None:
    before = sb.callbacks.requests
    async with sb.client(action_token=None) as cc:
        with pytest.raises(ConfigurationError, match="action_token"):
            await cc.callbacks.create(**call_now(sb))
    assert sb.callbacks.requests == before


LONG = "x" * 600
CLIENT_CODES: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    # code: (create() arguments over a valid type 1 request, the raw parameters sent instead)
    "10": ({"callback_type": None}, {"callback_type": ""}),
    "11": ({"callback_delay": "soon"}, {"callback_delay": "soon"}),
    "12": ({"channel_number": None}, {"channel_number": ""}),
    "14": ({"callback_type": 3}, {"callback_type": "3"}),
    "16": ({"ext_transaction_data": {"Note": LONG}}, {"extTransactionData": f"[Note|{LONG}]"}),
    "17": ({"phone": ""}, {"phone": ""}),
    "20": ({"ctl_userdata": {"Note": LONG * 3}}, {"ctl_userdata": f"[Note|{LONG * 3}]"}),
    "22": ({"ext_transaction_id": "t" * 65}, {"extTransactionId": "t" * 65}),
}
TYPE_TWO_CODES: dict[str, tuple[dict[str, Any], dict[str, str]]] = {
    "7": ({"queue_id": None}, {"queue_id": ""}),
    "21": ({"preview_timeout": 14}, {"previewTimeout": "14"}),
}


async def _server_answer(cc: ContactCenter, params: dict[str, str]) -> str:
    response = await cc.raw_request("POST", "/SC/webcallback.php", api="callbacks", data=params)
    return response.text


@pytest.mark.parametrize("code", by_number([*CLIENT_CODES, *TYPE_TWO_CODES]))
async def test_documented_rules_are_refused_before_io_with_the_server_code(
    cc: ContactCenter, sb: Sandbox, code: str
) -> None:
    if code in CLIENT_CODES:
        arguments, raw = CLIENT_CODES[code]
        base = call_now(sb)
        raw_base = {"phone": "16505551212", "callback_type": "1", "channel_number": channel(sb)}
    else:
        arguments, raw = TYPE_TWO_CODES[code]
        base = {"phone": "16505551212", "callback_type": 2, "queue_id": outbound_queue(sb)}
        raw_base = {"phone": "16505551212", "callback_type": "2", "queue_id": outbound_queue(sb)}
    before = sb.callbacks.requests
    with pytest.raises(WebCallbackArgumentError) as caught:
        await cc.callbacks.create(**(base | arguments))
    assert sb.callbacks.requests == before  # nothing was sent
    assert isinstance(caught.value, InvalidArgumentError)
    assert caught.value.code == code
    # The sandbox answers exactly that code when the same input does reach it.
    assert await _server_answer(cc, raw_base | raw) == f"ctl_error={code}"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"callback_type": 2, "queue_id": "101", "callback_delay": 5}, "callback_delay"),
        ({"preview_timeout": 60}, "preview_timeout"),
        ({"expiration": 60}, "expiration"),
        ({"phone": "+1 650 555 1212"}, "digits only"),
        ({"caller_id": "blocked"}, "caller_id"),
        ({"ctl_userdata": {"ctl_action": "create"}}, "ctl_action"),
        ({"ext_transaction_data": {"Plan": "a|b"}}, r"\|"),
        ({"ext_transaction_data": [("", "nameless")]}, "non-empty name"),
        ({"callback_delay": 0}, "greater than 0"),
    ],
)
async def test_other_bad_arguments_raise_invalid_argument_error(
    cc: ContactCenter, sb: Sandbox, arguments: dict[str, Any], message: str
) -> None:
    request = call_now(sb) | arguments
    if request["callback_type"] == 2:
        request.pop("channel_number")
    with pytest.raises(InvalidArgumentError, match=message):
        await cc.callbacks.create(**request)


def unique(prefix: str) -> str:
    """An external transaction id no other test (or event loop run) uses."""
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


async def _create_many(cc: ContactCenter, sb: Sandbox, ext_id: str, count: int) -> list[str]:
    for number in range(count):
        await cc.callbacks.create(
            phone=f"1650555{number:04d}",
            callback_type=2,
            queue_id=outbound_queue(sb),
            ext_transaction_id=ext_id,
        )
    return [c.interaction_guid for c in sb.callbacks.callbacks if c.ext_transaction_id == ext_id]


async def test_delete_all_is_200_with_each_interaction(cc: ContactCenter, sb: Sandbox) -> None:
    ext_id = unique("transac_0")
    guids = await _create_many(cc, sb, ext_id, 2)
    truth = {c.interaction_guid: c for c in sb.callbacks.callbacks}
    deletion = await cc.callbacks.delete(ext_id)
    assert deletion.outcome is WebCallbackDeletionOutcome.ALL_DELETED
    assert deletion.ext_transaction_id == ext_id
    assert [i.interaction_guid for i in deletion.deleted] == guids
    for item in deletion.interactions:
        assert item.phone == truth[item.interaction_guid].params["phone"]
        assert item.transaction_id == truth[item.interaction_guid].transaction_id
        assert item.reason is None
    assert not [c for c in sb.callbacks.callbacks if c.ext_transaction_id == ext_id]


async def test_delete_of_one_callback_reads_the_single_object_form(
    cc: ContactCenter, sb: Sandbox
) -> None:
    ext_id = unique("a/b c")  # escaped as one path segment
    (guid,) = await _create_many(cc, sb, ext_id, 1)
    deletion = await cc.callbacks.delete(ext_id)
    assert deletion.outcome is WebCallbackDeletionOutcome.ALL_DELETED
    assert [i.interaction_guid for i in deletion.interactions] == [guid]


async def test_delete_with_an_assigned_callback_is_207(cc: ContactCenter, sb: Sandbox) -> None:
    ext_id = unique("transac_1")
    first, second = await _create_many(cc, sb, ext_id, 2)
    sb.callbacks.assign(second)
    deletion = await cc.callbacks.delete(ext_id)
    assert deletion.outcome is WebCallbackDeletionOutcome.PARTIALLY_DELETED
    assert [i.interaction_guid for i in deletion.deleted] == [first]
    (kept,) = deletion.not_deleted
    assert (kept.interaction_guid, kept.reason) == (second, DeleteFailureReason.STATUS_ERROR)
    remaining = [c.interaction_guid for c in sb.callbacks.callbacks]
    assert second in remaining
    assert first not in remaining


async def test_an_unreadable_answer_to_a_delete_is_an_error_not_a_retry(
    cc: ContactCenter, sb: Sandbox
) -> None:
    ext_id = unique("transac_3")
    await _create_many(cc, sb, ext_id, 2)
    sb.faults.truncate("/api/interactions/webcallback/*", count=1)
    with pytest.raises(DecodeError) as caught:
        await cc.callbacks.delete(ext_id)  # a retry would see 404: "none found"
    assert "answered 200, so the callbacks were deleted" in str(caught.value)
    assert not [c for c in sb.callbacks.callbacks if c.ext_transaction_id == ext_id]


async def test_delete_of_an_unknown_transaction_is_not_found(cc: ContactCenter) -> None:
    deletion = await cc.callbacks.delete("never-created")
    assert deletion.outcome is WebCallbackDeletionOutcome.NOT_FOUND
    assert deletion.interactions == ()


async def test_delete_with_wrong_credentials_is_401(sb: Sandbox) -> None:
    async with sb.client(action_token="f" * 32, retry=RetryPolicy.instant()) as cc:
        with pytest.raises(AuthenticationError) as caught:
            await cc.callbacks.delete("transac_0")
    assert caught.value.status_code == 401
    assert sb.credentials.action_token not in str(caught.value)


async def test_delete_internal_error_is_500(cc: ContactCenter, sb: Sandbox) -> None:
    sb.faults.status("/api/interactions/webcallback/*", 500)
    with pytest.raises(InternalServerError) as caught:
        await cc.callbacks.delete("transac_0")
    assert caught.value.status_code == 500


async def test_create_sends_the_token_as_parameters_never_in_errors(sb: Sandbox) -> None:
    async with sb.client() as cc:
        with pytest.raises(WebCallbackError) as caught:
            await cc.callbacks.create(**call_now(sb, channel_number="19999999999", back=BACK))
    assert sb.credentials.action_token not in str(caught.value)
    assert urllib.parse.quote(sb.credentials.action_token) not in repr(caught.value)


async def test_an_undocumented_ctl_error_code_is_kept() -> None:
    """A code the document does not list (the sandbox only answers documented ones)."""
    async with ContactCenter(base_url="http://127.0.0.1:9", tenant="t", action_token="k") as cc:
        with respx.mock(assert_all_called=True) as mock:
            mock.get("http://127.0.0.1:9/SC/webcallback.php").respond(
                302, headers={"Location": f"{BACK}&ctl_error=23"}
            )
            with pytest.raises(WebCallbackError) as caught:
                await cc.callbacks.create(phone="1", callback_type=1, channel_number="2", back=BACK)
    assert caught.value.code == "23"
    assert caught.value.meaning == "undocumented ctl_error code 23"


async def test_create_is_a_get_with_every_parameter_in_the_query() -> None:
    """The document's examples: `GET /SC/webcallback.php?tenant=..&token=..&phone=..`."""
    async with ContactCenter(base_url="http://127.0.0.1:9", tenant="t", action_token="k") as cc:
        with respx.mock(assert_all_called=True) as mock:
            route = mock.get("http://127.0.0.1:9/SC/webcallback.php").respond(200)
            await cc.callbacks.create(
                phone="16505551212", callback_type=1, channel_number="18006661212"
            )
    request = route.calls.last.request
    assert request.method == "GET"
    assert request.content == b""
    assert dict(request.url.params) == {
        "tenant": "t",
        "token": "k",
        "phone": "16505551212",
        "callback_type": "1",
        "channel_number": "18006661212",
    }


async def test_a_500_on_delete_is_raised_not_retried_into_not_found() -> None:
    """A 500 may follow a partial delete; a retry's 404 would report "none found"."""
    async with ContactCenter(
        base_url="http://127.0.0.1:9", tenant="t", action_token="k", retry=RetryPolicy.instant()
    ) as cc:
        with respx.mock(assert_all_called=False) as mock:
            route = mock.delete(url__regex=r".*/webcallback/externaltransaction/.*").mock(
                side_effect=[httpx.Response(500), httpx.Response(404)]
            )
            with pytest.raises(InternalServerError) as caught:
                await cc.callbacks.delete("transac_0")
    assert caught.value.status_code == 500
    assert route.call_count == 1
