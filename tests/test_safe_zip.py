"""The safe ZIP extractor and safe file names on their own: hostile archives are refused with
nothing left behind, limits count the bytes actually produced, names stay one harmless
component."""

from __future__ import annotations

import io
import os
import struct
import unicodedata
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from eightbyeight_async._errors import DecodeError, InvalidArgumentError, UnsafeArchiveError
from eightbyeight_async._safe_files import MAX_NAME_BYTES, Staging, safe_filename
from eightbyeight_async._safe_zip import ArchiveLimits, _Budget, extract_zip
from eightbyeight_async.sandbox import HOSTILE_ARCHIVES, hostile_archive


def zip_bytes(entries: list[tuple[str | zipfile.ZipInfo, bytes]], method: int = 8) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        for name, data in entries:
            archive.writestr(name, data)
    return buffer.getvalue()


def extract(
    tmp_path: Path, body: bytes, limits: ArchiveLimits | None = None, overwrite: bool = False
) -> list[Path]:
    """Extract `body` into tmp_path/out as the resource does (staging, then commit)."""
    archive = tmp_path / "archive.zip"
    archive.write_bytes(body)
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    with Staging(out) as staging:
        return extract_zip(archive, staging, limits=limits or ArchiveLimits(), overwrite=overwrite)


def left_in(tmp_path: Path) -> list[str]:
    """Every path under tmp_path besides the archive itself."""
    return sorted(
        str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.name != "archive.zip"
    )


@pytest.mark.parametrize("name", sorted(HOSTILE_ARCHIVES))
def test_every_hostile_archive_is_refused_and_leaves_nothing(tmp_path: Path, name: str) -> None:
    with pytest.raises(DecodeError):
        extract(tmp_path, hostile_archive(name))
    assert left_in(tmp_path) == ["out"]
    assert not (tmp_path.parent / "evil.txt").exists()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("traversal", "climbs out"),
        ("backslash_traversal", "climbs out"),
        ("absolute", "absolute path"),
        ("drive_absolute", "absolute path"),
        ("symlink", "symbolic link"),
        ("bomb", "compression ratio"),
        ("too_many_files", "max_files=1000"),
    ],
)
def test_unsafe_archives_say_why(tmp_path: Path, name: str, reason: str) -> None:
    with pytest.raises(UnsafeArchiveError, match=reason):
        extract(tmp_path, hostile_archive(name))


def test_the_error_names_the_offending_entry(tmp_path: Path) -> None:
    with pytest.raises(UnsafeArchiveError) as caught:
        extract(tmp_path, hostile_archive("traversal"))
    assert caught.value.entry == "../../evil.txt"
    assert "'../../evil.txt'" in str(caught.value)


def test_understated_sizes_do_not_let_a_bomb_through(tmp_path: Path) -> None:
    """The headers claim 100 bytes for 16 MiB: at most 100 are produced, then the CRC fails."""
    with pytest.raises(DecodeError, match="corrupt"):
        extract(tmp_path, hostile_archive("lying_sizes"))
    assert left_in(tmp_path) == ["out"]


def test_total_size_limit_holds_whatever_the_headers_claim(tmp_path: Path) -> None:
    body = zip_bytes([(f"f{n}.bin", os.urandom(40_000)) for n in range(5)])
    limits = ArchiveLimits(max_total_bytes=150_000)
    with pytest.raises(UnsafeArchiveError, match="declare more than"):
        extract(tmp_path, body, limits)
    # Lie in the central directory: every entry claims 1 byte, so the declared total passes;
    # no more than the claim is produced and the entry then fails its CRC.
    lying = bytearray(body)
    at = 0
    while (at := lying.find(b"PK\x01\x02", at)) != -1:
        lying[at + 24 : at + 28] = struct.pack("<I", 1)
        at += 4
    with pytest.raises(DecodeError, match="corrupt"):
        extract(tmp_path, bytes(lying), limits)
    assert left_in(tmp_path) == ["out"]


def test_the_budget_counts_produced_bytes_not_declared_ones() -> None:
    """Whatever an entry declares, the running count of produced bytes is what is limited."""
    info = zipfile.ZipInfo("a.bin")
    info.file_size, info.compress_size = 10, 10**9  # claims: tiny output, huge input
    budget = _Budget(ArchiveLimits(max_ratio=10, ratio_floor_bytes=50), archive_size=5)
    budget.spend(info, 40, 40)
    with pytest.raises(UnsafeArchiveError, match="ratio"):  # 60 bytes from a 5-byte archive
        budget.spend(info, 60, 20)
    budget = _Budget(ArchiveLimits(max_total_bytes=100), archive_size=10**6)
    budget.spend(info, 100, 100)
    with pytest.raises(UnsafeArchiveError, match="max_total_bytes=100"):
        budget.spend(info, 101, 1)


