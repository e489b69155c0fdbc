"""`cc.attachments` through the public API against the sandbox: single files and ZIPs of
several for cases, follow-ups and FAQs, checked byte for byte against the sandbox's ground
truth; every documented status; hostile archives and names; no overwriting; bounded memory."""

from __future__ import annotations

import hashlib
import io
import itertools
import tracemalloc
import zipfile
from pathlib import Path
from typing import Any

import httpx
import pytest
import respx

from eightbyeight_async import (
    APIConnectionError,
    ArchiveLimits,
    AuthenticationError,
    BadRequestError,
    ConfigurationError,
    ContactCenter,
    DecodeError,
    EightByEightError,
    InternalServerError,
    InvalidArgumentError,
    NotFoundError,
    RetryPolicy,
    ServerBusyError,
    UnsafeArchiveError,
)
from eightbyeight_async.sandbox import HOSTILE_ARCHIVES, Sandbox, hostile_archive
from eightbyeight_async.sandbox.services._attachments import Kind

pytestmark = pytest.mark.anyio

_fresh_ids = itertools.count(1000)
LOOPBACK = "http://127.0.0.1:9"


@pytest.fixture(scope="module")
def sandbox_options() -> dict[str, Any]:
    return {"seed": 3}


@pytest.fixture
def dest(tmp_path: Path) -> Path:
    """An empty destination directory inside tmp_path (so escapes would be visible)."""
    path = tmp_path / "dest"
    path.mkdir()
    return path


def fresh_id() -> str:
    """A case id no other test uses (the sandbox is shared by the module)."""
    return str(next(_fresh_ids))


def contents(paths: list[Path]) -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in paths]


def everything_under(path: Path) -> list[str]:
    return sorted(str(p.relative_to(path)) for p in path.rglob("*"))


def escaped(tmp_path: Path) -> bool:
    """Whether a hostile archive's `evil.txt` landed outside the destination."""
    return any(p.exists() for p in (tmp_path.parent / "evil.txt", Path("/etc/evil.txt")))


def ids_with(sb: Sandbox, kind: Kind, *, several: bool) -> list[str]:
    return [
        i for i in sb.attachments.ids(kind) if (len(sb.attachments.files(kind, i)) > 1) == several
    ]


# --- what is downloaded ------------------------------------------------------------------


async def test_a_case_with_one_file_saves_it_under_its_own_name(
    cc: ContactCenter, sb: Sandbox, dest: Path
) -> None:
    for case_id in ids_with(sb, "case", several=False):
        (truth,) = sb.attachments.files("case", case_id)
        saved = await cc.attachments.download_case(case_id, dest)
        assert contents(saved) == [(truth.name, truth.content)]
        assert saved[0].parent == dest
        saved[0].unlink()


async def test_a_case_with_several_files_is_extracted_from_its_zip(
    cc: ContactCenter, sb: Sandbox, tmp_path: Path
) -> None:
    case_ids = ids_with(sb, "case", several=True)
    assert case_ids, "the seeded tenant has cases with several attachments"
    for case_id in case_ids:
        dest = tmp_path / case_id
        dest.mkdir()
        saved = await cc.attachments.download_case(int(case_id), dest)
        truth = sb.attachments.files("case", case_id)
        assert contents(saved) == [(f.name, f.content) for f in truth]
        assert everything_under(dest) == sorted(f.name for f in truth)


async def test_extract_false_keeps_the_zip_as_served(
    cc: ContactCenter, sb: Sandbox, dest: Path
) -> None:
    case_id = ids_with(sb, "case", several=True)[0]
    (saved,) = await cc.attachments.download_case(case_id, dest, extract=False)
    assert saved.name == f"case-{case_id}.zip"
    with zipfile.ZipFile(saved) as archive:
        inside = [(name, archive.read(name)) for name in archive.namelist()]
    assert inside == [(f.name, f.content) for f in sb.attachments.files("case", case_id)]


@pytest.mark.parametrize("kind", ["followup", "faq"])
async def test_followups_and_faqs_download_like_cases(
    cc: ContactCenter, sb: Sandbox, tmp_path: Path, kind: Kind
) -> None:
    download = {"followup": cc.attachments.download_followup, "faq": cc.attachments.download_faq}
    object_ids = sb.attachments.ids(kind)
    assert len(object_ids) >= 3
    for object_id in object_ids:
        dest = tmp_path / object_id
        dest.mkdir()
        saved = await download[kind](object_id, dest)
        truth = sb.attachments.files(kind, object_id)
        assert contents(saved) == [(f.name, f.content) for f in truth]


