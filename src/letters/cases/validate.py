"""Turn raw rows into validated cases, reporting every problem at once.

Rows with the same ``case_id`` form one case: each row may add an amount line
(item) and a guarantor; the case's own fields may be repeated on every row
(they must then agree) or left empty on the extra rows.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from letters.errors import Location, Problem, Severity, ValueProblem
from letters.model import Case, Cell, InvalidCase, RawRow, canonical_value
from letters.money import format_amount
from letters.rules.claims import loan_total
from letters.rules.obligations import DebtType, split_names
from letters.schema import Field, Level, Schema

TODAY = "today"


class BySeverity:
    """``errors`` and ``warnings`` among ``problems``."""

    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if not p.is_error]


@dataclass
class Validation(BySeverity):
    """Valid cases, invalid cases, and every problem (file-level and per case) in input order."""

    cases: list[Case] = field(default_factory=list)
    invalid: list[InvalidCase] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Builder:
    """Problems of one case, and where each typed value came from."""

    case_id: str
    origin: Location
    problems: list[Problem] = field(default_factory=list)

    def error(self, message: str, where: Location | None, hint: str | None = None) -> None:
        self.problems.append(Problem(message, where or self.origin, hint, case_id=self.case_id))

    def warning(self, message: str, where: Location | None, hint: str | None = None) -> None:
        self.problems.append(
            Problem(message, where or self.origin, hint, Severity.WARNING, case_id=self.case_id)
        )


def _display(value: object) -> str:
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, date):
        return value.isoformat()
    return str(canonical_value(value))


def _comparable(value: object) -> object:
    """Text compared as a clerk reads it: full-width "１号" and "1号" agree."""
    return unicodedata.normalize("NFKC", value) if isinstance(value, str) else value


def _parse(spec: Field, cell: Cell, builder: _Builder) -> object | None:
    try:
        return spec.parse(cell.value)
    except ValueProblem as problem:
        builder.error(f"{spec.label} ({spec.name}): {problem.message}", cell.location, problem.hint)
        return None


def _default(spec: Field, today: date, given: Mapping[str, object]) -> object | None:
    """The value of an empty field: one given for the whole batch (``--set``), else the
    template's default."""
    if spec.name in given:
        return given[spec.name]
    if spec.default is None:
        return None
    if spec.default == TODAY:
        return today
    return spec.parse(spec.default)


def _case_values(
    schema: Schema,
    rows: Sequence[RawRow],
    builder: _Builder,
    today: date,
    absent: Mapping[str, Problem],
    given: Mapping[str, object],
) -> tuple[dict[str, object], dict[str, Location]]:
    values: dict[str, object] = {}
    where: dict[str, Location] = {}
    for spec in schema.at_level(Level.CASE):
        first: tuple[object, Cell] | None = None
        for row in rows:
            cell = row.cells.get(spec.name)
            if cell is None:
                continue
            parsed = _parse(spec, cell, builder)
            if parsed is None:
                continue
            if first is None:
                first = (parsed, cell)
            elif _comparable(parsed) != _comparable(first[0]):
                builder.error(
                    f"{spec.label} ({spec.name}) differs between rows of case {builder.case_id}: "
                    f'"{_display(first[0])}" in {first[1].location} and "{_display(parsed)}" here',
                    cell.location,
                    "a case's own fields must agree on every row; leave them empty on the "
                    "extra rows or correct one",
                )
        if first is not None:
            values[spec.name], where[spec.name] = first[0], first[1].location
            continue
        if any(spec.name in row.cells for row in rows):
            continue  # present but unparsable: already reported
        default = _default(spec, today, given)
        if default is not None:
            values[spec.name] = default
        elif spec.required:
            if spec.name in absent:
                builder.problems.append(absent[spec.name])
            else:
                builder.error(
                    f"{spec.label} ({spec.name}) is required but empty",
                    rows[0].location.with_column(rows[0].column_of(spec.name, spec.label)),
                    f"fill it in, e.g. {spec.example}" if spec.example else None,
                )
    return values, where


