"""The case-data fields the limitation engine reads: how they are validated and
how a case becomes parties and claim parts; the new event fields in the log."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers import template
from letters.cases.validate import build_cases
from letters.errors import Location
from letters.evidence.events import Event, EventKind, event_from_fields
from letters.evidence.registry import Registry
from letters.model import Cell, RawRow
from letters.rules.obligations import DebtType, GuaranteeType, obligation_from_case

GOODS = template("goods-payment").schema
LOAN = template("overdue-notice").schema
TODAY = date(2026, 11, 22)

GOODS_CASE = {
    "case_id": "C1",
    "issue_date": "2026-11-20",
    "creditor_name": "上海申江机电设备有限公司",
    "contact_person": "王晓明",
    "contact_phone": "021-58881234",
    "debtor_name": "杭州临平华信电子科技有限公司",
    "debtor_address": "浙江省杭州市",
    "contract_name": "工业设备买卖合同",
    "goods_description": "数控加工中心",
    "item_name": "货款",
    "due_date": "2026-06-30",
    "amount_due": "1000.00",
}
LOAN_CASE = {
    "case_id": "L1",
    "issue_date": "2026-11-20",
    "creditor_name": "浙江临平农村商业银行股份有限公司南苑支行",
    "contact_person": "方志伟",
    "contact_phone": "0571-86209988",
    "debtor_name": "张伟",
    "debtor_address": "上海市浦东新区锦绣路1500弄22号1102室",
    "contract_name": "个人经营性借款合同",
    "loan_amount": "50000",
    "loan_date": "2025-03-18",
    "loan_maturity_date": "2026-03-17",
    "overdue_since": "2026-03-18",
    "overdue_principal": "16409.02",
    "guarantor_name": "王丽",
    "guarantor_address": "上海市浦东新区锦绣路1500弄22号1102室",
    "guarantee_type": "一般保证",
}


def rows(schema, *records: dict[str, str]):  # type: ignore[no-untyped-def]
    result = []
    for number, record in enumerate(records, start=2):
        location = Location("c.csv", number)
        cells = {
            k: Cell(v, location.with_column(schema.field(k).label)) for k, v in record.items() if v
        }
        result.append(RawRow(location, cells))
    return build_cases(result, schema, today=TODAY)


def messages(result, severity: str = "error") -> list[str]:  # type: ignore[no-untyped-def]
    return [p.message for p in result.problems if p.severity.value == severity]


def test_new_fields_are_read_with_their_chinese_spellings() -> None:
    result = rows(
        GOODS,
        {
            **GOODS_CASE,
            "debt_type": "分期",
            "final_due_date": "2026年12月31日",
            "joint_debtors": "李建国；王五",
        },
    )
    assert messages(result) == []
    (case,) = result.cases
    assert case.values["debt_type"] == "分期履行债务"
    assert case.values["final_due_date"] == date(2026, 12, 31)
    obligation = obligation_from_case(case.canonical())
    assert obligation.debt_type is DebtType.INSTALMENTS
    assert [p.name for p in obligation.joint_debtors] == ["李建国", "王五"]
    assert obligation.parts[0].start == date(2026, 12, 31)


def test_limitation_field_mistakes() -> None:
    result = rows(
        GOODS,
        {
            **GOODS_CASE,
            "final_due_date": "2026-05-31",
            "debt_type": "分期履行债务",
            "joint_debtors": "李建国、杭州临平华信电子科技有限公司",
        },
    )
    assert messages(result) == [
        "连带债务人 (joint_debtors) lists the addressee 杭州临平华信电子科技有限公司 itself",
        "最后一期履行期限 2026-05-31 is before the due date 2026-06-30 of an instalment",
    ]
    warned = rows(GOODS, {**GOODS_CASE, "final_due_date": "2026-12-31"})
    assert messages(warned, "warning") == [
        "最后一期履行期限 (final_due_date) is only used when 债务类型 is 分期履行债务"
    ]


def test_agreed_guarantee_period_checks() -> None:
    both = rows(
        LOAN, {**LOAN_CASE, "guarantee_period_months": "24", "guarantee_period_end": "2028-03-17"}
    )
    assert messages(both) == [
        "give the agreed guarantee period either as 保证期间月数 or as 保证期间届满日, not both"
    ]
    too_long = rows(LOAN, {**LOAN_CASE, "guarantee_period_months": "601"})
    assert messages(too_long) == [
        "保证期间月数 (guarantee_period_months) must be between 1 and 600, not 601"
    ]
    early = rows(LOAN, {**LOAN_CASE, "guarantee_period_end": "2026-03-17"})
    assert messages(early, "warning") == [
        "保证期间届满日 2026-03-17 is not after 借款到期日 2026-03-17: it counts as not agreed, "
        "so the guarantee period is 6 months (民法典 Art. 692)"
    ]
    fine = rows(LOAN, {**LOAN_CASE, "guarantee_period_months": "24"})
    (case,) = fine.cases
    (surety,) = obligation_from_case(case.canonical()).guarantors
    assert (surety.guarantee_type, surety.agreed_months) == (GuaranteeType.GENERAL, 24)


def test_obstacle_and_debit_events_round_trip_through_the_log(tmp_path: Path) -> None:
    obstacle = Event(
        EventKind.OBSTACLE,
        date(2024, 1, 10),
        case_id="C1",
        obstacle_ended=date(2024, 2, 20),
        remark="洪灾",
    )
    debit = Event(EventKind.ACCOUNT_DEBITED, date(2024, 3, 1), case_id="C1")
    assert event_from_fields("obstacle", obstacle.fields()) == obstacle
    with Registry(tmp_path / "letters.db") as registry:
        registry.append_event(obstacle)
        registry.append_event(debit)
        assert [e for _, e in registry.events(case_id="C1")] == [obstacle, debit]


def test_values_the_engine_does_not_know_count_as_not_given() -> None:
    case = {
        "case_id": "X",
        "values": {"debtor_name": "甲公司", "debt_type": "按揭"},
        "items": [{"item_name": "货款", "due_date": "2021-03-15", "amount_due": "1"}],
        "guarantors": [{"guarantor_name": "乙", "guarantee_type": "保证"}],
    }
    obligation = obligation_from_case(case)
    assert obligation.debt_type is None
    (surety,) = obligation.guarantors
    assert (surety.guarantee_type, surety.type_agreed) == (GuaranteeType.GENERAL, False)
