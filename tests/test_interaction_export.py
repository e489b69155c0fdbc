"""`cc.analytics.export_interactions`: a 30-day range as one detailed report per day, read
several at once, every interaction exactly once, restartable from its checkpoint after any
interruption, slices re-read after failing part-way, and files that replace re-read slices."""

from __future__ import annotations

import collections
import datetime as dt
import json
import pathlib
from typing import Any

import anyio
import pytest

from eightbyeight_async import (
    ConfigurationError,
    ContactCenter,
    FileExportCheckpoint,
    InteractionExport,
    InvalidArgumentError,
    RetryPolicy,
)
from eightbyeight_async.sandbox import Sandbox

pytestmark = pytest.mark.anyio

DAY = dt.timedelta(days=1)


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 11, "days": 30, "interactions_per_day": 40}


def month(sb: Sandbox) -> tuple[dt.datetime, dt.datetime]:
    end = sb.tenant.now.astimezone(dt.timezone.utc).replace(minute=0, second=0, microsecond=0)
    end += dt.timedelta(hours=1)
    return end - 30 * DAY, end


def report_requests(sb: Sandbox) -> int:
    """Detailed report requests the sandbox received (creations and data pages)."""
    return sum(n for path, n in sb.faults.requests.items() if "/detailed-reports" in path)


def ids_in(path: pathlib.Path) -> list[str]:
    return [json.loads(line)["interactionId"] for line in path.read_text().splitlines()]


async def test_every_interaction_arrives_once_tagged_with_its_slice(
    sb: Sandbox, cc: ContactCenter
) -> None:
    start, end = month(sb)
    seen: list[str] = []
    async with cc.analytics.export_interactions(start=start, end=end, tz="UTC") as export:
        async for item in export:
            began = dt.datetime.fromisoformat(str(item.row["startTime"]))
            assert item.slice.start <= began < item.slice.end
            seen.append(str(item.row["interactionId"]))
    assert sorted(seen) == sorted(sb.truth.interaction_ids(start, end))
    assert len(seen) == len(set(seen)) > 500
    assert export.stats.slices == export.stats.slices_done == 30
    assert export.checkpoint.completed == [(start, end)]


async def test_write_then_a_rerun_with_the_checkpoint_reads_nothing_again(
    sb: Sandbox, cc: ContactCenter, tmp_path: pathlib.Path
) -> None:
    start, end = month(sb)
    out, store = tmp_path / "calls.jsonl", FileExportCheckpoint(tmp_path / "calls.export.json")
    async with cc.analytics.export_interactions(
        start=start, end=end, checkpoint=store, tz="UTC"
    ) as export:
        assert await export.write(out) == len(sb.truth.interaction_ids(start, end))
    assert ids_in(out) == sb.truth.interaction_ids(start, end)  # slice order, report order
    saved = json.loads(store.path.read_text())
    assert saved["format"] == "eightbyeight-interaction-export/1"
    assert saved["completed"] == [[start.isoformat(), end.isoformat()]]
    before = report_requests(sb)
    async with cc.analytics.export_interactions(
        start=start, end=end, checkpoint=store, tz="UTC"
    ) as again:
        assert await again.write(out) == len(ids_in(out))
    assert again.stats.slices_skipped == 30
    assert report_requests(sb) == before


async def test_an_interrupted_export_resumes_without_a_duplicate(
    sb: Sandbox, cc: ContactCenter, tmp_path: pathlib.Path
) -> None:
    start, end = month(sb)
    out, store = tmp_path / "calls.jsonl", FileExportCheckpoint(tmp_path / "calls.export.json")
    for slices in (2, 9, 17):  # slices written before the process "dies"
        with anyio.CancelScope() as scope:
            async with cc.analytics.export_interactions(
                start=start, end=end, checkpoint=store, concurrency=4, tz="UTC"
            ) as export:

                async def die(
                    export: InteractionExport = export,
                    scope: anyio.CancelScope = scope,
                    slices: int = slices,
                ) -> None:
                    if export.stats.slices_done + export.stats.slices_skipped >= slices:
                        scope.cancel()

                await export.write(out, on_progress=die)
        assert scope.cancelled_caught
    async with cc.analytics.export_interactions(
        start=start, end=end, checkpoint=store, tz="UTC"
    ) as export:
        await export.write(out)
    assert export.stats.slices_skipped > 0
    assert ids_in(out) == sb.truth.interaction_ids(start, end)


