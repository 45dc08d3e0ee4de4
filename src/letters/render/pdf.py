"""Render ``template.html`` + ``style.css`` to PDF with WeasyPrint.

Font data is loaded once per renderer (one ``FontConfiguration``), and the
prepared Core fonts (:mod:`letters.render.fonts`) are registered once with
``@font-face``; the templates name them first, the full system fonts second.
"""

from __future__ import annotations

import logging
import re
import shutil
import weakref
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import jinja2

from letters.errors import RenderError
from letters.render.environment import make_environment
from letters.render.fonts import PreparedFont, font_face_css, prepare_fonts
from letters.templates.registry import TemplateSpec


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        message = record.getMessage()
        # Slow but correct (no libharfbuzz-subset): `letters doctor` reports it.
        if "instead of HarfBuzz-Subset" not in message:
            self.messages.append(message)


@contextmanager
def _weasyprint_problems() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings: a missing stylesheet or font is an error
    for a legal letter, not a log line."""
    handler = _Collect()
    loggers = [logging.getLogger("weasyprint"), logging.getLogger("weasyprint.progress")]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield handler.messages
    finally:
        for logger in loggers:
            logger.removeHandler(handler)


class PdfRenderer:
    """Renders one template to PDF bytes.

    ``fonts``: the prepared fonts to use (default: prepare them, once per
    machine); ``()`` renders with the system fonts alone, the reference the
    tests compare the fast path with.
    """

    format = "pdf"

    def __init__(self, spec: TemplateSpec, *, fonts: Sequence[PreparedFont] | None = None) -> None:
        if not spec.html_path.is_file():
            raise RenderError(f"template {spec.id} has no template.html ({spec.html_path})")
        self.spec = spec
        environment = make_environment(spec.directory)
        try:
            self.template = environment.get_template("template.html")
        except jinja2.TemplateSyntaxError as error:
            raise RenderError(
                f"template {spec.id} (HTML), line {error.lineno}: {error.message}"
            ) from None
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        self.font_config = FontConfiguration()
        self.fonts = tuple(prepare_fonts() if fonts is None else fonts)
        self.stylesheets = []
        if self.fonts:
            with _weasyprint_problems() as problems:
                faces = CSS(string=font_face_css(self.fonts), font_config=self.font_config)
            if problems:
                raise RenderError(
                    "a prepared font cannot be loaded: " + "; ".join(problems),
                    "delete the font cache (see `letters doctor`); it is rebuilt on the next render",
                )
            self.stylesheets.append(faces)
        # WeasyPrint copies @font-face fonts (17 MB here) into a temporary folder
        # that it removes only when the configuration is garbage collected — which
        # never happens in a worker process (it ends with os._exit) and fails at
        # interpreter shutdown. So remove it when the renderer is closed, or at exit.
        self._cleanup = weakref.finalize(self, _remove_font_folder, self.font_config)

    def close(self) -> None:
        self._cleanup()

    def render_html(self, context: dict[str, Any]) -> str:
        try:
            return self.template.render(context)
        except jinja2.UndefinedError as error:
            raise RenderError(
                f"template {self.spec.id} (HTML) uses a variable that does not exist: {error.message}",
                "see `letters templates show` for the variables",
            ) from None

    def render(self, context: dict[str, Any]) -> bytes:
        from weasyprint import HTML

        html = self.render_html(context)
        with _weasyprint_problems() as problems:
            document = HTML(string=html, base_url=str(self.spec.directory) + "/")
            pdf = document.write_pdf(font_config=self.font_config, stylesheets=self.stylesheets)
        missing = sorted({m.group(1) for p in problems for m in _NOTDEF.finditer(p)})
        if missing:
            raise RenderError(
                "the letter contains characters that no installed font has, so they would print "
                f"as empty boxes: {', '.join(missing)}",
                "install a font that covers them (e.g. fonts-noto-cjk-extra for rare CJK "
                "characters), or correct the case data",
            )
        if problems:
            raise RenderError(
                f"template {self.spec.id} (PDF): " + "; ".join(problems),
                "check that style.css and every font it names are present (`letters doctor`)",
            )
        assert isinstance(pdf, bytes)
        return pdf


def _remove_font_folder(font_config: Any) -> None:
    folder = getattr(font_config, "_folder", None)  # WeasyPrint's, see PdfRenderer.__init__
    if folder is not None:
        shutil.rmtree(folder, ignore_errors=True)
        font_config._folder = None


# WeasyPrint reports a character that no font covers (it would print as a box).
_NOTDEF = re.compile(r'unsupported by fonts: ("[^"]*" \(U\+[0-9A-F]+\))')
