"""Derived amounts of a claim: outstanding, days overdue, late fees, totals.

Pure functions over Decimals and dates. Each late fee is one computation:
outstanding × daily rate × days, rounded half-up to the fen once, at its end
(legal-rules §3); totals add the rounded per-line figures so that the amounts
printed in a letter's table add up to its total.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from letters.dates import format_cn_date
from letters.money import format_amount, round_fen
from letters.rates import Rate

DEFAULT_DAYS_PER_YEAR = 365


def outstanding(amount_due: Decimal, amount_paid: Decimal) -> Decimal:
    """Amount still owed on one line; a negative result is an input error.

    >>> outstanding(Decimal("16409.02"), Decimal("6409.02"))
    Decimal('10000.00')
    >>> outstanding(Decimal("1"), Decimal("2"))
    Traceback (most recent call last):
    ValueError: paid 2 is more than due 1
    """
    if amount_paid > amount_due:
        raise ValueError(f"paid {amount_paid} is more than due {amount_due}")
    return amount_due - amount_paid


def days_overdue(due_date: date, as_of: date) -> int:
    """Days overdue on ``as_of``, counting from the day after the due date
    (民法典 Art. 201: the first day is not counted) up to and including ``as_of``.

    >>> days_overdue(date(2026, 10, 31), date(2026, 11, 22))
    22
    >>> days_overdue(date(2026, 11, 22), date(2026, 11, 22))
    0
    """
    return max(0, (as_of - due_date).days)


@dataclass(frozen=True, slots=True)
class LateFee:
    amount: Decimal
    formula: str


def late_fee(
    principal: Decimal, rate: Rate, days: int, days_per_year: int = DEFAULT_DAYS_PER_YEAR
) -> LateFee:
    """Late fee at an agreed rate, with the formula a letter prints.

    >>> late_fee(Decimal("10000.00"), Rate(Decimal("0.0005"), "day"), 40)
    LateFee(amount=Decimal('200.00'), formula='10,000.00元 × 日万分之五 × 40日 = 200.00元')
    >>> late_fee(Decimal("10000.00"), Rate(Decimal("0.06"), "year"), 30, 360).amount
    Decimal('50.00')
    """
    exact = principal * rate.daily_fraction(days_per_year) * days
    amount = round_fen(exact)
    basis = "" if rate.unit == "day" else f" ÷ {days_per_year}日"
    formula = (
        f"{format_amount(principal)}元 × {rate.describe()}{basis} × {days}日 "
        f"= {format_amount(amount)}元"
    )
    return LateFee(amount, formula)


@dataclass(frozen=True, slots=True)
class ItemAmounts:
    outstanding: Decimal
    days_overdue: int
    late_fee: LateFee | None


def item_amounts(
    amount_due: Decimal,
    amount_paid: Decimal,
    due_date: date,
    as_of: date,
    rate: Rate | None,
    days_per_year: int = DEFAULT_DAYS_PER_YEAR,
) -> ItemAmounts:
    """Everything derived from one amount line."""
    owed = outstanding(amount_due, amount_paid)
    days = days_overdue(due_date, as_of)
    fee = late_fee(owed, rate, days, days_per_year) if rate is not None and days > 0 else None
    return ItemAmounts(owed, days, fee)


# What an overdue loan notice claims: principal, interest, 罚息 and 复利 as the
# lender's system computed them on amounts_as_of.
LOAN_AMOUNT_FIELDS = (
    "overdue_principal",
    "overdue_interest",
    "penalty_interest",
    "compound_interest",
)


def loan_total(values: Mapping[str, object]) -> Decimal:
    """The total an overdue-loan notice claims; absent parts count as zero.

    >>> loan_total({"overdue_principal": Decimal("107000.53"), "penalty_interest": Decimal("1.47")})
    Decimal('107002.00')
    """
    parts = (values.get(name) for name in LOAN_AMOUNT_FIELDS)
    return sum((p for p in parts if isinstance(p, Decimal)), Decimal(0))


def late_fee_method(rate: Rate, as_of: date, days_per_year: int = DEFAULT_DAYS_PER_YEAR) -> str:
    """The sentence a letter prints to explain how late fees were computed.

    >>> late_fee_method(Rate(Decimal("0.0005"), "day"), date(2026, 11, 23))
    '以欠付金额为基数，按日万分之五，自应付日期次日起计算至2026年11月23日'
    """
    basis = "" if rate.unit == "day" else f"（一年按{days_per_year}日计）"
    return (
        f"以欠付金额为基数，按{rate.describe()}{basis}，"
        f"自应付日期次日起计算至{format_cn_date(as_of)}"
    )
