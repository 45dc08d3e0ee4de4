"""Render a batch of validated cases: plan, render, register, write, report.

The plan (target paths, conflicts) is computed before anything is written, so
a batch that would overwrite files is refused as a whole. Each letter is then
rendered in memory, written to temporary files, registered in the log with
its hashes, and only then moved into place. A failure in one case does not
stop the batch; it is reported in the outcome and the manifest.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from letters.calendar import RestDayCalendar
from letters.errors import LettersError, Problem
from letters.evidence.registry import FileRecord, Registry
from letters.model import Case, InvalidCase, case_sha256, sha256_hex
from letters.render.context import build_letter_data
from letters.render.output import atomic_write, commit_temp, output_stem, write_temp
from letters.templates.registry import TemplateSpec

FORMATS = ("docx", "pdf")
MANIFEST_NAME = "manifest.json"


class Renderer(Protocol):
    format: str

    def render(self, context: dict[str, Any]) -> bytes: ...


def renderers_for(spec: TemplateSpec, formats: Sequence[str]) -> list[Renderer]:
    """One renderer per format, each loading its template once."""
    from letters.render.docx import DocxRenderer
    from letters.render.pdf import PdfRenderer

    makers: dict[str, Callable[[TemplateSpec], Renderer]] = {
        "docx": DocxRenderer,
        "pdf": PdfRenderer,
    }
    return [makers[fmt](spec) for fmt in formats]


@dataclass
class Outcome:
    """What happened to one case; one object of ``manifest.json``."""

    case_id: str
    template: str
    status: str  # rendered | invalid | failed
    letter_no: str | None = None
    files: dict[str, str] = field(default_factory=dict)
    sha256: dict[str, str] = field(default_factory=dict)
    problems: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)
    new_log_entry: int | None = None

    def manifest_entry(self) -> dict[str, Any]:
        entry: dict[str, Any] = {
            "case_id": self.case_id,
            "letter_no": self.letter_no,
            "template": self.template,
            "files": self.files,
            "sha256": self.sha256,
            "status": self.status,
        }
        entry.update(self.details)
        if self.problems:
            entry["problems"] = self.problems
        if self.warnings:
            entry["warnings"] = self.warnings
        return entry


@dataclass(frozen=True)
class Plan:
    targets: dict[str, dict[str, Path]]
    conflicts: list[Problem]


def output_paths(
    case: Case, spec: TemplateSpec, out_dir: Path, formats: Sequence[str]
) -> dict[str, Path]:
    """Where one case's files go, by format (the template's ``output_name`` pattern)."""
    values = {**case.values, "template": spec.id, "case_id": case.case_id}
    try:
        stem = output_stem(spec.output_name, values)
    except ValueError as error:
        raise LettersError(str(error), "fix output_name in the template's template.toml") from None
    return {fmt: out_dir / f"{stem}.{fmt}" for fmt in formats}


def name_clashes(cases: Sequence[Case], spec: TemplateSpec) -> list[Problem]:
    """Cases whose files would get the same name (after unsafe characters are
    replaced, and ignoring case: Windows and macOS file names are case-insensitive)."""
    owners: dict[str, tuple[str, str]] = {}
    clashes = []
    for case in cases:
        name = output_paths(case, spec, Path("."), FORMATS[:1])[FORMATS[0]].stem
        key = name.casefold()
        owner, owner_name = owners.setdefault(key, (case.case_id, name))
        if owner != case.case_id:
            clashes.append(
                Problem(
                    f"cases {owner} and {case.case_id} would both be written to {owner_name}.*",
                    case.origin,
                    "make the case ids distinct (file names drop characters such as / : * "
                    "and ignore upper/lower case)",
                    case_id=case.case_id,
                )
            )
    return clashes


def plan_batch(
    cases: Sequence[Case],
    spec: TemplateSpec,
    out_dir: Path,
    formats: Sequence[str],
    *,
    overwrite: bool,
    registry: Registry | None = None,
) -> Plan:
    """Where each case's files go; conflicts (existing files, name clashes) all at once.

    With ``overwrite``, a file is still never replaced when it is the file of an
    issued letter that this case would no longer reproduce (the case or the
    template changed, so it gets a new number): the issued letter may have
    been sent, and its file is evidence.
    """
    conflicts = name_clashes(cases, spec)
    targets: dict[str, dict[str, Path]] = {}
    for case in cases:
        paths = output_paths(case, spec, out_dir, formats)
        for path in paths.values():
            if not path.exists():
                continue
            if not overwrite:
                conflicts.append(
                    Problem(
                        f"{path} already exists",
                        case.origin,
                        "use --overwrite to replace it, or choose another --out folder",
                        case_id=case.case_id,
                    )
                )
                continue
            issued = registry.letter_with_file(sha256_hex(path.read_bytes())) if registry else None
            if issued is not None and not (
                issued["template_id"] == spec.id
                and issued["case_id"] == case.case_id
                and issued["case_sha256"] == case_sha256(case)
                and issued["template_sha256"] == spec.sha256
            ):
                conflicts.append(
                    Problem(
                        f"{path} is the file of issued letter {issued['letter_no']}; case "
                        f"{case.case_id} has changed since, so rendering it would issue a new "
                        "letter number and replace that file",
                        case.origin,
                        "keep the issued letter (it may have been sent): render into another "
                        "--out folder, or move the old file away first",
                        case_id=case.case_id,
                    )
                )
        targets[case.case_id] = paths
    return Plan(targets, conflicts)


def render_case(
    case: Case,
    spec: TemplateSpec,
    *,
    renderers: Sequence[Renderer],
    registry: Registry,
    calendar: RestDayCalendar,
    targets: Mapping[str, Path],
    out_dir: Path,
    allow_unchecked_deadlines: bool = False,
) -> Outcome:
    """Render, register and write one case; never raises for a case-level failure."""
    outcome = Outcome(case.case_id, spec.id, "failed")
    temps: list[tuple[Path, Path]] = []
    try:
        issue_date = case.values["issue_date"]
        assert isinstance(issue_date, date)
        reservation = registry.reserve(
            case=case,
            template_id=spec.id,
            template_sha256=spec.sha256,
            prefix=spec.letter_no_prefix,
            year=issue_date.year,
            format_letter_no=lambda seq: spec.format_letter_no(issue_date.year, seq),
            debtor_name=str(case.values["debtor_name"]),
            issue_date=issue_date.isoformat(),
        )
        outcome.letter_no = reservation.letter_no
        data = build_letter_data(
            case,
            spec,
            letter_no=reservation.letter_no,
            calendar=calendar,
            template_sha256=spec.sha256,
        )
        outcome.warnings = list(data.warnings)
        unchecked = [d for d in data.deadlines.values() if d.holiday_data_missing is not None]
        if unchecked and not allow_unchecked_deadlines:
            year = unchecked[0].holiday_data_missing
            raise LettersError(
                f"the deadline {unchecked[0].raw.isoformat()} cannot be checked against "
                f"holidays: there is no holiday data for {year}",
                f"pass --holidays FILE with the {year} schedule (CSV date,type: 休息/上班), or "
                "--allow-unchecked-deadlines to print the date unrolled",
            )
        deadline = data.deadlines["deadline"]
        outcome.details = {
            "verification_code": data.context["verification_code"],
            "total_claim": format(data.total_claim, "f"),
            "deadline": deadline.legal.isoformat(),
        }
        records: dict[str, FileRecord] = {}
        for renderer in renderers:
            content = renderer.render(data.context)
            target = targets[renderer.format]
            digest = sha256_hex(content)
            temps.append((write_temp(target, content), target))
            records[renderer.format] = FileRecord(
                renderer.format, str(target.resolve()), digest, len(content)
            )
            outcome.files[renderer.format] = target.relative_to(out_dir).as_posix()
            outcome.sha256[renderer.format] = digest
        outcome.new_log_entry = registry.record_issue(
            reservation.letter_no,
            records,
            {
                "content_sha256": data.context["content_sha256"],
                "verification_code": data.context["verification_code"],
                "debtor_address": data.context["debtor_address"],
                "total_claim": format(data.total_claim, "f"),
                "deadline": deadline.legal.isoformat(),
            },
        )
        # Registered first, then moved into place: the log never lacks a file
        # that exists, and a crash here leaves only temporary files.
        for temp, target in temps:
            commit_temp(temp, target)
        temps.clear()
        outcome.status = "rendered"
    except LettersError as error:
        outcome.problems.append({"message": error.message, "hint": error.hint})
    except Exception as error:  # one broken case must not stop a batch of thousands
        outcome.problems.append({"message": f"{type(error).__name__}: {error}", "hint": None})
    finally:
        for temp, _ in temps:
            temp.unlink(missing_ok=True)
    return outcome


def invalid_outcome(invalid: InvalidCase, spec: TemplateSpec) -> Outcome:
    return Outcome(
        invalid.case_id,
        spec.id,
        "invalid",
        problems=[p.as_dict() for p in invalid.problems if p.is_error],
    )


def write_manifest(out_dir: Path, outcomes: Iterable[Outcome]) -> Path:
    """Write ``manifest.json``, keeping entries of other cases or templates already there."""
    path = out_dir / MANIFEST_NAME
    fresh = [o.manifest_entry() for o in outcomes]
    keys = {(e["template"], e["case_id"]) for e in fresh}
    kept: list[dict[str, Any]] = []
    if path.exists():
        try:
            previous = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            previous = []
        if isinstance(previous, list):
            kept = [
                e
                for e in previous
                if isinstance(e, dict) and (e.get("template"), e.get("case_id")) not in keys
            ]
    text = json.dumps(kept + fresh, ensure_ascii=False, indent=2) + "\n"
    atomic_write(path, text.encode())
    return path


def run_batch(
    cases: Sequence[Case],
    invalid: Sequence[InvalidCase],
    spec: TemplateSpec,
    *,
    plan: Plan,
    renderers: Sequence[Renderer],
    registry: Registry,
    calendar: RestDayCalendar,
    out_dir: Path,
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
    allow_unchecked_deadlines: bool = False,
) -> list[Outcome]:
    """Render every case in order; the manifest is written even if interrupted."""
    outcomes = [invalid_outcome(i, spec) for i in invalid]
    try:
        for case in cases:
            outcome = render_case(
                case,
                spec,
                renderers=renderers,
                registry=registry,
                calendar=calendar,
                targets=plan.targets[case.case_id],
                out_dir=out_dir,
                allow_unchecked_deadlines=allow_unchecked_deadlines,
            )
            outcomes.append(outcome)
            on_outcome(outcome)
    finally:
        write_manifest(out_dir, outcomes)
    return outcomes
