"""A small description language for letters, emitted as DOCX (docxtpl) and HTML.

Each built-in kind describes its letter once, as a list of blocks whose text
holds Jinja expressions; :mod:`templatekit.docx_out` and
:mod:`templatekit.html_out` turn the same list into ``template.docx`` and
``template.html``, so the Word and PDF versions of a letter say the same thing.

Inline markup inside block text: ``**bold**``; a ``\\n`` in literal text is a
line break inside the same paragraph or table cell. Jinja expressions and inline
``{% if %}`` tags may appear anywhere inside one block's text; block-level
conditions and loops use :class:`If` and :class:`For`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Title:
    text: str


@dataclass(frozen=True)
class Letterhead:
    """The sender's name centred above the title with its details below and a
    rule under them (a law firm's letterhead)."""

    name: str
    details: tuple[str, ...] = ()


@dataclass(frozen=True)
class Right:
    """A right-aligned line (letter number, signature lines)."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Line:
    """A line without first-line indent (addressee block, account details)."""

    text: str
    bold: bool = False


@dataclass(frozen=True)
class Para:
    """A body paragraph with a two-character first-line indent."""

    text: str


@dataclass(frozen=True)
class Heading:
    text: str


@dataclass(frozen=True)
class Column:
    header: str
    cell: str
    align: str = "left"  # left | center | right
    width_cm: float = 2.0


@dataclass(frozen=True)
class LoopTable:
    """A table with a header row, one row per element of ``loop`` and an optional total row."""

    loop: str  # e.g. "item in items"
    columns: tuple[Column, ...]
    total: tuple[str, ...] | None = None  # cell texts of the total row, one per column
    row_height_cm: float | None = None  # minimum height of each loop row (space to sign in)
    keep_together: bool = False  # never split the table across pages (short tables only)


@dataclass(frozen=True)
class KeyValueTable:
    """A two-column table of label → value rows (amount breakdowns, receipt slips)."""

    rows: tuple[tuple[str, str], ...]
    label_width_cm: float = 3.5
    value_width_cm: float = 11.5
    tall_rows: tuple[int, ...] = ()  # row indexes that need writing space
    bold_last: bool = False


@dataclass(frozen=True)
class Signature:
    """The issuer's name, a seal/signature area and the date, right-aligned."""

    lines: tuple[str, ...]


@dataclass(frozen=True)
class KeepTogether:
    """Blocks that must stay on one page (the closing line and the signature)."""

    body: tuple[Block, ...]


@dataclass(frozen=True)
class Spacer:
    pass


@dataclass(frozen=True)
class PageBreak:
    pass


@dataclass(frozen=True)
class Small:
    """Small print (notes under the receipt slip)."""

    text: str


@dataclass(frozen=True)
class If:
    condition: str
    body: tuple[Block, ...]


@dataclass(frozen=True)
class For:
    loop: str
    body: tuple[Block, ...]


Block = (
    Title
    | Letterhead
    | Right
    | Line
    | Para
    | Heading
    | LoopTable
    | KeyValueTable
    | Signature
    | KeepTogether
    | Spacer
    | PageBreak
    | Small
    | If
    | For
)


@dataclass(frozen=True)
class Letter:
    id: str
    body: tuple[Block, ...]
    footer: str = "函号：{{ letter_no }}　验证码：{{ verification_code }}"
    fonts: dict[str, str] = field(default_factory=dict)


_BOLD = re.compile(r"\*\*(.+?)\*\*", re.S)


def segments(text: str) -> list[tuple[str, bool]]:
    """Split ``**bold**`` markup into (text, bold) runs.

    >>> segments("应付**{{ total }}**元")
    [('应付', False), ('{{ total }}', True), ('元', False)]
    """
    result: list[tuple[str, bool]] = []
    position = 0
    for match in _BOLD.finditer(text):
        if match.start() > position:
            result.append((text[position : match.start()], False))
        result.append((match.group(1), True))
        position = match.end()
    if position < len(text):
        result.append((text[position:], False))
    return result
