"""A case file read as a stream, so a batch of any size never holds all its cases.

Rows of one case may be anywhere in the file, so a first pass notes where each
case's last row is (a few bytes per case). Every later pass reads the rows
again, keeps only the cases still open, and hands out each case as soon as its
last row has been read — in order of first appearance, as
:func:`~letters.cases.validate.build_cases` does, with the same problems.
``letters render`` reads the file to validate it (and plan the files), then
again to render.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from letters.cases.load import iter_rows
from letters.cases.validate import (
    BySeverity,
    _row_order,
    absent_required,
    row_case_id,
    validate_group,
)
from letters.errors import Problem
from letters.model import Case, InvalidCase, RawRow
from letters.schema import Schema


@dataclass
class _Index:
    last_row: dict[str, int]
    problems: list[Problem]  # of the file and of rows without a case
    absent: dict[str, Problem]


@dataclass
class StreamValidation(BySeverity):
    """What validating a whole file found; the valid cases are counted, not kept."""

    valid: int = 0
    invalid: list[InvalidCase] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def total(self) -> int:
        """Cases in the file, valid or not."""
        return self.valid + len(self.invalid)


@dataclass
class CaseFile:
    """A case file to validate (:meth:`validate`) and then to iterate over."""

    path: Path
    schema: Schema
    today: date
    encoding: str | None = None
    sheet: str | None = None
    given: Mapping[str, object] = field(default_factory=dict)  # --set: for empty case fields
    _index: _Index | None = None

    def _rows(self) -> tuple[Iterator[RawRow], list[Problem]]:
        return iter_rows(self.path, self.schema, encoding=self.encoding, sheet=self.sheet)

    def index(self) -> _Index:
        if self._index is None:
            rows, problems = self._rows()
            last_row: dict[str, int] = {}
            present: set[str] = set()
            grouping: list[Problem] = []
            source: str | None = None
            spreadsheet = False
            for position, row in enumerate(rows):
                source = row.location.source
                spreadsheet = row.location.row is not None
                present.update(row.cells)
                case_id = row_case_id(row, self.schema)
                if isinstance(case_id, Problem):
                    grouping.append(case_id)
                else:
                    last_row[case_id] = position
            present |= set(self.given)
            absent = absent_required(self.schema, present, source) if spreadsheet and source else {}
            self._index = _Index(last_row, [*problems, *absent.values(), *grouping], absent)
        return self._index

    def __iter__(self) -> Iterator[Case | InvalidCase]:
        """Each case (valid or not) as soon as its last row is read."""
        rows, _ = self._rows()
        return self._cases(rows, self.index(), [])

    def validate(self, on_case: Callable[[Case], None] = lambda case: None) -> StreamValidation:
        """Every problem of the file, in file order; ``on_case`` sees each valid case."""
        index = self.index()
        result = StreamValidation(problems=list(index.problems))
        rows, _ = self._rows()
        for case in self._cases(rows, index, result.problems):
            if isinstance(case, InvalidCase):
                result.invalid.append(case)
            else:
                result.valid += 1
                on_case(case)
        result.problems.sort(key=_row_order)
        return result

    def _cases(
        self, rows: Iterator[RawRow], index: _Index, problems: list[Problem]
    ) -> Iterator[Case | InvalidCase]:
        open_cases: dict[str, list[RawRow]] = {}  # in order of first appearance
        complete: set[str] = set()
        for position, row in enumerate(rows):
            case_id = row_case_id(row, self.schema)
            if isinstance(case_id, Problem):
                continue
            open_cases.setdefault(case_id, []).append(row)
            if index.last_row.get(case_id) == position:
                complete.add(case_id)
            # Hand out the oldest open cases that are complete; a case whose rows
            # continue further down holds back the ones that started after it.
            while open_cases and next(iter(open_cases)) in complete:
                first = next(iter(open_cases))
                complete.discard(first)
                case, found = validate_group(
                    first,
                    open_cases.pop(first),
                    self.schema,
                    today=self.today,
                    absent=index.absent,
                    given=self.given,
                )
                problems.extend(found)
                yield case
