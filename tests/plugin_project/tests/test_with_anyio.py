"""The integration under anyio's pytest plugin, on asyncio and on trio."""

from __future__ import annotations

import pytest
import scenarios

from eightbyeight_async import ContactCenter
from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.anyio

STREAMING = pytest.mark.eightbyeight(sapi_time_scale=600)


@pytest.fixture(params=["asyncio", "trio"])
def anyio_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


async def test_totals_match_the_ground_truth(
    eightbyeight_sandbox: Sandbox, eightbyeight_client: ContactCenter
) -> None:
    await scenarios.totals_match_the_ground_truth(eightbyeight_sandbox, eightbyeight_client)


async def test_totals_survive_a_503_storm(
    eightbyeight_sandbox: Sandbox, eightbyeight_client: ContactCenter
) -> None:
    await scenarios.totals_survive_a_503_storm(eightbyeight_sandbox, eightbyeight_client)


@STREAMING
async def test_the_mirror_survives_a_dropped_stream(
    eightbyeight_sandbox: Sandbox, eightbyeight_client: ContactCenter
) -> None:
    await scenarios.the_mirror_survives_a_dropped_stream(eightbyeight_sandbox, eightbyeight_client)


@STREAMING
async def test_the_mirror_survives_the_session_end(
    eightbyeight_sandbox: Sandbox, eightbyeight_client: ContactCenter
) -> None:
    await scenarios.the_mirror_survives_the_session_end(eightbyeight_sandbox, eightbyeight_client)
