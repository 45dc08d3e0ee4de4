"""Agreed rates: every accepted spelling and the refusal of unit-less rates."""

from __future__ import annotations

from decimal import Decimal

import pytest

from letters.errors import ValueProblem
from letters.rates import Rate, parse_rate


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("日万分之五", "0.0005", "day"),
        ("每日万分之五", "0.0005", "day"),
        ("按日万分之五", "0.0005", "day"),
        ("万分之五/日", "0.0005", "day"),
        ("日万分之三点五", "0.00035", "day"),
        ("日万分之4", "0.0004", "day"),
        ("0.05%/日", "0.0005", "day"),
        ("日0.05%", "0.0005", "day"),
        ("每日千分之一", "0.001", "day"),
        ("日1‰", "0.001", "day"),
        ("年利率6%", "0.06", "year"),
        ("年化利率3.85%", "0.0385", "year"),
        ("12%/年", "0.12", "year"),
        ("月1%", "0.01", "month"),
        ("月利率1.5%", "0.015", "month"),
        ("０．０５％／日", "0.0005", "day"),  # full width
    ],
)
def test_parse_rate(text: str, value: str, unit: str) -> None:
    assert parse_rate(text) == Rate(Decimal(value), unit)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("0.05%", '"0.05%" has no unit (per day, month or year)'),
        ("万分之五", '"万分之五" has no unit (per day, month or year)'),
        ("0.0005", '"0.0005" is not a rate'),
        ("日万分之五/日", '"日万分之五/日" names its unit twice'),
        ("日0%", '"日0%" is zero'),
        ("很高", '"很高" is not a rate'),
    ],
)
def test_parse_rate_rejects(text: str, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_rate(text)
    assert caught.value.message == message


@pytest.mark.parametrize(
    ("rate", "days_per_year", "daily"),
    [
        (Rate(Decimal("0.0005"), "day"), 365, Decimal("0.0005")),
        (Rate(Decimal("0.0365"), "year"), 365, Decimal("0.0001")),
        (Rate(Decimal("0.036"), "year"), 360, Decimal("0.0001")),
        (Rate(Decimal("0.01"), "month"), 360, Decimal("0.01") * 12 / 360),
    ],
)
def test_daily_fraction(rate: Rate, days_per_year: int, daily: Decimal) -> None:
    assert rate.daily_fraction(days_per_year) == daily


def test_describe_round_trips() -> None:
    for text in ("日万分之五", "年利率6%", "月利率1%", "日万分之三点五"):
        assert parse_rate(parse_rate(text).describe()) == parse_rate(text)
