"""Emit a letter description as a docxtpl ``template.docx`` with python-docx.

Fonts: every style names an East-Asian font explicitly (``w:eastAsia``), so
Word shows 宋体 / 黑体 / 仿宋 and LibreOffice substitutes the installed CJK
font of the same style (see ``src/letters/data/fonts.conf``). Each text run
is written whole, so Jinja tags are never split across runs.
"""

from __future__ import annotations

import io
from pathlib import Path

from docx import Document
from docx.enum.section import WD_SECTION_START
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from letters.render.docx import deterministic_zip
from templatekit.blocks import (
    Block,
    For,
    Heading,
    If,
    KeepTogether,
    KeyValueTable,
    Letter,
    Letterhead,
    Line,
    LoopTable,
    PageBreak,
    Para,
    Right,
    Signature,
    Small,
    Spacer,
    Title,
    segments,
)

BODY_FONT = "宋体"
TITLE_FONT = "黑体"
SLIP_FONT = "仿宋"
LATIN_FONT = "Times New Roman"
BODY_SIZE = Pt(12)  # 小四
TITLE_SIZE = Pt(18)  # 小二
SMALL_SIZE = Pt(10.5)  # 五号
TABLE_SIZE = Pt(10)
TABLE_CELL_MARGIN = 57  # twips (0.1 cm) left and right; Word's default is 0.19 cm
LETTERHEAD_SIZE = Pt(16)  # 三号

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
}


def _set_fonts(rpr: OxmlElement, east_asia: str) -> None:
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        if fonts.get(qn(theme)) is not None:
            del fonts.attrib[qn(theme)]
    fonts.set(qn("w:ascii"), LATIN_FONT)
    fonts.set(qn("w:hAnsi"), LATIN_FONT)
    fonts.set(qn("w:eastAsia"), east_asia)
    fonts.set(qn("w:cs"), LATIN_FONT)
    fonts.set(qn("w:hint"), "eastAsia")
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:val"), "en-US")
    lang.set(qn("w:eastAsia"), "zh-CN")


def _style(
    document, name: str, east_asia: str, size, *, bold: bool = False, base: str | None = None
):
    styles = document.styles
    if name in [s.name for s in styles]:
        style = styles[name]
    else:
        from docx.enum.style import WD_STYLE_TYPE

        style = styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = styles[base or "Normal"]
    style.font.name = LATIN_FONT
    style.font.size = size
    style.font.bold = bold
    _set_fonts(style.element.get_or_add_rPr(), east_asia)
    return style


def _setup(document, letter: Letter) -> None:
    # docDefaults: no theme fonts anywhere, Chinese language for East-Asian text.
    defaults = document.styles.element.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr_default, letter.fonts.get("body", BODY_FONT))
    normal = _style(document, "Normal", letter.fonts.get("body", BODY_FONT), BODY_SIZE)
    normal.paragraph_format.line_spacing_rule = WD_LINE_SPACING.ONE_POINT_FIVE
    normal.paragraph_format.space_after = Pt(0)
    normal.paragraph_format.space_before = Pt(0)
    # Chinese typesetting: no widow control gaps, punctuation compression as Word does.
    _style(document, "Letter Title", letter.fonts.get("title", TITLE_FONT), TITLE_SIZE, bold=True)
    _style(document, "Letter Heading", letter.fonts.get("title", TITLE_FONT), BODY_SIZE, bold=True)
    _style(
        document, "Letter Head", letter.fonts.get("title", TITLE_FONT), LETTERHEAD_SIZE, bold=True
    )
    _style(document, "Letter Small", letter.fonts.get("slip", SLIP_FONT), SMALL_SIZE)
    # Amount tables in 10 pt (the PDF's tables are smaller than its body text
    # too), without the extra space Word and LibreOffice put between Chinese
    # and Latin characters, so "2026年10月15日" and "107,000.53" fit their columns.
    table_style = _style(document, "Letter Table", letter.fonts.get("body", BODY_FONT), TABLE_SIZE)
    _no_auto_space(table_style.element.get_or_add_pPr())
    _style(document, "Letter Slip", letter.fonts.get("slip", SLIP_FONT), BODY_SIZE)
    for sect in document.sections:
        sect.start_type = WD_SECTION_START.NEW_PAGE
        sect.page_width, sect.page_height = Cm(21.0), Cm(29.7)
        sect.top_margin, sect.bottom_margin = Cm(2.54), Cm(2.54)
        sect.left_margin, sect.right_margin = Cm(2.8), Cm(2.6)
        sect.footer_distance = Cm(1.5)


