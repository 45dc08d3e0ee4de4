"""Log entries: canonical bytes and leaf hashes (RFC 6962 style).

Leaf bytes are a domain-separation prefix followed by the canonical JSON of
the entry; the leaf hash is SHA-256(0x00 ‖ leaf bytes). Each entry carries a
random salt so that the hashes shown in one debtor's proof reveal nothing
about another's entries (evidence-design.md).
"""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from letters.evidence.merkle import hash_leaf
from letters.model import canonical_json

ENTRY_PREFIX = b"letters/v1/entry\n"
ENTRY_VERSION = 1


class EntryKind:
    """Kinds of log entry. Only ``LETTER_ISSUED`` is written by rendering; the
    others are recorded by the receipts commands."""

    LETTER_ISSUED = "letter-issued"


def new_salt() -> str:
    return secrets.token_hex(16)


def entry_body(kind: str, fields: Mapping[str, Any], *, salt: str, recorded_at: str) -> bytes:
    """Canonical JSON bytes of one entry.

    >>> entry_body("letter-issued", {"letter_no": "A1"}, salt="00", recorded_at="t")
    b'{"kind":"letter-issued","letter_no":"A1","recorded_at":"t","salt":"00","v":1}'
    """
    reserved = {"v", "kind", "salt", "recorded_at"} & fields.keys()
    if reserved:
        raise ValueError(f"entry fields may not use reserved keys {sorted(reserved)}")
    return canonical_json(
        {**fields, "v": ENTRY_VERSION, "kind": kind, "salt": salt, "recorded_at": recorded_at}
    )


def leaf_hash(body: bytes) -> bytes:
    """RFC 6962 leaf hash of an entry: SHA-256(0x00 ‖ prefix ‖ body).

    >>> import hashlib
    >>> leaf_hash(b"") == hashlib.sha256(b"\\x00" + ENTRY_PREFIX).digest()
    True
    """
    return hash_leaf(ENTRY_PREFIX + body)
