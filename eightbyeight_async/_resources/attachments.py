"""`cc.attachments`: the Case and Contact Management attachments API (`/api/ccm/attachments`).

A case, a follow-up or an FAQ answers with its one attached file, or with a ZIP of all of
them when it has several. `download_case(...)` (and the follow-up and FAQ equivalents)
streams the answer to disk and, for a ZIP, extracts it safely; `open_case(...)` gives the
open response to stream elsewhere.
"""

from __future__ import annotations

import contextlib
import functools
import mimetypes
import os
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Literal

import anyio
import anyio.to_thread
import httpx
from typing_extensions import Unpack

from .._config import ApiFamily
from .._connection_errors import body_chunks
from .._endpoints import Action, CallOptions
from .._errors import (
    EightByEightError,
    InvalidArgumentError,
)
from .._http import HttpPipeline
from .._safe_files import Staging, check_directory, disposition_filename, safe_filename
from .._safe_zip import ArchiveLimits, extract_zip

Owner = Literal["case", "followup", "faq"]

CHUNK_SIZE = 64 * 1024
"""Bytes read from the network and written to disk at a time."""

ZIP_MEDIA_TYPES = frozenset(
    {"application/zip", "application/x-zip-compressed", "application/x-zip", "multipart/x-zip"}
)
_GENERIC_MEDIA_TYPES = frozenset({"", "application/octet-stream", "binary/octet-stream"})
_MEDIA_TYPES = mimetypes.MimeTypes()
"""Python's own table only (not the system's), so a fallback name is the same everywhere."""
_FOLLOWUP_ID = re.compile(r"^[^./\s]+\.[^./\s]+$")


def _id_segment(name: str, value: object) -> str:
    if isinstance(value, bool) or not isinstance(value, (str, int)) or str(value).strip() == "":
        raise InvalidArgumentError(f"{name} must be a non-empty string or integer; got {value!r}")
    return str(value).strip()


def _followup_segment(value: object) -> str:
    text = _id_segment("followup_id", value)
    if not _FOLLOWUP_ID.match(text):
        raise InvalidArgumentError(
            "followup_id is the id AGUI shows: the case id and the follow-up id joined by a dot, "
            f"like '38.1'; got {value!r}"
        )
    return text


class AttachmentDownload:
    """An open attachment response: its safe file name, type and size, and its bytes.

    Use within `async with cc.attachments.open_case(...) as download:`; the body is read
    only as `aiter_bytes()` or `save()` consume it, so nothing is held whole in memory.
    """

    def __init__(self, response: httpx.Response, *, fallback_name: str) -> None:
        self._response = response
        media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        self.content_type: str | None = media_type or None
        """The media type the server declared (`application/zip` for several files)."""
        raw = disposition_filename(response.headers.get("content-disposition"))
        self.filename: str = safe_filename(raw or "", _fallback(fallback_name, media_type))
        """A safe file name for the body: the server's name, cleaned up, or a fallback."""
        self.is_archive: bool = media_type in ZIP_MEDIA_TYPES or (
            media_type in _GENERIC_MEDIA_TYPES and self.filename.lower().endswith(".zip")
        )
        """True when the body is a ZIP: the server bundles several attachments this way (a
        single attachment that is itself a ZIP looks the same on the wire)."""
        length = response.headers.get("content-length", "")
        self.content_length: int | None = int(length) if length.isdigit() else None
        """The body's size in bytes, when the server declared it."""

    def __repr__(self) -> str:
        return (
            f"AttachmentDownload(filename={self.filename!r}, content_type={self.content_type!r}, "
            f"content_length={self.content_length!r}, is_archive={self.is_archive!r})"
        )

    async def aiter_bytes(self, chunk_size: int = CHUNK_SIZE) -> AsyncIterator[bytes]:
        """The body in chunks, once; a dropped connection raises `APIConnectionError`."""
        if self._response.is_stream_consumed or self._response.is_closed:
            raise EightByEightError(
                "this download's body was already read or closed; read it once, inside "
                "`async with cc.attachments.open_...(...)`, or open it again"
            )
        async for chunk in body_chunks(self._response, chunk_size):
            yield chunk

    async def save(
        self,
        dest_dir: str | os.PathLike[str],
        *,
        extract: bool = True,
        overwrite: bool = False,
        limits: ArchiveLimits | None = None,
    ) -> list[Path]:
        """Stream the body into `dest_dir`; returns the saved files.

        A ZIP is extracted (flat, under safe names, within `limits`) unless `extract=False`.
        An existing name gets a numbered alternative (`report (1).pdf`) unless `overwrite`.
        On any failure nothing is left in `dest_dir`: `UnsafeArchiveError` for a refused ZIP,
        `DecodeError` for a corrupt one, `APIConnectionError` for a broken-off download.
        """
        directory = check_directory(dest_dir)
        limits = _check_limits(limits)
        with Staging(directory) as staging:
            part, out = staging.new_part()
            async with anyio.wrap_file(out) as sink:
                async for chunk in self.aiter_bytes():
                    await sink.write(chunk)
            if not (extract and self.is_archive):
                return [staging.commit(part, self.filename, overwrite=overwrite)]
            extract_part = functools.partial(
                extract_zip, part, staging, limits=limits, overwrite=overwrite
            )
            saved = await anyio.to_thread.run_sync(extract_part)
            staging.discard(part)
            return saved


