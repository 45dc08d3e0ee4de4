"""Shared fixtures, and a real PostgreSQL server for the storage tests.

The server is started on first use by whichever test process needs it (a
lock file makes the pytest-xdist workers share one), on 127.0.0.1 and a free
port, in a temporary cluster (tools/pgcluster.py); the main process stops it
at the end. If it truly cannot start, the PostgreSQL variants are skipped and
the run ends with a loud banner saying why.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from letters.calendar import ChineseCalendar

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tools"))

from pgcluster import (  # tools/ is put on the path just above
    PostgresUnavailable,
    TemporaryPostgres,
    create_database,
    stop_by_data_directory,
)

_STATE = "LETTERS_TEST_POSTGRES_STATE"

# Prepared fonts (render/fonts.py) go to a cache of the tests' own, shared by
# the test processes (they are written atomically), not to the user's cache.
os.environ.setdefault("LETTERS_FONT_CACHE", str(Path(tempfile.gettempdir()) / "letters-test-fonts"))


@pytest.fixture(scope="session")
def calendar() -> ChineseCalendar:
    return ChineseCalendar()


@pytest.fixture(autouse=True)
def own_user_templates(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test gets an empty per-user config folder (~/.config/letters/templates),
    so templates of the machine running the tests never take part."""
    config = tmp_path_factory.mktemp("xdg-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv("LETTERS_TEMPLATES", raising=False)
    return config / "letters" / "templates"


# ---------------------------------------------------------------- PostgreSQL


def pytest_configure(config: pytest.Config) -> None:
    # The main process makes the shared folder before the workers start, so
    # that they inherit its name through the environment.
    if not hasattr(config, "workerinput") and _STATE not in os.environ:
        os.environ[_STATE] = tempfile.mkdtemp(prefix="letters-test-pg-state-")
        config.stash[_owner_key] = True


_owner_key = pytest.StashKey[bool]()


def pytest_unconfigure(config: pytest.Config) -> None:
    if not config.stash.get(_owner_key, False):
        return
    state_dir = Path(os.environ.pop(_STATE))
    state = state_dir / "server.json"
    if state.exists():
        stop_by_data_directory(Path(json.loads(state.read_text())["directory"]))
    shutil.rmtree(state_dir, ignore_errors=True)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    reason_file = Path(os.environ.get(_STATE, "/nonexistent")) / "unavailable.txt"
    if reason_file.exists():
        terminalreporter.write_sep(
            "!",
            "PostgreSQL COULD NOT START: its tests were SKIPPED: " + reason_file.read_text(),
            red=True,
            bold=True,
        )


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of the shared test server (started here if no one has yet)."""
    state_dir = Path(os.environ[_STATE])
    with open(state_dir / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        state, unavailable = state_dir / "server.json", state_dir / "unavailable.txt"
        if unavailable.exists():
            pytest.skip("POSTGRESQL COULD NOT START: " + unavailable.read_text())
        if state.exists():
            return str(json.loads(state.read_text())["url"])
        try:
            server = TemporaryPostgres()
            url = server.start()
        except (PostgresUnavailable, OSError) as error:
            reason = str(error)
            unavailable.write_text(reason)
            print(f"\n!!! POSTGRESQL COULD NOT START: {reason}\n", file=sys.stderr)
            pytest.skip("POSTGRESQL COULD NOT START: " + reason)
        state.write_text(json.dumps({"url": url, "directory": str(server.directory)}))
        return url


@pytest.fixture
def postgres_db(postgres_server: str) -> str:
    """A fresh, empty database on the test server."""
    return create_database(postgres_server, "t_" + uuid.uuid4().hex[:16])


@pytest.fixture(params=["sqlite", "postgresql"])
def db_location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Path | str]:
    """Each storage test runs twice: on a SQLite file and on PostgreSQL."""
    if request.param == "sqlite":
        yield tmp_path / "letters.db"
    else:
        yield request.getfixturevalue("postgres_db")
