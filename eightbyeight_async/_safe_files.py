"""Safe file names and all-or-nothing saving into a destination directory.

A name that comes from a server (a `Content-Disposition` header, a ZIP entry) is never used as
a path: `safe_filename` reduces it to one harmless path component. `Staging` writes into
hidden part files in the destination directory and only gives them their final names once
every file is complete, so a failure leaves nothing behind and a name that exists is never
overwritten unless asked.
"""

from __future__ import annotations

import os
import re
import secrets
import unicodedata
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import BinaryIO

from ._errors import InvalidArgumentError

MAX_NAME_BYTES = 200
"""Longest file name kept (UTF-8 bytes): under every common file system's 255, leaving room
for a collision suffix such as " (12)"."""

MAX_COLLISION_SUFFIX = 9_999
"""How many numbered alternatives (`name (1).ext` …) are tried before giving up."""

PART_PREFIX = ".eightbyeight-"
PART_SUFFIX = ".part"

_EXTENDED_FILENAME = re.compile(r"filename\*\s*=\s*([\w!#$&+.^`|~-]+)'[^']*'([^;\s]+)", re.I)
_PLAIN_FILENAME = re.compile(r'(?:^|;)\s*filename\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^;]+))', re.I)
_O_BINARY = getattr(os, "O_BINARY", 0)  # Windows: no newline translation
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_WINDOWS_RESERVED = frozenset(
    ["CON", "PRN", "AUX", "NUL"]
    + [f"COM{i}" for i in range(1, 10)]
    + [f"LPT{i}" for i in range(1, 10)]
)


def disposition_filename(header: str | None) -> str | None:
    """The file name a `Content-Disposition` header gives, decoded, or None.

    `filename*=` (RFC 6266) wins over `filename=`; the plain form is percent-decoded, since the
    API "encodes all special chars of an attachment file name". The result is NOT yet safe.
    """
    if not header:
        return None
    extended = _EXTENDED_FILENAME.search(header)
    if extended:
        charset, value = extended.groups()
        try:
            return urllib.parse.unquote(value, encoding=charset, errors="replace")
        except LookupError:
            return urllib.parse.unquote(value, errors="replace")
    plain = _PLAIN_FILENAME.search(header)
    if plain is None:
        return None
    quoted, token = plain.groups()
    value = re.sub(r"\\(.)", r"\1", quoted) if quoted is not None else token.strip()
    return urllib.parse.unquote(value, errors="replace")


def safe_filename(name: str, fallback: str) -> str:
    """One harmless path component for `name`, or `fallback` when nothing usable is left.

    Keeps only the last component (after `/` or `\\`), drops control and invisible format
    characters (bidi overrides can disguise an extension), replaces characters Windows
    forbids, strips leading dots (no `..`, no hidden files) and trailing dots and spaces,
    defuses Windows device names and caps the length, keeping the extension.
    """
    text = unicodedata.normalize("NFC", name).replace("\\", "/").rsplit("/", 1)[-1]
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    text = _WINDOWS_FORBIDDEN.sub("_", text).strip().lstrip(".").rstrip(". ")
    if not text:
        return fallback
    if text.split(".", 1)[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return _cap_length(text)


def _cap_length(name: str) -> str:
    if len(name.encode()) <= MAX_NAME_BYTES:
        return name
    stem, ext = os.path.splitext(name)
    if len(ext.encode()) > MAX_NAME_BYTES // 4:  # an "extension" that long is just text
        stem, ext = name, ""
    budget = MAX_NAME_BYTES - len(ext.encode())
    return stem.encode()[:budget].decode("utf-8", "ignore").rstrip(". ") + ext


def check_directory(dest_dir: str | os.PathLike[str]) -> Path:
    """`dest_dir` as a Path, refusing (before any I/O) one that is not an existing directory."""
    path = Path(dest_dir)
    if not path.is_dir():
        raise InvalidArgumentError(
            f"dest_dir must be an existing directory; {str(path)!r} is not (create it first)"
        )
    return path


class Staging:
    """Part files in one directory that become named files all together, or not at all.

    `new_part()` opens a hidden part file; `commit()` gives each part its final name. Leaving
    the `with` block removes every part still pending and, if the block failed, every file
    already committed, so an interrupted download leaves the directory as it was (except a
    file replaced with `overwrite=True`).
    """

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._parts: list[Path] = []
        self._placed: list[Path] = []
        self._taken: set[str] = set()

    def __enter__(self) -> Staging:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        leftovers = self._parts + (self._placed if exc_type is not None else [])
        for path in leftovers:
            path.unlink(missing_ok=True)
        self._parts.clear()

    def new_part(self) -> tuple[Path, BinaryIO]:
        """A new hidden part file in the directory, opened for binary writing.

        Created with the usual permissions (0o666 less the umask), unlike `mkstemp`'s 0o600,
        since the part becomes the user's file."""
        path = self.directory / f"{PART_PREFIX}{secrets.token_hex(8)}{PART_SUFFIX}"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | _O_BINARY, 0o666)
        self._parts.append(path)
        return path, os.fdopen(fd, "wb")

    def discard(self, part: Path) -> None:
        """Remove a part that is no longer needed (e.g. a ZIP once extracted)."""
        part.unlink(missing_ok=True)
        self._parts.remove(part)

    def commit(self, part: Path, name: str, *, overwrite: bool) -> Path:
        """Give `part` the file name `name` (already safe); returns the final path.

        Without `overwrite`, an existing name gets a numbered alternative (`report (1).pdf`);
        names are reserved atomically, so a concurrent writer is never clobbered. Two files of
        one batch never share a name, even with `overwrite`.
        """
        for candidate in _candidates(name):
            if candidate.casefold() in self._taken:
                continue
            target = self.directory / candidate
            if not overwrite and not _reserve(target):
                continue
            try:
                os.replace(part, target)
            except OSError:
                if not overwrite:
                    target.unlink(missing_ok=True)  # the empty reservation
                raise
            self._parts.remove(part)
            self._placed.append(target)
            self._taken.add(candidate.casefold())
            return target
        raise FileExistsError(f"no free name like {name!r} in {str(self.directory)!r}")


def _candidates(name: str) -> Iterator[str]:
    yield name
    stem, ext = os.path.splitext(name)
    for n in range(1, MAX_COLLISION_SUFFIX + 1):
        yield f"{stem} ({n}){ext}"


def _reserve(target: Path) -> bool:
    """Create `target` exclusively (an existing file, directory or link → False)."""
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        return False
    os.close(fd)
    return True
