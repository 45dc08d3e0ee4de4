"""Render a batch of validated cases: plan, render, register, write, report.

The plan (target paths, conflicts: :mod:`letters.batch.plan`) is computed
before anything is written, so a batch that would overwrite files is refused
as a whole. Cases then stream
through: the parent reserves each letter's number in input order (so numbers
follow the spreadsheet however many workers there are) and hands the case to
a worker (:mod:`letters.batch.pool`), or renders it itself with ``jobs=1``.
Each letter is rendered in memory, written to temporary files, registered in
the log with its hashes, and only then moved into place. A failure in one case
does not stop the batch; it is reported in the summary and the manifest.

Outcomes reach the sinks (manifest, print file, mailing list) and the progress
callback in input order. ``resume`` skips a case whose files are already there
with exactly the bytes the registry recorded for its letter.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path
from typing import Any, Protocol

from letters.batch.manifest import MANIFEST_NAME, ManifestWriter, write_manifest
from letters.batch.plan import Plan, case_targets, plan_batch
from letters.calendar import RestDayCalendar
from letters.errors import LettersError
from letters.evidence.registry import FileRecord, Registry
from letters.evidence.storage import DbLocation
from letters.model import Case, InvalidCase, sha256_hex
from letters.render.context import build_letter_data
from letters.render.fonts import PreparedFont, cache_dir
from letters.render.output import commit_temp, process_alive, write_temp
from letters.templates.registry import TemplateSpec

__all__ = ["MANIFEST_NAME", "Plan", "plan_batch", "write_manifest"]

FORMATS = ("docx", "pdf")
# Modules a worker process needs, imported once by the process workers fork from.
WORKER_IMPORTS = ("letters.batch.run", "letters.render.docx", "letters.render.pdf", "weasyprint")


class Renderer(Protocol):
    format: str

    def render(self, context: dict[str, Any]) -> bytes: ...


def renderers_for(
    spec: TemplateSpec, formats: Sequence[str], *, fonts: Sequence[PreparedFont] | None = None
) -> list[Renderer]:
    """One renderer per format, each loading (and compiling) its template once."""
    from letters.render.docx import DocxRenderer
    from letters.render.pdf import PdfRenderer

    makers: dict[str, Callable[[TemplateSpec], Renderer]] = {
        "docx": DocxRenderer,
        "pdf": lambda spec: PdfRenderer(spec, fonts=fonts),
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
    resumed: bool = False  # its files were already complete: nothing was rendered

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


# ------------------------------------------------------------------ one letter


@dataclass(frozen=True)
class LetterTask:
    """One case on its way to a worker, its number already reserved."""

    case: Case
    letter_no: str
    targets: Mapping[str, Path]
    resume: bool = False


def reserve_letter(case: Case, spec: TemplateSpec, registry: Registry) -> str:
    """The case's letter number: the one it already has, or the next in sequence."""
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
    return reservation.letter_no


def _file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _complete(task: LetterTask, registry: Registry) -> dict[str, str] | None:
    """The files' hashes when every target exists with the bytes recorded for the letter."""
    if not all(path.is_file() for path in task.targets.values()):
        return None
    digests = {fmt: _file_sha256(path) for fmt, path in task.targets.items()}
    recorded = all(
        digests[fmt] in registry.recorded_sha256(task.letter_no, fmt) for fmt in task.targets
    )
    return digests if recorded else None


