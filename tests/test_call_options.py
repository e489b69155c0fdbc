"""Per-call `timeout=` and `retry=` reach the request on typed methods of several families
(respx-mocked), and bad values are refused before any request."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
import respx

from eightbyeight_async import (
    ContactCenter,
    InvalidArgumentError,
    NotFoundError,
    RetryPolicy,
    ServerBusyError,
)

pytestmark = pytest.mark.anyio

HOST = "https://vcc-na4.8x8.com"
AGENT = f"{HOST}/api/stats/agents/fred.json"
GROUPS = f"{HOST}/api/stats/groups.json"
ONE_AGENT = {"agents": {"agent": {"agent-id": "fred", "agent-name": "Fred"}}}


@pytest.fixture
async def cc() -> AsyncIterator[ContactCenter]:
    async with ContactCenter(
        tenant="acme",
        platform="na4",
        data_token="data-tok",
        action_token="action-tok",
        retry=RetryPolicy.instant(max_retries=3),
        timeout=httpx.Timeout(30.0),
    ) as client:
        yield client


async def test_a_per_call_retry_replaces_the_clients(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    route = mock.get(AGENT).mock(return_value=httpx.Response(503))
    with pytest.raises(ServerBusyError):
        await cc.stats.agent("fred", retry=RetryPolicy.disabled())
    assert route.call_count == 1
    with pytest.raises(ServerBusyError):
        await cc.stats.agent("fred")  # the client's policy: three retries
    assert route.call_count == 1 + 4


async def test_a_per_call_timeout_reaches_every_page_of_a_listing(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    page = {"groups": {"group": [{"group-id": i} for i in range(50)]}}
    last = {"groups": {"group": [{"group-id": 50}]}}
    route = mock.get(GROUPS).mock(
        side_effect=lambda request: httpx.Response(
            200, json=page if request.url.params["n"] == "1" else last
        )
    )
    groups = [g async for g in cc.stats.groups(timeout=2.5, prefetch=1)]
    assert len(groups) == 51
    assert [call.request.extensions["timeout"]["read"] for call in route.calls] == [2.5, 2.5]
    mock.get(AGENT).mock(return_value=httpx.Response(200, json=ONE_AGENT))
    await cc.stats.agent("fred", timeout=httpx.Timeout(1.0, connect=0.5))
    sent = mock.routes[-1].calls.last.request.extensions["timeout"]
    assert (sent["connect"], sent["read"]) == (0.5, 1.0)


async def test_without_a_per_call_timeout_the_clients_applies(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    route = mock.get(AGENT).mock(return_value=httpx.Response(200, json=ONE_AGENT))
    await cc.stats.agent("fred")
    assert route.calls.last.request.extensions["timeout"]["read"] == 30.0


async def test_other_families_take_them_too(mock: respx.MockRouter, cc: ContactCenter) -> None:
    route = mock.delete(f"{HOST}/api/interactions/webcallback/externaltransaction/tx-1.json").mock(
        return_value=httpx.Response(404)
    )
    deletion = await cc.callbacks.delete("tx-1", timeout=4.0, retry=RetryPolicy.disabled())
    assert deletion.outcome.name == "NOT_FOUND"
    assert route.calls.last.request.extensions["timeout"]["read"] == 4.0
    raw = mock.get(f"{HOST}/api/stats/x").mock(return_value=httpx.Response(404))
    with pytest.raises(NotFoundError):
        await cc.raw_request("GET", "/api/stats/x", timeout=3.0)
    assert raw.calls.last.request.extensions["timeout"]["read"] == 3.0


@pytest.mark.parametrize("timeout", [0, -1, True, "5", float("nan")])
async def test_a_bad_timeout_is_refused_before_any_request(
    mock: respx.MockRouter, cc: ContactCenter, timeout: object
) -> None:
    with pytest.raises(InvalidArgumentError, match="timeout must be a positive number"):
        await cc.stats.agent("fred", timeout=timeout)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="timeout must be a positive number"):
        cc.stats.groups(timeout=timeout)  # type: ignore[arg-type]  # refused when built
    assert not mock.calls


async def test_a_bad_retry_is_refused_before_any_request(
    mock: respx.MockRouter, cc: ContactCenter
) -> None:
    with pytest.raises(InvalidArgumentError, match="retry must be a RetryPolicy"):
        await cc.stats.agent("fred", retry=3)  # type: ignore[arg-type]
    assert not mock.calls
