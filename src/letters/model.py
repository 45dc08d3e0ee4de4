"""Immutable data: raw input rows, validated cases and their canonical form."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from letters.errors import Location, Problem
from letters.rates import Rate


@dataclass(frozen=True, slots=True)
class Cell:
    """One raw value and where it was read (its column header as written in the file)."""

    value: object
    location: Location


@dataclass(frozen=True, slots=True)
class RawRow:
    """One row of a spreadsheet (or one object of a JSON file), keyed by field name.

    ``columns`` maps field names to the headers the file uses for them, so a
    problem with an empty cell can name the column as the clerk sees it.
    """

    location: Location
    cells: Mapping[str, Cell]
    columns: Mapping[str, str] = field(default_factory=dict)

    def column_of(self, name: str, label: str) -> str:
        return self.columns.get(name, label)


@dataclass(frozen=True, slots=True)
class Case:
    """A validated case: typed values, amount lines (items) and guarantors.

    Values are ``str``, ``int``, ``bool``, ``Decimal``, ``date`` or
    :class:`~letters.rates.Rate`; a field that was left empty and has no
    default is absent.
    """

    case_id: str
    values: Mapping[str, object]
    items: tuple[Mapping[str, object], ...] = ()
    guarantors: tuple[Mapping[str, object], ...] = ()
    origin: Location = field(default_factory=lambda: Location("<memory>"))

    def __getitem__(self, name: str) -> object:
        return self.values[name]

    def get(self, name: str, default: object = None) -> object:
        return self.values.get(name, default)

    def canonical(self) -> dict[str, Any]:
        """The case as plain JSON data, independent of the input format.

        The same case read from CSV, Excel or JSON gives the same canonical form
        and therefore the same :func:`case_sha256`.
        """
        return {
            "case_id": self.case_id,
            "values": {k: canonical_value(v) for k, v in sorted(self.values.items())},
            "items": [{k: canonical_value(v) for k, v in sorted(i.items())} for i in self.items],
            "guarantors": [
                {k: canonical_value(v) for k, v in sorted(g.items())} for g in self.guarantors
            ],
        }


@dataclass(frozen=True, slots=True)
class InvalidCase:
    """A case that cannot be rendered, with every problem found in it."""

    case_id: str
    origin: Location
    problems: tuple[Problem, ...]


def canonical_value(value: object) -> Any:
    """A JSON value for one typed field value.

    >>> canonical_value(Decimal("12.50")), canonical_value(date(2026, 1, 5))
    ('12.50', '2026-01-05')
    """
    if isinstance(value, Decimal):
        return format(value, "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Rate):
        return value.canonical()
    if value is None or isinstance(value, str | int | bool):
        return value
    raise TypeError(f"no canonical form for {type(value).__name__}")


def canonical_json(data: Any) -> bytes:
    """Canonical JSON bytes: sorted keys, no insignificant whitespace, UTF-8.

    For the data used here (strings, integers, booleans, null) this coincides
    with RFC 8785 (JCS).

    >>> canonical_json({"b": 1, "a": ["甲", None]})
    b'{"a":["\\xe7\\x94\\xb2",null],"b":1}'
    """
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def case_sha256(case: Case) -> str:
    return sha256_hex(canonical_json(case.canonical()))
