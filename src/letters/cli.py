"""The command line. Commands parse their options, call the library and print;
this is the only module that imports click. Library errors become messages
and exit codes at one boundary (:class:`LettersGroup`).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from letters import __version__
from letters.batch.mailing import MailingList
from letters.batch.plan import Plan, registered_for
from letters.batch.pool import default_jobs
from letters.batch.printfile import PrintFile
from letters.batch.run import FORMATS, BatchSettings, BatchSummary, Outcome, Sink, run_batch
from letters.calendar import RestDayCalendar, load_calendar
from letters.cases.load import read_rows
from letters.cases.stream import CaseFile, StreamValidation
from letters.cases.validate import Validation, build_cases
from letters.dates import parse_date
from letters.doctor import run_checks
from letters.errors import InputError, LettersError, Problem, Severity, ValueProblem
from letters.evidence.registry import Registry
from letters.render.context import build_letter_data
from letters.render.fonts import prepare_fonts
from letters.render.output import remove_stale_temps
from letters.schema import TYPE_DESCRIPTIONS, Level
from letters.templates.registry import TemplateRegistry, TemplateSpec

DEFAULT_DB = "letters.db"

stdout = Console(highlight=False, soft_wrap=True)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


@dataclass
class Settings:
    template_dirs: tuple[Path, ...]
    holidays: Path | None

    def templates(self) -> TemplateRegistry:
        return TemplateRegistry(self.template_dirs)

    def calendar(self) -> RestDayCalendar:
        return load_calendar(self.holidays)


class LettersGroup(click.Group):
    """Turns library errors into a message, a hint and exit code 1."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except InputError as error:
            print_problems(error.problems)
            raise click.exceptions.Exit(1) from None
        except LettersError as error:
            stderr.print(f"[bold red]Error:[/] {escape(error.message)}")
            if error.hint:
                stderr.print(f"Hint: {escape(error.hint)}")
            raise click.exceptions.Exit(1) from None


