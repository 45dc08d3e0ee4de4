"""The one place where a case becomes template variables.

Every variable a template may use is produced here, already formatted for
print (amounts with separators, dates as 2026年11月22日); both the DOCX and
the HTML template of a kind see exactly the same values. Optional fields that
were left empty are present as "" so templates can test them, while a
misspelled variable still fails (StrictUndefined).
"""

from __future__ import annotations

import base64
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from letters.calendar import RestDayCalendar
from letters.dates import format_cn_date
from letters.model import Case, canonical_json, sha256_hex
from letters.money import amount_in_words, format_amount
from letters.parties import addressee_term, is_natural_person, self_term
from letters.rates import Rate
from letters.rules.claims import DEFAULT_DAYS_PER_YEAR, item_amounts, late_fee_method, loan_total
from letters.rules.periods import LastDay, last_day
from letters.schema import FieldType, Level
from letters.templates.registry import TemplateSpec

DEFAULT_DEADLINE_DAYS = 7

# Crockford's base32: no I, L, O or U, so a code read aloud or retyped from
# paper is not confused.
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_RFC4648 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def content_sha256(spec_id: str, template_sha256: str, letter_no: str, case: Case) -> str:
    """The hash that identifies a letter's content before it is rendered:
    which template (and its exact files), which number, which case data."""
    return sha256_hex(
        canonical_json(
            {
                "template": spec_id,
                "template_sha256": template_sha256,
                "letter_no": letter_no,
                "case": case.canonical(),
            }
        )
    )


def verification_code(content_digest: str) -> str:
    """A short code printed on the letter: the first 60 bits of the content hash.

    >>> verification_code("00" * 32)
    '0000-0000-0000'
    >>> verification_code("ff" * 32)
    'ZZZZ-ZZZZ-ZZZZ'
    """
    encoded = base64.b32encode(bytes.fromhex(content_digest)[:8]).decode()[:12]
    crockford = encoded.translate(str.maketrans(_RFC4648, _CROCKFORD))
    return "-".join(crockford[i : i + 4] for i in range(0, 12, 4))


def display(value: object) -> Any:
    """A typed value as a template prints it."""
    if isinstance(value, Decimal):
        return format_amount(value)
    if isinstance(value, date):
        return format_cn_date(value)
    if isinstance(value, Rate):
        return value.describe()
    return value


@dataclass(frozen=True)
class LetterData:
    """Template variables plus what explains them (for manifests and reports)."""

    context: dict[str, Any]
    total_claim: Decimal
    deadlines: Mapping[str, LastDay] = field(default_factory=dict)
    warnings: tuple[str, ...] = ()

    def explanations(self) -> dict[str, list[str]]:
        return {name: list(day.steps) for name, day in self.deadlines.items()}


def _fields(spec: TemplateSpec, values: Mapping[str, object], level: Level) -> dict[str, Any]:
    """Every field of ``level`` ("" when empty); a long text also as ``<name>_paragraphs``."""
    result: dict[str, Any] = {}
    for spec_field in spec.schema.at_level(level):
        value = values.get(spec_field.name)
        result[spec_field.name] = "" if value is None else display(value)
        if spec_field.type is FieldType.LONGTEXT:
            text = "" if value is None else str(value)
            result[spec_field.name + "_paragraphs"] = [p for p in text.split("\n") if p.strip()]
    return result