def _level_records(
    schema: Schema, rows: Sequence[RawRow], level: Level, builder: _Builder, today: date
) -> list[tuple[dict[str, object], dict[str, Location]]]:
    """One record per row that has any field of ``level``."""
    specs = schema.at_level(level)
    records = []
    for row in rows:
        if not any(spec.name in row.cells for spec in specs):
            continue
        record: dict[str, object] = {}
        where: dict[str, Location] = {}
        complete = True
        for spec in specs:
            cell = row.cells.get(spec.name)
            if cell is not None:
                parsed = _parse(spec, cell, builder)
                complete &= parsed is not None
                if parsed is not None:
                    record[spec.name], where[spec.name] = parsed, cell.location
                continue
            default = _default(spec, today, {})
            if default is not None:
                record[spec.name] = default
            elif spec.required:
                complete = False
                builder.error(
                    f"{spec.label} ({spec.name}) is required on every "
                    f"{'amount line' if level is Level.ITEM else 'guarantor row'} but empty",
                    row.location.with_column(row.column_of(spec.name, spec.label)),
                    f"fill it in, e.g. {spec.example}" if spec.example else None,
                )
        if complete:
            records.append((record, where))
    return records


# ------------------------------------------------------------------ cross-field rules


def _warn_repeated_lines(
    items: Sequence[tuple[dict[str, object], dict[str, Location]]], builder: _Builder
) -> None:
    """An amount line identical to an earlier one is usually pasted twice; it would
    be claimed twice."""
    seen: dict[tuple[tuple[str, object], ...], Location | None] = {}
    for item, where in items:
        key = tuple(sorted((k, _comparable(v)) for k, v in item.items()))
        first_location = next(iter(where.values()), None)
        if key in seen:
            earlier = seen[key]
            row = f"row {earlier.row}" if earlier and earlier.row else "an earlier line"
            builder.warning(
                f"this amount line repeats {row} exactly, so it is claimed twice",
                first_location,
                "delete it if it was entered twice; otherwise give each line its 发票号码 or 所属期间",
            )
        else:
            seen[key] = first_location


def _check_items(
    values: Mapping[str, object],
    items: Sequence[tuple[dict[str, object], dict[str, Location]]],
    builder: _Builder,
) -> None:
    issue_date = values.get("issue_date")
    for item, where in items:
        due, paid = item.get("amount_due"), item.get("amount_paid", Decimal(0))
        if isinstance(due, Decimal) and isinstance(paid, Decimal) and paid > due:
            builder.error(
                f"已付金额 {format_amount(paid)} is more than 应付金额 {format_amount(due)}: "
                "the outstanding amount would be negative",
                where.get("amount_paid"),
                "check both amounts; an overpaid line does not belong in a demand letter",
            )
        due_date = item.get("due_date")
        if isinstance(due_date, date) and isinstance(issue_date, date) and due_date > issue_date:
            builder.error(
                f"应付日期 {due_date.isoformat()} is after the issue date "
                f"{issue_date.isoformat()}: the amount is not yet due",
                where.get("due_date"),
                "leave this line out, or issue the letter after the due date",
            )


