"""An interaction export written to disk: one part file per slice, assembled into one file.

While a slice is read its rows go to `<out>.parts/<slice>.<ext>.partial`; when its last row
is in, the file is synced and renamed to `<slice>.<ext>`, and only then does the checkpoint
record the slice. A slice read again (after a restart, or by a lookback) replaces its part
instead of adding to it, so the assembled `<out>` never holds an interaction twice. The
parts are kept beside the output: a later run (a lookback, a longer range) rebuilds `<out>`
from them.
"""

from __future__ import annotations

import csv
import io
import json
import os
import pathlib
from typing import IO, Any, Literal

from ..types.detailed_reports import DetailedRow
from ._export_checkpoint import ExportedRow, Slice, SliceDone

ExportFormat = Literal["jsonl", "csv"]
_PARTIAL = ".partial"


def wire_values(row: DetailedRow) -> dict[str, Any]:
    """A row as key → value as the server sent it (lossless, JSON-ready), participants too."""
    items = row.raw.get("items")
    if not isinstance(items, list):
        return dict(row.values)
    return {item["key"]: item.get("value") for item in items if isinstance(item, dict)}


def _csv_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict) and "value" in value:
        value = value["value"]
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


class SliceFiles:
    """The part files of an export to `out`, and their assembly into `out`."""

    def __init__(self, out: pathlib.Path, format: ExportFormat) -> None:
        self.out = out
        self.format = format
        self.parts = out.with_name(out.name + ".parts")
        self._open: dict[Slice, IO[str]] = {}
        self._writers: dict[Slice, Any] = {}

    def part(self, piece: Slice) -> pathlib.Path:
        """Where `piece`'s rows go (names sort like the slices)."""
        name = f"{piece.start:%Y%m%dT%H%M%S%z}_{piece.end:%Y%m%dT%H%M%S%z}.{self.format}"
        return self.parts / name

    def write(self, item: ExportedRow) -> None:
        """Add one row to its slice's part (started afresh on the slice's first row)."""
        handle = self._open.get(item.slice)
        values = wire_values(item.row)
        if handle is None:
            self.parts.mkdir(parents=True, exist_ok=True)
            path = self.part(item.slice)
            partial = path.with_name(path.name + _PARTIAL)
            handle = open(partial, "w", encoding="utf-8", newline="")  # noqa: SIM115 - one per slice
            self._open[item.slice] = handle
            if self.format == "csv":
                writer = csv.DictWriter(handle, fieldnames=list(values), extrasaction="ignore")
                writer.writeheader()
                self._writers[item.slice] = writer
        if self.format == "csv":
            self._writers[item.slice].writerow({k: _csv_text(v) for k, v in values.items()})
        else:
            handle.write(json.dumps(values, ensure_ascii=False, separators=(",", ":")) + "\n")

    def finish(self, done: SliceDone) -> None:
        """The slice's last row is in: make its part durable and final."""
        handle = self._open.pop(done.slice, None)
        self._writers.pop(done.slice, None)
        path = self.part(done.slice)
        partial = path.with_name(path.name + _PARTIAL)
        if handle is None:  # a slice without rows: an empty part
            self.parts.mkdir(parents=True, exist_ok=True)
            handle = open(partial, "w", encoding="utf-8")  # noqa: SIM115 - closed below
        handle.flush()
        os.fsync(handle.fileno())
        handle.close()
        os.replace(partial, path)

    def abandon(self) -> None:
        """Close the parts still being written (their slices are read again next time)."""
        for handle in self._open.values():
            handle.close()
        self._open.clear()
        self._writers.clear()

    def assemble(self, pieces: list[Slice]) -> int:
        """Write `out` from the parts of `pieces`, in order (atomically); returns its rows."""
        temporary = self.out.with_name(self.out.name + _PARTIAL)
        rows = 0
        header: str | None = None
        with open(temporary, "w", encoding="utf-8", newline="") as sink:
            for piece in pieces:
                path = self.part(piece)
                if not path.exists():
                    continue
                with open(path, encoding="utf-8", newline="") as part:
                    text = part.read()
                if self.format == "csv" and text:
                    first, _, text = text.partition("\n")
                    if header is None:
                        header = first
                        sink.write(first + "\n")
                    elif first != header:
                        raise ValueError(
                            f"{path} has other columns than the parts before it; export the "
                            "same metrics, or start a new output"
                        )
                lines = csv.reader(io.StringIO(text)) if self.format == "csv" else text.splitlines()
                rows += sum(1 for line in lines if line)
                sink.write(text)
            sink.flush()
            os.fsync(sink.fileno())
        os.replace(temporary, self.out)
        return rows
