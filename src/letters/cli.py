"""The command line. Commands parse their options, call the library and print;
this is the only module that imports click. Library errors become messages
and exit codes at one boundary (:class:`LettersGroup`).
"""

from __future__ import annotations

import csv
import io
import json
import os
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
from rich.table import Column, Table

from letters import __version__
from letters.batch.mailing import MailingList
from letters.batch.plan import Plan, issued_elsewhere, name_clashes, registered_for
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
from letters.evidence.history import case_histories, case_history
from letters.evidence.log import LogEntry
from letters.evidence.notes import PRIVATE_KEY_PREFIX, NoteError, VerifierKey
from letters.evidence.pack import export_pack, verify_pack
from letters.evidence.recording import commit, draft_from_options, prepare, read_drafts, record
from letters.evidence.registry import Registry
from letters.evidence.storage import DbLocation, describe, is_postgres
from letters.evidence.verify import CheckpointSource, verify_log
from letters.model import Case
from letters.render.context import build_letter_data
from letters.render.fonts import prepare_fonts
from letters.render.output import atomic_write, remove_stale_temps
from letters.rules.limitation import (
    DEFAULT_WITHIN,
    URGENCY,
    Assessment,
    CaseAssessment,
    Status,
    assess_case,
    most_urgent_first,
    warnings_for,
)
from letters.rules.periods import last_day
from letters.schema import TYPE_DESCRIPTIONS, Level
from letters.templates.fix import fix_template
from letters.templates.guide import build_guide
from letters.templates.lint import FILES_OF_FORMAT, Report, check_template
from letters.templates.preview import preview_template
from letters.templates.registry import (
    TemplateRegistry,
    TemplateSpec,
    builtin_templates_dir,
    load_template,
    user_templates_dir,
)
from letters.templates.scaffold import new_template
from letters.templates.variables import variable_uses
from letters.templates.vocabulary import vocabulary

DEFAULT_DB = "letters.db"

# Piped or redirected output has no terminal width: tables (a limitation report has
# a dozen columns) then get room instead of rich's default of 80 columns.
_PIPE_WIDTH = None if sys.stdout.isatty() or "COLUMNS" in os.environ else 160
stdout = Console(highlight=False, soft_wrap=True, width=_PIPE_WIDTH)
stderr = Console(stderr=True, highlight=False, soft_wrap=True)


def _table(*headers: str, **options: Any) -> Table:
    """A table whose cells wrap instead of being cut off with "…" (a letter number
    or an amount in words must be read whole, also when piped to a file)."""
    return Table(*(Column(h, overflow="fold") for h in headers), **options)


@dataclass
class Settings:
    template_dirs: tuple[Path, ...]
    holidays: Path | None
    given: tuple[str, ...] = ()  # --set NAME=VALUE, for every case of the batch

    def templates(self) -> TemplateRegistry:
        # --templates / LETTERS_TEMPLATES first, then the per-user folder, then the built-ins.
        return TemplateRegistry((*self.template_dirs, user_templates_dir()))

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


def _print_capped(problems: Sequence[Problem], about: str, command: str, most: int = 10) -> None:
    """At most ``most`` of a long list of warnings, and where to see them all."""
    print_problems(problems[:most])
    if len(problems) > most:
        stderr.print(f"… and {len(problems) - most} more warnings {about}: see `{command}`.")


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
            click.option(
                "--set",
                "given",
                multiple=True,
                metavar="FIELD=VALUE",
                expose_value=False,
                callback=_remember("given"),
                help="A value for every case that leaves the field empty, e.g. "
                "--set 债权人名称=上海申江机电设备有限公司 (repeatable).",
            ),
            click.option(
                "--holidays",
                type=click.Path(path_type=Path, dir_okay=False, exists=True),
                expose_value=False,
                callback=_remember("holidays"),
                help="CSV (date,type: 休息/上班) of holidays for years chinesecalendar does "
                "not cover yet (also LETTERS_HOLIDAYS).",
            ),
        ]
    ):
        function = option(function)
    return function


def _remember(name: str) -> Callable[[click.Context, click.Parameter, Any], None]:
    """A callback that stores an option's value in the Settings (options that several
    commands share without each command's signature listing them)."""

    def store(ctx: click.Context, param: click.Parameter, value: Any) -> None:
        if value:
            setattr(ctx.ensure_object(Settings), name, value)

    return store


def _given_values(settings: Settings, spec: TemplateSpec) -> dict[str, object]:
    """Typed values of --set NAME=VALUE options."""
    values: dict[str, object] = {}
    for text in settings.given:
        name, separator, raw = text.partition("=")
        spec_field = spec.schema.resolve_header(name) if separator else None
        if spec_field is None or spec_field.level is not Level.CASE:
            raise LettersError(
                f"--set {text}: {name!r} is not a case field of template {spec.id}",
                f"write --set FIELD=VALUE with a field from `letters templates show {spec.id}`",
            )
        try:
            values[spec_field.name] = spec_field.parse(raw)
        except ValueProblem as problem:
            raise LettersError(f"--set {text}: {problem.message}", problem.hint) from None
    return values


def _database_location(ctx: click.Context, param: click.Parameter, value: str) -> DbLocation:
    """A SQLite file path, or a postgresql:// URL kept as text (a Path would fold its "//")."""
    return value if is_postgres(value) else Path(value)


def db_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--db",
        callback=_database_location,
        envvar="LETTERS_DB",
        default=DEFAULT_DB,
        show_default=True,
        help="The registry database: a SQLite file, or postgresql://user@host/name "
        "(also LETTERS_DB).",
    )(function)


def db_exists(db: DbLocation) -> bool:
    """Whether the registry is there already (a PostgreSQL URL names a server database)."""
    return is_postgres(db) or Path(db).exists()


def existing_db(db: DbLocation) -> DbLocation:
    """Refuse to create a new, empty SQLite database by reading one that is not there."""
    if not is_postgres(db) and not Path(db).exists():
        raise LettersError(f"no registry at {db}", "render some letters first, or pass --db")
    return db


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
    """List, show, copy, check and preview templates.

    Your own templates live in --templates DIR, LETTERS_TEMPLATES, or
    ~/.config/letters/templates ($XDG_CONFIG_HOME); they are searched before the
    built-ins, so one may replace a built-in id.
    """


