"""``letters templates check``: every problem of a template folder at once.

Reads the files (DOCX, HTML, stylesheet, template.toml) and hands their
parsed content to the pure checks in :mod:`~letters.templates.source`,
:mod:`~letters.templates.docx_rules` and :mod:`~letters.templates.wording`.
``render`` runs the same check and refuses a template with errors, so a
template cannot break silently in the middle of a batch.
"""

from __future__ import annotations

import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2

from letters.errors import Problem
from letters.render.environment import make_environment
from letters.schema import normalize_header
from letters.templates import docx_rules, wording
from letters.templates.docx_package import (
    PACKAGE_RELS,
    STYLES,
    THEME,
    DocxPackage,
    Paragraph,
    UnreadableDocx,
    paragraphs,
)
from letters.templates.drift import drift, html_places
from letters.templates.findings import Finding, quoted
from letters.templates.jinja_names import Usage
from letters.templates.registry import TemplateRegistry, TemplateSpec
from letters.templates.source import Segment, analyze
from letters.templates.vocabulary import Vocabulary, vocabulary

DOCX_FILE, HTML_FILE, TOML_FILE = "template.docx", "template.html", "template.toml"
# Which template file each output format is rendered from.
FILES_OF_FORMAT = {"docx": {DOCX_FILE}, "pdf": {HTML_FILE, "style.css"}}
_CORE_PROPERTIES = ("author", "comments", "identifier", "language", "subject", "title")
_STYLESHEET = re.compile(r"""<link\b[^>]*\brel=["']?stylesheet[^>]*>""", re.IGNORECASE)
_HREF = re.compile(r"""\bhref=["']([^"']+)["']""", re.IGNORECASE)
_FONT_FAMILY = re.compile(r"font-family\s*:\s*([^;}]+)", re.IGNORECASE)


@dataclass
class Report:
    """The outcome of checking one template."""

    spec: TemplateSpec
    findings: list[Finding] = field(default_factory=list)
    usages: list[Usage] = field(default_factory=list)

    @property
    def errors(self) -> list[Finding]:
        return [f for f in self.findings if f.is_error]

    @property
    def warnings(self) -> list[Finding]:
        return [f for f in self.findings if not f.is_error]

    def errors_for(self, formats: Sequence[str]) -> list[Finding]:
        """Errors that matter when rendering ``formats`` (template.toml always matters)."""
        files = {TOML_FILE}.union(*(FILES_OF_FORMAT.get(f, set()) for f in formats))
        return [f for f in self.errors if f.file in files]

    def problems(self, findings: Sequence[Finding] | None = None) -> list[Problem]:
        return [f.problem() for f in (self.findings if findings is None else findings)]


def label_resolver(spec: TemplateSpec, known: Vocabulary) -> Any:
    """``债务人`` → ``debtor_name``: a Chinese label or alias typed as a variable."""
    index = spec.schema.header_index()

    def resolve(name: str) -> str | None:
        spec_field = index.get(normalize_header(name))
        if spec_field is None or spec_field.name not in known.fields:
            return None
        return spec_field.name

    return resolve


def check_template(spec: TemplateSpec) -> Report:
    report = Report(spec)
    report.findings.extend(_toml_findings(spec))
    try:
        known = vocabulary(spec)
    except Exception as error:  # invalid examples in [extra_fields]: nothing else can be checked
        report.findings.append(Finding("template-toml", TOML_FILE, "", str(error)))
        return report
    environment = make_environment(spec.directory)
    has_docx, has_html = spec.docx_path.is_file(), spec.html_path.is_file()
    if not has_docx and not has_html:
        report.findings.append(
            Finding(
                "missing-file",
                DOCX_FILE,
                "",
                f"{spec.directory} has neither template.docx nor template.html",
                "copy a built-in with `letters templates new NEW_ID --from goods-payment`",
            )
        )
    body: list[tuple[str, str]] = []
    if has_docx:
        body = _check_docx(spec, known, environment, report)
    if has_html:
        _check_html(spec, known, environment, report)
        if body:
            html = spec.html_path.read_text(encoding="utf-8", errors="replace")
            report.findings.extend(drift(body, html_places(html)))
    return report


# ---------------------------------------------------------------- template.toml


