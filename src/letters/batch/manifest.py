"""``manifest.json``: one object per case of the batch, merged with the entries
of other cases (or templates) already in the folder.

Entries are spooled to a temporary file as they arrive, so a batch of any size
holds none of them in memory; the manifest is written at the end, atomically,
also after an interruption (listing what was finished).
"""

from __future__ import annotations

import itertools
import json
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from letters.render.output import commit_temp, temp_path_for

if TYPE_CHECKING:
    from letters.batch.run import Outcome

MANIFEST_NAME = "manifest.json"


def _previous(path: Path) -> list[dict[str, Any]]:
    try:
        previous = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError):
        return []
    return [e for e in previous if isinstance(e, dict)] if isinstance(previous, list) else []


def _write_list(handle: TextIO, entries: Iterator[dict[str, Any]]) -> None:
    """What ``json.dumps(list, ensure_ascii=False, indent=2)`` writes, one entry at a time."""
    first = True
    for entry in entries:
        text = json.dumps(entry, ensure_ascii=False, indent=2).replace("\n", "\n  ")
        handle.write(("[\n  " if first else ",\n  ") + text)
        first = False
    handle.write("[]\n" if first else "\n]\n")


class ManifestWriter:
    def __init__(self, out_dir: Path) -> None:
        self.path = out_dir / MANIFEST_NAME
        self.keys: set[tuple[str, str]] = set()
        # Closed in close(): it lives as long as the batch.
        self.spool = tempfile.TemporaryFile("w+", encoding="utf-8")  # noqa: SIM115

    def add(self, case: object, outcome: Outcome) -> None:
        entry = outcome.manifest_entry()
        self.keys.add((entry["template"], entry["case_id"]))
        self.spool.write(json.dumps(entry, ensure_ascii=False) + "\n")

    def _fresh(self) -> Iterator[dict[str, Any]]:
        self.spool.seek(0)
        for line in self.spool:
            yield json.loads(line)

    def close(self) -> Path:
        kept = [
            e
            for e in _previous(self.path)
            if (e.get("template"), e.get("case_id")) not in self.keys
        ]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = temp_path_for(self.path)
        try:
            with temp.open("w", encoding="utf-8") as handle:
                _write_list(handle, itertools.chain(kept, self._fresh()))
                handle.flush()
                os.fsync(handle.fileno())
            commit_temp(temp, self.path)
        finally:
            temp.unlink(missing_ok=True)
            self.spool.close()
        return self.path

    def abort(self) -> None:
        self.close()


def write_manifest(out_dir: Path, outcomes: Iterable[Outcome]) -> Path:
    """Write ``manifest.json``, keeping entries of other cases or templates already there."""
    writer = ManifestWriter(out_dir)
    for outcome in outcomes:
        writer.add(None, outcome)
    return writer.close()
