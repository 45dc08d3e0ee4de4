"""Render ``template.docx`` with docxtpl.

:class:`PlainDocxRenderer` is docxtpl as documented: open the template, render,
save — about 45 ms a letter, nearly all of it re-reading and re-parsing the
template and compiling its Jinja source again. :class:`DocxRenderer` (what
batches use) does that work once per process with docxtpl's own steps and
keeps the result: the patched, compiled Jinja templates of the body and of each
header and footer, the python-docx document, and every unchanging part already
compressed. A letter then costs a Jinja render, one XML parse and serialise of
the body, and a zip of a few small parts — with the very same bytes as the
plain path (a test compares them for every kind).
"""

from __future__ import annotations

import contextlib
import io
import re
import zipfile
from collections.abc import Callable
from typing import Any, TypeVar

import jinja2

from letters.errors import RenderError
from letters.render.environment import make_environment
from letters.render.zipwriter import FIXED_ZIP_TIME, ZipEntry, zip_bytes
from letters.templates.registry import TemplateSpec

__all__ = ["FIXED_ZIP_TIME", "DocxRenderer", "PlainDocxRenderer", "deterministic_zip", "docx_text"]

_FOOTNOTES = "application/vnd.openxmlformats-officedocument.wordprocessingml.footnotes+xml"
# The core properties docxtpl renders as templates (DocxTemplate.render_properties).
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")


def deterministic_zip(data: bytes) -> bytes:
    """Rewrite a zip (DOCX) with fixed entry timestamps, keeping entry order."""
    source = zipfile.ZipFile(io.BytesIO(data))
    return zip_bytes(
        ZipEntry.deflate(i.filename, source.read(i.filename)) for i in source.infolist()
    )


T = TypeVar("T")


def docx_text(data: bytes) -> str:
    """All text of a DOCX (body paragraphs, tables, footers), as python-docx reads it."""
    import docx

    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in document.sections:
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def _jinja_errors(spec: TemplateSpec, work: Callable[[], T]) -> T:
    """Run ``work``, turning Jinja's errors into messages for the template's author."""
    try:
        return work()
    except jinja2.UndefinedError as error:
        raise RenderError(
            f"template {spec.id} (DOCX) uses a variable that does not exist: {error.message}",
            "see `letters templates show` for the variables; check the spelling in the template",
        ) from None
    except jinja2.TemplateSyntaxError as error:
        raise RenderError(
            f"template {spec.id} (DOCX) has a syntax error: {error.message}",
            "a {{ tag }} may have been split or retyped with full-width characters in Word",
        ) from None


class PlainDocxRenderer:
    """docxtpl's load-render-save for every letter: the reference path."""

    format = "docx"

    def __init__(self, spec: TemplateSpec) -> None:
        if not spec.docx_path.is_file():
            raise RenderError(f"template {spec.id} has no template.docx ({spec.docx_path})")
        self.spec = spec
        self.environment = make_environment()

    def render(self, context: dict[str, Any]) -> bytes:
        from docxtpl import DocxTemplate

        def render() -> bytes:
            template = DocxTemplate(str(self.spec.docx_path))
            template.render(context, jinja_env=self.environment, autoescape=True)
            buffer = io.BytesIO()
            template.save(buffer)
            return deterministic_zip(buffer.getvalue())

        return _jinja_errors(self.spec, render)


class _Unsupported(Exception):
    """The template uses a docxtpl feature the compiled path does not repeat."""


