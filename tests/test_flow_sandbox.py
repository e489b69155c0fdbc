"""Adaptive flow control through the public client against the sandbox's token bucket: the
family is paced after a throttle and pauses for a Retry-After, every record arrives exactly
once, `cc.limits_state()` shows it, and `Limits(adaptive=False)` keeps the fixed limit."""

from __future__ import annotations

import pytest

from eightbyeight_async import ApiFamily, FlowState, Limits, RetryPolicy
from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.anyio

QUICK = RetryPolicy(max_retries=10, initial_backoff=0.01, max_backoff=0.05, max_retry_after=0.05)
"""Retries whose waits (and the family's pauses, capped alike) stay short in a test."""


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, object]:
    return {"days": 1, "interactions_per_day": 2500}  # ~50 pages: enough answers to pace


async def export(sb: Sandbox, *, adaptive: bool = True) -> tuple[list[int], FlowState]:
    sb.faults.rate_limit("stats", rate=100, burst=3, retry_after=1)
    async with sb.client(retry=QUICK, limits=Limits(adaptive=adaptive)) as cc:
        ids = [i.interaction_id async for i in cc.stats.all_interactions(dates="today-1d,today")]
        state = cc.limits_state()[ApiFamily.STATS]
    sb.faults.remove_rate_limit("stats")
    return ids, state


async def test_a_throttled_family_is_paced_and_paused_and_loses_nothing(sb: Sandbox) -> None:
    expected = [
        int(r["interaction-id"]) for r in sb.truth.stats("allinteractions", d="today-1d,today")
    ]
    ids, state = await export(sb)
    assert ids == expected
    assert state.throttles >= 1
    assert state.pauses >= 1  # the 429s carried Retry-After
    assert state.rate is not None
    assert state.adaptive


async def test_the_fixed_mode_keeps_todays_behaviour(sb: Sandbox) -> None:
    expected = [
        int(r["interaction-id"]) for r in sb.truth.stats("allinteractions", d="today-1d,today")
    ]
    ids, state = await export(sb, adaptive=False)
    assert ids == expected
    assert (state.rate, state.throttles, state.pauses, state.adaptive) == (None, 0, 0, False)
    assert state.limit == 16