def test_small_compressible_files_pass_the_ratio_check(tmp_path: Path) -> None:
    text = b"same line\n" * 50_000  # 500 kB at a ratio near 500, under the 1 MiB floor
    saved = extract(tmp_path, zip_bytes([("log.txt", text)]))
    assert [p.read_bytes() for p in saved] == [text]


def test_ratio_limit_applies_past_the_floor(tmp_path: Path) -> None:
    text = b"same line\n" * 50_000
    limits = ArchiveLimits(max_ratio=10, ratio_floor_bytes=64 * 1024)
    with pytest.raises(UnsafeArchiveError, match="ratio"):
        extract(tmp_path, zip_bytes([("log.txt", text)]), limits)


def test_directories_are_flattened_and_duplicates_renamed(tmp_path: Path) -> None:
    body = zip_bytes([("docs/", b""), ("docs/a.txt", b"1"), ("other/a.txt", b"2"), ("A.TXT", b"3")])
    saved = extract(tmp_path, body)
    assert [(p.name, p.read_bytes()) for p in saved] == [
        ("a.txt", b"1"),
        ("a (1).txt", b"2"),
        ("A (2).TXT", b"3"),
    ]
    assert left_in(tmp_path) == ["out", "out/A (2).TXT", "out/a (1).txt", "out/a.txt"]


def test_existing_files_are_kept_unless_overwrite(tmp_path: Path) -> None:
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "a.txt").write_bytes(b"mine")
    saved = extract(tmp_path, zip_bytes([("a.txt", b"theirs")]))
    assert saved[0].name == "a (1).txt"
    assert (tmp_path / "out" / "a.txt").read_bytes() == b"mine"
    saved = extract(tmp_path, zip_bytes([("a.txt", b"new")]), overwrite=True)
    assert saved == [tmp_path / "out" / "a.txt"]
    assert saved[0].read_bytes() == b"new"


def test_encrypted_and_bzip2_entries_are_refused(tmp_path: Path) -> None:
    encrypted = bytearray(zip_bytes([("a.txt", b"x")]))
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):
        encrypted[encrypted.find(signature) + offset] |= 0x1
    with pytest.raises(UnsafeArchiveError, match="encrypted"):
        extract(tmp_path, bytes(encrypted))
    with pytest.raises(UnsafeArchiveError, match="compression method 12"):
        extract(tmp_path, zip_bytes([("a.txt", b"x")], method=zipfile.ZIP_BZIP2))
    assert left_in(tmp_path) == ["out"]


def test_a_failure_mid_archive_removes_files_already_extracted(tmp_path: Path) -> None:
    """The first entry is fine and fully written; the second is a bomb: neither stays."""
    body = zip_bytes([("first.txt", b"fine" * 1000), ("zeros.bin", bytes(8 << 20))])
    with pytest.raises(UnsafeArchiveError, match="ratio"):
        extract(tmp_path, body)
    assert left_in(tmp_path) == ["out"]


@pytest.mark.parametrize(
    "field", ["max_files", "max_total_bytes", "max_ratio", "ratio_floor_bytes"]
)
@pytest.mark.parametrize("value", [0, -1, True, "10"])
def test_limits_must_be_positive_numbers(field: str, value: object) -> None:
    with pytest.raises(InvalidArgumentError, match=field):
        ArchiveLimits(**{field: value})  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("/etc/shadow", "shadow"),
        ("C:\\Windows\\win.ini", "win.ini"),
        ("..", "fallback"),
        ("", "fallback"),
        ("...", "fallback"),
        (".bashrc", "bashrc"),
        ("bad\nname\x07.txt", "badname.txt"),
        ("invoice\u202etxt.exe", "invoicetxt.exe"),
        ('what?<is>this:"|*.txt', "what__is_this____.txt"),
        ("CON.txt", "_CON.txt"),
        ("nul", "_nul"),
        ("trailing. . ", "trailing"),
        ("cafe\u0301.txt", "caf\u00e9.txt"),
    ],
)
def test_safe_filename(raw: str, safe: str) -> None:
    assert safe_filename(raw, "fallback") == safe


def test_long_names_are_cut_keeping_the_extension() -> None:
    name = safe_filename("é" * 300 + ".pdf", "x")
    assert name.endswith(".pdf")
    assert len(name.encode()) <= MAX_NAME_BYTES


@given(st.text(max_size=400))
def test_any_name_becomes_one_harmless_component(raw: str) -> None:
    name = safe_filename(raw, "fallback")
    assert name
    assert name not in (".", "..")
    assert not {"/", "\\", "\x00"} & set(name)
    assert not name.startswith(".")
    assert all(unicodedata.category(ch) not in ("Cc", "Cf") for ch in name)
    assert len(name.encode()) <= MAX_NAME_BYTES