class _CompiledDocx:
    """A docxtpl template prepared once: see the module docstring."""

    def __init__(self, spec: TemplateSpec, environment: jinja2.Environment) -> None:
        from docx.opc.constants import RELATIONSHIP_TYPE
        from docxtpl import DocxTemplate

        self.template = DocxTemplate(str(spec.docx_path))
        self.template.render_init()
        document = self.template.docx
        package = document.part.package
        if any(part.content_type == _FOOTNOTES for part in package.parts):
            raise _Unsupported("footnotes")
        self.environment = environment
        # docxtpl's own preparation of each part's XML, compiled once.
        self.body = self._compile(self.template.patch_xml(self.template.get_xml()))
        self.headers_footers: dict[str, tuple[jinja2.Template, str]] = {}
        for relation in document.part.rels.values():
            if relation.reltype in (RELATIONSHIP_TYPE.HEADER, RELATIONSHIP_TYPE.FOOTER):
                part = relation.target_part
                if part.blob:
                    xml = self.template.get_part_xml(part)
                    encoding = self.template.get_headers_footers_encoding(xml)
                    name = str(part.partname).lstrip("/")
                    template = self._compile(self.template.patch_xml(xml))
                    self.headers_footers[name] = (template, encoding)
        self.core_properties = {
            name: environment.from_string(getattr(document.core_properties, name))
            for name in _CORE_PROPERTIES
        }
        self.core_part = package._core_properties_part
        self.document_name = str(document.part.partname).lstrip("/")
        self.core_name = str(self.core_part.partname).lstrip("/")
        # Every part as python-docx saves it; the unchanging ones compressed now.
        buffer = io.BytesIO()
        document.save(buffer)
        saved = zipfile.ZipFile(buffer)
        self.order = [info.filename for info in saved.infolist()]
        dynamic = {self.document_name, self.core_name, *self.headers_footers}
        self.static = {
            name: ZipEntry.deflate(name, saved.read(name))
            for name in self.order
            if name not in dynamic
        }

    def _compile(self, xml: str) -> jinja2.Template:
        # As DocxTemplate.render_xml_part: each paragraph on its own line, so a
        # Jinja error names a line near the problem.
        return self.environment.from_string(re.sub(r"<w:p([ >])", r"\n<w:p\1", xml))

    def _render_part(self, template: jinja2.Template, context: dict[str, Any]) -> str:
        # The rest of DocxTemplate.render_xml_part, in its order.
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", template.render(context))
        xml = xml.replace("{_{", "{{").replace("}_}", "}}").replace("{_%", "{%")
        xml = xml.replace("%_}", "%}")
        if any(mark in xml for mark in "\t\a\n\f"):
            # Only these characters in values change anything in resolve_listing.
            xml = self.template.resolve_listing(xml)
        return xml

    def render(self, context: dict[str, Any]) -> bytes:
        from docx.opc.oxml import serialize_part_xml
        from docx.oxml.parser import parse_xml

        parts: dict[str, bytes] = {}
        tree = self.template.fix_tables(self._render_part(self.body, context))
        self.template.docx_ids_index = 1000  # as DocxTemplate.render_init
        self.template.fix_docpr_ids(tree)
        root = self.template.docx.element
        root.replace(root.body, tree)
        parts[self.document_name] = serialize_part_xml(root)
        for name, (template, encoding) in self.headers_footers.items():
            xml = self._render_part(template, context).encode(encoding)
            parts[name] = serialize_part_xml(parse_xml(xml))
        properties = self.template.docx.core_properties
        for name, template in self.core_properties.items():
            setattr(properties, name, template.render(context))
        parts[self.core_name] = self.core_part.blob
        return zip_bytes(
            self.static[name] if name in self.static else ZipEntry.deflate(name, parts[name])
            for name in self.order
        )


class DocxRenderer:
    """Renders one template to DOCX bytes, compiled once (see the module docstring).

    A template using a docxtpl feature the compiled path does not repeat
    (footnotes) is rendered the plain way instead.
    """

    format = "docx"

    def __init__(self, spec: TemplateSpec) -> None:
        self.plain = PlainDocxRenderer(spec)
        self.spec = spec
        self.compiled: _CompiledDocx | None = None
        with contextlib.suppress(_Unsupported):
            self.compiled = _jinja_errors(spec, lambda: _CompiledDocx(spec, self.plain.environment))

    def render(self, context: dict[str, Any]) -> bytes:
        compiled = self.compiled
        if compiled is None:
            return self.plain.render(context)
        return _jinja_errors(self.spec, lambda: compiled.render(context))