async def test_open_streams_the_body_with_its_name_and_type(cc: ContactCenter, sb: Sandbox) -> None:
    case_id = ids_with(sb, "case", several=False)[0]
    (truth,) = sb.attachments.files("case", case_id)
    async with cc.attachments.open_case(case_id) as download:
        assert download.filename == truth.name
        assert download.content_type == truth.content_type.split(";")[0]
        assert download.content_length == len(truth.content)
        assert not download.is_archive
        body = b"".join([chunk async for chunk in download.aiter_bytes(1000)])
    assert body == truth.content
    several = ids_with(sb, "followup", several=True)[0]
    async with cc.attachments.open_followup(several) as download:
        assert download.is_archive
        assert download.content_type == "application/zip"
        archive = zipfile.ZipFile(io.BytesIO(b"".join([c async for c in download.aiter_bytes()])))
    assert archive.namelist() == [f.name for f in sb.attachments.files("followup", several)]


async def test_a_body_is_read_once_and_only_inside_its_block(
    cc: ContactCenter, sb: Sandbox
) -> None:
    case_id = ids_with(sb, "case", several=False)[0]
    async with cc.attachments.open_case(case_id) as download:
        assert [c async for c in download.aiter_bytes()]
        with pytest.raises(EightByEightError, match="already read"):
            _ = [c async for c in download.aiter_bytes()]
    async with cc.attachments.open_case(case_id) as unread:
        pass
    with pytest.raises(EightByEightError, match="inside"):
        _ = [c async for c in unread.aiter_bytes()]


@pytest.mark.filterwarnings("ignore:Duplicate name:UserWarning")
async def test_names_of_one_zip_that_collide_are_numbered(
    cc: ContactCenter, sb: Sandbox, dest: Path
) -> None:
    case_id = fresh_id()
    for content in (b"first", b"second", b"third"):
        sb.attachments.attach("case", case_id, "dup.txt", content)
    saved = await cc.attachments.download_case(case_id, dest)
    assert contents(saved) == [
        ("dup.txt", b"first"),
        ("dup (1).txt", b"second"),
        ("dup (2).txt", b"third"),
    ]


# --- never overwrite unless asked --------------------------------------------------------


async def test_an_existing_file_is_never_overwritten_unless_asked(
    cc: ContactCenter, sb: Sandbox, dest: Path
) -> None:
    case_id = ids_with(sb, "case", several=False)[0]
    (truth,) = sb.attachments.files("case", case_id)
    mine = dest / truth.name
    mine.write_bytes(b"my own file")
    (first,) = await cc.attachments.download_case(case_id, dest)
    (second,) = await cc.attachments.download_case(case_id, dest)
    stem, ext = mine.stem, mine.suffix
    assert (first.name, second.name) == (f"{stem} (1){ext}", f"{stem} (2){ext}")
    assert mine.read_bytes() == b"my own file"
    assert first.read_bytes() == second.read_bytes() == truth.content
    (replaced,) = await cc.attachments.download_case(case_id, dest, overwrite=True)
    assert replaced == mine
    assert mine.read_bytes() == truth.content


# --- names the server sends --------------------------------------------------------------


@pytest.mark.parametrize(
    ("disposition", "expected"),
    [
        ('attachment; filename="..%2F..%2Fevil.txt"', "evil.txt"),
        ('attachment; filename="%2Fetc%2Fpasswd"', "passwd"),
        ('attachment; filename="..\\\\..\\\\boot.ini"', "boot.ini"),
        ('attachment; filename="bad%0Aname%07.txt"', "badname.txt"),
        ('attachment; filename="invoice%E2%80%AEtxt.exe"', "invoicetxt.exe"),
        ('attachment; filename=".."', "case-{id}.txt"),
        ('attachment; filename="%2E%2E"', "case-{id}.txt"),
        ("attachment; filename*=UTF-8''caf%C3%A9%20menu.txt", "café menu.txt"),
        ('attachment; filename="CON.txt"', "_CON.txt"),
        ('attachment; filename="notes%202024.txt"', "notes 2024.txt"),
        (None, "case-{id}.txt"),
    ],
)
async def test_unsafe_names_from_the_server_are_made_safe(
    cc: ContactCenter, sb: Sandbox, tmp_path: Path, disposition: str | None, expected: str
) -> None:
    dest = tmp_path / "a" / "b"
    dest.mkdir(parents=True)
    case_id = fresh_id()
    sb.attachments.serve_raw(
        "case", case_id, b"payload", content_type="text/plain", disposition=disposition
    )
    saved = await cc.attachments.download_case(case_id, dest)
    assert contents(saved) == [(expected.format(id=case_id), b"payload")]
    assert everything_under(tmp_path) == ["a", "a/b", f"a/b/{saved[0].name}"]


