"""The log's signing key: a file outside the database, readable by its owner only.

Whoever holds the database *and* this key can rewrite history back to the
last checkpoint that left the building, so the key is never stored in the
database. Default place: next to a SQLite database as ``<db>.key``
(``letters.db.key``); for PostgreSQL, ``$XDG_CONFIG_HOME/letters/<log>.key``
(``~/.config/letters/…``). ``--key`` or ``LETTERS_KEY`` choose another file.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from letters.errors import RegistryError
from letters.evidence.notes import NoteError, SigningKey
from letters.evidence.storage import DbLocation, is_postgres


def config_home() -> Path:
    configured = os.environ.get("XDG_CONFIG_HOME")
    return Path(configured) if configured else Path.home() / ".config"


def default_key_path(location: DbLocation, origin: str) -> Path:
    """Where the key of the log at ``location`` lives unless told otherwise.

    >>> default_key_path(Path("out/letters.db"), "letters-log/ab12")
    PosixPath('out/letters.db.key')
    """
    if is_postgres(location):
        return config_home() / "letters" / (origin.replace("/", "_") + ".key")
    return Path(f"{location}.key")


def _check_private(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        raise RegistryError(
            f"the signing key {path} can be read by other users (mode {mode:o})",
            f"run: chmod 600 {path}",
        )


def read_key(path: Path) -> SigningKey:
    if not path.is_file():
        raise RegistryError(f"no signing key at {path}", "pass --key FILE or set LETTERS_KEY")
    _check_private(path)
    try:
        return SigningKey.from_text(path.read_text(encoding="ascii"))
    except (NoteError, UnicodeDecodeError) as error:
        raise RegistryError(f"{path} is not a letters signing key: {error}") from None


def create_key(path: Path, name: str) -> SigningKey:
    """Create a new key file (0600) atomically; if another process created it
    first, use that one."""
    key = SigningKey.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    temp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    descriptor = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="ascii") as handle:
            handle.write(key.text() + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        try:
            # link, not rename: it fails if the key appeared meanwhile, so a
            # concurrent first use never replaces a key that already signed.
            os.link(temp, path)
        except FileExistsError:
            return read_key(path)
    finally:
        with contextlib.suppress(FileNotFoundError):
            temp.unlink()
    return key
