"""Shared fixtures."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

from letters.calendar import ChineseCalendar

# Prepared fonts (render/fonts.py) go to a cache of the tests' own, shared by
# the test processes (they are written atomically), not to the user's cache.
os.environ.setdefault("LETTERS_FONT_CACHE", str(Path(tempfile.gettempdir()) / "letters-test-fonts"))


@pytest.fixture(scope="session")
def calendar() -> ChineseCalendar:
    return ChineseCalendar()
