"""The issued-letter registry: letter numbers, issued files, and the log they seed.

SQLite (``letters.db`` by default). Letter numbers are unique across every
batch ever run against the same database because the sequence is stored
here. Rendering registers each letter in two steps:

1. :meth:`Registry.reserve` gives the case its number. The same case data with
   the same template gets the same number back, so re-rendering an unchanged
   case never consumes a new number (and a render that failed halfway is
   retried with the number it already had).
2. :meth:`Registry.record_issue` appends a ``letter-issued`` entry to the
   append-only log with the SHA-256 of every output file, in one transaction,
   before the files are moved into place.

Tables that form the record refuse UPDATE and DELETE (triggers); only the
number counter is ever updated.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from letters.errors import RegistryError
from letters.evidence.entries import EntryKind, entry_body, leaf_hash, new_salt
from letters.evidence.events import Event, event_from_fields
from letters.model import Case, canonical_json, case_sha256

SCHEMA_VERSION = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS letter_sequences (
    prefix   TEXT    NOT NULL,
    year     INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (prefix, year)
);
CREATE TABLE IF NOT EXISTS letters (
    letter_no       TEXT PRIMARY KEY,
    prefix          TEXT    NOT NULL,
    year            INTEGER NOT NULL,
    seq             INTEGER NOT NULL,
    template_id     TEXT    NOT NULL,
    template_sha256 TEXT    NOT NULL,
    case_id         TEXT    NOT NULL,
    case_sha256     TEXT    NOT NULL,
    case_json       TEXT    NOT NULL,
    issue_date      TEXT    NOT NULL,
    debtor_name     TEXT    NOT NULL,
    reserved_at     TEXT    NOT NULL,
    UNIQUE (prefix, year, seq),
    UNIQUE (template_id, case_id, case_sha256, template_sha256)
);
CREATE INDEX IF NOT EXISTS letters_case ON letters (case_id);
CREATE TABLE IF NOT EXISTS log_entries (
    idx         INTEGER PRIMARY KEY,
    kind        TEXT NOT NULL,
    letter_no   TEXT,
    case_id     TEXT,
    body        BLOB NOT NULL,
    leaf_hash   BLOB NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS log_entries_letter ON log_entries (letter_no);
CREATE INDEX IF NOT EXISTS log_entries_case ON log_entries (case_id);
CREATE TABLE IF NOT EXISTS letter_files (
    letter_no TEXT    NOT NULL REFERENCES letters (letter_no),
    format    TEXT    NOT NULL,
    path      TEXT    NOT NULL,
    sha256    TEXT    NOT NULL,
    size      INTEGER NOT NULL,
    entry_idx INTEGER NOT NULL REFERENCES log_entries (idx),
    PRIMARY KEY (letter_no, format, sha256)
);
"""

_APPEND_ONLY = ("letters", "log_entries", "letter_files")


def _triggers() -> str:
    statements = []
    for table in _APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            statements.append(
                f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END;"
            )
    return "\n".join(statements)


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class Reservation:
    letter_no: str
    reused: bool


@dataclass(frozen=True, slots=True)
class FileRecord:
    format: str
    path: str
    sha256: str
    size: int