def build_letter_data(
    case: Case,
    spec: TemplateSpec,
    *,
    letter_no: str,
    calendar: RestDayCalendar,
    template_sha256: str | None = None,
) -> LetterData:
    """Everything a template of ``spec`` needs to print the letter for ``case``."""
    values = case.values
    issue_date = values["issue_date"]
    assert isinstance(issue_date, date)
    digest = content_sha256(spec.id, template_sha256 or spec.sha256, letter_no, case)
    context: dict[str, Any] = {
        "title": spec.title,
        "letter_no": letter_no,
        "verification_code": verification_code(digest),
        "content_sha256": digest,
    }
    context.update(_fields(spec, values, Level.CASE))
    context["issue_date_iso"] = issue_date.isoformat()
    debtor_id = values.get("debtor_id_no")
    creditor_id = values.get("creditor_id_no")
    context["debtor_is_person"] = is_natural_person(
        str(values["debtor_name"]), str(debtor_id) if debtor_id else None
    )
    context["debtor_term"] = addressee_term(
        str(values["debtor_name"]), str(debtor_id) if debtor_id else None
    )
    context["creditor_term"] = self_term(
        str(values["creditor_name"]), str(creditor_id) if creditor_id else None
    )
    warnings: list[str] = []
    deadlines: dict[str, LastDay] = {}

    def deadline(name: str, start: date, days: int) -> LastDay:
        result = last_day(start, days=days, calendar=calendar)
        deadlines[name] = result
        if result.holiday_data_missing is not None:
            warnings.append(
                f"{name} {result.raw.isoformat()} was not checked against holidays: no holiday "
                f"data for {result.holiday_data_missing} (add it with --holidays FILE)"
            )
        context[name] = format_cn_date(result.legal)
        return result

    deadline_days = values.get("deadline_days", DEFAULT_DEADLINE_DAYS)
    assert isinstance(deadline_days, int)
    context["deadline_days"] = deadline_days
    payment_deadline = deadline("deadline", issue_date, deadline_days)
    if "objection_days" in spec.schema:
        objection_days = values.get("objection_days", deadline_days)
        assert isinstance(objection_days, int)
        context["objection_days"] = objection_days
        deadline("objection_deadline", issue_date, objection_days)
    if "vacate_days" in spec.schema:
        vacate_days = values.get("vacate_days", 15)
        assert isinstance(vacate_days, int)
        context["vacate_days"] = vacate_days
        deadline("vacate_deadline", payment_deadline.legal, vacate_days)

    rate = values.get("late_fee_rate")
    rate = rate if isinstance(rate, Rate) else None
    days_per_year = values.get("late_fee_basis", DEFAULT_DAYS_PER_YEAR)
    assert isinstance(days_per_year, int)
    context["has_late_fee"] = False
    context["late_fee_method"] = ""

    if spec.schema.at_level(Level.ITEM):
        items, totals = [], dict.fromkeys(("due", "paid", "outstanding", "late_fee"), Decimal(0))
        for number, item in enumerate(case.items, start=1):
            due, paid = item["amount_due"], item.get("amount_paid", Decimal(0))
            due_date = item["due_date"]
            assert isinstance(due, Decimal)
            assert isinstance(paid, Decimal)
            assert isinstance(due_date, date)
            amounts = item_amounts(due, paid, due_date, issue_date, rate, days_per_year)
            fee = amounts.late_fee.amount if amounts.late_fee else Decimal(0)
            totals["due"] += due
            totals["paid"] += paid
            totals["outstanding"] += amounts.outstanding
            totals["late_fee"] += fee
            row = _fields(spec, item, Level.ITEM)
            row.update(
                index=number,
                outstanding=format_amount(amounts.outstanding),
                days_overdue=amounts.days_overdue,
                late_fee=format_amount(fee),
                late_fee_formula=amounts.late_fee.formula if amounts.late_fee else "",
            )
            items.append(row)
        context["items"] = items
        context["total_amount_due"] = format_amount(totals["due"])
        context["total_amount_paid"] = format_amount(totals["paid"])
        context["total_outstanding"] = format_amount(totals["outstanding"])
        context["total_late_fee"] = format_amount(totals["late_fee"])
        total_claim = totals["outstanding"] + totals["late_fee"]
        if rate is not None and totals["late_fee"] > 0:
            context["has_late_fee"] = True
            context["late_fee_method"] = late_fee_method(rate, issue_date, days_per_year)
    else:
        total_claim = loan_total(values)
        for name in ("overdue_interest", "penalty_interest", "compound_interest"):
            if name in spec.schema and name not in values:
                context[name] = format_amount(Decimal(0))
    if "overdue_since" in spec.schema:
        # Present whenever the template can print them, so a template that uses
        # them renders also when the (optional) start of the delay is not given.
        as_of = values.get("amounts_as_of", issue_date)
        assert isinstance(as_of, date)
        context["amounts_as_of"] = format_cn_date(as_of)
        overdue_since = values.get("overdue_since")
        # Overdue since day D means D is the first overdue day: count D .. as_of.
        context["days_overdue"] = (
            (as_of - overdue_since + timedelta(days=1)).days
            if isinstance(overdue_since, date)
            else ""
        )
    context["total_claim"] = format_amount(total_claim)
    context["total_claim_in_words"] = amount_in_words(total_claim)
    context["has_payee"] = "payee_account" in values

    guarantors = []
    for number, guarantor in enumerate(case.guarantors, start=1):
        row = _fields(spec, guarantor, Level.GUARANTOR)
        row["index"] = number
        guarantors.append(row)
    context["guarantors"] = guarantors
    context["receipt_parties"] = [
        {
            "role": spec.metadata.get("debtor_role", "收件人"),
            "name": context["debtor_name"],
            "address": context["debtor_address"],
        }
    ] + [
        {"role": "保证人", "name": g["guarantor_name"], "address": g.get("guarantor_address", "")}
        for g in guarantors
    ]
    return LetterData(context, total_claim, deadlines, tuple(warnings))
