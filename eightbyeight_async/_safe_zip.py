"""Extracting a downloaded ZIP without trusting it.

Every entry name is checked before anything is written: `..` components, absolute paths
(`/x`, `\\x`, `C:x`), links and special files refuse the whole archive. Entries are then
decompressed chunk by chunk into part files while the bytes actually produced are counted
against `ArchiveLimits` (the sizes the ZIP headers declare are only a first check: a bomb
can lie about them). Files land flat in the destination directory under safe names, all
together once every entry is complete; any failure leaves nothing behind.
"""

from __future__ import annotations

import re
import stat
import zipfile
import zlib
from pathlib import Path
from typing import Any

import attrs

from ._errors import DecodeError, InvalidArgumentError, UnsafeArchiveError
from ._safe_files import Staging, safe_filename

CHUNK_SIZE = 64 * 1024
"""Bytes decompressed (and held in memory) at a time."""

EXTRACTED_METHODS = frozenset({zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED})
"""Compression methods extracted. bzip2 and LZMA are refused: Python decompresses a whole
read of them at once, so their output per read cannot be bounded."""

_ABSOLUTE = re.compile(r"^(/|[A-Za-z]:)")


def _positive(instance: object, attribute: attrs.Attribute[Any], value: Any) -> None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not value > 0:
        raise InvalidArgumentError(
            f"ArchiveLimits.{attribute.name} must be positive; got {value!r}"
        )


@attrs.frozen
class ArchiveLimits:
    """How much a downloaded ZIP may unpack to; beyond it, `UnsafeArchiveError`.

    `max_ratio` caps each entry's uncompressed/compressed ratio once the entry has produced
    `ratio_floor_bytes` (small, very repetitive files are legitimately compressible).
    """

    max_files: int = attrs.field(default=1_000, validator=_positive)
    max_total_bytes: int = attrs.field(default=1 << 30, validator=_positive)
    max_ratio: float = attrs.field(default=100.0, validator=_positive)
    ratio_floor_bytes: int = attrs.field(default=1 << 20, validator=_positive)


@attrs.define
class _Budget:
    """The bytes produced so far, checked against the limits as they are produced."""

    limits: ArchiveLimits
    archive_size: int
    total: int = 0

    def spend(self, info: zipfile.ZipInfo, entry_bytes: int, chunk: int) -> None:
        self.total += chunk
        if self.total > self.limits.max_total_bytes:
            raise UnsafeArchiveError(
                f"it unpacks to more than max_total_bytes={self.limits.max_total_bytes}",
                entry=info.filename,
            )
        # The header's compressed size is a claim too: never more than the archive holds.
        compressed = max(1, min(info.compress_size, self.archive_size))
        ratio = entry_bytes / compressed
        if entry_bytes > self.limits.ratio_floor_bytes and ratio > self.limits.max_ratio:
            raise UnsafeArchiveError(
                f"compression ratio above max_ratio={self.limits.max_ratio:g} "
                "(a decompression bomb)",
                entry=info.filename,
            )


def extract_zip(
    archive: Path, staging: Staging, *, limits: ArchiveLimits, overwrite: bool
) -> list[Path]:
    """Extract the files of `archive` into the staging directory; returns their final paths.

    Raises `UnsafeArchiveError` for an unsafe archive and `DecodeError` for a corrupt one;
    the entries' part files are then left to `staging` to remove.
    """
    try:
        zf = zipfile.ZipFile(archive)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError) as exc:
        raise DecodeError(f"the attachment is not a readable ZIP archive: {exc}") from None
    with zf:
        entries = _checked_entries(zf, limits)
        budget = _Budget(limits, archive.stat().st_size)
        parts = [(_extract_entry(zf, info, staging, budget), name) for info, name in entries]
    return [staging.commit(part, name, overwrite=overwrite) for part, name in parts]


def _checked_entries(
    zf: zipfile.ZipFile, limits: ArchiveLimits
) -> list[tuple[zipfile.ZipInfo, str]]:
    """The file entries and their safe names, once every entry has passed the checks."""
    infos = zf.infolist()
    if len(infos) > limits.max_files:
        raise UnsafeArchiveError(f"{len(infos)} entries, more than max_files={limits.max_files}")
    declared = 0
    files = []
    for number, info in enumerate(infos, 1):
        _check_entry(info)
        if info.is_dir():
            continue
        declared += info.file_size
        if declared > limits.max_total_bytes:
            raise UnsafeArchiveError(
                f"its entries declare more than max_total_bytes={limits.max_total_bytes}"
            )
        files.append((info, safe_filename(info.filename, f"attachment-{number}")))
    return files


def _check_entry(info: zipfile.ZipInfo) -> None:
    name = info.filename.replace("\\", "/")
    if _ABSOLUTE.match(name):
        raise UnsafeArchiveError("an entry has an absolute path", entry=info.filename)
    if ".." in name.split("/"):
        raise UnsafeArchiveError("an entry climbs out of the directory (..)", entry=info.filename)
    kind = stat.S_IFMT(info.external_attr >> 16)
    if kind == stat.S_IFLNK:
        raise UnsafeArchiveError("an entry is a symbolic link", entry=info.filename)
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise UnsafeArchiveError("an entry is a device, pipe or socket", entry=info.filename)
    if info.flag_bits & 0x1:
        raise UnsafeArchiveError(
            "an entry is encrypted; pass extract=False to keep the ZIP", entry=info.filename
        )
    if info.compress_type not in EXTRACTED_METHODS:
        raise UnsafeArchiveError(
            f"compression method {info.compress_type} is not extracted (only stored and "
            "deflate); pass extract=False to keep the ZIP",
            entry=info.filename,
        )


def _extract_entry(
    zf: zipfile.ZipFile, info: zipfile.ZipInfo, staging: Staging, budget: _Budget
) -> Path:
    part, out = staging.new_part()
    written = 0
    try:
        with out, zf.open(info) as source:
            while chunk := source.read(CHUNK_SIZE):
                written += len(chunk)
                budget.spend(info, written, len(chunk))
                out.write(chunk)
    except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError) as exc:
        raise DecodeError(f"the ZIP entry {info.filename!r} is corrupt: {exc}") from None
    return part
