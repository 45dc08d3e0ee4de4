"""Template folders built by the tests with python-docx: a clean letter, and
the same letter with one planted defect each (the classic failures of
docxtpl templates edited in Word, WPS or LibreOffice)."""

from __future__ import annotations

import io
import warnings
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import docx
from docx.document import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn

from helpers import REPO

CLEAN_BODY = (
    "{{ title }}",
    "{{ letter_no }}",
    "致：{{ debtor_name }}",
    "地址：{{ debtor_address }}",
    "{{ creditor_name }}（以下简称“{{ creditor_term }}”）现就欠款事宜致函{{ debtor_term }}。"
    "截至{{ issue_date }}，{{ debtor_term }}欠付金额如下：",
)
CLOSING = (
    "合计人民币{{ total_claim }}元（大写：{{ total_claim_in_words }}）。请于{{ deadline }}前付清。",
    "{%p if has_payee %}",
    "收款账号：{{ payee_account }}",
    "{%p endif %}",
    "{{ creditor_name }}",
    "{{ issue_date }}",
)


def set_east_asian_font(document: Document, font: str | None = "宋体") -> None:
    """docDefaults with an explicit East-Asian font (None: python-docx's theme default)."""
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    fonts = rpr.find(qn("w:rFonts"))
    if font is None:
        return
    for name in ("w:eastAsiaTheme",):
        fonts.attrib.pop(qn(name), None)
    fonts.set(qn("w:eastAsia"), font)
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "zh-CN")


def amount_table(document: Document, opener: str = "{%tr for item in items %}",
                 closer: str = "{%tr endfor %}") -> None:  # fmt: skip
    table = document.add_table(rows=4, cols=3)
    for cell, text in zip(table.rows[0].cells, ("项目", "应付日期", "欠付金额（元）"), strict=True):
        cell.text = text
    table.cell(1, 0).text = opener
    for cell, text in zip(
        table.rows[2].cells,
        ("{{ item.item_name }}", "{{ item.due_date }}", "{{ item.outstanding }}"),
        strict=True,
    ):
        cell.text = text
    table.cell(3, 0).text = closer


def clean_letter() -> Document:
    document = docx.Document()
    set_east_asian_font(document)
    for text in CLEAN_BODY:
        document.add_paragraph(text)
    amount_table(document)
    for text in CLOSING:
        document.add_paragraph(text)
    return document