@templates.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def templates_list(settings: Settings, as_json: bool) -> None:
    """List templates: your folders first, then the built-ins, and which definition
    of each id is in use.

    \b
    Example:
      letters templates list
    """
    definitions = settings.templates().definitions()
    if as_json:
        entries: list[dict[str, Any]] = []
        for definition in definitions:
            spec = definition.spec
            if definition.overridden_by is not None:
                continue
            if spec is None:
                entries.append(
                    {
                        "id": definition.id,
                        "directory": str(definition.directory),
                        "error": str(definition.error),
                    }
                )
                continue
            entries.append(
                {
                    "id": spec.id,
                    "title": spec.title,
                    "description": spec.description,
                    "letter_no_prefix": spec.letter_no_prefix,
                    "builtin": spec.builtin,
                    "directory": str(spec.directory),
                    "derives_from": spec.kind,
                    "overrides": [
                        str(d.directory) for d in definitions if d.overridden_by == spec.directory
                    ],
                }
            )
        stdout.print_json(json.dumps(entries, ensure_ascii=False))
        return
    table = _table("id", "title", "letter number", "source", "status")
    for definition in definitions:
        spec = definition.spec
        source = "built-in" if definition.builtin else str(definition.directory)
        if spec is None:
            error = definition.error.message if definition.error else ""
            table.add_row(definition.id, "", "", source, f"[red]broken[/]: {escape(error)}")
            continue
        status = (
            f"overridden by {definition.overridden_by}"
            if definition.overridden_by is not None
            else "[green]in use[/]"
        )
        table.add_row(
            spec.id, spec.title, spec.format_letter_no(date.today().year, 1), source, status
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
        table = _table(
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


# ---------------------------------------------------------------- template authoring


def _template(settings: Settings, name: str) -> TemplateSpec:
    """A template by id, or by the path of its folder."""
    folder = Path(name)
    if (folder / "template.toml").is_file():
        builtin = folder.resolve().parent == builtin_templates_dir().resolve()
        return load_template(folder, builtin=builtin)
    return settings.templates().get(name)


def _check_summary(report: Report) -> str:
    errors, warnings = len(report.errors), len(report.warnings)
    fixable = sum(1 for f in report.findings if f.can_fix)
    text = (
        f"template {report.spec.id} ({report.spec.directory}): "
        f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
    )
    if fixable:
        text += f"; {fixable} can be repaired with --fix"
    return text


@templates.command("new")
@click.argument("new_id")
@click.option("--from", "base_id", required=True, help="The template to copy, e.g. legal-demand.")
@click.option("--title", help="A new Chinese title (default: the copied template's).")
@click.option(
    "--dir",
    "folder",
    type=click.Path(path_type=Path, file_okay=False),
    help="Where to create it (default: the first --templates folder, else "
    "~/.config/letters/templates).",
)
@click.pass_obj
def templates_new(
    settings: Settings, new_id: str, base_id: str, title: str | None, folder: Path | None
) -> None:
    """Copy a template into your template folder, to edit in Word.

    \b
    Example:
      letters templates new my-demand --from legal-demand
    """
    root = folder or (settings.template_dirs[0] if settings.template_dirs else user_templates_dir())
    spec = new_template(settings.templates().get(base_id), new_id, root, title=title)
    stdout.print(f"Created {spec.directory} ({spec.title}, derived from {spec.kind}).")
    stdout.print(
        f"Edit {spec.docx_path} in Word (and template.html for the PDF), then run: "
        f"letters templates check {new_id}"
    )
    if folder is not None and folder not in (*settings.template_dirs, user_templates_dir()):
        stdout.print(f"Pass --templates {folder} (or set LETTERS_TEMPLATES) to use it.")


@templates.command("check")
@click.argument("template_id")
@click.option("--fix", is_flag=True, help="Repair what is safely repairable (keeps a backup).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def templates_check(settings: Settings, template_id: str, fix: bool, as_json: bool) -> None:
    """Check a template's Word and HTML files: tags, variables, tables, fonts, wording.

    Each problem names the file, the place (paragraph, table cell or line) and a fix.
    Exit code 1 if there is an error; `render` refuses such a template.

    \b
    Examples:
      letters templates check my-demand
      letters templates check my-demand --fix
    """
    spec = _template(settings, template_id)
    changes = []
    if fix:
        result = fix_template(spec)
        changes = result.changes
        spec = load_template(spec.directory, builtin=spec.builtin)
        if not as_json:
            for change in changes:
                stdout.print(f"fixed: {escape(str(change))}")
            for backup in result.backups:
                stdout.print(f"original kept as {backup}")
            if not changes:
                stdout.print("nothing to repair")
    report = check_template(spec)
    if as_json:
        stdout.print_json(
            json.dumps(
                {
                    "template": spec.id,
                    "directory": str(spec.directory),
                    "errors": len(report.errors),
                    "warnings": len(report.warnings),
                    "findings": [f.as_dict() for f in report.findings],
                    "fixed": [str(c) for c in changes],
                },
                ensure_ascii=False,
            )
        )
    else:
        print_problems(report.problems())
        stdout.print(_check_summary(report))
    if report.errors:
        raise click.exceptions.Exit(1)


def _refuse_broken_template(spec: TemplateSpec, formats: Sequence[str]) -> None:
    """Stop before anything is rendered when the template fails `templates check`."""
    report = check_template(spec)
    errors = report.errors_for(formats)
    if errors:
        print_problems(report.problems(errors))
        stderr.print(
            f"Template {spec.id} fails `letters templates check` with {len(errors)} "
            f"error{'s' * (len(errors) != 1)}; nothing was written."
        )
        raise click.exceptions.Exit(1)
    if report.warnings:
        stderr.print(
            f"note: template {spec.id} has {len(report.warnings)} warning(s); "
            f"see `letters templates check {spec.id}`"
        )


@templates.command("preview")
@click.argument("template_id")
@click.option(
    "--case",
    "case_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Take the case from this file (default: the template's sample case).",
)
@click.option("--case-id", help="Which case of --case (default: the first valid one).")
@click.option(
    "--out",
    "-o",
    "out_dir",
    default="preview",
    show_default=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="Folder for the preview files.",
)
@click.option("--issue-date", callback=_issue_date, metavar="DATE", help="Issue date to use.")
@click.pass_obj
def templates_preview(
    settings: Settings,
    template_id: str,
    case_file: Path | None,
    case_id: str | None,
    out_dir: Path,
    issue_date: date,
) -> None:
    """Render a sample letter: DOCX, PDF and a PNG of page 1 to look at.

    Nothing is registered; the letter number is 第0000号.

    \b
    Examples:
      letters templates preview my-demand --out preview/
      letters templates preview my-demand --case samples/legal-demand.json
    """
    spec = _template(settings, template_id)
    present = [
        f
        for f, files in FILES_OF_FORMAT.items()
        if any((spec.directory / n).is_file() for n in files)
    ]
    _refuse_broken_template(spec, present)
    case = None
    if case_file is not None:
        rows, file_problems = read_rows(case_file, spec.schema)
        validation = build_cases(rows, spec.schema, today=issue_date, file_problems=file_problems)
        chosen = [c for c in validation.cases if case_id in (None, c.case_id)]
        if not chosen:
            print_problems(validation.problems)
            raise LettersError(
                f"no valid case{' ' + case_id if case_id else ''} in {case_file}",
                "fix the problems above (`letters check`), or choose another --case-id",
            )
        case = chosen[0]
    preview = preview_template(spec, out_dir, case=case, issue_date=issue_date)
    for warning in preview.warnings:
        stderr.print(f"[yellow]warning[/]: {escape(warning)}")
    for note in preview.notes:
        stderr.print(f"note: {escape(note)}")
    stdout.print(f"Preview of {spec.id} for case {preview.case_id}:")
    for label, path in (("Word", preview.docx), ("PDF", preview.pdf), ("page 1", preview.png)):
        if path is not None:
            stdout.print(f"  {label}: {path}")
    if preview.png is None:
        raise click.exceptions.Exit(1)


@templates.command("vars")
@click.argument("template_id")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def templates_vars(settings: Settings, template_id: str, as_json: bool) -> None:
    """List every variable a template uses (loop and nested ones too) and where.

    \b
    Example:
      letters templates vars my-demand
    """
    spec = _template(settings, template_id)
    report = check_template(spec)
    uses = variable_uses(report.usages, vocabulary(spec))
    if as_json:
        stdout.print_json(json.dumps([u.as_dict() for u in uses], ensure_ascii=False))
    else:
        table = _table("variable", "what", "label", "written as", "used in")
        for use in uses:
            table.add_row(
                use.path,
                use.kind if use.kind != "does not exist" else "[red]does not exist[/]",
                use.label,
                ", ".join(use.written),
                use.where,
            )
        stdout.print(table)
    if any(f.code in {"jinja-syntax", "docxtpl-syntax"} for f in report.errors):
        stderr.print(
            "note: a file has a syntax error, so the list is incomplete; see `letters templates check`"
        )


@templates.command("guide")
@click.option(
    "--out",
    "out_file",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Write the guide to this file (default: print it).",
)
@click.option("--check", "check_file", is_flag=True, help="Exit 1 if --out differs from the guide.")
def templates_guide(out_file: Path | None, check_file: bool) -> None:
    """The template author guide (Chinese and English): every variable, filter and check.

    \b
    Examples:
      letters templates guide --out docs/template-guide.md
      letters templates guide --out docs/template-guide.md --check
    """
    text = build_guide()
    if out_file is None:
        click.echo(text, nl=False)
        return
    if check_file:
        current = out_file.read_text(encoding="utf-8") if out_file.is_file() else ""
        if current != text:
            stderr.print(f"{out_file} is stale: run letters templates guide --out {out_file}")
            raise click.exceptions.Exit(1)
        stdout.print(f"{out_file} is current")
        return
    out_file.parent.mkdir(parents=True, exist_ok=True)
    out_file.write_text(text, encoding="utf-8")
    stdout.print(f"wrote {out_file}")


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
    given = _given_values(settings, spec)
    rows, file_problems = read_rows(case_file, spec.schema, encoding=encoding, sheet=sheet)
    return spec, build_cases(
        rows, spec.schema, today=issue_date, file_problems=file_problems, given=given
    )


def _summary(
    validation: Validation | StreamValidation, problems: Sequence[Problem] | None = None
) -> str:
    problems = validation.problems if problems is None else problems
    errors = sum(1 for p in problems if p.is_error)
    warnings = len(problems) - errors
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
@db_option
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
    db: DbLocation,
) -> None:
    """Check a case file against a template and report every problem at once.

    Exit code 1 if there is any error. For valid cases, shows the amounts and the
    payment deadline the letter will print, and warns when a limitation or
    guarantee period has ended or ends within 30 days of the issue date (counting
    the receipts already recorded in --db, if it exists).

    \b
    Example:
      letters check cases.xlsx --template goods-payment
    """
    spec, validation = _validate(settings, case_file, template_id, encoding, sheet, issue_date)
    calendar = settings.calendar()
    valid = []
    problems = list(validation.problems) + name_clashes(validation.cases, spec)
    for case in validation.cases:
        data = build_letter_data(case, spec, letter_no="（待编号）", calendar=calendar)
        for warning in data.warnings:
            problems.append(
                Problem(
                    warning,
                    case.origin,
                    "render refuses this case unless you pass --holidays FILE or "
                    "--allow-unchecked-deadlines",
                    severity=Severity.WARNING,
                    case_id=case.case_id,
                )
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
    # Limitation (诉讼时效/保证期间) ended or ending within 30 days, with events logged in --db.
    limitation_warnings = _limitation_problems(settings, validation.cases, db)
    problems.extend(limitation_warnings)
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
            table = _table("case", "addressee", "total (yuan)", "in words", "deadline")
            for row in valid:
                table.add_row(
                    row["case_id"],
                    row["debtor_name"],
                    row["total_claim"],
                    row["total_claim_in_words"],
                    row["deadline"],
                )
            stdout.print(table)
        stdout.print(
            _summary(validation, problems)
            + (f" ({len(limitation_warnings)} about limitation)" if limitation_warnings else "")
        )
    if any(p.is_error for p in problems):
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
    "--allow-unchecked-deadlines",
    is_flag=True,
    help="Print deadlines in years without holiday data as counted, unrolled "
    "(default: such cases fail; pass --holidays FILE instead).",
)
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
    db: DbLocation,
    allow_unchecked_deadlines: bool,
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
    _refuse_broken_template(spec, formats)
    # Read twice, never held whole: once to validate and plan, once to render.
    source = CaseFile(
        case_file, spec.schema, issue_date, encoding, sheet, given=_given_values(settings, spec)
    )
    limitation: list[Problem] = []
    with ExitStack() as stack:
        existing = stack.enter_context(Registry(db)) if db_exists(db) else None
        plan = Plan(
            spec,
            out_dir,
            formats,
            overwrite=overwrite,
            # --resume: files the registry recorded for these very letters are no conflict.
            ours=registered_for(existing, spec) if existing is not None and resume else None,
            # --overwrite never replaces the file of a letter this case would not reproduce.
            issued_as=issued_elsewhere(existing, spec) if existing is not None else None,
        )
        warn_limitation = _LimitationCheck(settings, existing)

        def planned(case: Case) -> None:
            plan.add(case)
            limitation.extend(warn_limitation.problems(case))

        validation = source.validate(planned)
    if validation.errors and not skip_invalid:
        print_problems(validation.problems)
        stderr.print(_summary(validation))
        stderr.print(
            "Nothing was written. Fix the problems, or use --skip-invalid to render "
            "the valid cases only."
        )
        raise click.exceptions.Exit(1)
    print_problems(validation.warnings if not skip_invalid else validation.problems)
    _print_capped(limitation, "about limitation periods", "letters limitation report")
    if plan.conflicts:
        print_problems(plan.conflicts)
        stderr.print("Nothing was written.")
        raise click.exceptions.Exit(1)
    out_dir.mkdir(parents=True, exist_ok=True)
    for folder in {out_dir, *(p.parent for p in (print_pdf, mailing_list) if p is not None)}:
        remove_stale_temps(folder)  # left by a batch that was killed
    batch = BatchSettings(
        out_dir.resolve(),
        formats,
        db if is_postgres(db) else Path(db).resolve(),
        settings.calendar(),
        jobs=max(1, min(jobs, validation.valid)),
        resume=resume,
        allow_unchecked_deadlines=allow_unchecked_deadlines,
        # Prepared once here, before any worker starts, never per letter.
        fonts=prepare_fonts() if "pdf" in formats else (),
    )
    sinks = _batch_sinks(spec, out_dir, print_pdf, duplex, mailing_list)
    show_progress = not quiet and stderr.is_terminal
    if not db_exists(db):
        stderr.print(
            f"Note: starting a new registry at {escape(str(db))}. Letter numbers are unique "
            "within one registry: use the same --db (or LETTERS_DB) for every batch."
        )
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
    summary: BatchSummary,
    out_dir: Path,
    db: DbLocation,
    formats: Sequence[str],
    sinks: Sequence[Sink],
) -> None:
    for case_id, warning in summary.warnings:
        stderr.print(f"[yellow]warning[/]: case {escape(case_id)}: {escape(warning)}")
    for outcome in summary.failed:
        message = "; ".join(p["message"] for p in outcome.problems)
        stderr.print(f"[red]failed[/]: case {escape(outcome.case_id)}: {escape(message)}")
    rendered, new_entries = summary.rendered, summary.new_log_entries
    files = rendered * len(formats)
    resumed = (
        f"; {summary.resumed} letter{'s' * (summary.resumed != 1)} were already complete"
        if summary.resumed
        else ""
    )
    stdout.print(
        f"Rendered {rendered} letter{'s' * (rendered != 1)} "
        f"({files} file{'s' * (files != 1)}{resumed}) into {out_dir}; "
        f"registry {describe(db)}: {new_entries} new log entr{'ies' if new_entries != 1 else 'y'}."
    )
    for sink in sinks:
        if isinstance(sink, PrintFile):
            blank = f", {sink.blank_pages} blank pages for duplex" if sink.duplex else ""
            stdout.print(
                f"Print file: {sink.path} ({sink.letters} copies: one per addressee and "
                f"guarantor{blank})."
            )
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
def registry_list(db: DbLocation, case_id: str | None, as_json: bool) -> None:
    """List registered letters with their numbers and files.

    \b
    Example:
      letters registry list --case C2026-0001
    """
    with Registry(existing_db(db)) as store:
        letters = store.letters(case_id)
    if as_json:
        stdout.print_json(json.dumps(letters, ensure_ascii=False))
        return
    table = _table(
        "letter number", "case", "template", "issue date", "addressee", "status", "files"
    )
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
        table = _table("check", "status", "detail", "fix")
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


# ---------------------------------------------------------------- limitation
# 诉讼时效 and 保证期间 (letters.rules.limitation); render and check call
# _limitation_problems to warn about periods that have ended or end soon.

LIMITATION_WARN_DAYS = 30
STATUS_COLOURS = {
    Status.EXPIRED: "bold red",
    Status.EXPIRED_BUT_WAIVED: "red",
    Status.DUE_SOON: "yellow",
    Status.NEEDS_EVIDENCE: "magenta",
    Status.HOLIDAY_DATA_UNAVAILABLE: "cyan",
    Status.OK: "green",
}
REPORT_COLUMNS = (
    "status",
    "case_id",
    "obligor",
    "role",
    "guarantee_type",
    "claim",
    "period",
    "start",
    "start_reason",
    "last_event",
    "last_event_date",
    "last_event_log_index",
    "raw_last_day",
    "legal_last_day",
    "safe_action_date",
    "maximum_last_day",
    "days_left",
    "notes",
)


class _LimitationCheck:
    """Warnings for a case whose period has ended or ends within 30 days of the
    letter's issue date, counting the events already logged in ``store`` (if any)."""

    def __init__(self, settings: Settings, store: Registry | None) -> None:
        self.calendar = settings.calendar()
        self.store = store

    def problems(self, case: Case) -> list[Problem]:
        history = case_history(self.store, case.case_id) if self.store is not None else None
        issue_date = case.values["issue_date"]
        assert isinstance(issue_date, date)
        assessment = assess_case(
            case.canonical(),
            history.events if history else (),
            history.letters if history else (),
            as_of=issue_date,
            calendar=self.calendar,
            within=LIMITATION_WARN_DAYS,
        )
        return [
            Problem(message, case.origin, None, Severity.WARNING, case.case_id)
            for message in warnings_for(assessment)
        ]


def _limitation_problems(
    settings: Settings, cases: Sequence[Case], db: DbLocation
) -> list[Problem]:
    """:class:`_LimitationCheck` for every case, with the events logged in ``db`` if it exists."""
    with ExitStack() as stack:
        store = stack.enter_context(Registry(db)) if db_exists(db) else None
        check = _LimitationCheck(settings, store)
        return [problem for case in cases for problem in check.problems(case)]


def _assess_registry(
    settings: Settings, db: DbLocation, as_of: date, within: int, case_id: str | None
) -> list[CaseAssessment]:
    calendar = settings.calendar()
    with Registry(existing_db(db)) as store:
        if case_id is None:
            histories = case_histories(store)
        else:
            history = case_history(store, case_id)
            if history is None:
                raise LettersError(
                    f"no letters for case {case_id} in {db}", "see `letters registry list`"
                )
            histories = [history]
    return [
        assess_case(h.case_data, h.events, h.letters, as_of=as_of, calendar=calendar, within=within)
        for h in histories
    ]


def _report_row(row: Assessment) -> dict[str, Any]:
    data = row.as_dict()
    event = data.pop("last_event") or {}
    data["last_event"] = event.get("kind")
    data["last_event_date"] = event.get("date")
    data["last_event_log_index"] = event.get("log_index")
    return data


def as_of_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--as-of",
        callback=_issue_date,
        metavar="DATE",
        help="The day to compute the position on (default: today); later events are ignored.",
    )(function)


