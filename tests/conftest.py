"""Shared fixtures."""

from __future__ import annotations

import pytest

from letters.calendar import ChineseCalendar


@pytest.fixture(scope="session")
def calendar() -> ChineseCalendar:
    return ChineseCalendar()
