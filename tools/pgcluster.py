"""A throwaway PostgreSQL server on 127.0.0.1, for the test suite and the log
benchmark: ``initdb`` into a temporary folder, ``pg_ctl start`` on a free
port, ``pg_ctl stop`` and delete at the end. Never for real data.

PostgreSQL refuses to run as root, so as root the cluster belongs to the
``postgres`` user that Debian's package creates (``scripts/setup --dev``
installs it) and every command runs through ``runuser``.
"""

from __future__ import annotations

import contextlib
import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SUPERUSER = "letters"


class PostgresUnavailable(RuntimeError):
    """The server cannot be started here; the message says why."""


def _bin_dir() -> Path:
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/initdb"),
        key=lambda p: int(Path(p).parts[-3]) if Path(p).parts[-3].isdigit() else 0,
    )
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).parent
    raise PostgresUnavailable("initdb not found: install PostgreSQL (scripts/setup --dev does)")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class TemporaryPostgres:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.run_as: str | None = None
        if os.geteuid() == 0:
            try:
                pwd.getpwnam("postgres")
            except KeyError:
                raise PostgresUnavailable(
                    "running as root and there is no 'postgres' user to run the server as"
                ) from None
            self.run_as = "postgres"
        self.directory = Path(tempfile.mkdtemp(prefix="letters-pg-"))
        self.data = self.directory / "data"
        self.port = _free_port()
        self.url = f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> None:
        full = [str(self.bin / command[0]), *command[1:]]
        if self.run_as:
            full = ["runuser", "-u", self.run_as, "--", *full]
        result = subprocess.run(full, capture_output=True, text=True, timeout=120, check=False)
        if result.returncode != 0:
            raise PostgresUnavailable(
                f"{command[0]} failed ({result.returncode}): {(result.stderr or result.stdout).strip()}"
            )

    def start(self) -> str:
        if self.run_as:
            entry = pwd.getpwnam(self.run_as)
            os.chown(self.directory, entry.pw_uid, entry.pw_gid)
        self._run(
            "initdb", "-D", str(self.data), "-U", SUPERUSER, "--auth=trust",
            "-E", "UTF8", "--no-locale", "--no-sync",
        )  # fmt: skip
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} "
            f"-c unix_socket_directories={self.directory} -c max_connections=200"
        )
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.directory / "server.log"),
            "-o", options, "-w", "-t", "60", "start",
        )  # fmt: skip
        return self.url

    def log_tail(self) -> str:
        with contextlib.suppress(OSError):
            return (self.directory / "server.log").read_text(errors="replace")[-2000:]
        return ""

    def stop(self) -> None:
        with contextlib.suppress(PostgresUnavailable, subprocess.TimeoutExpired):
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.directory, ignore_errors=True)


def create_database(server_url: str, name: str) -> str:
    """A new, empty database on the server; returns its URL."""
    import psycopg

    with psycopg.connect(server_url, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    return server_url.rsplit("/", 1)[0] + "/" + name


def stop_by_data_directory(directory: Path) -> None:
    """Stop a server started by another process (the test workers' one)."""
    server = object.__new__(TemporaryPostgres)
    server.bin = _bin_dir()
    server.run_as = "postgres" if os.geteuid() == 0 else None
    server.directory = directory
    server.data = directory / "data"
    server.stop()
