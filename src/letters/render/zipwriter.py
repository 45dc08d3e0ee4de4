"""Deterministic zip archives (DOCX files) from entries compressed ahead of time.

A DOCX is a zip of XML parts; for a letter only a few parts change (the body,
the footer, the core properties), while the styles alone are 800 kB of XML.
:class:`ZipEntry` compresses a part once, so a template compiled once per
process re-uses its static parts' compressed bytes for every letter.

The layout is byte for byte what :mod:`zipfile` writes for ``ZipInfo(name,
FIXED_ZIP_TIME)`` entries with deflate, permissions 0644 and no comment
(a test compares them), so the same letter always has the same SHA-256.
"""

from __future__ import annotations

import struct
import sys
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

# Zip entries carry timestamps; fixing them makes the same letter render to the
# same bytes (so its SHA-256 in the registry can be re-derived).
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
_DOS_DATE = (FIXED_ZIP_TIME[0] - 1980) << 9 | FIXED_ZIP_TIME[1] << 5 | FIXED_ZIP_TIME[2]
_DOS_TIME = FIXED_ZIP_TIME[3] << 11 | FIXED_ZIP_TIME[4] << 5 | FIXED_ZIP_TIME[5] // 2
_VERSION = 20  # zipfile's DEFAULT_VERSION, enough for deflate
_SYSTEM = 0 if sys.platform == "win32" else 3  # as zipfile.ZipInfo records it
_DEFLATED = 8
_UTF8_NAME = 0x800
_EXTERNAL_ATTR = 0o644 << 16


@dataclass(frozen=True, slots=True)
class ZipEntry:
    name: str
    crc: int
    size: int
    compressed: bytes

    @classmethod
    def deflate(cls, name: str, data: bytes) -> ZipEntry:
        compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
        compressed = compressor.compress(data) + compressor.flush()
        return cls(name, zlib.crc32(data), len(data), compressed)


def _name_and_flags(name: str) -> tuple[bytes, int]:
    try:
        return name.encode("ascii"), 0
    except UnicodeEncodeError:
        return name.encode("utf-8"), _UTF8_NAME


def zip_bytes(entries: Iterable[ZipEntry]) -> bytes:
    """The archive holding ``entries`` in order."""
    body = bytearray()
    directory = bytearray()
    count = 0
    for entry in entries:
        name, flags = _name_and_flags(entry.name)
        common = (
            flags,
            _DEFLATED,
            _DOS_TIME,
            _DOS_DATE,
            entry.crc,
            len(entry.compressed),
            entry.size,
            len(name),
        )
        offset = len(body)
        body += struct.pack("<4s2B4HL2L2H", b"PK\x03\x04", _VERSION, 0, *common, 0)
        body += name
        body += entry.compressed
        directory += struct.pack(
            "<4s4B4HL2L5H2L",
            b"PK\x01\x02",
            _VERSION,
            _SYSTEM,
            _VERSION,
            0,
            *common,
            0,  # extra field length
            0,  # comment length
            0,  # disk number
            0,  # internal attributes
            _EXTERNAL_ATTR,
            offset,
        )
        directory += name
        count += 1
    end = struct.pack("<4s4H2LH", b"PK\x05\x06", 0, 0, count, count, len(directory), len(body), 0)
    return bytes(body + directory + end)
