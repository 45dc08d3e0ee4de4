"""Checks on template text shared by the Word and the HTML template: the tags
themselves (full-width characters, Chinese variable names, docxtpl prefixes),
Jinja syntax, and (through :mod:`~letters.templates.jinja_names`) every
variable, attribute and filter used.

A template arrives as :class:`Segment` s (a Word paragraph, or an HTML line),
so each finding can say where it is. Tag repairs are applied in memory before
Jinja reads the text, so one defect is reported once (a full-width bracket is
a ``fullwidth-in-tag`` finding, not also a syntax error).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import jinja2

from letters.errors import Severity
from letters.templates.findings import Finding, quoted
from letters.templates.jinja_names import Usage, Walker
from letters.templates.tags import (
    HARMLESS,
    HARMLESS_IN_DOCX,
    Tag,
    find_tags,
    join_prefix,
    non_ascii_identifiers,
    normalize_tag,
    rename_identifiers,
    spaced_prefix,
    strip_prefix,
)
from letters.templates.vocabulary import Vocabulary

# docxtpl's own cell tags, which it rewrites before Jinja sees the text.
_DOCXTPL_CELL_TAG = re.compile(r"^\{%-?\s*(vm|hm|colspan|cellbg)\b(.*?)-?%\}$", re.DOTALL)

Resolver = Callable[[str], str | None]


@dataclass(frozen=True)
class Segment:
    """A piece of template text and where it is (``paragraph 3``, ``line 12``)."""

    where: str
    text: str


@dataclass
class Analysis:
    findings: list[Finding] = field(default_factory=list)
    usages: list[Usage] = field(default_factory=list)


@dataclass(frozen=True)
class TagRepair:
    text: str
    changes: tuple[str, ...]


def repair_tag(tag: Tag, resolve: Resolver, *, docx: bool) -> TagRepair:
    """The tag as it should have been typed, and what was changed (for ``--fix``)."""
    if tag.kind == "comment":
        return TagRepair(tag.text, ())
    changes: list[str] = []
    normalized = normalize_tag(tag.text)
    text = normalized.text
    if normalized.changed:
        changes.append(f"replaced {' '.join(dict.fromkeys(normalized.replaced))} with ASCII")
    prefix = spaced_prefix(Tag(0, len(text), text, tag.kind))
    if prefix is not None:
        text = join_prefix(text)
        if docx:
            changes.append(f"wrote {{%{prefix} without a space")
    if not docx and Tag(0, len(text), text, tag.kind).prefix is not None:
        text = strip_prefix(text)
        changes.append("removed the Word-only prefix")
    text, renamed = rename_identifiers(text, resolve)
    for name in renamed:
        changes.append(f"{name} → {resolve(name)}")
    return TagRepair(text, tuple(changes))


def analysis_form(text: str) -> str:
    """What Jinja reads for a repaired tag: docxtpl's prefixes and cell tags removed."""
    match = _DOCXTPL_CELL_TAG.match(text)
    if match:
        expression = match.group(2).strip()
        return "{{ " + expression + " }}" if expression else ""
    return strip_prefix(text)


def _tag_findings(tag: Tag, where: str, file: str, resolve: Resolver, docx: bool) -> list[Finding]:
    if tag.kind == "comment":
        return []
    findings: list[Finding] = []
    normalized = normalize_tag(tag.text)
    if normalized.changed:
        harmless = HARMLESS_IN_DOCX if docx else HARMLESS
        breaks = tag.fullwidth_braces or any(c not in harmless for c in normalized.replaced)
        characters = " ".join(dict.fromkeys(normalized.replaced))
        effect = (
            "Jinja does not see it as a tag and would print it as it is"
            if tag.fullwidth_braces
            else "rendering fails"
            if breaks
            else "it renders, but the tag is fragile"
        )
        findings.append(
            Finding(
                "fullwidth-in-tag",
                file,
                where,
                f"the tag {quoted(tag.text)} contains {characters} typed by a Chinese input "
                f"method: {effect}",
                f"write it as {normalized.text} (switch the input method to English, or Shift)",
                severity=Severity.ERROR if breaks else Severity.WARNING,
            )
        )
    prefix = spaced_prefix(Tag(0, len(normalized.text), normalized.text, tag.kind))
    if prefix is not None and docx:
        findings.append(
            Finding(
                "prefix-space",
                file,
                where,
                f"{quoted(tag.text)} has a space between the bracket and {prefix}: docxtpl does not "
                f"see the {{%{prefix} tag and Jinja stops at an unknown tag '{prefix}'",
                f"write {join_prefix(normalized.text)}",
            )
        )
    stripped_prefix = Tag(0, len(normalized.text), normalized.text, tag.kind).prefix
    if not docx and (stripped_prefix is not None or prefix is not None):
        findings.append(
            Finding(
                "docx-tag-in-html",
                file,
                where,
                f"{quoted(tag.text)} uses the Word-only prefix {stripped_prefix or prefix}: "
                "HTML templates use plain Jinja tags",
                f"write {strip_prefix(join_prefix(normalized.text))}",
            )
        )
    for name in non_ascii_identifiers(normalized.text):
        target = resolve(name)
        findings.append(
            Finding(
                "chinese-variable-name",
                file,
                where,
                f"{quoted(tag.text)} uses the Chinese name {name} as a variable",
                f"write {target}"
                if target
                else "use the field name (see `letters templates show`)",
                fixable=target is not None,
            )
        )
    return findings