def _no_auto_space(ppr: OxmlElement) -> None:
    """No automatic space between East-Asian and Latin text or digits."""
    # Schema order inside w:pPr: … autoSpaceDE, autoSpaceDN, bidi, adjustRightInd,
    # snapToGrid, spacing, ind, … jc …
    later = {
        qn(f"w:{n}")
        for n in (
            "bidi",
            "adjustRightInd",
            "snapToGrid",
            "spacing",
            "ind",
            "contextualSpacing",
            "mirrorIndents",
            "suppressOverlap",
            "jc",
            "textDirection",
            "textAlignment",
            "textboxTightWrap",
            "outlineLvl",
            "divId",
            "cnfStyle",
            "rPr",
            "sectPr",
            "pPrChange",
        )
    }
    elements = [OxmlElement("w:autoSpaceDE"), OxmlElement("w:autoSpaceDN")]
    for element in elements:
        element.set(qn("w:val"), "0")
    anchor = next((child for child in ppr if child.tag in later), None)
    for element in elements:
        if anchor is not None:
            anchor.addprevious(element)
        else:
            ppr.append(element)


def _cell_margins(table, twips: int) -> None:
    tblpr = table._tbl.tblPr
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), str(twips))
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    look = tblpr.find(qn("w:tblLook"))
    if look is not None:
        look.addprevious(margins)
    else:
        tblpr.append(margins)


def _runs(paragraph, text: str, *, bold: bool = False) -> None:
    # python-docx writes a "\n" inside a run as <w:br/> (a line break).
    for chunk, is_bold in segments(text):
        run = paragraph.add_run(chunk)
        if bold or is_bold:
            run.bold = True


def _field(paragraph, instruction: str) -> None:
    """A Word field (PAGE, NUMPAGES) that Word and LibreOffice fill in."""
    simple = OxmlElement("w:fldSimple")
    simple.set(qn("w:instr"), instruction)
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    simple.append(run)
    paragraph._p.append(simple)


def _footer(document, letter: Letter) -> None:
    footer = document.sections[0].footer
    paragraph = footer.paragraphs[0]
    paragraph.style = document.styles["Letter Small"]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.add_run(letter.footer + "　第 ")
    _field(paragraph, "PAGE")
    paragraph.add_run(" 页 共 ")
    _field(paragraph, "NUMPAGES")
    paragraph.add_run(" 页")


def _bottom_rule(paragraph) -> None:
    """A double rule under ``paragraph`` (the line under a letterhead)."""
    ppr = paragraph._p.get_or_add_pPr()
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement("w:bottom")
    bottom.set(qn("w:val"), "thinThickSmallGap")
    bottom.set(qn("w:sz"), "12")
    bottom.set(qn("w:space"), "4")
    bottom.set(qn("w:color"), "000000")
    borders.append(bottom)
    ppr.append(borders)


def _tag_paragraph(container, tag: str) -> None:
    """A paragraph holding only a docxtpl ``{%p … %}`` tag (removed at render time)."""
    container.add_paragraph().add_run(tag)


def _cell_text(cell, text: str, align: str = "left", *, bold: bool = False, style=None) -> None:
    paragraph = cell.paragraphs[0]
    if style is not None:
        paragraph.style = style
    paragraph.alignment = _ALIGN[align]
    paragraph.paragraph_format.first_line_indent = Pt(0)
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    _runs(paragraph, text, bold=bold)


def _row_flags(row, *, header: bool = False) -> None:
    """Word: never split the row across pages; repeat a header row on each page."""
    trpr = row._tr.get_or_add_trPr()
    # Schema order inside w:trPr: … cantSplit, trHeight, tblHeader …
    height = trpr.find(qn("w:trHeight"))
    cant_split = OxmlElement("w:cantSplit")
    if height is not None:
        height.addprevious(cant_split)
    else:
        trpr.append(cant_split)
    if header:
        trpr.append(OxmlElement("w:tblHeader"))


def _table_borders(table) -> None:
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER


def _column_widths(table, widths_cm) -> None:
    """Fixed column widths: in the grid (LibreOffice reads w:gridCol and
    ignores cell widths) and on every cell (Word reads w:tcW)."""
    table.autofit = False
    for column, width in zip(table.columns, widths_cm, strict=True):
        column.width = Cm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths_cm, strict=True):
            cell.width = Cm(width)


def _loop_table(document, container, block: LoopTable) -> None:
    columns = block.columns
    table = container.add_table(rows=0, cols=len(columns))
    _table_borders(table)
    style = document.styles["Letter Table"]
    header = table.add_row()
    for cell, column in zip(header.cells, columns, strict=True):
        _cell_text(cell, column.header, "center", bold=True, style=style)
    table.add_row().cells[0].paragraphs[0].add_run(f"{{%tr for {block.loop} %}}")
    row = table.add_row()
    for cell, column in zip(row.cells, columns, strict=True):
        _cell_text(cell, column.cell, column.align, style=style)
    if block.row_height_cm:
        row.height = Cm(block.row_height_cm)
    if block.keep_together:
        for row_ in (header, row):
            for cell in row_.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
    table.add_row().cells[0].paragraphs[0].add_run("{%tr endfor %}")
    if block.total:
        total = table.add_row()
        for cell, text, column in zip(total.cells, block.total, columns, strict=True):
            _cell_text(
                cell,
                text,
                column.align if text and text[0] != "合" else "center",
                bold=True,
                style=style,
            )
    for number, row in enumerate(table.rows):
        _row_flags(row, header=number == 0)
    _column_widths(table, [column.width_cm for column in columns])
    _cell_margins(table, TABLE_CELL_MARGIN)
    container.add_paragraph()