def render_case(
    task: LetterTask,
    spec: TemplateSpec,
    *,
    renderers: Sequence[Renderer],
    registry: Registry,
    calendar: RestDayCalendar,
    out_dir: Path,
    allow_unchecked_deadlines: bool = False,
) -> Outcome:
    """Render, register and write one case; never raises for a case-level failure."""
    case = task.case
    outcome = Outcome(case.case_id, spec.id, "failed", letter_no=task.letter_no)
    temps: list[tuple[Path, Path]] = []
    try:
        data = build_letter_data(
            case, spec, letter_no=task.letter_no, calendar=calendar, template_sha256=spec.sha256
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
        outcome.files = {
            fmt: target.relative_to(out_dir).as_posix() for fmt, target in task.targets.items()
        }
        done = _complete(task, registry) if task.resume else None
        if done is not None:
            outcome.sha256, outcome.resumed, outcome.status = done, True, "rendered"
            return outcome
        records: dict[str, FileRecord] = {}
        for renderer in renderers:
            content = renderer.render(data.context)
            target = task.targets[renderer.format]
            digest = sha256_hex(content)
            temps.append((write_temp(target, content), target))
            records[renderer.format] = FileRecord(
                renderer.format, str(target.resolve()), digest, len(content)
            )
            outcome.sha256[renderer.format] = digest
        outcome.new_log_entry = registry.record_issue(
            task.letter_no,
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
    if outcome.status != "rendered":
        outcome.files, outcome.sha256 = {}, {}
    return outcome


def invalid_outcome(invalid: InvalidCase, spec: TemplateSpec) -> Outcome:
    return Outcome(
        invalid.case_id,
        spec.id,
        "invalid",
        problems=[p.as_dict() for p in invalid.problems if p.is_error],
    )


def failed_outcome(case: Case, spec: TemplateSpec, message: str, hint: str | None) -> Outcome:
    return Outcome(case.case_id, spec.id, "failed", problems=[{"message": message, "hint": hint}])


# ------------------------------------------------------------------ the batch


@dataclass(frozen=True)
class BatchSettings:
    out_dir: Path
    formats: tuple[str, ...]
    db: DbLocation
    calendar: RestDayCalendar
    jobs: int = 1
    resume: bool = False
    allow_unchecked_deadlines: bool = False
    fonts: tuple[PreparedFont, ...] | None = None  # None: prepare them in each renderer
    # A worker's memory did not grow over 400 letters (WeasyPrint 70): insurance.
    tasks_per_worker: int = 2000


@dataclass
class LetterMaker:
    """Everything one process needs to render letters: renderers built once."""

    spec: TemplateSpec
    settings: BatchSettings
    renderers: list[Renderer]
    registry: Registry

    def close(self) -> None:
        for renderer in self.renderers:
            close = getattr(renderer, "close", None)
            if close is not None:
                close()

    def make(self, task: LetterTask) -> Outcome:
        return render_case(
            task,
            self.spec,
            renderers=self.renderers,
            registry=self.registry,
            calendar=self.settings.calendar,
            out_dir=self.settings.out_dir,
            allow_unchecked_deadlines=self.settings.allow_unchecked_deadlines,
        )


def _scratch_root() -> Path:
    return cache_dir() / "work"


def remove_dead_workers_scratch() -> None:
    """Remove the scratch folders of worker processes that no longer run."""
    with contextlib.suppress(OSError):
        for folder in _scratch_root().iterdir():
            if folder.name.isdigit() and not process_alive(int(folder.name)):
                shutil.rmtree(folder, ignore_errors=True)


@dataclass(frozen=True)
class BatchWorkerSetup:
    """What each worker process runs (sent to it, so plain data only)."""

    spec: TemplateSpec
    settings: BatchSettings

    def start(self) -> LetterMaker:
        # WeasyPrint copies the prepared fonts into a temporary folder; a worker
        # killed mid-batch (kill -9, out of memory) cannot remove it, so it goes
        # to a scratch folder named by the process, which the next batch removes.
        scratch = _scratch_root() / str(os.getpid())
        scratch.mkdir(parents=True, exist_ok=True)
        tempfile.tempdir = str(scratch)
        renderers = renderers_for(self.spec, self.settings.formats, fonts=self.settings.fonts)
        # One connection per process: SQLite's locking is per connection.
        return LetterMaker(self.spec, self.settings, renderers, Registry(self.settings.db))

    def work(self, maker: LetterMaker, task: LetterTask) -> Outcome:
        return maker.make(task)

    def stop(self, maker: LetterMaker) -> None:
        maker.close()
        maker.registry.close()
        shutil.rmtree(_scratch_root() / str(os.getpid()), ignore_errors=True)


class Sink(Protocol):
    """Receives every outcome in input order; ``close`` after a complete batch."""

    def add(self, case: Case | InvalidCase, outcome: Outcome) -> None: ...

    def close(self) -> None: ...

    def abort(self) -> None: ...


@dataclass
class BatchSummary:
    """Counts and the outcomes worth listing (not every outcome: memory stays flat)."""

    rendered: int = 0
    resumed: int = 0
    new_log_entries: int = 0
    failed: list[Outcome] = field(default_factory=list)
    invalid: list[Outcome] = field(default_factory=list)
    warnings: list[tuple[str, str]] = field(default_factory=list)

    def count(self, outcome: Outcome) -> None:
        if outcome.status == "rendered":
            self.rendered += 1
            self.resumed += outcome.resumed
            self.new_log_entries += outcome.new_log_entry is not None
            self.warnings.extend((outcome.case_id, w) for w in outcome.warnings)
        elif outcome.status == "failed":
            self.failed.append(outcome)
        else:
            self.invalid.append(outcome)


class _InOrder:
    """Delivers numbered outcomes in number order, holding the early ones back
    (at most the letters in flight)."""

    def __init__(self, deliver: Callable[[Case | InvalidCase, Outcome], None]) -> None:
        self.deliver = deliver
        self.next = 0
        self.waiting: dict[int, tuple[Case | InvalidCase, Outcome]] = {}

    def put(self, number: int, case: Case | InvalidCase, outcome: Outcome) -> None:
        self.waiting[number] = (case, outcome)
        while self.next in self.waiting:
            self.deliver(*self.waiting.pop(self.next))
            self.next += 1

    def flush(self) -> None:
        """After an interruption: deliver what finished, even with gaps before it."""
        for number in sorted(self.waiting):
            self.deliver(*self.waiting.pop(number))


def run_batch(
    items: Iterable[Case | InvalidCase],
    spec: TemplateSpec,
    *,
    settings: BatchSettings,
    registry: Registry,
    sinks: Sequence[Sink] = (),
    on_outcome: Callable[[Outcome], None] = lambda outcome: None,
) -> BatchSummary:
    """Render every valid case of ``items`` (invalid ones are reported as such).

    The manifest is always written, also when interrupted; the other sinks are
    closed only when the batch ran to its end and aborted otherwise.
    """
    summary = BatchSummary()
    manifest = ManifestWriter(settings.out_dir)

    def deliver(case: Case | InvalidCase, outcome: Outcome) -> None:
        summary.count(outcome)
        manifest.add(case, outcome)
        for sink in sinks:
            sink.add(case, outcome)
        on_outcome(outcome)

    ordered = _InOrder(deliver)
    cases: dict[int, Case] = {}  # in flight, for delivering their outcomes

    def tasks() -> Iterator[tuple[int, LetterTask]]:
        for number, item in enumerate(items):
            if isinstance(item, InvalidCase):
                ordered.put(number, item, invalid_outcome(item, spec))
                continue
            try:
                targets = case_targets(item, spec, settings.out_dir, settings.formats)
                letter_no = reserve_letter(item, spec, registry)
            except LettersError as error:
                ordered.put(number, item, failed_outcome(item, spec, error.message, error.hint))
                continue
            cases[number] = item
            yield number, LetterTask(item, letter_no, targets, settings.resume)

    def finished(number: int, task: LetterTask, outcome: Outcome) -> None:
        ordered.put(number, cases.pop(number), outcome)

    completed = False
    try:
        if settings.jobs <= 1:
            maker = LetterMaker(
                spec,
                settings,
                renderers_for(spec, settings.formats, fonts=settings.fonts),
                registry,
            )
            for number, task in tasks():
                finished(number, task, maker.make(task))
        else:
            from letters.batch.pool import Pool, PoolSettings

            pool_settings = PoolSettings(
                settings.jobs, settings.tasks_per_worker, preload=WORKER_IMPORTS
            )
            remove_dead_workers_scratch()
            # Workers may run in another folder (they fork from a server process).
            worker_spec = replace(spec, directory=spec.directory.resolve())
            Pool(
                BatchWorkerSetup(worker_spec, settings),
                pool_settings,
                on_result=finished,
                on_lost=lambda task, why: failed_outcome(
                    task.case, spec, why, "render this case alone (--jobs 1) to see the error"
                ),
            ).run(tasks())
        completed = True
    finally:
        ordered.flush()
        manifest.close()
        for sink in sinks:
            if completed:
                sink.close()
            else:
                sink.abort()
    return summary
