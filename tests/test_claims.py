"""Derived amounts: outstanding, days overdue, late fees — each checked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from letters.rates import Rate
from letters.rules.claims import days_overdue, item_amounts, late_fee, late_fee_method, outstanding

DAILY_5 = Rate(Decimal("0.0005"), "day")  # 日万分之五


@pytest.mark.parametrize(
    ("due", "as_of", "days"),
    [
        (date(2026, 6, 30), date(2026, 9, 24), 86),  # Jul 31 + Aug 31 + Sep 24 = 86
        (date(2026, 7, 31), date(2026, 9, 24), 55),  # Aug 31 + Sep 24 = 55
        (date(2024, 2, 28), date(2024, 3, 1), 2),  # leap year: Feb 29 and Mar 1
        (date(2026, 9, 24), date(2026, 9, 24), 0),  # due today: not yet overdue
        (date(2026, 9, 25), date(2026, 9, 24), 0),
    ],
)
def test_days_overdue(due: date, as_of: date, days: int) -> None:
    assert days_overdue(due, as_of) == days


@pytest.mark.parametrize(
    ("principal", "rate", "days", "basis", "fee"),
    [
        # 107,000.53 × 0.0005 × 86 = 4,601.02279 → 4,601.02
        ("107000.53", DAILY_5, 86, 365, "4601.02"),
        # 10,000.00 × 0.0005 × 55 = 275.00
        ("10000.00", DAILY_5, 55, 365, "275.00"),
        # 10,000 × 6% / 360 × 30 = 50.00
        ("10000.00", Rate(Decimal("0.06"), "year"), 30, 360, "50.00"),
        # 10,000 × 6% / 365 × 30 = 49.3150… → 49.32
        ("10000.00", Rate(Decimal("0.06"), "year"), 30, 365, "49.32"),
        # 1,680.32 × 1% × 12 / 365 × 45 = 24.8598… → 24.86
        ("1680.32", Rate(Decimal("0.01"), "month"), 45, 365, "24.86"),
        # half-up at the fen: 2,345.00 × 0.0004 × 5 = 4.69 exactly; 1,234.50 × 0.0001 × 1 = 0.12345 → 0.12
        ("2345.00", Rate(Decimal("0.0004"), "day"), 5, 365, "4.69"),
        ("1234.50", Rate(Decimal("0.0001"), "day"), 1, 365, "0.12"),
        # 0.125 exactly rounds half-up to 0.13 (banker's rounding would give 0.12)
        ("250.00", Rate(Decimal("0.0005"), "day"), 1, 365, "0.13"),
    ],
)
def test_late_fee(principal: str, rate: Rate, days: int, basis: int, fee: str) -> None:
    assert late_fee(Decimal(principal), rate, days, basis).amount == Decimal(fee)


def test_late_fee_formula_is_printed_with_basis() -> None:
    result = late_fee(Decimal("10000.00"), Rate(Decimal("0.06"), "year"), 30, 360)
    assert result.formula == "10,000.00元 × 年利率6% ÷ 360日 × 30日 = 50.00元"


def test_outstanding_never_negative() -> None:
    assert outstanding(Decimal("16409.02"), Decimal("6409.02")) == Decimal("10000.00")
    with pytest.raises(ValueError, match="more than due"):
        outstanding(Decimal("100.00"), Decimal("100.01"))


def test_item_amounts_without_rate_or_not_overdue() -> None:
    assert (
        item_amounts(
            Decimal("100"), Decimal("0"), date(2026, 9, 1), date(2026, 9, 11), None
        ).late_fee
        is None
    )
    assert (
        item_amounts(
            Decimal("100"), Decimal("0"), date(2026, 9, 11), date(2026, 9, 11), DAILY_5
        ).late_fee
        is None
    )


def test_late_fee_method_sentence() -> None:
    assert late_fee_method(Rate(Decimal("0.06"), "year"), date(2026, 9, 24), 360) == (
        "以欠付金额为基数，按年利率6%（一年按360日计），自应付日期次日起计算至2026年9月24日"
    )
