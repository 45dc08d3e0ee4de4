"""Recording events: from typed-in values (one command, or the rows of a
spreadsheet) to entries in the log, all checked before any is written.

1. :func:`read_drafts` / :func:`draft_from_options` turn cells or options into
   :class:`Draft` objects, remembering where each value came from.
2. :func:`prepare` resolves each draft's letter (by number, waybill or case),
   builds the event, reads its files and applies :func:`receipts.check_event`
   against the log and the drafts before it. Every problem is collected.
3. :func:`commit` stores the files and appends every event in one
   transaction — only when there was no error at all.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from letters.cases.load import read_rows
from letters.errors import InputError, Location, Problem, Severity, ValueProblem
from letters.evidence.events import Attachment, Event, EventKind
from letters.evidence.files import media_type, sha256_of
from letters.evidence.receipts import (
    FILE_FIELDS,
    LETTER_EVENTS,
    REFERENCE_FIELDS,
    EarlierEvent,
    EventProblem,
    LetterFacts,
    build_event,
    check_event,
    check_fields,
    label,
    receipt_schema,
    same_event,
)
from letters.evidence.registry import Registry
from letters.evidence.storage import describe
from letters.model import RawRow


@dataclass
class Draft:
    """One event as typed: parsed values by field name, and where each came from."""

    origin: Location
    values: dict[str, object] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    reference: str | None = None  # a letter number, waybill or case id, whichever it is
    files: list[tuple[Path, Location]] = field(default_factory=list)

    def where(self, name: str | None) -> Location:
        return self.locations.get(name or "", self.origin)


@dataclass(frozen=True)
class PreparedEvent:
    draft: Draft
    event: Event
    files: tuple[tuple[Path, bytes], ...]
    duplicate_of: int | None  # the index of the same event already in the log


@dataclass(frozen=True)
class Preparation:
    events: list[PreparedEvent]
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def new(self) -> list[PreparedEvent]:
        return [e for e in self.events if e.duplicate_of is None]


def _split_paths(text: str) -> list[str]:
    """
    >>> _split_paths("a.jpg; b c.png；d.pdf")
    ['a.jpg', 'b c.png', 'd.pdf']
    """
    return [part.strip() for part in re.split(r"[;；\n]", text) if part.strip()]


COMMAND_LINE = "command line"


def option_name(name: str) -> str:
    return "--" + name.replace("_", "-")


def draft_from_cells(
    cells: Mapping[str, tuple[object, Location]],
    origin: Location,
    base: Path,
    *,
    reference: str | None = None,
) -> tuple[Draft, list[Problem]]:
    """Parse raw values by field name; file paths are relative to ``base``.
    ``reference`` names the letter when no cell does (the command line)."""
    schema = receipt_schema()
    draft = Draft(origin, reference=reference)
    problems: list[Problem] = []
    for name, (raw, location) in cells.items():
        draft.locations[name] = location
        if name in FILE_FIELDS:
            draft.files.extend((base / part, location) for part in _split_paths(str(raw)))
            continue
        try:
            draft.values[name] = schema.field(name).parse(raw)
        except ValueProblem as problem:
            problems.append(Problem(problem.message, location, problem.hint))
    for name, hint in (
        ("event", "e.g. 寄出, 妥投, 签收, 拒收, 退回, 付款"),
        ("date", "the day it happened, e.g. 2026-11-25"),
    ):
        if name not in draft.locations:
            problems.append(Problem(f"{label(name)} is required", _missing(draft, name), hint))
    if reference is None and not any(name in draft.locations for name in REFERENCE_FIELDS):
        problems.append(
            Problem(
                "which letter? give 函号 (letter_no), 运单号 (waybill) or 案件编号 (case_id)",
                origin,
            )
        )
    return draft, problems


def _missing(draft: Draft, name: str) -> Location:
    """Where a value that is not there should have been."""
    if draft.origin.source == COMMAND_LINE:
        return Location(COMMAND_LINE, None, option_name(name))
    return draft.origin.with_column(receipt_schema().field(name).label)


def draft_from_options(
    reference: str, options: Mapping[str, object], files: Sequence[Path]
) -> tuple[Draft, list[Problem]]:
    """A draft from ``letters receipts record REFERENCE --option value …``."""
    cells = {
        name: (value, Location(COMMAND_LINE, None, option_name(name)))
        for name, value in options.items()
        if value is not None and value != ""
    }
    draft, problems = draft_from_cells(
        cells, Location(COMMAND_LINE), Path.cwd(), reference=reference
    )
    draft.files = [(path, Location(COMMAND_LINE, None, "--scan/--attach")) for path in files]
    return draft, problems


def read_drafts(path: Path, *, sheet: str | None = None) -> tuple[list[Draft], list[Problem]]:
    """The rows of a receipts spreadsheet (CSV, .xlsx or JSON) as drafts."""
    rows, problems = read_rows(path, receipt_schema(), sheet=sheet)
    drafts = []
    for row in rows:
        draft, row_problems = _draft_from_row(row, path.parent)
        drafts.append(draft)
        problems.extend(row_problems)
    if not rows and not any(p.is_error for p in problems):
        problems.append(Problem("the file has no rows", Location(str(path)), None))
    return drafts, problems


def _draft_from_row(row: RawRow, base: Path) -> tuple[Draft, list[Problem]]:
    cells = {name: (cell.value, cell.location) for name, cell in row.cells.items()}
    return draft_from_cells(cells, row.location, base)


# ---------------------------------------------------------------- resolve


@dataclass(frozen=True)
class Target:
    """What an event is about: a letter (and its case), or a case only."""

    letter: LetterFacts | None
    case_id: str | None


def _facts(record: Mapping[str, object]) -> LetterFacts:
    return LetterFacts(
        str(record["letter_no"]),
        str(record["case_id"]),
        date.fromisoformat(str(record["issue_date"])),
        str(record["debtor_name"]),
    )


def letters_with_waybill(
    registry: Registry, waybill: str, pending_waybills: Mapping[str, str]
) -> list[str]:
    found = registry.letters_by_waybill(waybill)
    pending = pending_waybills.get(waybill)
    return found if pending is None or pending in found else sorted([*found, pending])


def _target(record: Mapping[str, object], draft: Draft) -> tuple[Target | None, Problem | None]:
    case_id = draft.values.get("case_id")
    if case_id is not None and record["case_id"] != case_id:
        return None, Problem(
            f"letter {record['letter_no']} belongs to case {record['case_id']}, not {case_id}",
            draft.where("case_id"),
        )
    if record["status"] != "issued":
        return None, Problem(
            f"letter {record['letter_no']} was given its number but never issued "
            "(its rendering did not finish)",
            draft.where("letter_no"),
            "render it again, then record what happened to it",
        )
    return Target(_facts(record), str(record["case_id"])), None


def resolve(
    registry: Registry,
    draft: Draft,
    kind: EventKind,
    pending_waybills: Mapping[str, str] | None = None,
) -> tuple[Target | None, Problem | None]:
    """Find the letter (or case) a draft is about: by letter number, then by
    waybill (once a dispatch names it, in the log or earlier in the same
    batch: ``pending_waybills``), then by case id."""
    values, reference = draft.values, draft.reference
    letter_no = values.get("letter_no")
    if letter_no is not None:
        record = registry.letter(str(letter_no))
        if record is None:
            return None, Problem(
                f"no letter {letter_no} in {describe(registry.path)}",
                draft.where("letter_no"),
                "check the number with `letters registry list`",
            )
        return _target(record, draft)
    if reference is not None and (record := registry.letter(reference)) is not None:
        return _target(record, draft)
    waybills = [reference] if reference is not None else []
    # A dispatch brings its waybill along: the waybill cannot name its letter yet.
    if values.get("waybill") is not None and kind is not EventKind.DISPATCHED:
        waybills.insert(0, str(values["waybill"]))
    for waybill in waybills:
        numbers = letters_with_waybill(registry, waybill, pending_waybills or {})
        if len(numbers) > 1:
            return None, Problem(
                f"waybill {waybill} is recorded for several letters: {', '.join(numbers)}",
                draft.where("waybill"),
                "name the letter by its number",
            )
        if numbers:
            record = registry.letter(numbers[0])
            assert record is not None
            return _target(record, draft)
    for case in (values.get("case_id"), reference):
        if case is None:
            continue
        letters = registry.letters(str(case))
        issued = [letter for letter in letters if letter["status"] == "issued"]
        if letters and kind not in LETTER_EVENTS:
            return Target(None, str(case)), None
        if len(issued) == 1:
            return _target(issued[0], draft)
        if len(issued) > 1:
            listed = ", ".join(str(letter["letter_no"]) for letter in issued)
            return None, Problem(
                f"case {case} has {len(issued)} letters ({listed}): say which one",
                draft.where("case_id"),
                "give the letter number, or the waybill once its dispatch is recorded",
            )
    name = reference or values.get("waybill") or values.get("case_id")
    return None, Problem(
        f"no letter, waybill or case {name} in {describe(registry.path)}",
        draft.where("waybill" if "waybill" in values else "case_id"),
        "a letter is known once `letters render` has issued it; a waybill once the "
        "letter's dispatch is recorded",
    )


# ---------------------------------------------------------------- prepare


def _to_problem(problem: EventProblem, draft: Draft, case_id: str | None) -> Problem:
    if problem.field is None:
        location = draft.origin
    elif problem.field in draft.locations:
        location = draft.locations[problem.field]
    else:
        location = _missing(draft, problem.field)
    return Problem(problem.message, location, problem.hint, problem.severity, case_id)


def _read_files(draft: Draft) -> tuple[list[tuple[Path, bytes]], list[Problem]]:
    read, problems = [], []
    for path, location in draft.files:
        try:
            read.append((path, path.read_bytes()))
        except OSError as error:
            problems.append(
                Problem(
                    f"cannot read the file {path}: {error.strerror}",
                    location,
                    "paths in a spreadsheet are relative to the spreadsheet's folder",
                )
            )
    return read, problems


def prepare(registry: Registry, drafts: Sequence[Draft], *, today: date) -> Preparation:
    """Build and check every draft; nothing is written."""
    prepared: list[PreparedEvent] = []
    problems: list[Problem] = []
    batch: list[tuple[Draft, Event]] = []
    waybills: dict[str, str] = {}  # dispatched earlier in this batch
    log_size = registry.entry_count()
    for draft in drafts:
        kind_value = draft.values.get("event")
        if kind_value is None or "date" not in draft.values:
            continue  # already reported: nothing to check it against
        kind = EventKind(str(kind_value))
        field_problems = check_fields(kind, list(dict.fromkeys([*draft.locations, *draft.values])))
        problems.extend(_to_problem(p, draft, None) for p in field_problems)
        target, problem = resolve(registry, draft, kind, waybills)
        if problem is not None:
            problems.append(problem)
            continue
        assert target is not None
        letter = target.letter
        files, file_problems = _read_files(draft)
        problems.extend(file_problems)
        event = build_event(
            kind,
            draft.values,
            letter_no=None if letter is None else letter.letter_no,
            case_id=target.case_id if letter is None else None,
        )
        attachments = tuple(
            Attachment(sha256_of(data), path.name, len(data), media_type(path.name))
            for path, data in files
        )
        if attachments:
            event = replace(event, attachments=attachments)
        logged = registry.events(
            letter_no=letter.letter_no if letter else None,
            case_id=None if letter else target.case_id,
        )
        earlier = [EarlierEvent(index, e) for index, e in logged] + [
            EarlierEvent(None, e)
            for _, e in batch
            if (e.letter_no, e.case_id) == (event.letter_no, event.case_id)
        ]
        corrected = None
        if event.corrects is not None:
            entry = registry.log.entry(event.corrects)
            corrected = None if entry is None else (entry.letter_no, entry.case_id)
        waybill_letters = (
            letters_with_waybill(registry, event.waybill, waybills) if event.waybill else []
        )
        for found in check_event(
            event,
            letter,
            today=today,
            earlier=earlier,
            log_size=log_size,
            corrected=corrected,
            waybill_letters=waybill_letters if kind is EventKind.DISPATCHED else (),
        ):
            problems.append(_to_problem(found, draft, target.case_id))
        duplicate = next((index for index, e in logged if same_event(e, event)), None)
        twin = next((d for d, e in batch if same_event(e, event)), None)
        if twin is not None:
            problems.append(
                Problem(
                    f"this repeats the event at {twin.origin}",
                    draft.origin,
                    "delete one of the two rows",
                    case_id=target.case_id,
                )
            )
        batch.append((draft, event))
        if kind is EventKind.DISPATCHED and event.waybill and event.letter_no:
            waybills.setdefault(event.waybill, event.letter_no)
        prepared.append(PreparedEvent(draft, event, tuple(files), duplicate))
    return Preparation(prepared, problems)


def commit(registry: Registry, preparation: Preparation) -> list[int]:
    """Store the files, then append every new event in one transaction."""
    if preparation.errors:
        raise InputError(preparation.problems)
    store = registry.files
    for item in preparation.new:
        for _, data in item.files:
            # Files first: an entry never names a file that is not stored.
            store.put(data)
    return registry.append_events([item.event for item in preparation.new])


def record(
    registry: Registry, drafts: Sequence[Draft], *, today: date
) -> tuple[Preparation, list[int]]:
    """Check every draft, then write all of them or none."""
    preparation = prepare(registry, drafts, today=today)
    return preparation, commit(registry, preparation)


def warnings_of(preparation: Preparation) -> list[Problem]:
    return [p for p in preparation.problems if p.severity is Severity.WARNING]
