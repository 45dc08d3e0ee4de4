"""`letters limitation report|explain|check-date`, and the limitation warnings of
`render` and `check`, through click's CliRunner on a real registry.

Expected dates are worked by hand (see tests/test_limitation.py for the rules):
L-NEAR due 2023-11-30 → 2026-11-30 (Mon); L-GONE due 2023-06-30 → 2026-06-30
(Tue); L-FINE due 2026-06-30 → 2029-06-30 (no holiday data for 2029).
"""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from letters.cli import cli
from letters.evidence.events import Capacity, Channel, Event, EventKind
from letters.evidence.registry import Registry
from letters.model import Case
from limitation_cases import issue_letter

HEADER = (
    "案件编号,发函日期,债权人名称,我方联系人,我方联系电话,债务人名称,债务人地址,合同名称,"
    "货物或服务,连带债务人,项目,应付日期,应付金额,已付金额"
)
ROWS = [
    "L-NEAR,2026-11-20,上海申江机电设备有限公司,王晓明,021-58881234,杭州临平华信电子科技有限公司,"
    "浙江省杭州市临平区世纪大道1号,工业设备买卖合同,数控加工中心,李建国,货款,2023-11-30,58000.00,0",
    "L-GONE,2026-11-20,上海申江机电设备有限公司,王晓明,021-58881234,苏州工业园区精密模具有限公司,"
    "江苏省苏州市工业园区星湖街1号,模具加工合同,注塑模具,,货款,2023-06-30,1680.32,0",
    "L-FINE,2026-11-20,上海申江机电设备有限公司,王晓明,021-58881234,宁波海曙贸易有限公司,"
    "浙江省宁波市海曙区中山西路1号,钢材买卖合同,钢材,,货款,2026-06-30,23760.00,0",
]


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def cases(tmp_path: Path) -> Path:
    path = tmp_path / "cases.csv"
    path.write_text("\n".join([HEADER, *ROWS]) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def db(tmp_path: Path, cases: Path) -> Path:
    """Three letters rendered (Word only, for speed) and registered."""
    path = tmp_path / "letters.db"
    result = run(
        "render",
        str(cases),
        "-t",
        "goods-payment",
        "-o",
        str(tmp_path / "out"),
        "--format",
        "docx",
        "--db",
        str(path),
    )
    assert result.exit_code == 0, result.output + result.stderr
    return path


def letter_of(db: Path, case_id: str) -> str:
    with Registry(db) as registry:
        (letter,) = registry.letters(case_id)
    return str(letter["letter_no"])


def test_render_warns_before_it_is_too_late(db: Path) -> None:
    # The fixture's render already ran; render again to see its messages.
    result = run(
        "render",
        str(db.parent / "cases.csv"),
        "-t",
        "goods-payment",
        "-o",
        str(db.parent / "again"),
        "--format",
        "docx",
        "--db",
        str(db),
    )
    assert result.exit_code == 0
    warnings = [line for line in result.stderr.splitlines() if "warning: " in line]
    assert [w.split("warning: ", 1)[1] for w in warnings] == [
        "debtor 杭州临平华信电子科技有限公司: the limitation period (诉讼时效) for 货款 ends on "
        "2026-11-30, 10 days after 2026-11-20 (safe action date 2026-11-30); get a demand "
        "delivered and its receipt recorded before then, or sue",
        "joint-debtor 李建国: the limitation period (诉讼时效) for 货款 ends on 2026-11-30, 10 days "
        "after 2026-11-20 (safe action date 2026-11-30); get a demand delivered and its receipt "
        "recorded before then, or sue",
        "debtor 苏州工业园区精密模具有限公司: the limitation period (诉讼时效) for 货款 ended on "
        "2026-06-30; a letter no longer interrupts it — consult a lawyer (letters limitation "
        "explain L-GONE)",
    ]


def test_check_reports_and_counts_recorded_receipts(cases: Path, tmp_path: Path) -> None:
    result = run(
        "check", str(cases), "-t", "goods-payment", "--db", str(tmp_path / "none.db"), "--json"
    )
    assert result.exit_code == 0
    problems = json.loads(result.output)["problems"]
    assert [(p["case_id"], p["severity"]) for p in problems] == [
        ("L-NEAR", "warning"),
        ("L-NEAR", "warning"),
        ("L-GONE", "warning"),
    ]
    assert not (tmp_path / "none.db").exists()  # check never creates a database
    quiet = run("check", str(cases), "-t", "goods-payment", "--db", str(tmp_path / "none.db"), "-q")
    assert "3 cases: 3 valid, 0 invalid; 0 errors, 3 warnings (3 about limitation)" in quiet.output


def test_check_counts_a_signed_receipt(cases: Path, db: Path) -> None:
    letter_no = letter_of(db, "L-NEAR")
    with Registry(db) as registry:
        registry.append_event(
            Event(
                EventKind.SIGNED,
                date(2026, 11, 19),
                letter_no=letter_no,
                signer="李建国",
                capacity=Capacity.LEGAL_REPRESENTATIVE,
                signed=True,
            )
        )
    result = run("check", str(cases), "-t", "goods-payment", "--db", str(db), "--json")
    # Interrupted 2026-11-19: three new years; only L-GONE is left to warn about.
    assert [p["case_id"] for p in json.loads(result.output)["problems"]] == ["L-GONE"]


def test_report_json_most_urgent_first(db: Path) -> None:
    result = run("limitation", "report", "--db", str(db), "--as-of", "2026-11-22", "--json")
    assert result.exit_code == 0
    report = json.loads(result.output)
    rows = [
        (r["case_id"], r["obligor"], r["status"], r["legal_last_day"]) for r in report["obligors"]
    ]
    assert rows == [
        ("L-GONE", "苏州工业园区精密模具有限公司", "expired", "2026-06-30"),
        ("L-NEAR", "杭州临平华信电子科技有限公司", "due-soon", "2026-11-30"),
        ("L-NEAR", "李建国", "due-soon", "2026-11-30"),
        # Issued 2026-11-20 with no delivery or signature recorded: it interrupts nothing.
        ("L-FINE", "宁波海曙贸易有限公司", "needs-evidence", "2029-06-30"),
    ]
    fine = report["obligors"][3]
    assert fine["holiday_data_missing"] == 2029
    assert fine["notes"][0].startswith(
        f"letter {letter_of(db, 'L-FINE')} issued 2026-11-20 has no recorded"
    )
    assert report["claim_parts"]["L-NEAR"][0]["steps"][0]["text"].startswith(
        "货款应付日期2023年11月30日届满未付"
    )


def test_report_after_receipts_are_recorded(db: Path) -> None:
    with Registry(db) as registry:
        letter_no = letter_of(db, "L-FINE")
        registry.append_event(
            Event(
                EventKind.DISPATCHED,
                date(2026, 11, 20),
                letter_no=letter_no,
                channel=Channel.EMS,
                waybill="1180123456789",
                contents=f"催款函 {letter_no}",
            )
        )
        delivered = registry.append_event(
            Event(
                EventKind.DELIVERED,
                date(2026, 11, 21),
                letter_no=letter_no,
                channel=Channel.EMS,
                waybill="1180123456789",
            )
        )
    result = run(
        "limitation",
        "report",
        "--db",
        str(db),
        "--as-of",
        "2026-11-22",
        "--case",
        "L-FINE",
        "--json",
    )
    (row,) = json.loads(result.output)["obligors"]
    # Delivered 2026-11-21 → 2029-11-21, a year without holiday data.
    assert (row["status"], row["raw_last_day"]) == ("holiday-data-unavailable", "2029-11-21")
    assert row["last_event"] == {"kind": "delivered", "date": "2026-11-21", "log_index": delivered}


def test_report_table_and_csv(db: Path, tmp_path: Path) -> None:
    table = run("limitation", "report", "--db", str(db), "--as-of", "2026-11-22")
    assert table.exit_code == 0
    assert "1 expired, 2 due-soon, 1 needs-evidence" in table.output
    target = tmp_path / "limitation.csv"
    result = run(
        "limitation", "report", "--db", str(db), "--as-of", "2026-11-22", "--csv", str(target)
    )
    assert result.output.strip() == f"Wrote 4 rows to {target}"
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads it as UTF-8
    with target.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["case_id"], r["status"], r["legal_last_day"], r["period"]) for r in rows][:2] == [
        ("L-GONE", "expired", "2026-06-30", "limitation"),
        ("L-NEAR", "due-soon", "2026-11-30", "limitation"),
    ]


