"""The bundled samples: every one is valid, the mistakes file reports exactly its
planted mistakes, the built-in templates are current, the demo script's naming works."""

from __future__ import annotations

import subprocess
import sys

import pytest
from click.testing import CliRunner

from helpers import KINDS, REPO, SAMPLES, sample_files
from letters.cli import cli


@pytest.mark.parametrize("kind", KINDS)
def test_every_sample_is_valid(kind: str) -> None:
    files = sample_files(kind)
    assert files, f"no sample for {kind}"
    for path in files:
        result = CliRunner().invoke(cli, ["check", str(path), "--template", kind, "--quiet"])
        assert result.exit_code == 0, result.output + result.stderr
        assert " 0 invalid; 0 errors" in result.output


def test_samples_cover_every_format_and_encoding() -> None:
    names = {p.name for p in SAMPLES.iterdir() if p.is_file()}
    assert {n.rsplit(".", 1)[1] for n in names} >= {"csv", "xlsx", "json"}
    gb = (SAMPLES / "rent_gb18030.csv").read_bytes()
    with pytest.raises(UnicodeDecodeError):
        gb.decode("utf-8")
    gb.decode("gb18030")


def test_mistakes_file_reports_each_planted_mistake() -> None:
    path = SAMPLES / "errors" / "goods-payment-with-mistakes.csv"
    result = CliRunner().invoke(cli, ["check", str(path), "-t", "goods-payment"])
    assert result.exit_code == 1
    found = [
        line.split(": error: ", 1) for line in result.stderr.splitlines() if ": error: " in line
    ]
    where = [w.removeprefix(f"{path}, ") for w, _ in found]
    assert where == [
        'row 2, column "amount_due"',  # 1.2万
        'row 3, column "debtor_name"',  # rows of E-01 disagree
        'row 4, column "amount_paid"',  # 12,34a
        'row 5, column "amount_paid"',  # paid more than due
        'row 6, column "due_date"',  # 2026-02-30
        'row 7, column "due_date"',  # due after the issue date
        'row 8, column "debtor_address"',  # required value missing
        'row 8, column "late_fee_rate"',  # rate without a unit
        'row 9, column "debtor_id_no"',  # bad 统一社会信用代码 check digit
        'row 10, column "case_id"',  # row without a case id
    ]
    assert "10 errors" in result.output


def test_built_in_templates_are_built_from_their_descriptions() -> None:
    result = subprocess.run(
        [sys.executable, str(REPO / "tools" / "build_templates.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
