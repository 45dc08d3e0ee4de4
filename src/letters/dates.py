"""Dates: parsing what clerks type and printing dates the way letters do.

Period arithmetic with legal meaning (民法典 Arts. 201-203) lives in
:mod:`letters.rules.periods`; this module only reads and writes dates.

>>> parse_date("2026年11月22日")
datetime.date(2026, 11, 22)
>>> format_cn_date(date(2026, 1, 5))
'2026年1月5日'
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from letters.errors import ValueProblem

_DATE_HINT = "write dates as 2026-11-22, 2026/11/22, 2026年11月22日 or 20261122"
_DATE_RE = re.compile(
    r"(\d{4})\s*(?:[-/.]|年)\s*(\d{1,2})\s*(?:[-/.]|月)\s*(\d{1,2})\s*日?"
    # ERP and WPS exports add a time of day ("2026-11-20 00:00:00"): the date is what counts.
    r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"
)
# 20261120, as many accounting systems export dates.
_COMPACT_DATE_RE = re.compile(r"(\d{4})(\d{2})(\d{2})")


def parse_date(value: object) -> date:
    """Parse a calendar date; raise :class:`ValueProblem` otherwise.

    >>> parse_date("2026/1/5"), parse_date("2026-01-05")
    (datetime.date(2026, 1, 5), datetime.date(2026, 1, 5))
    >>> parse_date(datetime(2026, 1, 5, 0, 0))
    datetime.date(2026, 1, 5)
    >>> parse_date("20261120"), parse_date("2026-11-20 00:00:00")
    (datetime.date(2026, 11, 20), datetime.date(2026, 11, 20))
    >>> parse_date("2026-02-30")
    Traceback (most recent call last):
    letters.errors.ValueProblem: "2026-02-30" is not a calendar date
    >>> parse_date("05/01/2026")
    Traceback (most recent call last):
    letters.errors.ValueProblem: "05/01/2026" is not a date
    """
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueProblem(
            f'"{value}" is not a date',
            _DATE_HINT + " (a bare number in an Excel date column: format the cells as dates)",
        )
    original = value.strip()
    normalized = unicodedata.normalize("NFKC", original)
    match = _DATE_RE.fullmatch(normalized) or _COMPACT_DATE_RE.fullmatch(normalized)
    if not match:
        raise ValueProblem(f'"{original}" is not a date', _DATE_HINT)
    year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError as error:
        raise ValueProblem(f'"{original}" is not a calendar date', _DATE_HINT) from error


def format_cn_date(value: date) -> str:
    """The date as formal Chinese letters print it: 2026年11月22日 (no zero padding)."""
    return f"{value.year}年{value.month}月{value.day}日"
