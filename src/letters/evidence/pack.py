"""Evidence packs: one zip per case that a judge can check offline.

Contents: the issued letter files, the attached scans, every log entry of the
case exactly as logged, an inclusion proof for each against a freshly signed
checkpoint, the public key, ``manifest.json``, ``SHA256SUMS`` (for
``sha256sum -c``) and 验证说明.txt.

The chain :func:`verify_pack` checks: the pinned public key signed the
checkpoint; each entry's proof leads from its leaf hash to the checkpoint's
root; each letter file and attachment has the SHA-256 its entry records;
every file matches ``SHA256SUMS``. Because the zip is written
deterministically (stored, fixed order, fixed metadata), verification also
rebuilds it and compares byte for byte, so that a changed byte anywhere —
even in zip metadata no check above reads — fails.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path, PurePosixPath
from typing import Any

from letters.errors import LettersError
from letters.evidence import merkle
from letters.evidence.entries import EntryKind, leaf_hash
from letters.evidence.files import sha256_of
from letters.evidence.guide import guide_text
from letters.evidence.log import LogEntry
from letters.evidence.notes import NoteError, SigningKey, VerifierKey, open_checkpoint
from letters.evidence.registry import Registry
from letters.render.output import safe_file_stem

PACK_FORMAT = "letters-evidence/v1"
GUIDE = "验证说明.txt"
MANIFEST = "manifest.json"
SUMS = "SHA256SUMS"
CHECKPOINT = "checkpoint.txt"
PUBLIC_KEY = "log.pub"
_FIXED = (GUIDE, MANIFEST, SUMS, CHECKPOINT, PUBLIC_KEY)
_FILE_MODE = 0o100644 << 16  # a regular file, rw-r--r--, whatever the exporting system


def _order(name: str) -> tuple[int, str]:
    return (_FIXED.index(name), "") if name in _FIXED else (len(_FIXED), name)


def write_zip(members: Mapping[str, bytes], created: datetime) -> bytes:
    """The pack's zip: stored (no compression: PDFs and scans are compressed
    already, and stored bytes do not depend on the zlib version), members in a
    fixed order, fixed timestamps and attributes. Same input, same bytes."""
    buffer = io.BytesIO()
    stamp = (created.year, created.month, created.day, created.hour, created.minute, created.second)
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in sorted(members, key=_order):
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.compress_type = zipfile.ZIP_STORED
            info.create_system = 3
            info.external_attr = _FILE_MODE
            archive.writestr(info, members[name])
    return buffer.getvalue()


def sha256sums(members: Mapping[str, bytes]) -> bytes:
    """``sha256sum`` format: hash, two spaces, path; sorted by path."""
    lines = [f"{sha256_of(members[name])}  {name}\n" for name in sorted(members)]
    return "".join(lines).encode()


def _json(data: Any) -> bytes:
    return (json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True) + "\n").encode()


def _member_name(folder: str, index: int, name: str) -> str:
    path = PurePosixPath(name)
    return f"{folder}/{index:06d}-{safe_file_stem(path.stem)}{path.suffix.lower()}"


# ---------------------------------------------------------------- export


@dataclass
class PackSummary:
    case_id: str
    entries: int
    letter_files: int
    attachments: int
    tree_size: int
    root: bytes


def _letter_file(
    registry: Registry, entry: LogEntry, fmt: str, recorded: Mapping[str, Any], dirs: Sequence[Path]
) -> bytes | None:
    """The bytes of an issued letter file, wherever they are now (checked by hash)."""
    sha256 = str(recorded["sha256"])
    letter = registry.letter(str(entry.letter_no)) or {"files": []}
    candidates = [Path(f["path"]) for f in letter["files"] if f["sha256"] == sha256]
    candidates += [directory / str(recorded["name"]) for directory in dirs]
    for candidate in candidates:
        if candidate.is_file():
            data = candidate.read_bytes()
            if sha256_of(data) == sha256:
                return data
    stored = registry.files.get(sha256)
    return stored if stored is not None and sha256_of(stored) == sha256 else None


def export_pack(
    registry: Registry,
    case_id: str,
    key: SigningKey,
    *,
    pack_name: str,
    letter_dirs: Sequence[Path] = (),
) -> tuple[bytes, PackSummary]:
    """Build the evidence pack of a case (signing a new checkpoint for it)."""
    entries = registry.entries(case_id=case_id)
    if not entries:
        raise LettersError(
            f"the log has no entries for case {case_id}",
            "check the case id with `letters registry list` or `letters receipts list`",
        )
    members: dict[str, bytes] = {}
    files: list[dict[str, Any]] = []
    missing: list[str] = []
    for entry in entries:
        fields = entry.fields()
        if entry.kind == EntryKind.LETTER_ISSUED:
            for fmt, recorded in sorted(fields.get("files", {}).items()):
                data = _letter_file(registry, entry, fmt, recorded, letter_dirs)
                if data is None:
                    missing.append(
                        f"{recorded['name']} (letter {entry.letter_no}, entry {entry.index})"
                    )
                    continue
                path = _member_name("letters", entry.index, str(recorded["name"]))
                members[path] = data
                files.append({"path": path, "entry": entry.index, "role": "letter"})
        for attachment in fields.get("attachments", ()):
            data = registry.files.get(attachment["sha256"])
            if data is None or sha256_of(data) != attachment["sha256"]:
                missing.append(f"{attachment['name']} (attached to entry {entry.index})")
                continue
            path = _member_name("attachments", entry.index, attachment["name"])
            members[path] = data
            files.append({"path": path, "entry": entry.index, "role": "attachment"})
    if missing:
        raise LettersError(
            "cannot build the pack: these files are missing or changed:\n  " + "\n  ".join(missing),
            "pass --letters-dir DIR where the letters are now; attachments live in "
            f"{registry.files.where('…')}",
        )
    stored = registry.checkpoint(key)
    listed = []
    guide_entries = []
    for entry in entries:
        body_path = f"entries/{entry.index:06d}-{entry.kind}.json"
        proof_path = f"proofs/{entry.index:06d}.json"
        members[body_path] = entry.body
        members[proof_path] = _json(
            {
                "index": entry.index,
                "tree_size": stored.size,
                "leaf_hash": entry.leaf_hash.hex(),
                "inclusion_proof": [
                    h.hex() for h in registry.log.inclusion_proof(entry.index, stored.size)
                ],
            }
        )
        listed.append(
            {"index": entry.index, "kind": entry.kind, "entry": body_path, "proof": proof_path}
        )
        guide_entries.append((entry.index, body_path, entry.fields()))
    for item in files:
        item["sha256"] = sha256_of(members[item["path"]])
    verifier = key.verifier
    created = stored.signed_at
    manifest = {
        "format": PACK_FORMAT,
        "case_id": case_id,
        "created_at": created,
        "origin": registry.origin(),
        "tree_size": stored.size,
        "root": stored.root.hex(),
        "public_key": verifier.text(),
        "entries": listed,
        "files": files,
    }
    members[MANIFEST] = _json(manifest)
    members[CHECKPOINT] = stored.note.encode()
    members[PUBLIC_KEY] = (verifier.text() + "\n").encode()
    members[GUIDE] = guide_text(
        case_id=case_id,
        pack_name=pack_name,
        origin=registry.origin(),
        tree_size=stored.size,
        root_hex=stored.root.hex(),
        public_key=verifier.text(),
        signed_at=created,
        entries=guide_entries,
    ).encode()
    members[SUMS] = sha256sums(members)
    summary = PackSummary(
        case_id,
        len(entries),
        sum(1 for f in files if f["role"] == "letter"),
        sum(1 for f in files if f["role"] == "attachment"),
        stored.size,
        stored.root,
    )
    return write_zip(members, _created(created)), summary


def _created(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


# ---------------------------------------------------------------- verify


@dataclass
class PackReport:
    problems: list[str] = field(default_factory=list)
    case_id: str | None = None
    entries: int = 0
    files: int = 0
    tree_size: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_members(source: Path, report: PackReport) -> tuple[dict[str, bytes], bytes | None]:
    members: dict[str, bytes] = {}
    if source.is_dir():
        for path in sorted(source.rglob("*")):
            if path.is_file():
                members[path.relative_to(source).as_posix()] = path.read_bytes()
        return members, None
    try:
        data = source.read_bytes()
    except OSError as error:
        raise LettersError(f"cannot read {source}: {error.strerror}") from None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            for info in archive.infolist():
                if info.filename in members:
                    report.problems.append(f"{info.filename} is in the zip twice")
                try:
                    members[info.filename] = archive.read(info)
                # An altered zip makes zipfile raise nearly anything (BadZipFile,
                # RuntimeError "encrypted", EOFError, struct.error …): each is a failure.
                except Exception as error:
                    report.problems.append(f"{info.filename} is damaged: {error}")
    except Exception as error:
        report.problems.append(f"{source} is not a readable zip file: {error}")
    return members, data


def _check_sums(members: Mapping[str, bytes], report: PackReport) -> None:
    if SUMS not in members:
        report.problems.append(f"{SUMS} is missing")
        return
    listed: dict[str, str] = {}
    for number, line in enumerate(members[SUMS].decode("utf-8", "replace").split("\n"), 1):
        if not line:
            continue
        match = re.fullmatch(r"([0-9a-f]{64})  (.+)", line)
        if match is None:
            report.problems.append(f"{SUMS} line {number} is malformed: {line!r}")
            continue
        listed[match[2]] = match[1]
    for name in sorted(set(members) - {SUMS}):
        if name not in listed:
            report.problems.append(f"{name} is not listed in {SUMS} (added to the pack?)")
        elif sha256_of(members[name]) != listed[name]:
            report.problems.append(f"{name}: its SHA-256 differs from {SUMS}: the file was changed")
    for name in sorted(set(listed) - set(members)):
        report.problems.append(f"{name} is listed in {SUMS} but not in the pack")


def _check_entries(
    members: Mapping[str, bytes],
    manifest: Mapping[str, Any],
    root: bytes,
    size: int,
    report: PackReport,
) -> dict[int, dict[str, Any]]:
    """Each entry's inclusion proof; returns the verified entries' fields by index."""
    verified: dict[int, dict[str, Any]] = {}
    for listed in manifest.get("entries", ()):
        index, body_path, proof_path = listed.get("index"), listed.get("entry"), listed.get("proof")
        body, proof_data = members.get(str(body_path)), members.get(str(proof_path))
        if not isinstance(index, int) or body is None or proof_data is None:
            report.problems.append(f"entry {index}: its entry or proof file is missing")
            continue
        try:
            proof = json.loads(proof_data)
            hashes = [bytes.fromhex(h) for h in proof["inclusion_proof"]]
            if proof["index"] != index or proof["tree_size"] != size:
                raise ValueError("its index or tree size differs from the manifest")
            merkle.verify_inclusion(index, size, leaf_hash(body), hashes, root)
            fields = json.loads(body)
        except (ValueError, KeyError, TypeError) as error:
            report.problems.append(f"entry {index} ({body_path}): {error}")
            continue
        if fields.get("case_id") != manifest.get("case_id"):
            report.problems.append(
                f"entry {index} is about case {fields.get('case_id')}, not this case"
            )
        verified[index] = fields
    return verified


def _recorded_files(fields: Mapping[str, Any]) -> set[str]:
    """The SHA-256 of every file an entry records: letter files and attachments."""
    recorded = {str(f["sha256"]) for f in (fields.get("files") or {}).values()}
    return recorded | {str(a["sha256"]) for a in fields.get("attachments") or ()}


def _check_files(
    members: Mapping[str, bytes],
    manifest: Mapping[str, Any],
    entries: Mapping[int, dict[str, Any]],
    report: PackReport,
) -> set[str]:
    """Every letter file and attachment against the hash its (verified) entry records."""
    seen: set[str] = set()
    for index, fields in entries.items():
        for sha256 in _recorded_files(fields):
            if not any(item.get("sha256") == sha256 for item in manifest.get("files", ())):
                report.problems.append(
                    f"entry {index} names a file (SHA-256 {sha256}) not in the pack"
                )
    for item in manifest.get("files", ()):
        path, index = str(item.get("path")), item.get("entry")
        seen.add(path)
        data = members.get(path)
        owner = entries.get(index) if isinstance(index, int) else None
        if data is None:
            report.problems.append(f"{path} is missing")
            continue
        if owner is None:
            report.problems.append(f"{path}: its entry {index} is not verified")
            continue
        if sha256_of(data) not in _recorded_files(owner):
            report.problems.append(
                f"{path}: its SHA-256 is not the one entry {index} records: the file was changed"
            )
    report.files = len(seen)
    return seen


def verify_pack(source: Path, verifier: VerifierKey) -> PackReport:
    """Check an evidence pack (zip, or the folder it was extracted to)."""
    report = PackReport()
    members, zipped = _read_members(source, report)
    if not members:
        report.problems.append("the pack holds no files")
        return report
    _check_sums(members, report)
    try:
        manifest = json.loads(members[MANIFEST])
        note = members[CHECKPOINT].decode()
        checkpoint = open_checkpoint(note, verifier)
    except KeyError as error:
        report.problems.append(f"{error.args[0]} is missing")
        return report
    except (ValueError, NoteError) as error:
        report.problems.append(f"{CHECKPOINT}: {error}")
        return report
    report.case_id, report.tree_size = manifest.get("case_id"), checkpoint.size
    if (manifest.get("tree_size"), manifest.get("root")) != (
        checkpoint.size,
        checkpoint.root.hex(),
    ):
        report.problems.append(f"{MANIFEST} names a different tree head than {CHECKPOINT}")
    if members.get(PUBLIC_KEY, b"").decode(errors="replace").strip() != verifier.text():
        report.problems.append(f"{PUBLIC_KEY} in the pack is not the key you gave")
    entries = _check_entries(members, manifest, checkpoint.root, checkpoint.size, report)
    report.entries = len(entries)
    files = _check_files(members, manifest, entries, report)
    known = set(_FIXED) | files
    known |= {str(e.get(k)) for e in manifest.get("entries", ()) for k in ("entry", "proof")}
    for name in sorted(set(members) - known):
        report.problems.append(f"{name} does not belong to the pack")
    if zipped is not None and not report.problems:
        rebuilt = write_zip(members, _created(str(manifest.get("created_at"))))
        if rebuilt != zipped:
            at = next(
                (i for i, (a, b) in enumerate(zip(rebuilt, zipped, strict=False)) if a != b),
                len(rebuilt),
            )
            report.problems.append(
                f"byte {at} of the zip differs from the pack `letters evidence export` wrote "
                "(its structure or metadata was altered, or it was re-zipped)"
            )
    return report
