"""One not-found convention (docs/conventions.md): a lookup by id raises NotFoundError whether
the server answers 404 or an empty collection, in every family that has lookups."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import httpx
import pytest
import respx

from eightbyeight_async import ContactCenter, DecodeError, NotFoundError, RetryPolicy

pytestmark = pytest.mark.anyio

HOST = "https://vcc-na4.8x8.com"

Lookup = Callable[[ContactCenter], Awaitable[Any]]
CASES: list[tuple[str, str, Lookup, Any, Any]] = [
    # (name, URL, the lookup, an empty answer, a two-record answer)
    (
        "stats.agent",
        f"{HOST}/api/stats/agents/fred.json",
        lambda cc: cc.stats.agent("fred"),
        {"agents": {"agent": []}},
        {"agents": {"agent": [{"agent-id": "a"}, {"agent-id": "b"}]}},
    ),
    (
        "realtime.queue",
        f"{HOST}/api/rtstats/stats/queue/102.json",
        lambda cc: cc.realtime.queue(102),
        {"queues": None},
        {"queues": {"queue": [{"queue-id": 1}, {"queue-id": 2}]}},
    ),
    (
        "schedules.get",
        f"{HOST}/api/provisioning/schedules/7",
        lambda cc: cc.schedules.get(7),
        {"schedules": ""},
        {"schedules": {"schedule": [{"id": 1, "name": "a"}, {"id": 2, "name": "b"}]}},
    ),
    (
        "recordings.transcript",
        f"{HOST}/api/recordings/transcripts/int-1.json",
        lambda cc: cc.recordings.transcript("int-1"),
        {"transcripts": {"transcript": []}},
        {"transcripts": {"transcript": [{"interactionGUID": "a"}, {"interactionGUID": "b"}]}},
    ),
]
IDS = [case[0] for case in CASES]


@pytest.fixture
async def cc() -> AsyncIterator[ContactCenter]:
    async with ContactCenter(
        tenant="acme", platform="na4", data_token="data-tok", retry=RetryPolicy.disabled()
    ) as client:
        yield client


@pytest.mark.parametrize(("name", "url", "lookup", "empty", "two"), CASES, ids=IDS)
async def test_a_404_and_an_empty_answer_are_the_same_not_found(
    mock: respx.MockRouter,
    cc: ContactCenter,
    name: str,
    url: str,
    lookup: Lookup,
    empty: Any,
    two: Any,
) -> None:
    route = mock.get(url)
    route.mock(return_value=httpx.Response(404, text="Not found"))
    with pytest.raises(NotFoundError) as by_status:
        await lookup(cc)
    route.mock(return_value=httpx.Response(200, json=empty))
    with pytest.raises(NotFoundError) as by_empty:
        await lookup(cc)
    assert str(by_empty.value).split(" (")[0] == str(by_status.value).split(" (")[0]
    assert "list them" in str(by_status.value) or "in this tenant" in str(by_status.value)


@pytest.mark.parametrize(("name", "url", "lookup", "empty", "two"), CASES, ids=IDS)
async def test_a_lookup_answered_with_two_records_is_a_decode_error(
    mock: respx.MockRouter,
    cc: ContactCenter,
    name: str,
    url: str,
    lookup: Lookup,
    empty: Any,
    two: Any,
) -> None:
    mock.get(url).mock(return_value=httpx.Response(200, json=two))
    with pytest.raises(DecodeError, match=r"expected one \w+ record, got 2"):
        await lookup(cc)
