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
from letters.evidence.events import Attachment, Capacity, Event, EventKind, PartyRole
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
    inapplicable,
    label,
    receipt_schema,
    same_event,
)
from letters.evidence.registry import Registry
from letters.evidence.storage import describe
from letters.model import RawRow
from letters.rules.obligations import Obligation, obligation_from_case


@dataclass
class Draft:
    """One event as typed: parsed values by field name, and where each came from."""

    origin: Location
    values: dict[str, object] = field(default_factory=dict)
    locations: dict[str, Location] = field(default_factory=dict)
    reference: str | None = None  # a letter number, waybill or case id, whichever it is
    files: list[tuple[Path, Location]] = field(default_factory=list)
    skipped: bool = False  # a tracking state that is not an event yet (未妥投 …)

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
    status = cells.get("event")
    if status is not None and _normal(status[0]) in NOT_YET_EVENTS:
        problems.append(
            Problem(
                f'status "{status[0]}" is not an event yet; the row is skipped',
                status[1],
                "import the row again once the item is delivered, signed for, refused or returned",
                Severity.WARNING,
            )
        )
        draft.skipped = True
        return draft, problems
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


# Tracking states a post office's export lists before anything has happened to the
# item that the law counts (诉讼时效规定 Art. 8 needs arrival, a signature, a refusal).
NOT_YET_EVENTS = frozenset(
    {
        "未妥投",
        "运输中",
        "在途",
        "在途中",
        "派送中",
        "投递中",
        "待投递",
        "待派送",
        "投递失败",
        "未签收",
        "已发出待投递",
    }
)


def _normal(value: object) -> str:
    return "".join(str(value).split())


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


# ---------------------------------------------------------------- parties


def _on_envelope(
    event: Event,
    draft: Draft,
    registry: Registry,
    pending_waybills: Mapping[str, str],
    logged: Sequence[tuple[int, Event]],
    batch: Sequence[tuple[Draft, Event]],
) -> Event:
    """What happened to an envelope named by its waybill happened to the party that
    envelope was sent to: a guarantor signing for his own copy interrupts *his*
    period, not the borrower's (担保制度解释: never carried over). The event keeps
    the waybill, so the evidence shows which envelope it was."""
    if event.kind is EventKind.DISPATCHED or event.letter_no is None:
        return event
    waybill = event.waybill
    reference = draft.reference
    if (
        waybill is None
        and reference is not None
        and registry.letter(reference) is None
        and event.letter_no in letters_with_waybill(registry, reference, pending_waybills)
    ):
        waybill = reference
    if waybill is None:
        return event
    dispatches = [e for _, e in logged] + [e for _, e in batch if e.letter_no == event.letter_no]
    dispatch = next(
        (
            e
            for e in reversed(dispatches)
            if e.kind is EventKind.DISPATCHED and e.waybill == waybill
        ),
        None,
    )
    if dispatch is None or event.party is not None:
        return replace(event, waybill=waybill)
    return replace(event, waybill=waybill, party=dispatch.party, party_role=dispatch.party_role)


def _obligation(
    registry: Registry, letter: LetterFacts | None, case_id: str | None
) -> Obligation | None:
    if letter is not None:
        return obligation_from_case(registry.case_data(letter.letter_no))
    if case_id is None:
        return None
    issued = [x for x in registry.letters(case_id) if x["status"] == "issued"]
    return obligation_from_case(registry.case_data(issued[-1]["letter_no"])) if issued else None


def _party_problems(
    event: Event, registry: Registry, letter: LetterFacts | None, case_id: str | None
) -> list[EventProblem]:
    """A named party must be one of the case's (a typo would make the event count
    for nobody), and a receipt signed by the addressee in person must bear the
    addressee's name."""
    problems: list[EventProblem] = []
    obligation = _obligation(registry, letter, case_id)
    if obligation is not None and event.party is not None and obligation.party(event.party) is None:
        known = [obligation.debtor.name, *(p.name for p in obligation.joint_debtors)]
        known += [g.name for g in obligation.guarantors]
        problems.append(
            EventProblem(
                f"{event.party} is not a party of case {case_id}",
                "party",
                "the parties are: " + ", ".join(known),
            )
        )
    addressee = event.party or (letter.addressee if letter else None)
    if (
        event.capacity is Capacity.SELF
        and event.signer is not None
        and addressee is not None
        and event.signer != addressee
    ):
        problems.append(
            EventProblem(
                f"{event.signer} signed as 本人, but the letter is addressed to {addressee}",
                "signer",
                "record who signed and in what capacity (e.g. 同住亲属 or 授权人), or name "
                "the party with --party",
                Severity.WARNING,
            )
        )
    return problems


def _with_role(
    event: Event, registry: Registry, letter: LetterFacts | None, case_id: str | None
) -> Event:
    """Fill in the party's role from the case when only its name was given."""
    if event.party is None or event.party_role is not None:
        return event
    obligation = _obligation(registry, letter, case_id)
    if obligation is None:
        return event
    if event.party == obligation.debtor.name:
        role = PartyRole.DEBTOR
    elif any(p.name == event.party for p in obligation.joint_debtors):
        role = PartyRole.JOINT_DEBTOR
    elif obligation.guarantor(event.party) is not None:
        role = PartyRole.GUARANTOR
    else:
        return event
    return replace(event, party_role=role)


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
        given = list(dict.fromkeys([*draft.locations, *draft.values]))
        if draft.origin.source != COMMAND_LINE:
            # A post office's export fills its columns on every row (a 原因 on a
            # 妥投 row …): what does not apply to the row's event is left out.
            ignored = inapplicable(kind, given)
            for name in ignored:
                problems.append(
                    Problem(
                        f"{label(name)} does not apply to a {kind} event; it is ignored",
                        draft.locations.get(name, draft.origin),
                        None,
                        Severity.WARNING,
                    )
                )
                draft.values.pop(name, None)
            given = [name for name in given if name not in ignored]
        field_problems = check_fields(kind, given)
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
        logged = registry.events(
            letter_no=letter.letter_no if letter else None,
            case_id=None if letter else target.case_id,
        )
        event = _on_envelope(event, draft, registry, waybills, logged, batch)
        party_problems = _party_problems(event, registry, letter, target.case_id)
        problems.extend(_to_problem(p, draft, target.case_id) for p in party_problems)
        event = _with_role(event, registry, letter, target.case_id)
        attachments = tuple(
            Attachment(sha256_of(data), path.name, len(data), media_type(path.name))
            for path, data in files
        )
        if attachments:
            event = replace(event, attachments=attachments)
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
