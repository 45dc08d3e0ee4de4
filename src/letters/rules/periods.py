"""Counting periods: 民法典 Arts. 201-203, the one implementation used for
letters' payment deadlines and for limitation periods alike.

- Art. 201: the day the period starts is not counted; counting begins the next day.
- Art. 202: a period in years or months ends on the corresponding day of the
  last month; with no corresponding day, on the last day of that month.
- Art. 203: if the last day is a statutory rest day, the period ends on the day
  after the rest ends.

**AMBIGUOUS** (legal-rules §1): whether ordinary weekends count as 法定休假日.
Default: roll over weekends *and* holidays for the legal last day, report the
holidays-only reading as the alternative, and always give a *safe action date*
(the last working day on or before the raw last day).

>>> from letters.calendar import ChineseCalendar
>>> last_day(date(2025, 9, 30), days=7, calendar=ChineseCalendar()).legal
datetime.date(2025, 10, 9)
"""

from __future__ import annotations

import calendar as gregorian
from dataclasses import dataclass
from datetime import date, timedelta

from letters.calendar import HolidayDataUnavailable, RestDayCalendar
from letters.dates import format_cn_date

_ONE_DAY = timedelta(days=1)


def add_months(start: date, months: int) -> date:
    """The corresponding day ``months`` later, or that month's last day (Art. 202).

    >>> add_months(date(2021, 1, 31), 1), add_months(date(2020, 2, 29), 36)
    (datetime.date(2021, 2, 28), datetime.date(2023, 2, 28))
    """
    total = start.year * 12 + (start.month - 1) + months
    year, month = divmod(total, 12)
    month += 1
    return date(year, month, min(start.day, gregorian.monthrange(year, month)[1]))


def raw_last_day(start: date, *, years: int = 0, months: int = 0, days: int = 0) -> date:
    """The last day of a period starting on ``start``, before any holiday roll.

    ``start`` is the day of the event (not counted, Art. 201); years and months
    end on the corresponding day (Art. 202); days are counted from the next day.

    >>> raw_last_day(date(2021, 3, 15), years=3)
    datetime.date(2024, 3, 15)
    >>> raw_last_day(date(2025, 9, 30), days=7)
    datetime.date(2025, 10, 7)
    >>> raw_last_day(date(2023, 3, 31), months=6)
    datetime.date(2023, 9, 30)
    """
    if min(years, months, days) < 0:
        raise ValueError("period lengths are never negative")
    end = add_months(start, years * 12 + months) if years or months else start
    return end + timedelta(days=days)


def describe_length(*, years: int = 0, months: int = 0, days: int = 0) -> str:
    """The period's length as a letter or explanation writes it.

    >>> describe_length(years=3), describe_length(months=6), describe_length(days=7)
    ('3年', '6个月', '7日')
    """
    parts = []
    if years:
        parts.append(f"{years}年")
    if months:
        parts.append(f"{months}个月")
    if days:
        parts.append(f"{days}日")
    return "".join(parts) or "0日"


@dataclass(frozen=True, slots=True)
class LastDay:
    """A period's last day with everything needed to explain it.

    ``legal`` equals ``raw`` when no roll applies, when ``roll`` was off (e.g.
    guarantee periods, Art. 692), or when holiday data is missing
    (``holiday_data_missing`` then names the year: never guess). With ``roll``
    off, ``if_rolled`` is the day the alternative reading (Art. 203 applies
    after all) would give.
    """

    start: date
    length: str
    raw: date
    legal: date
    safe_action: date | None
    holidays_only: date | None
    holiday_data_missing: int | None
    steps: tuple[str, ...]
    if_rolled: date | None = None

    @property
    def rolled(self) -> bool:
        return self.legal != self.raw


def _first_working_day_after(day: date, calendar: RestDayCalendar) -> date:
    while calendar.is_rest_day(day):
        day += _ONE_DAY
    return day


def _after_public_holiday(day: date, calendar: RestDayCalendar) -> date:
    while calendar.is_public_holiday(day):
        day += _ONE_DAY
    return day


def _last_working_day_on_or_before(day: date, calendar: RestDayCalendar) -> date:
    while calendar.is_rest_day(day):
        day -= _ONE_DAY
    return day


