"""What a template may use: every variable (with its shape) and every filter.

The variables are not listed by hand: a sample case is built from the examples
of the template's own fields (``fields.toml`` and ``[extra_fields]``), run
through the real validation, and turned into template variables by the one
function that does so for every letter (:func:`letters.render.context.build_letter_data`).
Whatever that function produces is what a template may use, so the checker,
``templates vars`` and the author guide cannot drift from the renderer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from letters.calendar import ChineseCalendar
from letters.cases.validate import build_cases
from letters.errors import Location, TemplateError
from letters.model import Case, Cell, RawRow
from letters.render.context import LetterData, build_letter_data
from letters.schema import Field, FieldType, Level
from letters.templates.registry import TemplateSpec

# Jinja's loop variable inside {% for %}: these attributes exist.
LOOP_ATTRIBUTES = {
    "index": 1,
    "index0": 0,
    "revindex": 1,
    "revindex0": 0,
    "first": True,
    "last": True,
    "length": 1,
    "depth": 1,
    "depth0": 0,
    "previtem": None,
    "nextitem": None,
    "cycle": None,
    "changed": None,
}
SAMPLE_LETTER_NO_SEQ = 0  # 第0000号: never a number the registry hands out
DOCS_TEMPLATE_SHA256 = "0" * 64  # fixed, so documented examples do not change with the files

_EXAMPLE_BY_TYPE = {
    FieldType.TEXT: "示例",
    FieldType.LONGTEXT: "示例",
    FieldType.AMOUNT: "1000.00",
    FieldType.DATE: "2026-11-02",
    FieldType.INTEGER: "7",
    FieldType.RATE: "日万分之五",
    FieldType.PARTY_ID: "91310000MA1FL0RD28",
    FieldType.PHONE: "021-58881234",
    FieldType.BOOLEAN: "是",
}


@dataclass(frozen=True)
class VarType:
    """The shape of a template variable: a value, a record (``item.outstanding``)
    or a list of records or values (``items``)."""

    kind: str  # value | record | list
    example: object = None
    fields: Mapping[str, VarType] = field(default_factory=dict)
    element: VarType | None = None

    @property
    def always_empty(self) -> bool:
        """A list that is empty for every letter of this template (e.g. guarantors
        of a template without guarantor fields)."""
        return self.kind == "list" and self.element is None

    @staticmethod
    def of(value: object) -> VarType:
        if isinstance(value, Mapping):
            return VarType("record", fields={k: VarType.of(v) for k, v in value.items()})
        if isinstance(value, list | tuple):
            if not value:
                return VarType("list")
            if all(isinstance(v, Mapping) for v in value):
                merged: dict[str, object] = {}
                for element in value:
                    for key, item in element.items():
                        merged.setdefault(key, item)
                return VarType("list", element=VarType.of(merged))
            return VarType("list", element=VarType.of(value[0]))
        return VarType("value", example=value)

    def has_attribute(self, name: str) -> bool:
        """Whether ``x.name`` works in Jinja: a record key, or a method of the value
        (``debtor_name.startswith``)."""
        if self.kind == "record":
            return name in self.fields or hasattr(dict, name)
        if self.kind == "list":
            return hasattr(list, name)
        return self.example is not None and hasattr(self.example, name)


LOOP_TYPE = VarType("record", fields={k: VarType("value", v) for k, v in LOOP_ATTRIBUTES.items()})


def example_text(spec_field: Field) -> str:
    """The raw example of a field, as a clerk would type it into a cell."""
    if spec_field.example:
        return spec_field.example
    if spec_field.type is FieldType.CHOICE and spec_field.choices:
        return next(iter(spec_field.choices))
    return _EXAMPLE_BY_TYPE.get(spec_field.type, "示例")


def sample_case(spec: TemplateSpec, issue_date: date | None = None) -> Case:
    """A case with every field of ``spec`` filled from its example, two amount
    lines and one guarantor when the template has them, validated like real data."""
    source = f"{spec.id} (examples of its fields)"
    first: dict[str, Cell] = {}
    second: dict[str, Cell] = {}
    for spec_field in spec.schema.fields:
        text = example_text(spec_field)
        if spec_field.name == "issue_date" and issue_date is not None:
            text = issue_date.isoformat()
        cell = Cell(text, Location(source, None, spec_field.name))
        first[spec_field.name] = cell
        if spec_field.level is Level.ITEM or spec_field.name == "case_id":
            second[spec_field.name] = cell
    # Some optional fields exclude each other (e.g. a guarantee period in months or
    # as an end date): leave out optional fields whose examples clash, and retry.
    for _ in range(len(spec.schema.fields)):
        rows = [RawRow(Location(source, 1), first), RawRow(Location(source, 2), second)]
        if not spec.schema.at_level(Level.ITEM):
            rows = rows[:1]
        validation = build_cases(rows, spec.schema, today=issue_date or date.today())
        clashing = {
            p.location.column
            for p in validation.errors
            if p.location is not None
            and p.location.column in first
            and not spec.schema.field(p.location.column).required
        }
        if not clashing:
            break
        for name in clashing:
            first.pop(name, None)
            second.pop(name, None)
    if validation.errors or not validation.cases:
        details = "; ".join(
            f"{p.location.column if p.location else ''}: {p.message}" for p in validation.errors
        )
        raise TemplateError(
            f"template {spec.id}: the examples of its fields are not valid: {details}",
            "give each field in [extra_fields] a valid example",
        )
    return validation.cases[0]


def sample_letter(
    spec: TemplateSpec,
    *,
    case: Case | None = None,
    issue_date: date | None = None,
    template_sha256: str | None = None,
) -> LetterData:
    """The template variables of a sample letter (the sample case unless ``case``)."""
    case = case if case is not None else sample_case(spec, issue_date)
    year = case.values["issue_date"]
    assert isinstance(year, date)
    return build_letter_data(
        case,
        spec,
        letter_no=spec.format_letter_no(year.year, SAMPLE_LETTER_NO_SEQ),
        calendar=ChineseCalendar(),
        template_sha256=template_sha256,
    )


@dataclass(frozen=True)
class Vocabulary:
    """Every variable a template of one spec may use, with its shape, and where it comes from."""

    variables: Mapping[str, VarType]
    fields: Mapping[str, Field]  # the template's fields, including item and guarantor fields

    def origin(self, name: str) -> str:
        """``field``, ``computed`` (by the program) for a top-level name."""
        spec_field = self.fields.get(name)
        if spec_field is not None and spec_field.level is Level.CASE:
            return "field"
        return "computed"

    def label(self, name: str) -> str | None:
        spec_field = self.fields.get(name)
        return spec_field.label if spec_field is not None else None


def vocabulary_from_context(spec: TemplateSpec, context: Mapping[str, Any]) -> Vocabulary:
    return Vocabulary(
        {name: VarType.of(value) for name, value in context.items()},
        {f.name: f for f in spec.schema.fields},
    )


_VOCABULARIES: dict[tuple[str, str, str], Vocabulary] = {}


def vocabulary(spec: TemplateSpec) -> Vocabulary:
    """The variables of ``spec`` (cached per template folder and content)."""
    key = (str(spec.directory), spec.id, spec.sha256)
    if key not in _VOCABULARIES:
        data = sample_letter(spec, template_sha256=DOCS_TEMPLATE_SHA256)
        _VOCABULARIES[key] = vocabulary_from_context(spec, data.context)
    return _VOCABULARIES[key]
