"""Evidence packs: real zip files, checked offline; any altered byte fails."""

from __future__ import annotations

import hashlib
import io
import json
import random
import subprocess
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import pytest

from evidence_helpers import issue_letter, payment, record_signed_receipt
from letters.errors import LettersError
from letters.evidence.entries import ENTRY_PREFIX
from letters.evidence.events import Channel, Event, EventKind
from letters.evidence.notes import SigningKey
from letters.evidence.pack import export_pack, verify_pack, write_zip
from letters.evidence.registry import Registry
from letters.evidence.storage import DbLocation

SCAN = b"\xff\xd8\xff\xe0" + "回执：签收人张三（收发部门）".encode() * 20


def make_pack(location: DbLocation, tmp_path: Path) -> tuple[Path, SigningKey, str]:
    """Case C1: a letter, its dispatch, a signed receipt with a scan; case C2 apart."""
    with Registry(location) as registry:
        letter = issue_letter(registry, tmp_path / "out", "C1")
        issue_letter(registry, tmp_path / "out", "C2")
        registry.append_event(
            Event(
                EventKind.DISPATCHED,
                date(2026, 9, 25),
                letter_no=letter,
                channel=Channel.EMS,
                waybill="1180123456789",
                contents=f"催款函 {letter}",
            )
        )
        registry.append_event(payment("C2", "other case"))
        record_signed_receipt(registry, letter, SCAN, "回执 0001.JPG")
        key = registry.signing_key(tmp_path / "log.key")
        data, summary = export_pack(registry, "C1", key, pack_name="C1-evidence.zip")
    summarised = (summary.entries, summary.letter_files, summary.attachments, summary.tree_size)
    assert summarised == (3, 2, 1, 5)
    path = tmp_path / "C1-evidence.zip"
    path.write_bytes(data)
    return path, key, letter


def test_a_pack_holds_the_case_and_verifies(db_location: DbLocation, tmp_path: Path) -> None:
    path, key, letter = make_pack(db_location, tmp_path)
    report = verify_pack(path, key.verifier)
    assert report.ok, report.problems
    assert (report.case_id, report.entries, report.files, report.tree_size) == ("C1", 3, 3, 5)
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        members = {name: archive.read(name) for name in names}
    assert names == [
        "验证说明.txt",
        "manifest.json",
        "SHA256SUMS",
        "checkpoint.txt",
        "log.pub",
        "attachments/000004-回执 0001.jpg",
        "entries/000000-letter-issued.json",
        "entries/000002-dispatched.json",
        "entries/000004-signed.json",
        "letters/000000-C1_goods-payment.docx",
        "letters/000000-C1_goods-payment.pdf",
        "proofs/000000.json",
        "proofs/000002.json",
        "proofs/000004.json",
    ]
    # The letter files are the bytes that were issued, the scan the one attached.
    assert (
        members["letters/000000-C1_goods-payment.pdf"]
        == (tmp_path / "out/C1_goods-payment.pdf").read_bytes()
    )
    assert members["attachments/000004-回执 0001.jpg"] == SCAN
    # The other case's entries stay out.
    assert b"other case" not in b"".join(members.values())
    # SHA256SUMS is what sha256sum writes.
    sums = members["SHA256SUMS"].decode().splitlines()
    assert f"{hashlib.sha256(SCAN).hexdigest()}  attachments/000004-回执 0001.jpg" in sums
    assert len(sums) == len(names) - 1
    # The proof's leaf hash can be recomputed by hand, as the guide explains.
    proof = json.loads(members["proofs/000004.json"])
    body = members["entries/000004-signed.json"]
    assert hashlib.sha256(b"\x00" + ENTRY_PREFIX + body).hexdigest() == proof["leaf_hash"]
    guide = members["验证说明.txt"].decode()
    assert "sha256sum -c SHA256SUMS" in guide
    assert "letters evidence verify C1-evidence.zip --key log.pub" in guide
    assert f"第4条  2026-09-28 签收回执 {letter} 签收人：张三（收发部门）" in guide
    assert key.verifier.text() in guide


