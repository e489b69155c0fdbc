"""Sandbox rate limiting (`sb.faults.rate_limit`): a token bucket per API family on a fake
clock, over real HTTP and through the SDK client. No test sleeps: the clock is advanced by
the test, or by an httpx response hook when a request is throttled."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest

from eightbyeight_async import ApiFamily, RateLimitError, RetryPolicy, ServerBusyError
from eightbyeight_async.sandbox import RateLimitCounts, Sandbox
from eightbyeight_async.sandbox.services._rate_limit import (
    FAMILY_PATTERNS,
    SERVER_BUSY_BODY,
    TokenBucket,
)

pytestmark = pytest.mark.anyio

GROUPS = "/api/stats/groups.json"
AGENTS = "/api/stats/agents.json"


class FakeClock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 11, "agents": 120, "days": 1, "interactions_per_day": 10}


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def http(sb: Sandbox) -> Iterator[httpx.Client]:
    auth = (sb.tenant_name, sb.credentials.data_token)
    with httpx.Client(base_url=sb.base_url, auth=auth) as client:
        yield client


def statuses(http: httpx.Client, n: int, path: str = GROUPS) -> list[int]:
    return [http.get(path).status_code for _ in range(n)]


@pytest.mark.parametrize(("rate", "retry_after"), [(2.0, "1"), (0.25, "4"), (0.3, "4")])
def test_burst_requests_pass_then_429_says_when_the_next_token_comes(
    sb: Sandbox, http: httpx.Client, clock: FakeClock, rate: float, retry_after: str
) -> None:
    sb.faults.rate_limit("stats", rate=rate, burst=3, clock=clock)
    assert statuses(http, 3) == [200, 200, 200]
    throttled = http.get(GROUPS)
    assert throttled.status_code == 429
    assert throttled.headers["retry-after"] == retry_after


def test_tokens_come_back_at_the_rate_up_to_the_burst(
    sb: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    sb.faults.rate_limit("stats", rate=2, burst=2, clock=clock)
    assert statuses(http, 3) == [200, 200, 429]
    clock.advance(0.25)  # half a token
    assert statuses(http, 1) == [429]
    clock.advance(0.25)
    assert statuses(http, 2) == [200, 429]
    clock.advance(1.5)  # three tokens' worth, but the bucket holds two
    assert statuses(http, 3) == [200, 200, 429]


def test_configured_retry_after_is_sent_as_given(
    sb: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    sb.faults.rate_limit(ApiFamily.STATS, rate=1, burst=1, retry_after=7, clock=clock)
    assert statuses(http, 1) == [200]
    assert http.get(GROUPS).headers["retry-after"] == "7"


def test_503_mode_answers_server_busy_without_retry_after(
    sb: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    sb.faults.rate_limit("stats", rate=1, burst=1, mode="503", clock=clock)
    assert statuses(http, 1) == [200]
    busy = http.get(GROUPS)
    assert (busy.status_code, busy.content) == (503, SERVER_BUSY_BODY)
    assert "retry-after" not in busy.headers
    sb.faults.rate_limit("stats", rate=1, burst=1, mode="503", retry_after=3, clock=clock)
    assert statuses(http, 1) == [200]
    assert http.get(GROUPS).headers["retry-after"] == "3"


def test_counters_count_accepted_and_throttled_per_limit(
    sb: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    sb.faults.rate_limit("stats", rate=1, burst=3, clock=clock)
    sb.faults.rate_limit("/api/rtstats/", rate=1, burst=1, clock=clock)
    assert statuses(http, 5) == [200, 200, 200, 429, 429]
    assert http.get("/api/recordings/files").status_code != 429  # not limited, not counted
    assert sb.faults.rate_limit_counts("stats") == RateLimitCounts(accepted=3, throttled=2)
    assert sb.faults.rate_limit_counts(ApiFamily.STATS).throttled == 2
    assert sb.faults.rate_limits == {
        "stats": RateLimitCounts(3, 2),
        "/api/rtstats/": RateLimitCounts(0, 0),
    }
    assert sb.faults.injected["rate_limit"] == 2
    assert sb.faults.requests[GROUPS] == 5  # throttled requests are still received
    with pytest.raises(KeyError, match="no rate limit on 'realtime'"):
        sb.faults.rate_limit_counts("realtime")


def test_a_path_glob_limits_only_its_paths(
    sb: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    sb.faults.rate_limit("/api/stats/groups*", rate=1, burst=1, method="get", clock=clock)
    assert statuses(http, 2) == [200, 429]
    assert statuses(http, 2, AGENTS) == [200, 200]


def test_a_clock_set_back_refills_nothing(clock: FakeClock) -> None:
    bucket = TokenBucket(rate=1.0, burst=1, clock=clock)
    assert bucket.take() is None
    clock.advance(-5.0)
    assert bucket.take() == 1.0
    clock.advance(1.0)
    assert bucket.take() is None


def test_every_api_family_has_paths_to_limit() -> None:
    assert set(FAMILY_PATTERNS) == {family.key for family in ApiFamily}


def test_removing_replacing_clearing_and_reset_drop_the_limit(
    sb: Sandbox, http: httpx.Client, clock: FakeClock
) -> None:
    sb.faults.rate_limit("stats", rate=1, burst=1, clock=clock)
    assert statuses(http, 2) == [200, 429]
    assert sb.faults.remove_rate_limit("stats") == RateLimitCounts(1, 1)
    assert sb.faults.remove_rate_limit("stats") is None
    assert statuses(http, 3) == [200, 200, 200]

    sb.faults.rate_limit("stats", rate=1, burst=1, clock=clock)
    assert statuses(http, 2) == [200, 429]
    sb.faults.rate_limit("stats", rate=1, burst=2, clock=clock)  # a fresh, full bucket
    assert statuses(http, 3) == [200, 200, 429]
    assert sb.faults.rate_limit_counts("stats") == RateLimitCounts(2, 1)

    sb.faults.clear()
    assert sb.faults.rate_limits == {}
    assert statuses(http, 2) == [200, 200]

    sb.faults.rate_limit("stats", rate=1, burst=1, clock=clock)
    sb.reset()
    assert sb.faults.rate_limits == {}
    assert sb.faults.injected == {}
    assert statuses(http, 2) == [200, 200]


@pytest.mark.parametrize(
    ("how", "message"),
    [
        ({"rate": 0, "burst": 1}, "rate must be"),
        ({"rate": float("inf"), "burst": 1}, "rate must be finite"),
        ({"rate": 1, "burst": 0}, "burst must be"),
        ({"rate": 1, "burst": 1.5}, "burst must be"),
        ({"rate": 1, "burst": 1, "mode": "500"}, "mode must be"),
        ({"target": "nowhere", "rate": 1, "burst": 1}, "API family"),
    ],
)
def test_bad_rate_limits_are_refused(sb: Sandbox, how: dict[str, Any], message: str) -> None:
    target = how.pop("target", "stats")
    with pytest.raises(ValueError, match=message):
        sb.faults.rate_limit(target, **how)
    assert sb.faults.rate_limits == {}


async def test_sdk_without_retries_raises_rate_limit_and_server_busy_errors(
    sb: Sandbox, clock: FakeClock
) -> None:
    sb.faults.rate_limit("stats", rate=0.5, burst=1, clock=clock)
    async with sb.client(retry=RetryPolicy.disabled()) as cc:
        await cc.raw_request("GET", GROUPS, api="stats")
        with pytest.raises(RateLimitError) as limited:
            await cc.raw_request("GET", GROUPS, api="stats")
        assert limited.value.status_code == 429
        assert limited.value.headers["retry-after"] == "2"

        sb.faults.rate_limit("stats", rate=0.5, burst=1, mode="503", clock=clock)
        await cc.raw_request("GET", GROUPS, api="stats")
        with pytest.raises(ServerBusyError) as busy:
            await cc.raw_request("GET", GROUPS, api="stats")
        assert busy.value.status_code == 503
        assert "retry-after" not in busy.value.headers
    assert sb.faults.rate_limit_counts("stats") == RateLimitCounts(1, 1)


@pytest.fixture
async def refilling_http(clock: FakeClock) -> AsyncIterator[httpx.AsyncClient]:
    """An httpx client that, on each throttled answer, moves the clock on by one second:
    with a rate of 1 per second that gives the limit exactly one token back."""

    async def refill(response: httpx.Response) -> None:
        if response.status_code in (429, 503):
            clock.advance(1.0)

    async with httpx.AsyncClient(event_hooks={"response": [refill]}) as client:
        yield client


async def test_default_retry_policy_completes_a_listing_once_tokens_return(
    sb: Sandbox, clock: FakeClock, refilling_http: httpx.AsyncClient
) -> None:
    sb.faults.rate_limit("stats", rate=1, burst=1, retry_after=0, clock=clock)
    async with sb.client(http_client=refilling_http) as cc:
        agents = [agent.agent_id async for agent in cc.stats.agents(prefetch=1)]
    assert len(agents) == len(sb.tenant.agents) == 120  # three pages of 50
    assert sb.faults.rate_limit_counts("stats") == RateLimitCounts(accepted=3, throttled=2)


async def test_retries_ride_out_server_busy_once_tokens_return(
    sb: Sandbox, clock: FakeClock, refilling_http: httpx.AsyncClient
) -> None:
    sb.faults.rate_limit("stats", rate=1, burst=1, mode="503", clock=clock)
    async with sb.client(http_client=refilling_http, retry=RetryPolicy.instant()) as cc:
        agents = [agent.agent_id async for agent in cc.stats.agents(prefetch=1)]
    assert len(agents) == 120
    assert sb.faults.rate_limit_counts("stats") == RateLimitCounts(accepted=3, throttled=2)
