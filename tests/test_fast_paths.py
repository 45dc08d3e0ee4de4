"""Speed never changes output: the compiled DOCX template against plain docxtpl,
PDFs with the prepared Core fonts against the system fonts, for every kind;
rare characters outside the prepared subset; the font cache."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from helpers import KINDS, docx_text, goods_case, pdf_text, sample_cases, template
from letters.calendar import ChineseCalendar
from letters.render.context import build_letter_data
from letters.render.docx import DocxRenderer, PlainDocxRenderer
from letters.render.fonts import (
    FACES,
    core_codepoints,
    font_status,
    harfbuzz_subsetter,
    prepare_fonts,
)
from letters.render.pdf import PdfRenderer
from letters.render.zipwriter import ZipEntry, zip_bytes

CALENDAR = ChineseCalendar()


def contexts(kind: str) -> list[dict[str, Any]]:
    spec = template(kind)
    return [
        build_letter_data(
            case, spec, letter_no=spec.format_letter_no(2026, n + 1), calendar=CALENDAR
        ).context
        for n, case in enumerate(sample_cases(kind))
    ]


RendererPair = Callable[[str], tuple[PdfRenderer, PdfRenderer]]


@pytest.fixture(scope="module")
def pdf_renderers() -> Iterator[RendererPair]:
    """The fast and the reference PDF renderer of a kind, made once, closed at the end
    (a test process may end without collecting them, leaving their font folders)."""
    made: dict[str, tuple[PdfRenderer, PdfRenderer]] = {}

    def pair(kind: str) -> tuple[PdfRenderer, PdfRenderer]:
        if kind not in made:
            spec = template(kind)
            made[kind] = (PdfRenderer(spec), PdfRenderer(spec, fonts=()))
        return made[kind]

    yield pair
    for renderers in made.values():
        for renderer in renderers:
            renderer.close()


def font_names(pdf: bytes) -> dict[str, Any]:
    """Embedded fonts by name (without the subset tag)."""
    fonts = {}
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            fonts[str(font["/BaseFont"]).split("+")[-1]] = font
    return fonts


def mapped_text(font: Any) -> str:
    """The characters a PDF font's ToUnicode map names (those drawn with it)."""
    data = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    pairs = "".join(re.findall(r"beginbfchar(.*?)endbfchar", data, re.DOTALL))
    return "".join(
        bytes.fromhex(code).decode("utf-16-be")
        for code in re.findall(r"<[0-9a-f]{4}> <([0-9a-f]+)>", pairs)
    )


# ------------------------------------------------------------------ DOCX


@pytest.mark.parametrize("kind", KINDS)
def test_compiled_docx_is_byte_identical_to_plain_docxtpl(kind: str) -> None:
    spec = template(kind)
    compiled, plain = DocxRenderer(spec), PlainDocxRenderer(spec)
    assert compiled.compiled is not None  # the fast path is taken
    for context in contexts(kind):
        assert compiled.render(context) == plain.render(context)


def test_compiled_docx_escapes_and_breaks_lines_as_docxtpl() -> None:
    spec = template("goods-payment")
    name = 'A&B<华信>"电子"\n第二行\t制表'
    context = build_letter_data(
        goods_case(debtor_name=name), spec, letter_no="X", calendar=CALENDAR
    ).context
    fast = DocxRenderer(spec).render(context)
    assert fast == PlainDocxRenderer(spec).render(context)
    assert "A&B<华信>" in docx_text(fast)


def test_one_compiled_template_renders_many_letters_independently() -> None:
    spec = template("overdue-notice")
    renderer = DocxRenderer(spec)
    first, second = contexts("overdue-notice")[:2]
    alone = DocxRenderer(spec).render(second)
    renderer.render(first)
    assert renderer.render(second) == alone


def test_zip_layout_is_zipfiles() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in (("word/document.xml", b"<a/>" * 50), ("媒体/图.xml", b"x")):
            info = zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0))
            info.compress_type, info.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            archive.writestr(info, data)
    entries = [
        ZipEntry.deflate("word/document.xml", b"<a/>" * 50),
        ZipEntry.deflate("媒体/图.xml", b"x"),
    ]
    assert zip_bytes(entries) == buffer.getvalue()


# ------------------------------------------------------------------ PDF


@pytest.mark.parametrize("kind", KINDS)
def test_fast_pdf_has_the_text_and_pages_of_the_reference(
    kind: str, pdf_renderers: RendererPair
) -> None:
    fast, reference = pdf_renderers(kind)
    context = contexts(kind)[0]
    fast_pdf, reference_pdf = fast.render(context), reference.render(context)
    assert pdf_text(fast_pdf) == pdf_text(reference_pdf)
    assert len(PdfReader(io.BytesIO(fast_pdf)).pages) == len(
        PdfReader(io.BytesIO(reference_pdf)).pages
    )
    names = set(font_names(fast_pdf))
    assert names == {
        "Noto-Serif-CJK-SC-Core",
        "Noto-Serif-CJK-SC-Core-Bold",
        "Noto-Sans-CJK-SC-Core-Bold",
    }


@pytest.mark.parametrize("name", ["刘䶮", "𠈌氏贸易有限公司"])
def test_character_outside_the_subset_comes_from_the_full_font_alone(
    name: str, pdf_renderers: RendererPair
) -> None:
    """䶮 (Ext-A) and 𠈌 (Ext-B) are not in GB2312: the full Noto font draws
    those glyphs only; the rest of the letter stays in the prepared subset."""
    spec = template("goods-payment")
    fast, _ = pdf_renderers("goods-payment")
    context = build_letter_data(
        goods_case(debtor_name=name), spec, letter_no="X", calendar=CALENDAR
    ).context
    pdf = fast.render(context)
    assert name in pdf_text(pdf)
    fonts = font_names(pdf)
    rare = {c for c in name if ord(c) not in core_codepoints()}
    fallback = "".join(mapped_text(f) for n, f in fonts.items() if "Core" not in n)
    assert rare
    assert set(fallback) == rare
    assert len(mapped_text(fonts["Noto-Serif-CJK-SC-Core"])) > 100


def test_every_character_of_the_built_in_templates_is_in_the_subset(tmp_path: Path) -> None:
    core = core_codepoints()
    for kind in KINDS:
        spec = template(kind)
        html = spec.html_path.read_text(encoding="utf-8")
        document = zipfile.ZipFile(spec.docx_path).read("word/document.xml").decode()
        missing = {c for c in html + document if ord(c) >= 0x80 and ord(c) not in core}
        assert not missing, (kind, missing)


# ------------------------------------------------------------------ the cache


def test_fonts_are_prepared_once_and_deterministically(tmp_path: Path) -> None:
    if harfbuzz_subsetter() is None:
        pytest.skip("libharfbuzz-subset is not installed")
    first = prepare_fonts(tmp_path / "a")
    assert [f.face for f in first] == list(FACES)
    stamps = {f.path: f.path.stat().st_mtime_ns for f in first}
    again = prepare_fonts(tmp_path / "a")
    assert {f.path: f.path.stat().st_mtime_ns for f in again} == stamps  # not rewritten
    other = prepare_fonts(tmp_path / "b")
    assert [f.path.read_bytes() for f in other] == [f.path.read_bytes() for f in first]
    assert {s.state for s in font_status(tmp_path / "a")} == {"ready"}
    assert {s.state for s in font_status(tmp_path / "c")} == {"missing"}
    for font in first:
        assert font.path.stat().st_size < 6_000_000  # a few MB, not the 20-26 MB collection
