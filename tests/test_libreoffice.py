"""The Word letters open in LibreOffice: headless DOCX→PDF conversion of every kind,
the text survives, and Chinese is set in an installed CJK font (the fontconfig
aliases map 宋体/黑体/仿宋 to them)."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import pytest
from pypdf import PdfReader

from helpers import KINDS, pdf_text, sample_cases, squash, template
from letters.calendar import ChineseCalendar
from letters.render.context import build_letter_data
from letters.render.docx import DocxRenderer

SOFFICE = shutil.which("soffice")


@pytest.fixture(scope="module")
def converted(
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, tuple[dict[str, object], Path]]:
    assert SOFFICE, "LibreOffice is installed by scripts/setup --dev (libreoffice-writer-nogui)"
    folder = tmp_path_factory.mktemp("lo")
    result: dict[str, tuple[dict[str, object], Path]] = {}
    for kind in KINDS:
        spec = template(kind)
        data = build_letter_data(
            sample_cases(kind)[0],
            spec,
            letter_no=spec.format_letter_no(2026, 1),
            calendar=ChineseCalendar(),
        )
        path = folder / f"{kind}.docx"
        path.write_bytes(DocxRenderer(spec).render(data.context))
        result[kind] = (data.context, path)
    profile = folder / "profile"
    subprocess.run(
        [
            SOFFICE,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            *(str(p) for _, p in result.values()),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return {kind: (context, path.with_suffix(".pdf")) for kind, (context, path) in result.items()}


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_converts_every_kind(converted, kind: str) -> None:  # type: ignore[no-untyped-def]
    context, pdf_path = converted[kind]
    assert pdf_path.is_file()
    text = squash(pdf_text(pdf_path.read_bytes()))
    for value in (
        context["letter_no"],
        context["debtor_name"],
        context["total_claim"],
        context["total_claim_in_words"],
        context["deadline"],
        "送达回执",
    ):
        assert squash(str(value)) in text, value


@pytest.mark.parametrize("kind", KINDS)
def test_libreoffice_uses_cjk_fonts(converted, kind: str) -> None:  # type: ignore[no-untyped-def]
    _, pdf_path = converted[kind]
    names = set()
    for page in PdfReader(io.BytesIO(pdf_path.read_bytes())).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    cjk = {n for n in names if "CJK" in n or "AR" in n or "UKai" in n or "UMing" in n}
    assert cjk, names
    # 宋体 → Noto Serif CJK SC and 黑体 → Noto Sans CJK SC through the aliases.
    assert any("NotoSerifCJK" in n.replace("-", "").replace(" ", "") for n in names), names
