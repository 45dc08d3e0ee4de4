"""Tampering with the database behind the program's back — as someone with the
file (or a PostgreSQL superuser) would, triggers dropped — is always caught by
`log verify`, and the first problem names the first bad entry."""

from __future__ import annotations

import dataclasses
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from evidence_helpers import issue_letter, payment, record_signed_receipt
from letters.cli import cli
from letters.evidence import merkle
from letters.evidence.entries import entry_body, leaf_hash
from letters.evidence.files import sha256_of
from letters.evidence.registry import Registry
from letters.evidence.storage import APPEND_ONLY, DbLocation, is_postgres
from letters.evidence.verify import CheckpointSource, LogReport, verify_log

SCAN = b"\xff\xd8\xff\xe0 a receipt scan" + "，签收人张三".encode()


@dataclasses.dataclass
class Log:
    location: DbLocation
    key: Path
    exported: str  # a checkpoint of all 10 entries, kept outside the database


def build(location: DbLocation, tmp_path: Path) -> Log:
    """Entry 0 a letter, 1-9 events (3: a signed receipt with a scan); checkpoint at 10."""
    with Registry(location) as registry:
        letter = issue_letter(registry, tmp_path / "out")
        registry.append_events([payment("C1", f"event {n}", day=n) for n in range(1, 3)])
        record_signed_receipt(registry, letter, SCAN, "receipt.jpg")
        registry.append_events([payment("C1", f"event {n}", day=n) for n in range(4, 10)])
        key = tmp_path / "log.key"
        stored = registry.checkpoint(registry.signing_key(key))
        assert registry.entry_count() == stored.size == 10
    return Log(location, key, stored.note)


def raw(location: DbLocation, *statements: tuple[str, tuple[Any, ...]]) -> None:
    """Run SQL on the database directly, with the append-only triggers out of the way."""
    if is_postgres(location):
        import psycopg

        with psycopg.connect(str(location), autocommit=True) as connection:
            for table in (*APPEND_ONLY, "meta"):
                connection.execute(f"ALTER TABLE {table} DISABLE TRIGGER ALL")
            for sql, params in statements:
                connection.execute(sql.replace("?", "%s"), params)
        return
    connection = sqlite3.connect(location)
    for (name,) in connection.execute(
        "SELECT name FROM sqlite_master WHERE type='trigger'"
    ).fetchall():
        connection.execute(f"DROP TRIGGER {name}")
    for sql, params in statements:
        connection.execute(sql, params)
    connection.commit()
    connection.close()


def verify(log: Log, *, external: bool = False) -> LogReport:
    sources = [CheckpointSource("checkpoint file cp.txt", log.exported)] if external else []
    with Registry(log.location) as registry:
        return verify_log(registry, external=sources)


def body_of(location: DbLocation, index: int) -> bytes:
    with Registry(location) as registry:
        entry = registry.log.entry(index)
        assert entry is not None
        return entry.body


def edit(index: int, recompute_hash: bool) -> Callable[[DbLocation], None]:
    def tamper(location: DbLocation) -> None:
        body = body_of(location, index).replace(b"event ", b"EVENT ")
        assert body != body_of(location, index)
        raw(location, ("UPDATE log_entries SET body=? WHERE idx=?", (body, index)))
        if recompute_hash:
            raw(
                location,
                ("UPDATE log_entries SET leaf_hash=? WHERE idx=?", (leaf_hash(body), index)),
            )

    return tamper


def delete(index: int) -> Callable[[DbLocation], None]:
    return lambda location: raw(location, ("DELETE FROM log_entries WHERE idx=?", (index,)))


def swap(first: int, second: int) -> Callable[[DbLocation], None]:
    return lambda location: raw(
        location,
        ("UPDATE log_entries SET idx=-1 WHERE idx=?", (first,)),
        ("UPDATE log_entries SET idx=? WHERE idx=?", (first, second)),
        ("UPDATE log_entries SET idx=? WHERE idx=-1", (second,)),
    )


def truncate_entries(location: DbLocation) -> None:
    raw(location, ("DELETE FROM log_entries WHERE idx >= 7", ()))


def insert_forged_entry(location: DbLocation) -> None:
    body = entry_body(
        "payment", {"case_id": "C1", "date": "2026-10-09"}, salt="00", recorded_at="t"
    )
    raw(
        location,
        (
            "INSERT INTO log_entries (idx, kind, case_id, body, leaf_hash, recorded_at) "
            "VALUES (10, 'payment', 'C1', ?, ?, 't')",
            (body, leaf_hash(body)),
        ),
    )


def edit_node(location: DbLocation) -> None:
    raw(location, ("UPDATE tree_nodes SET hash=? WHERE level=2 AND idx=1", (b"\x00" * 32,)))


def edit_column(location: DbLocation) -> None:
    raw(location, ("UPDATE log_entries SET case_id='C2' WHERE idx=5", ()))


CASES = [
    (
        "edited entry",
        edit(4, recompute_hash=False),
        "entry 4 (payment): its content does not match",
    ),
    ("edited entry, hash recomputed", edit(4, recompute_hash=True), "entry 4: the tree head"),
    ("deleted entry", delete(4), "entry 4 is missing"),
    ("swapped entries", swap(2, 6), "entry 2: the tree head"),
    ("truncated entries", truncate_entries, "entry 7 is missing"),
    ("forged entry", insert_forged_entry, "entry 10: the tree head"),
    ("edited tree node", edit_node, "entry 7: the tree node over entries 4–7 differs"),
    ("edited search column", edit_column, "entry 5: column case_id says 'C2'"),
]


