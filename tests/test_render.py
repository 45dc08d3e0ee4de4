"""Every letter kind rendered to DOCX and PDF from the bundled samples and read back:
python-docx for the Word file; text extraction, embedded fonts and glyphs for the PDF;
and the two formats compared for the same content."""

from __future__ import annotations

import io
import re
from datetime import date
from decimal import Decimal
from functools import cache
from typing import Any

import pytest
from pypdf import PdfReader

from helpers import KINDS, docx_text, goods_case, pdf_text, sample_cases, squash, template
from letters.calendar import ChineseCalendar
from letters.errors import RenderError
from letters.model import Case
from letters.render.context import LetterData, build_letter_data
from letters.render.docx import DocxRenderer
from letters.render.pdf import PdfRenderer

CALENDAR = ChineseCalendar()


@cache
def rendered(kind: str, index: int = 0) -> tuple[Case, LetterData, bytes, bytes]:
    spec = template(kind)
    case = sample_cases(kind)[index]
    data = build_letter_data(
        case, spec, letter_no=spec.format_letter_no(2026, 7), calendar=CALENDAR
    )
    return (
        case,
        data,
        DocxRenderer(spec).render(data.context),
        PdfRenderer(spec).render(data.context),
    )


def key_values(kind: str, data: LetterData) -> list[str]:
    """What every letter must show (domain.md), as printed."""
    context = data.context
    values = [
        template(kind).title,
        context["letter_no"],
        context["debtor_name"],
        context["debtor_address"],
        context["total_claim"],
        context["total_claim_in_words"],
        context["deadline"],
        context["issue_date"],
        context["verification_code"],
        "送达回执",
        "签收日期",
        "收发部门",
    ]
    if context["has_payee"]:
        values += [context["payee_account"], context["payee_bank"]]
    for item in context.get("items", []):
        values += [item["outstanding"]]
    for guarantor in context["guarantors"]:
        values += [guarantor["guarantor_name"]]
    return values


@pytest.mark.parametrize("kind", KINDS)
def test_samples_have_at_least_five_cases(kind: str) -> None:
    assert len(sample_cases(kind)) >= 5


@pytest.mark.parametrize("kind", KINDS)
def test_docx_contains_the_letter(kind: str) -> None:
    _, data, docx_bytes, _ = rendered(kind)
    text = squash(docx_text(docx_bytes))
    missing = [v for v in key_values(kind, data) if squash(str(v)) not in text]
    assert missing == []
    assert "{{" not in text
    assert "{%" not in text


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_contains_the_letter(kind: str) -> None:
    _, data, _, pdf_bytes = rendered(kind)
    text = squash(pdf_text(pdf_bytes))
    missing = [v for v in key_values(kind, data) if squash(str(v)) not in text]
    assert missing == []


def _fonts(pdf_bytes: bytes) -> list[Any]:
    fonts = []
    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.append(font.get_object())
    return fonts


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_embeds_its_cjk_fonts(kind: str) -> None:
    fonts = _fonts(rendered(kind)[3])
    assert fonts
    for font in fonts:
        descendant = (
            font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
        )
        descriptor = descendant["/FontDescriptor"].get_object()
        assert {"/FontFile", "/FontFile2", "/FontFile3"} & set(descriptor.keys()), font["/BaseFont"]
    names = {str(f["/BaseFont"]).split("+")[-1] for f in fonts}
    system = {"Noto-Serif-CJK-SC", "Noto-Serif-CJK-SC-Bold", "Noto-Sans-CJK-SC-Bold"}
    prepared = {name.replace("-CJK-SC", "-CJK-SC-Core") for name in system}
    assert names <= system | prepared, names
    assert names & prepared, "the prepared (Core) fonts are not used"


def shown_glyph_ids(pdf_bytes: bytes) -> set[int]:
    """Glyph ids shown by text operators (2-byte CIDs with Identity-H)."""
    glyphs: set[int] = set()
    for page in PdfReader(io.BytesIO(pdf_bytes)).pages:
        for match in re.finditer(rb"<([0-9a-fA-F]+)>", page.get_contents().get_data()):
            hex_text = match.group(1)
            glyphs.update(int(hex_text[i : i + 4], 16) for i in range(0, len(hex_text) - 3, 4))
    return glyphs


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_has_no_missing_glyphs(kind: str) -> None:
    glyphs = shown_glyph_ids(rendered(kind)[3])
    assert glyphs
    # Pango draws a character no font covers as 0xFFFF; 0 is .notdef.
    assert not {0, 0xFFFF} & glyphs


@pytest.mark.parametrize("kind", KINDS)
def test_pdf_is_a4_with_page_numbers(kind: str) -> None:
    reader = PdfReader(io.BytesIO(rendered(kind)[3]))
    count = len(reader.pages)
    for number, page in enumerate(reader.pages, start=1):
        width, height = float(page.mediabox.width), float(page.mediabox.height)
        assert (round(width), round(height)) == (595, 842)  # A4 in points
        assert f"第{number}页共{count}页" in squash(page.extract_text())


_FOOTER = re.compile(r"函号：.*?验证码：[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}第\d+页共\d+页")