def _toml_findings(spec: TemplateSpec) -> list[Finding]:
    findings = []
    allowed = set(spec.schema.names) | {"template", "case_id"}
    for _, name, _, _ in string.Formatter().parse(spec.output_name):
        if name is not None and name.split(".")[0].split("[")[0] not in allowed:
            findings.append(
                Finding(
                    "template-toml",
                    TOML_FILE,
                    "output_name",
                    f'output_name "{spec.output_name}" uses {{{name}}}, which is not a field of this template',
                    "use {case_id}, {template} or a case field such as {debtor_name}",
                )
            )
    derived = spec.metadata.get("derives_from")
    kinds = {s.id for s in TemplateRegistry().all()}
    if derived is not None and derived not in kinds:
        findings.append(
            Finding(
                "template-toml",
                TOML_FILE,
                "derives_from",
                f'derives_from = "{derived}" is not a built-in kind, so no kind-specific rules apply',
                "use one of " + ", ".join(sorted(kinds)),
            )
        )
    defaults = [
        (f"[fields] {name} default", str(options["default"]))
        for name, options in spec.metadata.get("fields", {}).items()
        if isinstance(options, dict) and "default" in options
    ]
    findings.extend(_wording(spec, TOML_FILE, defaults))
    return findings


def _extra_field_clashes(spec: TemplateSpec, known: Vocabulary) -> list[Finding]:
    computed = {n for n in known.variables if n not in known.fields}
    extra = spec.metadata.get("extra_fields", {})
    return [
        Finding(
            "template-toml",
            TOML_FILE,
            f"extra_fields.{name}",
            f"the extra field {name} has the name of a variable the program computes",
            "choose another name",
        )
        for name in extra
        if name in computed
    ]


# ---------------------------------------------------------------- DOCX


def _check_docx(
    spec: TemplateSpec, known: Vocabulary, environment: jinja2.Environment, report: Report
) -> list[tuple[str, str]]:
    """Check template.docx; returns its body text by place (for the wording comparison)."""
    try:
        package = DocxPackage.from_bytes(spec.docx_path.read_bytes())
        parts = [(name, label, package.xml(name)) for name, label in package.rendered_parts()]
        styles, theme = package.xml(STYLES), package.xml(THEME)
        package_rels = package.xml(PACKAGE_RELS)
    except UnreadableDocx as error:
        report.findings.append(
            Finding("unreadable", DOCX_FILE, "", str(error), "save the file again in Word as .docx")
        )
        return []
    report.findings.extend(_extra_field_clashes(spec, known))
    findings: list[Finding] = docx_rules.package(package.names, package.duplicates, package_rels)
    resolve = label_resolver(spec, known)

    def analyze_word(segments: list[Segment]) -> None:
        # Each part is its own Jinja template for docxtpl: analysed separately.
        analysis = analyze(
            segments,
            file=DOCX_FILE,
            vocabulary=known,
            resolve=resolve,
            environment=environment,
            docx=True,
        )
        findings.extend(analysis.findings)
        report.usages.extend(analysis.usages)

    everything: list[Paragraph] = []
    body: list[tuple[str, str]] = []
    for _, label, root in parts:
        found = paragraphs(root, label)
        everything.extend(found)
        if not label:  # the document body, not a header or footer
            body = [(p.where, p.text) for p in found]
        findings.extend(docx_rules.split_tags(found))
        findings.extend(docx_rules.table_loops(found))
        findings.extend(_wording(spec, DOCX_FILE, [(p.where, p.text) for p in found]))
        analyze_word([Segment(p.where, p.text) for p in found])
    for name in _CORE_PROPERTIES:  # docxtpl renders these document properties too
        value = _core_property(package, name)
        if value and ("{" in value or "｛" in value):
            analyze_word([Segment(f"document properties ({name})", value)])
    findings.extend(docx_rules.fonts(styles, theme, everything))
    if not any(f.is_error for f in findings):
        # What docxtpl itself makes of the file, as a last safety net: anything
        # it cannot parse would fail every letter of a batch.
        findings.extend(_docxtpl_findings(spec.docx_path, environment))
    report.findings.extend(findings)
    return body


def _core_property(package: DocxPackage, name: str) -> str | None:
    core = package.xml("docProps/core.xml")
    if core is None:
        return None
    for element in core:
        if element.tag.rsplit("}", 1)[-1] == {"author": "creator", "comments": "description"}.get(
            name, name
        ):
            return str(element.text or "")
    return None