def last_day(
    start: date,
    *,
    years: int = 0,
    months: int = 0,
    days: int = 0,
    calendar: RestDayCalendar,
    roll: bool = True,
) -> LastDay:
    """The raw and legal last day of a period, with its explanation.

    >>> from letters.calendar import FixedCalendar
    >>> result = last_day(date(2023, 1, 10), years=3, calendar=FixedCalendar(frozenset({2026})))
    >>> result.raw, result.legal, result.safe_action
    (datetime.date(2026, 1, 10), datetime.date(2026, 1, 12), datetime.date(2026, 1, 9))
    """
    length = describe_length(years=years, months=months, days=days)
    raw = raw_last_day(start, years=years, months=months, days=days)
    steps = [
        f"自{format_cn_date(start)}起算，开始的当日不计入，自次日开始计算（民法典第二百零一条）",
    ]
    if years or months:
        steps.append(
            f"期间{length}，到期月的对应日（无对应日的为月末日）"
            f"{format_cn_date(raw)}为期间的最后一日（民法典第二百零二条）"
        )
    else:
        steps.append(f"期间{length}，最后一日为{format_cn_date(raw)}（民法典第二百零一条）")
    return _settle(start, length, raw, steps, calendar, roll)


def fixed_last_day(
    raw: date, *, because: str, calendar: RestDayCalendar, roll: bool = True
) -> LastDay:
    """A last day given directly (an agreed end date), settled like any other:
    rolled per Art. 203 unless ``roll`` is off, with its safe action date.

    >>> from letters.calendar import FixedCalendar
    >>> day = fixed_last_day(date(2027, 6, 26), because="约定", roll=False,
    ...                      calendar=FixedCalendar(frozenset({2027})))
    >>> day.legal, day.if_rolled, day.safe_action
    (datetime.date(2027, 6, 26), datetime.date(2027, 6, 28), datetime.date(2027, 6, 25))
    """
    return _settle(raw, "约定", raw, [because], calendar, roll)


def _settle(
    start: date,
    length: str,
    raw: date,
    steps: list[str],
    calendar: RestDayCalendar,
    roll: bool,
) -> LastDay:
    """Apply Art. 203 (or not) to ``raw``; add the safe action date and the alternatives."""
    legal = raw
    safe_action: date | None = None
    holidays_only: date | None = None
    if_rolled: date | None = None
    missing: int | None = None
    try:
        safe_action = _last_working_day_on_or_before(raw, calendar)
        rolled = _first_working_day_after(raw, calendar)
        if roll:
            legal = rolled
            holidays_only = _after_public_holiday(raw, calendar)
        elif rolled != raw:
            if_rolled = rolled
    except HolidayDataUnavailable as unavailable:
        legal = raw
        safe_action = None
        holidays_only = None
        if_rolled = None
        if roll:
            missing = unavailable.year
            steps.append(
                f"{unavailable.year}年的法定节假日数据不可用，未作顺延，按原始日期"
                f"{format_cn_date(raw)}处理（请补充{unavailable.year}年节假日安排后重新计算）"
            )
        else:
            # The last day is certain (no roll applies): only the safe action date,
            # the last working day before it, needs the missing year's holidays.
            steps.append(
                f"该期间不因休息日顺延，最后一日为{format_cn_date(raw)}；{unavailable.year}年的"
                "法定节假日数据不可用，无法确定此前的最后一个工作日"
            )
    if missing is None:
        if not roll:
            steps.append("该期间不因休息日顺延")
            if if_rolled is not None:
                steps.append(
                    f"另一种理解：{format_cn_date(raw)}为休息日，适用民法典第二百零三条顺延，"
                    f"则最后一日为{format_cn_date(if_rolled)}"
                )
        elif legal != raw:
            steps.append(
                f"{format_cn_date(raw)}为休息日，以休息日结束的次日{format_cn_date(legal)}"
                "为期间的最后一日（民法典第二百零三条）"
            )
            if holidays_only is not None and holidays_only != legal:
                steps.append(
                    f"另一种理解：普通周末不属于法定休假日，则最后一日为{format_cn_date(holidays_only)}"
                )
        if safe_action is not None and safe_action != raw:
            steps.append(
                f"稳妥起见，应在{format_cn_date(safe_action)}（原始最后一日前的最后一个工作日）前采取行动"
            )
    return LastDay(
        start, length, raw, legal, safe_action, holidays_only, missing, tuple(steps), if_rolled
    )
