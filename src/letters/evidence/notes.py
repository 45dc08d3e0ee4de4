"""Signed checkpoints in the C2SP formats (signed-note, tlog-checkpoint). Pure.

A checkpoint says "the log named *origin* had *size* entries with this root":

    letters-log/3f9c0d2e8a7b6c51
    42
    base64(root)

and a signed note appends a blank line and one signature line per signer:
``— <key name> base64(key id ‖ Ed25519 signature)``. The key id is the first
four bytes of SHA-256(name ‖ "\\n" ‖ 0x01 ‖ public key). Keys travel as one
line each: ``name+keyid+base64(0x01 ‖ public key)`` (the *verifier key* a judge
pins) and ``PRIVATE+KEY+name+keyid+base64(0x01 ‖ seed)``. Using the published
formats means the reference implementations' test vectors check this code,
and other tools (Go's ``sumdb/note``) can check our checkpoints.

>>> key = SigningKey.from_text(
...     "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz")
>>> key.verifier.text()   # the vector of Go's sumdb/note tests
'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from letters.evidence.merkle import HASH_SIZE

ALGORITHM_ED25519 = 0x01
SIGNATURE_PREFIX = "— "  # U+2014 EM DASH and a space, as the format prescribes
PRIVATE_KEY_PREFIX = "PRIVATE+KEY+"
_NAME = re.compile(r"[^\s+]+")  # key names: no spaces, no "+"


class NoteError(ValueError):
    """A key, note or checkpoint is malformed or its signature does not verify."""


def _b64decode(text: str, what: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NoteError(f"{what} is not valid base64") from None


def key_id(name: str, public_key: bytes) -> bytes:
    """The four-byte id that ties a signature line to a key.

    >>> sum_golang_org = "Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"   # Go's published key
    >>> key_id("sum.golang.org", base64.b64decode(sum_golang_org)[1:]).hex()
    '033de0ae'
    """
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALGORITHM_ED25519]) + public_key).digest()[
        :4
    ]


def _parse_key(text: str, what: str, material: str) -> tuple[str, str, bytes]:
    """``name+keyid+base64(0x01 ‖ 32 bytes)`` → name, key id (hex), the 32 bytes."""
    parts = text.split("+", 2)
    if len(parts) != 3 or not _NAME.fullmatch(parts[0]):
        raise NoteError(f"a {what} has the form name+keyid+base64({material})")
    name, id_hex, encoded = parts
    raw = _b64decode(encoded, f"the {what}")
    if len(raw) != 33 or raw[0] != ALGORITHM_ED25519:
        raise NoteError(f"the {what} is not an Ed25519 key")
    return name, id_hex, raw[1:]


def _check_key_id(verifier: VerifierKey, id_hex: str, what: str) -> None:
    if not re.fullmatch(r"[0-9a-f]{8}", id_hex) or verifier.id.hex() != id_hex:
        raise NoteError(f"the {what}'s id does not match its name and key")


@dataclass(frozen=True, slots=True)
class VerifierKey:
    """A public key with its name: what anyone checking a checkpoint pins."""

    name: str
    public_key: bytes  # 32 bytes, Ed25519

    @property
    def id(self) -> bytes:
        return key_id(self.name, self.public_key)

    def text(self) -> str:
        encoded = base64.b64encode(bytes([ALGORITHM_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.id.hex()}+{encoded}"

    @classmethod
    def from_text(cls, text: str) -> VerifierKey:
        """Parse ``name+keyid+base64``; every part is checked, the key id too."""
        name, id_hex, key = _parse_key(text.strip(), "verifier key", "key")
        verifier = cls(name, key)
        _check_key_id(verifier, id_hex, "verifier key")
        return verifier

    def verify(self, signature: bytes, message: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True, slots=True)
class SigningKey:
    name: str
    seed: bytes  # 32 bytes, the Ed25519 private key

    @classmethod
    def generate(cls, name: str) -> SigningKey:
        if not _NAME.fullmatch(name):
            raise NoteError(f"{name!r} cannot be a key name (no spaces or '+')")
        private = Ed25519PrivateKey.generate()
        return cls(name, private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption()))

    @classmethod
    def from_text(cls, text: str) -> SigningKey:
        if not text.startswith(PRIVATE_KEY_PREFIX):
            raise NoteError(f"a signing key starts with {PRIVATE_KEY_PREFIX}")
        name, id_hex, seed = _parse_key(
            text.strip()[len(PRIVATE_KEY_PREFIX) :], "signing key", "seed"
        )
        key = cls(name, seed)
        _check_key_id(key.verifier, id_hex, "signing key")
        return key

    def text(self) -> str:
        encoded = base64.b64encode(bytes([ALGORITHM_ED25519]) + self.seed).decode()
        return f"{PRIVATE_KEY_PREFIX}{self.name}+{self.verifier.id.hex()}+{encoded}"

    @property
    def verifier(self) -> VerifierKey:
        public = self._private().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return VerifierKey(self.name, public)

    def _private(self) -> Ed25519PrivateKey:
        return Ed25519PrivateKey.from_private_bytes(self.seed)

    def sign(self, message: bytes) -> bytes:
        return self._private().sign(message)


# ---------------------------------------------------------------- notes


def sign_note(text: str, key: SigningKey) -> str:
    """``text`` (ending in a newline) signed by ``key``, as a signed note."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("note text must end with a newline and contain no blank line")
    blob = key.verifier.id + key.sign(text.encode())
    return f"{text}\n{SIGNATURE_PREFIX}{key.name} {base64.b64encode(blob).decode()}\n"


