"""The command line through click's CliRunner: exit codes, exact messages, files."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from letters.cli import cli

HEADER = (
    "案件编号,发函日期,债权人名称,我方联系人,我方联系电话,债务人名称,债务人地址,合同名称,"
    "货物或服务,项目,应付日期,应付金额,已付金额"
)
GOOD_ROWS = [
    "C1,2026-09-24,上海申江机电设备有限公司,王晓明,021-58881234,杭州A&B<华信>电子科技有限公司,"
    "浙江省杭州市临平区世纪大道1号,工业设备买卖合同,数控加工中心,货款,2026-06-30,107000.53,0",
    "C1,,,,,,,,,货款,2026-07-31,16409.02,6409.02",
    "C2,2026-09-24,上海申江机电设备有限公司,王晓明,021-58881234,苏州工业园区精密模具有限公司,"
    "江苏省苏州市工业园区星湖街1号,模具加工合同,注塑模具,货款,2026-08-31,1680.32,0",
]
BAD_ROW = (
    "C3,2026-09-24,上海申江机电设备有限公司,王晓明,021-58881234,宁波海曙贸易有限公司,"
    "浙江省宁波市,买卖合同,钢材,货款,2026-08-31,1.2万,0"
)


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text("\n".join([HEADER, *GOOD_ROWS]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def bad_cases(tmp_path: Path) -> Path:
    path = tmp_path / "bad.csv"
    path.write_text("\n".join([HEADER, *GOOD_ROWS, BAD_ROW]) + "\n", encoding="utf-8")
    return path


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_every_command_has_help_with_an_example() -> None:
    commands = [
        ["templates", "list"],
        ["templates", "show"],
        ["templates", "new"],
        ["templates", "check"],
        ["templates", "preview"],
        ["templates", "vars"],
        ["templates", "guide"],
        ["check"],
        ["render"],
        ["registry", "list"],
        ["doctor"],
        ["limitation", "report"],
        ["limitation", "explain"],
        ["limitation", "check-date"],
        ["receipts", "record"],
        ["receipts", "import"],
        ["receipts", "list"],
        ["log", "verify"],
        ["log", "checkpoint"],
        ["log", "key"],
        ["evidence", "export"],
        ["evidence", "verify"],
    ]
    for command in commands:
        result = run(*command, "--help")
        assert result.exit_code == 0, command
        assert "Example" in result.output, command


def test_templates_list_json() -> None:
    result = run("templates", "list", "--json")
    assert result.exit_code == 0
    titles = {t["id"]: t["title"] for t in json.loads(result.output)}
    assert titles == {
        "goods-payment": "货款催收函",
        "rent": "房租催收函",
        "legal-demand": "律师函",
        "overdue-notice": "逾期催收通知书",
        "property-fee": "物业费催缴通知书",
    }


def test_templates_show() -> None:
    result = run("templates", "show", "goods-payment", "--json")
    fields = {f["name"]: f for f in json.loads(result.output)["fields"]}
    assert fields["amount_due"]["label"] == "应付金额"
    assert fields["amount_due"]["type"] == "amount"
    assert fields["amount_due"]["required"] is True
    assert fields["deadline_days"]["default"] == "7"
    text = run("templates", "show", "goods-payment").output
    assert "debtor_name" in text
    assert "债务人名称" in text
    assert "required" in text


def test_unknown_template() -> None:
    result = run("templates", "show", "nope")
    assert result.exit_code == 1
    assert result.stderr.startswith('Error: no template "nope"\nHint: known templates: ')


def test_check_valid(cases: Path) -> None:
    result = run("check", str(cases), "--template", "goods-payment")
    assert result.exit_code == 0
    assert result.output.strip().endswith("2 cases: 2 valid, 0 invalid; 0 errors, 0 warnings")
    assert "2026-10-08" in result.output  # deadline rolled past National Day


def test_check_reports_problem_with_row_and_column(bad_cases: Path) -> None:
    result = run("check", str(bad_cases), "--template", "goods-payment")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f'{bad_cases}, row 5, column "应付金额": error: 应付金额 (amount_due): "1.2万" is not '
        "an amount in yuan",
        '    hint: write the amount in yuan as digits, e.g. 12345.60, "12,345.60" or "¥12,345.60"',
    ]
    assert "3 cases: 2 valid, 1 invalid; 1 error, 0 warnings" in result.output


def test_check_json(bad_cases: Path) -> None:
    result = run("check", str(bad_cases), "-t", "goods-payment", "--json")
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["invalid"] == ["C3"]
    assert [v["case_id"] for v in report["valid"]] == ["C1", "C2"]
    assert report["valid"][0]["total_claim"] == "117000.53"
    assert report["valid"][0]["deadline"] == "2026-10-08"
    (problem,) = report["problems"]
    assert (problem["row"], problem["column"], problem["case_id"]) == (5, "应付金额", "C3")


def test_render_writes_letters_manifest_and_registry(cases: Path, tmp_path: Path) -> None:
    out, db = tmp_path / "out", tmp_path / "letters.db"
    result = run("render", str(cases), "-t", "goods-payment", "--out", str(out), "--db", str(db))
    assert result.exit_code == 0, result.output + result.stderr
    assert result.stdout.strip() == (
        f"Rendered 2 letters (4 files) into {out}; registry {db}: 2 new log entries."
    )
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [(m["case_id"], m["letter_no"], m["status"]) for m in manifest] == [
        ("C1", "货催〔2026〕第0001号", "rendered"),
        ("C2", "货催〔2026〕第0002号", "rendered"),
    ]
    first = manifest[0]
    assert first["files"] == {"docx": "C1_goods-payment.docx", "pdf": "C1_goods-payment.pdf"}
    for fmt, name in first["files"].items():
        assert first["sha256"][fmt] == sha256(out / name)
    assert first["total_claim"] == "117000.53"
    listed = json.loads(run("registry", "list", "--db", str(db), "--json").output)
    assert [entry["letter_no"] for entry in listed] == [
        "货催〔2026〕第0001号",
        "货催〔2026〕第0002号",
    ]
    assert {f["sha256"] for f in listed[0]["files"]} == set(first["sha256"].values())


def test_rerender_keeps_numbers_and_bytes(cases: Path, tmp_path: Path) -> None:
    out, db = tmp_path / "out", tmp_path / "letters.db"
    args = [
        "render",
        str(cases),
        "-t",
        "goods-payment",
        "-o",
        str(out),
        "--db",
        str(db),
        "--format",
        "docx",
    ]
    assert run(*args).exit_code == 0
    before = {p.name: sha256(p) for p in out.glob("*.docx")}
    refused = run(*args)
    assert refused.exit_code == 1
    assert f"{out / 'C1_goods-payment.docx'} already exists" in refused.stderr
    assert refused.stderr.strip().endswith("Nothing was written.")
    again = run(*args, "--overwrite")
    assert again.exit_code == 0
    assert "0 new log entries" in again.output
    assert {p.name: sha256(p) for p in out.glob("*.docx")} == before
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert [m["letter_no"] for m in manifest] == ["货催〔2026〕第0001号", "货催〔2026〕第0002号"]


def test_changed_case_gets_a_new_number_and_never_replaces_an_issued_letter(
    cases: Path, tmp_path: Path
) -> None:
    out, db = tmp_path / "out", tmp_path / "letters.db"
    args = ["render", str(cases), "-t", "goods-payment", "--db", str(db), "--format", "docx"]
    run(*args, "-o", str(out))
    issued = (out / "C2_goods-payment.docx").read_bytes()
    cases.write_text(
        cases.read_text(encoding="utf-8").replace("1680.32", "1780.32"), encoding="utf-8"
    )
    # Same folder, even with --overwrite: C2's file is issued letter 0002, which the
    # changed case would no longer reproduce, so it is kept.
    refused = run(*args, "-o", str(out), "--overwrite")
    assert refused.exit_code == 1
    assert (
        f"{out / 'C2_goods-payment.docx'} is the file of issued letter 货催〔2026〕第0002号; "
        "case C2 has changed since" in refused.stderr
    )
    assert (out / "C2_goods-payment.docx").read_bytes() == issued
    # Another folder: the changed case is a new letter with the next number; C1 is unchanged.
    again = run(*args, "-o", str(tmp_path / "out2"))
    assert again.exit_code == 0
    manifest = json.loads((tmp_path / "out2" / "manifest.json").read_text(encoding="utf-8"))
    assert [m["letter_no"] for m in manifest] == ["货催〔2026〕第0001号", "货催〔2026〕第0003号"]


def test_invalid_input_writes_nothing(bad_cases: Path, tmp_path: Path) -> None:
    out, db = tmp_path / "out", tmp_path / "letters.db"
    result = run("render", str(bad_cases), "-t", "goods-payment", "-o", str(out), "--db", str(db))
    assert result.exit_code == 1
    assert result.stderr.strip().endswith(
        "Nothing was written. Fix the problems, or use --skip-invalid to render the valid cases only."
    )
    assert not out.exists()
    assert not db.exists()


def test_skip_invalid(bad_cases: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = run(
        "render",
        str(bad_cases),
        "-t",
        "goods-payment",
        "-o",
        str(out),
        "--db",
        str(tmp_path / "l.db"),
        "--skip-invalid",
        "--format",
        "docx",
    )
    assert result.exit_code == 0
    assert "Skipped 1 invalid case(s): C3 (see manifest.json)." in result.output
    manifest = {m["case_id"]: m for m in json.loads((out / "manifest.json").read_text("utf-8"))}
    assert manifest["C3"]["status"] == "invalid"
    assert manifest["C3"]["letter_no"] is None
    assert (
        manifest["C3"]["problems"][0]["message"]
        == '应付金额 (amount_due): "1.2万" is not an amount in yuan'
    )
    assert sorted(p.name for p in out.iterdir()) == [
        "C1_goods-payment.docx",
        "C2_goods-payment.docx",
        "manifest.json",
    ]


def test_bad_format_is_a_usage_error(cases: Path, tmp_path: Path) -> None:
    result = run(
        "render", str(cases), "-t", "goods-payment", "-o", str(tmp_path), "--format", "odt"
    )
    assert result.exit_code == 2
    assert "choose from docx, pdf" in result.stderr


def test_issue_date_option(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    rows = [HEADER.replace("发函日期,", ""), GOOD_ROWS[0].replace("2026-09-24,", "", 1)]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    result = run(
        "check", str(path), "-t", "goods-payment", "--issue-date", "2026年10月9日", "--json"
    )
    assert json.loads(result.output)["valid"][0]["deadline"] == "2026-10-16"
    assert (
        run("check", str(path), "-t", "goods-payment", "--issue-date", "2026-02-30").exit_code == 2
    )


def break_case(monkeypatch: pytest.MonkeyPatch, case_id: str, error: BaseException) -> None:
    """Make rendering the Word file of one case raise ``error``."""
    from letters.render.docx import DocxRenderer

    original = DocxRenderer.render

    def broken(self: DocxRenderer, context: dict[str, object]) -> bytes:
        if context["case_id"] == case_id:
            raise error
        return original(self, context)

    monkeypatch.setattr(DocxRenderer, "render", broken)


def render_docx(cases: Path, tmp_path: Path) -> tuple[Result, Path]:
    """Rendered in this process (--jobs 1), where the monkeypatched renderer lives."""
    out = tmp_path / "out"
    args = ["render", str(cases), "-t", "goods-payment", "-o", str(out), "--jobs", "1"]
    return run(*args, "--db", str(tmp_path / "l.db"), "--format", "docx"), out


def test_one_failing_case_does_not_stop_the_batch(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_case(monkeypatch, "C1", RuntimeError("disk on fire"))
    result, out = render_docx(cases, tmp_path)
    assert result.exit_code == 1
    assert "failed: case C1: RuntimeError: disk on fire" in result.stderr
    manifest = {m["case_id"]: m for m in json.loads((out / "manifest.json").read_text("utf-8"))}
    assert manifest["C1"]["status"] == "failed"
    assert manifest["C2"]["status"] == "rendered"
    assert sorted(p.name for p in out.iterdir()) == ["C2_goods-payment.docx", "manifest.json"]


def test_interrupt_leaves_no_partial_file(
    cases: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    break_case(monkeypatch, "C2", KeyboardInterrupt())
    result, out = render_docx(cases, tmp_path)
    assert result.exit_code == 130
    assert "Interrupted." in result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["C1_goods-payment.docx", "manifest.json"]
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert [m["case_id"] for m in manifest] == ["C1"]


def test_doctor_json() -> None:
    result = run("doctor", "--json")
    checks = {c["name"]: c for c in json.loads(result.output)}
    assert {
        "harfbuzz-subset",
        "CJK fonts",
        "pango",
        "built-in templates",
        "holiday data",
        "LibreOffice",
    } <= checks.keys()
    # The test set-up installs everything the program needs.
    assert result.exit_code == 0, checks
    assert checks["harfbuzz-subset"]["status"] == "ok"
    assert checks["CJK fonts"]["status"] == "ok"
    assert checks["PDF rendering"]["status"] == "ok"  # a real Chinese page, fonts embedded
    assert checks["prepared fonts"]["status"] == "ok"


def test_registry_list_without_database(tmp_path: Path) -> None:
    result = run("registry", "list", "--db", str(tmp_path / "none.db"))
    assert result.exit_code == 1
    assert f"Error: no registry at {tmp_path / 'none.db'}" in result.stderr


def test_check_reports_file_name_clashes(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    second = GOOD_ROWS[2].replace("C2,", "c1,", 1)  # c1 and C1: one file name on Windows
    path.write_text("\n".join([HEADER, GOOD_ROWS[0], second]) + "\n", encoding="utf-8")
    result = run("check", str(path), "-t", "goods-payment")
    assert result.exit_code == 1
    assert "cases C1 and c1 would both be written to C1_goods-payment.*" in result.stderr


YEAR_END = GOOD_ROWS[2].replace("2026-09-24", "2026-12-26")  # + 7 days = 2027-01-02


def test_deadline_without_holiday_data(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    path.write_text("\n".join([HEADER, YEAR_END]) + "\n", encoding="utf-8")
    checked = run("check", str(path), "-t", "goods-payment")
    assert checked.exit_code == 0
    assert "deadline 2027-01-02 was not checked against holidays" in checked.stderr
    assert "0 errors, 2 warnings" in checked.stdout  # the payment and the objection deadline
    out, db = tmp_path / "out", str(tmp_path / "l.db")
    refused = run(
        "render", str(path), "-t", "goods-payment", "-o", str(out), "--db", db, "--format", "docx"
    )
    assert refused.exit_code == 1
    assert (
        "failed: case C2: the deadline 2027-01-02 cannot be checked against holidays: there "
        "is no holiday data for 2027"
    ) in refused.stderr
    accepted = run(
        "render",
        str(path),
        "-t",
        "goods-payment",
        "-o",
        str(out),
        "--db",
        db,
        "--format",
        "docx",
        "--allow-unchecked-deadlines",
    )
    assert accepted.exit_code == 0
    # With the 2027 schedule: 2027-01-02 is a Saturday → Monday 2027-01-04.
    holidays = tmp_path / "h.csv"
    holidays.write_text("date,type\n2027-01-01,休息\n", encoding="utf-8")
    report = run("check", str(path), "-t", "goods-payment", "--holidays", str(holidays), "--json")
    assert json.loads(report.stdout)["valid"][0]["deadline"] == "2027-01-04"


def test_batch_values_and_template_by_title(tmp_path: Path) -> None:
    path = tmp_path / "c.csv"
    rows = [
        HEADER.replace("债权人名称,", ""),
        GOOD_ROWS[0].replace("上海申江机电设备有限公司,", ""),
    ]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    missing = run("check", str(path), "-t", "货款催收函")
    assert "required column 债权人名称 (creditor_name) is missing" in missing.stderr
    given = run(
        "check", str(path), "-t", "货款催收函", "--set", "债权人名称=上海申江机电设备有限公司"
    )
    assert given.exit_code == 0, given.stderr
    wrong = run("check", str(path), "-t", "goods-payment", "--set", "项目=货款")
    assert "'项目' is not a case field of template goods-payment" in wrong.stderr


def test_new_registry_is_announced(cases: Path, tmp_path: Path) -> None:
    args = [
        "render",
        str(cases),
        "-t",
        "goods-payment",
        "--db",
        str(tmp_path / "l.db"),
        "--format",
        "docx",
    ]
    first = run(*args, "-o", str(tmp_path / "a"))
    assert "Note: starting a new registry at" in first.stderr
    second = run(*args, "-o", str(tmp_path / "b"))
    assert "Note: starting a new registry" not in second.stderr
