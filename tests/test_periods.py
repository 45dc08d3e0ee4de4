"""Period counting (民法典 Arts. 201-203): the worked examples of legal-rules.md,
month ends, leap days, holiday rolls around Spring Festival and National Day,
make-up working weekends, and years without holiday data.

Holiday facts used here are the State Council's published schedules:
2024 Spring Festival 02-10..02-17 (make-up workday Sun 02-18); 2024 National Day
10-01..10-07; 2025 National Day/Mid-Autumn 10-01..10-08 (make-up Sat 10-11);
2026 Spring Festival 02-15..02-23 (make-up Sat 02-14 and Sat 02-28); 2026
National Day 10-01..10-07 (make-up Sat 10-10).
"""

from __future__ import annotations

from datetime import date

import pytest

from helpers import fixed_calendar
from letters.calendar import ChineseCalendar, FixedCalendar, HolidayDataUnavailable
from letters.rules.periods import add_months, last_day, raw_last_day


@pytest.mark.parametrize(
    ("start", "years", "months", "days", "raw"),
    [
        (date(2021, 3, 15), 3, 0, 0, date(2024, 3, 15)),  # legal-rules §1
        (date(2020, 2, 29), 3, 0, 0, date(2023, 2, 28)),  # no corresponding day → month end
        (date(2020, 2, 29), 4, 0, 0, date(2024, 2, 29)),
        (date(2021, 1, 31), 0, 1, 0, date(2021, 2, 28)),
        (date(2024, 1, 31), 0, 1, 0, date(2024, 2, 29)),
        (date(2023, 3, 31), 0, 6, 0, date(2023, 9, 30)),  # worked example 5
        (date(2023, 8, 31), 0, 6, 0, date(2024, 2, 29)),
        (date(2025, 9, 30), 0, 0, 7, date(2025, 10, 7)),  # §1 payment deadline
        (date(2026, 12, 28), 0, 0, 7, date(2027, 1, 4)),
        (date(2026, 11, 22), 0, 0, 0, date(2026, 11, 22)),
    ],
)
def test_raw_last_day(start: date, years: int, months: int, days: int, raw: date) -> None:
    assert raw_last_day(start, years=years, months=months, days=days) == raw


def test_add_months_across_year() -> None:
    assert add_months(date(2025, 11, 30), 3) == date(2026, 2, 28)
    assert add_months(date(2025, 12, 31), 2) == date(2026, 2, 28)


def test_negative_length_rejected() -> None:
    with pytest.raises(ValueError, match="never negative"):
        raw_last_day(date(2026, 1, 1), days=-1)


CALENDAR = ChineseCalendar()


@pytest.mark.parametrize(
    ("start", "kwargs", "raw", "legal", "safe"),
    [
        # Worked example 1: raw 2024-03-15 is a Friday → no roll.
        (date(2021, 3, 15), {"years": 3}, date(2024, 3, 15), date(2024, 3, 15), date(2024, 3, 15)),
        # Worked example 2: raw 2026-01-10 is a Saturday → Monday 2026-01-12; safe Friday 01-09.
        (date(2023, 1, 10), {"years": 3}, date(2026, 1, 10), date(2026, 1, 12), date(2026, 1, 9)),
        # Worked example 3: raw 2024-10-03 inside National Day 10-01..10-07 → 2024-10-08.
        (date(2021, 10, 3), {"years": 3}, date(2024, 10, 3), date(2024, 10, 8), date(2024, 9, 30)),
        # Worked example 5 (limitation after demand): raw 2026-08-15 Saturday → 2026-08-17.
        (date(2023, 8, 15), {"years": 3}, date(2026, 8, 15), date(2026, 8, 17), date(2026, 8, 14)),
        # §1 payment deadline: received 2025-09-30 + 7 days → raw 10-07 → 10-09.
        (date(2025, 9, 30), {"days": 7}, date(2025, 10, 7), date(2025, 10, 9), date(2025, 9, 30)),
        # Spring Festival 2026: raw 02-16 → first working day 02-24.
        (date(2026, 2, 9), {"days": 7}, date(2026, 2, 16), date(2026, 2, 24), date(2026, 2, 14)),
        # Make-up working Saturday 2026-02-14 is a working day: not rolled, and safe.
        (date(2026, 2, 7), {"days": 7}, date(2026, 2, 14), date(2026, 2, 14), date(2026, 2, 14)),
        # Make-up working Saturday 2026-10-10 after National Day: not rolled.
        (
            date(2026, 10, 3),
            {"days": 7},
            date(2026, 10, 10),
            date(2026, 10, 10),
            date(2026, 10, 10),
        ),
        # Sample deadline: issued 2026-09-24, 7 days → 10-01 (National Day) → 10-08.
        (date(2026, 9, 24), {"days": 7}, date(2026, 10, 1), date(2026, 10, 8), date(2026, 9, 30)),
        # Month end on a Saturday: 2024-08-31 → Monday 2024-09-02.
        (date(2021, 8, 31), {"years": 3}, date(2024, 8, 31), date(2024, 9, 2), date(2024, 8, 30)),
        # Spring Festival 2024 ends 02-17; 02-18 is a make-up working Sunday.
        (date(2021, 2, 12), {"years": 3}, date(2024, 2, 12), date(2024, 2, 18), date(2024, 2, 9)),
    ],
)
def test_legal_last_day(
    start: date, kwargs: dict[str, int], raw: date, legal: date, safe: date
) -> None:
    result = last_day(start, calendar=CALENDAR, **kwargs)
    assert (result.raw, result.legal, result.safe_action) == (raw, legal, safe)
    assert result.holiday_data_missing is None
    assert result.legal >= result.raw >= result.safe_action  # type: ignore[operator]