class Registry:
    """The registry in one SQLite file. Safe for several processes at once:
    every write is one ``BEGIN IMMEDIATE`` transaction."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.connection = sqlite3.connect(path, timeout=60, isolation_level=None)
            self.connection.row_factory = sqlite3.Row
            self.connection.execute("PRAGMA journal_mode=WAL")
            # FULL: a commit survives a power cut once it returns (legal evidence).
            self.connection.execute("PRAGMA synchronous=FULL")
            self.connection.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise RegistryError(
                f"cannot open the registry {path}: {error}",
                "check the path given with --db or LETTERS_DB; it must be a letters database",
            ) from None

    def _migrate(self) -> None:
        # Every statement is idempotent (IF NOT EXISTS), so processes opening a
        # new database at the same moment do not trip over each other.
        self.connection.executescript(_SCHEMA + _triggers())
        with self._write() as connection:
            connection.execute(
                "INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)",
                (SCHEMA_VERSION,),
            )
            row = connection.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row["value"] != SCHEMA_VERSION:
                raise RegistryError(
                    f"{self.path} has schema version {row['value']}, this program knows {SCHEMA_VERSION}"
                )

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        connection = self.connection
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield connection
        except BaseException:
            connection.execute("ROLLBACK")
            raise
        else:
            connection.execute("COMMIT")

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ numbers

    def reserve(
        self,
        *,
        case: Case,
        template_id: str,
        template_sha256: str,
        prefix: str,
        year: int,
        format_letter_no: Callable[[int], str],
        debtor_name: str,
        issue_date: str,
    ) -> Reservation:
        """The case's letter number: the one it already has, or the next in sequence."""
        digest = case_sha256(case)
        with self._write() as connection:
            row = connection.execute(
                "SELECT letter_no FROM letters WHERE template_id=? AND case_id=? AND case_sha256=? "
                "AND template_sha256=?",
                (template_id, case.case_id, digest, template_sha256),
            ).fetchone()
            if row is not None:
                return Reservation(row["letter_no"], reused=True)
            current = connection.execute(
                "SELECT last_seq FROM letter_sequences WHERE prefix=? AND year=?", (prefix, year)
            ).fetchone()
            seq = (current["last_seq"] if current else 0) + 1
            if current is None:
                connection.execute(
                    "INSERT INTO letter_sequences (prefix, year, last_seq) VALUES (?, ?, ?)",
                    (prefix, year, seq),
                )
            else:
                connection.execute(
                    "UPDATE letter_sequences SET last_seq=? WHERE prefix=? AND year=?",
                    (seq, prefix, year),
                )
            letter_no = format_letter_no(seq)
            try:
                connection.execute(
                    "INSERT INTO letters (letter_no, prefix, year, seq, template_id, template_sha256, "
                    "case_id, case_sha256, case_json, issue_date, debtor_name, reserved_at) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        letter_no,
                        prefix,
                        year,
                        seq,
                        template_id,
                        template_sha256,
                        case.case_id,
                        digest,
                        canonical_json(case.canonical()).decode(),
                        issue_date,
                        debtor_name,
                        utc_now(),
                    ),
                )
            except sqlite3.IntegrityError:
                raise RegistryError(
                    f"letter number {letter_no} is already taken by another letter",
                    "two templates share a letter_no_prefix and letter_no_format; give one its own",
                ) from None
        return Reservation(letter_no, reused=False)

    # ------------------------------------------------------------ the log

    def _append(
        self,
        connection: sqlite3.Connection,
        kind: str,
        fields: Mapping[str, Any],
        *,
        letter_no: str | None,
        case_id: str | None,
    ) -> int:
        recorded_at = utc_now()
        body = entry_body(kind, fields, salt=new_salt(), recorded_at=recorded_at)
        row = connection.execute(
            "SELECT COALESCE(MAX(idx), -1) + 1 AS next FROM log_entries"
        ).fetchone()
        index = int(row["next"])
        connection.execute(
            "INSERT INTO log_entries (idx, kind, letter_no, case_id, body, leaf_hash, recorded_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            (index, kind, letter_no, case_id, body, leaf_hash(body), recorded_at),
        )
        return index

    def record_issue(
        self, letter_no: str, files: Mapping[str, FileRecord], details: Mapping[str, Any]
    ) -> int | None:
        """Append a ``letter-issued`` entry for files not yet recorded; None if all were.

        Re-rendering an unchanged letter produces the same bytes and records
        nothing new; different bytes under the same number are recorded as a
        further issue of that letter, so the log shows both.
        """
        with self._write() as connection:
            letter = connection.execute(
                "SELECT * FROM letters WHERE letter_no=?", (letter_no,)
            ).fetchone()
            if letter is None:
                raise RegistryError(f"letter {letter_no} was never reserved")
            new = {
                fmt: record
                for fmt, record in files.items()
                if connection.execute(
                    "SELECT 1 FROM letter_files WHERE letter_no=? AND format=? AND sha256=?",
                    (letter_no, fmt, record.sha256),
                ).fetchone()
                is None
            }
            if not new:
                return None
            fields = {
                "letter_no": letter_no,
                "case_id": letter["case_id"],
                "template": letter["template_id"],
                "template_sha256": letter["template_sha256"],
                "case_sha256": letter["case_sha256"],
                "issue_date": letter["issue_date"],
                "debtor_name": letter["debtor_name"],
                "files": {
                    fmt: {"name": Path(r.path).name, "sha256": r.sha256, "size": r.size}
                    for fmt, r in sorted(files.items())
                },
                **details,
            }
            index = self._append(
                connection,
                EntryKind.LETTER_ISSUED,
                fields,
                letter_no=letter_no,
                case_id=letter["case_id"],
            )
            for fmt, record in new.items():
                connection.execute(
                    "INSERT INTO letter_files (letter_no, format, path, sha256, size, entry_idx) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (letter_no, fmt, record.path, record.sha256, record.size, index),
                )
            return index

    def append_event(self, event: Event) -> int:
        """Append one event to the log; returns its index.

        The case is taken from the letter when the event names one. Checking
        that the event makes sense (dates, signer, known letter) is the caller's
        job (the receipts commands).
        """
        with self._write() as connection:
            case_id = event.case_id
            if event.letter_no is not None:
                letter = connection.execute(
                    "SELECT case_id FROM letters WHERE letter_no=?", (event.letter_no,)
                ).fetchone()
                if letter is None:
                    raise RegistryError(f"no letter {event.letter_no} in {self.path}")
                case_id = case_id or letter["case_id"]
            fields = event.fields()
            if case_id is not None:
                fields["case_id"] = case_id
            return self._append(
                connection, event.kind.value, fields, letter_no=event.letter_no, case_id=case_id
            )

    def events(
        self, *, case_id: str | None = None, letter_no: str | None = None
    ) -> list[tuple[int, Event]]:
        """Logged events (not letter issues) with their log index, oldest first."""
        query = "SELECT idx, kind, body FROM log_entries WHERE kind != ?"
        params: list[str] = [EntryKind.LETTER_ISSUED]
        if case_id is not None:
            query += " AND case_id=?"
            params.append(case_id)
        if letter_no is not None:
            query += " AND letter_no=?"
            params.append(letter_no)
        rows = self.connection.execute(query + " ORDER BY idx", params).fetchall()
        return [
            (row["idx"], event_from_fields(row["kind"], json.loads(row["body"]))) for row in rows
        ]

    # ------------------------------------------------------------ queries

    def letters(self, case_id: str | None = None) -> list[dict[str, Any]]:
        """Issued and reserved letters, newest number last, with their recorded files."""
        query = "SELECT * FROM letters"
        params: tuple[str, ...] = ()
        if case_id is not None:
            query += " WHERE case_id=?"
            params = (case_id,)
        query += " ORDER BY prefix, year, seq"
        result = []
        for row in self.connection.execute(query, params).fetchall():
            files = self.connection.execute(
                "SELECT format, path, sha256, size, entry_idx FROM letter_files WHERE letter_no=? "
                "ORDER BY entry_idx, format",
                (row["letter_no"],),
            ).fetchall()
            # sqlite3.Row iterates over values; its keys() are the column names.
            record = {k: row[k] for k in row.keys() if k != "case_json"}  # noqa: SIM118
            record["files"] = [dict(f) for f in files]
            record["status"] = "issued" if files else "reserved"
            result.append(record)
        return result

    def letter_with_file(self, sha256: str) -> dict[str, Any] | None:
        """The letter one of whose recorded files has this SHA-256, if any."""
        row = self.connection.execute(
            "SELECT l.letter_no, l.template_id, l.template_sha256, l.case_id, l.case_sha256 "
            "FROM letter_files f JOIN letters l ON l.letter_no = f.letter_no "
            "WHERE f.sha256=? ORDER BY f.entry_idx DESC LIMIT 1",
            (sha256,),
        ).fetchone()
        return None if row is None else dict(row)

    def case_data(self, letter_no: str) -> dict[str, Any]:
        """The canonical case data a letter was numbered for (:meth:`Case.canonical`)."""
        row = self.connection.execute(
            "SELECT case_json FROM letters WHERE letter_no=?", (letter_no,)
        ).fetchone()
        if row is None:
            raise RegistryError(f"no letter {letter_no} in {self.path}")
        data: dict[str, Any] = json.loads(row["case_json"])
        return data

    def recorded_sha256(self, letter_no: str, fmt: str) -> set[str]:
        rows = self.connection.execute(
            "SELECT sha256 FROM letter_files WHERE letter_no=? AND format=?", (letter_no, fmt)
        ).fetchall()
        return {r["sha256"] for r in rows}

    def entry_count(self) -> int:
        return int(self.connection.execute("SELECT COUNT(*) FROM log_entries").fetchone()[0])
