"""The append-only log inside the registry database: entries, the Merkle tree
over them, tree heads and signed checkpoints.

Each append writes, in the caller's transaction, the entry (canonical body
and leaf hash), the perfect subtrees it completes (``tree_nodes``) and the
root of the tree that now ends with it (``tree_heads``). The nodes make
inclusion and consistency proofs O(log² n) look-ups; the per-entry heads let
``log verify`` name the first entry where the recorded history and the
recomputed one part. The Merkle arithmetic itself is :mod:`merkle` (pure).
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from letters.errors import RegistryError
from letters.evidence import merkle
from letters.evidence.entries import entry_body, leaf_hash, new_salt
from letters.evidence.notes import Checkpoint, SigningKey, sign_checkpoint
from letters.evidence.storage import Database


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


@dataclass(frozen=True, slots=True)
class LogEntry:
    """One stored entry as read back from the database."""

    index: int
    kind: str
    letter_no: str | None
    case_id: str | None
    waybill: str | None
    body: bytes
    leaf_hash: bytes
    recorded_at: str

    def fields(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads(self.body)
        return data


@dataclass(frozen=True, slots=True)
class StoredCheckpoint:
    seq: int
    size: int
    root: bytes
    note: str
    signed_at: str


_ENTRY_COLUMNS = "idx, kind, letter_no, case_id, waybill, body, leaf_hash, recorded_at"


def _entry(row: Any) -> LogEntry:
    return LogEntry(
        int(row["idx"]),
        row["kind"],
        row["letter_no"],
        row["case_id"],
        row["waybill"],
        bytes(row["body"]),
        bytes(row["leaf_hash"]),
        row["recorded_at"],
    )


def _missing_node(level: int, index: int) -> RegistryError:
    return RegistryError(
        f"the log's tree node at level {level}, index {index} is missing",
        "the database was altered; run `letters log verify` to see where",
    )


class TreeLog:
    """The log in one :class:`Database`. Writing methods must run inside
    ``db.write()``, so that the head they read is still the head they extend."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # ------------------------------------------------------------ reading

    def size(self) -> int:
        row = self.db.execute(
            "SELECT COALESCE(MAX(idx), -1) + 1 AS size FROM log_entries"
        ).fetchone()
        return int(row["size"])

    def node(self, level: int, index: int) -> bytes:
        """A perfect subtree's hash (level 0: a leaf), as :data:`merkle.NodeSource`."""
        if level == 0:
            row = self.db.execute(
                "SELECT leaf_hash AS hash FROM log_entries WHERE idx=?", (index,)
            ).fetchone()
        else:
            row = self.db.execute(
                "SELECT hash FROM tree_nodes WHERE level=? AND idx=?", (level, index)
            ).fetchone()
        if row is None:
            raise _missing_node(level, index)
        return bytes(row["hash"])

    def root(self, size: int) -> bytes:
        if size == 0:
            return merkle.EMPTY_ROOT
        row = self.db.execute("SELECT root FROM tree_heads WHERE size=?", (size,)).fetchone()
        if row is None:
            raise RegistryError(
                f"the log has no tree head for size {size}",
                "the database was altered; run `letters log verify` to see where",
            )
        return bytes(row["root"])

    def entry(self, index: int) -> LogEntry | None:
        row = self.db.execute(
            f"SELECT {_ENTRY_COLUMNS} FROM log_entries WHERE idx=?", (index,)
        ).fetchone()
        return None if row is None else _entry(row)

    def entries(self, where: str = "", params: tuple[Any, ...] = ()) -> list[LogEntry]:
        sql = f"SELECT {_ENTRY_COLUMNS} FROM log_entries"
        if where:
            sql += f" WHERE {where}"
        return [_entry(row) for row in self.db.execute(sql + " ORDER BY idx", params).fetchall()]

    def stream(self, batch: int = 5000) -> Iterator[LogEntry]:
        """Every entry in index order, a batch at a time (a 100,000-entry log
        is verified without holding all bodies in memory)."""
        last = -1
        while True:
            rows = self.db.execute(
                f"SELECT {_ENTRY_COLUMNS} FROM log_entries WHERE idx > ? ORDER BY idx LIMIT ?",
                (last, batch),
            ).fetchall()
            if not rows:
                return
            for row in rows:
                yield _entry(row)
            last = int(rows[-1]["idx"])

    def stored_nodes(self) -> dict[tuple[int, int], bytes]:
        rows = self.db.execute("SELECT level, idx, hash FROM tree_nodes").fetchall()
        return {(int(r["level"]), int(r["idx"])): bytes(r["hash"]) for r in rows}

    def stored_heads(self) -> dict[int, bytes]:
        rows = self.db.execute("SELECT size, root FROM tree_heads").fetchall()
        return {int(r["size"]): bytes(r["root"]) for r in rows}

    def inclusion_proof(self, index: int, size: int) -> list[bytes]:
        return merkle.inclusion_proof(index, size, self.node)

    def consistency_proof(self, old_size: int, new_size: int) -> list[bytes]:
        return merkle.consistency_proof(old_size, new_size, self.node)

    def checkpoints(self) -> list[StoredCheckpoint]:
        rows = self.db.execute(
            "SELECT seq, size, root, note, signed_at FROM checkpoints ORDER BY seq"
        ).fetchall()
        return [
            StoredCheckpoint(
                int(r["seq"]), int(r["size"]), bytes(r["root"]), r["note"], r["signed_at"]
            )
            for r in rows
        ]

    # ------------------------------------------------------------ writing

    def frontier(self, size: int) -> merkle.Frontier:
        """The right edge of the tree of ``size`` leaves, in at most two queries."""
        positions = merkle.frontier_positions(size)
        wanted = [(level, index) for level, index in positions if level > 0]
        found: dict[tuple[int, int], bytes] = {}
        if wanted:
            condition = " OR ".join(["(level=? AND idx=?)"] * len(wanted))
            rows = self.db.execute(
                f"SELECT level, idx, hash FROM tree_nodes WHERE {condition}",
                [number for position in wanted for number in position],
            ).fetchall()
            found = {(int(r["level"]), int(r["idx"])): bytes(r["hash"]) for r in rows}
        if size & 1:
            found[(0, size - 1)] = self.node(0, size - 1)
        missing = [position for position in positions if position not in found]
        if missing:
            raise _missing_node(*missing[0])
        return merkle.Frontier(size, [found[position] for position in positions])

    def appender(self) -> Appender:
        """Appends within the current write transaction, reading the head once."""
        return Appender(self)

    def grow(self, frontier: merkle.Frontier, leaf: bytes) -> None:
        """Store the nodes and the head that ``leaf`` adds to the tree."""
        for node in frontier.append(leaf):
            self.db.execute(
                "INSERT INTO tree_nodes (level, idx, hash) VALUES (?, ?, ?)",
                (node.level, node.index, node.hash),
            )
        self.db.execute(
            "INSERT INTO tree_heads (size, root) VALUES (?, ?)", (frontier.size, frontier.root())
        )

    def build_tree_for_existing_entries(self) -> int:
        """Add nodes and heads for entries written before the log had a tree
        (schema version 1); returns how many. Runs once, inside the upgrade."""
        frontier = merkle.Frontier()
        entries = self.entries()
        for entry in entries:
            self.grow(frontier, entry.leaf_hash)
        return len(entries)

    def add_checkpoint(self, key: SigningKey, origin: str) -> StoredCheckpoint:
        """Sign the current tree head and keep it. Call inside ``db.write()``."""
        size = self.size()
        checkpoint = Checkpoint(origin, size, self.root(size))
        note = sign_checkpoint(checkpoint, key)
        row = self.db.execute("SELECT COALESCE(MAX(seq), 0) + 1 AS seq FROM checkpoints").fetchone()
        stored = StoredCheckpoint(int(row["seq"]), size, checkpoint.root, note, utc_now())
        self.db.execute(
            "INSERT INTO checkpoints (seq, size, root, note, signed_at) VALUES (?, ?, ?, ?, ?)",
            (stored.seq, stored.size, stored.root, stored.note, stored.signed_at),
        )
        return stored


class Appender:
    """Appends entries in one write transaction. The head is read once: under
    the write lock no one else can move it, so a batch of entries costs three
    inserts each, not a fresh look at the tree."""

    def __init__(self, log: TreeLog) -> None:
        self.log = log
        self.frontier = log.frontier(log.size())

    def append(
        self,
        kind: str,
        fields: Mapping[str, Any],
        *,
        letter_no: str | None,
        case_id: str | None,
        waybill: str | None = None,
    ) -> int:
        index = self.frontier.size
        recorded_at = utc_now()
        body = entry_body(kind, fields, salt=new_salt(), recorded_at=recorded_at)
        leaf = leaf_hash(body)
        self.log.db.execute(
            "INSERT INTO log_entries (idx, kind, letter_no, case_id, waybill, body, leaf_hash, "
            "recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (index, kind, letter_no, case_id, waybill, body, leaf, recorded_at),
        )
        self.log.grow(self.frontier, leaf)
        return index