def _docxtpl_findings(path: Path, environment: jinja2.Environment) -> list[Finding]:
    from docxtpl import DocxTemplate

    template = DocxTemplate(str(path))
    try:
        template.init_docx()
        sources = [("body", template.patch_xml(template.get_xml()))]
        for uri in (template.HEADER_URI, template.FOOTER_URI):
            for _, part in template.get_headers_footers(uri):
                name = part.partname.rsplit("/", 1)[-1]
                sources.append((name, template.patch_xml(template.get_part_xml(part))))
    except Exception as error:  # python-docx refuses files Word may still open
        message = f"docxtpl cannot open the file: {type(error).__name__}: {error}"
        return [
            Finding("unreadable", DOCX_FILE, "", message, "save the file again in Word as .docx")
        ]
    findings = []
    for label, xml in sources:
        xml = re.sub(r"<w:p([ >])", r"\n<w:p\1", xml)  # as docxtpl renders: one paragraph a line
        try:
            environment.parse(xml)
        except jinja2.TemplateSyntaxError as error:
            lines = xml.splitlines()
            line = lines[(error.lineno or 1) - 1] if lines else ""
            near = re.sub(r"<[^>]+>", "", line)
            findings.append(
                Finding(
                    "docxtpl-syntax",
                    DOCX_FILE,
                    f"{label}, near {quoted(near)}",
                    f"docxtpl cannot read the template: {error.message}",
                    "look for a tag docxtpl rewrites unexpectedly (a {%p/{%tr tag with % or } in "
                    "its expression, or text beside it)",
                )
            )
    return findings


# ---------------------------------------------------------------- HTML


def _check_html(
    spec: TemplateSpec, known: Vocabulary, environment: jinja2.Environment, report: Report
) -> None:
    text = spec.html_path.read_text(encoding="utf-8", errors="replace")
    lines = text.split("\n")
    segments = [Segment(f"line {n}", line) for n, line in enumerate(lines, start=1)]
    analysis = analyze(
        segments,
        file=HTML_FILE,
        vocabulary=known,
        resolve=label_resolver(spec, known),
        environment=environment,
        docx=False,
    )
    report.findings.extend(analysis.findings)
    report.usages.extend(analysis.usages)
    report.findings.extend(_wording(spec, HTML_FILE, [(s.where, s.text) for s in segments]))
    stylesheets = []
    for number, line in enumerate(lines, start=1):
        for link in _STYLESHEET.findall(line):
            href = _HREF.search(link)
            if href is None or "://" in href.group(1) or "{" in href.group(1):
                continue
            path = spec.directory / href.group(1)
            if path.is_file():
                stylesheets.append(path)
            else:
                report.findings.append(
                    Finding(
                        "missing-file",
                        HTML_FILE,
                        f"line {number}",
                        f"the stylesheet {href.group(1)} does not exist in {spec.directory}",
                        "copy style.css from the template it derives from",
                    )
                )
    report.findings.extend(_css_fonts(stylesheets, text))


def _css_fonts(stylesheets: Sequence[Path], html: str) -> list[Finding]:
    css = html + "".join(p.read_text(encoding="utf-8", errors="replace") for p in stylesheets)
    families = _FONT_FAMILY.findall(css)
    if any(docx_rules.CHINESE_FONT.search(f) for f in families):
        return []
    name = stylesheets[0].name if stylesheets else HTML_FILE
    return [
        Finding(
            "css-font",
            name,
            "font-family",
            "no Chinese font is named in font-family, so the PDF uses whatever font the "
            "computer falls back to",
            'e.g. html { font-family: "Noto Serif CJK SC", serif; }',
        )
    ]


# ---------------------------------------------------------------- wording


def _wording(spec: TemplateSpec, file: str, places: Sequence[tuple[str, str]]) -> list[Finding]:
    """One finding per place and rule, quoting every offending phrase found there."""
    findings = []
    for where, text in places:
        by_rule: dict[str, list[wording.Match]] = {}
        for match in wording.scan(text, kind=spec.kind):
            by_rule.setdefault(match.rule, []).append(match)
        for matches in by_rule.values():
            first = matches[0]
            last = matches[-1]
            snippet = text[max(first.start - 12, 0) : last.start + len(last.text) + 12]
            words = "".join(f"「{m.text}」" for m in matches)
            findings.append(
                Finding(
                    first.rule,
                    file,
                    where,
                    f"{quoted(snippet)} {first.message} ({words})",
                    first.hint,
                    severity=first.severity,
                )
            )
    return findings
