"""The integration under pytest-asyncio (strict mode needs the asyncio marker)."""

from __future__ import annotations

import pytest
import scenarios

from eightbyeight_async import ContactCenter
from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.asyncio


async def test_totals_match_the_ground_truth(
    eightbyeight_sandbox: Sandbox, eightbyeight_client: ContactCenter
) -> None:
    await scenarios.totals_match_the_ground_truth(eightbyeight_sandbox, eightbyeight_client)


async def test_totals_survive_a_503_storm(
    eightbyeight_sandbox: Sandbox, eightbyeight_client: ContactCenter
) -> None:
    await scenarios.totals_survive_a_503_storm(eightbyeight_sandbox, eightbyeight_client)


@pytest.mark.eightbyeight(sapi_time_scale=600)
async def test_the_mirror_survives_a_dropped_stream(
    eightbyeight_sandbox: Sandbox, eightbyeight_client: ContactCenter
) -> None:
    await scenarios.the_mirror_survives_a_dropped_stream(eightbyeight_sandbox, eightbyeight_client)