def _fallback(base: str, media_type: str) -> str:
    """`base` (made of the caller's id, which may hold `/` or `..`) as one safe file name,
    with the extension of `media_type`."""
    zipped = media_type in ZIP_MEDIA_TYPES
    extension = ".zip" if zipped else _MEDIA_TYPES.guess_extension(media_type)
    flat = base.replace("/", "_").replace("\\", "_")
    return safe_filename(flat + (extension or ""), "attachment" + (extension or ""))


def _check_limits(limits: ArchiveLimits | None) -> ArchiveLimits:
    if limits is None:
        return ArchiveLimits()
    if not isinstance(limits, ArchiveLimits):
        raise InvalidArgumentError(f"limits must be an ArchiveLimits; got {limits!r}")
    return limits


# An encoded body would be inflated by httpx without a bound: ask for none.
DOWNLOAD = Action(
    ApiFamily.ATTACHMENTS,
    "GET",
    "/api/ccm/attachments/{owner}/{object_id}",
    headers={"Accept-Encoding": "identity"},
)


class Attachments:
    """The attachments of cases, follow-ups and FAQs. Authenticates with the data token."""

    def __init__(self, pipeline: HttpPipeline) -> None:
        self._pipeline = pipeline

    @contextlib.asynccontextmanager
    async def _open(
        self, owner: Owner, object_id: str, call: CallOptions
    ) -> AsyncIterator[AttachmentDownload]:
        segments = {"owner": owner, "object_id": object_id}
        options = DOWNLOAD.request(segments=segments, **call)
        async with self._pipeline.stream(options) as response:
            yield AttachmentDownload(response, fallback_name=f"{owner}-{object_id}")

    def open_case(
        self, case_id: str | int, **options: Unpack[CallOptions]
    ) -> contextlib.AbstractAsyncContextManager[AttachmentDownload]:
        """`async with cc.attachments.open_case(38) as download:` the case's attachment(s)."""
        return self._open("case", _id_segment("case_id", case_id), options)

    def open_followup(
        self, followup_id: str, **options: Unpack[CallOptions]
    ) -> contextlib.AbstractAsyncContextManager[AttachmentDownload]:
        """The attachment(s) of a follow-up; its id is `{case-id}.{followup-id}`, like "38.1"."""
        return self._open("followup", _followup_segment(followup_id), options)

    def open_faq(
        self, faq_id: str | int, **options: Unpack[CallOptions]
    ) -> contextlib.AbstractAsyncContextManager[AttachmentDownload]:
        """The attachment(s) of an FAQ."""
        return self._open("faq", _id_segment("faq_id", faq_id), options)

    async def download_case(
        self,
        case_id: str | int,
        dest_dir: str | os.PathLike[str],
        *,
        extract: bool = True,
        overwrite: bool = False,
        limits: ArchiveLimits | None = None,
        **options: Unpack[CallOptions],
    ) -> list[Path]:
        """Save a case's attachments into `dest_dir` (see `AttachmentDownload.save`)."""
        opening = self.open_case(case_id, **options)
        return await _download(opening, dest_dir, extract, overwrite, limits)

    async def download_followup(
        self,
        followup_id: str,
        dest_dir: str | os.PathLike[str],
        *,
        extract: bool = True,
        overwrite: bool = False,
        limits: ArchiveLimits | None = None,
        **options: Unpack[CallOptions],
    ) -> list[Path]:
        """Save a follow-up's attachments (`followup_id` like "38.1") into `dest_dir`."""
        opening = self.open_followup(followup_id, **options)
        return await _download(opening, dest_dir, extract, overwrite, limits)

    async def download_faq(
        self,
        faq_id: str | int,
        dest_dir: str | os.PathLike[str],
        *,
        extract: bool = True,
        overwrite: bool = False,
        limits: ArchiveLimits | None = None,
        **options: Unpack[CallOptions],
    ) -> list[Path]:
        """Save an FAQ's attachments into `dest_dir`."""
        opening = self.open_faq(faq_id, **options)
        return await _download(opening, dest_dir, extract, overwrite, limits)


async def _download(
    opening: contextlib.AbstractAsyncContextManager[AttachmentDownload],
    dest_dir: str | os.PathLike[str],
    extract: bool,
    overwrite: bool,
    limits: ArchiveLimits | None,
) -> list[Path]:
    """Open and save one download, its arguments checked before any I/O."""
    check_directory(dest_dir)
    _check_limits(limits)
    async with opening as download:
        return await download.save(dest_dir, extract=extract, overwrite=overwrite, limits=limits)