def test_sha256sum_checks_an_extracted_pack(tmp_path: Path) -> None:
    path, key, _ = make_pack(tmp_path / "letters.db", tmp_path)
    folder = tmp_path / "extracted"
    with zipfile.ZipFile(path) as archive:
        archive.extractall(folder)
    result = subprocess.run(
        ["sha256sum", "--strict", "-c", "SHA256SUMS"],
        cwd=folder,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.count(": OK") == 13
    assert verify_pack(folder, key.verifier).ok
    (folder / "letters/000000-C1_goods-payment.pdf").write_bytes(b"%PDF- forged")
    problems = verify_pack(folder, key.verifier).problems
    assert problems == [
        "letters/000000-C1_goods-payment.pdf: its SHA-256 differs from SHA256SUMS: the file was changed",
        "letters/000000-C1_goods-payment.pdf: its SHA-256 is not the one entry 0 records: the file was changed",
    ]


def test_every_flipped_byte_fails(tmp_path: Path) -> None:
    path, key, _ = make_pack(tmp_path / "letters.db", tmp_path)
    data = path.read_bytes()
    # Every byte of the zip's structure (local headers, names, central
    # directory, end record), and 64 bytes inside each member.
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
    positions: set[int] = set()
    for info in infos:
        start = info.header_offset
        body_start = start + 30 + len(info.filename.encode()) + len(info.extra)
        positions.update(range(start, body_start))
        inside = range(body_start, body_start + info.file_size)
        positions.update(random.Random(info.filename).sample(inside, min(64, len(inside))))
    central_directory = data.find(b"PK\x01\x02")
    positions.update(range(central_directory, len(data)))
    assert central_directory > 0
    assert len(positions) > 2000
    bad = tmp_path / "bad.zip"
    accepted = []
    for position in sorted(positions):
        changed = bytearray(data)
        changed[position] ^= 0x01
        bad.write_bytes(changed)
        if verify_pack(bad, key.verifier).ok:
            accepted.append(position)
    assert accepted == []


def test_a_pack_checked_with_another_key_fails(tmp_path: Path) -> None:
    path, _, _ = make_pack(tmp_path / "letters.db", tmp_path)
    stranger = SigningKey.generate("letters-log/0000000000000000")
    problems = verify_pack(path, stranger.verifier).problems
    assert problems == [
        "checkpoint.txt: the note carries no signature by letters-log/0000000000000000 ("
        + stranger.verifier.id.hex()
        + ")"
    ]


def test_a_re_zipped_pack_is_refused_but_its_contents_still_check(tmp_path: Path) -> None:
    path, key, _ = make_pack(tmp_path / "letters.db", tmp_path)
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(path) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, source.read(info))
    rezipped = tmp_path / "rezipped.zip"
    rezipped.write_bytes(buffer.getvalue())
    (problem,) = verify_pack(rezipped, key.verifier).problems
    assert problem.endswith("(its structure or metadata was altered, or it was re-zipped)")


def test_export_refuses_when_a_letter_file_is_gone_and_finds_a_moved_one(tmp_path: Path) -> None:
    location = tmp_path / "letters.db"
    with Registry(location) as registry:
        issue_letter(registry, tmp_path / "out", "C1")
        key = registry.signing_key(tmp_path / "log.key")
        moved = tmp_path / "archive"
        (tmp_path / "out").rename(moved)
        with pytest.raises(
            LettersError, match=r"C1_goods-payment\.docx \(letter 催〔2026〕第0001号, entry 0\)"
        ):
            export_pack(registry, "C1", key, pack_name="x.zip")
        data, _ = export_pack(registry, "C1", key, pack_name="x.zip", letter_dirs=[moved])
        with pytest.raises(LettersError, match="the log has no entries for case C9"):
            export_pack(registry, "C9", key, pack_name="x.zip")
    (tmp_path / "x.zip").write_bytes(data)
    assert verify_pack(tmp_path / "x.zip", key.verifier).ok


def test_the_zip_writer_is_deterministic() -> None:
    members = {"b/2.txt": b"two", "验证说明.txt": "说明".encode(), "a/1.txt": b"one"}
    created = datetime(2026, 11, 22, 10, 30, 16, tzinfo=UTC)
    first = write_zip(members, created)
    assert first == write_zip(dict(reversed(members.items())), created)
    with zipfile.ZipFile(io.BytesIO(first)) as archive:
        assert archive.namelist() == ["验证说明.txt", "a/1.txt", "b/2.txt"]
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
        assert archive.infolist()[0].date_time == (2026, 11, 22, 10, 30, 16)
