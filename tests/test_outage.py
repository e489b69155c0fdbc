"""Family-wide outage handling: the gate's states on a fake clock, the pipeline consulting it,
an export riding out an upstream outage, and permanent TLS failures raised at once."""

from __future__ import annotations

import datetime as dt
import socket
import ssl
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.lowlevel
import httpx
import pytest
import respx

from eightbyeight_async import APIConnectionError, ContactCenter, RetryPolicy
from eightbyeight_async._config import ApiFamily
from eightbyeight_async._connection_errors import transport_error
from eightbyeight_async._outage import GateState, OutageGate, Outcome, classify
from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.anyio


class FakeClock:
    """A clock that moves only when the test says so; `sleep` records what was asked."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._moved: anyio.Event | None = None

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        until = self.now + seconds
        while self.now < until:
            self._moved = self._moved or anyio.Event()
            await self._moved.wait()

    async def advance(self, seconds: float) -> None:
        self.now += seconds
        if self._moved is not None:
            self._moved.set()
            self._moved = None
        await settle()


async def settle() -> None:
    for _ in range(20):
        await anyio.lowlevel.checkpoint()


def gate_on(clock: FakeClock, **options: Any) -> OutageGate:
    return OutageGate("stats", clock=clock, sleep=clock.sleep, **options)


def state(gate: OutageGate) -> GateState:
    """The gate's state, read afresh (mypy would keep a narrowed `gate.state`)."""
    return gate.state


def burst(gate: OutageGate, n: int = 3) -> None:
    for _ in range(n):
        gate.report(0, Outcome.OUTAGE)


async def test_a_burst_of_outage_failures_opens_the_gate() -> None:
    gate = gate_on(FakeClock())
    burst(gate, 2)
    gate.report(0, Outcome.SUCCESS)  # an answer in between resets the count
    burst(gate, 2)
    assert gate.state is GateState.CLOSED
    gate.report(0, Outcome.UNKNOWN)
    burst(gate, 1)
    assert state(gate) is GateState.OPEN
    assert gate.opened == 1


async def test_waiters_send_nothing_while_open_then_one_probe_goes_and_success_frees_all() -> None:
    clock = FakeClock()
    gate = gate_on(clock, pause=0.5)
    burst(gate)
    tickets: list[int] = []

    async def request() -> None:
        tickets.append(await gate.enter())

    async with anyio.create_task_group() as tg:
        for _ in range(5):
            tg.start_soon(request)
        await settle()
        assert tickets == [], "nothing is let through while the gate is open"
        assert clock.sleeps
        assert all(s == 0.5 for s in clock.sleeps)
        await clock.advance(0.5)
        assert len(tickets) == 1, "exactly one probe when half-open"
        assert tickets[0] != 0
        assert gate.state is GateState.HALF_OPEN
        gate.report(tickets[0], Outcome.SUCCESS)
    assert gate.state is GateState.CLOSED
    assert sorted(tickets)[:4] == [0, 0, 0, 0]
    assert await gate.enter() == 0


async def test_a_failed_probe_reopens_with_a_longer_capped_pause() -> None:
    clock = FakeClock()
    gate = gate_on(clock, pause=0.5, max_pause=1.5)
    burst(gate)
    pauses = []
    for _ in range(4):
        start = clock.now
        async with anyio.create_task_group() as tg:
            tg.start_soon(clock.advance, 10.0)  # the sleep sees the time move
            probe = await gate.enter()
        assert probe != 0
        pauses.append(clock.sleeps[-1])
        gate.report(0, Outcome.OUTAGE)  # a stale failure: not the probe, changes nothing
        assert gate.state is GateState.HALF_OPEN
        gate.report(probe, Outcome.OUTAGE)
        assert state(gate) is GateState.OPEN
        assert clock.now >= start
    assert pauses == [0.5, 1.0, 1.5, 1.5]
    assert gate.opened == 5


