"""Agreed rates for late fees and interest, as clerks and contracts write them.

A rate always carries its unit (per day, month or year): a bare "0.05%" is
rejected, because reading a daily rate as annual changes the amount 365-fold.

>>> parse_rate("日万分之五")
Rate(value=Decimal('0.0005'), unit='day')
>>> parse_rate("年利率6%").describe()
'年利率6%'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Literal

import cn2an

from letters.errors import ValueProblem

RateUnit = Literal["day", "month", "year"]

_RATE_HINT = "write the rate with its unit, e.g. 日万分之五, 0.05%/日, 年利率6%, 月1%"
_UNIT_WORDS: dict[str, RateUnit] = {
    "日": "day",
    "每日": "day",
    "每天": "day",
    "天": "day",
    "/日": "day",
    "/天": "day",
    "每日按": "day",
    "月": "month",
    "每月": "month",
    "月利率": "month",
    "/月": "month",
    "年": "year",
    "每年": "year",
    "年利率": "year",
    "年化": "year",
    "年化利率": "year",
    "/年": "year",
}
_FRACTIONS = {"百分之": Decimal("0.01"), "千分之": Decimal("0.001"), "万分之": Decimal("0.0001")}
_NUMBER = r"[0-9]+(?:\.[0-9]+)?|[零〇一二两三四五六七八九十百点]+"
_RATE_RE = re.compile(
    rf"(?P<pre>每日按|每日|每天|日|每月|月利率|月|每年|年化利率|年化|年利率|年)?"
    rf"(?:(?P<fraction>百分之|千分之|万分之)(?P<fnum>{_NUMBER})|(?P<pnum>{_NUMBER})(?P<pct>%|‰))"
    rf"(?P<post>/日|/天|/月|/年|每日|每天|每月|每年)?"
)


@dataclass(frozen=True, slots=True)
class Rate:
    """A rate as a fraction per unit: 0.0005 per day is 日万分之五."""

    value: Decimal
    unit: RateUnit

    def daily_fraction(self, days_per_year: int) -> Decimal:
        """The rate per day; monthly and annual rates use ``days_per_year`` (360/365).

        >>> Rate(Decimal("0.06"), "year").daily_fraction(360)
        Decimal('0.0001666666666666666666666666667')
        """
        if self.unit == "day":
            return self.value
        per_year = self.value * 12 if self.unit == "month" else self.value
        return per_year / days_per_year

    def describe(self) -> str:
        """The rate as a letter prints it.

        >>> Rate(Decimal("0.0005"), "day").describe(), Rate(Decimal("0.00035"), "day").describe()
        ('日万分之五', '日万分之三点五')
        >>> Rate(Decimal("0.01"), "month").describe()
        '月利率1%'
        """
        if self.unit == "day":
            per_ten_thousand = (self.value * 10000).normalize()
            return "日万分之" + str(cn2an.an2cn(format(per_ten_thousand, "f"), "low"))
        percent = format((self.value * 100).normalize(), "f")
        return ("月利率" if self.unit == "month" else "年利率") + percent + "%"

    def canonical(self) -> str:
        """Stable text for hashing: ``0.0005/day``."""
        return f"{format(self.value.normalize(), 'f')}/{self.unit}"


def _number(text: str) -> Decimal:
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return Decimal(text)
    # Chinese numerals such as 五 or 三点五: cn2an returns int or float for these
    # small numbers; str() of such a float is its exact short decimal form.
    return Decimal(str(cn2an.cn2an(text, "normal")))


def parse_rate(value: object) -> Rate:
    """Parse an agreed rate; raise :class:`ValueProblem` when the unit is missing.

    >>> parse_rate("0.05%/日"), parse_rate("万分之五/日")
    (Rate(value=Decimal('0.0005'), unit='day'), Rate(value=Decimal('0.0005'), unit='day'))
    >>> parse_rate("月1%"), parse_rate("年化利率3.85%")
    (Rate(value=Decimal('0.01'), unit='month'), Rate(value=Decimal('0.0385'), unit='year'))
    >>> parse_rate("0.05%")
    Traceback (most recent call last):
    letters.errors.ValueProblem: "0.05%" has no unit (per day, month or year)
    """
    if not isinstance(value, str):
        raise ValueProblem(f'"{value}" is not a rate', _RATE_HINT)
    original = value.strip()
    text = unicodedata.normalize("NFKC", original).replace(" ", "").replace("按", "")
    text = text.replace("每日", "日") if text.startswith("每日") else text
    match = _RATE_RE.fullmatch(text)
    if not match:
        raise ValueProblem(f'"{original}" is not a rate', _RATE_HINT)
    pre, post = match.group("pre"), match.group("post")
    if bool(pre) == bool(post):
        if pre and post:
            raise ValueProblem(f'"{original}" names its unit twice', _RATE_HINT)
        raise ValueProblem(f'"{original}" has no unit (per day, month or year)', _RATE_HINT)
    unit = _UNIT_WORDS[pre or post or ""]
    try:
        if match.group("fraction"):
            fraction = _number(match.group("fnum")) * _FRACTIONS[match.group("fraction")]
        else:
            scale = Decimal("0.01") if match.group("pct") == "%" else Decimal("0.001")
            fraction = _number(match.group("pnum")) * scale
    except (InvalidOperation, ValueError) as error:
        raise ValueProblem(f'"{original}" is not a rate', _RATE_HINT) from error
    if fraction <= 0:
        raise ValueProblem(f'"{original}" is zero', "leave the rate empty when none was agreed")
    return Rate(fraction.normalize(), unit)