@pytest.mark.parametrize("object_id", ["x/y", "a/../../escaped", "../..", "a\\..\\b"])
async def test_a_fallback_name_made_of_the_callers_id_stays_inside_the_directory(
    tmp_path: Path, object_id: str
) -> None:
    dest = tmp_path / "a" / "b"
    dest.mkdir(parents=True)
    async with ContactCenter(tenant="acme", base_url=LOOPBACK, data_token="t" * 32) as cc:
        with respx.mock() as mock:  # the sandbox refuses such ids; a server may not
            mock.get(url__startswith=f"{LOOPBACK}/api/ccm/attachments/case/").mock(
                return_value=httpx.Response(
                    200, content=b"%PDF", headers={"content-type": "application/pdf"}
                )
            )
            (saved,) = await cc.attachments.download_case(object_id, dest)
    assert saved.parent == dest
    assert saved.name.startswith("case-")
    assert saved.name.endswith(".pdf")
    assert everything_under(tmp_path) == ["a", "a/b", f"a/b/{saved.name}"]


@pytest.mark.parametrize("object_id", [".", ".."])
async def test_a_dot_id_is_refused_before_it_reaches_another_path(
    cc: ContactCenter, dest: Path, object_id: str
) -> None:
    with pytest.raises(InvalidArgumentError, match="relative path"):
        await cc.attachments.download_case(object_id, dest)


# --- hostile archives --------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(HOSTILE_ARCHIVES))
async def test_hostile_archives_are_refused_and_leave_nothing(
    cc: ContactCenter, sb: Sandbox, tmp_path: Path, dest: Path, name: str
) -> None:
    case_id = fresh_id()
    sb.attachments.serve_raw(
        "case", case_id, hostile_archive(name), disposition='attachment; filename="x.zip"'
    )
    expected = DecodeError if name in ("lying_sizes", "not_a_zip") else UnsafeArchiveError
    with pytest.raises(expected):
        await cc.attachments.download_case(case_id, dest)
    assert everything_under(tmp_path) == ["dest"]
    assert not escaped(tmp_path)
    # Kept whole, unextracted, the same archive is just a file.
    (kept,) = await cc.attachments.download_case(case_id, dest, extract=False)
    assert kept.read_bytes() == hostile_archive(name)


async def test_extraction_limits_are_configurable(
    cc: ContactCenter, sb: Sandbox, dest: Path
) -> None:
    case_id = ids_with(sb, "case", several=True)[0]
    truth = sb.attachments.files("case", case_id)
    total = sum(len(f.content) for f in truth)
    too_small = [
        ArchiveLimits(max_total_bytes=total - 1),
        ArchiveLimits(max_files=len(truth) - 1),
    ]
    for limits in too_small:
        with pytest.raises(UnsafeArchiveError):
            await cc.attachments.download_case(case_id, dest, limits=limits)
        assert everything_under(dest) == []
    exact = ArchiveLimits(max_total_bytes=total, max_files=len(truth))
    saved = await cc.attachments.download_case(case_id, dest, limits=exact)
    assert contents(saved) == [(f.name, f.content) for f in truth]


# --- statuses and errors -----------------------------------------------------------------


async def test_unknown_ids_are_not_found(cc: ContactCenter, dest: Path) -> None:
    with pytest.raises(NotFoundError):
        await cc.attachments.download_case(999_999, dest)
    with pytest.raises(NotFoundError):
        await cc.attachments.download_followup("1.999", dest)
    with pytest.raises(NotFoundError):
        await cc.attachments.download_faq("999999", dest)
    assert everything_under(dest) == []


async def test_a_malformed_id_is_a_bad_request(cc: ContactCenter, dest: Path) -> None:
    with pytest.raises(BadRequestError):
        await cc.attachments.download_case("abc", dest)
    with pytest.raises(BadRequestError):
        await cc.attachments.download_followup("a.b", dest)
    assert everything_under(dest) == []