def test_report_options_and_errors(db: Path, tmp_path: Path) -> None:
    both = run("limitation", "report", "--db", str(db), "--json", "--csv", str(tmp_path / "x.csv"))
    assert both.exit_code == 2
    assert "choose one of --json and --csv" in both.stderr
    missing = run("limitation", "report", "--db", str(tmp_path / "nothing.db"))
    assert missing.exit_code == 1
    assert "Error: no registry at" in missing.stderr
    with Registry(db) as registry:  # a case without any amount line (numbered, never written)
        case = Case(
            "L-PAID", {"case_id": "L-PAID", "debtor_name": "甲", "issue_date": date(2026, 11, 20)}
        )
        issue_letter(registry, case, "2026-11-20", write=False)
    skipped = run("limitation", "report", "--db", str(db), "--as-of", "2026-11-22")
    assert "No outstanding amount with a due date: L-PAID" in skipped.output
    unknown = run("limitation", "explain", "NOPE", "--db", str(db))
    assert unknown.exit_code == 1
    assert "no letters for case NOPE" in unknown.stderr


def test_explain_lists_dated_steps_with_articles(db: Path) -> None:
    letter_no = letter_of(db, "L-NEAR")
    with Registry(db) as registry:
        index = registry.append_event(
            Event(
                EventKind.SIGNED,
                date(2026, 11, 25),
                letter_no=letter_no,
                signer="张三",
                capacity=Capacity.MAIL_ROOM,
                signed=True,
            )
        )
    result = run("limitation", "explain", "L-NEAR", "--db", str(db), "--as-of", "2026-11-26")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert "Case L-NEAR as of 2026-11-26" in lines[0]
    assert any(
        line.startswith("  2026-11-25  债务人杭州临平华信电子科技有限公司签收函件" + letter_no)
        and "→ 诉讼时效中断，自2026年11月25日重新计算（民法典第一百九十五条）" in line
        and line.endswith(f"log #{index}")
        for line in lines
    )
    # The joint debtor shares the interruption (诉讼时效规定 Art. 15).
    assert "诉讼时效规定第十五条" in result.output
    assert (
        "· 自2026年11月25日起算，开始的当日不计入，自次日开始计算（民法典第二百零一条）"
        in result.output
    )
    as_json = json.loads(
        run(
            "limitation", "explain", "L-NEAR", "--db", str(db), "--as-of", "2026-11-26", "--json"
        ).output
    )
    assert [p["obligor"] for p in as_json["claim_parts"]] == [
        "杭州临平华信电子科技有限公司",
        "李建国",
    ]
    assert as_json["claim_parts"][0]["raw_last_day"] == "2029-11-25"


