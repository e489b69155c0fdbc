"""`ContactCenter(transport=...)`: the choice is checked, the aiohttp transport runs on
asyncio only, a POST the server may have seen is never sent twice on either wire, and the
pipeline (retries, redaction, limits, streaming) behaves the same on both."""

from __future__ import annotations

import asyncio
import importlib.util
import logging
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from eightbyeight_async import (
    APIConnectionError,
    APITimeoutError,
    ConfigurationError,
    ContactCenter,
    Limits,
    RetryPolicy,
    ServerBusyError,
)
from eightbyeight_async._config import ApiFamily
from eightbyeight_async._transport import honest_error_class
from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.anyio

ON_ASYNCIO = pytest.mark.parametrize("anyio_backend", ["asyncio"])
ON_TRIO = pytest.mark.parametrize("anyio_backend", ["trio"])


def test_an_unknown_transport_is_refused() -> None:
    with pytest.raises(ConfigurationError, match="transport must be one of httpx, aiohttp"):
        ContactCenter(transport="urllib3")  # type: ignore[arg-type]


def test_aiohttp_and_an_own_client_are_refused_together() -> None:
    with pytest.raises(ConfigurationError, match="not both"):
        ContactCenter(transport="aiohttp", http_client=httpx.AsyncClient())


def test_aiohttp_without_the_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    find_spec = importlib.util.find_spec

    def without_adapter(name: str, *args: Any) -> Any:
        return None if name == "httpx_aiohttp" else find_spec(name, *args)

    monkeypatch.setattr(importlib.util, "find_spec", without_adapter)
    with pytest.raises(ConfigurationError, match=r"pip install 'eightbyeight-async\[aiohttp\]'"):
        ContactCenter(transport="aiohttp")


@ON_TRIO
async def test_aiohttp_under_trio_is_refused_on_entry_and_on_first_use() -> None:
    cc = ContactCenter(tenant="acme", base_url="http://127.0.0.1:9", transport="aiohttp")
    with pytest.raises(ConfigurationError, match="runs on asyncio only"):
        async with cc:
            pass
    cc = ContactCenter(
        tenant="acme", base_url="http://127.0.0.1:9", data_token="t", transport="aiohttp"
    )
    with pytest.raises(ConfigurationError, match="runs on asyncio only"):
        await cc.raw_request("GET", "/api/stats/queues")
    await cc.aclose()


# --- the duplicate-POST trap: a real server that reads the POST and hangs up -------------


