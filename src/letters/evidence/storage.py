"""Where the registry and its log live: one SQLite file (the default) or a
PostgreSQL server (``--db postgresql://…``), driven by the same SQL.

The registry writes its SQL once, with ``?`` placeholders. :class:`Database`
translates it for PostgreSQL and owns the three things that differ between
the two: the DDL (column types, append-only triggers), how writers are
serialised (each log index and root depends on the previous head, so appends
must not interleave: SQLite ``BEGIN IMMEDIATE``, PostgreSQL a transaction-level
advisory lock taken before anything is read), and how a consistent snapshot
is read (``log verify`` while clerks keep appending).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from letters.errors import RegistryError

DbLocation = Path | str
"""A SQLite file path, or a ``postgresql://`` URL."""

SCHEMA_VERSION = "2"
# Any constant identifies "the letters writer lock" within one PostgreSQL database.
_POSTGRES_WRITE_LOCK = 0x6C657474  # "lett"

# Tables whose rows are the record: UPDATE and DELETE (and TRUNCATE) are refused.
APPEND_ONLY = (
    "letters",
    "log_entries",
    "letter_files",
    "tree_nodes",
    "tree_heads",
    "checkpoints",
    "stored_files",
)

_TABLES = """
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
    idx         {bigint} PRIMARY KEY,
    kind        TEXT NOT NULL,
    letter_no   TEXT,
    case_id     TEXT,
    body        {blob} NOT NULL,
    leaf_hash   {blob} NOT NULL,
    recorded_at TEXT NOT NULL,
    waybill     TEXT
);
CREATE INDEX IF NOT EXISTS log_entries_letter ON log_entries (letter_no);
CREATE INDEX IF NOT EXISTS log_entries_case ON log_entries (case_id);
CREATE TABLE IF NOT EXISTS letter_files (
    letter_no TEXT    NOT NULL REFERENCES letters (letter_no),
    format    TEXT    NOT NULL,
    path      TEXT    NOT NULL,
    sha256    TEXT    NOT NULL,
    size      INTEGER NOT NULL,
    entry_idx {bigint} NOT NULL REFERENCES log_entries (idx),
    PRIMARY KEY (letter_no, format, sha256)
);
CREATE TABLE IF NOT EXISTS tree_nodes (
    level INTEGER  NOT NULL,
    idx   {bigint} NOT NULL,
    hash  {blob}   NOT NULL,
    PRIMARY KEY (level, idx)
);
CREATE TABLE IF NOT EXISTS tree_heads (
    size {bigint} PRIMARY KEY,
    root {blob}   NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
    seq       {bigint} PRIMARY KEY,
    size      {bigint} NOT NULL,
    root      {blob}   NOT NULL,
    note      TEXT     NOT NULL,
    signed_at TEXT     NOT NULL
);
CREATE TABLE IF NOT EXISTS stored_files (
    sha256    TEXT PRIMARY KEY,
    size      {bigint} NOT NULL,
    content   {blob}   NOT NULL,
    stored_at TEXT     NOT NULL
);
"""
# Added in schema version 2; a version-1 file gets it by ALTER TABLE.
_WAYBILL_INDEX = "CREATE INDEX IF NOT EXISTS log_entries_waybill ON log_entries (waybill)"


def is_postgres(location: DbLocation) -> bool:
    return isinstance(location, str) and location.startswith(("postgresql://", "postgres://"))


def describe(location: DbLocation) -> str:
    """The location for messages, without a password.

    >>> describe("postgresql://clerk:secret@db.example/letters")
    'postgresql://clerk@db.example/letters'
    """
    if not is_postgres(location):
        return str(location)
    parts = urlsplit(str(location))
    netloc = parts.netloc.rsplit("@", 1)
    if len(netloc) == 2:
        user = netloc[0].split(":", 1)[0]
        return urlunsplit(parts._replace(netloc=f"{user}@{netloc[1]}"))
    return str(location)


def _statements(script: str) -> list[str]:
    return [s.strip() for s in script.split(";\n") if s.strip()]


