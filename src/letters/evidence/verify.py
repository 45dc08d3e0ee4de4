"""``letters log verify``: replay the whole log and compare every stored hash
with the one recomputed from the entries themselves.

What is checked, entry by entry (:class:`LogReplay`, pure): indices are dense
from 0; each body hashes to its recorded leaf hash (an *edited* entry); the
body is JSON whose kind, letter, case and waybill agree with the columns the
program searches by; each perfect subtree the entry completes equals the
stored tree node; and the root after it equals the stored tree head (entries
*inserted*, *deleted* or *reordered* before it). Then: no stored node or head
lies beyond the last entry (*truncation* of entries only); every checkpoint —
kept in the database or given as a file — carries a valid signature by the
log's key and names a size the log has, with the same root (*truncation* or
*rewriting* since it was signed; checkpoints that left the building are what
an attacker holding the database cannot change); and every attached file is
present with its recorded SHA-256.

Root equality at every checkpoint size, recomputed from the entries, implies
the consistency of consecutive checkpoints, which is what a consistency proof
shows a verifier who lacks the entries.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from letters.evidence import merkle
from letters.evidence.entries import leaf_hash
from letters.evidence.files import FileStore, sha256_of
from letters.evidence.log import LogEntry
from letters.evidence.notes import (
    NoteError,
    VerifierKey,
    open_checkpoint,
    read_checkpoint_unverified,
)

if TYPE_CHECKING:
    from letters.evidence.registry import Registry

# Columns the program looks entries up by, and the body field each mirrors.
_INDEXED_COLUMNS = ("kind", "letter_no", "case_id", "waybill")


@dataclass(frozen=True, slots=True)
class CheckpointSource:
    """A signed checkpoint to check and where it came from (for messages)."""

    label: str  # e.g. "checkpoint 3 in the database (signed 2026-11-23T…)" or a file name
    note: str


@dataclass
class LogReport:
    size: int = 0
    root: bytes = merkle.EMPTY_ROOT
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    checkpoints_checked: int = 0
    files_checked: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems


@dataclass(frozen=True, slots=True)
class FileReference:
    entry: int
    sha256: str
    name: str


class LogReplay:
    """Rebuilds the tree from the entries, comparing as it goes. Pure: it is
    fed entries and the stored nodes and heads, and collects problems."""

    def __init__(
        self,
        stored_nodes: Mapping[tuple[int, int], bytes],
        stored_heads: Mapping[int, bytes],
        sizes_of_interest: Iterable[int] = (),
    ) -> None:
        self.stored_nodes = dict(stored_nodes)
        self.stored_heads = dict(stored_heads)
        self.frontier = merkle.Frontier()
        self.wanted_sizes = set(sizes_of_interest)
        self.roots: dict[int, bytes] = {0: merkle.EMPTY_ROOT}
        self.problems: list[str] = []
        self.files: list[FileReference] = []
        self._heads_differ = 0

    @property
    def size(self) -> int:
        return self.frontier.size

    def add(self, entry: LogEntry) -> None:
        expected = self.frontier.size
        if entry.index != expected:
            self.problems.append(
                f"entry {expected} is missing: the log jumps from entry {expected - 1} "
                f"to entry {entry.index} (entries were deleted)"
                if expected
                else f"entry 0 is missing: the log starts at entry {entry.index}"
            )
            # Carry on from the entry that is there, so that later problems
            # are still found (the tree is rebuilt as if the gap were not).
        computed = leaf_hash(entry.body)
        if computed != entry.leaf_hash:
            self.problems.append(
                f"entry {entry.index} ({entry.kind}): its content does not match its recorded "
                "hash: it was edited after it was logged"
            )
        self._check_body(entry)
        for node in self.frontier.append(computed):
            stored = self.stored_nodes.pop((node.level, node.index), None)
            if stored != node.hash:
                first = node.index << node.level
                state = "is missing" if stored is None else "differs"
                self.problems.append(
                    f"entry {first + (1 << node.level) - 1}: the tree node over entries "
                    f"{first}–{first + (1 << node.level) - 1} {state} from the one recomputed"
                )
        head = self.frontier.root()
        if self.stored_heads.pop(self.frontier.size, None) != head:
            if not self._heads_differ:
                self.problems.append(
                    f"entry {entry.index}: the tree head recorded after it differs from the "
                    "recomputed one: entries were inserted, deleted, reordered or rewritten "
                    "at or before it"
                )
            self._heads_differ += 1
        if self.frontier.size in self.wanted_sizes:
            self.roots[self.frontier.size] = head

    def _check_body(self, entry: LogEntry) -> None:
        try:
            fields: Any = json.loads(entry.body)
        except (UnicodeDecodeError, json.JSONDecodeError):
            self.problems.append(f"entry {entry.index}: its content is not valid JSON")
            return
        if not isinstance(fields, dict):
            self.problems.append(f"entry {entry.index}: its content is not a JSON object")
            return
        for column in _INDEXED_COLUMNS:
            if getattr(entry, column) != fields.get(column):
                self.problems.append(
                    f"entry {entry.index}: column {column} says {getattr(entry, column)!r} "
                    f"but the entry says {fields.get(column)!r} (the row was edited)"
                )
        for attachment in fields.get("attachments") or ():
            if isinstance(attachment, dict) and isinstance(attachment.get("sha256"), str):
                self.files.append(
                    FileReference(entry.index, attachment["sha256"], str(attachment.get("name")))
                )

    def finish(self) -> None:
        if self._heads_differ > 1:
            self.problems.append(f"({self._heads_differ - 1} later tree heads differ as well)")
        size = self.frontier.size
        beyond = sorted(s for s in self.stored_heads if s > size)
        if beyond:
            self.problems.append(
                f"entry {size} is missing: the database holds tree heads up to size {beyond[-1]} "
                f"but only {size} entries (entries were removed from the end)"
            )
        extra_nodes = sorted(self.stored_nodes, key=lambda key: key[1] << key[0])
        if extra_nodes and not beyond:
            level, index = extra_nodes[0]
            self.problems.append(
                f"entry {index << level}: the database holds a tree node over entries "
                f"{index << level}–{((index + 1) << level) - 1} that the log does not have"
            )


def check_checkpoints(
    sources: Sequence[CheckpointSource],
    verifier: VerifierKey | None,
    origin: str,
    size: int,
    roots: Mapping[int, bytes],
) -> tuple[list[str], int]:
    """Problems with the given checkpoints, and how many were checked. Pure."""
    problems: list[str] = []
    if sources and verifier is None:
        return [
            "cannot check the checkpoints' signatures: this log has no public key "
            "(give it with --key log.pub)"
        ], 0
    checked = 0
    for source in sources:
        assert verifier is not None
        try:
            checkpoint = open_checkpoint(source.note, verifier)
        except NoteError as error:
            problems.append(f"{source.label}: {error}")
            continue
        checked += 1
        if checkpoint.origin != origin:
            problems.append(
                f"{source.label}: it is for log {checkpoint.origin}, this database is log {origin}"
            )
        elif checkpoint.size > size:
            problems.append(
                f"entry {size} is missing: {source.label} was signed when the log had "
                f"{checkpoint.size} entries, it now has {size} (the log was truncated)"
            )
        elif roots.get(checkpoint.size) != checkpoint.root:
            problems.append(
                f"{source.label} (size {checkpoint.size}) does not match the log: an entry "
                f"before entry {checkpoint.size} was changed, removed or reordered since it "
                "was signed"
            )
    return problems, checked


def check_files(references: Sequence[FileReference], store: FileStore) -> list[str]:
    problems = []
    for reference in references:
        data = store.get(reference.sha256)
        if data is None:
            problems.append(
                f"entry {reference.entry}: attached file {reference.name} is missing "
                f"(expected at {store.where(reference.sha256)})"
            )
        elif sha256_of(data) != reference.sha256:
            problems.append(
                f"entry {reference.entry}: attached file {reference.name} was changed "
                f"({store.where(reference.sha256)} no longer has SHA-256 {reference.sha256})"
            )
    return problems


def verify_log(
    registry: Registry,
    *,
    verifier: VerifierKey | None = None,
    external: Sequence[CheckpointSource] = (),
    check_attachments: bool = True,
) -> LogReport:
    """Check the whole log of ``registry`` (a consistent snapshot of it)."""
    report = LogReport()
    recorded_key = registry.public_key()
    if verifier is None:
        verifier = recorded_key
    elif recorded_key is not None and recorded_key != verifier:
        report.problems.append(
            f"the database names the public key {recorded_key.text()}, not the one given "
            f"({verifier.text()}): the key was replaced"
        )
    with registry.db.snapshot():
        stored = registry.log.checkpoints()
        sources = [
            CheckpointSource(f"checkpoint {c.seq} in the database (signed {c.signed_at})", c.note)
            for c in stored
        ] + list(external)
        sizes = {
            checkpoint.size
            for source in sources
            if (checkpoint := read_checkpoint_unverified(source.note)) is not None
        }
        replay = LogReplay(registry.log.stored_nodes(), registry.log.stored_heads(), sizes)
        for entry in registry.log.stream():
            replay.add(entry)
        replay.finish()
    report.size, report.root = replay.size, replay.frontier.root()
    report.problems.extend(replay.problems)
    problems, report.checkpoints_checked = check_checkpoints(
        sources, verifier, registry.origin(), replay.size, replay.roots
    )
    report.problems.extend(problems)
    if check_attachments:
        report.problems.extend(check_files(replay.files, registry.files))
        report.files_checked = len(replay.files)
    if not sources:
        report.notes.append(
            "no signed checkpoint is in the database (none was signed yet — or they were "
            "removed), so removing entries from the end cannot be detected: verify with "
            "--checkpoint FILE against a checkpoint kept elsewhere, and sign new ones with "
            "`letters log checkpoint --out FILE`"
        )
    elif not external:
        report.notes.append(
            "only checkpoints kept in the database were checked; give the ones you exported "
            "with --checkpoint FILE to detect a rewrite by whoever holds the database and the key"
        )
    return report
