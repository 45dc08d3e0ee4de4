"""Output files: safe names, atomic writes, stale temporary files."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from letters.render.output import (
    TEMP_MARKER,
    atomic_write,
    output_stem,
    remove_stale_temps,
    safe_file_stem,
    write_temp,
)


@pytest.mark.parametrize(
    ("text", "stem"),
    [
        ("C001_goods-payment", "C001_goods-payment"),
        ("华信/电子:2026*?", "华信_电子_2026__"),
        ('a<b>c"d|e\\f', "a_b_c_d_e_f"),
        ("PRN", "_PRN"),
        ("com1.tail", "_com1.tail"),
        ("结尾有点...", "结尾有点"),
        ("../evil", "_evil"),
        (".hidden", "hidden"),
        ("tab\tname", "tab_name"),
        ("", "_"),
        ("长" * 300, "长" * 120),
    ],
)
def test_safe_file_stem(text: str, stem: str) -> None:
    assert safe_file_stem(text) == stem


def test_output_stem_unknown_field() -> None:
    with pytest.raises(ValueError, match="cannot be filled"):
        output_stem("{nope}", {"case_id": "C1"})


def test_atomic_write_leaves_only_the_final_file(tmp_path: Path) -> None:
    target = tmp_path / "out" / "C1.pdf"
    atomic_write(target, b"%PDF-1.7")
    assert target.read_bytes() == b"%PDF-1.7"
    assert sorted(p.name for p in target.parent.iterdir()) == ["C1.pdf"]


def test_stale_temps_of_dead_processes_are_removed(tmp_path: Path) -> None:
    live = write_temp(tmp_path / "live.pdf", b"x")  # this process: alive
    dead = tmp_path / f".dead.pdf{TEMP_MARKER}999999999-abcd"  # no such pid
    dead.write_bytes(b"x")
    other_live = tmp_path / f".other.pdf{TEMP_MARKER}{os.getppid()}-abcd"
    other_live.write_bytes(b"x")
    assert remove_stale_temps(tmp_path) == 2  # ours (from an earlier run) and the dead one
    assert not live.exists()
    assert not dead.exists()
    assert other_live.exists()
