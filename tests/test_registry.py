"""The issued-letter registry: unique numbers across batches, reuse for unchanged
cases, append-only tables, and idempotent issue records — on a real SQLite file."""

from __future__ import annotations

import dataclasses
import multiprocessing
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from helpers import goods_case
from letters.errors import RegistryError
from letters.evidence.entries import ENTRY_PREFIX, leaf_hash
from letters.evidence.registry import FileRecord, Registry
from letters.model import Case


def reserve(registry: Registry, case: Case, template_sha256: str = "t" * 64, prefix: str = "催"):  # type: ignore[no-untyped-def]
    return registry.reserve(
        case=case,
        template_id="goods-payment",
        template_sha256=template_sha256,
        prefix=prefix,
        year=2026,
        format_letter_no=lambda seq: f"{prefix}〔2026〕第{seq:04d}号",
        debtor_name=str(case.values["debtor_name"]),
        issue_date="2026-09-24",
    )


def test_numbers_are_sequential_and_persist(tmp_path: Path) -> None:
    path = tmp_path / "letters.db"
    with Registry(path) as registry:
        first = reserve(registry, goods_case(case_id="C1"))
        second = reserve(registry, goods_case(case_id="C2"))
    with Registry(path) as registry:  # a later batch, a new process
        third = reserve(registry, goods_case(case_id="C3"))
    assert [first.letter_no, second.letter_no, third.letter_no] == [
        "催〔2026〕第0001号",
        "催〔2026〕第0002号",
        "催〔2026〕第0003号",
    ]
    assert not (first.reused)
    assert not (second.reused)
    assert not (third.reused)


def test_unchanged_case_keeps_its_number(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        first = reserve(registry, goods_case())
        again = reserve(registry, goods_case())
        changed = reserve(registry, goods_case(debtor_address="新地址"))
        new_template = reserve(registry, goods_case(), template_sha256="u" * 64)
    assert again.letter_no == first.letter_no
    assert again.reused
    assert changed.letter_no == "催〔2026〕第0002号"
    assert new_template.letter_no == "催〔2026〕第0003号"


def test_sequences_are_per_prefix_and_year(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        assert reserve(registry, goods_case(case_id="A"), prefix="货催").letter_no.endswith(
            "0001号"
        )
        assert reserve(registry, goods_case(case_id="B"), prefix="租催").letter_no.endswith(
            "0001号"
        )


def _reserve_many(path: str, start: int) -> list[str]:
    with Registry(Path(path)) as registry:
        return [reserve(registry, goods_case(case_id=f"P{start + n}")).letter_no for n in range(20)]


def test_processes_never_share_a_number(tmp_path: Path) -> None:
    path = tmp_path / "letters.db"
    Registry(path).close()
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        results = pool.starmap(_reserve_many, [(str(path), 100 * k) for k in range(4)])
    numbers = [n for batch in results for n in batch]
    assert len(numbers) == len(set(numbers)) == 80
    assert sorted(numbers) == [f"催〔2026〕第{seq:04d}号" for seq in range(1, 81)]


def test_issue_record_is_idempotent_and_hashed(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        letter_no = reserve(registry, goods_case()).letter_no
        files = {"pdf": FileRecord("pdf", "/x/C1.pdf", "a" * 64, 10)}
        index = registry.record_issue(letter_no, files, {"verification_code": "X"})
        assert index == 0
        assert registry.record_issue(letter_no, files, {}) is None  # same bytes: nothing new
        changed = {"pdf": FileRecord("pdf", "/x/C1.pdf", "b" * 64, 11)}
        assert registry.record_issue(letter_no, changed, {}) == 1
        assert registry.entry_count() == 2
        (letter,) = registry.letters()
        assert letter["status"] == "issued"
        assert [f["sha256"] for f in letter["files"]] == ["a" * 64, "b" * 64]
        body, stored_hash = registry.connection.execute(
            "SELECT body, leaf_hash FROM log_entries WHERE idx=0"
        ).fetchone()
    assert b'"kind":"letter-issued"' in body
    assert b'"sha256":"' + b"a" * 64 in body
    assert stored_hash == leaf_hash(body)
    import hashlib

    assert stored_hash == hashlib.sha256(b"\x00" + ENTRY_PREFIX + body).digest()


@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE log_entries SET kind='x'",
        "DELETE FROM log_entries",
        "UPDATE letters SET debtor_name='x'",
        "DELETE FROM letters",
        "DELETE FROM letter_files",
    ],
)
def test_record_tables_are_append_only(tmp_path: Path, statement: str) -> None:
    path = tmp_path / "letters.db"
    with Registry(path) as registry:
        letter_no = reserve(registry, goods_case()).letter_no
        registry.record_issue(letter_no, {"pdf": FileRecord("pdf", "/x", "a" * 64, 1)}, {})
    connection = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="append-only"):
        connection.execute(statement)
    connection.close()


def test_settings_are_durable(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        assert registry.connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert registry.connection.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_not_a_database(tmp_path: Path) -> None:
    path = tmp_path / "letters.db"
    path.write_bytes(b"this is not sqlite" * 100)
    from letters.errors import RegistryError

    with pytest.raises(RegistryError, match="cannot open the registry"):
        Registry(path)


def test_canonical_case_is_stored(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        reserve(registry, goods_case(issue_date=date(2026, 9, 24)))
        (case_json,) = registry.connection.execute("SELECT case_json FROM letters").fetchone()
    assert '"issue_date":"2026-09-24"' in case_json
    assert '"amount_due":"107000.53"' in case_json


def test_events_round_trip_through_the_log(tmp_path: Path) -> None:
    from decimal import Decimal

    from letters.evidence.events import Capacity, Channel, Event, EventKind

    with Registry(tmp_path / "letters.db") as registry:
        letter_no = reserve(registry, goods_case()).letter_no
        signed = Event(
            EventKind.SIGNED,
            date(2026, 9, 28),
            letter_no=letter_no,
            signer="张三",
            capacity=Capacity.MAIL_ROOM,
            signed=True,
            channel=Channel.EMS,
        )
        paid = Event(EventKind.PAYMENT, date(2026, 10, 9), case_id="C1", amount=Decimal("500.00"))
        assert registry.append_event(signed) == 0
        assert registry.append_event(paid) == 1
        logged = registry.events(case_id="C1")
        with pytest.raises(RegistryError, match="no letter X"):
            registry.append_event(Event(EventKind.SIGNED, date(2026, 9, 28), letter_no="X"))
    assert [index for index, _ in logged] == [0, 1]
    assert logged[0][1] == dataclasses.replace(signed, case_id="C1")  # the letter's case
    assert logged[1][1] == paid