async def test_waiters_wait_again_after_a_failed_probe() -> None:
    clock = FakeClock()
    gate = gate_on(clock, pause=1.0)
    burst(gate)
    await clock.advance(1.0)
    probe = await gate.enter()
    got: list[int] = []

    async def waiter() -> None:
        got.append(await gate.enter())

    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        await settle()
        gate.report(probe, Outcome.OUTAGE)
        await settle()
        assert got == []
        assert gate.state is GateState.OPEN
        await clock.advance(2.0)
        assert len(got) == 1
        assert got[0] != 0, "the waiter is the next probe"
        gate.report(got[0], Outcome.SUCCESS)
    assert gate.state is GateState.CLOSED


async def test_a_cancelled_probe_lets_another_request_probe() -> None:
    clock = FakeClock()
    gate = gate_on(clock, pause=1.0)
    burst(gate)
    await clock.advance(1.0)
    first = await gate.enter()
    got: list[int] = []

    async def waiter() -> None:
        got.append(await gate.enter())

    async with anyio.create_task_group() as tg:
        tg.start_soon(waiter)
        await settle()
        assert got == []
        gate.release(first)
        await settle()
    assert len(got) == 1
    assert got[0] not in (0, first)


async def test_a_request_past_its_deadline_is_let_through() -> None:
    clock = FakeClock()
    gate = gate_on(clock, pause=5.0)
    burst(gate)
    assert await gate.enter(deadline=0.0) == 0
    async with anyio.create_task_group() as tg:
        tg.start_soon(clock.advance, 1.0)
        assert await gate.enter(deadline=1.0) == 0
    assert clock.sleeps == [1.0], "it waited only until its deadline"
    assert gate.state is GateState.OPEN


def cert_verify_error() -> httpx.ConnectError:
    """An empty `ConnectError` with the reason only in its cause chain, as on trio."""
    reason = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate bad")
    middle = Exception()
    middle.__cause__ = reason
    error = httpx.ConnectError("")
    error.__cause__ = middle
    return error


@pytest.mark.parametrize(
    ("status", "error", "expected"),
    [
        (502, None, Outcome.OUTAGE),
        (503, None, Outcome.OUTAGE),
        (504, None, Outcome.OUTAGE),
        (500, None, Outcome.SUCCESS),
        (404, None, Outcome.SUCCESS),
        (None, httpx.ConnectError("refused"), Outcome.OUTAGE),
        (None, httpx.ReadError("reset"), Outcome.OUTAGE),
        (None, httpx.RemoteProtocolError("peer closed"), Outcome.OUTAGE),
        (None, httpx.ConnectTimeout("slow"), Outcome.OUTAGE),
        (None, httpx.ReadTimeout("stalled"), Outcome.UNKNOWN),
        (None, httpx.PoolTimeout("pool"), Outcome.UNKNOWN),
        (None, cert_verify_error(), Outcome.UNKNOWN),
    ],
)
def test_classify(status: int | None, error: Exception | None, expected: Outcome) -> None:
    assert classify(status, error) is expected


def test_transport_error_takes_the_first_non_empty_reason_in_the_cause_chain() -> None:
    request = httpx.Request("GET", "https://vcc-na4.8x8.com/api/stats/x.json?token=s3cr3t")
    error = transport_error(request, cert_verify_error(), "GET {url} failed")
    assert str(error).startswith("GET https://vcc-na4.8x8.com/api/stats/x.json?token=")
    assert "ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED] certificate bad" in str(error)
    assert "s3cr3t" not in str(error)
    bare = transport_error(request, httpx.ConnectError(""), "GET {url} failed")
    assert str(bare).endswith("ConnectError: ConnectError")


CC_HOST = "https://vcc-na4.8x8.com"


