"""Shared fixtures: every async test runs under both asyncio and trio (anyio's plugin).

`EIGHTBYEIGHT_TEST_BACKENDS=trio` (comma-separated) narrows the run to some event loops; the
nox `tests` session uses it to run each loop as its own session.

Sandboxes: a module that talks to the sandbox overrides `sandbox_options` (module scope) with
the `Sandbox(...)` arguments it needs and uses `sb` (one sandbox per module, `reset()` after
each test, so a test never sees another's state) and `cc` (a client for it with instant
retries). A test that needs a sandbox of its own asks `sandbox_factory` for one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import respx
from redis_server import RedisServer

from eightbyeight_async import ContactCenter, RetryPolicy
from eightbyeight_async.sandbox import Sandbox

SandboxFactory = Callable[..., Sandbox]
"""`factory(**options)`: a started `Sandbox(**options)`, stopped when its fixture ends."""

collect_ignore = ["plugin_project"]
"""A user's project of its own, run in a subprocess by `test_testing_plugin.py`."""

BACKENDS = os.environ.get("EIGHTBYEIGHT_TEST_BACKENDS", "asyncio,trio").split(",")


@pytest.fixture(params=BACKENDS)
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run each `@pytest.mark.anyio` test once per event loop the SDK supports."""
    return str(request.param)


def _serve_sandboxes() -> Iterator[SandboxFactory]:
    started: list[Sandbox] = []

    def start(**options: Any) -> Sandbox:
        sandbox = Sandbox(**options)
        sandbox.start()
        started.append(sandbox)
        return sandbox

    try:
        yield start
    finally:
        for sandbox in reversed(started):
            sandbox.stop()


@pytest.fixture
def sandbox_factory() -> Iterator[SandboxFactory]:
    """Start sandboxes with given options for one test; all stop at its teardown."""
    yield from _serve_sandboxes()


@pytest.fixture(scope="module")
def module_sandbox_factory() -> Iterator[SandboxFactory]:
    """`sandbox_factory` for module-scoped fixtures: the sandboxes stop after the module."""
    yield from _serve_sandboxes()


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    """The `Sandbox(...)` arguments of the module's shared `sb`; modules override this."""
    return {}


@pytest.fixture(scope="module")
def shared_sandbox(
    module_sandbox_factory: SandboxFactory, sandbox_options: dict[str, Any]
) -> Sandbox:
    """One running sandbox for the whole module (use `sb`, which resets it between tests)."""
    return module_sandbox_factory(**sandbox_options)


@pytest.fixture
def sb(shared_sandbox: Sandbox) -> Iterator[Sandbox]:
    """The module's sandbox, put back to its initial state after the test."""
    yield shared_sandbox
    shared_sandbox.reset()


@pytest.fixture
async def cc(sb: Sandbox) -> AsyncIterator[ContactCenter]:
    """A client for `sb` that retries without sleeping."""
    async with sb.client(retry=RetryPolicy.instant()) as client:
        yield client


@pytest.fixture
def mock() -> Iterator[respx.MockRouter]:
    """respx routes for a test: any request it did not route fails the test."""
    with respx.mock(assert_all_called=False, assert_all_mocked=True) as router:
        yield router


@pytest.fixture(params=["httpx", "aiohttp"])
def transport(request: pytest.FixtureRequest) -> str:
    """A `ContactCenter(transport=...)` value: both under asyncio, only "httpx" under trio
    (the aiohttp transport runs on asyncio only: that pairing is never collected)."""
    return str(request.param)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Leave out the aiohttp-under-trio pairing, which cannot exist, rather than skip it."""
    impossible = [item for item in items if _on_aiohttp_under_trio(item)]
    if impossible:
        config.hook.pytest_deselected(items=impossible)
        items[:] = [item for item in items if not _on_aiohttp_under_trio(item)]


def _on_aiohttp_under_trio(item: pytest.Item) -> bool:
    params = getattr(getattr(item, "callspec", None), "params", {})
    return params.get("transport") == "aiohttp" and params.get("anyio_backend") == "trio"


@pytest.fixture(scope="module")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    """A real redis-server for the module (AOF on), stopped after it; see `redis_server.py`."""
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> Iterator[str]:
    """The module's Redis, emptied after each test (and started again if a test stopped it)."""
    yield redis_server.url
    redis_server.stop()
    for leftover in redis_server.directory.iterdir():
        if leftover.is_dir():
            shutil.rmtree(leftover)
        else:
            leftover.unlink()
    redis_server.start()