def _key_value_table(document, container, block: KeyValueTable, slip: bool) -> None:
    table = container.add_table(rows=0, cols=2)
    _table_borders(table)
    style = document.styles["Letter Slip"] if slip else None
    for number, (label, value) in enumerate(block.rows):
        row = table.add_row()
        bold = block.bold_last and number == len(block.rows) - 1
        _cell_text(row.cells[0], label, "center", bold=True, style=style)
        _cell_text(row.cells[1], value, bold=bold, style=style)
        if number < len(block.rows) - 1:
            # A short table (amounts, receipt slip): keep it on one page.
            for cell in row.cells:
                cell.paragraphs[0].paragraph_format.keep_with_next = True
        if number in block.tall_rows:
            row.height = Cm(1.6)
        _row_flags(row)
    _column_widths(table, [block.label_width_cm, block.value_width_cm])
    container.add_paragraph()


def _emit(document, container, blocks: tuple[Block, ...], *, slip: bool = False) -> None:
    for block in blocks:
        match block:
            case Title(text):
                paragraph = container.add_paragraph(style=document.styles["Letter Title"])
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                paragraph.paragraph_format.space_after = Pt(12)
                _runs(paragraph, text)
                slip = slip or "回" in text
            case Letterhead(name, details):
                paragraph = container.add_paragraph(style=document.styles["Letter Head"])
                paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                _runs(paragraph, name)
                for text in details:
                    paragraph = container.add_paragraph(style=document.styles["Letter Small"])
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
                    _runs(paragraph, text)
                _bottom_rule(paragraph)
                paragraph.paragraph_format.space_after = Pt(12)
            case Right(text, bold):
                paragraph = container.add_paragraph()
                paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                _runs(paragraph, text, bold=bold)
            case Line(text, bold):
                _runs(container.add_paragraph(), text, bold=bold)
            case Para(text):
                paragraph = container.add_paragraph()
                paragraph.paragraph_format.first_line_indent = Pt(24)
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                _runs(paragraph, text)
            case Heading(text):
                paragraph = container.add_paragraph(style=document.styles["Letter Heading"])
                paragraph.paragraph_format.keep_with_next = True
                _runs(paragraph, text)
            case Small(text):
                paragraph = container.add_paragraph(style=document.styles["Letter Small"])
                paragraph.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
                _runs(paragraph, text)
            case Signature(lines):
                for number, text in enumerate(lines):
                    paragraph = container.add_paragraph()
                    paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
                    paragraph.paragraph_format.right_indent = Pt(24)
                    # The issuer, seal area and date stay on one page.
                    paragraph.paragraph_format.keep_with_next = number < len(lines) - 1
                    _runs(paragraph, text)
            case KeepTogether(body):
                parent = getattr(container, "_body", container)._element
                before = len(parent.findall(qn("w:p")))
                _emit(document, container, body, slip=slip)
                kept = parent.findall(qn("w:p"))[before:]
                for paragraph in kept[:-1]:
                    paragraph.get_or_add_pPr().get_or_add_keepNext()
            case Spacer():
                container.add_paragraph()
            case PageBreak():
                container.add_paragraph().add_run().add_break(WD_BREAK.PAGE)
            case LoopTable():
                _loop_table(document, container, block)
            case KeyValueTable():
                _key_value_table(document, container, block, slip)
            case If(condition, body):
                _tag_paragraph(container, f"{{%p if {condition} %}}")
                _emit(document, container, body, slip=slip)
                _tag_paragraph(container, "{%p endif %}")
            case For(loop, body):
                _tag_paragraph(container, f"{{%p for {loop} %}}")
                _emit(document, container, body, slip=slip)
                _tag_paragraph(container, "{%p endfor %}")
            case _:
                raise TypeError(f"unknown block {block!r}")


def build_docx(letter: Letter, title: str) -> bytes:
    document = Document()
    # An empty default document starts with one empty paragraph: drop it.
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    _setup(document, letter)
    _footer(document, letter)
    properties = document.core_properties
    properties.title = title
    properties.author = "letters"
    properties.last_modified_by = "letters"
    properties.comments = (
        "Generated by tools/build_templates.py; edit in Word; keep each Jinja tag whole."
    )
    from datetime import datetime

    properties.created = properties.modified = datetime(2026, 1, 1)
    properties.revision = 1
    _emit(document, document, letter.body)
    buffer = io.BytesIO()
    document.save(buffer)
    return deterministic_zip(buffer.getvalue())


def write_docx(letter: Letter, title: str, path: Path) -> None:
    path.write_bytes(build_docx(letter, title))
