"""The issued-letter registry: letter numbers, issued files, and the log they seed.

SQLite (``letters.db`` by default) or PostgreSQL (:mod:`storage`). Letter
numbers are unique across every batch ever run against the same database
because the sequence is stored here. Rendering registers each letter in two
steps:

1. :meth:`Registry.reserve` gives the case its number. The same case data with
   the same template gets the same number back, so re-rendering an unchanged
   case never consumes a new number (and a render that failed halfway is
   retried with the number it already had).
2. :meth:`Registry.record_issue` appends a ``letter-issued`` entry to the
   append-only log with the SHA-256 of every output file, in one transaction,
   before the files are moved into place.

Events (dispatch, receipt, payment …) are appended by :meth:`Registry.append_events`,
checkpoints signed by :meth:`Registry.checkpoint` with the key from
:meth:`Registry.signing_key`; the Merkle tree behind all entries is :mod:`log`.
Tables that form the record refuse UPDATE and DELETE (triggers); only the
number counter and the schema version are ever updated.
"""

from __future__ import annotations

import json
import secrets
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from letters.errors import RegistryError
from letters.evidence.entries import EntryKind
from letters.evidence.events import Event, event_from_fields
from letters.evidence.files import DatabaseStore, DirectoryStore, FileStore
from letters.evidence.keys import create_key, default_key_path, read_key
from letters.evidence.log import LogEntry, StoredCheckpoint, TreeLog, utc_now
from letters.evidence.notes import NoteError, SigningKey, VerifierKey
from letters.evidence.storage import SCHEMA_VERSION, Database, DbLocation, describe
from letters.model import Case, canonical_json, case_sha256

__all__ = ["SCHEMA_VERSION", "FileRecord", "Registry", "Reservation", "utc_now"]

ORIGIN_PREFIX = "letters-log/"