async def test_the_pipeline_pauses_the_family_and_sends_one_probe_at_a_time() -> None:
    policy = RetryPolicy(max_retries=1, initial_backoff=0, max_backoff=0, max_elapsed=30)
    gate = OutageGate("stats", pause=0.01, max_pause=0.01)  # short real pauses: a quick test
    in_flight_half_open = peak_half_open = sent_while_open = failed = calls = 0

    async def server(request: httpx.Request) -> httpx.Response:
        nonlocal calls, failed, in_flight_half_open, peak_half_open, sent_while_open
        down = gate.opened < 3  # back up once two probes have failed
        calls += 1
        failed += down
        state = gate.state
        sent_while_open += state is GateState.OPEN
        in_flight_half_open += state is GateState.HALF_OPEN
        peak_half_open = max(peak_half_open, in_flight_half_open)
        await anyio.sleep(0.001)
        in_flight_half_open -= state is GateState.HALF_OPEN
        return httpx.Response(502 if down else 200, json={})

    with respx.mock(assert_all_mocked=True) as mock:
        mock.get(url__startswith=f"{CC_HOST}/api/stats/").mock(side_effect=server)
        async with ContactCenter(tenant="a", platform="na4", data_token="t", retry=policy) as cc:
            cc._pipeline.gates[ApiFamily.STATS] = gate
            async with anyio.create_task_group() as tg:
                for n in range(8):
                    tg.start_soon(cc.raw_request, "GET", f"/api/stats/agents/{n}.json")
    assert gate.state is GateState.CLOSED
    assert gate.opened == 3
    assert sent_while_open <= 8, "only requests already on their way when it opened"
    assert peak_half_open == 1, "one probe at a time"
    # the first 8 failed together (and up to 2 retried before the third failure opened the
    # gate); after that only the probes failed, each reopening the gate once
    assert 8 + 2 <= failed <= 8 + (gate.threshold - 1) + 2
    assert calls == failed + 8


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 17, "days": 10, "interactions_per_day": 120}


async def test_export_with_the_default_policy_rides_out_an_upstream_outage(sb: Sandbox) -> None:
    today = sb.tenant.now.date()
    dates = (today - dt.timedelta(days=11), today + dt.timedelta(days=1))
    expected = [
        int(r["interaction-id"])
        for r in sb.truth.stats("allinteractions", d=f"{dates[0]},{dates[1]}")
    ]
    assert len(expected) > 1000
    got: list[int] = []

    async def outage(seconds: float) -> None:
        sb.faults.reset("/api/stats/allinteractions*", every=2)  # and 502 in between
        sb.faults.status("/api/stats/allinteractions*", 502)
        await anyio.sleep(seconds)
        sb.faults.clear()

    try:
        async with sb.client() as cc, anyio.create_task_group() as tg:
            assert cc.retry == RetryPolicy()
            async for record in cc.stats.all_interactions(dates=dates):
                if len(got) == 60:  # the prefetch window is in flight
                    tg.start_soon(outage, 1.5)
                got.append(record.interaction_id)
            gate = cc._pipeline.gates[ApiFamily.STATS]
    finally:
        sb.faults.clear()
    assert got == expected
    assert gate.opened >= 1
    assert gate.state is GateState.CLOSED
    # Without the gate, 16 requests each spend their attempts against the outage (~45 faults
    # here, and the export fails); with it, the burst and a few probes.
    injected = sb.faults.injected
    assert injected.get("status", 0) + injected.get("reset", 0) < 32


@pytest.fixture(scope="module")
def self_signed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1"),
            *("-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


@pytest.fixture
def tls_server(self_signed: tuple[Path, Path]) -> Iterator[tuple[int, list[int]]]:
    """A TLS server on 127.0.0.1 with a self-signed certificate; yields (port, handshakes)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(*self_signed)
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    stop = threading.Event()
    accepted: list[int] = []

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            conn.settimeout(2)
            try:
                with context.wrap_socket(conn, server_side=True):
                    pass
            except (OSError, ssl.SSLError):
                pass
            finally:
                conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1], accepted
    finally:
        stop.set()
        thread.join(5)
        listener.close()


async def test_a_failed_certificate_verification_is_raised_at_once_with_its_reason(
    tls_server: tuple[int, list[int]],
) -> None:
    port, accepted = tls_server
    async with ContactCenter(
        tenant="a", data_token="t", base_url=f"https://127.0.0.1:{port}"
    ) as cc:
        with pytest.raises(APIConnectionError) as caught:
            await cc.raw_request("GET", "/api/stats/groups.json")
        assert cc._pipeline.gates[ApiFamily.STATS].state is GateState.CLOSED
    assert "ConnectError: [SSL: CERTIFICATE_VERIFY_FAILED]" in str(caught.value)
    assert len(accepted) == 1, "no retry: a certificate that fails once fails every time"