@cli.group()
def limitation() -> None:
    """Limitation periods (诉讼时效) and guarantee periods (保证期间), per debtor and guarantor."""


@limitation.command("report")
@db_option
@as_of_option
@click.option(
    "--within",
    type=click.IntRange(0, 3650),
    default=DEFAULT_WITHIN,
    show_default=True,
    help="A period ending within this many days is due-soon.",
)
@click.option("--case", "case_id", help="Only this case.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON (every claim part, every step).")
@click.option(
    "--csv",
    "csv_path",
    type=click.Path(path_type=Path, dir_okay=False),
    metavar="FILE",
    help="Write the report to a CSV file (UTF-8 with BOM, opens in Excel).",
)
@click.pass_obj
def limitation_report(
    settings: Settings,
    db: DbLocation,
    as_of: date,
    within: int,
    case_id: str | None,
    as_json: bool,
    csv_path: Path | None,
) -> None:
    """List every debtor, joint debtor and guarantor with the last day of their
    period, most urgent first.

    Statuses: expired, expired-but-waived, due-soon, needs-evidence (a letter
    with no recorded delivery or signature), holiday-data-unavailable, ok.

    \b
    Examples:
      letters limitation report
      letters limitation report --as-of 2026-11-22 --within 60 --csv limitation.csv
    """
    if as_json and csv_path:
        raise click.UsageError("choose one of --json and --csv")
    assessments = _assess_registry(settings, db, as_of, within, case_id)
    rows = most_urgent_first([row for a in assessments for row in a.rows()])
    # Nothing owed with a due date (all paid, or a template without due dates).
    skipped = [a.case_id for a in assessments if not a.assessments]
    if as_json:
        parts = {a.case_id: [p.as_dict() for p in a.assessments] for a in assessments}
        stdout.print_json(
            json.dumps(
                {
                    "as_of": as_of.isoformat(),
                    "within": within,
                    "obligors": [row.as_dict() for row in rows],
                    "claim_parts": parts,
                    "skipped": skipped,
                },
                ensure_ascii=False,
            )
        )
        return
    if csv_path:
        with csv_path.open("w", encoding="utf-8-sig", newline="") as handle:
            writer = csv.DictWriter(handle, REPORT_COLUMNS, extrasaction="ignore")
            writer.writeheader()
            for row in rows:
                data = _report_row(row)
                data["notes"] = "; ".join(data["notes"])
                writer.writerow(data)
        stdout.print(f"Wrote {len(rows)} row{'s' * (len(rows) != 1)} to {csv_path}")
        return
    table = _table(
        "status",
        "case",
        "obligor",
        "claim",
        "period",
        "start",
        "last event",
        "raw",
        "legal last day",
        "safe action",
        "20-year",
        title=f"Limitation as of {as_of.isoformat()}",
    )
    for row in rows:
        event = row.last_event
        table.add_row(
            f"[{STATUS_COLOURS[row.status]}]{row.status.value}[/]",
            escape(row.case_id),
            escape(f"{row.obligor} ({row.role.value})"),
            escape(row.claim),
            row.governing.value,
            row.start.isoformat(),
            f"{event.kind.value} {event.day.isoformat()} #{event.log_index}" if event else "",
            row.deadline.raw.isoformat(),
            row.deadline.legal.isoformat(),
            row.deadline.safe_action.isoformat() if row.deadline.safe_action else "",
            row.maximum.legal.isoformat(),
        )
    stdout.print(table)
    counts = {s: sum(r.status is s for r in rows) for s in URGENCY}
    stdout.print(", ".join(f"{n} {s.value}" for s, n in counts.items() if n) or "no cases")
    if skipped:
        stdout.print(f"No outstanding amount with a due date: {', '.join(skipped)}")


