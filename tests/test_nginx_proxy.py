"""Through a real nginx with TLS (`nginx_server.py`) in front of the sandbox: the default retry
policy rides out a 10 s upstream restart (502s) and a stall past nginx's read timeout (504)
with every record exactly once, the SAPI reader loses and repeats nothing across the restart,
and a client trusting the wrong CA fails at its first handshake, naming the certificate."""

from __future__ import annotations

import contextlib
import datetime as dt
import ssl
import urllib.parse
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import anyio
import anyio.to_thread
import httpx
import pytest
from nginx_server import Certificates, NginxServer, free_port
from test_streaming import key

from eightbyeight_async import (
    APIConnectionError,
    ApiFamily,
    ContactCenter,
    ReconnectPolicy,
    RetryPolicy,
)
from eightbyeight_async._constants import DEFAULT_PREFETCH
from eightbyeight_async.sandbox import Sandbox
from eightbyeight_async.types.streaming import StreamEvent

pytestmark = pytest.mark.anyio

ON_ASYNCIO = pytest.mark.parametrize("anyio_backend", ["asyncio"])
"""For the tests that wait out a 10 s outage: one event loop is proof enough for the wall time."""

OUTAGE = 10.0
LISTING = "/api/stats/allinteractions*"
STREAMING = "/api/streaming/"
RECONNECT = ReconnectPolicy(initial_delay=0.1, max_network_delay=1.0, max_http_delay=1.0)
"""The default reconnect backoff, capped at 1 s so the reader is back soon after the restart."""


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    """A fixed port, so the sandbox comes back where nginx expects it after `stop()`."""
    return {"seed": 17, "days": 10, "interactions_per_day": 200, "port": free_port()}


