"""Checks on template text shared by the Word and the HTML template: the tags
themselves (full-width characters, Chinese variable names, docxtpl prefixes),
Jinja syntax, and every variable, attribute and filter used.

A template arrives as :class:`Segment` s (a Word paragraph, or an HTML line),
so each finding can say where it is. Tag repairs are applied in memory before
Jinja reads the text, so one defect is reported once (a full-width bracket is
a ``fullwidth-in-tag`` finding, not also a syntax error).
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

import jinja2
from jinja2 import nodes

from letters.errors import Severity
from letters.schema import Level
from letters.templates.findings import Finding, quoted
from letters.templates.reference import DOCUMENTED_FILTERS, UNSAFE_FILTERS
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
from letters.templates.vocabulary import LOOP_TYPE, VarType, Vocabulary

# docxtpl's own cell tags, which it rewrites before Jinja sees the text.
_DOCXTPL_CELL_TAG = re.compile(r"^\{%-?\s*(vm|hm|colspan|cellbg)\b(.*?)-?%\}$", re.DOTALL)

Resolver = Callable[[str], str | None]


@dataclass(frozen=True)
class Segment:
    """A piece of template text and where it is (``paragraph 3``, ``line 12``)."""

    where: str
    text: str


@dataclass(frozen=True)
class Usage:
    """One use of a variable: ``items[].outstanding`` written ``item.outstanding``."""

    path: str
    written: str
    file: str
    where: str
    origin: str  # field | computed | loop | local


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
    walker = _Walker(vocabulary, environment, file, locate, result)
    walker.visit_all(tree.body, {})
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


_Bound = tuple[VarType | None, str | None, str]  # type, canonical path, origin


class _Walker:
    """Resolves every name, attribute and filter of a parsed template against the vocabulary."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        environment: jinja2.Environment,
        file: str,
        locate: Callable[[int | None], str],
        result: Analysis,
    ) -> None:
        self.vocabulary = vocabulary
        self.environment = environment
        self.file = file
        self.locate = locate
        self.result = result
        self.reported: set[tuple[str, str]] = set()

    def report(
        self, node: nodes.Node, code: str, message: str, hint: str = "", **extra: object
    ) -> None:
        where = self.locate(node.lineno)
        if (where, message) in self.reported:
            return
        self.reported.add((where, message))
        self.result.findings.append(Finding(code, self.file, where, message, hint, **extra))  # type: ignore[arg-type]

    # ------------------------------------------------------------ resolving

    def resolve(self, node: nodes.Node, scope: dict[str, _Bound]) -> _Bound:
        """Type, canonical path and origin of an expression (None: not known statically)."""
        if isinstance(node, nodes.Name):
            return self._name(node, scope)
        if isinstance(node, nodes.Getattr):
            return self._attribute(node, node.node, node.attr, scope)
        if isinstance(node, nodes.Getitem):
            if isinstance(node.arg, nodes.Const) and isinstance(node.arg.value, str):
                return self._attribute(node, node.node, node.arg.value, scope)
            base, path, origin = self.resolve(node.node, scope)
            self.visit(node.arg, scope)
            if base is not None and base.kind == "list" and isinstance(node.arg, nodes.Const):
                return base.element, (path + "[]" if path else None), origin
            return None, None, origin
        if isinstance(node, nodes.Filter) and node.node is not None:
            self._filter(node, scope)
            base, path, origin = self.resolve(node.node, scope)
            if base is not None and base.kind == "list" and node.name in {"first", "last"}:
                return base.element, (path + "[]" if path else None), origin
            if node.name in {"list", "reverse", "sort", "unique", "select", "reject",
                             "selectattr", "rejectattr", "batch", "slice"}:  # fmt: skip
                return base, path, origin
            return None, None, origin
        self.visit(node, scope)
        return None, None, "expression"

    def _name(self, node: nodes.Name, scope: dict[str, _Bound]) -> _Bound:
        if node.name in scope:
            return scope[node.name]
        known = self.vocabulary.variables.get(node.name)
        if known is not None:
            return known, node.name, self.vocabulary.origin(node.name)
        if node.name in self.environment.globals:
            return None, None, "global"
        self.report(
            node, "unknown-variable", f"{node.name} does not exist", self._suggest(node.name, scope)
        )
        return None, node.name, "unknown"

    def _attribute(
        self, node: nodes.Node, base_node: nodes.Node, attribute: str, scope: dict[str, _Bound]
    ) -> _Bound:
        base, path, origin = self.resolve(base_node, scope)
        if base is None:
            return None, (f"{path}.{attribute}" if origin == "unknown" and path else None), origin
        written = f"{path or '?'}.{attribute}"
        if base.kind == "record" and attribute in base.fields:
            return base.fields[attribute], (f"{path}.{attribute}" if path else None), origin
        if base.has_attribute(attribute):
            return None, None, origin
        choices = list(base.fields) if base.kind == "record" else []
        close = difflib.get_close_matches(attribute, choices, n=1)
        if base.kind == "record":
            hint = f"did you mean {close[0]}?" if close else f"it has: {', '.join(choices)}"
        elif base.kind == "list":
            hint = "it is a list: loop over it with {% for … in … %}"
        else:
            hint = "it is a single value, not a record"
        self.report(node, "unknown-variable", f"{written} does not exist", hint)
        return None, (f"{path}.{attribute}" if path else None), "unknown"

    def _suggest(self, name: str, scope: dict[str, _Bound]) -> str:
        spec_field = self.vocabulary.fields.get(name)
        if spec_field is not None and spec_field.level is Level.ITEM:
            return f"{name} belongs to each amount line: use item.{name} inside {{%tr for item in items %}}"
        if spec_field is not None and spec_field.level is Level.GUARANTOR:
            return (
                f"{name} belongs to each guarantor: use g.{name} inside {{% for g in guarantors %}}"
            )
        from letters.schema import catalogue

        if name in catalogue():
            return f"{name} is a known field that this template does not use: add it to [fields] in template.toml"
        names = list(self.vocabulary.variables) + list(scope)
        close = difflib.get_close_matches(name, names, n=1)
        return (
            f"did you mean {close[0]}?"
            if close
            else "see `letters templates vars` and the template guide"
        )

    def _filter(self, node: nodes.Filter | nodes.Test, scope: dict[str, _Bound]) -> None:
        is_filter = isinstance(node, nodes.Filter)
        table = self.environment.filters if is_filter else self.environment.tests
        kind = "filter" if is_filter else "test"
        if node.name not in table:
            close = difflib.get_close_matches(node.name, list(table), n=1)
            self.report(
                node,
                "unknown-filter",
                f"the {kind} {node.name} does not exist",
                f"did you mean {close[0]}?"
                if close
                else "see the filters in docs/template-guide.md",
            )
        elif is_filter and node.name in UNSAFE_FILTERS:
            self.report(
                node,
                "unsafe-filter",
                f"the filter {node.name} must not be used in a letter",
                UNSAFE_FILTERS[node.name],
            )
        elif is_filter and node.name not in DOCUMENTED_FILTERS:
            self.report(
                node,
                "undocumented-filter",
                f"the filter {node.name} is not one the template guide describes for letters",
                "check the output carefully, or use a filter from docs/template-guide.md",
            )
        for child in (*node.args, *(k.value for k in node.kwargs), node.dyn_args, node.dyn_kwargs):
            if child is not None:
                self.visit(child, scope)

    # ------------------------------------------------------------ visiting

    def record(self, node: nodes.Node, bound: _Bound, written: str) -> None:
        _, path, origin = bound
        if path is not None:
            self.result.usages.append(
                Usage(path, written, self.file, self.locate(node.lineno), origin)
            )

    def visit_all(self, body: Iterable[nodes.Node], scope: dict[str, _Bound]) -> None:
        for node in body:
            self.visit(node, scope)

    def visit(self, node: nodes.Node, scope: dict[str, _Bound]) -> None:
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            if isinstance(node, nodes.Name) and node.ctx != "load":
                return
            bound = self.resolve(node, scope)
            self.record(node, bound, _written(node))
        elif isinstance(node, nodes.Filter | nodes.Test):
            if node.node is not None:
                self.visit(node.node, scope)
            self._filter(node, scope)
        elif isinstance(node, nodes.For):
            self._for(node, scope)
        elif isinstance(node, nodes.Assign | nodes.AssignBlock):
            if isinstance(node, nodes.Assign):
                self.visit(node.node, scope)
            else:
                self.visit_all(node.body, scope)
            for name in _names(node.target):
                scope[name.name] = (None, None, "local")
        elif isinstance(node, nodes.Macro | nodes.CallBlock):
            inner = dict(scope)
            for argument in node.args:
                inner[argument.name] = (None, None, "local")
            inner.update(
                varargs=(None, None, "local"),
                kwargs=(None, None, "local"),
                caller=(None, None, "local"),
            )
            if isinstance(node, nodes.Macro):
                scope[node.name] = (None, None, "local")
            else:
                self.visit(node.call, scope)
            self.visit_all(node.defaults, scope)
            self.visit_all(node.body, inner)
        elif isinstance(node, nodes.With):
            inner = dict(scope)
            self.visit_all(node.values, scope)
            for target in node.targets:
                for name in _names(target):
                    inner[name.name] = (None, None, "local")
            self.visit_all(node.body, inner)
        else:
            for child in node.iter_child_nodes():
                self.visit(child, scope)

    def _for(self, node: nodes.For, scope: dict[str, _Bound]) -> None:
        iterable, path, origin = self.resolve(node.iter, scope)
        self.record(node.iter, (iterable, path, origin), _written(node.iter))
        inner = dict(scope)
        if iterable is not None and iterable.always_empty:
            self.report(
                node,
                "unknown-variable",
                f"{path} is always empty in this template, so the loop never runs",
                "the template has no fields for it (e.g. guarantor fields); add them to template.toml "
                "or remove the loop",
            )
        element = iterable.element if iterable is not None and iterable.kind == "list" else None
        names = _names(node.target)
        for name in names:
            single = len(names) == 1 and isinstance(node.target, nodes.Name)
            inner[name.name] = (
                element if single else None,
                (path + "[]") if single and path else None,
                "loop",
            )
        inner["loop"] = (LOOP_TYPE, "loop", "loop")
        if node.test is not None:
            self.visit(node.test, inner)
        self.visit_all(node.body, inner)
        self.visit_all(node.else_, scope)


def _names(target: nodes.Node) -> list[nodes.Name]:
    """The names a ``for``/``set`` target binds (the target itself or a tuple of names)."""
    if isinstance(target, nodes.Name):
        return [target]
    return list(target.find_all(nodes.Name))


def _written(node: nodes.Node) -> str:
    """An expression as the author wrote it (``item.outstanding``), for ``templates vars``."""
    if isinstance(node, nodes.Name):
        return node.name
    if isinstance(node, nodes.Getattr):
        return f"{_written(node.node)}.{node.attr}"
    if isinstance(node, nodes.Getitem):
        key = node.arg.value if isinstance(node.arg, nodes.Const) else "…"
        return f"{_written(node.node)}[{key!r}]"
    if isinstance(node, nodes.Filter) and node.node is not None:
        return f"{_written(node.node)}|{node.name}"
    return "…"