def test_check_date_worked_example() -> None:
    result = run("limitation", "check-date", "2023-01-10", "--years", "3")
    assert result.exit_code == 0
    assert result.output.splitlines()[:3] == [
        "raw last day:     2026-01-10",
        "legal last day:   2026-01-12",
        "safe action date: 2026-01-09",
    ]
    assert "民法典第二百零三条" in result.output
    data = json.loads(
        run("limitation", "check-date", "2023-03-31", "--months", "6", "--no-roll", "--json").output
    )
    # Guarantee period of worked example 5: not rolled; the alternative is 2023-10-07.
    assert (data["legal_last_day"], data["if_rolled_last_day"]) == ("2023-09-30", "2023-10-07")


def test_check_date_without_holiday_data_and_with_a_table(tmp_path: Path) -> None:
    result = run("limitation", "check-date", "2026-12-28", "--days", "7")
    assert "legal last day:   2027-01-04" in result.output
    assert "safe action date: unknown (no holiday data)" in result.output
    table = tmp_path / "2027.csv"
    table.write_text("date,type\n2027-01-01,休息\n2027-01-04,休息\n", encoding="utf-8")
    result = run("--holidays", str(table), "limitation", "check-date", "2026-12-28", "--days", "7")
    assert "legal last day:   2027-01-05" in result.output
    usage = run("limitation", "check-date", "2026-12-28")
    assert usage.exit_code == 2
    assert "give the length" in usage.stderr