async def test_a_slice_failing_part_way_is_read_again_without_duplicates(
    sb: Sandbox, tmp_path: pathlib.Path
) -> None:
    start, end = month(sb)
    sb.faults.status("*/detailed-reports/*/data", 503, every=7)
    async with (
        sb.client(retry=RetryPolicy.instant(max_retries=0)) as cc,
        cc.analytics.export_interactions(
            start=start, end=end, page_size=10, concurrency=1, tz="UTC"
        ) as export,
    ):
        ids = [str(item.row["interactionId"]) async for item in export]
    assert export.stats.slice_retries > 0
    assert ids == sb.truth.interaction_ids(start, end)


async def test_a_lookback_reads_the_last_slices_again_and_replaces_them(
    sb: Sandbox, cc: ContactCenter, tmp_path: pathlib.Path
) -> None:
    start, end = month(sb)
    out, store = tmp_path / "calls.csv", FileExportCheckpoint(tmp_path / "calls.export.json")
    async with cc.analytics.export_interactions(
        start=start, end=end, checkpoint=store, tz="UTC"
    ) as export:
        await export.write(out, "csv")
    async with cc.analytics.export_interactions(
        start=start, end=end, checkpoint=store, lookback=dt.timedelta(hours=36), tz="UTC"
    ) as again:
        rows = await again.write(out, "csv")
    assert again.stats.slices_done == 2  # the last day, and the one the 36 hours reach into
    lines = out.read_text().splitlines()
    assert lines[0].startswith("interactionId,")
    assert rows == len(lines) - 1 == len(sb.truth.interaction_ids(start, end))
    counts = collections.Counter(line.split(",")[0] for line in lines[1:])
    assert max(counts.values()) == 1


async def test_a_longer_range_goes_on_from_the_checkpoint(
    sb: Sandbox, cc: ContactCenter, tmp_path: pathlib.Path
) -> None:
    start, end = month(sb)
    store = FileExportCheckpoint(tmp_path / "calls.export.json")
    async with cc.analytics.export_interactions(
        start=start, end=end - 10 * DAY, checkpoint=store, tz="UTC"
    ) as first:
        await first.write(tmp_path / "calls.jsonl")
    async with cc.analytics.export_interactions(
        start=start, end=end, checkpoint=store, tz="UTC"
    ) as export:
        await export.write(tmp_path / "calls.jsonl")
    assert (export.stats.slices_skipped, export.stats.slices_done) == (20, 10)
    assert ids_in(tmp_path / "calls.jsonl") == sb.truth.interaction_ids(start, end)


async def test_a_checkpoint_of_another_export_is_refused(
    sb: Sandbox, cc: ContactCenter, tmp_path: pathlib.Path
) -> None:
    start, end = month(sb)
    store = FileExportCheckpoint(tmp_path / "calls.export.json")
    async with cc.analytics.export_interactions(
        start=start, end=start + DAY, checkpoint=store, tz="UTC"
    ) as export:
        await export.write(tmp_path / "calls.jsonl")
    with pytest.raises(ConfigurationError, match="another checkpoint"):
        cc.analytics.export_interactions(
            start=start, end=end, slice=dt.timedelta(hours=6), checkpoint=store
        )


@pytest.mark.parametrize(
    ("arguments", "problem"),
    [
        ({"slice": dt.timedelta(minutes=1)}, "slice must be"),
        ({"slice": 86400}, "slice must be"),
        ({"concurrency": 0}, "concurrency must be"),
        ({"concurrency": 65}, "concurrency must be"),
        ({"lookback": 6}, "lookback must be"),
        ({"checkpoint": "calls.export.json"}, "checkpoint must be a store"),
        ({"end": dt.datetime(2020, 1, 1, tzinfo=dt.timezone.utc)}, "must be after start"),
    ],
)
async def test_wrong_arguments_are_refused_before_any_request(
    sb: Sandbox, cc: ContactCenter, arguments: dict[str, Any], problem: str
) -> None:
    start, end = month(sb)
    before = sb.faults.total_requests
    with pytest.raises(InvalidArgumentError, match=problem):
        cc.analytics.export_interactions(**{"start": start, "end": end, **arguments})
    assert sb.faults.total_requests == before