class Database:
    """One connection, to a SQLite file or a PostgreSQL database."""

    def __init__(
        self,
        location: DbLocation,
        upgrade: Callable[[Database, str | None], None] | None = None,
    ) -> None:
        """Open (and create or upgrade) the database. ``upgrade(db, old_version)``
        runs inside the creating or upgrading transaction, after the tables
        exist; ``old_version`` is None for a new database."""
        self.location = location
        self.postgres = is_postgres(location)
        self._upgrade = upgrade
        if self.postgres:
            self._connect_postgres(str(location))
        else:
            self._connect_sqlite(Path(location))

    # ------------------------------------------------------------ connect

    def _connect_sqlite(self, path: Path) -> None:
        self.integrity_errors: tuple[type[Exception], ...] = (sqlite3.IntegrityError,)
        self.database_errors: tuple[type[Exception], ...] = (sqlite3.DatabaseError,)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self.connection: Any = sqlite3.connect(path, timeout=60, isolation_level=None)
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

    def _connect_postgres(self, url: str) -> None:
        try:
            import psycopg
            from psycopg.rows import dict_row
        except ImportError:
            raise RegistryError(
                "PostgreSQL support needs the psycopg package",
                'install it with: pip install "letters[postgres]" (or pip install "psycopg[binary]")',
            ) from None
        self.integrity_errors = (psycopg.errors.IntegrityError,)
        self.database_errors = (psycopg.Error,)
        try:
            self.connection = psycopg.connect(url, autocommit=True, row_factory=dict_row)
            self._migrate()
        except psycopg.Error as error:
            raise RegistryError(
                f"cannot open the registry {describe(url)}: {str(error).strip()}",
                "check the URL given with --db or LETTERS_DB, and that the server is running",
            ) from None

    # ------------------------------------------------------------ SQL

    def _sql(self, sql: str) -> str:
        # The registry's SQL never holds a literal "?" or "%".
        return sql.replace("?", "%s") if self.postgres else sql

    def execute(self, sql: str, params: Sequence[Any] = ()) -> Any:
        """Run one statement; the result has ``fetchone``/``fetchall`` and rows
        indexable by column name on both databases."""
        if self.postgres:
            # Without parameters psycopg reads "%" literally (the trigger's RAISE).
            return self.connection.execute(self._sql(sql), tuple(params) or None)
        return self.connection.execute(sql, tuple(params))

    def executemany(self, sql: str, rows: Sequence[Sequence[Any]]) -> None:
        if self.postgres:
            with self.connection.cursor() as cursor:
                cursor.executemany(self._sql(sql), rows)
        else:
            self.connection.executemany(sql, rows)

    @contextmanager
    def write(self) -> Iterator[Database]:
        """One all-or-nothing transaction, serialised with every other writer."""
        if self.postgres:
            self.connection.execute("BEGIN")
            self.connection.execute("SELECT pg_advisory_xact_lock(%s)", (_POSTGRES_WRITE_LOCK,))
        else:
            self.connection.execute("BEGIN IMMEDIATE")
        try:
            yield self
        except BaseException:
            self.connection.execute("ROLLBACK")
            raise
        else:
            self.connection.execute("COMMIT")

    @contextmanager
    def snapshot(self) -> Iterator[Database]:
        """A read-only view that does not change while it is read."""
        if self.postgres:
            self.connection.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        else:
            self.connection.execute("BEGIN")  # WAL: the snapshot starts at the first read
        try:
            yield self
        finally:
            self.connection.execute("ROLLBACK")

    def close(self) -> None:
        self.connection.close()

    # ------------------------------------------------------------ schema

    def _ddl(self) -> list[str]:
        blob, bigint = ("BYTEA", "BIGINT") if self.postgres else ("BLOB", "INTEGER")
        tables = _TABLES.format(blob=blob, bigint=bigint)
        statements = [*_statements(tables), _WAYBILL_INDEX]
        if self.postgres:
            statements.append(
                "CREATE OR REPLACE FUNCTION letters_refuse_change() RETURNS trigger "
                "LANGUAGE plpgsql AS $$ BEGIN "
                "RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
            )
            for table in APPEND_ONLY:
                statements.append(
                    f"CREATE OR REPLACE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE "
                    f"ON {table} FOR EACH ROW EXECUTE FUNCTION letters_refuse_change()"
                )
                statements.append(
                    f"CREATE OR REPLACE TRIGGER {table}_no_truncate BEFORE TRUNCATE "
                    f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION letters_refuse_change()"
                )
        else:
            for table in APPEND_ONLY:
                for action in ("UPDATE", "DELETE"):
                    statements.append(
                        f"CREATE TRIGGER IF NOT EXISTS {table}_no_{action.lower()} "
                        f"BEFORE {action} ON {table} "
                        f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END"
                    )
        return statements

    def table_exists(self, name: str) -> bool:
        if self.postgres:
            row = self.execute("SELECT to_regclass(?) IS NOT NULL AS found", (name,)).fetchone()
            return bool(row["found"])
        row = self.execute(
            "SELECT 1 FROM sqlite_master WHERE type='table' AND name=?", (name,)
        ).fetchone()
        return row is not None

    def schema_version(self) -> str | None:
        if not self.table_exists("meta"):
            return None
        row = self.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return None if row is None else str(row["value"])

    def _migrate(self) -> None:
        if self.schema_version() == SCHEMA_VERSION:
            return
        with self.write():
            version = self.schema_version()  # again, now that no one else can write
            if version == SCHEMA_VERSION:
                return
            if version not in (None, "1"):
                raise RegistryError(
                    f"{describe(self.location)} has schema version {version}, "
                    f"this program knows {SCHEMA_VERSION}",
                    "use the newer version of letters that wrote it",
                )
            if version == "1":
                # Version 1 (the foundation release) had no waybill column.
                self.execute("ALTER TABLE log_entries ADD COLUMN waybill TEXT")
            for statement in self._ddl():
                self.execute(statement)
            self.execute(
                "INSERT INTO meta (key, value) VALUES ('schema_version', ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (SCHEMA_VERSION,),
            )
            if self._upgrade is not None:
                self._upgrade(self, version)
