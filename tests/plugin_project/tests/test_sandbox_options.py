"""Plain (sync) tests of the sandbox fixture: the ini defaults, the marker over them, the
clocks and the faults."""

from __future__ import annotations

import httpx
import pytest

from eightbyeight_async.sandbox import Sandbox


def test_the_ini_options_size_the_tenant(eightbyeight_sandbox: Sandbox) -> None:
    assert len(eightbyeight_sandbox.tenant.agents) == 6  # eightbyeight_agents in pytest.ini


@pytest.mark.eightbyeight(agents=8, seed=5)
def test_the_marker_wins_over_the_ini(eightbyeight_sandbox: Sandbox) -> None:
    assert len(eightbyeight_sandbox.tenant.agents) == 8
    same = Sandbox(seed=5, agents=8, days=2)  # days from the ini; never started
    assert eightbyeight_sandbox.tenant.interactions == same.tenant.interactions


def test_a_fault_and_the_clocks(eightbyeight_sandbox: Sandbox) -> None:
    sb = eightbyeight_sandbox
    sb.faults.status("/api/stats/agents*", 503, count=1)
    credentials = (sb.tenant_name, sb.credentials.data_token)
    with httpx.Client(base_url=sb.base_url, auth=credentials) as http:
        assert http.get("/api/stats/agents").status_code == 503
        assert http.get("/api/stats/agents").status_code == 200
    streaming, events = sb.streaming.now(), sb.events.now()
    sb.advance(3600)
    assert sb.streaming.now() >= streaming + 3600
    assert sb.events.now() >= events + 3600