def _check_case(
    schema: Schema,
    values: Mapping[str, object],
    where: Mapping[str, Location],
    items: Sequence[tuple[dict[str, object], dict[str, Location]]],
    builder: _Builder,
) -> None:
    issue_date = values.get("issue_date")

    def not_after_issue(name: str, label: str) -> None:
        value = values.get(name)
        if isinstance(value, date) and isinstance(issue_date, date) and value > issue_date:
            builder.error(
                f"{label} {value.isoformat()} is after the issue date {issue_date.isoformat()}",
                where.get(name),
                "check the date, or the issue date (--issue-date)",
            )

    not_after_issue("contract_date", "合同签订日期")
    not_after_issue("loan_date", "放款日期")
    not_after_issue("overdue_since", "逾期起始日")
    not_after_issue("amounts_as_of", "金额计算截止日")

    loan_date = values.get("loan_date")
    for name, label in (("overdue_since", "逾期起始日"), ("loan_maturity_date", "借款到期日")):
        later = values.get(name)
        if isinstance(later, date) and isinstance(loan_date, date) and later <= loan_date:
            builder.error(
                f"{label} {later.isoformat()} is not after 放款日期 {loan_date.isoformat()}",
                where.get(name),
                "check both dates",
            )
    if values.get("terminate_if_unpaid") is True:
        days = values.get("deadline_days")
        if isinstance(days, int) and days < 7:
            # Art. 563/565: termination after a *reasonable* period to cure; the
            # period runs from the issue date, so post takes part of it.
            builder.warning(
                f"the cure period is only {days} days, counted from the issue date; a court may "
                "find it unreasonably short for a termination notice",
                where.get("deadline_days"),
                "allow at least 7 days, better 15",
            )
    overdue_since, as_of = values.get("overdue_since"), values.get("amounts_as_of", issue_date)
    if isinstance(overdue_since, date) and isinstance(as_of, date) and overdue_since > as_of:
        builder.error(
            f"逾期起始日 {overdue_since.isoformat()} is after 金额计算截止日 {as_of.isoformat()}",
            where.get("overdue_since"),
        )
    for name, low, high in (
        ("deadline_days", 1, 365),
        ("objection_days", 1, 365),
        ("vacate_days", 1, 365),
    ):
        number = values.get(name)
        if isinstance(number, int) and not low <= number <= high:
            spec = schema.field(name)
            builder.error(
                f"{spec.label} ({name}) must be between {low} and {high} days, not {number}",
                where.get(name),
            )
    basis = values.get("late_fee_basis")
    if isinstance(basis, int) and basis not in (360, 365):
        builder.error(
            f"年计息天数 (late_fee_basis) must be 360 or 365, not {basis}",
            where.get("late_fee_basis"),
        )
    payee = [n for n in ("payee_name", "payee_bank", "payee_account") if n in schema]
    given = [n for n in payee if n in values]
    if given and len(given) != len(payee):
        missing = ", ".join(schema.field(n).label for n in payee if n not in values)
        builder.error(
            f"the payee account is incomplete: {missing} missing",
            where.get(given[0]),
            "give 收款户名, 收款开户行 and 收款账号 together, or none of them",
        )
    principal, loan = values.get("overdue_principal"), values.get("loan_amount")
    if isinstance(principal, Decimal) and isinstance(loan, Decimal) and principal > loan:
        builder.error(
            f"逾期本金 {format_amount(principal)} is more than 借款金额 {format_amount(loan)}",
            where.get("overdue_principal"),
        )
    if schema.at_level(Level.ITEM):
        if not items and not any(p.is_error for p in builder.problems):
            builder.error(
                "the case has no amount lines",
                builder.origin,
                "each amount line needs 项目, 应付日期 and 应付金额 (amount_due)",
            )
        _check_items(values, items, builder)
        outstanding = sum(
            (
                i.get("amount_due", Decimal(0)) - i.get("amount_paid", Decimal(0))  # type: ignore[operator]
                for i, _ in items
            ),
            Decimal(0),
        )
        if items and outstanding == 0:
            builder.error(
                "nothing is outstanding: every amount line is fully paid",
                builder.origin,
                "do not send a demand for a paid debt",
            )
    elif "overdue_principal" in values and loan_total(values) == 0:
        builder.error("nothing is overdue: principal and interest are all zero", builder.origin)


def _check_limitation_fields(
    values: Mapping[str, object],
    where: Mapping[str, Location],
    items: Sequence[tuple[dict[str, object], dict[str, Location]]],
    guarantors: Sequence[tuple[dict[str, object], dict[str, Location]]],
    builder: _Builder,
) -> None:
    """The fields the limitation engine reads (legal-rules §2): debt type, joint
    debtors, agreed guarantee periods."""
    debtor = values.get("debtor_name")
    joint = values.get("joint_debtors")
    if isinstance(joint, str) and debtor in split_names(joint):
        builder.error(
            f"连带债务人 (joint_debtors) lists the addressee {debtor} itself",
            where.get("joint_debtors"),
            "list only the other debtors liable for the same debt",
        )
    final = values.get("final_due_date")
    if isinstance(final, date):
        if values.get("debt_type") != DebtType.INSTALMENTS:
            builder.warning(
                "最后一期履行期限 (final_due_date) is only used when 债务类型 is 分期履行债务",
                where.get("final_due_date"),
                "set 债务类型 to 分期履行债务 (民法典 Art. 189) or leave the date empty",
            )
        due_dates = [d for i, _ in items if isinstance(d := i.get("due_date"), date)]
        if due_dates and final < max(due_dates):
            builder.error(
                f"最后一期履行期限 {final.isoformat()} is before the due date "
                f"{max(due_dates).isoformat()} of an instalment",
                where.get("final_due_date"),
                "give the due date of the very last instalment of the price",
            )
    maturity = values.get("loan_maturity_date")
    for guarantor, at in guarantors:
        months, end = (
            guarantor.get("guarantee_period_months"),
            guarantor.get("guarantee_period_end"),
        )
        if months is not None and end is not None:
            builder.error(
                "give the agreed guarantee period either as 保证期间月数 or as 保证期间届满日, not both",
                at.get("guarantee_period_end"),
            )
        if isinstance(months, int) and not 1 <= months <= 600:
            builder.error(
                f"保证期间月数 (guarantee_period_months) must be between 1 and 600, not {months}",
                at.get("guarantee_period_months"),
            )
        if isinstance(end, date) and isinstance(maturity, date) and end <= maturity:
            builder.warning(
                f"保证期间届满日 {end.isoformat()} is not after 借款到期日 {maturity.isoformat()}: "
                "it counts as not agreed, so the guarantee period is 6 months (民法典 Art. 692)",
                at.get("guarantee_period_end"),
            )


