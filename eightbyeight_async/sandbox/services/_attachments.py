"""The Case and Contact Management attachments API (`/api/ccm/attachments/...`) as the sandbox
serves it, with the attached files as ground truth and hooks to serve hostile archives.

`GET /api/ccm/attachments/{case|followup|faq}/{id}` with Basic auth (tenant + data token)
answers with the object's one file, or a ZIP of all its files when it has several. Where the
document is silent, these are the sandbox's choices:

- the file name travels percent-encoded in `Content-Disposition: attachment; filename="…"`
  (the document: the API "encodes all special chars of an attachment file name"); a ZIP is
  named `{kind}-{id}.zip` and served as `application/zip`;
- a case or FAQ id is digits and a follow-up id is `{case-id}.{followup-id}` digits, else 400;
  an unknown id, or an object without attachments, is a 404;
- missing or wrong credentials are both a 401, the only authentication status documented.
"""

from __future__ import annotations

import io
import random
import re
import stat
import struct
import threading
import urllib.parse
import zipfile
from collections.abc import AsyncIterator, Callable, Mapping
from typing import Literal

import attrs
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response, StreamingResponse

from ..tenant._tenant import Tenant
from ._auth import require_basic

Kind = Literal["case", "followup", "faq"]
KINDS: tuple[Kind, ...] = ("case", "followup", "faq")
PATH = "/api/ccm/attachments/{kind}/{object_id}"
CHUNK_SIZE = 64 * 1024

_ID_SYNTAX: Mapping[str, re.Pattern[str]] = {
    "case": re.compile(r"^\d+$"),
    "faq": re.compile(r"^\d+$"),
    "followup": re.compile(r"^\d+\.\d+$"),
}
_SEEDED_NAMES = (
    "report.pdf",
    "notes 2024.txt",
    "café menu.txt",
    "100% done.csv",
    "photo #1.jpg",
    "a;b=c.txt",
    "contract (signed).docx",
    "日本語.txt",
)
_MEDIA_TYPES = {
    "pdf": "application/pdf",
    "txt": "text/plain; charset=utf-8",
    "csv": "text/csv",
    "jpg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@attrs.frozen
class AttachedFile:
    """One file attached to a case, follow-up or FAQ: the ground truth a download must match."""

    name: str
    content: bytes = attrs.field(repr=lambda content: f"<{len(content)} bytes>")

    @property
    def content_type(self) -> str:
        """The media type served for it alone (from its extension)."""
        extension = self.name.rsplit(".", 1)[-1].lower()
        return _MEDIA_TYPES.get(extension, "application/octet-stream")


@attrs.frozen
class RawAnswer:
    """A body served verbatim instead of the object's files (a test's hostile archive)."""

    body: bytes
    content_type: str
    disposition: str | None


class AttachmentsService:
    """The attached files per object, seeded from the tenant; thread-safe.

    `files(kind, id)` is the ground truth; `attach(...)` adds files; `serve_raw(...)` makes
    one object answer with any bytes (e.g. `hostile_archive("traversal")`).
    """

    def __init__(self, tenant: Tenant, seed: int = 0) -> None:
        self._credentials = tenant.credentials
        self._lock = threading.Lock()
        self._seed = seed
        self.reset()

    def reset(self) -> None:
        """Back to the seeded files, with no raw answers."""
        with self._lock:
            self._files: dict[tuple[str, str], list[AttachedFile]] = _seeded_files(self._seed)
            self._raw: dict[tuple[str, str], RawAnswer] = {}

    def ids(self, kind: Kind) -> list[str]:
        """The ids of the objects of `kind` that have attachments."""
        with self._lock:
            return [object_id for k, object_id in self._files if k == kind]

    def files(self, kind: Kind, object_id: str) -> list[AttachedFile]:
        """The files attached to one object, in the order a ZIP of them lists them."""
        with self._lock:
            return list(self._files.get((kind, str(object_id)), []))

    def attach(self, kind: Kind, object_id: str, name: str, content: bytes) -> AttachedFile:
        """Attach one more file to an object (creating the object if need be)."""
        _check_kind(kind)
        attached = AttachedFile(name, content)
        with self._lock:
            self._files.setdefault((kind, str(object_id)), []).append(attached)
        return attached

    def serve_raw(
        self,
        kind: Kind,
        object_id: str,
        body: bytes,
        *,
        content_type: str = "application/zip",
        disposition: str | None = None,
    ) -> None:
        """Answer requests for one object with `body` as is (and this Content-Disposition)."""
        _check_kind(kind)
        with self._lock:
            self._raw[(kind, str(object_id))] = RawAnswer(body, content_type, disposition)

    def clear_raw(self) -> None:
        """Stop serving every raw answer."""
        with self._lock:
            self._raw.clear()

    async def endpoint(self, request: Request) -> Response:
        """`GET /api/ccm/attachments/{kind}/{object_id}`."""
        denied = require_basic(request, self._credentials.tenant_name, self._credentials.data_token)
        if denied is not None:
            return denied
        kind, object_id = request.path_params["kind"], request.path_params["object_id"]
        if kind not in _ID_SYNTAX:
            return PlainTextResponse(f"Not found: no attachments of {kind!r} objects", 404)
        if not _ID_SYNTAX[kind].match(object_id):
            return PlainTextResponse(f"Bad request: malformed {kind} id {object_id!r}", 400)
        with self._lock:
            raw = self._raw.get((kind, object_id))
            files = list(self._files.get((kind, object_id), []))
        if raw is not None:
            headers = {"content-disposition": raw.disposition} if raw.disposition else {}
            return Response(raw.body, 200, headers=headers, media_type=raw.content_type)
        if not files:
            return PlainTextResponse(f"Not found: {kind} {object_id} has no attachments", 404)
        if len(files) == 1:
            return _file_response(files[0].content, files[0].name, files[0].content_type)
        return _file_response(zip_of(files), f"{kind}-{object_id}.zip", "application/zip")


def _check_kind(kind: str) -> None:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}; got {kind!r}")


