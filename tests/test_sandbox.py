"""The sandbox server: documented formats, paging, auth and fault injection, over real HTTP."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import Any

import anyio
import httpx
import pytest

from eightbyeight_async import AuthenticationError, DecodeError, RetryPolicy
from eightbyeight_async._formats import decode_body, decode_json, unwrap_collection
from eightbyeight_async.sandbox import FaultPlan, Sandbox, SandboxError, TenantSpec, generate_tenant
from eightbyeight_async.sandbox.services._faults import MALFORMED_BODY

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 7, "agents": 120}


@pytest.fixture
def http(sb: Sandbox) -> Iterator[httpx.Client]:
    auth = (sb.tenant_name, sb.credentials.data_token)
    with httpx.Client(base_url=sb.base_url, auth=auth) as client:
        yield client


def records(http: httpx.Client, path: str, fmt: str, *, n: int = 1) -> list[dict[str, object]]:
    response = http.get(f"/api/stats/{path}.{fmt}", params={"n": n})
    response.raise_for_status()
    document = decode_body(response.content, fmt)  # type: ignore[arg-type]
    if fmt == "csv":
        return list(document)
    plural = path.rsplit("/", 1)[-1] if not path.startswith("agents/") else "agents"
    return unwrap_collection(document, plural, plural[:-1])


def test_generator_is_deterministic_per_seed() -> None:
    assert generate_tenant(TenantSpec(seed=3)).agents == generate_tenant(TenantSpec(seed=3)).agents
    assert generate_tenant(TenantSpec(seed=3)).agents != generate_tenant(TenantSpec(seed=4)).agents


@pytest.mark.parametrize("fmt", ["json", "xml", "csv"])
def test_every_format_lists_the_ground_truth(sb: Sandbox, http: httpx.Client, fmt: str) -> None:
    expected = [{k: v or None for k, v in g.items()} for g in sb.tenant.groups]
    got = [{k: v or None for k, v in g.items()} for g in records(http, "groups", fmt)]
    assert got == expected


def test_pages_hold_fifty_records_from_the_one_based_offset(
    sb: Sandbox, http: httpx.Client
) -> None:
    pages = [records(http, "agents", "json", n=n) for n in (1, 51, 101, 121)]
    assert [len(page) for page in pages] == [50, 50, 20, 0]
    assert [a["agent-id"] for page in pages for a in page] == [
        a["agent-id"] for a in sb.tenant.agents
    ]


@pytest.mark.parametrize("n", ["0", "-1", "abc", "1.5"])
def test_bad_offset_is_400(http: httpx.Client, n: str) -> None:
    assert http.get("/api/stats/agents.json", params={"n": n}).status_code == 400


def test_one_record_arrives_as_an_object_in_json(sb: Sandbox, http: httpx.Client) -> None:
    agent = sb.tenant.agents[0]
    document = http.get(f"/api/stats/agents/{agent['agent-id']}.json").json()
    assert document == {"agents": {"agent": agent}}


def test_unknown_ids_and_paths_are_404(http: httpx.Client) -> None:
    assert http.get("/api/stats/agents/nobody.json").status_code == 404
    assert http.get("/api/stats/groups/99999/agents.json").status_code == 404
    assert http.get("/api/stats/no-such-thing.json").status_code == 404


def test_missing_credentials_are_401_and_wrong_ones_403(sb: Sandbox) -> None:
    url = f"{sb.base_url}/api/stats/groups.json"
    unauthenticated = httpx.get(url)
    assert unauthenticated.status_code == 401
    assert unauthenticated.headers["www-authenticate"].startswith("Basic")
    action = httpx.get(url, auth=(sb.tenant_name, sb.credentials.action_token))
    assert action.status_code == 403
    assert httpx.get(url, auth=("other", sb.credentials.data_token)).status_code == 403


def test_oauth_token_endpoint_issues_string_expiry(sb: Sandbox) -> None:
    credentials = sb.credentials
    auth = (credentials.analytics_client_id, credentials.analytics_secret)
    form = {"grant_type": "client_credentials"}
    issued = sb.tokens.issued
    response = httpx.post(f"{sb.api_base_url}/oauth/v2/token", auth=auth, data=form)
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert isinstance(body["expires_in"], str)
    assert sb.tokens.valid(body["access_token"])
    assert sb.tokens.issued == issued + 1
    sb.tokens.revoke_all()
    assert not sb.tokens.valid(body["access_token"])
    bad = httpx.post(f"{sb.api_base_url}/oauth/v2/token", auth=("x", "y"), data=form)
    assert bad.status_code == 401


async def test_client_reports_rejected_oauth_client(sb: Sandbox) -> None:
    async with sb.client(analytics_secret="wrong", retry=RetryPolicy.disabled()) as cc:
        with pytest.raises(AuthenticationError) as caught:
            await cc.raw_request("GET", "/analytics/cc/v8/historical-metrics/", api="analytics")
    assert caught.value.status_code == 401
    assert "wrong" not in str(caught.value)


def test_count_faults_fire_exactly_n_times(sb: Sandbox, http: httpx.Client) -> None:
    before = sb.faults.injected.get("status", 0)
    sb.faults.status("/api/stats/groups*", 502, count=2)
    statuses = [http.get("/api/stats/groups.json").status_code for _ in range(4)]
    assert statuses == [502, 502, 200, 200]
    assert sb.faults.injected["status"] == before + 2


def test_status_fault_carries_retry_after_when_asked(http: httpx.Client, sb: Sandbox) -> None:
    sb.faults.status("/api/stats/groups*", 503, retry_after=7, count=1)
    sb.faults.status("/api/stats/groups*", 503, count=1)
    assert http.get("/api/stats/groups.json").headers["retry-after"] == "7"
    assert "retry-after" not in http.get("/api/stats/groups.json").headers


def test_method_and_pattern_restrict_a_rule(http: httpx.Client, sb: Sandbox) -> None:
    sb.faults.status("/api/stats/queues*", 500, method="POST")
    sb.faults.status("/api/stats/channels*", 504)
    assert http.get("/api/stats/queues.json").status_code == 200
    assert http.get("/api/stats/channels.json").status_code == 504


def test_rate_faults_are_deterministic_under_the_seed() -> None:
    def decisions(seed: int) -> list[bool]:
        plan = FaultPlan(seed)
        plan.status("/x", 503, rate=0.3)
        return [plan.take("GET", "/x") is not None for _ in range(200)]

    first = decisions(5)
    assert first == decisions(5)
    assert first != decisions(6)
    assert 30 < sum(first) < 90


def test_every_nth_fault_fires_on_each_nth_match() -> None:
    plan = FaultPlan()
    plan.status("/x", 503, every=5)
    fired = [plan.take("GET", "/x") is not None for _ in range(15)]
    assert [n + 1 for n, hit in enumerate(fired) if hit] == [5, 10, 15]


def test_truncated_body_is_short_and_fails_to_decode(http: httpx.Client, sb: Sandbox) -> None:
    whole = http.get("/api/stats/agents.json").content
    sb.faults.truncate("/api/stats/agents*", count=1)
    short = http.get("/api/stats/agents.json").content
    assert short == whole[: len(whole) // 2]
    with pytest.raises(DecodeError):
        decode_json(short)


def test_malformed_body_replaces_the_payload(http: httpx.Client, sb: Sandbox) -> None:
    sb.faults.malformed("/api/stats/groups*", count=1)
    response = http.get("/api/stats/groups.json")
    assert response.status_code == 200
    assert response.content == MALFORMED_BODY


def test_reset_drops_the_connection_mid_body(http: httpx.Client, sb: Sandbox) -> None:
    sb.faults.reset("/api/stats/groups*", count=1)
    with pytest.raises(httpx.RemoteProtocolError):
        http.get("/api/stats/groups.json")
    assert http.get("/api/stats/groups.json").status_code == 200


def test_latency_fault_still_serves_the_data(http: httpx.Client, sb: Sandbox) -> None:
    before = sb.faults.injected.get("latency", 0)
    sb.faults.latency("/api/stats/groups*", 0.05, count=1)
    assert http.get("/api/stats/groups.json").json()["groups"]["group"][0]["group-id"]
    assert sb.faults.injected["latency"] == before + 1


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ({"count": 1, "rate": 0.5}, "not several"),
        ({"every": 0}, "at least 1"),
        ({"count": 0}, "at least 1"),
        ({"rate": 2}, "0 and 1"),
    ],
)
def test_bad_fault_rules_are_refused(how: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        FaultPlan().status("/x", **how)  # type: ignore[arg-type]


async def test_connections_close_with_the_client(sb: Sandbox) -> None:
    async with sb.client() as cc:
        await cc.raw_request("GET", "/api/stats/groups.json")
        assert sb.open_connections >= 1
    for _ in range(200):  # bounded: up to ~2 s for the server to notice the close
        if sb.open_connections == 0:
            break
        await anyio.sleep(0.01)
    assert sb.open_connections == 0


def test_repr_hides_credentials(sb: Sandbox) -> None:
    shown = repr(sb) + repr(sb.credentials) + repr(sb.tenant)
    assert sb.tenant_name in shown
    for secret in (sb.credentials.data_token, sb.credentials.analytics_secret):
        assert secret not in shown


def test_port_of_a_stopped_sandbox_is_an_error() -> None:
    with pytest.raises(SandboxError, match="not running"):
        _ = Sandbox().base_url


def test_runs_standalone_and_prints_its_credentials() -> None:
    command = [sys.executable, "-m", "eightbyeight_async.sandbox", "--seed", "2"]
    with subprocess.Popen(command, stdout=subprocess.PIPE, text=True) as process:
        try:
            assert process.stdout is not None
            lines = [process.stdout.readline().strip() for _ in range(5)]
            settings = dict(line.split("=", 1) for line in lines[1:])
            response = httpx.get(
                f"{settings['EIGHTBYEIGHT_BASE_URL']}/api/stats/groups.json",
                auth=(settings["EIGHTBYEIGHT_TENANT"], settings["EIGHTBYEIGHT_DATA_TOKEN"]),
                timeout=10,
            )
            assert response.status_code == 200
            assert response.json()["groups"]["group"] == list(
                generate_tenant(TenantSpec(seed=2)).groups
            )
        finally:
            process.terminate()
            process.wait(timeout=10)
