"""Shared fixtures: every async test runs under both asyncio and trio (anyio's plugin).

`EIGHTBYEIGHT_TEST_BACKENDS=trio` (comma-separated) narrows the run to some event loops; the
nox `tests` session uses it to run each loop as its own session.
"""

from __future__ import annotations

import os

import pytest

BACKENDS = os.environ.get("EIGHTBYEIGHT_TEST_BACKENDS", "asyncio,trio").split(",")


@pytest.fixture(params=BACKENDS)
def anyio_backend(request: pytest.FixtureRequest) -> str:
    """Run each `@pytest.mark.anyio` test once per event loop the SDK supports."""
    return str(request.param)
