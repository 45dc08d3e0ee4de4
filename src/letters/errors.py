"""Problems and errors.

Input problems are *values* (:class:`Problem`) collected and reported together,
each knowing where it came from (file, row, column) and how to fix it.
:class:`LettersError` is raised for failures that stop a command; the CLI
translates it to a message and a non-zero exit at one boundary.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum


class Severity(StrEnum):
    ERROR = "error"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Location:
    """Where a value came from: file, 1-based row as a spreadsheet shows it, column header.

    >>> str(Location("cases.csv", 4, "应付金额"))
    'cases.csv, row 4, column "应付金额"'
    >>> str(Location("cases.json", None, "cases[2].items[0].amount_due"))
    'cases.json, cases[2].items[0].amount_due'
    """

    source: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        parts = [self.source]
        if self.row is not None:
            parts.append(f"row {self.row}")
            if self.column:
                parts.append(f'column "{self.column}"')
        elif self.column:
            parts.append(self.column)
        return ", ".join(parts)

    def with_column(self, column: str | None) -> Location:
        return Location(self.source, self.row, column)

    def as_dict(self) -> dict[str, object]:
        return {"file": self.source, "row": self.row, "column": self.column}


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong (or suspicious) with the input, with a hint to fix it."""

    message: str
    location: Location | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR
    case_id: str | None = None

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def __str__(self) -> str:
        where = f"{self.location}: " if self.location else ""
        text = f"{where}{self.severity.value}: {self.message}"
        if self.hint:
            text += f" (hint: {self.hint})"
        return text

    def as_dict(self) -> dict[str, object]:
        result: dict[str, object] = {
            "severity": self.severity.value,
            "message": self.message,
            "hint": self.hint,
            "case_id": self.case_id,
        }
        result.update(
            self.location.as_dict()
            if self.location
            else {"file": None, "row": None, "column": None}
        )
        return result


class LettersError(Exception):
    """A failure that stops a command. ``hint`` says what to do about it."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message + (f"\nHint: {self.hint}" if self.hint else "")


class InputError(LettersError):
    """The input has problems; all of them are in ``problems``."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems = tuple(problems)
        count = sum(1 for p in self.problems if p.is_error)
        super().__init__(f"{count} problem{'s' if count != 1 else ''} in the input")


class TemplateError(LettersError):
    """A template is missing, malformed or uses something that does not exist."""


class RenderError(LettersError):
    """Rendering one letter failed."""


class RegistryError(LettersError):
    """The issued-letter registry refused or failed an operation."""


class ValueProblem(ValueError):
    """Raised by pure parsers for one bad value; the caller adds the location."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint
