"""Field schema: what each case-data field is called, what it holds, and how a
raw cell becomes a typed value.

The catalogue (``data/fields.toml``) names every field once; a template picks
the fields it uses and says which are required and what their defaults are.
"""

from __future__ import annotations

import re
import tomllib
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal
from enum import StrEnum
from functools import cache
from importlib import resources
from typing import Any

from letters.dates import parse_date
from letters.errors import ValueProblem
from letters.identifiers import is_credit_code, is_resident_id
from letters.money import excel_number_text, parse_amount
from letters.rates import parse_rate


class FieldType(StrEnum):
    TEXT = "text"
    LONGTEXT = "longtext"
    AMOUNT = "amount"
    DATE = "date"
    INTEGER = "integer"
    RATE = "rate"
    PARTY_ID = "party_id"
    PHONE = "phone"
    BOOLEAN = "boolean"
    CHOICE = "choice"


class Level(StrEnum):
    CASE = "case"
    ITEM = "item"
    GUARANTOR = "guarantor"


TYPE_DESCRIPTIONS = {
    FieldType.TEXT: "text on one line",
    FieldType.LONGTEXT: "text; may hold several paragraphs",
    FieldType.AMOUNT: "yuan, e.g. 12345.60, 12,345.60, ¥12,345.60",
    FieldType.DATE: "2026-11-22, 2026/11/22 or 2026年11月22日",
    FieldType.INTEGER: "whole number",
    FieldType.RATE: "日万分之五, 0.05%/日, 年利率6%, 月1%",
    FieldType.PARTY_ID: "统一社会信用代码 or 身份证号码 (checked)",
    FieldType.PHONE: "phone number",
    FieldType.BOOLEAN: "是/否",
    FieldType.CHOICE: "one of the listed values",
}


@dataclass(frozen=True, slots=True)
class Field:
    name: str
    label: str
    type: FieldType
    level: Level
    example: str = ""
    help: str = ""
    aliases: tuple[str, ...] = ()
    choices: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    required: bool = False
    default: str | None = None

    def parse(self, raw: object) -> object:
        """Turn one non-empty raw cell into this field's typed value."""
        return PARSERS[self.type](raw, self)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "label": self.label,
            "type": self.type.value,
            "level": self.level.value,
            "required": self.required,
            "default": self.default,
            "example": self.example,
            "aliases": list(self.aliases),
            "choices": list(self.choices),
            "help": self.help,
        }


# ------------------------------------------------------------------ parsers

# Characters that XML 1.0 forbids: one of these in a DOCX part makes Word
# refuse the whole file, so they are rejected rather than passed through.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _text_of(raw: object) -> str:
    if isinstance(raw, bool):
        return "是" if raw else "否"
    if isinstance(raw, int | float):
        return excel_number_text(raw)
    if isinstance(raw, Decimal):
        return format(raw, "f")
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw)


def _parse_text(raw: object, spec: Field) -> str:
    text = _text_of(raw).replace("\r\n", "\n").replace("\r", "\n")
    if _XML_FORBIDDEN.search(text):
        raise ValueProblem(
            "contains an invisible control character", "retype the cell; it was probably pasted"
        )
    if spec.type is FieldType.TEXT:
        text = " ".join(text.split())
    else:
        text = "\n".join(" ".join(line.split()) for line in text.split("\n")).strip()
    return text


def _parse_integer(raw: object, spec: Field) -> int:
    text = unicodedata.normalize("NFKC", _text_of(raw)).strip()
    if text.endswith(("日", "天")):
        text = text[:-1]
    if not re.fullmatch(r"\d+", text):
        raise ValueProblem(
            f'"{_text_of(raw).strip()}" is not a whole number', "write digits only, e.g. 7"
        )
    return int(text)


_NUMBER_CELL_HINT = (
    "the cell holds a number, and Excel keeps only 15 digits of a number: format the column "
    "as text (设置单元格格式 → 文本) and type the number again"
)


def _parse_party_id(raw: object, spec: Field) -> str:
    text = unicodedata.normalize("NFKC", _text_of(raw)).strip().upper().replace(" ", "")
    numeric_cell = isinstance(raw, int | float) and not isinstance(raw, bool)
    if len(text) != 18:
        raise ValueProblem(
            f'"{text}" has {len(text)} characters; 统一社会信用代码 and 身份证号码 have 18',
            _NUMBER_CELL_HINT
            if numeric_cell
            else "copy the number again from the licence or ID card",
        )
    if is_resident_id(text) or is_credit_code(text):
        return text
    raise ValueProblem(
        f'"{text}" is neither a valid 统一社会信用代码 nor a valid 身份证号码 (check digit or date is wrong)',
        _NUMBER_CELL_HINT
        if numeric_cell
        else "copy the number again from the business licence or ID card",
    )


def _parse_phone(raw: object, spec: Field) -> str:
    text = unicodedata.normalize("NFKC", _text_of(raw)).strip()
    digits = re.sub(r"\D", "", text)
    if not re.fullmatch(r"[0-9+\-() 转/、,]+", text) or len(digits) < 7:
        raise ValueProblem(f'"{text}" is not a phone number', "e.g. 021-58881234 or 13800138000")
    return text


_TRUE = {"是", "y", "yes", "true", "1", "√", "✓", "解除", "t"}
_FALSE = {"否", "n", "no", "false", "0", "×", "x", "不解除", "f"}


def _parse_boolean(raw: object, spec: Field) -> bool:
    if isinstance(raw, bool):
        return raw
    text = unicodedata.normalize("NFKC", _text_of(raw)).strip().lower()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueProblem(f'"{_text_of(raw).strip()}" is neither 是 nor 否', "write 是 or 否")


def _parse_choice(raw: object, spec: Field) -> str:
    text = unicodedata.normalize("NFKC", _text_of(raw)).strip().lower()
    for canonical, spellings in spec.choices.items():
        if text in {s.lower() for s in spellings}:
            return canonical
    raise ValueProblem(
        f'"{_text_of(raw).strip()}" is not one of: {", ".join(spec.choices)}',
        f"write one of {', '.join(spec.choices)}",
    )


PARSERS: dict[FieldType, Any] = {
    FieldType.TEXT: _parse_text,
    FieldType.LONGTEXT: _parse_text,
    FieldType.AMOUNT: lambda raw, spec: parse_amount(raw),
    FieldType.DATE: lambda raw, spec: parse_date(raw),
    FieldType.INTEGER: _parse_integer,
    FieldType.RATE: lambda raw, spec: parse_rate(raw),
    FieldType.PARTY_ID: _parse_party_id,
    FieldType.PHONE: _parse_phone,
    FieldType.BOOLEAN: _parse_boolean,
    FieldType.CHOICE: _parse_choice,
}


def is_blank(raw: object) -> bool:
    return raw is None or (isinstance(raw, str) and not raw.strip())


# ------------------------------------------------------------------ headers


def normalize_header(header: str) -> str:
    """Fold a column header for matching: width, case, spaces, a unit suffix, a '*'.

    >>> normalize_header(" 应付金额（元）* "), normalize_header("Amount_Due")
    ('应付金额', 'amount_due')
    """
    text = unicodedata.normalize("NFKC", header).strip().lower()
    text = re.sub(r"\s+", "", text).strip("*")
    return re.sub(r"\((元|人民币|日|天|%|rmb|yuan|㎡|m2|m²|平方米|平米)\)$", "", text)


@dataclass(frozen=True)
class Schema:
    """The fields one template accepts, in order."""

    fields: tuple[Field, ...]

    def __post_init__(self) -> None:
        names = [f.name for f in self.fields]
        if len(names) != len(set(names)):
            raise ValueError(f"duplicate field names in schema: {names}")
        # A header must never be able to mean two fields of one template.
        meaning: dict[str, str] = {}
        for spec in self.fields:
            for header in {spec.name, spec.label, *spec.aliases}:
                key = normalize_header(header)
                if meaning.setdefault(key, spec.name) != spec.name:
                    raise ValueError(
                        f'the header "{header}" would mean both {meaning[key]} and {spec.name}'
                    )

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields)

    def __contains__(self, name: object) -> bool:
        return any(f.name == name for f in self.fields)

    def field(self, name: str) -> Field:
        for spec in self.fields:
            if spec.name == name:
                return spec
        raise KeyError(name)

    def at_level(self, level: Level) -> tuple[Field, ...]:
        return tuple(f for f in self.fields if f.level is level)

    def header_index(self) -> dict[str, Field]:
        """Normalized name, label and aliases → field. Names and labels win over aliases."""
        index: dict[str, Field] = {}
        for spec in self.fields:
            for alias in spec.aliases:
                index.setdefault(normalize_header(alias), spec)
        for spec in self.fields:
            index[normalize_header(spec.label)] = spec
            index[normalize_header(spec.name)] = spec
        return index

    def resolve_header(self, header: str) -> Field | None:
        return self.header_index().get(normalize_header(header))


@cache
def catalogue() -> Mapping[str, Field]:
    """Every known field, from ``data/fields.toml``."""
    text = resources.files("letters").joinpath("data/fields.toml").read_text(encoding="utf-8")
    return fields_from_toml(tomllib.loads(text))


def fields_from_toml(table: Mapping[str, Any]) -> dict[str, Field]:
    """Build fields from a TOML table of ``name = {label, type, level, …}``."""
    result: dict[str, Field] = {}
    for name, spec in table.items():
        result[name] = Field(
            name=name,
            label=spec["label"],
            type=FieldType(spec["type"]),
            level=Level(spec.get("level", "case")),
            example=str(spec.get("example", "")),
            help=spec.get("help", ""),
            aliases=tuple(spec.get("aliases", ())),
            choices={k: tuple(v) for k, v in spec.get("choices", {}).items()},
        )
    return result


def build_schema(
    uses: Mapping[str, Mapping[str, Any]],
    extra_fields: Mapping[str, Field] | None = None,
) -> Schema:
    """A template's schema from its ``[fields]`` table: ``name = {required, default}``."""
    known = dict(catalogue())
    if extra_fields:
        known.update(extra_fields)
    chosen: list[Field] = []
    for name, options in uses.items():
        if name not in known:
            raise KeyError(name)
        default = options.get("default")
        chosen.append(
            replace(
                known[name],
                required=bool(options.get("required", False)),
                default=None if default is None else str(default),
            )
        )
    return Schema(tuple(chosen))


def describe_fields(fields: Iterable[Field]) -> list[dict[str, Any]]:
    return [f.as_dict() for f in fields]
