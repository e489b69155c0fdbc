"""Adaptive flow control on a simulated clock: unpaced until throttled, paced just under the
accepted rate after a 429/503, additive recovery, one decrease per congestion event, the
family-wide Retry-After pause, and a fixed mode that does none of it."""

from __future__ import annotations

import math

import pytest

from eightbyeight_async._flow import (
    ACCEPTED_MARGIN,
    EPOCH,
    LATENCY_DECREASE,
    PROBE_PER_SECOND,
    SHORTEST_START,
    START_GROWTH,
    WINDOW,
    FamilyFlow,
)

pytestmark = pytest.mark.anyio


class Clock:
    """Simulated time: `sleep` records the wait and moves the clock on, nothing real waits."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


class Bucket:
    """The server: `rate` requests/s, `burst` at once, else 429 with Retry-After."""

    def __init__(self, clock: Clock, rate: float, burst: int, retry_after: float | None) -> None:
        self.clock, self.rate, self.burst, self.retry_after = clock, rate, burst, retry_after
        self.tokens, self.at = float(burst), 0.0
        self.accepted = self.refused = 0

    def answer(self) -> int:
        self.tokens = min(self.burst, self.tokens + (self.clock.now - self.at) * self.rate)
        self.at = self.clock.now
        if self.tokens >= 1:
            self.tokens -= 1
            self.accepted += 1
            return 200
        self.refused += 1
        return 429


def flow_on(clock: Clock, **options: bool) -> FamilyFlow:
    return FamilyFlow(16, clock=clock, sleep=clock.sleep, **options)


async def test_unthrottled_requests_are_not_paced() -> None:
    clock = Clock()
    flow = flow_on(clock)
    for _ in range(50):
        async with flow.slot() as slot:
            clock.now += 0.01
            slot.observe(200)
    assert clock.sleeps == []
    assert flow.state().rate is None


async def test_a_throttle_paces_the_family_at_the_rate_just_accepted() -> None:
    clock = Clock()
    flow = flow_on(clock)
    for _ in range(40):  # one every 25 ms: 40 requests/s
        async with flow.slot() as slot:
            clock.now += 0.025
            slot.observe(200)
    async with flow.slot() as slot:
        slot.observe(429)
    rate = flow.state().rate
    assert rate is not None
    assert math.isclose(rate, 40, rel_tol=0.1)
    clock.sleeps.clear()
    for _ in range(5):
        async with flow.slot():
            pass  # instant answers: the pacer alone spaces them
    assert all(math.isclose(s, 1 / rate, rel_tol=1e-6) for s in clock.sleeps[1:])


async def test_one_congestion_event_decreases_once() -> None:
    clock = Clock()
    flow = flow_on(clock)
    for _ in range(20):
        async with flow.slot() as slot:
            clock.now += 0.05
            slot.observe(200)
    for _ in range(5):  # five answers of the same burst
        async with flow.slot() as slot:
            slot.observe(503)
    first = flow.state().rate
    assert first is not None
    clock.now += EPOCH
    async with flow.slot() as slot:
        slot.observe(503)
    second = flow.state().rate
    assert second is not None
    assert second < first
    assert flow.state().throttles == 6


async def throttled(flow: FamilyFlow, clock: Clock) -> float:
    """Ten healthy 10 ms answers, one every 100 ms (10 requests/s), then a 429."""
    for _ in range(10):
        clock.now += 0.09
        async with flow.slot() as slot:
            clock.now += 0.01
            slot.observe(200)
    async with flow.slot() as slot:
        slot.observe(429)
    rate = flow.state().rate
    assert rate is not None
    return rate


async def rate_after(flow: FamilyFlow, clock: Clock, seconds: float) -> float:
    """Healthy 10 ms answers for `seconds` of simulated time; the rate then."""
    end = clock.now + seconds
    while clock.now < end:
        async with flow.slot() as slot:
            clock.now += 0.01
            slot.observe(200)
    rate = flow.state().rate
    assert rate is not None
    return rate


async def test_healthy_answers_raise_the_rate_fast_far_below_the_limit_slowly_near_it() -> None:
    clock = Clock()
    flow = flow_on(clock)
    start = await throttled(flow, clock)
    assert 8 < start < 12  # about the 10 requests/s accepted
    clock.now += EPOCH
    grown = await rate_after(flow, clock, 2.0)
    assert 2 * start < grown <= start * START_GROWTH**2.5  # slow start: about 3x a second
    async with flow.slot() as slot:
        slot.observe(429)  # the limit found: about the rate it was accepting
    clock.now += EPOCH
    near = await rate_after(flow, clock, 1.0)
    probed = await rate_after(flow, clock, 4.0)
    # Near the limit it is probed for slowly: a share of it per second, not a factor.
    assert near < probed <= near + PROBE_PER_SECOND * grown * 4.0 * 1.1


async def test_a_throttle_among_a_handful_of_answers_paces_the_family_at_once() -> None:
    """Three answers of one burst: counted over `SHORTEST_START`, not over the 30 ms they
    took (a start the next throttle corrects), rather than another burst into the wall."""
    clock = Clock()
    flow = flow_on(clock)
    for _ in range(3):
        async with flow.slot() as slot:
            clock.now += 0.01
            slot.observe(200)
    async with flow.slot() as slot:
        slot.observe(429, retry_after=1.0)
    state = flow.state()
    assert (state.throttles, state.pauses) == (1, 1)
    assert state.rate is not None
    assert math.isclose(state.rate, ACCEPTED_MARGIN * 3 / SHORTEST_START)


async def test_answers_of_the_burst_a_first_throttle_cut_short_raise_the_first_rate() -> None:
    """A burst's 429 can come back before most of its accepted answers: those answers were
    sent before the throttle, so they still count toward the first rate (the 429 arrived
    after one answer; five were accepted)."""
    clock = Clock()
    flow = flow_on(clock)
    async with flow.slot() as slot:
        clock.now += 0.01
        slot.observe(200)
    async with flow.slot() as slot:
        slot.observe(429, retry_after=1.0)
    first = flow.state().rate
    assert first is not None
    assert math.isclose(first, ACCEPTED_MARGIN * 1 / SHORTEST_START)
    for _ in range(4):  # the rest of the burst, answered within the same congestion event
        clock.now += 0.002
        flow.observe(200, 0.02, None)
    raised = flow.state().rate
    assert raised is not None
    assert math.isclose(raised, ACCEPTED_MARGIN * 5 / SHORTEST_START)
    clock.now += EPOCH  # later answers are paced ones: they move the rate as usual
    flow.observe(200, 0.02, None)
    assert flow.state().rate == raised


async def test_the_rate_grows_only_while_the_pacer_holds_requests_back() -> None:
    """A caller slower than the pace (a page window's consumer, say) leaves the rate where
    it is: growing a rate no request waits for would overshoot the server's limit."""
    clock = Clock()
    flow = flow_on(clock)
    rate = await throttled(flow, clock)
    for _ in range(20):  # one request every 0.5 s, far below the pace: never held back
        clock.now += 0.5
        async with flow.slot() as slot:
            clock.now += 0.01
            slot.observe(200)
    assert flow.state().rate == rate
    assert await rate_after(flow, clock, 1.0) > rate  # back-to-back: held back, it grows


async def test_retry_after_pauses_the_whole_family() -> None:
    clock = Clock()
    flow = flow_on(clock)
    async with flow.slot() as slot:
        slot.observe(429, retry_after=2.0)
    assert flow.state().pauses == 1
    before = clock.now
    async with flow.slot():
        pass
    assert clock.now >= before + 2.0


async def test_a_sustained_latency_rise_slows_the_family_down() -> None:
    clock = Clock()
    flow = flow_on(clock)
    await throttled(flow, clock)
    await rate_after(flow, clock, 2.0)  # 10 ms answers: the least latency seen
    rates: list[float] = []
    for _ in range(30):  # answers 20x slower, for 6 s: a queue is building
        async with flow.slot() as slot:
            clock.now += 0.2
            slot.observe(200)
        rate = flow.state().rate
        assert rate is not None
        rates.append(rate)
    peak, slowed = max(rates), rates[-1]  # the first slow answer is still within the average
    assert slowed <= peak * LATENCY_DECREASE**5, "one decrease per congestion epoch"


async def test_one_slow_answer_is_noise() -> None:
    clock = Clock()
    flow = flow_on(clock)
    await throttled(flow, clock)
    paced = await rate_after(flow, clock, 2.0)
    async with flow.slot() as slot:
        clock.now += 0.2
        slot.observe(200)
    after = flow.state().rate
    assert after is not None
    assert after >= paced


async def test_the_fixed_mode_neither_paces_nor_pauses() -> None:
    clock = Clock()
    flow = flow_on(clock, adaptive=False)
    for _ in range(20):
        async with flow.slot() as slot:
            slot.observe(429, retry_after=1.0)
    assert clock.sleeps == []
    state = flow.state()
    assert (state.rate, state.pauses, state.throttles, state.adaptive) == (None, 0, 0, False)


@pytest.mark.parametrize("retry_after", [1.0, None])
async def test_against_a_token_bucket_it_runs_near_the_limit_with_few_refusals(
    retry_after: float | None,
) -> None:
    """The algorithm against the sandbox's kind of server, in simulated time: 60 requests/s,
    burst 5, 2 ms per answer (so the pacer, not latency, sets the pace), a client that
    retries a refusal after its Retry-After."""
    clock = Clock()
    server = Bucket(clock, rate=60, burst=5, retry_after=retry_after)
    flow = flow_on(clock)
    for _ in range(6000):  # 100 simulated seconds of the limit
        while True:
            async with flow.slot() as slot:
                clock.now += 0.002
                status = server.answer()
                slot.observe(status, retry_after=server.retry_after)
            if status == 200:
                break
            await clock.sleep(server.retry_after or 0.1)
    achieved = server.accepted / clock.now / 60
    refused = server.refused / (server.accepted + server.refused)
    assert achieved >= 0.9, achieved
    assert refused <= 0.05, refused


async def test_an_unthrottled_family_remembers_only_a_window_of_answers() -> None:
    """A long-running client that is never throttled must not accumulate every answer."""
    clock = Clock()
    flow = flow_on(clock)
    for _ in range(5000):
        async with flow.slot() as slot:
            clock.now += 0.01
            slot.observe(200)
    assert len(flow._accepted) <= WINDOW / 0.01 + 1
