"""``letters templates preview``: render one sample letter (DOCX, PDF and a PNG
of page 1) so an author sees the result of an edit without a case file.

The letter comes from the template's sample case (every field filled with its
example, see :mod:`~letters.templates.vocabulary`) or from a real case. It is
not registered and its number is 第0000号, which the registry never issues.
The PNG is made by ``pdftoppm`` (poppler-utils); a Word-only template is
converted to PDF with LibreOffice when it is installed.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from letters.errors import LettersError
from letters.model import Case
from letters.render.output import atomic_write
from letters.templates.registry import TemplateSpec
from letters.templates.vocabulary import sample_letter

PNG_DPI = 80  # an A4 page of about 660 × 935 pixels: enough to read, small to open
TIMEOUT_SECONDS = 180


@dataclass
class Preview:
    case_id: str
    docx: Path | None = None
    pdf: Path | None = None
    png: Path | None = None
    notes: list[str] = field(default_factory=list)
    warnings: tuple[str, ...] = ()


def preview_template(
    spec: TemplateSpec,
    out_dir: Path,
    *,
    case: Case | None = None,
    issue_date: date | None = None,
) -> Preview:
    """Write ``<id>-preview.docx/.pdf/.png`` into ``out_dir``."""
    from letters.render.docx import DocxRenderer
    from letters.render.pdf import PdfRenderer

    data = sample_letter(spec, case=case, issue_date=issue_date)
    case_id = str(data.context["case_id"])
    result = Preview(case_id, warnings=data.warnings)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = out_dir / f"{spec.id}-preview"
    if spec.docx_path.is_file():
        result.docx = stem.with_suffix(".docx")
        atomic_write(result.docx, DocxRenderer(spec).render(data.context))
    if spec.html_path.is_file():
        result.pdf = stem.with_suffix(".pdf")
        atomic_write(result.pdf, PdfRenderer(spec).render(data.context))
    elif result.docx is not None:
        result.pdf = _libreoffice_pdf(result.docx, result.notes)
    if result.pdf is not None:
        result.png = _first_page_png(result.pdf, stem.with_suffix(".png"), result.notes)
    return result


def _libreoffice_pdf(docx: Path, notes: list[str]) -> Path | None:
    soffice = shutil.which("soffice")
    if soffice is None:
        notes.append(
            "no PDF: the template has no template.html, and LibreOffice (soffice) is not "
            "installed to convert the Word file"
        )
        return None
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                soffice,
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(docx.parent),
                str(docx),
            ],
            check=False,
            capture_output=True,
            timeout=TIMEOUT_SECONDS,
        )
    pdf = docx.with_suffix(".pdf")
    if not pdf.is_file():
        notes.append("LibreOffice could not convert the Word file to PDF")
        return None
    notes.append("PDF converted from the Word file by LibreOffice (the template has no HTML)")
    return pdf


def _first_page_png(pdf: Path, png: Path, notes: list[str]) -> Path | None:
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise LettersError(
            f"wrote the preview letter, but cannot make {png.name}: pdftoppm is not installed",
            "install poppler-utils (scripts/setup does; or apt-get install -y poppler-utils)",
        )
    # -singlefile writes <prefix>.png for page 1 only.
    completed = subprocess.run(
        [pdftoppm, "-png", "-r", str(PNG_DPI), "-f", "1", "-l", "1", "-singlefile",
         str(pdf), str(png.with_suffix(""))],
        check=False,
        capture_output=True,
        text=True,
        timeout=TIMEOUT_SECONDS,
    )  # fmt: skip
    if completed.returncode != 0 or not png.is_file():
        notes.append(f"pdftoppm failed: {completed.stderr.strip()}")
        return None
    return png
