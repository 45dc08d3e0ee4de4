"""One PDF for the print room: every letter of a batch, in input order.

A letter to a borrower and guarantors is printed once per party, for the
envelopes of the mailing list. With ``duplex`` a blank page follows each letter
with an odd number of pages,
so every letter starts on the front of a sheet and no letter is printed on the
back of another addressee's.

Letters are appended as the batch delivers them and written straight to the
file (each letter's objects renumbered and copied with pypdf, its pages hung
under one page tree written at the end), so ten thousand letters need no more
memory than one. The file appears under its name only when complete.
"""

from __future__ import annotations

import contextlib
import os
from array import array
from collections import deque
from pathlib import Path
from typing import Any, BinaryIO

from pypdf import PdfReader
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    IndirectObject,
    NameObject,
    NumberObject,
    StreamObject,
)

from letters.render.output import commit_temp, temp_path_for

_CATALOG, _PAGES = 1, 2
# Inheritable page attributes (PDF 32000-1, 7.7.3.4): copied onto each page,
# since the page gets a new parent.
_INHERITED = ("/Resources", "/MediaBox", "/CropBox", "/Rotate")


class PrintFile:
    def __init__(self, path: Path, *, out_dir: Path, duplex: bool) -> None:
        self.path = path
        self.out_dir = out_dir  # outcomes name their files relative to it
        self.duplex = duplex
        path.parent.mkdir(parents=True, exist_ok=True)
        self.temp = temp_path_for(path)
        self.handle: BinaryIO = self.temp.open("wb")
        self.handle.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
        self.offsets = array("Q", [0, 0, 0])  # by object number; 1 and 2 are written last
        self.kids = array("Q")
        self.letters = 0
        self.blank_pages = 0

    # ------------------------------------------------------------ objects

    def _new_number(self) -> int:
        self.offsets.append(0)
        return len(self.offsets) - 1

    def _write(self, number: int, obj: Any) -> None:
        self.offsets[number] = self.handle.tell()
        self.handle.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(self.handle)
        self.handle.write(b"\nendobj\n")

    def _copy_letter(self, reader: PdfReader) -> tuple[int, list[float]]:
        """Copy every page of ``reader`` and what it uses; the page count and last media box."""
        numbers: dict[tuple[int, int], int] = {}
        queue: deque[tuple[int, Any]] = deque()

        def remap(obj: Any) -> Any:
            if isinstance(obj, IndirectObject):
                key = (obj.idnum, obj.generation)
                if key not in numbers:
                    numbers[key] = self._new_number()
                    queue.append((numbers[key], obj.get_object()))
                return IndirectObject(numbers[key], 0, None)
            if isinstance(obj, StreamObject):
                copy = StreamObject()
                copy.update({k: remap(v) for k, v in obj.items() if k != "/Length"})
                # The raw (still compressed) bytes: copied, never decoded.
                copy.set_data(obj._data)
                return copy
            if isinstance(obj, DictionaryObject):
                return DictionaryObject({k: remap(v) for k, v in obj.items()})
            if isinstance(obj, ArrayObject):
                return ArrayObject(remap(v) for v in obj)
            return obj

        media_box: list[float] = [0, 0, 595.276, 841.89]
        count = 0
        for page in reader.pages:
            page_ref = page.indirect_reference
            number = self._new_number()
            if page_ref is not None:
                numbers[(page_ref.idnum, page_ref.generation)] = number
            copied = DictionaryObject()
            for key in _INHERITED:
                value = _inherited(page, key)
                if value is not None:
                    copied[NameObject(key)] = remap(value)
            for key, value in page.items():
                if key not in ("/Parent", *_INHERITED):
                    copied[NameObject(key)] = remap(value)
            copied[NameObject("/Parent")] = IndirectObject(_PAGES, 0, None)
            self._write(number, copied)
            self.kids.append(number)
            media_box = [float(v) for v in page.mediabox]
            count += 1
            while queue:
                target, obj = queue.popleft()
                self._write(target, remap(obj))
        return count, media_box

    def _blank_page(self, media_box: list[float]) -> None:
        page = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Page"),
                NameObject("/Parent"): IndirectObject(_PAGES, 0, None),
                NameObject("/MediaBox"): ArrayObject(NumberObject(round(v)) for v in media_box),
                NameObject("/Resources"): DictionaryObject(),
            }
        )
        number = self._new_number()
        self._write(number, page)
        self.kids.append(number)
        self.blank_pages += 1

    # ------------------------------------------------------------ the sink

    def add_pdf(self, pdf: Path) -> None:
        count, media_box = self._copy_letter(PdfReader(pdf))
        if self.duplex and count % 2:
            self._blank_page(media_box)
        self.letters += 1

    def add(self, case: object, outcome: Any) -> None:
        if outcome.status == "rendered" and "pdf" in outcome.files:
            # One copy for the addressee and one for each guarantor: every party
            # is served the notice and signs (and returns) a receipt slip of its own.
            for _ in range(1 + len(getattr(case, "guarantors", ()))):
                self.add_pdf(self.out_dir / outcome.files["pdf"])

    def close(self) -> None:
        pages = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Pages"),
                NameObject("/Kids"): ArrayObject(IndirectObject(n, 0, None) for n in self.kids),
                NameObject("/Count"): NumberObject(len(self.kids)),
            }
        )
        self._write(_PAGES, pages)
        catalog = DictionaryObject(
            {
                NameObject("/Type"): NameObject("/Catalog"),
                NameObject("/Pages"): IndirectObject(_PAGES, 0, None),
            }
        )
        self._write(_CATALOG, catalog)
        start = self.handle.tell()
        self.handle.write(f"xref\n0 {len(self.offsets)}\n0000000000 65535 f \n".encode())
        for offset in self.offsets[1:]:
            self.handle.write(f"{offset:010d} 00000 n \n".encode())
        self.handle.write(
            f"trailer\n<< /Size {len(self.offsets)} /Root {_CATALOG} 0 R >>\n"
            f"startxref\n{start}\n%%EOF\n".encode()
        )
        self.handle.flush()
        os.fsync(self.handle.fileno())
        self.handle.close()
        commit_temp(self.temp, self.path)

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.handle.close()
        self.temp.unlink(missing_ok=True)


def _inherited(page: Any, key: str) -> Any:
    """``key`` of the page, else of the nearest page-tree node above it that has it."""
    node = page
    while node is not None:
        node = node.get_object()
        if key in node:
            return node.raw_get(key)
        node = node.raw_get("/Parent") if "/Parent" in node else None
    return None
