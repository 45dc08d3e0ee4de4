"""The log in a real database — every test runs on a SQLite file and on a real
PostgreSQL server: the tree kept beside the entries, proofs from it, signed
checkpoints, append-only tables, concurrent writers, and writers killed with
SIGKILL at random moments."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from evidence_helpers import issue_letter, payment
from letters.errors import RegistryError
from letters.evidence import merkle
from letters.evidence.entries import leaf_hash
from letters.evidence.events import Event, EventKind
from letters.evidence.notes import open_checkpoint
from letters.evidence.registry import Registry
from letters.evidence.storage import DbLocation, is_postgres
from letters.evidence.verify import verify_log

TESTS = Path(__file__).resolve().parent


def test_appends_build_the_rfc_tree_and_prove_every_entry(
    db_location: DbLocation, tmp_path: Path
) -> None:
    with Registry(db_location) as registry:
        letter = issue_letter(registry, tmp_path / "out")
        indices = [registry.append_event(payment("C1", f"p{n}")) for n in range(36)]
        assert indices == list(range(1, 37))
        entries = registry.entries()
        # The tree recomputed from the stored bodies alone …
        tree = merkle.MemoryTree(leaf_hash(e.body) for e in entries)
        assert [e.index for e in entries] == list(range(37))
        assert entries[0].letter_no == letter
        # … has the roots and nodes the log stored while appending.
        for size in range(38):
            assert registry.log.root(size) == tree.root(size)
        for size in (1, 2, 5, 8, 13, 32, 37):
            for index in range(size):
                proof = registry.log.inclusion_proof(index, size)
                merkle.verify_inclusion(
                    index, size, entries[index].leaf_hash, proof, tree.root(size)
                )
            for old in range(size + 1):
                proof = registry.log.consistency_proof(old, size)
                merkle.verify_consistency(old, size, tree.root(old), tree.root(size), proof)


def test_checkpoints_are_signed_and_kept(db_location: DbLocation, tmp_path: Path) -> None:
    key_path = tmp_path / "log.key"
    with Registry(db_location) as registry:
        registry.append_events([payment("C1", "a"), payment("C1", "b"), payment("C1", "c")])
        key = registry.signing_key(key_path)
        stored = registry.checkpoint(key)
        registry.append_event(payment("C1", "d"))
        second = registry.checkpoint(key)
        assert (stored.seq, stored.size, second.seq, second.size) == (1, 3, 2, 4)
        checkpoint = open_checkpoint(stored.note, registry.public_key() or key.verifier)
        assert checkpoint.origin == registry.origin()
        assert checkpoint.root == registry.log.root(3)
        report = verify_log(registry)
    assert report.ok, report.problems
    assert report.checkpoints_checked == 2
    assert report.size == 4


def test_a_batch_is_all_or_nothing(db_location: DbLocation) -> None:
    with Registry(db_location) as registry:
        registry.append_event(payment("C1", "first"))
        batch = [
            payment("C1", "a"),
            Event(EventKind.SIGNED, payment("C1", "x").date, letter_no="no such letter"),
            payment("C1", "b"),
        ]
        with pytest.raises(RegistryError, match="no letter no such letter"):
            registry.append_events(batch)
        assert registry.entry_count() == 1
        assert [remark for _, e in registry.events() if (remark := e.remark)] == ["first"]
        assert registry.append_event(payment("C1", "after")) == 1
        assert verify_log(registry).ok


TAMPERING = [
    "UPDATE log_entries SET kind='x'",
    "DELETE FROM log_entries",
    "UPDATE tree_nodes SET level=9",
    "DELETE FROM tree_nodes",
    "UPDATE tree_heads SET size=size+100",
    "DELETE FROM tree_heads",
    "DELETE FROM checkpoints",
]


@pytest.mark.parametrize("statement", TAMPERING)
def test_log_tables_refuse_update_and_delete(
    db_location: DbLocation, tmp_path: Path, statement: str
) -> None:
    with Registry(db_location) as registry:
        registry.append_events([payment("C1", "a"), payment("C1", "b")])
        registry.checkpoint(registry.signing_key(tmp_path / "k"))
        with pytest.raises(registry.db.database_errors, match="append-only"):
            registry.db.execute(statement)


def test_postgres_refuses_truncate(postgres_db: str) -> None:
    with Registry(postgres_db) as registry:
        registry.append_event(payment("C1", "a"))
        for table in ("log_entries", "tree_nodes", "tree_heads", "checkpoints", "letters"):
            with pytest.raises(registry.db.database_errors, match="append-only"):
                registry.db.execute(f"TRUNCATE {table} CASCADE")
        assert registry.entry_count() == 1


# ---------------------------------------------------------------- processes


def run_writers(location: DbLocation, names: list[str], count: int) -> list[list[str]]:
    """Start one writer process per name at once; their output lines."""
    processes = [
        subprocess.Popen(
            [sys.executable, str(TESTS / "log_writer.py"), str(location), name, str(count)],
            stdout=subprocess.PIPE,
            text=True,
            cwd=TESTS,
        )
        for name in names
    ]
    outputs = []
    for process in processes:
        out, _ = process.communicate(timeout=240)
        assert process.returncode == 0
        outputs.append(out.splitlines())
    return outputs


def test_concurrent_writers_make_a_dense_duplicate_free_verifying_log(
    db_location: DbLocation,
) -> None:
    Registry(db_location).close()
    outputs = run_writers(db_location, ["w0", "w1", "w2", "w3"], 30)
    acknowledged = {int(line.split()[0]): line.split()[1] for out in outputs for line in out}
    assert len(acknowledged) == 120  # no index handed out twice
    with Registry(db_location) as registry:
        entries = registry.entries()
        assert [e.index for e in entries] == list(range(120))
        assert {e.index: e.fields()["remark"] for e in entries} == acknowledged
        report = verify_log(registry)
    assert report.ok, report.problems
    # Each writer's own entries are in the order it wrote them.
    for name in ("w0", "w1", "w2", "w3"):
        mine = [i for i, remark in sorted(acknowledged.items()) if remark.startswith(name + "-")]
        assert [acknowledged[i] for i in mine] == [f"{name}-{n}" for n in range(30)]


def kill_loop(location: DbLocation, rounds: int, seed: int) -> int:
    """Kill a writer at a random moment, ``rounds`` times; check after each."""
    chooser = random.Random(seed)
    Registry(location).close()
    acknowledged: dict[int, str] = {}
    kills = 0
    for round_number in range(rounds):
        process = subprocess.Popen(
            [
                sys.executable,
                str(TESTS / "log_writer.py"),
                str(location),
                f"r{round_number}",
                "100000",
            ],
            stdout=subprocess.PIPE,
            text=True,
            cwd=TESTS,
        )
        assert process.stdout is not None
        first = process.stdout.readline()  # started and appending
        time.sleep(chooser.uniform(0.0, 0.15))
        os.kill(process.pid, signal.SIGKILL)
        rest, _ = process.communicate()
        kills += process.returncode == -signal.SIGKILL
        # SIGKILL can cut the writer's last line short: only a whole line (ending
        # in a newline) acknowledges an entry.
        complete = (first + rest).split("\n")[:-1]
        for line in complete:
            if line.strip():
                index, remark = line.split()
                acknowledged[int(index)] = remark
        with Registry(location) as registry:
            entries = {e.index: e for e in registry.entries()}
            lost = [i for i in acknowledged if i not in entries]
            assert not lost, f"round {round_number}: acknowledged entries {lost} are gone"
            for index, remark in acknowledged.items():
                assert entries[index].fields()["remark"] == remark
            assert sorted(entries) == list(range(len(entries)))
            report = verify_log(registry, check_attachments=False)
            assert report.ok, f"round {round_number}: {report.problems}"
    return kills


def test_writers_killed_at_random_moments_lose_nothing_acknowledged(
    db_location: DbLocation,
) -> None:
    rounds = 16 if is_postgres(db_location) else 24
    assert kill_loop(db_location, rounds, seed=20261122) == rounds


# ---------------------------------------------------------------- upgrade


V1_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE letter_sequences (prefix TEXT NOT NULL, year INTEGER NOT NULL,
    last_seq INTEGER NOT NULL, PRIMARY KEY (prefix, year));
CREATE TABLE letters (letter_no TEXT PRIMARY KEY, prefix TEXT NOT NULL, year INTEGER NOT NULL,
    seq INTEGER NOT NULL, template_id TEXT NOT NULL, template_sha256 TEXT NOT NULL,
    case_id TEXT NOT NULL, case_sha256 TEXT NOT NULL, case_json TEXT NOT NULL,
    issue_date TEXT NOT NULL, debtor_name TEXT NOT NULL, reserved_at TEXT NOT NULL,
    UNIQUE (prefix, year, seq), UNIQUE (template_id, case_id, case_sha256, template_sha256));
CREATE TABLE log_entries (idx INTEGER PRIMARY KEY, kind TEXT NOT NULL, letter_no TEXT,
    case_id TEXT, body BLOB NOT NULL, leaf_hash BLOB NOT NULL, recorded_at TEXT NOT NULL);
CREATE TABLE letter_files (letter_no TEXT NOT NULL, format TEXT NOT NULL, path TEXT NOT NULL,
    sha256 TEXT NOT NULL, size INTEGER NOT NULL, entry_idx INTEGER NOT NULL,
    PRIMARY KEY (letter_no, format, sha256));
INSERT INTO meta VALUES ('schema_version', '1');
"""


def test_a_foundation_release_database_gets_its_tree(tmp_path: Path) -> None:
    from letters.evidence.entries import entry_body

    path = tmp_path / "old.db"
    connection = sqlite3.connect(path)
    connection.executescript(V1_SCHEMA)
    bodies = [
        entry_body(
            "payment", {"case_id": "C1", "date": "2026-10-01"}, salt=f"{n:02d}", recorded_at="t"
        )
        for n in range(5)
    ]
    connection.executemany(
        "INSERT INTO log_entries VALUES (?, 'payment', NULL, 'C1', ?, ?, 't')",
        [(n, body, leaf_hash(body)) for n, body in enumerate(bodies)],
    )
    connection.commit()
    connection.close()
    with Registry(path) as registry:
        assert registry.db.schema_version() == "2"
        assert registry.log.root(5) == merkle.MemoryTree(leaf_hash(b) for b in bodies).root()
        assert registry.append_event(payment("C1", "new")) == 5
        assert verify_log(registry).ok
