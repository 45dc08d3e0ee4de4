"""Every name, attribute, filter and test of a parsed template, resolved
against the template's vocabulary: what does not exist is a finding, what
does is a :class:`Usage` (for ``templates vars``).

Loop variables take the shape of their list's elements, so ``item.outstanding``
inside ``{% for item in items %}`` is checked against the amount lines and
recorded as ``items[].outstanding``.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import jinja2
from jinja2 import nodes

from letters.schema import Level, catalogue
from letters.templates.findings import Finding
from letters.templates.reference import DOCUMENTED_FILTERS, UNSAFE_FILTERS
from letters.templates.vocabulary import LOOP_TYPE, VarType, Vocabulary


@dataclass(frozen=True)
class Usage:
    """One use of a variable: ``items[].outstanding`` written ``item.outstanding``."""

    path: str
    written: str
    file: str
    where: str
    origin: str  # field | computed | loop | local


_Bound = tuple[VarType | None, str | None, str]  # type, canonical path, origin


class Walker:
    """Resolves every name, attribute and filter of a parsed template against the vocabulary."""

    def __init__(
        self,
        vocabulary: Vocabulary,
        environment: jinja2.Environment,
        file: str,
        locate: Callable[[int | None], str],
    ) -> None:
        self.vocabulary = vocabulary
        self.environment = environment
        self.file = file
        self.locate = locate
        self.findings: list[Finding] = []
        self.usages: list[Usage] = []
        self.reported: set[tuple[str, str]] = set()

    def report(self, node: nodes.Node, code: str, message: str, hint: str = "") -> None:
        """One finding per message and place (a name used twice in a paragraph is one problem)."""
        where = self.locate(node.lineno)
        if (where, message) in self.reported:
            return
        self.reported.add((where, message))
        self.findings.append(Finding(code, self.file, where, message, hint))

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
            self.usages.append(Usage(path, written, self.file, self.locate(node.lineno), origin))

    def visit_all(self, body: Iterable[nodes.Node], scope: dict[str, _Bound]) -> None:
        for node in body:
            self.visit(node, scope)

    def visit(self, node: nodes.Node, scope: dict[str, _Bound]) -> None:
        if isinstance(node, nodes.Name | nodes.Getattr | nodes.Getitem):
            if isinstance(node, nodes.Name) and node.ctx != "load":
                return
            bound = self.resolve(node, scope)
            self.record(node, bound, _written(node))
        elif isinstance(node, nodes.Test) and node.name in {"defined", "undefined"}:
            # `x is defined` asks whether x exists: not a use of a missing variable.
            if not isinstance(node.node, nodes.Name):
                self.visit(node.node, scope)
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
