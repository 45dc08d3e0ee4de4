"""A log writer for the crash and concurrency tests, run as its own process:
``python log_writer.py DB NAME COUNT`` appends COUNT events and prints each
index and remark as soon as its append has returned (= acknowledged)."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

from letters.evidence.events import Event, EventKind
from letters.evidence.registry import Registry
from letters.evidence.storage import is_postgres


def main() -> None:
    location, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    with Registry(location if is_postgres(location) else Path(location)) as registry:
        for number in range(count):
            remark = f"{name}-{number}"
            index = registry.append_event(
                Event(EventKind.PAYMENT, date(2026, 10, 1), case_id="C-crash", remark=remark)
            )
            print(index, remark, flush=True)


if __name__ == "__main__":
    main()