# ------------------------------------------------------------------ entry point


def _row_order(problem: Problem) -> int:
    row = problem.location.row if problem.location else None
    return row if row is not None else 0


def _absent_required(
    schema: Schema, rows: Sequence[RawRow], given: Mapping[str, object]
) -> dict[str, Problem]:
    """Required fields no row has at all: one problem per field for a spreadsheet
    (a missing column), so it is reported once rather than once per case."""
    if not rows or rows[0].location.row is None:
        return {}
    present = {name for row in rows for name in row.cells}
    return absent_required(schema, present | set(given), rows[0].location.source)


def absent_required(schema: Schema, present: set[str], source: str) -> dict[str, Problem]:
    """:func:`_absent_required` from the fields ``present`` in a spreadsheet's rows."""
    return {
        spec.name: Problem(
            f"required column {spec.label} ({spec.name}) is missing",
            Location(source),
            f"add a column headed {spec.label} or {spec.name}",
        )
        for spec in schema.fields
        if spec.required
        and spec.default is None
        and spec.name not in present
        and spec.level is not Level.GUARANTOR
    }


def row_case_id(row: RawRow, schema: Schema) -> str | Problem:
    """The case a row belongs to, or the problem of a row that names none."""
    case_id_spec = schema.field("case_id")
    cell = row.cells.get("case_id")
    if cell is None:
        return Problem(
            "案件编号 (case_id) is empty, so the row belongs to no case",
            row.location.with_column(row.column_of("case_id", case_id_spec.label)),
            "fill in case_id on every row of a case (for merged cells in Excel: "
            "unmerge them and fill down)",
        )
    return str(case_id_spec.parse(cell.value))


def _group(
    rows: Iterable[RawRow], schema: Schema, problems: list[Problem]
) -> dict[str, list[RawRow]]:
    groups: dict[str, list[RawRow]] = {}
    for row in rows:
        case_id = row_case_id(row, schema)
        if isinstance(case_id, Problem):
            problems.append(case_id)
            continue
        groups.setdefault(case_id, []).append(row)
    return groups


def validate_group(
    case_id: str,
    group: Sequence[RawRow],
    schema: Schema,
    *,
    today: date,
    absent: Mapping[str, Problem],
    given: Mapping[str, object] | None = None,
) -> tuple[Case | InvalidCase, list[Problem]]:
    """One case from its rows, and its problems in row order (``absent`` ones left out);
    ``given`` holds typed values for case fields the rows leave empty (``--set``)."""
    builder = _Builder(case_id, group[0].location)
    values, where = _case_values(schema, group, builder, today, absent, given or {})
    items = _level_records(schema, group, Level.ITEM, builder, today)
    _warn_repeated_lines(items, builder)
    guarantors: list[dict[str, object]] = []
    guarantor_records = _level_records(schema, group, Level.GUARANTOR, builder, today)
    for guarantor, _ in guarantor_records:
        if guarantor not in guarantors:
            guarantors.append(guarantor)
    _check_case(schema, values, where, items, builder)
    _check_limitation_fields(values, where, items, guarantor_records, builder)
    # Report in file order (row by row), as a clerk reads the sheet.
    builder.problems.sort(key=_row_order)
    problems = [p for p in builder.problems if p not in absent.values()]
    if any(p.is_error for p in builder.problems):
        return InvalidCase(case_id, builder.origin, tuple(builder.problems)), problems
    case = Case(case_id, values, tuple(i for i, _ in items), tuple(guarantors), builder.origin)
    return case, problems


def build_cases(
    rows: Sequence[RawRow],
    schema: Schema,
    *,
    today: date,
    file_problems: Iterable[Problem] = (),
    given: Mapping[str, object] | None = None,
) -> Validation:
    """Validate rows against ``schema``; ``today`` is the default issue date and
    ``given`` holds typed values for case fields the file leaves empty (``--set``)."""
    given = given or {}
    result = Validation(problems=list(file_problems))
    absent = _absent_required(schema, rows, given)
    result.problems.extend(absent.values())
    for case_id, group in _group(rows, schema, result.problems).items():
        case, problems = validate_group(
            case_id, group, schema, today=today, absent=absent, given=given
        )
        result.problems.extend(problems)
        if isinstance(case, InvalidCase):
            result.invalid.append(case)
        else:
            result.cases.append(case)
    # File order: problems without a row (missing columns) first, then row by row.
    result.problems.sort(key=_row_order)
    return result