class HangUpServer:
    """Reads each request (head and body) and then closes the connection: without an
    answer (`how="before-answer"`), after the head and part of the body ("mid-body"), or
    once the client gives up waiting ("silent")."""

    def __init__(self, how: str) -> None:
        self.how = how
        self.requests: list[bytes] = []

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = next(
                (
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                ),
                0,
            )
            body = await reader.readexactly(length)
            if head.startswith(b"POST /oauth/v2/token"):  # analytics asks for a token first
                token = b'{"access_token": "tok", "expires_in": 3600}'
                writer.write(b"HTTP/1.1 200 OK\r\nConnection: close\r\n")
                writer.write(b"Content-Length: %d\r\n\r\n%s" % (len(token), token))
                await writer.drain()
                return
            self.requests.append(head + body)
            if self.how == "mid-body":
                writer.write(b'HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"id": ')
                await writer.drain()
            elif self.how == "silent":
                await reader.read()  # until the client closes the connection
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@pytest.fixture
async def hang_up_server(request: pytest.FixtureRequest) -> AsyncIterator[tuple[str, Any]]:
    server_state = HangUpServer(request.param)
    server = await asyncio.start_server(server_state.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with server:
        yield f"http://127.0.0.1:{port}", server_state
        server.close()


async def create_report(cc: ContactCenter) -> object:
    return await cc.analytics.create_report(
        type="queue-interactions-summary",
        title="daily",
        start="2026-01-01T00:00:00Z",
        end="2026-01-02T00:00:00Z",
        granularity="day",
        group_by="media-and-queue",
        check_report_types=False,
    )


async def raw_post(cc: ContactCenter) -> object:
    return await cc.raw_request("POST", "/api/stats/reports", json={"name": "daily"})


@ON_ASYNCIO
@pytest.mark.parametrize("hang_up_server", ["before-answer", "mid-body"], indirect=True)
@pytest.mark.parametrize("wire", ["httpx", "aiohttp"])
@pytest.mark.parametrize(
    ("call", "sent"),
    [(raw_post, b"POST /api/stats/reports"), (create_report, b"POST /")],
    ids=["raw-post", "create-report"],
)
async def test_a_post_the_server_read_is_sent_once_when_it_hangs_up(
    hang_up_server: tuple[str, HangUpServer], wire: Any, call: Any, sent: bytes
) -> None:
    url, server = hang_up_server
    async with ContactCenter(
        tenant="acme",
        base_url=url,
        api_base_url=url,
        data_token="t",
        analytics_client_id="id",
        analytics_secret="secret",
        retry=RetryPolicy.instant(max_retries=3),
        transport=wire,
    ) as cc:
        with pytest.raises(APIConnectionError) as raised:
            await call(cc)
    assert not isinstance(raised.value, APITimeoutError), raised.value
    assert len(server.requests) == 1, "a POST the server may have seen is never sent again"
    assert server.requests[0].startswith(sent)
    assert b'"daily"' in server.requests[0]


@ON_ASYNCIO
@pytest.mark.parametrize("hang_up_server", ["silent"], indirect=True)
@pytest.mark.parametrize("wire", ["httpx", "aiohttp"])
async def test_a_post_without_an_answer_times_out_once_with_the_per_call_timeout(
    hang_up_server: tuple[str, HangUpServer], wire: Any
) -> None:
    url, server = hang_up_server
    async with ContactCenter(
        tenant="acme", base_url=url, data_token="t", retry=RetryPolicy.instant(), transport=wire
    ) as cc:
        with pytest.raises(APITimeoutError, match="ReadTimeout"):
            await cc.raw_request("POST", "/api/stats/reports", json={}, timeout=0.05)
    assert len(server.requests) == 1


@ON_ASYNCIO
async def test_a_post_that_never_connected_is_still_retried(
    caplog: pytest.LogCaptureFixture,
) -> None:
    server = await asyncio.start_server(lambda r, w: None, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    server.close()
    await server.wait_closed()  # nothing listens on the port now: connection refused
    caplog.set_level(logging.INFO, logger="eightbyeight_async")
    async with ContactCenter(
        tenant="acme",
        base_url=f"http://127.0.0.1:{port}",
        data_token="t",
        retry=RetryPolicy.instant(max_retries=2),
        transport="aiohttp",
    ) as cc:
        with pytest.raises(APIConnectionError, match="ConnectError"):
            await cc.raw_request("POST", "/api/stats/reports", json={})
    assert sum("Retrying POST" in r.getMessage() for r in caplog.records) == 2


def test_only_a_connect_failure_reads_as_never_sent() -> None:
    import aiohttp

    def adapter_error(cause: BaseException) -> httpx.TransportError:
        error = httpx.ConnectTimeout("x")  # what httpx-aiohttp raises for all of these
        error.__cause__ = cause
        return error

    key = aiohttp.client_reqrep.ConnectionKey("h", 1, False, True, None, None, None)
    refused = aiohttp.ClientConnectorError(key, ConnectionRefusedError(111, "refused"))
    assert honest_error_class(adapter_error(refused)) is httpx.ConnectError
    connect_timeout = aiohttp.ConnectionTimeoutError("timeout")
    assert honest_error_class(adapter_error(connect_timeout)) is httpx.ConnectTimeout
    read_timeout = aiohttp.SocketTimeoutError("timeout")
    assert honest_error_class(adapter_error(read_timeout)) is httpx.ReadTimeout
    hung_up = aiohttp.ServerDisconnectedError()
    assert honest_error_class(adapter_error(hung_up)) is httpx.RemoteProtocolError
    reset = aiohttp.ClientOSError(104, "reset")
    assert honest_error_class(adapter_error(reset)) is httpx.ReadError


@ON_ASYNCIO
@pytest.mark.parametrize("wire", ["httpx", "aiohttp"])
async def test_a_garbled_answer_is_a_connection_error_with_no_token_in_its_chain(
    wire: Any,
) -> None:
    async def garble(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        writer.write(b"GARBAGE nonsense\r\n\r\n")
        await writer.drain()
        writer.close()

    server = await asyncio.start_server(garble, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    async with (
        server,
        ContactCenter(
            tenant="acme",
            base_url=f"http://127.0.0.1:{port}",
            action_token="sekrit-action",
            retry=RetryPolicy.disabled(),
            transport=wire,
        ) as cc,
    ):
        with pytest.raises(APIConnectionError, match="RemoteProtocolError") as raised:
            await cc.raw_request("GET", "/ws/x", api="callbacks")  # the token is a query value
    error: BaseException | None = raised.value
    while error is not None:  # the chain a traceback prints
        assert "sekrit-action" not in f"{error} {error!r}"
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)


# --- the pipeline against the sandbox, on both transports ---------------------------------


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 7, "days": 2, "interactions_per_day": 20}


async def test_retries_and_redaction_are_the_same(
    sb: Sandbox, transport: Any, caplog: pytest.LogCaptureFixture
) -> None:
    sb.faults.status("/api/stats/queues*", 503, count=2)
    caplog.set_level(logging.DEBUG, logger="eightbyeight_async")
    async with sb.client(retry=RetryPolicy.instant(), transport=transport) as cc:
        response = await cc.raw_request("GET", "/api/stats/queues")
        assert response.status_code == 200
        sb.faults.status("/api/stats/queues*", 503)
        with pytest.raises(ServerBusyError):
            await cc.raw_request("GET", "/api/stats/queues")
    logged = caplog.text
    assert logged.count("Retrying GET") == 2 + 3
    assert sb.credentials.data_token not in logged


async def test_a_post_answered_503_is_not_retried(sb: Sandbox, transport: Any) -> None:
    sb.faults.status("/api/stats/reports*", 503)
    before = sb.faults.total_requests
    async with sb.client(retry=RetryPolicy.instant(), transport=transport) as cc:
        with pytest.raises(ServerBusyError):
            await cc.raw_request("POST", "/api/stats/reports", json={})
    assert sb.faults.total_requests - before == 1


class SlowServer:
    """Answers every request `{}` after a short pause, counting requests in flight."""

    def __init__(self) -> None:
        self.in_flight = 0
        self.peak = 0

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while await reader.readuntil(b"\r\n\r\n"):  # GETs without a body, kept alive
                self.in_flight += 1
                self.peak = max(self.peak, self.in_flight)
                await asyncio.sleep(0.01)
                self.in_flight -= 1
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}")
                await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


@ON_ASYNCIO
@pytest.mark.parametrize("wire", ["httpx", "aiohttp"])
async def test_the_family_limit_is_shared_client_wide(wire: Any) -> None:
    state = SlowServer()
    server = await asyncio.start_server(state.handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    limits = Limits().with_family(ApiFamily.STATS, 3)
    async with (
        server,
        ContactCenter(
            tenant="a",
            base_url=f"http://127.0.0.1:{port}",
            data_token="t",
            limits=limits,
            transport=wire,
        ) as cc,
    ):
        calls = [cc.raw_request("GET", f"/api/stats/agents/{n}.json") for n in range(20)]
        await asyncio.gather(*calls)
    assert state.peak == 3


async def test_a_download_streams_whole_or_breaks_off_cleanly(
    sb: Sandbox, transport: Any, tmp_path: Path
) -> None:
    content = bytes(range(256)) * 8192  # 2 MiB: many chunks
    sb.attachments.attach("case", "90001", "big.bin", content)
    async with sb.client(retry=RetryPolicy.instant(), transport=transport) as cc:
        (saved,) = await cc.attachments.download_case("90001", tmp_path)
        assert saved.read_bytes() == content
        sb.faults.reset("/api/ccm/attachments/case/90001")
        (tmp_path / "again").mkdir()
        with pytest.raises(APIConnectionError):
            await cc.attachments.download_case("90001", tmp_path / "again")
        assert list((tmp_path / "again").iterdir()) == []