def _file_response(content: bytes, name: str, media_type: str) -> Response:
    """The body streamed in chunks, named percent-encoded as the document describes."""

    async def chunks() -> AsyncIterator[bytes]:
        view = memoryview(content)
        for start in range(0, len(content), CHUNK_SIZE):
            yield bytes(view[start : start + CHUNK_SIZE])

    headers = {
        "content-disposition": f'attachment; filename="{urllib.parse.quote(name, safe="")}"',
        "content-length": str(len(content)),
    }
    return StreamingResponse(chunks(), 200, headers=headers, media_type=media_type)


def zip_of(files: list[AttachedFile]) -> bytes:
    """A deflated ZIP of `files`, in order, as the server bundles several attachments."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for attached in files:
            archive.writestr(_stamped(attached.name), attached.content)
    return buffer.getvalue()


_ARCHIVE_TIME = (2024, 1, 1, 0, 0, 0)


def _stamped(name: str) -> zipfile.ZipInfo:
    """A deflated entry with a fixed timestamp, so the same files always make the same bytes."""
    info = zipfile.ZipInfo(name, date_time=_ARCHIVE_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def _seeded_files(seed: int) -> dict[tuple[str, str], list[AttachedFile]]:
    """Six cases, six follow-ups and four FAQs with one, two or three files each."""
    rng = random.Random(f"{seed}:attachments")
    objects = [("case", str(n)) for n in range(1, 7)]
    objects += [("followup", f"{case}.{n}") for case in (1, 2, 3) for n in (1, 2)]
    objects += [("faq", str(n)) for n in range(1, 5)]
    files: dict[tuple[str, str], list[AttachedFile]] = {}
    for number, key in enumerate(objects):
        names = rng.sample(_SEEDED_NAMES, 1 + number % 3)  # each kind: one, two, three files
        files[key] = [AttachedFile(name, _content(rng, name)) for name in names]
    return files


def _content(rng: random.Random, name: str) -> bytes:
    if name.endswith((".txt", ".csv")):
        lines = (f"{name} line {n}: {rng.random()}\n" for n in range(rng.randint(5, 400)))
        return "".join(lines).encode()
    return rng.randbytes(rng.randint(100, 40_000))


# --- hostile archives --------------------------------------------------------------------


def _archive(entries: list[tuple[zipfile.ZipInfo | str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(_stamped(info) if isinstance(info, str) else info, data)
    return buffer.getvalue()


def _link(name: str, target: str) -> tuple[zipfile.ZipInfo, bytes]:
    info = zipfile.ZipInfo(name, date_time=_ARCHIVE_TIME)
    info.create_system = 3
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    return info, target.encode()


def _understated(content: bytes, declared: int) -> bytes:
    """A one-entry ZIP whose headers claim `declared` uncompressed bytes (a lying bomb)."""
    body = bytearray(_archive([("small.txt", content)]))
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        at = body.find(signature) + offset
        body[at : at + 4] = struct.pack("<I", declared)
    return bytes(body)


HOSTILE_ARCHIVES: Mapping[str, Callable[[], bytes]] = {
    "traversal": lambda: _archive([("ok.txt", b"fine"), ("../../evil.txt", b"escaped")]),
    "backslash_traversal": lambda: _archive([("ok.txt", b"fine"), ("..\\evil.txt", b"escaped")]),
    "absolute": lambda: _archive([("ok.txt", b"fine"), ("/etc/evil.txt", b"escaped")]),
    "drive_absolute": lambda: _archive([("ok.txt", b"fine"), ("C:/evil.txt", b"escaped")]),
    "symlink": lambda: _archive([("ok.txt", b"fine"), _link("passwd", "/etc/passwd")]),
    "bomb": lambda: _archive([("ok.txt", b"fine"), ("zeros.bin", bytes(16 << 20))]),
    "lying_sizes": lambda: _understated(bytes(16 << 20), declared=100),
    "too_many_files": lambda: _archive([(f"f{n}.txt", b"x") for n in range(1_001)]),
    "not_a_zip": lambda: b"PK\x03\x04 this is no archive",
}
"""Archives a safe extractor must refuse, by name: each builds its bytes when called. The
bomb unpacks 16 KiB of deflate into 16 MiB; `too_many_files` has 1,001 entries."""


def hostile_archive(name: str) -> bytes:
    """The bytes of one of `HOSTILE_ARCHIVES`."""
    return HOSTILE_ARCHIVES[name]()