@limitation.command("explain")
@click.argument("case_id")
@db_option
@as_of_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def limitation_explain(
    settings: Settings, case_id: str, db: DbLocation, as_of: date, as_json: bool
) -> None:
    """Explain one case: for each obligor and claim, the dated steps that give the
    last day, each citing its article and log entry, with the alternative readings.

    \b
    Example:
      letters limitation explain C2026-0001 --as-of 2026-11-22
    """
    (assessment,) = _assess_registry(settings, db, as_of, DEFAULT_WITHIN, case_id)
    if as_json:
        stdout.print_json(
            json.dumps(
                {
                    "case_id": assessment.case_id,
                    "as_of": as_of.isoformat(),
                    "claim_parts": [a.as_dict() for a in assessment.assessments],
                },
                ensure_ascii=False,
            )
        )
        return
    stdout.print(f"[bold]Case {escape(case_id)}[/] as of {as_of.isoformat()}")
    for part in assessment.assessments:
        colour = STATUS_COLOURS[part.status]
        stdout.print(
            f"\n[bold]{escape(part.obligor)}[/] ({part.role.value}) — {escape(part.claim)}: "
            f"[{colour}]{part.status.value}[/], {part.governing.value} ends "
            f"{part.deadline.legal.isoformat()}"
        )
        for step in part.steps:
            where = f"  [dim]log #{step.log_index}[/]" if step.log_index is not None else ""
            stdout.print(f"  {step.day.isoformat()}  {escape(step.text)}{where}")
            for detail in step.details:
                stdout.print(f"              · {escape(detail)}")
        for note in part.notes:
            stdout.print(f"  [yellow]note[/]: {escape(note)}")


