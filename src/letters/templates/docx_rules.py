"""Checks that only a Word template needs, as pure functions over its parsed XML:
tags split across runs, loops that would corrupt a table, docxtpl tags that
share their paragraph, the East-Asian font, and package defects left by
LibreOffice.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from letters.templates.docx_package import Paragraph, iter_text_pieces, w
from letters.templates.findings import Finding, quoted
from letters.templates.tags import Tag, find_tags

FILE = "template.docx"
CORE_PROPERTIES = (
    "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties"
)
# What some LibreOffice versions write; python-docx does not recognise it and
# adds a second docProps/core.xml when it saves (python-docx PR #1436).
CORE_PROPERTIES_LIBREOFFICE = (
    "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)
_BLOCK_OPENERS = {"for": "endfor", "if": "endif"}
_BLOCK_MIDDLES = {"elif", "else"}


@dataclass(frozen=True)
class PlacedTag:
    tag: Tag
    paragraph: Paragraph


def placed_tags(paragraphs: Sequence[Paragraph]) -> list[PlacedTag]:
    return [PlacedTag(tag, p) for p in paragraphs for tag in find_tags(p.text)]


# ---------------------------------------------------------------- split tags


def tag_pieces(paragraph: Paragraph, tag: Tag) -> list[str]:
    """The pieces (one per w:t element) that ``tag`` is stored in."""
    pieces = []
    for offset, element in iter_text_pieces(paragraph):
        text = element.text or ""
        start, end = max(tag.start - offset, 0), min(tag.end - offset, len(text))
        if start < end:
            pieces.append(text[start:end])
    return pieces


def split_tags(paragraphs: Sequence[Paragraph]) -> list[Finding]:
    findings = []
    for placed in placed_tags(paragraphs):
        pieces = tag_pieces(placed.paragraph, placed.tag)
        if len(pieces) > 1:
            findings.append(
                Finding(
                    "split-tag",
                    FILE,
                    placed.paragraph.where,
                    f"Word stored the tag {quoted(placed.tag.text)} in {len(pieces)} pieces "
                    f"({' + '.join(quoted(p, 20) for p in pieces)}); it renders with the "
                    "formatting of its first piece",
                    "retype the tag in one go, or let --fix join the pieces",
                )
            )
    return findings


# ---------------------------------------------------------------- tables


def _container(paragraph: Paragraph, prefix: str | None) -> Any:
    """What a block tag repeats or removes: its row for {%tr, its cell for {%tc,
    otherwise its paragraph's cell (or the body)."""
    if prefix == "tr":
        return paragraph.row
    return paragraph.cell


def _only_content(paragraph: Paragraph, tag: Tag, scope: Any) -> bool:
    """True when ``tag`` is the only text in ``scope`` (row, cell or paragraph)."""
    if scope is None:
        return paragraph.text.strip() == tag.text.strip()
    text = "".join(t.text or "" for t in scope.iter(w("t")))
    return text.strip() == tag.text.strip()


def blocks(paragraphs: Sequence[Paragraph]) -> list[list[PlacedTag]]:
    """Each {% for %} / {% if %} block: its opening, middle (elif/else) and closing tags."""
    found: list[list[PlacedTag]] = []
    stack: list[list[PlacedTag]] = []
    for placed in placed_tags(paragraphs):
        keyword = placed.tag.keyword
        if keyword in _BLOCK_OPENERS:
            stack.append([placed])
        elif keyword in _BLOCK_MIDDLES and stack:
            stack[-1].append(placed)
        elif keyword in _BLOCK_OPENERS.values() and stack:
            found.append([*stack.pop(), placed])
    return found


def table_loops(paragraphs: Sequence[Paragraph]) -> list[Finding]:
    """Blocks that span table cells without {%tr/{%tc, and docxtpl tags that share
    their paragraph, cell or row with other content."""
    findings: list[Finding] = []
    for placed in placed_tags(paragraphs):
        tag, paragraph = placed.tag, placed.paragraph
        findings.extend(_alone(placed))
        if tag.prefix in {"tr", "tc"} and paragraph.cell is None:
            findings.append(
                Finding(
                    "tr-outside-table",
                    FILE,
                    paragraph.where,
                    f"{quoted(tag.text)} is not in a table: {{%{tag.prefix} repeats or removes "
                    "a table " + ("row" if tag.prefix == "tr" else "cell"),
                    "use {%p … %} for paragraphs, or move the tag into the table",
                )
            )
    for block in blocks(paragraphs):
        findings.extend(_block_in_table(block))
    return findings


def _alone(placed: PlacedTag) -> list[Finding]:
    tag, paragraph = placed.tag, placed.paragraph
    scope_name = {"p": "paragraph", "tr": "table row", "tc": "table cell"}.get(tag.prefix or "")
    if scope_name is None:
        return []
    scope = {"p": None, "tr": paragraph.row, "tc": paragraph.cell}[tag.prefix or ""]
    if tag.prefix != "p" and scope is None:
        return []  # reported as tr-outside-table
    if _only_content(paragraph, tag, scope):
        return []
    return [
        Finding(
            "tag-not-alone",
            FILE,
            paragraph.where,
            f"{quoted(tag.text)} shares its {scope_name} with other text "
            f"({quoted(paragraph.text if scope is None else ''.join(t.text or '' for t in scope.iter(w('t'))), 30)}): "
            f"docxtpl replaces the whole {scope_name} with the tag, and that text is lost",
            f"put the tag in a {scope_name} of its own",
        )
    ]


def needs_row_tags(block: list[PlacedTag]) -> bool:
    """A block whose tags sit in different table cells but are not all {%tr (rows)
    or all {%tc (cells of one row): docxtpl would cut rows apart."""
    if len({id(p.paragraph.cell) for p in block}) == 1:
        return False  # the whole block is inside one cell (or outside tables)
    if not any(p.paragraph.cell is not None for p in block):
        return False
    prefixes = {p.tag.prefix for p in block}
    tables = {id(p.paragraph.table) for p in block}
    if prefixes == {"tr"} and len(tables) == 1:
        return False
    return not (prefixes == {"tc"} and len({id(p.paragraph.row) for p in block}) == 1)


def row_tags_fixable(block: list[PlacedTag]) -> bool:
    """Safe to turn into {%tr: one table, each tag alone in a row of its own."""
    return (
        all(p.paragraph.table is not None for p in block)
        and len({id(p.paragraph.table) for p in block}) == 1
        and len({id(p.paragraph.row) for p in block}) == len(block)
        and all(_only_content(p.paragraph, p.tag, p.paragraph.row) for p in block)
    )


def _block_in_table(block: list[PlacedTag]) -> list[Finding]:
    if not needs_row_tags(block):
        return []
    opener = block[0]
    keyword = opener.tag.keyword or ""
    same_table = len({id(p.paragraph.table) for p in block}) == 1
    places = ", ".join(p.paragraph.where for p in block)
    return [
        Finding(
            "table-loop",
            FILE,
            opener.paragraph.where,
            f"the {keyword} block {quoted(opener.tag.text)} spans table cells ({places}) "
            "without {%tr: docxtpl would repeat or drop pieces of rows and corrupt the table",
            f"write {{%tr {keyword} … %}} and {{%tr end{keyword} %}}, each alone in its own row"
            if same_table
            else "a block must start and end in the same table",
            fixable=row_tags_fixable(block),
        )
    ]


# ---------------------------------------------------------------- fonts

# Fonts that set Chinese properly. Anything else — a Japanese font (MS Mincho is
# what Word's and python-docx's defaults fall back to) or a Western font — is
# reported.
CHINESE_FONT = re.compile(
    r"宋|黑体|仿宋|楷|隶书|幼圆|华文|方正|微软雅黑|等线|思源|新細明體|細明體|標楷體|"
    r"SimSun|NSimSun|SimHei|FangSong|KaiTi|Microsoft YaHei|Microsoft JhengHei|DengXian|"
    r"STSong|STHeiti|STKaiti|STFangsong|PingFang|Hiragino Sans GB|Noto (Serif|Sans) CJK (SC|TC|HK)|"
    r"Source Han|WenQuanYi|AR PL|PMingLiU|MingLiU|FZ",
    re.IGNORECASE,
)
DEFAULT_EAST_ASIAN_FONT = "宋体"


@dataclass(frozen=True)
class FontSetting:
    where: str  # "default font (docDefaults)", "style Normal"
    font: str | None  # None: nothing set


def _theme_font(theme: Any | None, which: str, language: str | None) -> str | None:
    """The East-Asian font of a theme font slot (minorEastAsia …) for a language."""
    if theme is None:
        return None
    slot = "majorFont" if which.startswith("major") else "minorFont"
    a = "http://schemas.openxmlformats.org/drawingml/2006/main"
    fonts = theme.find(f".//{{{a}}}{slot}")
    if fonts is None:
        return None
    ea = fonts.find(f"{{{a}}}ea")
    if ea is not None and ea.get("typeface"):
        return str(ea.get("typeface"))
    script = {"zh-CN": "Hans", "zh-SG": "Hans", "zh-TW": "Hant", "zh-HK": "Hant"}.get(
        language or ""
    )
    for font in fonts.findall(f"{{{a}}}font"):
        if script and font.get("script") == script:
            return str(font.get("typeface"))
    return None


def east_asian_font(rpr: Any | None, theme: Any | None, language: str | None) -> str | None:
    """The East-Asian font a run property set names (theme attribute first, as Word does)."""
    if rpr is None:
        return None
    fonts = rpr.find(w("rFonts"))
    if fonts is None:
        return None
    theme_slot = fonts.get(w("eastAsiaTheme"))
    if theme_slot:
        return _theme_font(theme, theme_slot, language)
    value = fonts.get(w("eastAsia"))
    return str(value) if value else None


def east_asian_language(defaults: Any | None) -> str | None:
    """The document's default East-Asian language (w:lang w:eastAsia), e.g. zh-CN."""
    lang = defaults.find(w("lang")) if defaults is not None else None
    return str(lang.get(w("eastAsia"))) if lang is not None and lang.get(w("eastAsia")) else None


def font_settings(styles: Any, theme: Any | None) -> list[FontSetting]:
    """The East-Asian font of the document default and of each style that sets one."""
    defaults = styles.find(f"{w('docDefaults')}/{w('rPrDefault')}/{w('rPr')}")
    language = east_asian_language(defaults)
    settings = [
        FontSetting("default font (docDefaults)", east_asian_font(defaults, theme, language))
    ]
    for style in styles.iter(w("style")):
        rpr = style.find(w("rPr"))
        fonts = rpr.find(w("rFonts")) if rpr is not None else None
        if fonts is None or not (fonts.get(w("eastAsia")) or fonts.get(w("eastAsiaTheme"))):
            continue  # inherits
        name = style.find(w("name"))
        label = name.get(w("val")) if name is not None else style.get(w("styleId"))
        settings.append(FontSetting(f"style {label}", east_asian_font(rpr, theme, language)))
    return settings


def fonts(styles: Any | None, theme: Any | None, runs: Sequence[Paragraph]) -> list[Finding]:
    if styles is None:
        return [
            Finding(
                "east-asian-font",
                FILE,
                "word/styles.xml",
                "the file has no styles, so no Chinese font is set",
                f"set the East Asian font of the Normal style to {DEFAULT_EAST_ASIAN_FONT} in Word",
                fixable=False,
            )
        ]
    findings = []
    for setting in font_settings(styles, theme):
        if setting.font is None and setting.where.startswith("default"):
            findings.append(
                Finding(
                    "east-asian-font",
                    FILE,
                    setting.where,
                    "no Chinese East-Asian font is set (w:eastAsia, or a theme font for zh-CN): "
                    "Word and LibreOffice pick one per computer, often a Japanese font such as "
                    "MS Mincho",
                    f"in Word: Format → Font → Asian text font: {DEFAULT_EAST_ASIAN_FONT} (for the Normal style)",
                )
            )
        elif setting.font is not None and not CHINESE_FONT.search(setting.font):
            findings.append(
                Finding(
                    "east-asian-font",
                    FILE,
                    setting.where,
                    f'the East-Asian font is "{setting.font}", which is not a Chinese font',
                    f"choose a Chinese font such as {DEFAULT_EAST_ASIAN_FONT}, 黑体 or 仿宋",
                )
            )
    for paragraph in runs:
        for run in paragraph.element.iter(w("r")):
            font = east_asian_font(run.find(w("rPr")), theme, None)
            if font is not None and not CHINESE_FONT.search(font):
                findings.append(
                    Finding(
                        "east-asian-font",
                        FILE,
                        paragraph.where,
                        f'text {quoted(paragraph.text, 20)} has the East-Asian font "{font}", '
                        "which is not a Chinese font",
                        f"choose a Chinese font such as {DEFAULT_EAST_ASIAN_FONT}",
                    )
                )
                break
    return findings


# ---------------------------------------------------------------- package


def package(
    names: Sequence[str], duplicates: Sequence[str], package_rels: Any | None
) -> list[Finding]:
    findings = [
        Finding(
            "duplicate-part",
            FILE,
            name,
            f"the file contains {name} {names.count(name)} times; Word reports such files as "
            "damaged, and every letter rendered from it would contain the duplicate too",
            "this happens after LibreOffice saves a file that python-docx then saved again",
        )
        for name in duplicates
    ]
    if package_rels is not None:
        for rel in package_rels:
            if rel.get("Type") == CORE_PROPERTIES_LIBREOFFICE:
                findings.append(
                    Finding(
                        "core-properties-type",
                        FILE,
                        "_rels/.rels",
                        "the document properties are linked with the relationship type some "
                        "LibreOffice versions write: each rendered letter would get a second "
                        "docProps/core.xml, which Word refuses",
                        "save the file once more in Word, or let --fix correct the link",
                    )
                )
    return findings
