"""End to end: the client against a real sandbox server that injects 503s and resets."""

from __future__ import annotations

import logging

import pytest

from eightbyeight_async import RetryPolicy, ServerBusyError
from eightbyeight_async._formats import decode_json, unwrap_collection
from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.anyio


async def test_client_survives_503s_and_resets_and_logs_each_retry(
    caplog: pytest.LogCaptureFixture,
) -> None:
    async with Sandbox(seed=11, agents=120) as sb:
        sb.faults.status("/api/stats/agents*", 503, retry_after=0, count=2)
        sb.faults.status("/api/stats/agents*", 503, count=1)  # no Retry-After: backoff
        sb.faults.reset("/api/stats/agents*", count=2)
        agents = []
        with caplog.at_level(logging.INFO, logger="eightbyeight_async"):
            async with sb.client(retry=RetryPolicy.instant(max_retries=5)) as cc:
                for offset in (1, 51, 101):
                    response = await cc.raw_request(
                        "GET", "/api/stats/agents.json", params={"n": offset}
                    )
                    agents += unwrap_collection(decode_json(response.content), "agents", "agent")
        assert agents == list(sb.tenant.agents)
        assert sb.faults.injected == {"status": 3, "reset": 2}
        retries = [r.getMessage() for r in caplog.records if "Retrying" in r.getMessage()]
        assert len(retries) == 5
        assert sum("after 503" in line for line in retries) == 3
        assert all("attempt" in line for line in retries)


async def test_exhausted_retries_raise_server_busy_with_the_url() -> None:
    async with Sandbox(seed=11) as sb:
        sb.faults.status("/api/stats/groups*", 503, retry_after=0)
        async with sb.client(retry=RetryPolicy.instant(max_retries=2)) as cc:
            with pytest.raises(ServerBusyError) as caught:
                await cc.raw_request("GET", "/api/stats/groups.json")
        assert sb.faults.requests["/api/stats/groups.json"] == 3
    error = caught.value
    assert error.status_code == 503
    assert "/api/stats/groups.json" in str(error)
    assert sb.credentials.data_token not in str(error)
