"""The command line. Commands parse their options, call the library and print;
this is the only module that imports click. Library errors become messages
and exit codes at one boundary (:class:`LettersGroup`).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import click
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from letters import __version__
from letters.batch.run import FORMATS, Outcome, plan_batch, renderers_for, run_batch
from letters.calendar import RestDayCalendar, load_calendar
from letters.cases.load import read_rows
from letters.cases.validate import Validation, build_cases
from letters.dates import parse_date
from letters.doctor import run_checks
from letters.errors import InputError, LettersError, Problem, Severity, ValueProblem
from letters.evidence.log import LogEntry
from letters.evidence.notes import PRIVATE_KEY_PREFIX, NoteError, VerifierKey
from letters.evidence.pack import export_pack, verify_pack
from letters.evidence.recording import commit, draft_from_options, prepare, read_drafts, record
from letters.evidence.registry import Registry
from letters.evidence.storage import DbLocation, describe, is_postgres
from letters.evidence.verify import CheckpointSource, verify_log
from letters.render.context import build_letter_data
from letters.render.output import atomic_write, remove_stale_temps
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


def _summary(validation: Validation) -> str:
    errors, warnings = len(validation.errors), len(validation.warnings)
    total = len(validation.cases) + len(validation.invalid)
    return (
        f"{total} case{'s' * (total != 1)}: {len(validation.cases)} valid, "
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
    quiet: bool,
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
    """
    spec, validation = _validate(settings, case_file, template_id, encoding, sheet, issue_date)
    if validation.errors and not skip_invalid:
        print_problems(validation.problems)
        stderr.print(_summary(validation))
        stderr.print(
            "Nothing was written. Fix the problems, or use --skip-invalid to render "
            "the valid cases only."
        )
        raise click.exceptions.Exit(1)
    print_problems(validation.warnings if not skip_invalid else validation.problems)
    plan = plan_batch(validation.cases, spec, out_dir, formats, overwrite=overwrite)
    if plan.conflicts:
        print_problems(plan.conflicts)
        stderr.print("Nothing was written.")
        raise click.exceptions.Exit(1)
    renderers = renderers_for(spec, formats)
    out_dir.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(out_dir)
    show_progress = not quiet and stderr.is_terminal
    with Registry(db) as registry, _progress(len(validation.cases), show_progress) as advance:
        try:
            outcomes = run_batch(
                validation.cases,
                validation.invalid,
                spec,
                plan=plan,
                renderers=renderers,
                registry=registry,
                calendar=settings.calendar(),
                out_dir=out_dir,
                on_outcome=advance,
            )
        except KeyboardInterrupt:
            stderr.print(
                "Interrupted. Letters finished so far are complete and registered; "
                "run the same command with --overwrite to finish (unchanged cases keep "
                "their numbers)."
            )
            raise click.exceptions.Exit(130) from None
    _report(outcomes, out_dir, db, formats)


def _report(
    outcomes: Sequence[Outcome], out_dir: Path, db: DbLocation, formats: Sequence[str]
) -> None:
    rendered = [o for o in outcomes if o.status == "rendered"]
    failed = [o for o in outcomes if o.status == "failed"]
    invalid = [o for o in outcomes if o.status == "invalid"]
    for outcome in rendered:
        for warning in outcome.warnings:
            stderr.print(f"[yellow]warning[/]: case {escape(outcome.case_id)}: {escape(warning)}")
    for outcome in failed:
        message = "; ".join(p["message"] for p in outcome.problems)
        stderr.print(f"[red]failed[/]: case {escape(outcome.case_id)}: {escape(message)}")
    new_entries = sum(1 for o in rendered if o.new_log_entry is not None)
    stdout.print(
        f"Rendered {len(rendered)} letter{'s' * (len(rendered) != 1)} "
        f"({len(rendered) * len(formats)} files) into {out_dir}; "
        f"registry {describe(db)}: {new_entries} new log entr{'ies' if new_entries != 1 else 'y'}."
    )
    if invalid:
        stdout.print(
            f"Skipped {len(invalid)} invalid case(s): "
            + ", ".join(o.case_id for o in invalid)
            + " (see manifest.json)."
        )
    if failed:
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
    "acknowledged, lawsuit-filed or correction (or 寄出, 妥投, 签收, 拒收, 退回 …).",
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
        stdout.print(f"Already in the log as entry {item.duplicate_of}; nothing recorded.")
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

    Columns (English names or Chinese labels): 函号 or 运单号 or 案件编号, 事件,
    日期, and as needed 寄送方式, 内件品名, 签收人, 签收人身份, 签名/盖章/捺印,
    原因, 金额, 受理机构, 更正条目, 备注, 回执扫描件 (a path next to the file).
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
    table = Table("entry", "date", "event", "letter", "case", "details")
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