def docx_bytes(document: Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def write_template(
    folder: Path, data: bytes, kind: str = "goods-payment", template_id: str = "corpus"
) -> Path:
    """A user template folder: the built-in ``kind``'s fields, this DOCX, no HTML."""
    folder.mkdir(parents=True, exist_ok=True)
    toml = (REPO / "templates" / kind / "template.toml").read_text(encoding="utf-8")
    toml = toml.replace(f'id = "{kind}"', f'id = "{template_id}"\nderives_from = "{kind}"')
    (folder / "template.toml").write_text(toml, encoding="utf-8")
    (folder / "template.docx").write_bytes(data)
    return folder


def paragraph_with(document: Document, text: str) -> None:
    """Replace the paragraph "致：{{ debtor_name }}" by ``text``."""
    paragraph = next(p for p in document.paragraphs if p.text.startswith("致："))
    for run in paragraph.runs[1:]:
        run._r.getparent().remove(run._r)
    paragraph.runs[0].text = text


def add_paragraph_before_closing(document: Document, text: str) -> None:
    anchor = next(p for p in document.paragraphs if p.text.startswith("合计"))
    anchor.insert_paragraph_before(text)


# ---------------------------------------------------------------- defects


def split_runs(document: Document) -> None:
    """Word splits a tag after a spelling check: three runs, the middle one bold,
    with proofing marks between them."""
    paragraph = next(p for p in document.paragraphs if p.text.startswith("致："))
    paragraph.runs[0].text = "致："
    for piece, bold in (("{{ debt", False), ("or_na", True), ("me }}", False)):
        run = paragraph.add_run(piece)
        run.bold = bold
    proof = OxmlElement("w:proofErr")
    proof.set(qn("w:type"), "spellStart")
    paragraph.runs[2]._r.addprevious(proof)


def across_paragraphs(document: Document) -> None:
    paragraph_with(document, "致：{{ debtor")
    anchor = next(p for p in document.paragraphs if p.text.startswith("地址"))
    anchor.insert_paragraph_before("_name }}")


def table_without_tr(document: Document) -> None:
    table = document.tables[0]
    table.cell(1, 0).paragraphs[0].runs[0].text = "{% for item in items %}"
    table.cell(3, 0).paragraphs[0].runs[0].text = "{% endfor %}"


def tr_with_space(document: Document) -> None:
    table = document.tables[0]
    table.cell(1, 0).paragraphs[0].runs[0].text = "{% tr for item in items %}"
    table.cell(3, 0).paragraphs[0].runs[0].text = "{% tr endfor %}"


def p_tag_with_text(document: Document) -> None:
    paragraphs = [
        p for p in document.paragraphs if p.text in ("{%p if has_payee %}", "{%p endif %}")
    ]
    for paragraph in paragraphs:
        paragraph._p.getparent().remove(paragraph._p)
    line = next(p for p in document.paragraphs if p.text.startswith("收款账号"))
    line.runs[0].text = "{%p if has_payee %}收款账号：{{ payee_account }}{%p endif %}"


def tr_outside_table(document: Document) -> None:
    for text in ("{%tr if has_payee %}", "请尽快付款。", "{%tr endif %}"):
        add_paragraph_before_closing(document, text)


def no_east_asian_font(document: Document) -> None:
    """What python-docx's and Word's English defaults carry: a theme font with no
    Chinese face and the East-Asian language en-US."""
    rpr = (
        document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    )
    fonts = rpr.find(qn("w:rFonts"))
    fonts.attrib.pop(qn("w:eastAsia"), None)
    fonts.set(qn("w:eastAsiaTheme"), "minorEastAsia")
    rpr.find(qn("w:lang")).set(qn("w:eastAsia"), "en-US")


def japanese_font(document: Document) -> None:
    rpr = document.styles["Normal"].element.get_or_add_rPr()
    fonts = OxmlElement("w:rFonts")
    fonts.set(qn("w:eastAsia"), "ＭＳ 明朝")
    rpr.insert(0, fonts)


LIBREOFFICE_CORE_TYPE = (
    "http://schemas.openxmlformats.org/officedocument/2006/relationships/metadata/core-properties"
)


def libreoffice_core_properties(data: bytes) -> bytes:
    """The package relationship some LibreOffice versions write for docProps/core.xml."""
    return rewrite_zip(
        data,
        {
            "_rels/.rels": lambda xml: xml.replace(
                b"http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                LIBREOFFICE_CORE_TYPE.encode(),
            )
        },
    )


def duplicate_core_part(data: bytes) -> bytes:
    """A file saved by LibreOffice and then by python-docx: docProps/core.xml twice."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with warnings.catch_warnings(), zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        warnings.simplefilter("ignore", UserWarning)  # the duplicate is the point
        for info in source.infolist():
            target.writestr(info, source.read(info))
        target.writestr("docProps/core.xml", source.read("docProps/core.xml"))
    return output.getvalue()


def rewrite_zip(data: bytes, changes: dict[str, Callable[[bytes], bytes]]) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info)
            if info.filename in changes:
                content = changes[info.filename](content)
            target.writestr(info, content)
    return output.getvalue()


@dataclass(frozen=True)
class Defect:
    name: str
    code: str  # the one rule check must report
    fixable: bool
    edit: Callable[[Document], None] | None = None
    package: Callable[[bytes], bytes] | None = None
    kind: str = "goods-payment"
    count: int = 1  # how many findings of that rule


def _text(text: str) -> Callable[[Document], None]:
    return lambda document: paragraph_with(document, text)


def _extra(text: str) -> Callable[[Document], None]:
    return lambda document: add_paragraph_before_closing(document, text)


DEFECTS = (
    Defect("split across runs", "split-tag", True, split_runs),
    Defect("full-width braces", "fullwidth-in-tag", True, _text("致：｛｛ debtor_name ｝｝")),
    Defect("full-width parentheses", "fullwidth-in-tag", True,
           _extra("{% if has_payee and（deadline_days > 5）%}请尽快付款。{% endif %}")),
    Defect("Chinese quotes", "fullwidth-in-tag", True,
           _text("致：{{ debtor_name }}{{ “（法定代表人）” if not debtor_is_person else “” }}")),
    Defect("Chinese label as variable", "chinese-variable-name", True, _text("致：{{ 债务人名称 }}")),
    Defect("misspelt variable", "unknown-variable", False, _text("致：{{ debtor_nmae }}")),
    Defect("misspelt attribute", "unknown-variable", False,
           lambda d: setattr(d.tables[0].cell(2, 2).paragraphs[0].runs[0], "text", "{{ item.outstandng }}")),
    Defect("unknown filter", "unknown-filter", False, _text("致：{{ debtor_name | money }}")),
    Defect("|safe", "unsafe-filter", False, _text("致：{{ debtor_name | safe }}")),
    Defect("unclosed if", "jinja-syntax", False, _extra("{% if has_late_fee %}另计违约金{{ total_late_fee }}元。")),
    Defect("tag across paragraphs", "tag-across-paragraphs", False, across_paragraphs),
    Defect("table loop without tr", "table-loop", True, table_without_tr),
    Defect("{% tr with a space", "prefix-space", True, tr_with_space, count=2),
    Defect("{%p sharing its paragraph", "tag-not-alone", False, p_tag_with_text, count=2),
    Defect("{%tr outside a table", "tr-outside-table", False, tr_outside_table, count=2),
    Defect("docxtpl cannot read %", "docxtpl-syntax", False, None),
    Defect("no East-Asian font", "east-asian-font", True, no_east_asian_font),
    Defect("Japanese East-Asian font", "east-asian-font", True, japanese_font),
    Defect("LibreOffice core-properties link", "core-properties-type", True, package=libreoffice_core_properties),
    Defect("duplicate part", "duplicate-part", True, package=duplicate_core_part),
    Defect("threat to cut water and power", "utility-threat", False,
           _extra("逾期未缴的，本公司将采取停水停电措施。"), kind="property-fee"),
    Defect("滞纳金 in a property-fee letter", "late-fee-term", False,
           _extra("逾期缴纳的，按日加收千分之三滞纳金。"), kind="property-fee"),
    Defect("insult", "insult-or-threat", False, _extra("你这个老赖，赶紧还钱。")),
    Defect("threat", "insult-or-threat", False, _extra("否则后果自负。")),
    Defect("exaggerated consequence", "exaggerated-consequence", False,
           _extra("逾期不付的，你将被司法拘留。")),
)  # fmt: skip


def _docxtpl_percent(document: Document) -> None:
    # docxtpl's {%p regex stops at the first % of the expression (its issue #644),
    # so the paragraph tag is not recognised: Jinja alone would accept this.
    paragraph = next(p for p in document.paragraphs if p.text == "{%p if has_payee %}")
    paragraph.runs[0].text = "{%p if has_payee and deadline_days % 2 == 1 %}"


def build_defect(folder: Path, defect: Defect) -> Path:
    document = clean_letter()
    edit = _docxtpl_percent if defect.code == "docxtpl-syntax" else defect.edit
    if edit is not None:
        edit(document)
    data = docx_bytes(document)
    if defect.package is not None:
        data = defect.package(data)
    return write_template(folder, data, defect.kind)
