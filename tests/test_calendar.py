"""Holiday tables supplied by the user for years chinesecalendar does not cover."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from letters.calendar import load_calendar
from letters.errors import LettersError


def test_load_holiday_table(tmp_path: Path) -> None:
    table = tmp_path / "holidays.csv"
    table.write_text(
        "date,type\n2027-01-01,休息\n2027年2月6日,休息\n2027/2/20,上班\n", encoding="utf-8"
    )
    calendar = load_calendar(table)
    assert calendar.is_rest_day(date(2027, 1, 1))
    assert calendar.is_rest_day(date(2027, 2, 6))
    assert not calendar.is_rest_day(date(2027, 2, 20))  # a make-up Saturday
    assert not calendar.is_rest_day(date(2027, 1, 4))
    assert calendar.is_public_holiday(date(2027, 1, 1))
    assert not calendar.is_public_holiday(date(2027, 1, 9))  # plain Saturday


def test_bad_holiday_table_names_the_row(tmp_path: Path) -> None:
    table = tmp_path / "holidays.csv"
    table.write_text("date,type\n2027-01-01,休息\n2027-13-01,休息\n", encoding="utf-8")
    with pytest.raises(
        LettersError, match=r"holidays.csv, row 3: \"2027-13-01\" is not a calendar date"
    ):
        load_calendar(table)


def test_unknown_type(tmp_path: Path) -> None:
    table = tmp_path / "holidays.csv"
    table.write_text("date,type\n2027-01-01,放假\n", encoding="utf-8")
    with pytest.raises(LettersError, match="neither 休息 nor 上班"):
        load_calendar(table)


def test_holiday_table_with_chinese_headers(tmp_path: Path) -> None:
    table = tmp_path / "holidays.csv"
    table.write_text("日期,类型\n2027/1/1,休息\n", encoding="utf-8")
    assert load_calendar(table).is_rest_day(date(2027, 1, 1))
