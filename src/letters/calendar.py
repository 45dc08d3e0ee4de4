"""Rest-day calendars (法定休假日 and weekends) for period arithmetic.

The period rules take a calendar as a parameter so that tests can use a fixed
one and production uses the ``chinesecalendar`` package (import name
``chinese_calendar``), optionally supplemented by a user table for years the
package does not cover yet (the State Council publishes each year's schedule
only in the preceding November or December).

A calendar never guesses: asking about a year it has no data for raises
:class:`HolidayDataUnavailable`.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Protocol

from letters.dates import parse_date
from letters.errors import LettersError, ValueProblem


class HolidayDataUnavailable(LookupError):
    """The calendar has no holiday data for ``year``."""

    def __init__(self, year: int) -> None:
        super().__init__(f"holiday data unavailable for {year}")
        self.year = year


class RestDayCalendar(Protocol):
    def is_rest_day(self, day: date) -> bool:
        """True for weekends and statutory holidays, False for working days
        (including make-up working weekends, 调休上班)."""
        ...

    def is_public_holiday(self, day: date) -> bool:
        """True only inside a statutory holiday block (春节, 国庆节 …), not for
        an ordinary weekend. Used for the alternative reading of Art. 203."""
        ...


@dataclass(frozen=True)
class FixedCalendar:
    """A calendar from explicit lists, for tests and for user-supplied years.

    Weekends are rest days unless listed in ``workdays``; ``holidays`` are rest
    days. Only ``years`` are covered.

    >>> cal = FixedCalendar(years=frozenset({2027}), holidays=frozenset({date(2027, 1, 1)}))
    >>> cal.is_rest_day(date(2027, 1, 1)), cal.is_rest_day(date(2027, 1, 4))
    (True, False)
    >>> cal.is_rest_day(date(2028, 1, 3))
    Traceback (most recent call last):
    letters.calendar.HolidayDataUnavailable: holiday data unavailable for 2028
    """

    years: frozenset[int]
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def _check(self, day: date) -> None:
        if day.year not in self.years:
            raise HolidayDataUnavailable(day.year)

    def is_rest_day(self, day: date) -> bool:
        self._check(day)
        if day in self.workdays:
            return False
        return day in self.holidays or day.weekday() >= 5

    def is_public_holiday(self, day: date) -> bool:
        self._check(day)
        return day in self.holidays


@dataclass(frozen=True)
class ChineseCalendar:
    """Production calendar: ``chinesecalendar`` first, then a user table."""

    supplement: FixedCalendar | None = None

    def is_rest_day(self, day: date) -> bool:
        import chinese_calendar

        try:
            return not chinese_calendar.is_workday(day)
        except NotImplementedError:
            if self.supplement is not None and day.year in self.supplement.years:
                return self.supplement.is_rest_day(day)
            raise HolidayDataUnavailable(day.year) from None

    def is_public_holiday(self, day: date) -> bool:
        import chinese_calendar

        try:
            on_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            if self.supplement is not None and day.year in self.supplement.years:
                return self.supplement.is_public_holiday(day)
            raise HolidayDataUnavailable(day.year) from None
        return bool(on_holiday and name is not None)


HOLIDAY_TABLE_HELP = (
    "a CSV file with columns date,type (or 日期,类型) where type is 休息 (holiday) or 上班 (make-up "
    "working day); every year that appears in it is taken as fully described"
)


_HOLIDAY_HEADERS = {"日期": "date", "类型": "type", "date": "date", "type": "type"}


def parse_holiday_table(rows: Iterable[dict[str, str]], source: str) -> FixedCalendar:
    """Build a :class:`FixedCalendar` from ``date,type`` rows (type 休息/上班).

    >>> cal = parse_holiday_table([{"date": "2027-02-05", "type": "休息"},
    ...                            {"date": "2027-02-20", "type": "上班"}], "h.csv")
    >>> cal.is_rest_day(date(2027, 2, 5)), cal.is_rest_day(date(2027, 2, 20))
    (True, False)
    """
    holidays: set[date] = set()
    workdays: set[date] = set()
    for number, row in enumerate(rows, start=2):
        row = {_HOLIDAY_HEADERS.get(k.strip().lower(), k): v for k, v in row.items() if k}
        try:
            day = parse_date(row.get("date", ""))
        except ValueProblem as problem:
            raise LettersError(
                f"{source}, row {number}: {problem.message}", HOLIDAY_TABLE_HELP
            ) from None
        kind = (row.get("type") or "").strip().lower()
        if kind in {"休息", "holiday", "rest"}:
            holidays.add(day)
        elif kind in {"上班", "workday", "work"}:
            workdays.add(day)
        else:
            raise LettersError(
                f'{source}, row {number}: type "{kind}" is neither 休息 nor 上班',
                HOLIDAY_TABLE_HELP,
            )
    years = frozenset(d.year for d in holidays | workdays)
    return FixedCalendar(years, frozenset(holidays), frozenset(workdays))


def load_calendar(holiday_table: Path | None = None) -> ChineseCalendar:
    """The production calendar, supplemented by ``holiday_table`` when given."""
    if holiday_table is None:
        return ChineseCalendar()
    try:
        with holiday_table.open(encoding="utf-8-sig", newline="") as handle:
            supplement = parse_holiday_table(csv.DictReader(handle), str(holiday_table))
    except OSError as error:
        raise LettersError(f"cannot read holiday table {holiday_table}: {error.strerror}") from None
    return ChineseCalendar(supplement)
