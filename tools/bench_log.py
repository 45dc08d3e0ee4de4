"""Benchmark of the evidence log (not a test): appends per second, one
transaction each, on SQLite (WAL, synchronous=FULL) and on PostgreSQL, and
the time `log verify` takes for 100,000 entries.

    .venv/bin/python tools/bench_log.py                 # everything, temporary PostgreSQL
    .venv/bin/python tools/bench_log.py --postgres URL  # an existing server instead
    .venv/bin/python tools/bench_log.py --no-postgres   # SQLite only

Results and the machine's load go to stdout; record them in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse
import os
import platform
import sqlite3
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date
from pathlib import Path

from letters.evidence.events import Event, EventKind
from letters.evidence.registry import Registry
from letters.evidence.storage import DbLocation
from letters.evidence.verify import verify_log

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgcluster import TemporaryPostgres, create_database  # tools/ is on the path just above


def event(number: int) -> Event:
    return Event(
        EventKind.PAYMENT,
        date(2026, 10, 1),
        case_id=f"C{number % 500:04d}",
        remark=f"benchmark event {number}",
    )


def timed(action: Callable[[], object]) -> float:
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def single_appends(location: DbLocation, count: int) -> float:
    """Appends per second, each its own durable transaction (as `receipts record`)."""
    with Registry(location) as registry:
        registry.append_event(event(-1))  # schema created, connection warm
        seconds = timed(lambda: [registry.append_event(event(n)) for n in range(count)])
    return count / seconds


def bare_sqlite_commits(path: Path, count: int) -> float:
    """The disk's own limit, for comparison: one 400-byte row per transaction,
    same journal and sync settings, nothing else."""
    connection = sqlite3.connect(path, isolation_level=None)
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("PRAGMA synchronous=FULL")
    connection.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, body BLOB)")

    def run() -> None:
        for _ in range(count):
            connection.execute("BEGIN IMMEDIATE")
            connection.execute("INSERT INTO t (body) VALUES (?)", (os.urandom(400),))
            connection.execute("COMMIT")

    rate = count / timed(run)
    connection.close()
    return rate


def fill(location: DbLocation, count: int, batch: int = 2000) -> float:
    """Append ``count`` entries in transactions of ``batch`` (as `receipts import`)."""
    with Registry(location) as registry:

        def run() -> None:
            for start in range(0, count, batch):
                registry.append_events([event(n) for n in range(start, min(count, start + batch))])

        return count / timed(run)


def verify_seconds(location: DbLocation, key: Path) -> tuple[float, int]:
    with Registry(location) as registry:
        registry.checkpoint(registry.signing_key(key))
        seconds = timed(lambda: verify_log(registry))
        report = verify_log(registry)
    assert report.ok, report.problems
    return seconds, report.size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--appends", type=int, default=3000)
    parser.add_argument("--entries", type=int, default=100_000)
    parser.add_argument("--postgres", help="URL of a server to use (default: start one)")
    parser.add_argument("--no-postgres", action="store_true")
    options = parser.parse_args()
    print(
        f"machine: {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}"
    )
    print(f"load average before: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    folder = Path(tempfile.mkdtemp(prefix="letters-bench-"))
    key = folder / "bench.key"

    # The disk is shared and its sync latency comes in bursts: alternate short
    # rounds of log appends and bare commits, and compare within each round.
    for round_number in range(1, 4):
        ours = single_appends(folder / "appends.db", options.appends // 3)
        bare = bare_sqlite_commits(folder / "bare.db", options.appends // 3)
        print(
            f"SQLite (WAL, synchronous=FULL), round {round_number}: {ours:,.0f} log appends/s, "
            f"one transaction each; bare one-row commits {bare:,.0f}/s ({ours / bare:.0%})"
        )
    filled = fill(folder / "big.db", options.entries)
    print(f"SQLite: {filled:,.0f} appends/s in transactions of 2,000 ({options.entries:,} entries)")
    seconds, size = verify_seconds(folder / "big.db", key)
    print(f"SQLite: log verify of {size:,} entries: {seconds:.2f} s")

    if not options.no_postgres:
        server = None
        url = options.postgres
        if url is None:
            server = TemporaryPostgres()
            url = server.start()
        try:
            appends_db = create_database(url, "bench_" + uuid.uuid4().hex[:8])
            rate = single_appends(appends_db, options.appends // 3)
            print(
                f"PostgreSQL (default settings, loopback): {rate:,.0f} appends/s, one transaction each"
            )
            big = create_database(url, "bench_" + uuid.uuid4().hex[:8])
            filled = fill(big, options.entries)
            print(f"PostgreSQL: {filled:,.0f} appends/s in transactions of 2,000")
            seconds, size = verify_seconds(big, folder / "pg.key")
            print(f"PostgreSQL: log verify of {size:,} entries: {seconds:.2f} s")
        finally:
            if server is not None:
                server.stop()
    print(f"load average after: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