def print_problems(problems: Sequence[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.is_error else "yellow"
        where = f"{escape(str(problem.location))}: " if problem.location else ""
        stderr.print(f"{where}[{colour}]{problem.severity.value}[/]: {escape(problem.message)}")
        if problem.hint:
            stderr.print(f"    hint: {escape(problem.hint)}")


def _issue_date(ctx: click.Context, param: click.Parameter, value: str | None) -> date:
    if value is None:
        return date.today()
    try:
        return parse_date(value)
    except ValueProblem as problem:
        raise click.BadParameter(problem.message) from None


def _formats(ctx: click.Context, param: click.Parameter, value: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(v.strip().lower() for v in value.split(",") if v.strip()))
    unknown = [f for f in chosen if f not in FORMATS]
    if unknown or not chosen:
        raise click.BadParameter(
            f"choose from {', '.join(FORMATS)} (comma-separated), not {value!r}"
        )
    return chosen


def input_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by commands that read case data."""
    for option in reversed(
        [
            click.argument("case_file", type=click.Path(path_type=Path, dir_okay=False)),
            click.option(
                "--template",
                "-t",
                "template_id",
                required=True,
                help="Template id, e.g. goods-payment (see `letters templates list`).",
            ),
            click.option(
                "--encoding", help="Force the CSV encoding (default: detect UTF-8/GB18030)."
            ),
            click.option("--sheet", help="Worksheet of an .xlsx file (default: the first)."),
            click.option(
                "--issue-date",
                callback=_issue_date,
                metavar="DATE",
                help="Issue date for cases that do not give one (default: today).",
            ),
        ]
    ):
        function = option(function)
    return function


def db_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        type=click.Path(path_type=Path, dir_okay=False),
        envvar="LETTERS_DB",
        default=DEFAULT_DB,
        show_default=True,
        help="The registry database (also LETTERS_DB).",
    )(function)


@click.group(cls=LettersGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="letters")
@click.option(
    "--templates",
    "template_dirs",
    multiple=True,
    envvar="LETTERS_TEMPLATES",
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder of your own templates, searched before the built-ins "
    "(repeatable; also LETTERS_TEMPLATES).",
)
@click.option(
    "--holidays",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    envvar="LETTERS_HOLIDAYS",
    help="CSV (date,type: 休息/上班) of holidays for years chinesecalendar does "
    "not cover yet (also LETTERS_HOLIDAYS).",
)
@click.pass_context
def cli(ctx: click.Context, template_dirs: tuple[Path, ...], holidays: Path | None) -> None:
    """Produce Chinese demand letters (Word + PDF) from CSV, Excel or JSON case data,
    and keep a registry of every letter issued.

    \b
    Quick start:
      letters templates list
      letters check samples/goods-payment.csv --template goods-payment
      letters render samples/goods-payment.csv --template goods-payment --out out/
    """
    ctx.obj = Settings(template_dirs, holidays)


# ---------------------------------------------------------------- templates


@cli.group()
def templates() -> None:
    """List the letter kinds and show their fields."""


@templates.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def templates_list(settings: Settings, as_json: bool) -> None:
    """List available templates (your folders first, then the built-ins).

    \b
    Example:
      letters templates list
    """
    specs = settings.templates().all()
    if as_json:
        stdout.print_json(
            json.dumps(
                [
                    {
                        "id": s.id,
                        "title": s.title,
                        "description": s.description,
                        "letter_no_prefix": s.letter_no_prefix,
                        "builtin": s.builtin,
                        "directory": str(s.directory),
                    }
                    for s in specs
                ],
                ensure_ascii=False,
            )
        )
        return
    table = Table("id", "title", "letter number", "source")
    for spec in specs:
        table.add_row(
            spec.id,
            spec.title,
            spec.format_letter_no(date.today().year, 1),
            "built-in" if spec.builtin else str(spec.directory),
        )
    stdout.print(table)


def _required_text(spec_field: Any) -> str:
    if spec_field.required:
        return "required"
    if spec_field.default is not None:
        return f"default {spec_field.default}"
    return "optional"


@templates.command("show")
@click.argument("template_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def templates_show(settings: Settings, template_id: str, as_json: bool) -> None:
    """Show every field of a template: name, Chinese label, type, required, example.

    Column headers in your files may be the name, the Chinese label or an alias.

    \b
    Example:
      letters templates show goods-payment
    """
    spec = settings.templates().get(template_id)
    if as_json:
        stdout.print_json(
            json.dumps(
                {
                    "id": spec.id,
                    "title": spec.title,
                    "description": spec.description,
                    "letter_no_prefix": spec.letter_no_prefix,
                    "directory": str(spec.directory),
                    "fields": [f.as_dict() for f in spec.schema.fields],
                },
                ensure_ascii=False,
            )
        )
        return
    stdout.print(f"[bold]{spec.id}[/] {spec.title} — {escape(spec.description)}")
    levels = {
        Level.CASE: "case fields (one value per case)",
        Level.ITEM: "amount lines (one row each; rows share the case_id)",
        Level.GUARANTOR: "guarantors (one row each)",
    }
    for level, heading in levels.items():
        fields = spec.schema.at_level(level)
        if not fields:
            continue
        table = Table(
            "name", "label", "type", "required", "example", title=heading, title_justify="left"
        )
        for spec_field in fields:
            table.add_row(
                spec_field.name,
                spec_field.label,
                spec_field.type.value,
                _required_text(spec_field),
                escape(spec_field.example),
            )
        stdout.print(table)
    stdout.print("Types: " + "; ".join(f"{t.value} = {d}" for t, d in TYPE_DESCRIPTIONS.items()))


# ---------------------------------------------------------------- check


def _validate(
    settings: Settings,
    case_file: Path,
    template_id: str,
    encoding: str | None,
    sheet: str | None,
    issue_date: date,
) -> tuple[TemplateSpec, Validation]:
    spec = settings.templates().get(template_id)
    rows, file_problems = read_rows(case_file, spec.schema, encoding=encoding, sheet=sheet)
    return spec, build_cases(rows, spec.schema, today=issue_date, file_problems=file_problems)


def _summary(validation: Validation | StreamValidation) -> str:
    errors, warnings = len(validation.errors), len(validation.warnings)
    valid = validation.valid if isinstance(validation, StreamValidation) else len(validation.cases)
    total = valid + len(validation.invalid)
    return (
        f"{total} case{'s' * (total != 1)}: {valid} valid, "
        f"{len(validation.invalid)} invalid; {errors} error{'s' * (errors != 1)}, "
        f"{warnings} warning{'s' * (warnings != 1)}"
    )


@cli.command()
@input_options
@click.option("--json", "as_json", is_flag=True, help="Print JSON (problems and computed values).")
@click.option("--quiet", "-q", is_flag=True, help="Print only problems and the summary.")
@click.pass_obj
def check(
    settings: Settings,
    case_file: Path,
    template_id: str,
    encoding: str | None,
    sheet: str | None,
    issue_date: date,
    as_json: bool,
    quiet: bool,
) -> None:
    """Check a case file against a template and report every problem at once.

    Exit code 1 if there is any error. For valid cases, shows the amounts and the
    payment deadline the letter will print.

    \b
    Example:
      letters check cases.xlsx --template goods-payment
    """
    spec, validation = _validate(settings, case_file, template_id, encoding, sheet, issue_date)
    calendar = settings.calendar()
    valid = []
    problems = list(validation.problems)
    for case in validation.cases:
        data = build_letter_data(case, spec, letter_no="（待编号）", calendar=calendar)
        for warning in data.warnings:
            problems.append(
                Problem(warning, case.origin, None, severity=Severity.WARNING, case_id=case.case_id)
            )
        valid.append(
            {
                "case_id": case.case_id,
                "debtor_name": case.values["debtor_name"],
                "total_claim": format(data.total_claim, "f"),
                "total_claim_in_words": data.context["total_claim_in_words"],
                "deadline": data.deadlines["deadline"].legal.isoformat(),
                "explanations": data.explanations(),
            }
        )
    if as_json:
        stdout.print_json(
            json.dumps(
                {
                    "file": str(case_file),
                    "template": spec.id,
                    "cases": len(validation.cases) + len(validation.invalid),
                    "valid": valid,
                    "invalid": [i.case_id for i in validation.invalid],
                    "problems": [p.as_dict() for p in problems],
                },
                ensure_ascii=False,
            )
        )
    else:
        print_problems(problems)
        if valid and not quiet:
            table = Table("case", "addressee", "total (yuan)", "in words", "deadline")
            for row in valid:
                table.add_row(
                    row["case_id"],
                    row["debtor_name"],
                    row["total_claim"],
                    row["total_claim_in_words"],
                    row["deadline"],
                )
            stdout.print(table)
        stdout.print(_summary(validation))
    if validation.errors:
        raise click.exceptions.Exit(1)


# ---------------------------------------------------------------- render


@contextmanager
def _progress(total: int, enabled: bool) -> Iterator[Callable[[Outcome], None]]:
    if not enabled:
        yield lambda outcome: None
        return
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeRemainingColumn,
    )

    with Progress(
        TextColumn("rendering"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]}"),
        TimeRemainingColumn(),
        console=stderr,
        transient=True,
    ) as progress:
        task = progress.add_task("render", total=total, rate="")

        def advance(outcome: Outcome) -> None:
            done = progress.tasks[0].completed + 1
            elapsed = progress.tasks[0].elapsed or 0
            rate = f"{done / elapsed:.1f}/s" if elapsed else ""
            progress.update(task, advance=1, rate=rate)

        yield advance


def batch_options(function: Callable[..., Any]) -> Callable[..., Any]:
    """Options for large batches: workers, resuming, the print file, the mailing list."""
    for option in reversed(
        [
            click.option(
                "--jobs",
                "-j",
                type=click.IntRange(min=1),
                metavar="N",
                default=default_jobs,
                show_default="all cores",
                help="Worker processes rendering letters in parallel.",
            ),
            click.option(
                "--resume",
                is_flag=True,
                help="Finish an interrupted batch: cases whose files are complete and "
                "registered are not rendered again.",
            ),
            click.option(
                "--print-pdf",
                type=click.Path(path_type=Path, dir_okay=False),
                metavar="FILE",
                help="Also merge every letter into one PDF for printing, in input order.",
            ),
            click.option(
                "--duplex",
                is_flag=True,
                help="With --print-pdf: a blank page after each letter with an odd number "
                "of pages, so every letter starts on the front of a sheet.",
            ),
            click.option(
                "--mailing-list",
                type=click.Path(path_type=Path, dir_okay=False),
                metavar="FILE",
                help="Also write an .xlsx with one row per letter for China Post's EMS "
                "bulk upload (recipient, phone, address, 内件品名 with the letter number).",
            ),
        ]
    ):
        function = option(function)
    return function


@cli.command()
@input_options
@click.option(
    "--out",
    "-o",
    "out_dir",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the letters and manifest.json (created if needed).",
)
@click.option(
    "--format",
    "formats",
    default="docx,pdf",
    callback=_formats,
    show_default=True,
    help="Output formats, comma-separated.",
)
@click.option(
    "--skip-invalid",
    is_flag=True,
    help="Render the valid cases and list the invalid ones in the manifest.",
)
@click.option("--overwrite", is_flag=True, help="Replace existing output files.")
@db_option
@click.option(
    "--quiet", "-q", is_flag=True, help="No progress bar; print only problems and the summary."
)
@batch_options
@click.pass_obj
def render(
    settings: Settings,
    case_file: Path,
    template_id: str,
    encoding: str | None,
    sheet: str | None,
    issue_date: date,
    out_dir: Path,
    formats: tuple[str, ...],
    skip_invalid: bool,
    overwrite: bool,
    db: Path,
    quiet: bool,
    jobs: int,
    resume: bool,
    print_pdf: Path | None,
    duplex: bool,
    mailing_list: Path | None,
) -> None:
    """Render one letter per case as Word and PDF, and register each in the database.

    Files are named from the case id and the template id; out/manifest.json lists
    every case with its letter number, files, SHA-256 and status. Nothing is written
    if any case is invalid (unless --skip-invalid) or a file would be overwritten
    (unless --overwrite). Re-rendering an unchanged case keeps its letter number.

    \b
    Examples:
      letters render cases.xlsx --template goods-payment --out out/
      letters render rent.csv -t rent -o out/ --format pdf --skip-invalid
      letters render big.xlsx -t overdue-notice -o out/ --print-pdf out/print.pdf --duplex
      letters render big.xlsx -t overdue-notice -o out/ --resume
    """
    _check_batch_options(formats, print_pdf, duplex, mailing_list)
    spec = settings.templates().get(template_id)
    # Read twice, never held whole: once to validate and plan, once to render.
    source = CaseFile(case_file, spec.schema, issue_date, encoding, sheet)
    with ExitStack() as stack:
        # --resume: files the registry recorded for these very letters are no conflict.
        existing = stack.enter_context(Registry(db)) if resume and db.exists() else None
        ours = registered_for(existing, spec) if existing is not None else None
        plan = Plan(spec, out_dir, formats, overwrite=overwrite, ours=ours)
        validation = source.validate(plan.add)
    if validation.errors and not skip_invalid:
        print_problems(validation.problems)
        stderr.print(_summary(validation))
        stderr.print(
            "Nothing was written. Fix the problems, or use --skip-invalid to render "
            "the valid cases only."
        )
        raise click.exceptions.Exit(1)
    print_problems(validation.warnings if not skip_invalid else validation.problems)
    if plan.conflicts:
        print_problems(plan.conflicts)
        stderr.print("Nothing was written.")
        raise click.exceptions.Exit(1)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)
    batch = BatchSettings(
        out_dir.resolve(),
        formats,
        db.resolve(),
        settings.calendar(),
        jobs=max(1, min(jobs, validation.valid)),
        resume=resume,
        # Prepared once here, before any worker starts, never per letter.
        fonts=prepare_fonts() if "pdf" in formats else (),
    )
    sinks = _batch_sinks(spec, out_dir, print_pdf, duplex, mailing_list)
    show_progress = not quiet and stderr.is_terminal
    with Registry(db) as registry, _progress(validation.total, show_progress) as advance:
        try:
            summary = run_batch(
                source, spec, settings=batch, registry=registry, sinks=sinks, on_outcome=advance
            )
        except KeyboardInterrupt:
            stderr.print(
                "Interrupted. Letters finished so far are complete and registered; run the "
                "same command with --resume to finish the batch (nothing finished is "
                "rendered again)."
            )
            raise click.exceptions.Exit(130) from None
    _report(summary, out_dir, db, formats, sinks)


def _check_batch_options(
    formats: Sequence[str], print_pdf: Path | None, duplex: bool, mailing_list: Path | None
) -> None:
    if print_pdf is not None and "pdf" not in formats:
        raise click.UsageError("--print-pdf needs PDF letters (--format pdf or docx,pdf)")
    if duplex and print_pdf is None:
        raise click.UsageError("--duplex is for the print file: add --print-pdf FILE")
    if mailing_list is not None and mailing_list.suffix.lower() != ".xlsx":
        raise click.UsageError("--mailing-list must name an .xlsx file")


def _batch_sinks(
    spec: TemplateSpec,
    out_dir: Path,
    print_pdf: Path | None,
    duplex: bool,
    mailing_list: Path | None,
) -> list[Sink]:
    sinks: list[Sink] = []
    if print_pdf is not None:
        sinks.append(PrintFile(print_pdf, out_dir=out_dir, duplex=duplex))
    if mailing_list is not None:
        sinks.append(MailingList(mailing_list, spec))
    return sinks


def _report(
    summary: BatchSummary, out_dir: Path, db: Path, formats: Sequence[str], sinks: Sequence[Sink]
) -> None:
    for case_id, warning in summary.warnings:
        stderr.print(f"[yellow]warning[/]: case {escape(case_id)}: {escape(warning)}")
    for outcome in summary.failed:
        message = "; ".join(p["message"] for p in outcome.problems)
        stderr.print(f"[red]failed[/]: case {escape(outcome.case_id)}: {escape(message)}")
    rendered, new_entries = summary.rendered, summary.new_log_entries
    resumed = f", {summary.resumed} of them already complete" if summary.resumed else ""
    stdout.print(
        f"Rendered {rendered} letter{'s' * (rendered != 1)} "
        f"({rendered * len(formats)} files{resumed}) into {out_dir}; "
        f"registry {db}: {new_entries} new log entr{'ies' if new_entries != 1 else 'y'}."
    )
    for sink in sinks:
        if isinstance(sink, PrintFile):
            blank = f", {sink.blank_pages} blank pages for duplex" if sink.duplex else ""
            stdout.print(f"Print file: {sink.path} ({sink.letters} letters{blank}).")
        elif isinstance(sink, MailingList):
            stdout.print(f"Mailing list: {sink.path} ({sink.rows} rows).")
            if sink.without_phone:
                stderr.print(
                    f"[yellow]warning[/]: {len(sink.without_phone)} row(s) of the mailing list "
                    "have no recipient phone (债务人电话), which EMS asks for: "
                    + escape(", ".join(sink.without_phone[:10]))
                    + (" …" if len(sink.without_phone) > 10 else "")
                )
    if summary.invalid:
        stdout.print(
            f"Skipped {len(summary.invalid)} invalid case(s): "
            + ", ".join(o.case_id for o in summary.invalid)
            + " (see manifest.json)."
        )
    if summary.failed:
        failed = summary.failed
        stdout.print(f"{len(failed)} case(s) failed: " + ", ".join(o.case_id for o in failed))
        raise click.exceptions.Exit(1)


# ---------------------------------------------------------------- registry


@cli.group()
def registry() -> None:
    """Look at the issued-letter registry."""


@registry.command("list")
@db_option
@click.option("--case", "case_id", help="Only letters of this case.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
def registry_list(db: Path, case_id: str | None, as_json: bool) -> None:
    """List registered letters with their numbers and files.

    \b
    Example:
      letters registry list --case C2026-0001
    """
    if not db.exists():
        raise LettersError(f"no registry at {db}", "render some letters first, or pass --db")
    with Registry(db) as store:
        letters = store.letters(case_id)
    if as_json:
        stdout.print_json(json.dumps(letters, ensure_ascii=False))
        return
    table = Table("letter number", "case", "template", "issue date", "addressee", "status", "files")
    for letter in letters:
        table.add_row(
            letter["letter_no"],
            letter["case_id"],
            letter["template_id"],
            letter["issue_date"],
            letter["debtor_name"],
            letter["status"],
            ", ".join(sorted({f["format"] for f in letter["files"]})),
        )
    stdout.print(table)
    stdout.print(f"{len(letters)} letter{'s' * (len(letters) != 1)}")


# ---------------------------------------------------------------- doctor


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.option("--quiet", "-q", is_flag=True, help="Print only what is missing.")
@click.option("--quick", is_flag=True, help="Skip the test render of a Chinese PDF page.")
def doctor(as_json: bool, quiet: bool, quick: bool) -> None:
    """Check fonts, HarfBuzz subsetting, Pango, templates, holiday data, LibreOffice.

    Exit code 1 if something required is missing; each problem says how to fix it.

    \b
    Example:
      letters doctor
    """
    checks = run_checks(quick=quick)
    if as_json:
        stdout.print_json(json.dumps([c.as_dict() for c in checks], ensure_ascii=False))
    else:
        table = Table("check", "status", "detail", "fix")
        colours = {"ok": "green", "warning": "yellow", "missing": "red"}
        for item in checks:
            if quiet and item.ok:
                continue
            table.add_row(
                item.name,
                f"[{colours[item.status]}]{item.status}[/]",
                escape(item.detail),
                escape(item.fix),
            )
        if table.row_count:
            stdout.print(table)
        elif quiet:
            stdout.print("doctor: everything needed is installed")
    if any(c.status == "missing" for c in checks):
        raise click.exceptions.Exit(1)


def main() -> None:
    # Chinese in messages must not crash a terminal set to a non-UTF-8 locale.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    cli(prog_name="letters")