async def test_wrong_credentials_are_unauthorized(sb: Sandbox, dest: Path) -> None:
    case_id = sb.attachments.ids("case")[0]
    async with sb.client(data_token="not-the-token", retry=RetryPolicy.disabled()) as cc:
        with pytest.raises(AuthenticationError) as caught:
            await cc.attachments.download_case(case_id, dest)
    assert caught.value.status_code == 401
    assert "not-the-token" not in str(caught.value)
    assert everything_under(dest) == []


async def test_a_missing_data_token_fails_before_any_request(sb: Sandbox, dest: Path) -> None:
    before = sb.faults.total_requests
    async with sb.client(data_token=None) as cc:
        with pytest.raises(ConfigurationError, match="data"):
            await cc.attachments.download_case(1, dest)
    assert sb.faults.total_requests == before


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda cc, d: cc.attachments.download_case("", d), "case_id"),
        (lambda cc, d: cc.attachments.download_case(True, d), "case_id"),
        (lambda cc, d: cc.attachments.download_faq(None, d), "faq_id"),
        (lambda cc, d: cc.attachments.download_followup("38", d), "followup_id"),
        (lambda cc, d: cc.attachments.download_followup("38/1", d), "followup_id"),
        (lambda cc, d: cc.attachments.download_case(1, d / "missing"), "dest_dir"),
        (lambda cc, d: cc.attachments.download_case(1, d, limits=10), "limits"),
    ],
)
async def test_bad_arguments_fail_before_any_request(
    cc: ContactCenter, sb: Sandbox, dest: Path, call: object, message: str
) -> None:
    before = sb.faults.total_requests
    with pytest.raises(InvalidArgumentError, match=message):
        await call(cc, dest)  # type: ignore[operator]
    assert sb.faults.total_requests == before


async def test_server_busy_is_retried_then_reported(
    cc: ContactCenter, sb: Sandbox, dest: Path
) -> None:
    case_id = ids_with(sb, "case", several=False)[0]
    pattern = f"/api/ccm/attachments/case/{case_id}"
    sb.faults.status(pattern, 503, count=2)
    saved = await cc.attachments.download_case(case_id, dest)
    assert saved[0].read_bytes() == sb.attachments.files("case", case_id)[0].content
    saved[0].unlink()
    for status, error in ((503, ServerBusyError), (500, InternalServerError)):
        sb.faults.status(pattern, status)
        with pytest.raises(error):
            await cc.attachments.download_case(case_id, dest)
        sb.faults.clear()
    assert everything_under(dest) == []


async def test_a_download_that_breaks_off_leaves_nothing(
    cc: ContactCenter, sb: Sandbox, dest: Path
) -> None:
    case_id = ids_with(sb, "case", several=True)[0]
    sb.faults.reset(f"/api/ccm/attachments/case/{case_id}")
    with pytest.raises(APIConnectionError):
        await cc.attachments.download_case(case_id, dest)
    assert everything_under(dest) == []


async def test_a_truncated_zip_is_a_decode_error_and_leaves_nothing(
    cc: ContactCenter, sb: Sandbox, dest: Path
) -> None:
    case_id = ids_with(sb, "case", several=True)[0]
    sb.faults.truncate(f"/api/ccm/attachments/case/{case_id}")
    with pytest.raises(DecodeError):
        await cc.attachments.download_case(case_id, dest)
    assert everything_under(dest) == []


# --- streaming -------------------------------------------------------------------------


async def test_a_large_file_streams_to_disk_in_bounded_memory(
    cc: ContactCenter, sb: Sandbox, dest: Path
) -> None:
    size = 24 << 20
    content = bytes(range(256)) * (size // 256)
    case_id, warm_up_id = fresh_id(), fresh_id()
    sb.attachments.attach("case", case_id, "big.bin", content)
    sb.attachments.attach("case", warm_up_id, "small.bin", content[: 1 << 20])
    # One-time costs (lazy imports, worker threads: ~2 MB) would count against the first
    # download of the run; a small download first leaves only the streaming to measure.
    warm_up_dir = dest / "warm-up"
    warm_up_dir.mkdir()
    await cc.attachments.download_case(warm_up_id, warm_up_dir)
    tracemalloc.start()
    try:
        (saved,) = await cc.attachments.download_case(case_id, dest)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < size // 8, f"peak {peak} bytes while downloading {size}"
    digest = hashlib.sha256()
    with saved.open("rb") as file:
        while block := file.read(1 << 20):
            digest.update(block)
    assert digest.digest() == hashlib.sha256(content).digest()
