"""Signed notes and checkpoints against the published vectors of Go's
golang.org/x/mod/sumdb/note and a real sum.golang.org checkpoint."""

from __future__ import annotations

import base64

import pytest

from letters.evidence.notes import (
    Checkpoint,
    NoteError,
    SigningKey,
    VerifierKey,
    open_checkpoint,
    open_note,
    read_checkpoint_unverified,
    sign_checkpoint,
    sign_note,
)

# sumdb/note note_test.go
VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
SIGNED = (
    TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgK"
    "vqfqdngotpRZb6KE6RyyBwJnAM=\n"
)
# The Go checksum database's key (cmd/go) and one of its published tree heads.
SUM_KEY = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8"
SUM_HEAD = "go.sum database tree\n13485\n/ZWur4obeiqK+ASdnPK+/Rmz6LPQMUeSmHh0+UkL54Y=\n"
SUM_SIGNATURE = (
    "Az3grnQReYTvpCrRxT+w50vixbqBlB/aPS8bL8f8KW4HHP+UjLSXOJgCh4f54n8hO6lrESglzyRXMXnhaWzaeY3zqw8="
)


def test_signing_reproduces_the_published_note_byte_for_byte() -> None:
    key = SigningKey.from_text(SKEY)
    assert key.text() == SKEY
    assert key.verifier.text() == VKEY
    assert sign_note(TEXT, key) == SIGNED


def test_the_published_note_opens_with_its_key() -> None:
    assert open_note(SIGNED, VerifierKey.from_text(VKEY)) == TEXT


@pytest.mark.parametrize(
    "mangled",
    [
        SIGNED.replace("cryptography", "cryptographY"),
        SIGNED.replace("x08go", "x08gp"),
        SIGNED.replace("— PeterNeumann", "— PeterNeumanN"),
        SIGNED.replace("\n\n", "\n"),
        SIGNED[:-1],
        SIGNED.replace("—", "-"),
    ],
)
def test_a_mangled_note_is_refused(mangled: str) -> None:
    with pytest.raises(NoteError):
        open_note(mangled, VerifierKey.from_text(VKEY))


def test_a_note_signed_by_someone_else_is_refused() -> None:
    other = SigningKey.generate("PeterNeumann")
    with pytest.raises(NoteError, match="no signature by PeterNeumann"):
        open_note(sign_note(TEXT, other), VerifierKey.from_text(VKEY))


def test_every_one_byte_change_of_the_verifier_key_is_refused() -> None:
    raw = VKEY.encode()
    for position in range(len(raw)):
        changed = bytearray(raw)
        changed[position] = (changed[position] + 1) % 128
        text = changed.decode("ascii", "replace")
        with pytest.raises(NoteError):
            VerifierKey.from_text(text)


def test_keys_of_the_wrong_shape_are_refused() -> None:
    for text in ("PeterNeumann+c74f20a3", "x", SKEY, VKEY.replace("+c74f20a3+", "+00000000+")):
        with pytest.raises(NoteError):
            VerifierKey.from_text(text)
    with pytest.raises(NoteError):
        SigningKey.from_text(VKEY)
    with pytest.raises(NoteError, match="cannot be a key name"):
        SigningKey.generate("two words")


def test_a_real_sum_golang_org_checkpoint_verifies() -> None:
    note = f"{SUM_HEAD}\n— sum.golang.org {SUM_SIGNATURE}\n"
    text = open_note(note, VerifierKey.from_text(SUM_KEY))
    checkpoint = Checkpoint.from_text(text)
    assert checkpoint.origin == "go.sum database tree"
    assert checkpoint.size == 13485
    assert checkpoint.root == base64.b64decode("/ZWur4obeiqK+ASdnPK+/Rmz6LPQMUeSmHh0+UkL54Y=")
    assert checkpoint.text() == SUM_HEAD
    with pytest.raises(NoteError, match="altered"):
        open_note(note.replace("13485", "13484"), VerifierKey.from_text(SUM_KEY))


def test_our_checkpoints_round_trip_and_bind_the_origin() -> None:
    key = SigningKey.generate("letters-log/0123456789abcdef")
    checkpoint = Checkpoint("letters-log/0123456789abcdef", 42, bytes(range(32)))
    note = sign_checkpoint(checkpoint, key)
    assert note.startswith(
        "letters-log/0123456789abcdef\n42\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n\n— "
    )
    assert open_checkpoint(note, key.verifier) == checkpoint
    assert read_checkpoint_unverified(note) == checkpoint
    impostor = SigningKey.generate("letters-log/ffffffffffffffff")
    with pytest.raises(NoteError, match="is for log"):
        open_checkpoint(
            sign_checkpoint(checkpoint, impostor),
            VerifierKey(impostor.name, impostor.verifier.public_key),
        )


@pytest.mark.parametrize(
    "body",
    [
        "origin\n-1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "origin\n01\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
        "origin\n1\nAAEC\n",
        "origin\n1\n",
        "\n1\nAAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=\n",
    ],
)
def test_malformed_checkpoints_are_refused(body: str) -> None:
    with pytest.raises(NoteError):
        Checkpoint.from_text(body)
