"""pytest fixtures for testing an integration against the sandbox (a pytest plugin).

Installed with the package (the `eightbyeight` `pytest11` entry point), so every pytest run
of an environment that has it gets:

- `eightbyeight_sandbox`: a running `Sandbox`, reset after each test. Servers are shared for
  the session, one per distinct set of options, so a suite starts each one once.
- `eightbyeight_client`: a `ContactCenter` for it (retries like the default, never sleeps),
  opened and closed on the test's own event loop, under anyio's plugin (asyncio or trio) or
  pytest-asyncio.
- `@pytest.mark.eightbyeight(**options)`: any `Sandbox(...)` keyword (`seed=`, `days=`,
  `agents=`, ...) and `client={...}` overrides for `sb.client(...)`; the ini settings
  `eightbyeight_seed`, `eightbyeight_days` and `eightbyeight_agents` are the defaults.

Loading the plugin imports neither the sandbox nor its server; the first fixture does.
"""

from __future__ import annotations

import types
from collections.abc import AsyncIterator, Generator, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .._retry import RetryPolicy
from ._loops import mark_for_pytest_asyncio, stand_in
from ._options import MARKER_HELP, add_ini_options, read_options
from ._pool import SandboxPool

if TYPE_CHECKING:
    from .._client import ContactCenter
    from ..sandbox import Sandbox

__all__ = ["eightbyeight_client", "eightbyeight_sandbox"]

CLIENT_FIXTURE = "eightbyeight_client"


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the `eightbyeight_*` ini settings."""
    add_ini_options(parser)


def pytest_configure(config: pytest.Config) -> None:
    """Register the `eightbyeight` marker (suites run with `--strict-markers`)."""
    config.addinivalue_line("markers", MARKER_HELP)


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_fixture_setup(
    fixturedef: pytest.FixtureDef[Any], request: pytest.FixtureRequest
) -> Generator[None, object, object]:
    """Let only the plugin that runs the test run `eightbyeight_client` (see `_loops`):
    outermost, so every other plugin's hook sees the stand-in, restored afterwards."""
    function = fixturedef.func
    if fixturedef.argname != CLIENT_FIXTURE or getattr(function, "__module__", "") != __name__:
        return (yield)  # not ours (or overridden by the user's own fixture)
    assert isinstance(function, types.FunctionType)
    # `func` is Final to pytest's typing only; pytest-asyncio swaps it the same way
    fixturedef.func = stand_in(function, request)  # type: ignore[misc]
    try:
        return (yield)
    finally:
        fixturedef.func = function  # type: ignore[misc]


@pytest.fixture(scope="session")
def _eightbyeight_pool() -> Iterator[SandboxPool]:
    """The session's sandboxes, stopped when it ends."""
    pool = SandboxPool()
    try:
        yield pool
    finally:
        pool.close()


@pytest.fixture
def eightbyeight_sandbox(
    request: pytest.FixtureRequest, _eightbyeight_pool: SandboxPool
) -> Iterator[Sandbox]:
    """A running `Sandbox` with the test's options (marker over ini), reset after the test.

    Reach everything through it: `sb.faults` (injected faults), `sb.streaming` and
    `sb.events` (the simulated clocks: `advance()`, `now()`; `sb.advance()` moves both),
    `sb.truth` (what each API should answer) and `sb.client()` for more clients.
    """
    sandbox = _eightbyeight_pool.get(read_options(_test_of(request)).sandbox)
    try:
        yield sandbox
    finally:
        sandbox.reset()


@pytest.fixture
@mark_for_pytest_asyncio
async def eightbyeight_client(
    eightbyeight_sandbox: Sandbox, request: pytest.FixtureRequest
) -> AsyncIterator[ContactCenter]:
    """A `ContactCenter` for `eightbyeight_sandbox`, open for the test.

    Its retry policy is `RetryPolicy.instant()`: the default's retries and statuses without
    sleeping. `@pytest.mark.eightbyeight(client={...})` overrides any `ContactCenter` keyword
    (`retry=`, `transport=`, `timeout=`, ...).
    """
    overrides = read_options(_test_of(request)).client
    async with eightbyeight_sandbox.client(
        **{"retry": RetryPolicy.instant(), **overrides}
    ) as client:
        yield client


def _test_of(request: pytest.FixtureRequest) -> pytest.Item:
    """The test a function-scoped fixture serves."""
    assert isinstance(request.node, pytest.Item)
    return request.node