@pytest.mark.parametrize("kind", KINDS)
def test_docx_and_pdf_say_the_same_thing(kind: str) -> None:
    """Every body paragraph of the Word letter appears, in order, in the PDF text."""
    import docx

    _, _, docx_bytes, pdf_bytes = rendered(kind)
    pdf_flat = _FOOTER.sub("", squash(pdf_text(pdf_bytes)))
    position = 0
    paragraphs = [squash(p.text) for p in docx.Document(io.BytesIO(docx_bytes)).paragraphs]
    checked = 0
    for paragraph in paragraphs:
        if not paragraph:
            continue
        found = pdf_flat.find(paragraph, position)
        assert found >= 0, f"not in the PDF (or out of order): {paragraph}"
        position = found + len(paragraph)
        checked += 1
    assert checked >= 10


@pytest.mark.parametrize("kind", KINDS)
def test_rendering_is_deterministic(kind: str) -> None:
    spec = template(kind)
    _, data, docx_bytes, pdf_bytes = rendered(kind)
    assert DocxRenderer(spec).render(data.context) == docx_bytes
    assert PdfRenderer(spec).render(data.context) == pdf_bytes


def test_overdue_notice_has_a_receipt_for_every_guarantor() -> None:
    cases = sample_cases("overdue-notice")
    index = next(i for i, c in enumerate(cases) if len(c.guarantors) >= 2)
    case, _data, docx_bytes, pdf_bytes = rendered("overdue-notice", index)
    for text in (pdf_text(pdf_bytes), docx_text(docx_bytes)):
        assert squash(text).count("签收人姓名") == 1 + len(case.guarantors)  # one slip each
        for guarantor in case.guarantors:
            assert f"{guarantor['guarantor_name']}（保证人）" in squash(text)


@pytest.mark.parametrize(
    "word", ["停水", "停电", "断水", "断电", "停暖", "停气", "断气", "限制出入", "滞纳金"]
)
def test_property_fee_letter_does_not_threaten_utilities(word: str) -> None:
    """民法典 Art. 944: a property company must not cut utilities to collect fees,
    and may claim a 违约金, not a 滞纳金."""
    spec = template("property-fee")
    for name in ("template.html",):
        assert word not in (spec.directory / name).read_text(encoding="utf-8")
    for index in range(len(sample_cases("property-fee"))):
        _, _, docx_bytes, pdf_bytes = rendered("property-fee", index)
        assert word not in docx_text(docx_bytes)
        assert word not in pdf_text(pdf_bytes)


def test_values_are_escaped_in_both_formats() -> None:
    spec = template("goods-payment")
    name = 'A&B<华信>"电子"有限公司'
    data = build_letter_data(goods_case(debtor_name=name), spec, letter_no="X", calendar=CALENDAR)
    assert name in docx_text(DocxRenderer(spec).render(data.context))
    assert name in pdf_text(PdfRenderer(spec).render(data.context))


def test_missing_variable_is_an_error_not_a_blank() -> None:
    spec = template("goods-payment")
    data = build_letter_data(goods_case(), spec, letter_no="X", calendar=CALENDAR)
    context = dict(data.context)
    del context["deadline"]
    with pytest.raises(
        RenderError, match="uses a variable that does not exist: 'deadline' is undefined"
    ):
        DocxRenderer(spec).render(context)
    with pytest.raises(
        RenderError, match="uses a variable that does not exist: 'deadline' is undefined"
    ):
        PdfRenderer(spec).render(context)


def test_character_in_no_font_fails_loudly() -> None:
    spec = template("goods-payment")
    data = build_letter_data(
        goods_case(debtor_name="张\U00030000有限公司"), spec, letter_no="X", calendar=CALENDAR
    )
    with pytest.raises(RenderError, match=r"no installed font has.*U\+30000"):
        PdfRenderer(spec).render(data.context)


def test_rare_character_in_a_fallback_font_renders() -> None:
    """𠈌 (U+2020C, CJK Extension B) is not in the SC font; another installed font covers it."""
    spec = template("goods-payment")
    name = "𠈌氏贸易有限公司"
    data = build_letter_data(goods_case(debtor_name=name), spec, letter_no="X", calendar=CALENDAR)
    pdf_bytes = PdfRenderer(spec).render(data.context)
    assert name in pdf_text(pdf_bytes)
    assert 0xFFFF not in shown_glyph_ids(pdf_bytes)


def test_goods_payment_late_fee_table() -> None:
    spec = template("goods-payment")
    from letters.rates import Rate

    data = build_letter_data(
        goods_case(late_fee_rate=Rate(Decimal("0.0005"), "day"), issue_date=date(2026, 9, 24)),
        spec,
        letter_no="X",
        calendar=CALENDAR,
    )
    text = squash(pdf_text(PdfRenderer(spec).render(data.context)))
    assert squash("107,000.53元 × 日万分之五 × 86日 = 4,601.02元") in text
    assert "合计人民币121,876.55元（大写：人民币壹拾贰万壹仟捌佰柒拾陆元伍角伍分）" in text
