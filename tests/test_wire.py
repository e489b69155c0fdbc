"""The SDK's own client sends straight to its transport (skipping httpx's client layer), yet
answers as `client.send` would: the request on the response, `elapsed`, httpx's log line,
the request on an error. With a proxy in the environment it goes through `client.send`,
which applies it."""

from __future__ import annotations

import logging
from typing import Any

import anyio
import anyio.abc
import httpx
import pytest
from nginx_server import free_port

from eightbyeight_async import APIConnectionError, ContactCenter, RetryPolicy
from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.anyio


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 5, "days": 1, "interactions_per_day": 5}


async def test_a_direct_answer_is_what_client_send_gives(
    sb: Sandbox, transport: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="httpx")
    async with sb.client(transport=transport) as cc:
        response = await cc.raw_request("GET", "/api/stats/queues")
    assert response.status_code == 200
    assert response.request.url.path == "/api/stats/queues"
    assert response.elapsed.total_seconds() > 0
    lines = [r.getMessage() for r in caplog.records if r.name == "httpx"]
    assert any(line.startswith("HTTP Request: GET http://127.0.0.1") for line in lines), lines
    assert all(sb.credentials.data_token not in line for line in lines)


async def test_a_transport_error_carries_its_request(transport: Any) -> None:
    port = free_port()  # nothing listens there: the connection is refused
    async with ContactCenter(
        tenant="acme",
        base_url=f"http://127.0.0.1:{port}",
        data_token="t",
        retry=RetryPolicy.disabled(),
        transport=transport,
    ) as cc:
        with pytest.raises(APIConnectionError) as raised:
            await cc.raw_request("GET", "/api/stats/queues")
    cause = raised.value.__cause__
    assert isinstance(cause, httpx.ConnectError)
    assert cause.request.url.port == port


class RecordingProxy:
    """A forward proxy that answers every request `{}` itself, keeping each request line
    (a request sent through a proxy names the whole URL: `GET http://host/path HTTP/1.1`)."""

    def __init__(self) -> None:
        self.request_lines: list[str] = []

    async def handle(self, stream: anyio.abc.SocketStream) -> None:
        async with stream:
            head = b""
            while b"\r\n\r\n" not in head:
                head += await stream.receive()
            self.request_lines.append(head.split(b"\r\n", 1)[0].decode())
            answer = b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\n{}"
            await stream.send(answer)


async def test_with_a_proxy_in_the_environment_requests_go_through_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    proxy = RecordingProxy()
    proxy_port = free_port()
    listener = await anyio.create_tcp_listener(local_host="127.0.0.1", local_port=proxy_port)
    for name in ("NO_PROXY", "no_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HTTP_PROXY", f"http://127.0.0.1:{proxy_port}")
    async with listener, anyio.create_task_group() as tg:
        tg.start_soon(listener.serve, proxy.handle)
        async with ContactCenter(
            tenant="acme",
            base_url="http://127.0.0.1:9",
            data_token="t",
            retry=RetryPolicy.disabled(),
        ) as cc:
            response = await cc.raw_request("GET", "/api/stats/queues")
        tg.cancel_scope.cancel()
    assert response.json() == {}
    assert proxy.request_lines == ["GET http://127.0.0.1:9/api/stats/queues HTTP/1.1"]
