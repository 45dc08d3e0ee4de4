"""Validation: merging rows into cases, every problem at once, exact messages."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from helpers import template
from letters.cases.validate import build_cases
from letters.errors import Location
from letters.model import Cell, RawRow
from letters.schema import build_schema

SCHEMA = template("goods-payment").schema
TODAY = date(2026, 11, 22)

BASE = {
    "case_id": "C1",
    "issue_date": "2026-09-24",
    "creditor_name": "上海申江机电设备有限公司",
    "contact_person": "王晓明",
    "contact_phone": "021-58881234",
    "debtor_name": "杭州临平华信电子科技有限公司",
    "debtor_address": "浙江省杭州市",
    "contract_name": "工业设备买卖合同",
    "goods_description": "数控加工中心",
}
ITEM = {"item_name": "货款", "due_date": "2026-06-30", "amount_due": "1000.00"}


def row(number: int, values: dict[str, object], source: str = "c.csv") -> RawRow:
    location = Location(source, number)
    return RawRow(
        location,
        {
            k: Cell(v, location.with_column(SCHEMA.field(k).label))
            for k, v in values.items()
            if v not in ("", None)
        },
    )


def validate(*rows: RawRow, schema=SCHEMA):  # type: ignore[no-untyped-def]
    return build_cases(list(rows), schema, today=TODAY)


def messages(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [f"{p.location}: {p.message}" for p in result.errors]


def test_rows_with_one_case_id_form_one_case() -> None:
    result = validate(
        row(2, {**BASE, **ITEM}),
        row(3, {"case_id": "C1", **ITEM, "amount_due": "500", "amount_paid": "100"}),
        row(4, {**BASE, "case_id": "C2", **ITEM}),
    )
    assert result.problems == []
    assert [c.case_id for c in result.cases] == ["C1", "C2"]
    first = result.cases[0]
    assert [i["amount_due"] for i in first.items] == [Decimal("1000.00"), Decimal("500.00")]
    assert first.items[0]["amount_paid"] == Decimal("0.00")  # the template's default
    assert first.values["deadline_days"] == 7  # the template's default
    assert first.values["issue_date"] == date(2026, 9, 24)


def test_issue_date_defaults_to_today() -> None:
    values = {k: v for k, v in BASE.items() if k != "issue_date"}
    (case,) = validate(row(2, {**values, **ITEM})).cases
    assert case.values["issue_date"] == TODAY


def test_case_fields_must_agree_across_rows() -> None:
    result = validate(
        row(2, {**BASE, **ITEM}), row(5, {**BASE, "debtor_name": "杭州华信电子", **ITEM})
    )
    assert messages(result) == [
        'c.csv, row 5, column "债务人名称": 债务人名称 (debtor_name) differs between rows of case C1: '
        '"杭州临平华信电子科技有限公司" in c.csv, row 2, column "债务人名称" and "杭州华信电子" here'
    ]
    assert [i.case_id for i in result.invalid] == ["C1"]


def test_same_value_in_different_spellings_agrees() -> None:
    result = validate(
        row(2, {**BASE, "contract_price": "¥10,000", **ITEM}),
        row(
            3,
            {
                **BASE,
                "contract_price": "10000.00",
                "debtor_address": "浙江省杭州市",
                **ITEM,
                "due_date": "2026-07-31",
            },
        ),
    )
    assert result.problems == []


def test_every_problem_is_reported_at_once() -> None:
    result = validate(
        row(2, {**BASE, "debtor_address": "", **ITEM, "amount_due": "1.2万"}),
        row(3, {**BASE, "debtor_address": "", **ITEM, "due_date": "2026-02-30"}),
        row(4, {**BASE, "case_id": "C2", **ITEM, "amount_due": "100", "amount_paid": "200"}),
        row(5, {**BASE, "case_id": "C3", **ITEM, "due_date": "2026-10-30"}),
        row(6, {**BASE, "case_id": "C4", "debtor_id_no": "91330113MA2H3K0X5A", **ITEM}),
    )
    assert messages(result) == [
        'c.csv, row 2, column "债务人地址": 债务人地址 (debtor_address) is required but empty',
        'c.csv, row 2, column "应付金额": 应付金额 (amount_due): "1.2万" is not an amount in yuan',
        'c.csv, row 3, column "应付日期": 应付日期 (due_date): "2026-02-30" is not a calendar date',
        'c.csv, row 4, column "已付金额": 已付金额 200.00 is more than 应付金额 100.00: '
        "the outstanding amount would be negative",
        'c.csv, row 5, column "应付日期": 应付日期 2026-10-30 is after the issue date 2026-09-24: '
        "the amount is not yet due",
        'c.csv, row 6, column "债务人证件号码": 债务人证件号码 (debtor_id_no): "91330113MA2H3K0X5A" '
        "is neither a valid 统一社会信用代码 nor a valid 身份证号码 (check digit or date is wrong)",
    ]
    assert all(p.hint for p in result.errors)
    assert [i.case_id for i in result.invalid] == ["C1", "C2", "C3", "C4"]


def test_missing_column_reported_once() -> None:
    rows = [
        row(
            n,
            {
                **{k: v for k, v in BASE.items() if k != "debtor_address"},
                "case_id": f"C{n}",
                **ITEM,
            },
        )
        for n in range(2, 6)
    ]
    result = validate(*rows)
    assert messages(result) == ["c.csv: required column 债务人地址 (debtor_address) is missing"]
    assert len(result.invalid) == 4


def test_case_without_amount_lines() -> None:
    result = validate(row(2, {**BASE, **ITEM}), row(3, {**BASE, "case_id": "C2"}))
    assert messages(result) == ["c.csv, row 3: the case has no amount lines"]


def test_fully_paid_case_is_refused() -> None:
    result = validate(row(2, {**BASE, **ITEM, "amount_paid": "1000"}))
    assert messages(result) == [
        "c.csv, row 2: nothing is outstanding: every amount line is fully paid"
    ]


def test_empty_case_id() -> None:
    result = validate(row(2, {**BASE, **ITEM}), row(7, {**BASE, "case_id": "", **ITEM}))
    assert messages(result) == [
        'c.csv, row 7, column "案件编号": 案件编号 (case_id) is empty, so the row belongs to no case'
    ]


def test_valid_party_ids_accepted() -> None:
    result = validate(
        row(
            2,
            {
                **BASE,
                "debtor_id_no": "91330113MA2H3K0X5D",
                "creditor_id_no": "110105198003150012",
                **ITEM,
            },
        )
    )
    assert result.problems == []


def test_control_character_is_refused() -> None:
    result = validate(row(2, {**BASE, "debtor_name": "华信\x0b电子", **ITEM}))
    assert messages(result) == [
        'c.csv, row 2, column "债务人名称": 债务人名称 (debtor_name): contains an invisible control character'
    ]


def test_payee_account_all_or_nothing() -> None:
    result = validate(row(2, {**BASE, "payee_account": "1001", **ITEM}))
    assert messages(result) == [
        'c.csv, row 2, column "收款账号": the payee account is incomplete: 收款户名, 收款开户行 missing'
    ]


def test_deadline_days_range() -> None:
    result = validate(row(2, {**BASE, "deadline_days": "0", **ITEM}))
    assert messages(result) == [
        'c.csv, row 2, column "付款期限天数": 付款期限天数 (deadline_days) must be between 1 and 365 days, not 0'
    ]


def test_late_fee_basis() -> None:
    result = validate(row(2, {**BASE, "late_fee_basis": "366", **ITEM}))
    assert messages(result) == [
        'c.csv, row 2, column "年计息天数": 年计息天数 (late_fee_basis) must be 360 or 365, not 366'
    ]


def test_contract_date_after_issue() -> None:
    result = validate(row(2, {**BASE, "contract_date": "2026-10-01", **ITEM}))
    assert messages(result) == [
        'c.csv, row 2, column "合同签订日期": 合同签订日期 2026-10-01 is after the issue date 2026-09-24'
    ]


LOAN_SCHEMA = build_schema(
    {
        "case_id": {"required": True},
        "issue_date": {"default": "today"},
        "debtor_name": {"required": True},
        "loan_amount": {"required": True},
        "overdue_principal": {"required": True},
        "overdue_interest": {},
        "overdue_since": {},
        "amounts_as_of": {},
        "guarantor_name": {"required": True},
        "guarantor_id_no": {},
        "guarantee_type": {"default": "一般保证"},
    }
)


def loan_row(number: int, values: dict[str, object]) -> RawRow:
    location = Location("loan.csv", number)
    return RawRow(location, {k: Cell(v, location.with_column(k)) for k, v in values.items()})


def test_guarantors_from_rows_deduplicated_with_default_type() -> None:
    base = {
        "case_id": "L1",
        "issue_date": "2026-11-20",
        "debtor_name": "张三",
        "loan_amount": "300000",
        "overdue_principal": "107000.53",
    }
    result = validate(
        loan_row(2, {**base, "guarantor_name": "李四", "guarantee_type": "连带"}),
        loan_row(3, {"case_id": "L1", "guarantor_name": "王五"}),
        loan_row(4, {"case_id": "L1", "guarantor_name": "李四", "guarantee_type": "连带责任保证"}),
        schema=LOAN_SCHEMA,
    )
    assert result.problems == []
    (case,) = result.cases
    assert [(g["guarantor_name"], g["guarantee_type"]) for g in case.guarantors] == [
        ("李四", "连带责任保证"),
        ("王五", "一般保证"),
    ]  # Art. 686: unclear → 一般保证


def test_loan_checks() -> None:
    base = {
        "case_id": "L1",
        "issue_date": "2026-11-20",
        "debtor_name": "张三",
        "loan_amount": "100000",
        "overdue_principal": "107000.53",
        "overdue_since": "2026-11-21",
    }
    result = validate(loan_row(2, base), schema=LOAN_SCHEMA)
    assert [p.message for p in result.errors] == [
        "逾期起始日 2026-11-21 is after the issue date 2026-11-20",
        "逾期起始日 2026-11-21 is after 金额计算截止日 2026-11-20",
        "逾期本金 107,000.53 is more than 借款金额 100,000.00",
    ]


def test_guarantor_row_without_name() -> None:
    base = {
        "case_id": "L1",
        "debtor_name": "张三",
        "loan_amount": "1",
        "overdue_principal": "1",
        "guarantee_type": "连带",
    }
    result = validate(loan_row(2, base), schema=LOAN_SCHEMA)
    assert [p.message for p in result.errors] == [
        "保证人名称 (guarantor_name) is required on every guarantor row but empty"
    ]


def test_loan_with_nothing_overdue() -> None:
    base = {
        "case_id": "L1",
        "issue_date": "2026-11-20",
        "debtor_name": "张三",
        "loan_amount": "1000",
        "overdue_principal": "0",
        "overdue_interest": "0.00",
    }
    result = validate(loan_row(2, base), schema=LOAN_SCHEMA)
    assert [p.message for p in result.errors] == [
        "nothing is overdue: principal and interest are all zero"
    ]


def test_full_width_and_half_width_text_agree() -> None:
    result = validate(
        row(2, {**BASE, "debtor_address": "世纪大道１号", **ITEM}),
        row(3, {**BASE, "debtor_address": "世纪大道1号", **ITEM, "due_date": "2026-07-31"}),
    )
    assert result.problems == []
    assert result.cases[0].values["debtor_address"] == "世纪大道１号"  # printed as first given


def test_repeated_amount_line_is_flagged() -> None:
    result = validate(row(2, {**BASE, **ITEM}), row(3, {"case_id": "C1", **ITEM}))
    (warning,) = result.warnings
    assert str(warning.location) == 'c.csv, row 3, column "项目"'
    assert warning.message == "this amount line repeats row 2 exactly, so it is claimed twice"
    assert len(result.cases[0].items) == 2  # still a valid case: only the clerk can tell


def test_batch_values_fill_empty_case_fields() -> None:
    values = {k: v for k, v in BASE.items() if k not in ("creditor_name", "contact_phone")}
    given = {"creditor_name": "上海申江机电设备有限公司", "contact_phone": "021-58881234"}
    result = build_cases([row(2, {**values, **ITEM})], SCHEMA, today=TODAY, given=given)
    assert result.problems == []
    assert result.cases[0].values["creditor_name"] == "上海申江机电设备有限公司"
    # A value in the file wins over the batch value.
    result = build_cases(
        [row(2, {**BASE, "creditor_name": "别的公司", **ITEM})], SCHEMA, today=TODAY, given=given
    )
    assert result.cases[0].values["creditor_name"] == "别的公司"


def test_a_header_can_never_mean_two_fields() -> None:
    import pytest

    with pytest.raises(ValueError, match='the header "到期日" would mean both'):
        build_schema({"due_date": {}, "loan_maturity_date": {}})


def test_real_id_numbers_whose_district_is_younger_than_their_holder() -> None:
    """310115 (上海浦东) was created in 1993; a person born there in 1980 carries it.
    Check digits computed by hand with GB 11643 (weights 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2)."""
    for number in ("310115198003150012", "440305197803150013", "330106197106047010"):
        result = validate(row(2, {**BASE, "debtor_id_no": number, **ITEM}))
        assert result.problems == [], number
    wrong_check_digit = validate(row(2, {**BASE, "debtor_id_no": "330106197106047011", **ITEM}))
    assert len(wrong_check_digit.errors) == 1
