"""The pieces of a sharded interaction export (slices, their rows, their ends) and its
checkpoint: which parts of its range are done.

A slice's report cursor does not survive a restart, so a slice is either done or read again
whole; the checkpoint is therefore just the export's range and slice length, and the merged
intervals already delivered. Its JSON form (documented in the README, for other tools):

    {"format": "eightbyeight-interaction-export/1",
     "start": "2026-05-01T00:00:00+00:00", "end": "2026-06-01T00:00:00+00:00",
     "slice_seconds": 86400,
     "completed": [["2026-05-01T00:00:00+00:00", "2026-05-09T00:00:00+00:00"], ...]}
"""

from __future__ import annotations

import datetime as dt
import json
import os
import pathlib
import tempfile
from typing import Any, Protocol

import attrs

from .._errors import ConfigurationError
from ..types.detailed_reports import DetailedRow

FORMAT = "eightbyeight-interaction-export/1"

Interval = tuple[dt.datetime, dt.datetime]


@attrs.frozen(order=True)
class Slice:
    """One piece of an export's range, `[start, end)`: one detailed report."""

    start: dt.datetime
    end: dt.datetime

    def __str__(self) -> str:
        return f"{self.start.isoformat()}/{self.end.isoformat()}"


@attrs.frozen
class ExportedRow:
    """One interaction of the export, and the slice (detailed report) it came from."""

    slice: Slice
    row: DetailedRow


@attrs.frozen
class SliceDone:
    """Every row of `slice` has been yielded (`rows` of them)."""

    slice: Slice
    rows: int


def cut(start: dt.datetime, end: dt.datetime, length: dt.timedelta) -> list[Slice]:
    """`[start, end)` in slices of `length` from `start` (the last one may be shorter)."""
    pieces = []
    at = start
    while at < end:
        pieces.append(Slice(at, min(at + length, end)))
        at += length
    return pieces


@attrs.define
class ExportCheckpoint:
    """An export's range and slice length, and the merged intervals already delivered."""

    start: dt.datetime
    end: dt.datetime
    slice_seconds: float
    completed: list[Interval] = attrs.field(factory=list)

    def done(self, piece: Slice) -> bool:
        """Whether `piece` lies inside an interval already delivered."""
        return any(low <= piece.start and piece.end <= high for low, high in self.completed)

    def add(self, piece: Slice) -> None:
        """Record `piece` as delivered, merging it with the intervals it touches."""
        merged: list[Interval] = []
        start, end = piece.start, piece.end
        for low, high in self.completed:
            if high < start or low > end:
                merged.append((low, high))
            else:
                start, end = min(start, low), max(end, high)
        merged.append((start, end))
        self.completed = sorted(merged)

    def forget(self, since: dt.datetime) -> None:
        """Treat everything from `since` on as not delivered (a lookback re-reads it)."""
        kept: list[Interval] = []
        for low, high in self.completed:
            if low < since:
                kept.append((low, min(high, since)))
        self.completed = kept

    @property
    def delivered_until(self) -> dt.datetime | None:
        """The end of the last interval delivered, if any."""
        return self.completed[-1][1] if self.completed else None

    def to_json(self) -> dict[str, Any]:
        return {
            "format": FORMAT,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "slice_seconds": self.slice_seconds,
            "completed": [[low.isoformat(), high.isoformat()] for low, high in self.completed],
        }

    @classmethod
    def from_json(cls, data: Any) -> ExportCheckpoint:
        """Read what `to_json` wrote; anything else is a ConfigurationError."""
        try:
            if data.get("format") != FORMAT:
                raise ValueError(f"format is {data.get('format')!r}, not {FORMAT!r}")
            completed = [(_instant(low), _instant(high)) for low, high in data["completed"]]
            return cls(
                start=_instant(data["start"]),
                end=_instant(data["end"]),
                slice_seconds=float(data["slice_seconds"]),
                completed=sorted(completed),
            )
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ConfigurationError(f"the export checkpoint is not readable: {exc!r}") from None


def _instant(text: str) -> dt.datetime:
    moment = dt.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        raise ValueError(f"{text!r} has no time zone")
    return moment


class ExportCheckpointStore(Protocol):
    """Where an export's checkpoint lives. `load()` returns None when there is none yet."""

    def load(self) -> ExportCheckpoint | None: ...

    def save(self, checkpoint: ExportCheckpoint) -> None: ...


class FileExportCheckpoint:
    """An export checkpoint in a JSON file, replaced atomically (a `kill -9` at any moment
    leaves the previous or the next version, never half of one)."""

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = pathlib.Path(path)

    def __repr__(self) -> str:
        return f"FileExportCheckpoint({str(self.path)!r})"

    def load(self) -> ExportCheckpoint | None:
        try:
            data = self.path.read_bytes()
        except FileNotFoundError:
            return None
        try:
            return ExportCheckpoint.from_json(json.loads(data.decode("utf-8")))
        except (ValueError, RecursionError) as exc:
            raise ConfigurationError(
                f"the export checkpoint {self.path} is not JSON ({exc!r}); delete it to start over"
            ) from None

    def save(self, checkpoint: ExportCheckpoint) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.path.parent, prefix=self.path.name)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as file:
                json.dump(checkpoint.to_json(), file)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.path)
        except BaseException:
            pathlib.Path(temporary).unlink(missing_ok=True)
            raise
