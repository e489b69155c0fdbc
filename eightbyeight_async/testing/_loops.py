"""Which plugin runs the async `eightbyeight_client` fixture: the one that runs the test.

anyio's plugin runs async fixtures for tests that use `anyio_backend`; pytest-asyncio runs
the fixtures it finds marked the way `pytest_asyncio.fixture` marks them (in auto mode, every
async fixture). The client must open and close on the test's own event loop, so for each
setup the kit hands the fixture machinery a copy of the fixture function marked for exactly
one of them (see `pytest_fixture_setup` in the plugin).
"""

from __future__ import annotations

import types
from collections.abc import Callable
from typing import Any, TypeVar

import pytest

Function = TypeVar("Function", bound=Callable[..., Any])

ASYNCIO_MARK = "_force_asyncio_fixture"
"""The attribute `pytest_asyncio.fixture` sets; `_loop_scope` goes with it."""


def mark_for_pytest_asyncio(function: Function, loop_scope: str | None = None) -> Function:
    """Mark `function` as `@pytest_asyncio.fixture` would, without importing pytest-asyncio
    (which strict mode needs before it calls an async fixture of an asyncio test)."""
    vars(function).update({ASYNCIO_MARK: True, "_loop_scope": loop_scope})
    return function


def stand_in(function: types.FunctionType, request: pytest.FixtureRequest) -> Any:
    """A copy of the async fixture `function` that only the plugin running the test runs.

    An anyio test gets it unmarked (strict pytest-asyncio then leaves it to anyio); a
    pytest-asyncio test gets it marked with the test's loop scope. UsageError when no plugin
    or both would run the test.
    """
    copy = types.FunctionType(
        function.__code__,
        function.__globals__,
        function.__name__,
        function.__defaults__,
        function.__closure__,
    )
    copy.__kwdefaults__ = function.__kwdefaults__
    copy.__qualname__ = function.__qualname__
    asyncio_marker = request.node.get_closest_marker("asyncio")
    by_anyio = "anyio_backend" in request.fixturenames
    if by_anyio and asyncio_marker is not None:
        raise pytest.UsageError(
            f"{request.node.nodeid} uses anyio_backend but pytest-asyncio runs it (its "
            "asyncio marker; auto mode adds one to every async test) on its own event loop, "
            f"so {request.fixturename} cannot share the test's loop: use asyncio_mode = "
            "strict for @pytest.mark.anyio tests, or drop their anyio marker"
        )
    if by_anyio:
        return copy
    if asyncio_marker is not None:
        scope = asyncio_marker.kwargs.get("loop_scope") or asyncio_marker.kwargs.get("scope")
        return mark_for_pytest_asyncio(copy, scope or _default_test_loop_scope(request.config))
    raise pytest.UsageError(
        f"{request.node.nodeid}: {request.fixturename} is an async fixture; request it from "
        "an async test run by anyio (@pytest.mark.anyio) or pytest-asyncio "
        "(@pytest.mark.asyncio), or use eightbyeight_sandbox from a sync test"
    )


def _default_test_loop_scope(config: pytest.Config) -> str:
    try:
        return str(config.getini("asyncio_default_test_loop_scope") or "function")
    except ValueError:  # an asyncio marker without pytest-asyncio's ini options
        return "function"
