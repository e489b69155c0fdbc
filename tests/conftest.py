"""Shared fixtures: every async test runs under both asyncio and trio (anyio's plugin)."""

from __future__ import annotations

import pytest


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run each `@pytest.mark.anyio` test once per event loop the SDK supports."""
    return str(request.param)