@pytest.fixture(scope="module")
def certificates(tmp_path_factory: pytest.TempPathFactory) -> Certificates:
    """The test CA, nginx's certificate it signed, and an unrelated CA."""
    return Certificates.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def nginx(
    tmp_path_factory: pytest.TempPathFactory, certificates: Certificates, shared_sandbox: Sandbox
) -> Iterator[NginxServer]:
    """nginx on its own port, proxying the module's sandbox; stopped by pid after the module."""
    server = NginxServer(
        tmp_path_factory.mktemp("nginx"), certificates, upstream_port=shared_sandbox.port
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@contextlib.asynccontextmanager
async def proxied(sb: Sandbox, nginx: NginxServer, ca: Path) -> AsyncIterator[ContactCenter]:
    """A client with the default retry policy that reaches the sandbox only through nginx,
    trusting `ca` (the public way: an `httpx.AsyncClient` of one's own with `verify=`)."""
    context = ssl.create_default_context(cafile=str(ca))
    async with (
        httpx.AsyncClient(verify=context) as http,
        sb.client(base_url=nginx.url, api_base_url=nginx.url, http_client=http) as cc,
    ):
        assert cc.retry == RetryPolicy()
        yield cc


async def start_after(sb: Sandbox, seconds: float) -> None:
    """Start the stopped sandbox again on its port after `seconds` (even if cancelled)."""
    try:
        await anyio.sleep(seconds)
    finally:
        with anyio.CancelScope(shield=True):
            await anyio.to_thread.run_sync(sb.start)


def export_truth(sb: Sandbox) -> tuple[tuple[dt.date, dt.date], list[int]]:
    """The whole tenant's date range and the interaction ids the export must yield, in order."""
    today = sb.tenant.now.date()
    dates = (today - dt.timedelta(days=11), today + dt.timedelta(days=1))
    truth = sb.truth.stats("allinteractions", d=f"{dates[0]},{dates[1]}")
    expected = [int(record["interaction-id"]) for record in truth]
    assert len(expected) > 2 * DEFAULT_PREFETCH * 50, "more pages than two prefetch windows hold"
    return dates, expected


def offset(uri: str) -> int:
    """The `n=` (first record's offset) of a statistics page's request URI."""
    return int(urllib.parse.parse_qs(urllib.parse.urlsplit(uri).query)["n"][0])


def assert_abandoned_only_past_the_end(nginx: NginxServer, start: int, records: int) -> None:
    """A 499 (nginx: the client went away) only for a page past the listing's end, which the
    paginator cancels once the last page has told where the listing ends."""
    abandoned = [uri for status, uri in nginx.responses()[start:] if status == 499]
    assert all(offset(uri) > records for uri in abandoned), abandoned


def statuses_since(nginx: NginxServer, start: int, path: str) -> list[int]:
    """nginx's statuses for `path` (a prefix) among the responses after the first `start`."""
    return [status for status, uri in nginx.responses()[start:] if uri.startswith(path)]


@ON_ASYNCIO
async def test_an_export_rides_out_a_ten_second_upstream_restart(
    sb: Sandbox, nginx: NginxServer, certificates: Certificates
) -> None:
    dates, expected = export_truth(sb)
    logged = len(nginx.responses())
    got: list[int] = []
    async with proxied(sb, nginx, certificates.ca) as cc, anyio.create_task_group() as tg:
        async for record in cc.stats.all_interactions(dates=dates):
            if len(got) == 60:  # the first page is read, the window's other pages are out
                await anyio.to_thread.run_sync(sb.stop)
                tg.start_soon(start_after, sb, OUTAGE)
            got.append(record.interaction_id)
        flow = cc.limits_state()[ApiFamily.STATS]
    assert got == expected, "every record exactly once, in order"
    statuses = statuses_since(nginx, logged, LISTING.rstrip("*"))
    assert 502 in statuses, "nginx answered the outage"
    assert set(statuses) <= {200, 499, 502}
    assert_abandoned_only_past_the_end(nginx, logged, len(expected))
    assert flow.outages >= 1, "the family paused instead of spending every page's attempts"


async def test_a_stall_past_nginx_read_timeout_is_retried(
    sb: Sandbox, nginx: NginxServer, certificates: Certificates
) -> None:
    dates, expected = export_truth(sb)
    logged = len(nginx.responses())
    got: list[int] = []
    async with proxied(sb, nginx, certificates.ca) as cc:
        async for record in cc.stats.all_interactions(dates=dates):
            if len(got) == 60:  # the next page asked for stalls past proxy_read_timeout (1 s)
                sb.faults.latency(LISTING, 3.0, count=1)
            got.append(record.interaction_id)
    assert got == expected, "every record exactly once, in order"
    assert sb.faults.injected == {"latency": 1}
    statuses = statuses_since(nginx, logged, LISTING.rstrip("*"))
    assert statuses.count(504) == 1, "nginx gave up on the stalled page, once"
    assert set(statuses) <= {200, 499, 504}
    assert_abandoned_only_past_the_end(nginx, logged, len(expected))


@ON_ASYNCIO
async def test_the_sapi_reader_rides_out_a_ten_second_upstream_restart(
    sb: Sandbox, nginx: NginxServer, certificates: Certificates
) -> None:
    sb.streaming.rate = 50
    logged = len(nginx.responses())
    seen: list[StreamEvent] = []
    async with (
        proxied(sb, nginx, certificates.ca) as cc,
        cc.streaming.subscribe("crm", reconnect=RECONNECT) as events,
    ):
        with anyio.fail_after(OUTAGE + 30):  # a hang guard, not a timing
            while len(seen) < 20:
                seen.append(await events.__anext__())
            await anyio.to_thread.run_sync(sb.stop)
            async with anyio.create_task_group() as tg:
                tg.start_soon(start_after, sb, OUTAGE)
                before_restart = len(seen)
                while len(seen) < before_restart + 20 or not sb.running:
                    seen.append(await events.__anext__())
            sb.streaming.pause()
            owed = len(sb.truth.streaming("crm"))
            while len([e for e in seen if e.msg_info.sequence_id is not None]) < owed:
                seen.append(await events.__anext__())
    assert [key(e) for e in seen] == [key(e) for e in sb.truth.streaming("crm")]
    assert events.stats.reconnects >= 1
    assert events.stats.gaps == 0
    assert 502 in statuses_since(nginx, logged, STREAMING), "nginx answered the reconnects"
    with anyio.fail_after(10):  # the next test's streams count against the 3-client limit
        await sb.streaming.wait_closed()


async def test_a_wrong_ca_fails_at_the_first_handshake_naming_the_certificate(
    sb: Sandbox, nginx: NginxServer, certificates: Certificates
) -> None:
    failures = nginx.handshake_failures()
    async with proxied(sb, nginx, certificates.other_ca) as cc:
        with pytest.raises(APIConnectionError) as caught:
            await cc.raw_request("GET", "/api/stats/groups.json")
    assert "CERTIFICATE_VERIFY_FAILED" in str(caught.value)
    assert "certificate verify failed: unable to get local issuer certificate" in str(caught.value)
    assert "not retried: trust the CA that signed it" in str(caught.value)
    await anyio.to_thread.run_sync(nginx.wait_handshake_failures, failures + 1)
    async with proxied(sb, nginx, certificates.ca) as cc:  # nginx has read every alert by now
        assert (await cc.raw_request("GET", "/api/stats/groups.json")).status_code == 200
    assert nginx.handshake_failures() == failures + 1, "one handshake: no retry"
    assert sb.faults.requests == {"/api/stats/groups.json": 1}, "only the trusted one got in"
