"""Render ``template.docx`` with docxtpl."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import jinja2

from letters.errors import RenderError
from letters.render.environment import make_environment
from letters.templates.registry import TemplateSpec

# Zip entries carry timestamps; fixing them makes the same letter render to the
# same bytes (so its SHA-256 in the registry can be re-derived).
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip (DOCX) with fixed entry timestamps, keeping entry order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, FIXED_ZIP_TIME)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = 0o644 << 16
            target.writestr(entry, source.read(info.filename))
    return output.getvalue()


class DocxRenderer:
    """Renders one template to DOCX bytes."""

    format = "docx"

    def __init__(self, spec: TemplateSpec) -> None:
        if not spec.docx_path.is_file():
            raise RenderError(f"template {spec.id} has no template.docx ({spec.docx_path})")
        self.spec = spec
        self.environment = make_environment()

    def render(self, context: dict[str, Any]) -> bytes:
        from docxtpl import DocxTemplate

        template = DocxTemplate(str(self.spec.docx_path))
        try:
            template.render(context, jinja_env=self.environment, autoescape=True)
        except jinja2.UndefinedError as error:
            raise RenderError(
                f"template {self.spec.id} (DOCX) uses a variable that does not exist: {error.message}",
                "see `letters templates show` for the variables; check the spelling in the template",
            ) from None
        except jinja2.TemplateSyntaxError as error:
            raise RenderError(
                f"template {self.spec.id} (DOCX) has a syntax error: {error.message}",
                "a {{ tag }} may have been split or retyped with full-width characters in Word",
            ) from None
        buffer = io.BytesIO()
        template.save(buffer)
        return deterministic_zip(buffer.getvalue())
