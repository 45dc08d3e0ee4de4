"""``letters templates vars``: every variable a template uses, and where.

Built from the usages the checker records while it resolves each name, so
loop variables appear under their list (``items[].outstanding``, written
``item.outstanding``) and nested attributes with their full path.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from letters.schema import Level
from letters.templates.jinja_names import Usage
from letters.templates.vocabulary import Vocabulary

_LIST_LEVELS = {"items": Level.ITEM, "guarantors": Level.GUARANTOR}
_LIST_NAMES = {"items": "amount line", "guarantors": "guarantor", "receipt_parties": "receipt slip"}


@dataclass
class VariableUse:
    path: str  # items[].outstanding
    kind: str  # "field", "computed", "field of each amount line", "loop", "unknown" …
    label: str  # the Chinese label of a field, else ""
    written: list[str] = field(default_factory=list)  # as the template writes it
    places: list[str] = field(default_factory=list)  # "template.docx: table 1, row 3, cell 2"

    @property
    def where(self) -> str:
        """The places, grouped by file: ``template.docx: paragraph 3, table 1, row 2, cell 1; …``."""
        by_file: dict[str, list[str]] = {}
        for place in self.places:
            file, _, where = place.partition(": ")
            by_file.setdefault(file, []).append(where)
        return "; ".join(f"{file}: {' / '.join(wheres)}" for file, wheres in by_file.items())

    def as_dict(self) -> dict[str, object]:
        return {
            "variable": self.path,
            "kind": self.kind,
            "label": self.label,
            "written": self.written,
            "used_in": self.places,
        }


def describe(path: str, origin: str, known: Vocabulary) -> tuple[str, str]:
    """(kind, Chinese label) of a used variable path."""
    if origin == "unknown":
        return "does not exist", ""
    if origin == "local":
        return "set in the template", ""
    if path == "loop" or path.startswith("loop."):
        return "loop counter", ""
    head, _, rest = path.partition("[].")
    if rest:
        spec_field = known.fields.get(rest)
        element = _LIST_NAMES.get(head, "element")
        if spec_field is not None and spec_field.level is _LIST_LEVELS.get(head):
            return f"field of each {element}", spec_field.label
        return f"computed, each {element}", ""
    name = path.split(".")[0].removesuffix("[]")
    return known.origin(name), known.label(name) or ""


def variable_uses(usages: Sequence[Usage], known: Vocabulary) -> list[VariableUse]:
    """One entry per variable path, in order of first use."""
    result: dict[str, VariableUse] = {}
    for usage in usages:
        entry = result.get(usage.path)
        if entry is None:
            kind, label = describe(usage.path, usage.origin, known)
            entry = result[usage.path] = VariableUse(usage.path, kind, label)
        if usage.written not in entry.written:
            entry.written.append(usage.written)
        place = f"{usage.file}: {usage.where}"
        if place not in entry.places:
            entry.places.append(place)
    return list(result.values())