@limitation.command("check-date")
@click.argument("start", metavar="DATE", callback=_issue_date)
@click.option("--years", type=click.IntRange(0, 100), default=0, help="Length in years.")
@click.option("--months", type=click.IntRange(0, 1200), default=0, help="Length in months.")
@click.option("--days", type=click.IntRange(0, 36500), default=0, help="Length in days.")
@click.option(
    "--no-roll",
    is_flag=True,
    help="Do not move a last day off a rest day (as for guarantee periods, 民法典 Art. 692).",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@click.pass_obj
def limitation_check_date(
    settings: Settings,
    start: date,
    years: int,
    months: int,
    days: int,
    no_roll: bool,
    as_json: bool,
) -> None:
    """The bare date arithmetic of 民法典 Arts. 201-203: the last day of a period
    that starts on DATE (that day not counted), rolled past rest days.

    \b
    Examples:
      letters limitation check-date 2023-01-10 --years 3
      letters limitation check-date 2023-03-31 --months 6 --no-roll
    """
    if not (years or months or days):
        raise click.UsageError("give the length: --years, --months and/or --days")
    result = last_day(
        start, years=years, months=months, days=days, calendar=settings.calendar(), roll=not no_roll
    )

    def iso(day: date | None) -> str | None:
        return day.isoformat() if day else None

    data = {
        "start": start.isoformat(),
        "length": result.length,
        "raw_last_day": result.raw.isoformat(),
        "legal_last_day": result.legal.isoformat(),
        "safe_action_date": iso(result.safe_action),
        "holidays_only_last_day": iso(result.holidays_only),
        "if_rolled_last_day": iso(result.if_rolled),
        "holiday_data_missing": result.holiday_data_missing,
        "steps": list(result.steps),
    }
    if as_json:
        stdout.print_json(json.dumps(data, ensure_ascii=False))
        return
    stdout.print(f"raw last day:     {result.raw.isoformat()}")
    stdout.print(f"legal last day:   {result.legal.isoformat()}")
    stdout.print(f"safe action date: {iso(result.safe_action) or 'unknown (no holiday data)'}")
    for step in result.steps:
        stdout.print(f"  · {escape(step)}")


# ---------------------------------------------------------------- evidence log
# `receipts` (record what happened to each letter), `log` (verify, checkpoint,
# public key) and `evidence` (export and verify a case's pack).


def signing_key_option(function: Callable[..., Any]) -> Callable[..., Any]:
    return click.option(
        "--signing-key",
        type=click.Path(path_type=Path, dir_okay=False),
        envvar="LETTERS_KEY",
        help="The log's private key file (also LETTERS_KEY; default: <db>.key beside a "
        "SQLite file, ~/.config/letters/<log>.key for PostgreSQL). Created on first use.",
    )(function)


def _public_key(path: Path) -> VerifierKey:
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as error:
        raise LettersError(f"cannot read the public key {path}: {error}") from None
    if text.startswith(PRIVATE_KEY_PREFIX):
        raise LettersError(
            f"{path} is the private signing key, not the public key",
            "export the public key with `letters log key --out log.pub`; never hand out the private key",
        )
    try:
        return VerifierKey.from_text(text.splitlines()[0] if text else "")
    except NoteError as error:
        raise LettersError(f"{path} is not a letters public key: {error}") from None


def _event_summary(fields: dict[str, Any]) -> str:
    """The facts of an entry on one line, for `receipts list`."""
    parts = []
    if fields.get("kind") == "letter-issued":
        parts.append("files: " + ", ".join(sorted(fields.get("files", {}))))
    for name in ("channel", "waybill", "contents", "address"):
        if fields.get(name):
            parts.append(f"{name} {fields[name]}")
    if fields.get("signer"):
        capacity = f" ({fields['capacity']})" if fields.get("capacity") else ""
        marks = [m for m in ("signed", "sealed", "fingerprinted") if fields.get(m)]
        parts.append(
            f"signer {fields['signer']}{capacity}" + (f" {'+'.join(marks)}" if marks else "")
        )
    for name in ("reason", "amount", "court", "party", "remark"):
        if fields.get(name):
            parts.append(f"{name} {fields[name]}")
    if fields.get("corrects") is not None:
        parts.append(f"corrects entry {fields['corrects']}")
    if fields.get("attachments"):
        parts.append("attached: " + ", ".join(a["name"] for a in fields["attachments"]))
    return "; ".join(parts)


@cli.group()
def receipts() -> None:
    """Record what happened to each letter: dispatch, delivery, signed receipt,
    refusal, return, payment, acknowledgement, lawsuit, correction."""


@receipts.command("record")
@click.argument("reference")
@click.option(
    "--event",
    required=True,
    help="dispatched, delivered, signed, refused, returned, announcement, payment, "
    "acknowledged, lawsuit-filed, account-debited, obstacle or correction (or 寄出, 妥投, "
    "签收, 拒收, 退回 …).",
)
@click.option("--date", "event_date", metavar="DATE", help="The day it happened.")
@click.option("--channel", help="ems, post, courier, in-person, email, sms, wechat, newspaper.")
@click.option("--waybill", help="EMS / courier / registered-mail number.")
@click.option("--contents", help='内件品名, e.g. "催款函 催〔2026〕第0001号".')
@click.option("--address", help="Where it was sent or delivered (postal, email, phone).")
@click.option("--signer", help="Who signed the receipt.")
@click.option("--capacity", help="法定代表人, 主要负责人, 收发部门, 授权人, 本人 or 同住亲属.")
@click.option("--signed", is_flag=True, help="The receipt bears a signature (default for signed).")
@click.option("--sealed", is_flag=True, help="The receipt bears a seal.")
@click.option("--fingerprinted", is_flag=True, help="The receipt bears a fingerprint (捺印).")
@click.option("--reason", help="Why it was returned or refused (查无此人, 拒收 …).")
@click.option(
    "--at-registered-address/--not-at-registered-address",
    default=None,
    help="Refused at the debtor's unchanged registered address?",
)
@click.option(
    "--designated-account/--not-designated-account",
    default=None,
    help="Sent electronically to an account the debtor designated or habitually uses?",
)
@click.option("--whereabouts-unknown", is_flag=True, help="Announcement: the debtor is 下落不明.")
@click.option("--amount", help="Payment (or acknowledged) amount in yuan.")
@click.option("--court", help="lawsuit-filed: court or arbitration body and case number.")
@click.option("--corrects", metavar="INDEX", help="correction: the log index of the wrong entry.")
@click.option(
    "--obstacle-ended",
    metavar="DATE",
    help="obstacle: the day it ended (leave out while it continues; 民法典 Art. 194).",
)
@click.option("--party", help="The obligor concerned, if not the addressee (e.g. a guarantor).")
@click.option("--party-role", help="debtor, joint-debtor or guarantor.")
@click.option("--remark", help="Anything else worth recording.")
@click.option(
    "--scan",
    type=click.Path(path_type=Path, dir_okay=False),
    help="The signed receipt's scan or photo (stored by SHA-256).",
)
@click.option(
    "--attach",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="Another file to keep with the event (repeatable): waybill image, tracking page …",
)
@db_option
def receipts_record(
    reference: str, scan: Path | None, attach: tuple[Path, ...], db: DbLocation, **options: Any
) -> None:
    """Record one event for a letter, named by its number, its waybill or its case id.

    Everything is checked first (dates against the letter's issue date and
    dispatch, the signer and capacity of a receipt, the waybill of an EMS
    dispatch …); nothing is written if anything is wrong.

    \b
    Examples:
      letters receipts record 催〔2026〕第0001号 --event dispatched --date 2026-11-23 \\
          --channel ems --waybill 1180123456789 --contents "催款函 催〔2026〕第0001号"
      letters receipts record 1180123456789 --event signed --date 2026-11-25 \\
          --signer 张三 --capacity 收发部门 --scan receipt-0001.jpg
      letters receipts record C001 --event payment --date 2026-12-01 --amount 5000
    """
    options["date"] = options.pop("event_date")
    for flag in ("signed", "sealed", "fingerprinted", "whereabouts_unknown"):
        options[flag] = True if options[flag] else None  # absent, not "no"
    files = ([scan] if scan else []) + list(attach)
    draft, problems = draft_from_options(reference, options, files)
    if any(p.is_error for p in problems):
        raise InputError(problems)
    with Registry(existing_db(db)) as store:
        preparation, indices = record(store, [draft], today=date.today())
    print_problems(preparation.problems)
    (item,) = preparation.events
    event = item.event
    subject = event.letter_no or f"case {event.case_id}"
    if item.duplicate_of is not None:
        stdout.print(
            f"Already in the log as entry {item.duplicate_of}; nothing recorded. (If this is "
            "a second, separate event, add --remark to tell the two apart.)"
        )
        return
    stdout.print(f"Recorded entry {indices[0]}: {event.kind} {subject} on {event.date}.")


@receipts.command("import")
@click.argument("receipts_file", type=click.Path(path_type=Path, dir_okay=False))
@click.option("--sheet", help="Worksheet of an .xlsx file (default: the first).")
@click.option("--check", "check_only", is_flag=True, help="Check every row, record nothing.")
@db_option
def receipts_import(
    receipts_file: Path, sheet: str | None, check_only: bool, db: DbLocation
) -> None:
    """Record events from a spreadsheet (CSV, .xlsx or JSON), one row per event.

    Columns (English names or Chinese labels): 函号 or 运单号 (邮件号) or 案件编号
    (客户单号), 事件 (投递状态), 日期 (妥投时间 …), and as needed 寄送方式, 内件品名,
    签收人, 签收人身份, 签名/盖章/捺印, 原因 (最新轨迹), 金额, 受理机构, 更正条目,
    备注, 回执扫描件 (a path next to the file); every name and alias is in
    src/letters/data/receipt_fields.toml. A China Post export works as it is:
    rows still in transit (未妥投, 运输中 …) are skipped with a warning, and
    a column that does not fit a row's event is ignored with a warning.
    Every row is checked before any is written: one bad row, and nothing is
    recorded. Rows already in the log are skipped, so an import can be re-run.

    \b
    Example:
      letters receipts import ems-results.xlsx
    """
    drafts, problems = read_drafts(receipts_file, sheet=sheet)
    with Registry(existing_db(db)) as store:
        preparation = prepare(store, drafts, today=date.today())
        problems = problems + preparation.problems
        errors = [p for p in problems if p.is_error]
        if errors:
            print_problems(problems)
            stderr.print(
                f"{len(drafts)} row{'s' * (len(drafts) != 1)}, {len(errors)} "
                f"error{'s' * (len(errors) != 1)}. "
                "Nothing was recorded: fix the rows and import the file again."
            )
            raise click.exceptions.Exit(1)
        print_problems(problems)
        new, skipped = preparation.new, len(preparation.events) - len(preparation.new)
        if check_only:
            stdout.print(
                f"{len(drafts)} row{'s' * (len(drafts) != 1)} checked: {len(new)} to record, "
                f"{skipped} already in the log."
            )
            return
        indices = commit(store, preparation)
    recorded = f"entries {indices[0]}–{indices[-1]}" if indices else "nothing new"
    stdout.print(
        f"Recorded {len(indices)} event{'s' * (len(indices) != 1)} ({recorded}); "
        f"{skipped} row{'s' * (skipped != 1)} already in the log."
    )


@receipts.command("list")
@click.option("--case", "case_id", help="Only this case.")
@click.option("--letter", help="Only this letter (its number or its waybill).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON.")
@db_option
def receipts_list(case_id: str | None, letter: str | None, as_json: bool, db: DbLocation) -> None:
    """List the log entries of letters and cases: issues and every recorded event.

    \b
    Examples:
      letters receipts list --case C001
      letters receipts list --letter 1180123456789
    """
    with Registry(existing_db(db)) as store:
        letter_no = None
        if letter is not None:
            found = store.letter(letter) or (
                store.letter(numbers[0])
                if len(numbers := store.letters_by_waybill(letter)) == 1
                else None
            )
            if found is None:
                raise LettersError(
                    f"no letter with number or waybill {letter} in {describe(db)}",
                    "see `letters registry list`",
                )
            letter_no = str(found["letter_no"])
        entries = store.entries(case_id=case_id, letter_no=letter_no)
        if case_id is not None and letter_no is not None:
            entries = [e for e in entries if e.case_id == case_id]
    rows = [(entry, entry.fields()) for entry in entries]
    if as_json:
        stdout.print_json(
            json.dumps(
                [
                    {
                        "index": e.index,
                        "kind": e.kind,
                        "letter_no": e.letter_no,
                        "case_id": e.case_id,
                        "recorded_at": e.recorded_at,
                        "fields": f,
                    }
                    for e, f in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    corrected = {int(f["corrects"]): e.index for e, f in rows if f.get("corrects") is not None}
    table = _table("entry", "date", "event", "letter", "case", "details")
    for entry, fields in rows:
        details = escape(_event_summary(fields))
        if entry.index in corrected:
            details += f" [yellow](corrected by entry {corrected[entry.index]})[/]"
        table.add_row(
            str(entry.index),
            str(fields.get("date") or fields.get("issue_date") or ""),
            entry.kind,
            entry.letter_no or "",
            entry.case_id or "",
            details,
        )
    stdout.print(table)
    stdout.print(_delivery_summary(rows))


def _delivery_summary(rows: Sequence[tuple[LogEntry, dict[str, Any]]]) -> str:
    """How many letters reached their addressee: the clerk's to-do list."""
    kinds: dict[str, set[str]] = {}
    for entry, _ in rows:
        if entry.letter_no:
            kinds.setdefault(entry.letter_no, set()).add(entry.kind)
    reached = sum(1 for k in kinds.values() if k & {"signed", "delivered", "refused"})
    failed = sum(
        1 for k in kinds.values() if "returned" in k and not k & {"signed", "delivered", "refused"}
    )
    pending = sum(1 for k in kinds.values() if k <= {"letter-issued", "dispatched"})
    return (
        f"{len(rows)} entr{'ies' if len(rows) != 1 else 'y'}; {len(kinds)} letter"
        f"{'s' * (len(kinds) != 1)}: {reached} delivered, signed or refused, {failed} returned, "
        f"{pending} without a recorded delivery"
    )


@cli.group("log")
def log_group() -> None:
    """Check the tamper-evident log, sign checkpoints, export the public key."""


@log_group.command("verify")
@db_option
@click.option(
    "--key",
    "key_file",
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The log's public key (log.pub) to check signatures with (default: the one "
    "recorded in the database).",
)
@click.option(
    "--checkpoint",
    "checkpoint_files",
    multiple=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="A checkpoint exported earlier (repeatable): detects truncation and rewriting since.",
)
@click.option("--skip-files", is_flag=True, help="Do not re-hash attached files (faster).")
def log_verify(
    db: DbLocation, key_file: Path | None, checkpoint_files: tuple[Path, ...], skip_files: bool
) -> None:
    """Recompute every entry, tree node, tree head and checkpoint of the log.

    Exit code 0 only if every entry, hash, checkpoint, signature and attached
    file checks out; otherwise each problem is listed, the first bad entry first.

    \b
    Example:
      letters log verify --checkpoint checkpoints/2026-11-30.txt --key log.pub
    """
    verifier = _public_key(key_file) if key_file else None
    external = [
        CheckpointSource(f"checkpoint file {path}", path.read_text(encoding="utf-8"))
        for path in checkpoint_files
    ]
    with Registry(existing_db(db)) as store:
        report = verify_log(
            store, verifier=verifier, external=external, check_attachments=not skip_files
        )
    for note in report.notes:
        stderr.print(f"[yellow]note[/]: {escape(note)}")
    if not report.ok:
        for problem in report.problems:
            stderr.print(f"[red]problem[/]: {escape(problem)}")
        stderr.print(
            f"[bold red]The log FAILED verification[/]: {len(report.problems)} "
            f"problem{'s' * (len(report.problems) != 1)} in {describe(db)}."
        )
        raise click.exceptions.Exit(1)
    stdout.print(
        f"Log OK: {report.size} entr{'ies' if report.size != 1 else 'y'}, root "
        f"{report.root.hex()}; {report.checkpoints_checked} signed checkpoint"
        f"{'s' * (report.checkpoints_checked != 1)} and {report.files_checked} attached file"
        f"{'s' * (report.files_checked != 1)} checked."
    )


@log_group.command("checkpoint")
@db_option
@signing_key_option
@click.option(
    "--out",
    type=click.Path(path_type=Path, dir_okay=False),
    help="Also write the signed checkpoint to this file (keep it off this computer).",
)
def log_checkpoint(db: DbLocation, signing_key: Path | None, out: Path | None) -> None:
    """Sign the current tree head (size and root) with the log's key and print it.

    A checkpoint held outside the database — given to the client, e-mailed,
    timestamped — lets `log verify --checkpoint` prove later that no entry up
    to it was changed, removed or reordered, even by whoever holds the database.

    \b
    Example:
      letters log checkpoint --out checkpoints/2026-11-30.txt
    """
    with Registry(existing_db(db)) as store:
        stored = store.checkpoint(store.signing_key(signing_key))
    if out is not None:
        atomic_write(out, stored.note.encode())
        stderr.print(f"Checkpoint {stored.seq} (size {stored.size}) written to {out}.")
    stdout.print(stored.note, end="")


@log_group.command("key")
@db_option
@signing_key_option
@click.option(
    "--out", type=click.Path(path_type=Path, dir_okay=False), help="Write it to this file."
)
def log_key(db: DbLocation, signing_key: Path | None, out: Path | None) -> None:
    """Print the log's public key (creating the key pair on first use).

    Publish it, print it in your letters or hand it to the court: verifiers
    check checkpoints and evidence packs against it.

    \b
    Example:
      letters log key --out log.pub
    """
    with Registry(existing_db(db)) as store:
        key = store.signing_key(signing_key)
    text = key.verifier.text()
    if out is not None:
        atomic_write(out, (text + "\n").encode())
        stderr.print(f"Public key written to {out}.")
    stdout.print(text)


@cli.group()
def evidence() -> None:
    """Export a case's evidence pack for court, and verify one offline."""


@evidence.command("export")
@click.argument("case_id")
@click.option(
    "--out",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False),
    help="The zip file to write.",
)
@click.option(
    "--letters-dir",
    multiple=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="A folder the letter files were moved to (repeatable); they are found by hash.",
)
@click.option("--overwrite", is_flag=True, help="Replace an existing zip.")
@db_option
@signing_key_option
def evidence_export(
    case_id: str,
    out: Path,
    letters_dir: tuple[Path, ...],
    overwrite: bool,
    db: DbLocation,
    signing_key: Path | None,
) -> None:
    """Write a case's evidence pack: letters, scans, log entries with inclusion
    proofs, a freshly signed checkpoint, SHA256SUMS and a Chinese guide (验证说明).

    \b
    Example:
      letters evidence export C001 --out C001-evidence.zip
    """
    if out.exists() and not overwrite:
        raise LettersError(f"{out} already exists", "use --overwrite, or choose another --out")
    with Registry(existing_db(db)) as store:
        data, summary = export_pack(
            store,
            case_id,
            store.signing_key(signing_key),
            pack_name=out.name,
            letter_dirs=letters_dir,
        )
    atomic_write(out, data)
    stdout.print(
        f"Wrote {out}: case {summary.case_id}, {summary.entries} log entr"
        f"{'ies' if summary.entries != 1 else 'y'}, {summary.letter_files} letter file"
        f"{'s' * (summary.letter_files != 1)}, {summary.attachments} attachment"
        f"{'s' * (summary.attachments != 1)}; checkpoint at size {summary.tree_size}, "
        f"root {summary.root.hex()}."
    )


@evidence.command("verify")
@click.argument("pack", type=click.Path(path_type=Path, exists=True))
@click.option(
    "--key",
    "key_file",
    required=True,
    type=click.Path(path_type=Path, dir_okay=False, exists=True),
    help="The creditor's public key (log.pub), obtained independently of the pack.",
)
def evidence_verify(pack: Path, key_file: Path) -> None:
    """Check an evidence pack offline: every file, hash, inclusion proof and the
    signed checkpoint. PACK is the zip, or the folder it was extracted to.

    \b
    Example:
      letters evidence verify C001-evidence.zip --key log.pub
    """
    report = verify_pack(pack, _public_key(key_file))
    if not report.ok:
        for problem in report.problems:
            stderr.print(f"[red]problem[/]: {escape(problem)}")
        stderr.print(
            f"[bold red]The evidence pack FAILED verification[/]: {len(report.problems)} "
            f"problem{'s' * (len(report.problems) != 1)}. Do not rely on it."
        )
        raise click.exceptions.Exit(1)
    stdout.print(
        f"Evidence pack OK: case {report.case_id}, {report.entries} log entr"
        f"{'ies' if report.entries != 1 else 'y'} proven in the signed tree of "
        f"{report.tree_size}, {report.files} file{'s' * (report.files != 1)} match their entries."
    )


def main() -> None:
    # Chinese in messages must not crash a terminal set to a non-UTF-8 locale.
    for stream in (sys.stdout, sys.stderr):
        if isinstance(stream, io.TextIOWrapper):
            stream.reconfigure(errors="replace")
    cli(prog_name="letters")