def analyze(
    segments: Sequence[Segment],
    *,
    file: str,
    vocabulary: Vocabulary,
    resolve: Resolver,
    environment: jinja2.Environment,
    docx: bool,
) -> Analysis:
    """Every finding about the tags, Jinja syntax and variables of one text source."""
    result = Analysis()
    joined = "\n".join(s.text for s in segments)
    starts, position = [], 0
    for segment in segments:
        starts.append(position)
        position += len(segment.text) + 1

    def segment_at(offset: int) -> int:
        return max(bisect.bisect_right(starts, offset) - 1, 0)

    pieces, previous = [], 0
    for tag in find_tags(joined):
        first, last = segment_at(tag.start), segment_at(tag.end - 1)
        where = segments[first].where if segments else ""
        if docx and first != last:
            result.findings.append(
                Finding(
                    "tag-across-paragraphs",
                    file,
                    where,
                    f"the tag {quoted(tag.text)} starts here and ends in {segments[last].where}: "
                    "docxtpl would merge the two paragraphs",
                    "delete the paragraph break inside the tag so it sits in one paragraph",
                )
            )
        result.findings.extend(_tag_findings(tag, where, file, resolve, docx))
        repaired = repair_tag(tag, resolve, docx=docx).text
        if docx:
            repaired = repaired.replace("\n", "")  # docxtpl joins a tag's paragraphs
        # Keep the line count: Jinja's line numbers must still point at the segment.
        form = analysis_form(repaired) + "\n" * (tag.text.count("\n") - repaired.count("\n"))
        pieces.append(joined[previous : tag.start] + form)
        previous = tag.end
    pieces.append(joined[previous:])
    source = "".join(pieces)

    def locate(lineno: int | None) -> str:
        return _where_of_line(segments, max((lineno or 1) - 1, 0)) if segments else ""

    try:
        tree = environment.parse(source)
    except jinja2.TemplateSyntaxError as error:
        result.findings.append(
            Finding(
                "jinja-syntax",
                file,
                locate(error.lineno),
                error.message or "syntax error",
                _syntax_hint(error.message or "", docx),
            )
        )
        return result
    walker = Walker(vocabulary, environment, file, locate)
    walker.visit_all(tree.body, {})
    result.findings.extend(walker.findings)
    result.usages.extend(walker.usages)
    return result


def _where_of_line(segments: Sequence[Segment], line: int) -> str:
    """The segment holding 0-based ``line`` of the joined text (segments may hold newlines)."""
    count = 0
    for segment in segments:
        count += segment.text.count("\n") + 1
        if line < count:
            return segment.where
    return segments[-1].where


def _syntax_hint(message: str, docx: bool) -> str:
    tag = re.search(r"unknown tag '(\w+)'", message)
    if tag and tag.group(1) in {"tr", "tc", "p", "r"}:
        return (
            f"write {{%{tag.group(1)} … %}} with no space after {{%, and only in a Word template"
            if docx
            else f"{{%{tag.group(1)} is for Word templates; write {{% … %}} here"
        )
    if tag and tag.group(1).startswith("end"):
        return f"there is a {{% {tag.group(1)} %}} without its opening tag, or the blocks cross"
    if "end of template" in message:
        return "a {% if %} or {% for %} is never closed: add its {% endif %} / {% endfor %}"
    if "expected token" in message or "unexpected" in message:
        return "check the brackets, quotes and operators of the tag at this place"
    return "see the Jinja tags in docs/template-guide.md"
