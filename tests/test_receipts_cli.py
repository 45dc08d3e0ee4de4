"""The receipts, log and evidence commands through click's CliRunner, on
letters really rendered from the bundled samples."""

from __future__ import annotations

import json
import shutil
import zipfile
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result

from evidence_helpers import issue_letter
from helpers import SAMPLES
from letters.cli import cli
from letters.evidence.events import PartyRole
from letters.evidence.registry import Registry

# Letters of samples/goods-payment.csv, numbered in file order.
LETTER_2 = "货催〔2026〕第0002号"  # GP-2026-002, issued 2026-09-24, a company
LETTER_3 = "货催〔2026〕第0003号"  # GP-2026-003, issued 2026-11-18
LETTER_5 = "货催〔2026〕第0005号"  # GP-2026-005, issued 2026-11-10, a natural person
ISSUED = 6  # letters in the rendered registry: entries 0..5 are their letter-issued entries


def run(*args: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("rendered")
    result = run(
        "render", str(SAMPLES / "goods-payment.csv"), "-t", "goods-payment",
        "-o", str(folder / "out"), "--db", str(folder / "letters.db"), "-q",
        "--jobs", "1",  # log entries in input order: the tests name entries by index
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder


@pytest.fixture
def db(rendered: Path, tmp_path: Path) -> str:
    """A private copy of the rendered registry (the letter files stay where they were)."""
    shutil.copy(rendered / "letters.db", tmp_path / "letters.db")
    return str(tmp_path / "letters.db")


def entries(db: str) -> int:
    with Registry(Path(db)) as registry:
        return registry.entry_count()


def test_record_a_dispatch_then_a_signed_receipt_by_waybill(db: str, tmp_path: Path) -> None:
    scan = tmp_path / "receipt-0002.jpg"
    scan.write_bytes(b"\xff\xd8 scan of the signed receipt")
    dispatched = run(
        "receipts", "record", LETTER_2, "--event", "dispatched", "--date", "2026-09-25",
        "--channel", "EMS", "--waybill", "1180123456789", "--contents", f"催款函 {LETTER_2}",
        "--db", db,
    )  # fmt: skip
    assert dispatched.exit_code == 0, dispatched.output
    assert dispatched.stdout == f"Recorded entry {ISSUED}: dispatched {LETTER_2} on 2026-09-25.\n"
    signed = run(
        "receipts", "record", "1180123456789", "--event", "签收", "--date", "2026年9月28日",
        "--signer", "张三", "--capacity", "收发室", "--sealed", "--scan", str(scan), "--db", db,
    )  # fmt: skip
    assert signed.exit_code == 0, signed.output
    assert signed.stdout == f"Recorded entry {ISSUED + 1}: signed {LETTER_2} on 2026-09-28.\n"
    again = run(
        "receipts", "record", "1180123456789", "--event", "signed", "--date", "2026-09-28",
        "--signer", "张三", "--capacity", "收发部门", "--sealed", "--scan", str(scan), "--db", db,
    )  # fmt: skip
    assert again.stdout == (
        f"Already in the log as entry {ISSUED + 1}; nothing recorded. (If this is "
        "a second, separate event, add --remark to tell the two apart.)\n"
    )
    listed = json.loads(
        run("receipts", "list", "--letter", "1180123456789", "--json", "--db", db).stdout
    )
    assert [(e["index"], e["kind"]) for e in listed] == [
        (1, "letter-issued"),
        (ISSUED, "dispatched"),
        (ISSUED + 1, "signed"),
    ]
    receipt = listed[2]["fields"]
    assert (receipt["signer"], receipt["capacity"], receipt["sealed"]) == ("张三", "收发部门", True)
    assert "signed" not in receipt  # sealed, not signed by hand
    (attachment,) = receipt["attachments"]
    stored = Path(f"{db}.files") / attachment["sha256"][:2] / attachment["sha256"]
    assert stored.read_bytes() == scan.read_bytes()
    assert (attachment["name"], attachment["media_type"]) == ("receipt-0002.jpg", "image/jpeg")


def test_events_that_make_no_sense_are_refused_with_every_reason(db: str) -> None:
    result = run(
        "receipts", "record", LETTER_2, "--event", "signed", "--date", "2026-09-01",
        "--capacity", "本人", "--amount", "100", "--db", db,
    )  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "command line, --amount: error: amount (金额) does not apply to a signed event",
        "    hint: leave it empty, or check the event type",
        "command line, --signer: error: a signed event needs signer (签收人)",
        "    hint: the name written on the receipt",
        f"command line, --date: error: the signature date 2026-09-01 is before letter {LETTER_2} was issued (2026-09-24)",
        "    hint: check the date, and that this is the right letter",
        f"command line: warning: no dispatch of letter {LETTER_2} is recorded: record how it was sent (channel, waybill, 内件品名), courts ask for it",
        "    hint: letters receipts record LETTER --event dispatched --channel ems --waybill … --contents …",
        "command line, --capacity: warning: 广东粤港澳大湾区国际供应链管理与跨境电子商务综合服务平台运营（深圳前海）股份有限公司 is an organisation; capacity 本人 is for a person",
        "    hint: for an organisation: 法定代表人, 主要负责人, 收发部门 or 授权人",
    ]
    assert entries(db) == ISSUED


def test_unknown_letters_and_ambiguous_cases_are_named(db: str, tmp_path: Path) -> None:
    unknown = run(
        "receipts",
        "record",
        "货催〔2099〕第9999号",
        "--event",
        "delivered",
        "--date",
        "2026-10-01",
        "--db",
        db,
    )
    assert unknown.exit_code == 1
    assert f"error: no letter, waybill or case 货催〔2099〕第9999号 in {db}" in unknown.stderr
    with Registry(Path(db)) as registry:  # a second letter for case GP-2026-002
        second = issue_letter(registry, tmp_path / "more", "GP-2026-002")
    ambiguous = run(
        "receipts",
        "record",
        "GP-2026-002",
        "--event",
        "delivered",
        "--date",
        "2026-10-01",
        "--db",
        db,
    )
    assert ambiguous.exit_code == 1
    assert (
        f"error: case GP-2026-002 has 2 letters ({second}, {LETTER_2}): say which one"
        in ambiguous.stderr
    )
    # A payment concerns the case, not one letter.
    paid = run(
        "receipts",
        "record",
        "GP-2026-002",
        "--event",
        "付款",
        "--date",
        "2026-10-09",
        "--amount",
        "¥5,000.00",
        "--db",
        db,
    )
    assert paid.exit_code == 0, paid.output
    listed = json.loads(
        run("receipts", "list", "--case", "GP-2026-002", "--json", "--db", db).stdout
    )
    assert listed[-1]["fields"]["amount"] == "5000.00"
    assert listed[-1]["letter_no"] is None


IMPORT_HEADER = "函号,邮件号,投递状态,日期,寄送方式,内件品名,签收人,签收人身份,盖章,原因,回执扫描件"
IMPORT_ROWS = [
    f"{LETTER_2},1180000000002,寄出,2026-09-25,EMS,催款函 {LETTER_2},,,,,",
    ",1180000000002,妥投,2026/09/27,,,李四,收发室,是,,scans/0002.jpg",
    f"{LETTER_3},1180000000003,寄出,2026-11-18,EMS,催款函 {LETTER_3},,,,,",
    ",1180000000003,退回,2026年11月21日,,,,,,查无此人,",
]


def write_import(tmp_path: Path, rows: list[str]) -> Path:
    (tmp_path / "scans").mkdir(exist_ok=True)
    (tmp_path / "scans" / "0002.jpg").write_bytes(b"scan 0002")
    path = tmp_path / "ems-results.csv"
    path.write_text("\n".join([IMPORT_HEADER, *rows]) + "\n", encoding="utf-8")
    return path


def test_import_records_every_row_and_can_be_run_again(db: str, tmp_path: Path) -> None:
    path = write_import(tmp_path, IMPORT_ROWS)
    first = run("receipts", "import", str(path), "--db", db)
    assert first.exit_code == 0, first.output
    assert (
        first.stdout
        == f"Recorded 4 events (entries {ISSUED}–{ISSUED + 3}); 0 rows already in the log.\n"
    )
    again = run("receipts", "import", str(path), "--db", db)
    assert again.stdout == "Recorded 0 events (nothing new); 4 rows already in the log.\n"
    listed = json.loads(run("receipts", "list", "--json", "--db", db).stdout)
    assert [(e["index"], e["kind"], e["letter_no"]) for e in listed[ISSUED:]] == [
        (ISSUED, "dispatched", LETTER_2),
        (ISSUED + 1, "delivered", LETTER_2),
        (ISSUED + 2, "dispatched", LETTER_3),
        (ISSUED + 3, "returned", LETTER_3),
    ]
    assert listed[ISSUED + 1]["fields"]["capacity"] == "收发部门"
    assert listed[ISSUED + 3]["fields"]["reason"] == "查无此人"
    table = run("receipts", "list", "--db", db).stdout
    assert table.rstrip().endswith(
        "10 entries; 6 letters: 1 delivered, signed or refused, 1 returned, 4 without a recorded delivery"
    )


def test_import_with_one_bad_row_writes_nothing(db: str, tmp_path: Path) -> None:
    bad = ",1180000000003,签收,2026-11-01,,,王五,收发部门,,,"  # before the letter was issued
    path = write_import(tmp_path, [*IMPORT_ROWS, bad, ",9999,拒收,2026-11-19,,,,,,,"])
    result = run("receipts", "import", str(path), "--db", db)
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert (
        f'{path}, row 6, column "日期": error: the signature date 2026-11-01 is before letter {LETTER_3} was issued (2026-11-18)'
        in lines
    )
    assert (
        f'{path}, row 7, column "邮件号": error: no letter, waybill or case 9999 in {db}' in lines
    )
    assert (
        lines[-1]
        == "6 rows, 3 errors. Nothing was recorded: fix the rows and import the file again."
    )
    assert entries(db) == ISSUED
    assert not Path(f"{db}.files").exists()  # not even the scan


def test_import_from_excel(db: str, tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["EMS 投递结果 2026年10月"])
    sheet.append(["函号", "邮件号", "事件", "日期", "寄送方式", "内件品名", "签收人", "签收人身份"])
    sheet.append(
        [
            LETTER_5,
            "1180000000005",
            "寄出",
            datetime(2026, 11, 11),
            "EMS",
            f"催款函 {LETTER_5}",
            None,
            None,
        ]
    )
    sheet.append(
        [None, "1180000000005", "签收", datetime(2026, 11, 13), None, None, "刘某", "同住亲属"]
    )
    path = tmp_path / "ems.xlsx"
    workbook.save(path)
    result = run("receipts", "import", str(path), "--db", db)
    assert result.exit_code == 0, result.output
    assert (
        result.stdout
        == f"Recorded 2 events (entries {ISSUED}–{ISSUED + 1}); 0 rows already in the log.\n"
    )
    listed = json.loads(run("receipts", "list", "--letter", LETTER_5, "--json", "--db", db).stdout)
    assert listed[-1]["fields"]["date"] == "2026-11-13"
    assert listed[-1]["fields"]["signed"] is True


def test_checkpoint_key_verify_export_and_verify_the_pack(db: str, tmp_path: Path) -> None:
    path = write_import(tmp_path, IMPORT_ROWS)
    assert run("receipts", "import", str(path), "--db", db).exit_code == 0
    checkpoint = tmp_path / "cp.txt"
    signed = run("log", "checkpoint", "--out", str(checkpoint), "--db", db)
    assert signed.exit_code == 0, signed.output
    assert signed.stdout == checkpoint.read_text()
    origin = signed.stdout.split("\n")[0]
    assert signed.stdout.split("\n")[1] == str(ISSUED + 4)  # the letters and the 4 imported events
    public = tmp_path / "log.pub"
    key = run("log", "key", "--out", str(public), "--db", db)
    assert key.stdout.startswith(origin + "+")
    verified = run(
        "log", "verify", "--key", str(public), "--checkpoint", str(checkpoint), "--db", db
    )
    assert verified.exit_code == 0, verified.output
    pack = tmp_path / "GP-2026-002-evidence.zip"
    exported = run("evidence", "export", "GP-2026-002", "--out", str(pack), "--db", db)
    assert exported.exit_code == 0, exported.output
    assert exported.stdout.startswith(
        f"Wrote {pack}: case GP-2026-002, 3 log entries, 2 letter files, 1 attachment; checkpoint at size 10"
    )
    with zipfile.ZipFile(pack) as archive:
        pdf = archive.read("letters/000001-GP-2026-002_goods-payment.pdf")
    assert pdf.startswith(b"%PDF-")
    refused = run("evidence", "export", "GP-2026-002", "--out", str(pack), "--db", db)
    assert refused.exit_code == 1
    assert "already exists" in refused.stderr
    ok = run("evidence", "verify", str(pack), "--key", str(public))
    assert ok.exit_code == 0, ok.output
    assert (
        ok.stdout
        == "Evidence pack OK: case GP-2026-002, 3 log entries proven in the signed tree of 10, 3 files match their entries.\n"
    )
    data = bytearray(pack.read_bytes())
    data[data.find(b"%PDF-") + 200] ^= 0x20
    pack.write_bytes(data)
    failed = run("evidence", "verify", str(pack), "--key", str(public))
    assert failed.exit_code == 1
    assert "The evidence pack FAILED verification" in failed.stderr
    private = run("evidence", "verify", str(pack), "--key", f"{db}.key")
    assert "is the private signing key, not the public key" in private.stderr


def test_the_commands_work_on_postgresql(postgres_db: str, tmp_path: Path) -> None:
    with Registry(postgres_db) as registry:
        letter = issue_letter(registry, tmp_path / "out", "P1", issue_date=date(2026, 10, 1))
    env = {"LETTERS_DB": postgres_db, "LETTERS_KEY": str(tmp_path / "pg.key")}
    recorded = run(
        "receipts",
        "record",
        letter,
        "--event",
        "delivered",
        "--date",
        "2026-10-03",
        "--channel",
        "ems",
        env=env,
    )
    assert recorded.exit_code == 0, recorded.output
    assert recorded.stdout == f"Recorded entry 1: delivered {letter} on 2026-10-03.\n"
    assert run("log", "checkpoint", env=env).exit_code == 0
    verified = run("log", "verify", env=env)
    assert verified.exit_code == 0, verified.output
    assert verified.stdout.startswith("Log OK: 2 entries")
    assert (
        run("evidence", "export", "P1", "--out", str(tmp_path / "p1.zip"), env=env).exit_code == 0
    )
    assert run("log", "key", "--out", str(tmp_path / "pg.pub"), env=env).exit_code == 0
    assert (
        run(
            "evidence", "verify", str(tmp_path / "p1.zip"), "--key", str(tmp_path / "pg.pub")
        ).exit_code
        == 0
    )


def test_a_missing_database_is_not_created(tmp_path: Path) -> None:
    result = run("receipts", "list", "--db", str(tmp_path / "nowhere.db"))
    assert result.exit_code == 1
    assert f"Error: no registry at {tmp_path / 'nowhere.db'}" in result.stderr
    assert not (tmp_path / "nowhere.db").exists()


def test_a_refusal_records_where_it_happened(db: str) -> None:
    refused = run(
        "receipts", "record", LETTER_3, "--event", "拒收", "--date", "2026-11-20",
        "--channel", "in-person", "--not-at-registered-address", "--reason", "前台拒收", "--db", db,
    )  # fmt: skip
    assert refused.exit_code == 0, refused.output
    assert refused.stderr == ""  # said where: no warning
    (entry,) = json.loads(
        run("receipts", "list", "--letter", LETTER_3, "--json", "--db", db).stdout
    )[1:]
    assert entry["fields"]["at_registered_address"] is False
    assert entry["fields"]["reason"] == "前台拒收"


def test_bank_debit_and_obstacle_reach_the_limitation_engine(db: str) -> None:
    """account-debited (诉讼时效规定 Art. 8(1)(3)) and obstacle (民法典 Art. 194) are
    recorded like any other event and read back by `limitation explain`."""
    debit = run(
        "receipts", "record", "GP-2026-003", "--event", "扣划", "--date", "2026-11-20",
        "--amount", "1000", "--db", db,
    )  # fmt: skip
    assert debit.exit_code == 0, debit.output
    obstacle = run(
        "receipts", "record", "GP-2026-003", "--event", "obstacle", "--date", "2026-11-19",
        "--reason", "不可抗力：洪水", "--obstacle-ended", "2026-11-21", "--db", db,
    )  # fmt: skip
    assert obstacle.exit_code == 0, obstacle.output
    missing = run(
        "receipts", "record", "GP-2026-003", "--event", "obstacle", "--date", "2026-11-19",
        "--db", db,
    )  # fmt: skip
    assert missing.exit_code == 1
    assert "a obstacle event needs reason (原因)" in missing.stderr
    with Registry(Path(db)) as registry:
        logged = [e for _, e in registry.events(case_id="GP-2026-003")]
    assert [(e.kind.value, e.amount, e.obstacle_ended) for e in logged] == [
        ("account-debited", Decimal("1000.00"), None),
        ("obstacle", None, date(2026, 11, 21)),
    ]
    explained = run("limitation", "explain", "GP-2026-003", "--db", db, "--as-of", "2026-11-22")
    assert explained.exit_code == 0, explained.output
    assert "2026年11月20日" in explained.stdout  # the debit interrupts (诉讼时效规定 Art. 8)


@pytest.fixture(scope="module")
def loan_letters(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("loans")
    result = run(
        "render", str(SAMPLES / "overdue-notice.json"), "-t", "overdue-notice",
        "-o", str(folder / "out"), "--db", str(folder / "letters.db"), "-q",
        "--format", "docx", "--jobs", "1",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return folder / "letters.db"


def test_an_envelope_sent_to_a_guarantor_counts_for_the_guarantor(
    loan_letters: Path, tmp_path: Path
) -> None:
    """ON-2026-0001 (issued 2026-11-20) goes to the borrower and to 周立新, a 连带责任保证
    guarantor, in an envelope of his own. Its delivery, recorded by waybill alone,
    is a demand on 周立新 (Art. 694) and interrupts nothing for the borrower."""
    db = str(tmp_path / "letters.db")
    shutil.copy(loan_letters, db)
    letter = "贷催〔2026〕第0001号"
    sent = run(
        "receipts", "record", letter, "--event", "dispatched", "--date", "2026-11-20",
        "--channel", "ems", "--waybill", "1180300000010", "--contents", f"逾期催收通知书 {letter}",
        "--party", "周立新", "--db", db,
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    delivered = run(
        "receipts", "record", "1180300000010", "--event", "delivered", "--date", "2026-11-21",
        "--db", db,
    )  # fmt: skip
    assert delivered.exit_code == 0, delivered.output
    with Registry(Path(db)) as registry:
        (*_, (_, event)) = registry.events(letter_no=letter)
    assert (event.kind.value, event.party, event.party_role, event.waybill) == (
        "delivered", "周立新", PartyRole.GUARANTOR, "1180300000010"
    )  # fmt: skip
    explained = run(
        "limitation", "explain", "ON-2026-0001", "--db", db, "--as-of", "2026-11-22", "--json"
    )
    parts = json.loads(explained.stdout)["claim_parts"]
    guarantor = next(p for p in parts if p["obligor"] == "周立新")
    borrower = next(p for p in parts if p["role"] == "debtor")
    assert guarantor["last_event"]["kind"] == "delivered"
    assert guarantor["last_event"]["date"] == "2026-11-21"
    # Within the guarantee period (6 months from maturity 2026-06-19: 2026-12-19), so
    # the guarantee debt runs 3 years from the demand: raw 2029-11-21 (Arts. 692, 694).
    assert guarantor["periods"]["guarantee-period"]["raw"] == "2026-12-19"
    assert guarantor["periods"]["guarantee-limitation"]["raw"] == "2029-11-21"
    # Nothing interrupted the main debt: 3 years from maturity, 2029-06-19, comes first
    # and protects the guarantor as well (Art. 701).
    assert borrower["last_event"] is None
    assert borrower["raw_last_day"] == guarantor["raw_last_day"] == "2029-06-19"


def test_a_party_that_is_not_in_the_case_is_refused(loan_letters: Path, tmp_path: Path) -> None:
    db = str(tmp_path / "letters.db")
    shutil.copy(loan_letters, db)
    result = run(
        "receipts", "record", "贷催〔2026〕第0001号", "--event", "delivered", "--date", "2026-11-21",
        "--party", "不存在的人", "--db", db,
    )  # fmt: skip
    assert result.exit_code == 1
    assert "不存在的人 is not a party of case ON-2026-0001" in result.stderr
    assert "the parties are: 杭州临平顺达五金制品有限公司" in result.stderr


def test_someone_else_signing_as_the_addressee_is_flagged(db: str) -> None:
    result = run(
        "receipts", "record", LETTER_5, "--event", "signed", "--date", "2026-11-13",
        "--signer", "王五", "--capacity", "本人", "--db", db,
    )  # fmt: skip
    assert result.exit_code == 0
    assert "王五 signed as 本人, but the letter is addressed to 陈国华" in result.stderr


def test_a_china_post_export_imports_as_it_is(db: str, tmp_path: Path) -> None:
    sent = run(
        "receipts", "record", LETTER_2, "--event", "寄出", "--date", "2026-09-25",
        "--channel", "ems", "--waybill", "1180123456789", "--contents", f"催款函 {LETTER_2}",
        "--db", db,
    )  # fmt: skip
    assert sent.exit_code == 0, sent.output
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["邮件号", "客户单号", "投递状态", "妥投时间", "签收人", "最新轨迹"])
    sheet.append(["1180123456789", "GP-2026-002", "妥投", datetime(2026, 9, 27, 10, 12), "张三",
                  "已妥投，收发室签收"])  # fmt: skip
    sheet.append(["1180123456790", "GP-2026-003", "未妥投", None, None, "运输中"])
    path = tmp_path / "ems-results.xlsx"
    workbook.save(path)
    result = run("receipts", "import", str(path), "--db", db)
    assert result.exit_code == 0, result.output
    assert (
        f'{path}, row 2, column "最新轨迹": warning: reason (原因) does not apply to a delivered '
        "event; it is ignored" in result.stderr
    )
    assert (
        f'{path}, row 3, column "投递状态": warning: status "未妥投" is not an event yet; '
        "the row is skipped" in result.stderr
    )
    with Registry(Path(db)) as registry:
        (*_, (_, event)) = registry.events(letter_no=LETTER_2)
    assert (event.kind.value, event.date, event.signer, event.waybill, event.reason) == (
        "delivered", date(2026, 9, 27), "张三", "1180123456789", None
    )  # fmt: skip