@pytest.mark.parametrize(("name", "tamper", "first_problem"), CASES, ids=[c[0] for c in CASES])
def test_tampering_is_caught_and_names_the_first_bad_entry(
    db_location: DbLocation,
    tmp_path: Path,
    name: str,
    tamper: Callable[[DbLocation], None],
    first_problem: str,
) -> None:
    log = build(db_location, tmp_path)
    assert verify(log).ok
    tamper(db_location)
    report = verify(log)
    assert not report.ok, name
    assert report.problems[0].startswith(first_problem), report.problems


def test_truncation_with_its_traces_removed_is_caught_by_an_exported_checkpoint(
    db_location: DbLocation, tmp_path: Path
) -> None:
    log = build(db_location, tmp_path)
    raw(
        db_location,
        ("DELETE FROM log_entries WHERE idx >= 7", ()),
        ("DELETE FROM tree_heads WHERE size > 7", ()),
        ("DELETE FROM tree_nodes WHERE (idx + 1) * (1 << level) > 7", ()),
        ("DELETE FROM checkpoints", ()),
    )
    report = verify(log, external=True)
    assert report.problems == [
        "entry 7 is missing: checkpoint file cp.txt was signed when the log had 10 entries, "
        "it now has 7 (the log was truncated)"
    ]
    # The honest limit: without a checkpoint held elsewhere, a clean cut is invisible.
    blind = verify(log)
    assert blind.ok
    assert any("no signed checkpoint is in the database" in note for note in blind.notes)


def test_a_consistent_rewrite_without_the_key_breaks_the_signed_checkpoint(
    db_location: DbLocation, tmp_path: Path
) -> None:
    """Edit entry 4 and recompute every hash, node and head, as a careful
    forger would: only the signature over the old root gives it away."""
    log = build(db_location, tmp_path)
    with Registry(db_location) as registry:
        bodies = [e.body for e in registry.entries()]
    bodies[4] = bodies[4].replace(b"event 4", b"event X")
    tree = merkle.MemoryTree()
    statements: list[tuple[str, tuple[Any, ...]]] = [
        (
            "UPDATE log_entries SET body=?, leaf_hash=? WHERE idx=4",
            (bodies[4], leaf_hash(bodies[4])),
        )
    ]
    for size, body in enumerate(bodies, start=1):
        for node in tree.append(leaf_hash(body)):
            statements.append(
                (
                    "UPDATE tree_nodes SET hash=? WHERE level=? AND idx=?",
                    (node.hash, node.level, node.index),
                )
            )
        statements.append(("UPDATE tree_heads SET root=? WHERE size=?", (tree.root(), size)))
    raw(db_location, *statements)
    report = verify(log)
    assert report.problems == [
        f"checkpoint 1 in the database (signed {_signed_at(db_location)}) (size 10) does not "
        "match the log: an entry before entry 10 was changed, removed or reordered since it was signed"
    ]


def _signed_at(location: DbLocation) -> str:
    with Registry(location) as registry:
        return registry.log.checkpoints()[0].signed_at


def test_a_changed_or_missing_attachment_is_caught(db_location: DbLocation, tmp_path: Path) -> None:
    log = build(db_location, tmp_path)
    digest = sha256_of(SCAN)
    if is_postgres(db_location):
        raw(
            db_location, ("UPDATE stored_files SET content=? WHERE sha256=?", (SCAN + b"!", digest))
        )
    else:
        stored = Path(f"{db_location}.files") / digest[:2] / digest
        stored.chmod(0o644)
        stored.write_bytes(SCAN + b"!")
    assert verify(log).problems[0].startswith("entry 3: attached file receipt.jpg was changed")
    if is_postgres(db_location):
        raw(db_location, ("DELETE FROM stored_files", ()))
    else:
        stored.unlink()
    assert verify(log).problems[0].startswith("entry 3: attached file receipt.jpg is missing")


def test_a_flipped_byte_in_the_sqlite_file_itself_is_caught(tmp_path: Path) -> None:
    location = tmp_path / "letters.db"
    log = build(location, tmp_path)
    data = location.read_bytes()
    assert not Path(f"{location}-wal").exists() or Path(f"{location}-wal").stat().st_size == 0
    # The signer's name sits in entry 3's body in the page: 张三 → 李三, same length.
    assert data.count("张三".encode()) == 1
    location.write_bytes(data.replace("张三".encode(), "李三".encode()))
    report = verify(log)
    assert report.problems[0].startswith(
        "entry 3 (signed): its content does not match its recorded hash"
    )


def test_log_verify_command_exit_codes_and_messages(tmp_path: Path) -> None:
    location = tmp_path / "letters.db"
    log = build(location, tmp_path)
    checkpoint = tmp_path / "cp.txt"
    checkpoint.write_text(log.exported, encoding="utf-8")
    runner = CliRunner()
    ok = runner.invoke(
        cli, ["log", "verify", "--db", str(location), "--checkpoint", str(checkpoint)]
    )
    assert ok.exit_code == 0, ok.output
    assert ok.output.startswith("Log OK: 10 entries, root ")
    assert "2 signed checkpoints and 1 attached file checked." in ok.output
    delete(4)(location)
    bad = runner.invoke(
        cli, ["log", "verify", "--db", str(location), "--checkpoint", str(checkpoint)]
    )
    assert bad.exit_code == 1
    assert "problem: entry 4 is missing: the log jumps from entry 3 to entry 5" in bad.output
    assert "The log FAILED verification" in bad.output