def open_note(note: str, verifier: VerifierKey) -> str:
    """The text of ``note`` if ``verifier`` signed it; :class:`NoteError` otherwise.

    Signatures by other keys are ignored (a note may carry witnesses' too).
    """
    text, separator, signatures = note.rpartition("\n\n")
    if not separator or not signatures.endswith("\n"):
        raise NoteError("not a signed note (expected text, a blank line, signature lines)")
    text += "\n"
    found = False
    for line in signatures[:-1].split("\n"):
        if not line.startswith(SIGNATURE_PREFIX):
            raise NoteError(f"malformed signature line {line!r}")
        name, _, encoded = line[len(SIGNATURE_PREFIX) :].partition(" ")
        blob = _b64decode(encoded, f"the signature of {name}")
        if len(blob) < 5:
            raise NoteError(f"the signature of {name} is too short")
        if name != verifier.name or blob[:4] != verifier.id:
            continue
        if not verifier.verify(blob[4:], text.encode()):
            raise NoteError(
                f"the signature of {name} does not match the text: the note was altered"
            )
        found = True
    if not found:
        raise NoteError(f"the note carries no signature by {verifier.name} ({verifier.id.hex()})")
    return text


# ---------------------------------------------------------------- checkpoints


@dataclass(frozen=True, slots=True)
class Checkpoint:
    """The tree head: origin (the log's name), size and root hash."""

    origin: str
    size: int
    root: bytes

    def text(self) -> str:
        """The checkpoint body.

        >>> Checkpoint("go.sum database tree", 13485, base64.b64decode(
        ...     "/ZWur4obeiqK+ASdnPK+/Rmz6LPQMUeSmHh0+UkL54Y=")).text()
        'go.sum database tree\\n13485\\n/ZWur4obeiqK+ASdnPK+/Rmz6LPQMUeSmHh0+UkL54Y=\\n'
        """
        return f"{self.origin}\n{self.size}\n{base64.b64encode(self.root).decode()}\n"

    @classmethod
    def from_text(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise NoteError("a checkpoint has three lines: origin, size, root")
        origin, size_text, root_text = lines[:3]
        if not origin or not re.fullmatch(r"0|[1-9][0-9]*", size_text):
            raise NoteError("a checkpoint's second line is the tree size in decimal")
        root = _b64decode(root_text, "the checkpoint's root")
        if len(root) != HASH_SIZE:
            raise NoteError("the checkpoint's root is not a SHA-256 hash")
        return cls(origin, int(size_text), root)


def read_checkpoint_unverified(note: str) -> Checkpoint | None:
    """The checkpoint in a note without checking its signature (to know which
    tree sizes to compute before checking it), or None if it is malformed."""
    text, separator, _ = note.rpartition("\n\n")
    try:
        return Checkpoint.from_text(text + "\n") if separator else None
    except NoteError:
        return None


def sign_checkpoint(checkpoint: Checkpoint, key: SigningKey) -> str:
    return sign_note(checkpoint.text(), key)


def open_checkpoint(note: str, verifier: VerifierKey) -> Checkpoint:
    """Verify a signed checkpoint and read it; its origin must be the key's name."""
    checkpoint = Checkpoint.from_text(open_note(note, verifier))
    if checkpoint.origin != verifier.name:
        raise NoteError(
            f"the checkpoint is for log {checkpoint.origin!r}, the key for {verifier.name!r}"
        )
    return checkpoint
