"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from letters.calendar import ChineseCalendar


@pytest.fixture(scope="session")
def calendar() -> ChineseCalendar:
    return ChineseCalendar()


@pytest.fixture(autouse=True)
def own_user_templates(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Each test gets an empty per-user config folder (~/.config/letters/templates),
    so templates of the machine running the tests never take part."""
    config = tmp_path_factory.mktemp("xdg-config")
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config))
    monkeypatch.delenv("LETTERS_TEMPLATES", raising=False)
    return config / "letters" / "templates"
