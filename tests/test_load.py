"""Loading case files: every format and encoding, header aliases, structure errors."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest

from helpers import template
from letters.cases.load import read_rows
from letters.cases.validate import build_cases
from letters.errors import InputError, Severity
from letters.model import case_sha256
from letters.schema import Schema

SCHEMA: Schema = template("goods-payment").schema

HEADER_CN = [
    "案件编号",
    "发函日期",
    "债权人名称",
    "我方联系人",
    "我方联系电话",
    "债务人名称",
    "债务人地址",
    "合同名称",
    "货物或服务",
    "项目",
    "应付日期",
    "应付金额",
    "已付金额",
]
ROW_1 = [
    "C1",
    "2026-09-24",
    "上海申江机电设备有限公司",
    "王晓明",
    "021-58881234",
    "杭州临平华信电子科技有限公司",
    "浙江省杭州市临平区世纪大道1号",
    "工业设备买卖合同",
    "数控加工中心",
    "货款",
    "2026-06-30",
    "107000.53",
    "0",
]
ROW_2 = ["C1", "", "", "", "", "", "", "", "", "货款", "2026年7月31日", "16,409.02", "6409.02"]


def write_csv(path: Path, rows: list[list[str]], encoding: str = "utf-8") -> Path:
    text = "\n".join(",".join(f'"{c}"' if "," in c else c for c in row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding))
    return path


def load(path: Path, **kwargs: object):  # type: ignore[no-untyped-def]
    rows, problems = read_rows(path, SCHEMA, **kwargs)  # type: ignore[arg-type]
    return build_cases(rows, SCHEMA, today=date(2026, 11, 22), file_problems=problems)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk"])
def test_csv_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    result = load(write_csv(tmp_path / "c.csv", [HEADER_CN, ROW_1, ROW_2], encoding))
    assert result.problems == []
    (case,) = result.cases
    assert case.values["debtor_name"] == "杭州临平华信电子科技有限公司"
    assert [i["amount_due"] for i in case.items] == [Decimal("107000.53"), Decimal("16409.02")]


def test_forced_encoding(tmp_path: Path) -> None:
    path = write_csv(tmp_path / "c.csv", [HEADER_CN, ROW_1], "gb18030")
    assert load(path, encoding="gb18030").cases
    with pytest.raises(InputError) as caught:
        load(path, encoding="utf-8")
    assert "cannot decode the file as utf-8" in caught.value.problems[0].message


def test_english_names_and_aliases_and_units(tmp_path: Path) -> None:
    header = [
        "case_id",
        "issue_date",
        "供货方",
        "contact_person",
        "经办人电话",
        "债务人",
        "送达地址",
        "Contract_Name",
        "货物名称",
        "款项",
        "到期日期",
        "应付金额（元）",
        "已付金额(元)",
    ]
    result = load(write_csv(tmp_path / "c.csv", [header, ROW_1]))
    assert result.problems == []
    assert result.cases[0].values["creditor_name"] == "上海申江机电设备有限公司"


def test_title_rows_above_the_header(tmp_path: Path) -> None:
    result = load(write_csv(tmp_path / "c.csv", [["2026年11月催收清单"], [], HEADER_CN, ROW_1]))
    assert result.problems == []
    assert result.cases[0].origin.row == 4


def test_unknown_column_is_a_warning(tmp_path: Path) -> None:
    result = load(write_csv(tmp_path / "c.csv", [[*HEADER_CN, "备忘"], [*ROW_1, "老客户"]]))
    (warning,) = result.problems
    assert warning.severity is Severity.WARNING
    assert warning.message == 'column "备忘" is not a field of this template; it is ignored'
    assert (warning.location.row, warning.location.column) == (1, "备忘")  # type: ignore[union-attr]
    assert result.cases


def test_two_columns_for_one_field(tmp_path: Path) -> None:
    result = load(write_csv(tmp_path / "c.csv", [[*HEADER_CN, "debtor_name"], [*ROW_1, "别名"]]))
    assert [p.message for p in result.errors] == [
        'columns "债务人名称" and "debtor_name" both mean debtor_name (债务人名称)'
    ]


def test_value_right_of_last_header(tmp_path: Path) -> None:
    result = load(write_csv(tmp_path / "c.csv", [HEADER_CN, [*ROW_1, "多余"]]))
    assert [p.message for p in result.errors] == [
        "the row has 1 value(s) to the right of the last header"
    ]


def test_xlsx_with_typed_cells(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["催收清单"])
    sheet.append(HEADER_CN)
    sheet.append(["C1", datetime(2026, 9, 24), *ROW_1[2:10], datetime(2026, 6, 30), 107000.53, 0])
    sheet.append(
        [
            "C1",
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            "货款",
            "2026/7/31",
            "¥16,409.02",
            6409.02,
        ]
    )
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    result = load(path)
    assert result.problems == []
    (case,) = result.cases
    assert case.values["issue_date"] == date(2026, 9, 24)
    assert [i["amount_due"] for i in case.items] == [Decimal("107000.53"), Decimal("16409.02")]
    assert case.items[1]["amount_paid"] == Decimal("6409.02")


def test_xlsx_number_lost_id_digits(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([*HEADER_CN, "债务人证件号码"])
    # An 18-digit ID typed into a number cell keeps only 15 significant digits.
    sheet.append([*ROW_1, 110105198003150012])
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    (error,) = load(path).errors
    assert error.location.column == "债务人证件号码"  # type: ignore[union-attr]
    assert "110105198003150000" in error.message
    assert error.hint is not None
    assert "format the column as text" in error.hint


def test_xlsx_sheet_choice(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "说明"
    second = workbook.create_sheet("数据")
    second.append(HEADER_CN)
    second.append(ROW_1)
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    assert load(path, sheet="数据").cases[0].origin.source == f"{path}[数据]"
    with pytest.raises(InputError) as caught:
        load(path, sheet="缺少")
    assert caught.value.problems[0].message == 'no sheet named "缺少"'


def test_json_nested_and_flat_give_the_same_case(tmp_path: Path) -> None:
    common = dict(zip(HEADER_CN[:9], ROW_1[:9], strict=True))
    nested = {
        "cases": [
            {
                **common,
                "items": [
                    {
                        "item_name": "货款",
                        "due_date": "2026-06-30",
                        "amount_due": 107000.53,
                        "amount_paid": 0,
                    },
                    {
                        "项目": "货款",
                        "应付日期": "2026-07-31",
                        "应付金额": "16409.02",
                        "已付金额": "6409.02",
                    },
                ],
            }
        ]
    }
    json_path = tmp_path / "c.json"
    json_path.write_text(json.dumps(nested, ensure_ascii=False), encoding="utf-8")
    from_json = load(json_path)
    assert from_json.problems == []
    from_csv = load(write_csv(tmp_path / "c.csv", [HEADER_CN, ROW_1, ROW_2]))
    # Same data, different formats: the same canonical case and hash.
    assert case_sha256(from_json.cases[0]) == case_sha256(from_csv.cases[0])


def test_json_list_and_problems_with_paths(tmp_path: Path) -> None:
    case = dict(zip(HEADER_CN, ROW_1, strict=True))
    case["应付金额"] = "1.2万"
    case["remark"] = "x"
    path = tmp_path / "c.json"
    path.write_text(json.dumps([case], ensure_ascii=False), encoding="utf-8")
    result = load(path)
    assert [str(p.location) for p in result.problems] == [
        f"{path}, [0].remark",
        f"{path}, [0].应付金额",
    ]
    assert result.problems[1].message == '应付金额 (amount_due): "1.2万" is not an amount in yuan'


def test_json_case_field_inside_items(tmp_path: Path) -> None:
    case = dict(zip(HEADER_CN[:9], ROW_1[:9], strict=True))
    case["items"] = [
        {"item_name": "货款", "due_date": "2026-06-30", "amount_due": "1", "debtor_name": "错放"}
    ]
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"cases": [case]}, ensure_ascii=False), encoding="utf-8")
    result = load(path)
    assert any(
        p.message == "debtor_name belongs to the case, not to one of its items"
        for p in result.errors
    )


def test_invalid_json(tmp_path: Path) -> None:
    path = tmp_path / "c.json"
    path.write_text('{"cases": [', encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load(path)
    assert caught.value.problems[0].message.startswith("not valid JSON")


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("c.xls", "unsupported file type .xls; use .csv, .xlsx, .json"),
        ("c.txt", "unsupported file type .txt; use .csv, .xlsx, .json"),
    ],
)
def test_unsupported_types(tmp_path: Path, name: str, message: str) -> None:
    (tmp_path / name).write_bytes(b"x")
    with pytest.raises(InputError) as caught:
        load(tmp_path / name)
    assert caught.value.problems[0].message == message


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(tmp_path / "nope.csv")
    assert caught.value.problems[0].message == "file not found"


def test_empty_file(tmp_path: Path) -> None:
    (tmp_path / "c.csv").write_bytes(b"")
    with pytest.raises(InputError) as caught:
        load(tmp_path / "c.csv")
    assert caught.value.problems[0].message == "the file is empty"


def test_total_row_is_skipped(tmp_path: Path) -> None:
    total = ["合计", "", "", "", "", "", "", "", "", "", "", "123409.55", ""]
    result = load(write_csv(tmp_path / "c.csv", [HEADER_CN, ROW_1, ROW_2, total]))
    assert [p.message for p in result.problems] == [
        "a total row (合计/小计/总计), not a case; it is skipped"
    ]
    assert result.problems[0].location.row == 4  # type: ignore[union-attr]
    assert len(result.cases) == 1


def test_merged_cells_count_on_every_row_they_span(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(HEADER_CN)
    sheet.append(ROW_1)
    sheet.append([None] * 9 + ROW_2[9:])
    for column in "ABCDEFGHI":  # the case's own cells merged over its two rows
        sheet.merge_cells(f"{column}2:{column}3")
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    result = load(path)
    assert result.problems == []
    (case,) = result.cases
    assert len(case.items) == 2


def test_no_header_row(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(write_csv(tmp_path / "c.csv", [["甲", "乙"], ["1", "2"]]))
    assert caught.value.problems[0].message == "no header row found in the first 10 rows"


def test_header_without_data(tmp_path: Path) -> None:
    with pytest.raises(InputError) as caught:
        load(write_csv(tmp_path / "c.csv", [HEADER_CN]))
    assert caught.value.problems[0].message == (
        "no cases found: there are no data rows under the header"
    )


def test_wrong_sheet_points_at_the_right_one(tmp_path: Path) -> None:
    workbook = openpyxl.Workbook()
    workbook.active.title = "汇总"
    workbook.active.append(["客户数", 3])
    data = workbook.create_sheet("应收逾期")
    data.append(HEADER_CN)
    data.append(ROW_1)
    path = tmp_path / "c.xlsx"
    workbook.save(path)
    with pytest.raises(InputError) as caught:
        load(path)
    assert caught.value.problems[0].hint == (
        'the sheet "应收逾期" looks like case data: add --sheet 应收逾期'
    )


def test_unknown_header_gets_a_suggestion(tmp_path: Path) -> None:
    header = [h if h != "债务人名称" else "债务人明称" for h in HEADER_CN]
    result = load(write_csv(tmp_path / "c.csv", [header, ROW_1]))
    warning = result.warnings[0]
    assert warning.message == 'column "债务人明称" is not a field of this template; it is ignored'
    assert (
        warning.hint
        == "did you mean 债务人名称 → debtor_name (债务人名称)? Rename the column if so"
    )