def test_explanation_cites_articles() -> None:
    steps = last_day(date(2021, 10, 3), years=3, calendar=CALENDAR).steps
    text = "\n".join(steps)
    assert "民法典第二百零一条" in text
    assert "民法典第二百零二条" in text
    assert (
        "2024年10月3日为休息日，以休息日结束的次日2024年10月8日为期间的最后一日（民法典第二百零三条）"
        in text
    )


def test_alternative_reading_for_plain_weekend() -> None:
    # 2026-01-10 is an ordinary Saturday: rolled under the default reading,
    # not rolled if weekends are not 法定休假日 (the alternative is shown).
    result = last_day(date(2023, 1, 10), years=3, calendar=CALENDAR)
    assert result.holidays_only == date(2026, 1, 10)
    assert any("另一种理解" in step and "2026年1月10日" in step for step in result.steps)


def test_no_roll_for_guarantee_period() -> None:
    # Worked example 5: 连带责任保证 with no agreed period → 6 months, never extended (Art. 692).
    result = last_day(date(2023, 3, 31), months=6, calendar=CALENDAR, roll=False)
    assert result.raw == result.legal == date(2023, 9, 30)  # a Saturday, still not rolled
    assert result.safe_action == date(2023, 9, 28)  # 09-29 is the Mid-Autumn holiday in 2023


def test_year_without_holiday_data_keeps_raw_date() -> None:
    result = last_day(date(2026, 12, 28), days=7, calendar=CALENDAR)
    assert result.raw == result.legal == date(2027, 1, 4)
    assert result.holiday_data_missing == 2027
    assert result.safe_action is None
    assert any("2027年的法定节假日数据不可用" in step for step in result.steps)


def test_roll_that_runs_into_a_year_without_data() -> None:
    calendar = fixed_calendar(2030, holidays=(date(2030, 12, 31),))
    result = last_day(date(2030, 12, 24), days=7, calendar=calendar)
    assert result.holiday_data_missing == 2031
    assert result.legal == result.raw == date(2030, 12, 31)


def test_fixed_calendar_weekend_and_makeup_day() -> None:
    calendar = fixed_calendar(2030, workdays=(date(2030, 1, 5),))
    assert calendar.is_rest_day(date(2030, 1, 6))  # Sunday
    assert not calendar.is_rest_day(date(2030, 1, 5))  # make-up Saturday
    with pytest.raises(HolidayDataUnavailable):
        calendar.is_rest_day(date(2031, 1, 1))


def test_supplement_extends_chinese_calendar() -> None:
    supplement = FixedCalendar(frozenset({2027}), frozenset({date(2027, 1, 1)}))
    calendar = ChineseCalendar(supplement)
    # 2027-01-01 is a Friday holiday in the supplement; the roll goes past the weekend.
    assert last_day(date(2026, 12, 25), days=7, calendar=calendar).legal == date(2027, 1, 4)
    assert calendar.is_rest_day(date(2026, 10, 1))  # 2026 still from chinesecalendar


def test_without_roll_a_year_without_holiday_data_only_hides_the_safe_action_date() -> None:
    # A guarantee period is never extended (Art. 692): its last day does not depend
    # on holidays, so missing holiday data leaves only the safe action date unknown.
    result = last_day(date(2027, 1, 10), months=6, calendar=CALENDAR, roll=False)
    assert result.raw == result.legal == date(2027, 7, 10)
    assert result.holiday_data_missing is None
    assert result.safe_action is None
    assert any("无法确定此前的最后一个工作日" in step for step in result.steps)