def _prepare(db: Database, old_version: str | None) -> None:
    """Runs once when a database is created or upgraded (inside that transaction)."""
    # The log's name, signed into every checkpoint: random, so that two
    # offices' logs can never be confused with one another.
    db.execute(
        "INSERT INTO meta (key, value) VALUES ('log_origin', ?) ON CONFLICT (key) DO NOTHING",
        (ORIGIN_PREFIX + secrets.token_hex(8),),
    )
    if old_version == "1":
        TreeLog(db).build_tree_for_existing_entries()


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
    """The registry in one SQLite file or PostgreSQL database. Safe for several
    processes at once: every write is one serialised transaction."""

    def __init__(self, path: DbLocation) -> None:
        self.path = path
        self.db = Database(path, upgrade=_prepare)
        self.connection = self.db.connection
        self.log = TreeLog(self.db)

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Registry:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def files(self) -> FileStore:
        """Where attached files are kept (beside a SQLite file, inside PostgreSQL)."""
        if self.db.postgres:
            return DatabaseStore(self.db)
        return DirectoryStore(Path(f"{self.path}.files"))

    def _meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key=?", (key,)).fetchone()
        return None if row is None else str(row["value"])

    def origin(self) -> str:
        """The log's name, as signed into its checkpoints."""
        origin = self._meta("log_origin")
        if origin is None:  # pragma: no cover - written when the database is created
            raise RegistryError(f"{describe(self.path)} has no log name")
        return origin

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
        with self.db.write() as connection:
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
            except self.db.integrity_errors:
                raise RegistryError(
                    f"letter number {letter_no} is already taken by another letter",
                    "two templates share a letter_no_prefix and letter_no_format; give one its own",
                ) from None
        return Reservation(letter_no, reused=False)

    # ------------------------------------------------------------ the log

    def record_issue(
        self, letter_no: str, files: Mapping[str, FileRecord], details: Mapping[str, Any]
    ) -> int | None:
        """Append a ``letter-issued`` entry for files not yet recorded; None if all were.

        Re-rendering an unchanged letter produces the same bytes and records
        nothing new; different bytes under the same number are recorded as a
        further issue of that letter, so the log shows both.
        """
        with self.db.write() as connection:
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
            index = self.log.appender().append(
                EntryKind.LETTER_ISSUED, fields, letter_no=letter_no, case_id=letter["case_id"]
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
        job (:mod:`letters.evidence.receipts`).
        """
        return self.append_events([event])[0]

    def append_events(self, events: Sequence[Event]) -> list[int]:
        """Append several events in one transaction: all of them or none."""
        indices = []
        with self.db.write() as connection:
            appender = self.log.appender()
            for event in events:
                case_id = event.case_id
                if event.letter_no is not None:
                    letter = connection.execute(
                        "SELECT case_id FROM letters WHERE letter_no=?", (event.letter_no,)
                    ).fetchone()
                    if letter is None:
                        raise RegistryError(f"no letter {event.letter_no} in {describe(self.path)}")
                    case_id = case_id or letter["case_id"]
                fields = event.fields()
                if case_id is not None:
                    fields["case_id"] = case_id
                indices.append(
                    appender.append(
                        event.kind.value,
                        fields,
                        letter_no=event.letter_no,
                        case_id=case_id,
                        waybill=event.waybill,
                    )
                )
        return indices

    def events(
        self, *, case_id: str | None = None, letter_no: str | None = None
    ) -> list[tuple[int, Event]]:
        """Logged events (not letter issues) with their log index, oldest first."""
        query = "kind != ?"
        params: list[str] = [EntryKind.LETTER_ISSUED]
        if case_id is not None:
            query += " AND case_id=?"
            params.append(case_id)
        if letter_no is not None:
            query += " AND letter_no=?"
            params.append(letter_no)
        return [
            (entry.index, event_from_fields(entry.kind, entry.fields()))
            for entry in self.log.entries(query, tuple(params))
        ]

    def entries(
        self, *, case_id: str | None = None, letter_no: str | None = None
    ) -> list[LogEntry]:
        """Every log entry (letter issues too) of a case or letter, oldest first."""
        if letter_no is not None:
            return self.log.entries("letter_no=?", (letter_no,))
        if case_id is not None:
            return self.log.entries("case_id=?", (case_id,))
        return self.log.entries()

    # ------------------------------------------------------------ checkpoints

    def public_key(self) -> VerifierKey | None:
        """The key this log's checkpoints are signed with, once there is one."""
        text = self._meta("public_key")
        if text is None:
            return None
        try:
            return VerifierKey.from_text(text)
        except NoteError as error:
            raise RegistryError(
                f"the public key stored in {describe(self.path)} is damaged: {error}"
            ) from None

    def default_key_path(self) -> Path:
        return default_key_path(self.path, self.origin())

    def signing_key(self, path: Path | None = None) -> SigningKey:
        """The log's signing key, created on first use; refuses a key that is
        not the one that signed this log's earlier checkpoints."""
        origin = self.origin()
        path = path or self.default_key_path()
        pinned = self._meta("public_key")
        if path.exists():
            key = read_key(path)
        elif pinned is not None:
            raise RegistryError(
                f"this log's signing key is missing: expected it at {path}",
                "restore the key file from your backup, or name it with --key FILE or "
                "LETTERS_KEY; a new key would not match the checkpoints signed so far",
            )
        else:
            key = create_key(path, origin)
        if key.name != origin:
            raise RegistryError(
                f"the key {path} belongs to log {key.name}, this database is log {origin}",
                "name this log's key with --key FILE or LETTERS_KEY",
            )
        if pinned is None:
            with self.db.write():
                self.db.execute(
                    "INSERT INTO meta (key, value) VALUES ('public_key', ?) "
                    "ON CONFLICT (key) DO NOTHING",
                    (key.verifier.text(),),
                )
            pinned = self._meta("public_key")
        if pinned != key.verifier.text():
            raise RegistryError(
                f"the key {path} is not the key of this log",
                f"this log's checkpoints are signed by {pinned}",
            )
        return key

    def checkpoint(self, key: SigningKey) -> StoredCheckpoint:
        """Sign and keep the current tree head."""
        with self.db.write():
            return self.log.add_checkpoint(key, self.origin())

    # ------------------------------------------------------------ queries

    def letters(self, case_id: str | None = None) -> list[dict[str, Any]]:
        """Issued and reserved letters, newest number last, with their recorded files."""
        query = "SELECT * FROM letters"
        params: tuple[str, ...] = ()
        if case_id is not None:
            query += " WHERE case_id=?"
            params = (case_id,)
        query += " ORDER BY prefix, year, seq"
        return [self._letter_record(row) for row in self.db.execute(query, params).fetchall()]

    def _letter_record(self, row: Any) -> dict[str, Any]:
        files = self.db.execute(
            "SELECT format, path, sha256, size, entry_idx FROM letter_files WHERE letter_no=? "
            "ORDER BY entry_idx, format",
            (row["letter_no"],),
        ).fetchall()
        # sqlite3.Row iterates over values; its keys() are the column names.
        record = {k: row[k] for k in row.keys() if k != "case_json"}  # noqa: SIM118
        record["files"] = [{k: f[k] for k in f.keys()} for f in files]  # noqa: SIM118
        record["status"] = "issued" if files else "reserved"
        return record

    def letter(self, letter_no: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT * FROM letters WHERE letter_no=?", (letter_no,)).fetchone()
        return None if row is None else self._letter_record(row)

    def letters_by_waybill(self, waybill: str) -> list[str]:
        """Letters whose events name this waybill (EMS 邮件号)."""
        rows = self.db.execute(
            "SELECT DISTINCT letter_no FROM log_entries WHERE waybill=? AND letter_no IS NOT NULL "
            "ORDER BY letter_no",
            (waybill,),
        ).fetchall()
        return [row["letter_no"] for row in rows]

    def letter_with_file(self, sha256: str) -> dict[str, Any] | None:
        """The letter one of whose recorded files has this SHA-256, if any."""
        row = self.db.execute(
            "SELECT l.letter_no, l.template_id, l.template_sha256, l.case_id, l.case_sha256 "
            "FROM letter_files f JOIN letters l ON l.letter_no = f.letter_no "
            "WHERE f.sha256=? ORDER BY f.entry_idx DESC LIMIT 1",
            (sha256,),
        ).fetchone()
        return None if row is None else {k: row[k] for k in row.keys()}  # noqa: SIM118

    def case_data(self, letter_no: str) -> dict[str, Any]:
        """The canonical case data a letter was numbered for (:meth:`Case.canonical`)."""
        row = self.db.execute(
            "SELECT case_json FROM letters WHERE letter_no=?", (letter_no,)
        ).fetchone()
        if row is None:
            raise RegistryError(f"no letter {letter_no} in {self.path}")
        data: dict[str, Any] = json.loads(row["case_json"])
        return data

    def recorded_sha256(self, letter_no: str, fmt: str) -> set[str]:
        rows = self.db.execute(
            "SELECT sha256 FROM letter_files WHERE letter_no=? AND format=?", (letter_no, fmt)
        ).fetchall()
        return {r["sha256"] for r in rows}

    def entry_count(self) -> int:
        return self.log.size()
