"""A Word file as the checker sees it: its zip entries (duplicates included),
its XML parts, and its paragraphs with a place a person can find in Word
("paragraph 12", "table 1, row 2, cell 3", "footer1, paragraph 1").

Reading keeps every entry byte for byte, so a repair rewrites only the parts
it changed.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
DOCUMENT = "word/document.xml"
STYLES = "word/styles.xml"
THEME = "word/theme/theme1.xml"
PACKAGE_RELS = "_rels/.rels"
DOCUMENT_RELS = "word/_rels/document.xml.rels"
# Parts docxtpl renders besides the body.
_RENDERED_PART_TYPES = ("/header", "/footer", "/footnotes")


def w(name: str) -> str:
    """Clark name of a WordprocessingML element or attribute: ``w("p")``."""
    return f"{{{W_NS}}}{name}"


class UnreadableDocx(ValueError):
    """The file is not a Word document, or one of its parts is not XML."""


@dataclass
class DocxPackage:
    entries: list[tuple[zipfile.ZipInfo, bytes]]
    _parsed: dict[str, Any] = field(default_factory=dict)
    changed: set[str] = field(default_factory=set)

    @classmethod
    def from_bytes(cls, data: bytes) -> DocxPackage:
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
            # Read each entry by its ZipInfo: reading by name returns only the
            # last of two entries with the same name.
            entries = [(info, archive.open(info).read()) for info in archive.infolist()]
        except (zipfile.BadZipFile, OSError, EOFError) as error:
            raise UnreadableDocx(f"not a Word (.docx) file: {error}") from None
        package = cls(entries)
        if DOCUMENT not in package.names:
            raise UnreadableDocx("not a Word (.docx) file: it has no word/document.xml")
        return package

    @property
    def names(self) -> list[str]:
        return [info.filename for info, _ in self.entries]

    @property
    def duplicates(self) -> list[str]:
        seen: set[str] = set()
        repeated: list[str] = []
        for name in self.names:
            if name in seen and name not in repeated:
                repeated.append(name)
            seen.add(name)
        return repeated

    def data(self, name: str) -> bytes | None:
        return next((data for info, data in self.entries if info.filename == name), None)

    def xml(self, name: str) -> Any | None:
        """The parsed part (first entry of that name), or None when absent."""
        if name not in self._parsed:
            data = self.data(name)
            if data is None:
                return None
            try:
                self._parsed[name] = etree.fromstring(data)
            except etree.XMLSyntaxError as error:
                raise UnreadableDocx(f"{name} is not valid XML: {error}") from None
        return self._parsed[name]

    def mark_changed(self, name: str) -> None:
        self.changed.add(name)

    def drop_duplicates(self) -> list[str]:
        """Keep the first entry of each name (the one the authoring program wrote)."""
        repeated = self.duplicates
        seen: set[str] = set()
        kept = []
        for info, data in self.entries:
            if info.filename not in seen:
                kept.append((info, data))
            seen.add(info.filename)
        self.entries = kept
        return repeated

    def to_bytes(self) -> bytes:
        output = io.BytesIO()
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive:
            for info, data in self.entries:
                if info.filename in self.changed:
                    data = etree.tostring(
                        self._parsed[info.filename],
                        xml_declaration=True,
                        encoding="UTF-8",
                        standalone=True,
                    )
                archive.writestr(info, data)
        return output.getvalue()

    def rendered_parts(self) -> list[tuple[str, str]]:
        """(part name, label) of every part docxtpl renders: the body, headers, footers, footnotes."""
        parts = [(DOCUMENT, "")]
        rels = self.xml(DOCUMENT_RELS)
        if rels is None:
            return parts
        for rel in rels.iter(f"{{{REL_NS}}}Relationship"):
            if rel.get("TargetMode") == "External":
                continue
            if any(rel.get("Type", "").endswith(t) for t in _RENDERED_PART_TYPES):
                target = rel.get("Target", "").lstrip("/")
                name = target if target.startswith("word/") else f"word/{target}"
                if name in self.names:
                    label = name.rsplit("/", 1)[-1].removesuffix(".xml")
                    parts.append((name, label))
        return sorted(parts, key=lambda p: (p[0] != DOCUMENT, p[0]))


@dataclass(frozen=True)
class Paragraph:
    """One ``w:p`` with its place, its text elements and its table cell (if any)."""

    element: Any
    where: str
    texts: tuple[Any, ...]  # the w:t elements whose text is this paragraph's text
    cell: Any | None = None
    row: Any | None = None
    table: Any | None = None

    @property
    def text(self) -> str:
        return "".join(t.text or "" for t in self.texts)


def _own(element: Any, paragraph: Any, tag: str) -> bool:
    """True when ``element``'s nearest enclosing ``tag`` is ``paragraph`` (not a nested one,
    e.g. in a text box)."""
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent is paragraph


def _ancestor(element: Any, tag: str) -> Any | None:
    parent = element.getparent()
    while parent is not None and parent.tag != tag:
        parent = parent.getparent()
    return parent


def paragraphs(root: Any, label: str = "") -> list[Paragraph]:
    """Every paragraph of a part in document order, with a place a person can find."""
    # Holding the elements keeps lxml's proxies alive, so identity comparisons work.
    tables = list(root.iter(w("tbl")))
    prefix = f"{label}, " if label else ""
    result = []
    body_number = 0
    for element in root.iter(w("p")):
        texts = tuple(t for t in element.iter(w("t")) if _own(t, element, w("p")))
        cell = _ancestor(element, w("tc"))
        if cell is None:
            body_number += 1
            result.append(Paragraph(element, f"{prefix}paragraph {body_number}", texts))
            continue
        row = cell.getparent()
        table = row.getparent()
        row_number = [c for c in table if c.tag == w("tr")].index(row) + 1
        cell_number = [c for c in row if c.tag == w("tc")].index(cell) + 1
        in_cell = [p for p in cell.iter(w("p")) if _ancestor(p, w("tc")) is cell]
        where = f"{prefix}table {tables.index(table) + 1}, row {row_number}, cell {cell_number}"
        if len(in_cell) > 1:
            where += f", paragraph {in_cell.index(element) + 1}"
        result.append(Paragraph(element, where, texts, cell, row, table))
    return result


def iter_text_pieces(paragraph: Paragraph) -> Iterator[tuple[int, Any]]:
    """(offset in the paragraph text, w:t element) for each text element."""
    offset = 0
    for text in paragraph.texts:
        yield offset, text
        offset += len(text.text or "")
