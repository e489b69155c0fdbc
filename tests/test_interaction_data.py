"""`cc.interaction_data` through the public API against the sandbox: set variables by SIP
call id and by guid (checked against what the sandbox keeps), read the context back as a
typed model, the documented name rules, and every documented status (400/401/404/500)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import respx

from eightbyeight_async import (
    AuthenticationError,
    BadRequestError,
    ContactCenter,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    RetryPolicy,
)
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.sandbox.services._interaction_data import MASK
from eightbyeight_async.sandbox.tenant._live import LiveInteraction
from eightbyeight_async.types.interaction_data import InteractionVariable, VariableDataType

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 21, "agents": 4, "days": 1, "interactions_per_day": 80}


def a_call(sb: Sandbox, index: int = 0) -> LiveInteraction:
    """A queued phone call the tenant has (it has a SIP call id, a queue and a channel)."""
    calls = [i for i in sb.interaction_data.interactions if i.call_id and i.record["queue-id"]]
    return calls[index]


DOCUMENT_EXAMPLE = [
    InteractionVariable("_queueId", "201", ivr=True),
    InteractionVariable("_SSN", "111-22-3333", ivr=True, privacy=True),
    InteractionVariable("_amount", "110.55", display=True, display_name="Amount Due"),
    InteractionVariable(
        "_dueDate",
        "04 July 2019",
        ivr=True,
        display=True,
        display_name="Due Date",
        data_type="date",
    ),
]


async def test_set_by_call_id_sends_the_documented_variables(
    cc: ContactCenter, sb: Sandbox
) -> None:
    call = a_call(sb, 0)
    await cc.interaction_data.set_variables(DOCUMENT_EXAMPLE, call_id=call.call_id)
    kept = sb.interaction_data.variables(call.guid)
    assert kept["_dueDate"] == {
        "name": "_dueDate",
        "value": "04 July 2019",
        "ivr": "true",
        "display": "true",
        "privacy": "false",
        "displayName": "Due Date",
        "dataType": "date",
    }
    assert [v.to_wire() for v in DOCUMENT_EXAMPLE] == list(kept.values())


async def test_set_by_guid_then_read_the_context(cc: ContactCenter, sb: Sandbox) -> None:
    call = a_call(sb, 1)
    await cc.interaction_data.set_variables(DOCUMENT_EXAMPLE[:2], guid=call.guid)
    context = await cc.interaction_data.context(guid=call.guid)
    record = call.record  # the tenant's own interaction record
    channel = next(c for c in sb.tenant.channels if c["channel-id"] == record["channel-id"])
    assert context.interaction_id == call.guid
    assert context.create_time == dt.datetime.fromisoformat(record["create-timestamp"])
    assert context.channel == channel["channel-name"]
    assert context.ani == record["origination"]
    assert context.caller_name == record["customer-name"]
    assert context.queue_id == int(record["queue-id"])
    assert context.queue_time == context.create_time
    assert context.agent_id == (record["agent-id"] or None)
    assert [(u.name, u.value) for u in context.user_input] == [("_queueId", "201"), ("_SSN", MASK)]


async def test_context_by_call_id_is_the_same_interaction(cc: ContactCenter, sb: Sandbox) -> None:
    call = a_call(sb, 2)
    by_call = await cc.interaction_data.context(call_id=call.call_id)
    by_guid = await cc.interaction_data.context(guid=call.guid)
    assert by_call == by_guid
    assert by_call.user_input == ()


async def test_setting_again_replaces_a_variable(cc: ContactCenter, sb: Sandbox) -> None:
    call = a_call(sb, 3)
    await cc.interaction_data.set_variables([InteractionVariable("_tier", "1")], guid=call.guid)
    await cc.interaction_data.set_variables([InteractionVariable("_tier", "2")], guid=call.guid)
    assert sb.interaction_data.variables(call.guid)["_tier"]["value"] == "2"


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"name": "queueId"}, "starts with '_'"),
        ({"name": "_due date"}, "no space"),
        ({"name": "_" + "a" * 24}, "under 25"),
        ({"name": "_"}, "starts with '_'"),
        ({"name": "_a-b"}, "letters and digits"),
        ({"display_name": "x" * 30}, "under 30"),
        ({"data_type": "money"}, "data_type must be one of"),
        ({"value": 110.55}, "text"),
    ],
)
def test_variable_rules_are_checked_on_construction(
    arguments: dict[str, object], message: str
) -> None:
    fields: dict[str, object] = {"name": "_amount", "value": "1"} | arguments
    with pytest.raises(InvalidArgumentError, match=message):
        InteractionVariable(**fields)  # type: ignore[arg-type]


def test_variable_rules_accept_the_limits() -> None:
    longest = InteractionVariable(
        "_" + "a" * 23, "", display_name="x" * 29, data_type="phone number"
    )
    assert longest.data_type is VariableDataType.PHONE_NUMBER


@pytest.mark.parametrize(
    "identifiers",
    [{}, {"call_id": "a", "guid": "b"}, {"guid": ""}],
)
async def test_exactly_one_identifier(cc: ContactCenter, identifiers: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError, match=r"call_id|guid"):
        await cc.interaction_data.context(**identifiers)
    with pytest.raises(InvalidArgumentError, match=r"call_id|guid"):
        await cc.interaction_data.set_variables(DOCUMENT_EXAMPLE, **identifiers)


async def test_no_variables_is_refused(cc: ContactCenter, sb: Sandbox) -> None:
    with pytest.raises(InvalidArgumentError, match="one or more"):
        await cc.interaction_data.set_variables([], guid=a_call(sb).guid)
    for not_a_list in (5, None, "name=value"):
        with pytest.raises(InvalidArgumentError, match="one or more"):
            await cc.interaction_data.set_variables(not_a_list, guid=a_call(sb).guid)  # type: ignore[arg-type]


async def test_unknown_interaction_is_404(cc: ContactCenter) -> None:
    with pytest.raises(NotFoundError, match="no interaction with guid='int-gone'"):
        await cc.interaction_data.context(guid="int-gone")
    with pytest.raises(NotFoundError, match="call_id='nope'"):
        await cc.interaction_data.set_variables(DOCUMENT_EXAMPLE, call_id="nope")


async def test_wrong_credentials_are_401(sb: Sandbox) -> None:
    async with sb.client(action_token="0" * 32) as cc:
        with pytest.raises(AuthenticationError) as caught:
            await cc.interaction_data.context(guid=a_call(sb).guid)
    assert caught.value.status_code == 401


async def test_server_400_is_a_bad_request_error(cc: ContactCenter, sb: Sandbox) -> None:
    sb.faults.status("/api/v1/interaction/data/*", 400)
    with pytest.raises(BadRequestError, match="action not supported"):
        await cc.interaction_data.set_variables(DOCUMENT_EXAMPLE, guid=a_call(sb).guid)


@pytest.mark.parametrize(
    ("method", "path", "params", "body"),
    [
        ("PUT", "/api/v1/interaction/data/", "guid", None),
        ("POST", "/api/v1/interaction/data/", None, {"variables": []}),
        (
            "POST",
            "/api/v1/interaction/data/",
            "guid",
            {"variables": [{"name": "bad", "value": ""}]},
        ),
        ("POST", "/api/v1/interaction/data/", "guid", {"vars": []}),
    ],
)
async def test_the_sandbox_answers_400_for_what_the_client_refuses(
    cc: ContactCenter, sb: Sandbox, method: str, path: str, params: str | None, body: object
) -> None:
    query = {"guid": a_call(sb).guid} if params else None
    with pytest.raises(BadRequestError):
        await cc.raw_request(method, path, api="interaction_data", params=query, json=body)


async def test_server_error_is_500_after_retries(cc: ContactCenter, sb: Sandbox) -> None:
    rule = sb.faults.status("/api/v1/interaction/data/*", 500)
    with pytest.raises(InternalServerError):
        await cc.interaction_data.set_variables(DOCUMENT_EXAMPLE, guid=a_call(sb).guid)
    assert rule.seen == cc.retry.max_retries + 1  # setting variables is safe to retry


LOOPBACK = "http://127.0.0.1:9"
PASCAL_CONTEXT = {
    "InteractionId": "int-5f2a",
    "Channel": "18005551234",
    "CreateTime": "2025-03-04T10:15:00+00:00",
    "ANI": "6505550100",
    "CallerName": "Ada Lovelace",
    "QueueId": "201",
    "QueueTime": "2025-03-04T10:15:30+00:00",
    "Priority": "3",
    "AgentId": "agent7",
    "UserInput": [{"name": "_queueId", "value": "201"}, {"Name": "_SSN", "Value": "****"}],
}
CAMEL_CONTEXT = {
    "interactionId": "int-5f2a",
    "channel": "18005551234",
    "createTime": "2025-03-04T10:15:00+00:00",
    "ani": "6505550100",
    "callerName": "Ada Lovelace",
    "queueId": 201,
    "queueTime": "2025-03-04T10:15:30+00:00",
    "priority": 3,
    "agentId": "agent7",
    "userInput": [{"name": "_queueId", "value": "201"}, {"name": "_SSN", "value": "****"}],
}


@pytest.mark.parametrize("body", [PASCAL_CONTEXT, CAMEL_CONTEXT], ids=["seed", "camel"])
async def test_context_reads_the_seed_and_the_camel_case_spelling(body: dict[str, object]) -> None:
    """The 2025 document spells the context in camelCase (`interactionId`, ...); the seed's
    table in PascalCase. Both decode to the same values, on the seed's path."""
    async with ContactCenter(
        tenant="acme", base_url=LOOPBACK, action_token="t", retry=RetryPolicy.instant()
    ) as cc:
        with respx.mock() as mock:
            route = mock.get(f"{LOOPBACK}/api/v1/interaction/data/guid/int-5f2a").respond(json=body)
            context = await cc.interaction_data.context(guid="int-5f2a")
    assert route.call_count == 1
    assert context.interaction_id == "int-5f2a"
    assert context.channel == "18005551234"
    assert context.create_time == dt.datetime(2025, 3, 4, 10, 15, tzinfo=dt.timezone.utc)
    assert context.ani == "6505550100"
    assert context.caller_name == "Ada Lovelace"
    assert context.queue_id == 201
    assert context.queue_time == dt.datetime(2025, 3, 4, 10, 15, 30, tzinfo=dt.timezone.utc)
    assert context.priority == 3
    assert context.agent_id == "agent7"
    assert [(u.name, u.value) for u in context.user_input] == [
        ("_queueId", "201"),
        ("_SSN", "****"),
    ]
    assert context.extra == {}


async def test_context_prefers_the_seed_spelling_when_both_arrive() -> None:
    body = {"InteractionId": "seed", "interactionId": "camel", "CreateTime": "2025-03-04T10:15:00Z"}
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, action_token="t") as cc:
        with respx.mock() as mock:
            mock.get(f"{LOOPBACK}/api/v1/interaction/data/").respond(json=body)
            context = await cc.interaction_data.context(call_id="sip-1")
    assert context.interaction_id == "seed"
