"""The signing key: made on first use, outside the database, owner-only, and
the only key a log accepts once it has signed."""

from __future__ import annotations

import multiprocessing
import stat
from pathlib import Path

import pytest

from letters.errors import RegistryError
from letters.evidence.notes import SigningKey, VerifierKey
from letters.evidence.registry import Registry


def test_first_use_creates_an_owner_only_key_beside_the_database(tmp_path: Path) -> None:
    location = tmp_path / "letters.db"
    with Registry(location) as registry:
        assert registry.public_key() is None
        key = registry.signing_key()
        assert registry.public_key() == key.verifier
    path = tmp_path / "letters.db.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SigningKey.from_text(path.read_text()) == key
    assert key.name.startswith("letters-log/")
    assert path.read_bytes() not in location.read_bytes()  # the key is not in the database
    with Registry(location) as registry:
        assert registry.signing_key() == key  # the same key next time


def test_a_key_others_can_read_is_refused(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        registry.signing_key()
        (tmp_path / "letters.db.key").chmod(0o644)
        with pytest.raises(RegistryError, match="can be read by other users") as error:
            registry.signing_key()
    assert error.value.hint == f"run: chmod 600 {tmp_path / 'letters.db.key'}"


def test_a_lost_key_is_not_silently_replaced(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        registry.signing_key()
        (tmp_path / "letters.db.key").unlink()
        with pytest.raises(RegistryError, match="this log's signing key is missing"):
            registry.signing_key()


def test_another_logs_key_is_refused(tmp_path: Path) -> None:
    with Registry(tmp_path / "a.db") as first, Registry(tmp_path / "b.db") as second:
        first.signing_key()
        with pytest.raises(RegistryError, match="belongs to log letters-log/"):
            second.signing_key(tmp_path / "a.db.key")


def test_a_different_key_for_the_same_log_is_refused(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        registry.signing_key()
        impostor = SigningKey.generate(registry.origin())
        other = tmp_path / "other.key"
        other.write_text(impostor.text())
        other.chmod(0o600)
        with pytest.raises(RegistryError, match="is not the key of this log"):
            registry.signing_key(other)


def _first_use(location: str) -> str:
    with Registry(Path(location)) as registry:
        return registry.signing_key().verifier.text()


def test_processes_using_the_key_first_at_once_agree_on_one(tmp_path: Path) -> None:
    location = tmp_path / "letters.db"
    Registry(location).close()
    with multiprocessing.get_context("spawn").Pool(4) as pool:
        keys = pool.map(_first_use, [str(location)] * 4)
    assert len(set(keys)) == 1
    with Registry(location) as registry:
        assert registry.public_key() == VerifierKey.from_text(keys[0])


def test_postgres_keys_live_in_the_user_config(
    postgres_db: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    with Registry(postgres_db) as registry:
        key = registry.signing_key()
        path = tmp_path / "config" / "letters" / (registry.origin().replace("/", "_") + ".key")
    assert SigningKey.from_text(path.read_text()) == key
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
