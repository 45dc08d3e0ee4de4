"""Output files: safe names and atomic writes.

A file appears under its final name only when it is complete (write to a
temporary file in the same folder, fsync, rename), so an interrupted run never
leaves a half-written letter behind.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
import unicodedata
from collections.abc import Mapping
from pathlib import Path

TEMP_MARKER = ".letters-tmp-"
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f]')
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}
MAX_STEM_CHARS = 120


def safe_file_stem(text: str) -> str:
    """A file name stem that is valid on Windows and Linux; Chinese is kept.

    >>> safe_file_stem('C001/华信:"电子"')
    'C001_华信__电子_'
    >>> safe_file_stem("CON"), safe_file_stem(" 尾随点. "), safe_file_stem("../evil")
    ('_CON', '尾随点', '_evil')
    """
    text = unicodedata.normalize("NFC", text)
    # No leading dot (a hidden file on Linux, and ".." is not a name) and no
    # trailing dot or space (Windows drops them).
    text = _FORBIDDEN.sub("_", text).strip().strip(". ")
    if not text:
        text = "_"
    if text.split(".")[0].upper() in _WINDOWS_RESERVED:
        text = "_" + text
    return text[:MAX_STEM_CHARS]


def output_stem(pattern: str, values: Mapping[str, object]) -> str:
    """Fill a template's ``output_name`` pattern, e.g. ``{case_id}_{template}``.

    >>> output_stem("{case_id}_{template}", {"case_id": "C1", "template": "rent"})
    'C1_rent'
    """
    try:
        return safe_file_stem(pattern.format_map(dict(values)))
    except (KeyError, IndexError, ValueError) as error:
        raise ValueError(f"output_name {pattern!r} cannot be filled: {error}") from None


def temp_path_for(target: Path) -> Path:
    return target.with_name(f".{target.name}{TEMP_MARKER}{os.getpid()}-{secrets.token_hex(4)}")


def write_temp(target: Path, data: bytes) -> Path:
    """Write ``data`` next to ``target`` under a temporary name, synced to disk."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = temp_path_for(target)
    with open(temp, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())
    return temp


def _fsync_dir(directory: Path) -> None:
    with contextlib.suppress(OSError):  # not every file system lets a directory be opened
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def commit_temp(temp: Path, target: Path) -> None:
    os.replace(temp, target)
    _fsync_dir(target.parent)


def atomic_write(target: Path, data: bytes) -> None:
    commit_temp(write_temp(target, data), target)


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    # A killed worker nobody has reaped yet (a zombie) still answers kill(0).
    with contextlib.suppress(OSError, IndexError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        return stat.rsplit(")", 1)[1].split()[0] != "Z"
    return True


def remove_stale_temps(directory: Path) -> int:
    """Delete temporary files left by killed runs (not those of live processes)."""
    if not directory.is_dir():
        return 0
    removed = 0
    for path in directory.glob(f".*{TEMP_MARKER}*"):
        pid_text = path.name.rsplit(TEMP_MARKER, 1)[1].split("-", 1)[0]
        if pid_text.isdigit() and process_alive(int(pid_text)) and int(pid_text) != os.getpid():
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
            removed += 1
    return removed
