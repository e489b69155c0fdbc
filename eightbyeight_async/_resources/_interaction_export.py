"""`cc.analytics.export_interactions(...)`: months of interactions as one detailed report per
slice, a bounded number in flight, restartable anywhere.

Each slice pages strictly sequentially (its cursor is), so speed comes from slices in
parallel. Rows are yielded as they arrive, tagged with their slice; a slice counts as
delivered (and the checkpoint records it) once its last row has been received and the caller
asked for more. A slice that fails part-way is read again whole (its cursor does not
survive), skipping the interactions it had already yielded; after a restart, the slices not
delivered are read again whole, and a writer replaces what it had of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import os
import pathlib
import random
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import anyio
import attrs

from .._errors import APIError, ConfigurationError, InvalidArgumentError
from .._retry import RetryPolicy, retry_delay
from .._validate import describe_value, is_count
from ..types.detailed_reports import DetailedRow
from ._analytics_validation import instant
from ._detailed_job import DetailedReportJob
from ._export_checkpoint import (
    ExportCheckpoint,
    ExportCheckpointStore,
    ExportedRow,
    Slice,
    SliceDone,
    cut,
)
from ._export_files import ExportFormat, SliceFiles

if sys.version_info < (3, 11):  # pragma: no cover - the backport anyio brings on 3.10
    from exceptiongroup import BaseExceptionGroup

logger = logging.getLogger("eightbyeight_async.export")

ROW_KEY = "interactionId"
"""The item that identifies an interaction (a re-read slice skips those already yielded)."""
SLICE_ATTEMPTS = 3
"""Times a slice is read before its error ends the export (the pipeline retries each page
first; this is for a page whose retries ran out, such as a long outage). The wait between
readings is the call's retry policy's backoff."""
_BUFFERED_ROWS = 256
"""Rows read ahead of the caller, across slices (a slice's reader waits when it is full): a
few hundred keep every reader busy; more only hold memory (a 95-metric row is ~28 KB)."""
MAX_CONCURRENCY = 64

OpenSlice = Callable[[Slice], Awaitable[AsyncIterator[DetailedRow]]]
"""Makes the slice's detailed report and returns its rows."""


@attrs.frozen
class _Failure:
    error: BaseException


@attrs.frozen
class _End:
    pass


@attrs.define
class ExportStats:
    """Where an export stands."""

    slices: int = 0
    """Slices in the range."""
    slices_skipped: int = 0
    """Slices delivered by an earlier run (the checkpoint)."""
    slices_done: int = 0
    rows: int = 0
    slice_retries: int = 0
    """Slices read again after a failure part-way."""


class InteractionExport:
    """A running export. Use through `cc.analytics.export_interactions(...)` as an async
    context manager; `async for item in export` yields `ExportedRow`s."""

    def __init__(
        self,
        open_slice: OpenSlice,
        pieces: list[Slice],
        *,
        checkpoint: ExportCheckpoint,
        store: ExportCheckpointStore | None,
        concurrency: int,
        retry: RetryPolicy,
    ) -> None:
        self._open_slice = open_slice
        self.checkpoint = checkpoint
        """What has been delivered (saved to the store after every slice)."""
        self._store = store
        self.slices = pieces
        """Every slice of the range, in order."""
        self._pending = [piece for piece in pieces if not checkpoint.done(piece)]
        self.stats = ExportStats(
            slices=len(pieces), slices_skipped=len(pieces) - len(self._pending)
        )
        self._limiter = anyio.Semaphore(concurrency)
        self._retry = retry
        self._rng = random.Random()
        self._send, self._receive = anyio.create_memory_object_stream[
            ExportedRow | SliceDone | _Failure | _End
        ](_BUFFERED_ROWS)
        self._done_marker: SliceDone | None = None
        self._finished = False

    def __repr__(self) -> str:
        stats = self.stats
        done = stats.slices_done + stats.slices_skipped
        return f"InteractionExport(slices={stats.slices}, done={done}, rows={stats.rows})"

    @property
    def pending(self) -> list[Slice]:
        """The slices this run reads (those the checkpoint did not have)."""
        return list(self._pending)

    def __aiter__(self) -> AsyncIterator[ExportedRow]:
        return self._rows()

    async def _rows(self) -> AsyncIterator[ExportedRow]:
        async for item in self.items():
            if isinstance(item, ExportedRow):
                yield item

    async def items(self) -> AsyncIterator[ExportedRow | SliceDone]:
        """Rows and, after each slice's last row, its `SliceDone` (for writers that finish a
        slice's file before the checkpoint records it). The checkpoint is saved when the
        caller comes back after a `SliceDone`."""
        while not self._finished:
            self._settle()
            item = await self._receive.receive()
            if isinstance(item, _Failure):
                raise item.error
            if isinstance(item, _End):
                self._finished = True
                return
            if isinstance(item, SliceDone):
                self._done_marker = item
            else:
                self.stats.rows += 1
            yield item

    def _settle(self) -> None:
        """The caller came back after a `SliceDone`: record that slice as delivered."""
        marker, self._done_marker = self._done_marker, None
        if marker is None:
            return
        self.stats.slices_done += 1
        self.checkpoint.add(marker.slice)
        if self._store is not None:
            self._store.save(self.checkpoint)

    async def write(
        self,
        out: str | os.PathLike[str],
        format: ExportFormat = "jsonl",
        *,
        on_progress: Callable[[], Awaitable[object]] | None = None,
    ) -> int:
        """Write the export to `out` (JSON Lines of the rows as the server sent them, or CSV)
        and return its rows: each slice to a part file under `<out>.parts/` (a slice read
        again replaces its part), then `out` assembled from the parts of every slice.
        `on_progress` is awaited after every slice and every 1000 rows."""
        files = SliceFiles(pathlib.Path(out), format)
        try:
            async for item in self.items():
                if isinstance(item, SliceDone):
                    files.finish(item)
                else:
                    files.write(item)
                if on_progress is not None and (
                    isinstance(item, SliceDone) or self.stats.rows % 1000 == 0
                ):
                    await on_progress()
        finally:
            files.abandon()
        return files.assemble(self.slices)

    def close(self) -> None:
        """The caller left: a `SliceDone` it received counts as delivered."""
        self._settle()

    def release(self) -> None:
        """The readers have stopped: close the channel the rows came through."""
        self._send.close()
        self._receive.close()

    # --- the readers (background tasks) ----------------------------------------------------

    async def run(self) -> None:
        """Read every pending slice, `concurrency` at a time; then signal the end."""
        try:
            async with anyio.create_task_group() as readers:
                for piece in self._pending:
                    await self._limiter.acquire()  # slices start in order, a bounded number
                    readers.start_soon(self._read_slice, piece)
            await self._send.send(_End())
        except Exception as exc:
            await self._send.send(_Failure(_sole(exc)))

    async def _read_slice(self, piece: Slice) -> None:
        try:
            yielded: set[Any] = set()
            count = 0
            for attempt in range(1, SLICE_ATTEMPTS + 1):
                try:
                    async for row in await self._open_slice(piece):
                        key = row.values.get(ROW_KEY)
                        if key is not None:
                            if key in yielded:
                                continue  # yielded by an attempt that failed part-way
                            yielded.add(key)
                        count += 1
                        await self._send.send(ExportedRow(piece, row))
                    await self._send.send(SliceDone(piece, count))
                    return
                except APIError as exc:
                    if attempt == SLICE_ATTEMPTS:
                        raise
                    self.stats.slice_retries += 1
                    logger.warning(
                        "slice %s failed part-way (%s); reading it again (attempt %d of %d)",
                        piece,
                        exc,
                        attempt + 1,
                        SLICE_ATTEMPTS,
                    )
                    await anyio.sleep(retry_delay(self._retry, attempt, rng=self._rng))
        finally:
            self._limiter.release()


def _sole(error: BaseException) -> BaseException:
    """The one exception inside nested single-member exception groups (else the group)."""
    while isinstance(error, BaseExceptionGroup) and len(error.exceptions) == 1:
        error = error.exceptions[0]
    return error


@contextlib.asynccontextmanager
async def running(export: InteractionExport) -> AsyncIterator[InteractionExport]:
    """Run `export`'s readers for the length of a `with` block; the block's own exception
    comes out as it was raised (not wrapped in an exception group)."""
    failure: BaseException | None = None
    try:
        async with anyio.create_task_group() as task_group:
            task_group.start_soon(export.run)
            try:
                yield export
            except BaseException as exc:
                failure = exc
            finally:
                export.close()
                task_group.cancel_scope.cancel()
    finally:
        export.release()
    if failure is not None:
        raise failure


def prepare(
    open_report: Callable[[Slice], Awaitable[DetailedReportJob]],
    *,
    retry: RetryPolicy,
    start: object,
    end: object,
    slice: object,
    concurrency: object,
    checkpoint: object,
    lookback: object,
    page_size: int,
) -> InteractionExport:
    """Check the export's arguments (InvalidArgumentError before any request), load its
    checkpoint, and build it; `open_report` makes one slice's detailed report."""
    begin, finish = instant(start, "start"), instant(end, "end")
    if finish <= begin:
        raise InvalidArgumentError(f"end ({finish.isoformat()}) must be after start")
    length = _timedelta("slice", slice, dt.timedelta(minutes=5), "a detailed report's shortest")
    back = None if lookback is None else _timedelta("lookback", lookback, dt.timedelta(0), "")
    if (
        not is_count(concurrency, 1)
        or not isinstance(concurrency, int)
        or concurrency > MAX_CONCURRENCY
    ):
        raise InvalidArgumentError(
            f"concurrency must be an int from 1 to {MAX_CONCURRENCY} (reports read at once); "
            f"got {describe_value(concurrency)}"
        )
    if checkpoint is not None and not all(
        callable(getattr(checkpoint, m, None)) for m in ("load", "save")
    ):
        raise InvalidArgumentError(
            "checkpoint must be a store with load() and save(), such as "
            f"FileExportCheckpoint('calls.export.json'); got {describe_value(checkpoint)}"
        )
    store: ExportCheckpointStore | None = checkpoint  # type: ignore[assignment]
    saved = _saved(store, begin, finish, length, back)

    async def open_slice(piece: Slice) -> AsyncIterator[DetailedRow]:
        job = await open_report(piece)
        return job.rows(page_size=page_size).__aiter__()

    return InteractionExport(
        open_slice,
        cut(begin, finish, length),
        checkpoint=saved,
        store=store,
        concurrency=concurrency,
        retry=retry,
    )


def _timedelta(name: str, value: object, minimum: dt.timedelta, why: str) -> dt.timedelta:
    if not isinstance(value, dt.timedelta) or value < minimum:
        bound = f"at least {minimum}" + (f" ({why})" if why else "")
        raise InvalidArgumentError(
            f"{name} must be a datetime.timedelta of {bound}, such as timedelta(days=1); "
            f"got {describe_value(value)}"
        )
    return value


def _saved(
    store: ExportCheckpointStore | None,
    start: dt.datetime,
    end: dt.datetime,
    length: dt.timedelta,
    lookback: dt.timedelta | None,
) -> ExportCheckpoint:
    """The checkpoint to go on from: the saved one (its range may have grown), or a new one."""
    fresh = ExportCheckpoint(start, end, length.total_seconds())
    saved = store.load() if store is not None else None
    if saved is None:
        return fresh
    if saved.start != start or saved.slice_seconds != fresh.slice_seconds:
        raise ConfigurationError(
            f"the checkpoint is of an export from {saved.start.isoformat()} in slices of "
            f"{saved.slice_seconds:g}s, not from {start.isoformat()} in {fresh.slice_seconds:g}s;"
            " use another checkpoint (and output), or the same start and slice"
        )
    saved.end = end
    until = saved.delivered_until
    if lookback is not None and until is not None:
        saved.forget(until - lookback)
    return saved
