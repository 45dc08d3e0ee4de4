"""The limitation engine (legal-rules.md §2) on hand-worked examples.

Every expected date below was worked out by hand from the rules, not copied
from program output: 3 years to the corresponding day (民法典 Arts. 188, 201,
202), then the Art. 203 roll to the first working day. Holiday facts are the
State Council's published schedules (as in tests/test_periods.py):
2024 Spring Festival 02-10..02-17, make-up working Sunday 02-18;
2024 National Day 10-01..10-07; 2023 Mid-Autumn/National Day 09-29..10-06,
make-up working Sat 10-07 and Sun 10-08; 2026 Spring Festival 02-15..02-23,
make-up working Sat 02-14 and 02-28; 2026 Labour Day 05-01..05-05, make-up
working Sat 05-09. Weekdays: 2024-03-15 Fri, 2024-03-16 Sat, 2026-01-10 Sat,
2026-08-15 Sat, 2024-08-31 Sat, 2024-12-31 Tue, 2023-02-28 Tue, 2026-03-31 Tue.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from helpers import fixed_calendar
from letters.calendar import ChineseCalendar
from letters.evidence.events import Capacity, Channel, EventKind, PartyRole
from letters.rules.assessment import PeriodKind, Status
from letters.rules.limitation import IssuedLetter, most_urgent_first, warnings_for
from limitation_cases import (
    DEBTOR,
    assess,
    case_data,
    ems,
    event,
    guarantor,
    row_of,
    signed,
    text,
)

CALENDAR = ChineseCalendar()
# Weekends only, every year from 1990 to 2080: for dates the real data does not cover.
PLAIN = fixed_calendar(*range(1990, 2081))


# ------------------------------------------------------------------ worked examples (§2)


def test_worked_example_1_no_events() -> None:
    result = assess(case_data("2021-03-15"), as_of=date(2023, 6, 1), calendar=CALENDAR)
    (row,) = result.rows()
    # 2021-03-15 + 3 years = 2024-03-15, a Friday: no roll.
    assert (row.deadline.raw, row.deadline.legal) == (date(2024, 3, 15), date(2024, 3, 15))
    assert row.governing is PeriodKind.LIMITATION
    assert row.status is Status.OK
    assert "民法典第一百八十八条" in row.start_reason
    # AMBIGUOUS: counting from the day after → 2024-03-16 (Sat) → Monday 2024-03-18.
    assert (
        "另一种理解：自应付日期的次日2021年3月16日起算（较晚，未采用） → 最后一日为2024年3月18日"
        in text(row)
    )


def test_worked_example_2_signed_receipt() -> None:
    result = assess(
        case_data("2021-03-15"),
        [signed(date(2023, 1, 10))],
        as_of=date(2025, 6, 1),
        calendar=CALENDAR,
    )
    (row,) = result.rows()
    # 2023-01-10 + 3 years = 2026-01-10 (Sat) → Monday 2026-01-12; safe action Friday 01-09.
    assert (row.deadline.raw, row.deadline.legal, row.deadline.safe_action) == (
        date(2026, 1, 10),
        date(2026, 1, 12),
        date(2026, 1, 9),
    )
    assert row.last_event is not None
    assert (row.last_event.kind, row.last_event.day, row.last_event.log_index) == (
        EventKind.SIGNED,
        date(2023, 1, 10),
        1,
    )
    step = next(s for s in row.steps if s.log_index == 1)
    assert step.day == date(2023, 1, 10)
    assert (
        "签收函件货催〔2026〕第0001号（签收人张三，收发部门，签名）（诉讼时效规定第八条第一款第（一）项）"
        in step.text
    )
    assert "→ 诉讼时效中断，自2023年1月10日重新计算（民法典第一百九十五条）" in step.text
    # The weekend reading of Art. 203 is AMBIGUOUS: the alternative is shown.
    assert "另一种理解：普通周末不属于法定休假日，则最后一日为2026年1月10日" in text(row)
    # Once interrupted, the reading of the start point no longer matters: not shown.
    assert "自应付日期的次日" not in text(row)


def test_worked_example_3_national_day() -> None:
    (row,) = assess(case_data("2021-10-03"), as_of=date(2024, 1, 1), calendar=CALENDAR).rows()
    # 2024-10-03 is inside National Day 10-01..10-07 → 2024-10-08.
    assert (row.deadline.raw, row.deadline.legal) == (date(2024, 10, 3), date(2024, 10, 8))
    assert row.deadline.safe_action == date(2024, 9, 30)


def test_worked_example_4_one_price_in_instalments() -> None:
    case = case_data("2021-06-30", "2021-09-30", "2021-12-31", debt_type="分期履行债务")
    result = assess(case, as_of=date(2024, 6, 1), calendar=CALENDAR)
    # Art. 189: everything from the last instalment 2021-12-31 → 2024-12-31 (Tue).
    (part,) = result.assessments
    assert part.start == date(2021, 12, 31)
    assert part.deadline.legal == date(2024, 12, 31)
    assert "民法典第一百八十九条" in part.start_reason
    assert part.claim == "分期履行债务（3期未付清，最后一期2021年12月31日）"


def test_worked_example_5_joint_guarantor() -> None:
    loan = {"loan_maturity_date": "2023-03-31", "overdue_since": "2023-04-01"}
    case = case_data(loan=loan, guarantors=[guarantor("周立新")])
    events = [signed(date(2023, 8, 15), party="周立新", capacity=Capacity.SELF)]
    result = assess(case, events, as_of=date(2026, 1, 5), calendar=CALENDAR)
    row = row_of(result, "周立新")
    period = row.periods[PeriodKind.GUARANTEE_PERIOD]
    # No agreed period: 2023-03-31 + 6 months = 2023-09-30 (a Saturday, not rolled, Art. 692).
    assert (period.raw, period.legal) == (date(2023, 9, 30), date(2023, 9, 30))
    # AMBIGUOUS roll: the alternative would be the make-up working Saturday 2023-10-07.
    assert period.if_rolled == date(2023, 10, 7)
    # Demand reached the guarantor 2023-08-15 → 2026-08-15 (Sat) → 2026-08-17 (Art. 694).
    guarantee_debt = row.periods[PeriodKind.GUARANTEE_LIMITATION]
    assert (guarantee_debt.raw, guarantee_debt.legal) == (date(2026, 8, 15), date(2026, 8, 17))
    assert "民法典第六百九十四条第二款" in row.start_reason
    # Nothing was done against the borrower: the main debt ends 2026-03-31, and the
    # guarantor may rely on that (Art. 701), so it governs.
    assert row.governing is PeriodKind.MAIN_DEBT_LIMITATION
    assert row.deadline.legal == date(2026, 3, 31)
    assert "民法典第七百零一条" in text(row)


def test_worked_example_5_with_the_main_debt_kept_alive() -> None:
    loan = {"loan_maturity_date": "2023-03-31", "overdue_since": "2023-04-01"}
    case = case_data(loan=loan, guarantors=[guarantor("周立新")])
    events = [
        signed(date(2023, 8, 15), party="周立新", capacity=Capacity.SELF),
        event(EventKind.ACKNOWLEDGED, date(2024, 2, 1), case_id="C1"),
    ]
    row = row_of(assess(case, events, as_of=date(2026, 1, 5), calendar=CALENDAR), "周立新")
    assert row.governing is PeriodKind.GUARANTEE_LIMITATION
    assert (row.deadline.raw, row.deadline.legal) == (date(2026, 8, 15), date(2026, 8, 17))


# ------------------------------------------------------------------ counting


@pytest.mark.parametrize(
    ("due", "raw", "legal"),
    [
        # Leap day: 2020-02-29 + 3 years has no corresponding day → 2023-02-28 (Tue).
        ("2020-02-29", date(2023, 2, 28), date(2023, 2, 28)),
        # Month end on a Saturday: 2024-08-31 → Monday 2024-09-02.
        ("2021-08-31", date(2024, 8, 31), date(2024, 9, 2)),
        # Spring Festival 2024 (02-10..02-17): raw 02-12 → the make-up working Sunday 02-18.
        ("2021-02-12", date(2024, 2, 12), date(2024, 2, 18)),
        # 2026-02-14 is a make-up working Saturday: not rolled.
        ("2023-02-14", date(2026, 2, 14), date(2026, 2, 14)),
        # Inside Spring Festival 2026 (02-15..02-23) → 02-24.
        ("2023-02-20", date(2026, 2, 20), date(2026, 2, 24)),
        # National Day 2024 → 10-08.
        ("2021-10-01", date(2024, 10, 1), date(2024, 10, 8)),
    ],
)
def test_counting_with_real_holidays(due: str, raw: date, legal: date) -> None:
    (row,) = assess(case_data(due), as_of=date(2021, 1, 1), calendar=CALENDAR).rows()
    assert (row.deadline.raw, row.deadline.legal) == (raw, legal)
    assert row.deadline.legal >= row.deadline.raw


def test_leap_day_twenty_year_maximum() -> None:
    (row,) = assess(case_data("2020-02-29"), as_of=date(2021, 1, 1), calendar=PLAIN).rows()
    # 2040 is a leap year: the corresponding day exists; 2040-02-29 is a Wednesday.
    assert row.maximum.raw == row.maximum.legal == date(2040, 2, 29)


def test_year_without_holiday_data() -> None:
    (row,) = assess(case_data("2024-05-06"), as_of=date(2026, 11, 22), calendar=CALENDAR).rows()
    # 2027 is not covered by chinesecalendar 1.11: the raw date is kept, never guessed.
    assert row.deadline.raw == row.deadline.legal == date(2027, 5, 6)
    assert row.deadline.holiday_data_missing == 2027
    assert row.status is Status.HOLIDAY_DATA_UNAVAILABLE
    assert any("no holiday data for 2027" in note for note in row.notes)
    assert "2027年的法定节假日数据不可用" in text(row)


def test_year_without_holiday_data_still_due_soon() -> None:
    # Raw 2027-01-05 is 44 days after 2026-11-22: due-soon outranks the missing data.
    (row,) = assess(case_data("2024-01-05"), as_of=date(2026, 11, 22), calendar=CALENDAR).rows()
    assert row.status is Status.DUE_SOON
    assert row.days_left == 44


# ------------------------------------------------------------------ delivery facts


def test_refusal_at_registered_address_uses_the_send_date() -> None:
    events = [
        ems(EventKind.DISPATCHED, date(2023, 5, 4), contents="催款函 货催〔2026〕第0001号"),
        ems(EventKind.REFUSED, date(2023, 5, 10), at_registered_address=True, reason="拒收"),
    ]
    (row,) = assess(
        case_data("2021-03-15"), events, as_of=date(2025, 1, 1), calendar=CALENDAR
    ).rows()
    # AMBIGUOUS: the earlier of send (05-04) and refusal (05-10) date → 2026-05-04,
    # inside Labour Day 2026 (05-01..05-05) → 2026-05-06.
    assert row.last_event is not None
    assert (row.last_event.day, row.last_event.log_index) == (date(2023, 5, 4), 2)
    assert (row.deadline.raw, row.deadline.legal) == (date(2026, 5, 4), date(2026, 5, 6))
    explanation = text(row)
    assert "(2020)最高法民再253号" in explanation
    assert "另一种理解：以拒收日2023年5月10日为中断日（较晚，未采用）" in explanation
    assert "发出本身不中断诉讼时效" in explanation


def test_refusal_elsewhere_interrupts_nothing() -> None:
    events = [ems(EventKind.REFUSED, date(2023, 5, 10))]
    (row,) = assess(
        case_data("2021-03-15"), events, as_of=date(2023, 6, 1), calendar=CALENDAR
    ).rows()
    assert row.last_event is None
    assert row.deadline.legal == date(2024, 3, 15)
    assert "未记录为其未变更的登记地址" in text(row)


def test_returned_mail_interrupts_nothing() -> None:
    events = [
        ems(EventKind.DISPATCHED, date(2023, 5, 4)),
        ems(EventKind.RETURNED, date(2023, 5, 12), reason="查无此人"),
    ]
    result = assess(case_data("2021-03-15"), events, as_of=date(2024, 4, 1), calendar=CALENDAR)
    (row,) = result.rows()
    assert row.last_event is None
    assert row.deadline.legal == date(2024, 3, 15)
    assert row.status is Status.EXPIRED
    assert "被退回（查无此人），不能证明送达" in text(row)
    # The nudge towards naming the letter in 内件品名.
    assert "建议在内件品名中写明函件名称和函号" in text(row)


@pytest.mark.parametrize(
    ("designated", "interrupts"), [(True, True), (False, False), (None, False)]
)
def test_electronic_delivery_needs_a_designated_account(
    designated: bool | None, interrupts: bool
) -> None:
    email = event(
        EventKind.DELIVERED,
        date(2023, 1, 10),
        letter_no="货催〔2026〕第0001号",
        channel=Channel.EMAIL,
        designated_account=designated,
    )
    (row,) = assess(
        case_data("2021-03-15"), [email], as_of=date(2023, 6, 1), calendar=CALENDAR
    ).rows()
    assert (row.deadline.legal == date(2026, 1, 12)) is interrupts
    assert "民法典第一百三十七条" in text(row)


@pytest.mark.parametrize(("unknown", "interrupts"), [(True, True), (False, False)])
def test_announcement_only_when_whereabouts_unknown(unknown: bool, interrupts: bool) -> None:
    notice = event(
        EventKind.ANNOUNCEMENT,
        date(2023, 1, 10),
        case_id="C1",
        channel=Channel.NEWSPAPER,
        whereabouts_unknown=unknown,
    )
    (row,) = assess(
        case_data("2021-03-15"), [notice], as_of=date(2023, 6, 1), calendar=CALENDAR
    ).rows()
    assert (row.last_event is not None) is interrupts


@pytest.mark.parametrize(
    ("debtor", "capacity", "interrupts"),
    [
        (DEBTOR, Capacity.MAIL_ROOM, True),
        (DEBTOR, Capacity.LEGAL_REPRESENTATIVE, True),
        (DEBTOR, Capacity.CO_RESIDENT_RELATIVE, False),  # not a signer for a company
        ("陈国华", Capacity.CO_RESIDENT_RELATIVE, True),
        ("陈国华", Capacity.MAIL_ROOM, False),  # not a signer for a person
        (DEBTOR, None, False),  # the capacity must be recorded (诉讼时效规定 Art. 8)
    ],
)
def test_who_may_sign(debtor: str, capacity: Capacity | None, interrupts: bool) -> None:
    events = [signed(date(2023, 1, 10), capacity=capacity)]
    case = case_data("2021-03-15", debtor=debtor)
    (row,) = assess(case, events, as_of=date(2023, 6, 1), calendar=CALENDAR).rows()
    assert (row.last_event is not None) is interrupts
    if not interrupts:
        assert "诉讼时效规定第八条第二款" in text(row)


def test_payment_debit_and_lawsuit_interrupt() -> None:
    events = [
        event(EventKind.PAYMENT, date(2022, 3, 1), case_id="C1", amount=Decimal("500.00")),
        event(EventKind.ACCOUNT_DEBITED, date(2022, 9, 1), case_id="C1"),
        event(
            EventKind.LAWSUIT_FILED, date(2023, 6, 1), case_id="C1", court="上海市浦东新区人民法院"
        ),
    ]
    (row,) = assess(
        case_data("2021-03-15"), events, as_of=date(2023, 7, 1), calendar=CALENDAR
    ).rows()
    explanation = text(row)
    assert "支付500.00元" in explanation
    assert "诉讼时效规定第八条第一款第（三）项" in explanation
    assert "可多次中断，总则编解释第三十八条" in explanation
    # AMBIGUOUS: the recount may start only when the proceedings end; default the filing date.
    assert "另一种理解：诉讼时效自有关程序终结时起重新计算" in explanation
    assert row.last_event is not None
    assert row.last_event.kind is EventKind.LAWSUIT_FILED
    # 2023-06-01 + 3 years = 2026-06-01, a Monday.
    assert row.deadline.legal == date(2026, 6, 1)


def test_corrected_entry_is_not_used() -> None:
    events = [
        (4, signed(date(2023, 1, 10))),
        (5, event(EventKind.CORRECTION, date(2023, 1, 12), case_id="C1", corrects=4)),
    ]
    (row,) = assess(
        case_data("2021-03-15"), events, as_of=date(2023, 6, 1), calendar=CALENDAR
    ).rows()
    assert row.last_event is None
    assert "更正日志第4条" in text(row)


def test_events_after_as_of_are_ignored() -> None:
    events = [signed(date(2023, 1, 10))]
    (row,) = assess(
        case_data("2021-03-15"), events, as_of=date(2023, 1, 9), calendar=CALENDAR
    ).rows()
    assert row.deadline.legal == date(2024, 3, 15)


def test_event_for_someone_else_is_ignored() -> None:
    events = [signed(date(2023, 1, 10), party="无关公司")]
    result = assess(case_data("2021-03-15"), events, as_of=date(2023, 6, 1), calendar=CALENDAR)
    assert result.rows()[0].last_event is None
    assert any("不是本案当事人" in e.text for e in result.effects)


# ------------------------------------------------------------------ expiry and waiver


def test_borrower_acknowledging_after_expiry_waives_but_guarantor_is_not_bound() -> None:
    loan = {"loan_maturity_date": "2020-06-30", "overdue_since": "2020-07-01"}
    case = case_data(debtor="张伟", loan=loan, guarantors=[guarantor("王丽")])
    events = [
        signed(date(2024, 3, 1), capacity=Capacity.SELF, signer="张伟"),
        signed(date(2024, 3, 1), party="王丽", capacity=Capacity.SELF, signer="王丽"),
    ]
    result = assess(case, events, as_of=date(2024, 6, 1), calendar=CALENDAR)
    borrower, guarantor_row = row_of(result, "张伟"), row_of(result, "王丽")
    # The borrower's period ended 2023-06-30 (Fri); signing the notice in 2024 waives
    # the defence (Art. 192, 诉讼时效规定 Art. 19): conservatively 3 new years from 2024-03-01.
    assert borrower.status is Status.EXPIRED_BUT_WAIVED
    assert borrower.waiver is not None
    assert borrower.waiver.log_index == 1
    assert borrower.deadline.raw == date(2027, 3, 1)
    assert "诉讼时效规定第十九条" in text(borrower)
    assert "诉讼时效期间于2023年6月30日届满" in text(borrower)
    # The guarantee period ended 2020-12-30 (6 months, Art. 692): the guarantor's
    # signature in 2024 does not bind it again (担保制度解释 Art. 34(2)).
    assert guarantor_row.status is Status.EXPIRED
    assert guarantor_row.governing is PeriodKind.GUARANTEE_PERIOD
    assert guarantor_row.deadline.legal == date(2020, 12, 30)
    assert "担保制度解释第三十四条第二款" in text(guarantor_row)
    assert guarantor_row.notes[0].startswith("the guarantee period ended without a valid claim")


def test_mail_room_signature_after_expiry_is_no_waiver() -> None:
    events = [signed(date(2024, 6, 1), capacity=Capacity.MAIL_ROOM)]
    (row,) = assess(
        case_data("2021-03-15"), events, as_of=date(2024, 7, 1), calendar=CALENDAR
    ).rows()
    assert row.status is Status.EXPIRED
    assert "诉讼时效期间已经届满，不再发生中断" in text(row)


def test_waiver_whose_new_period_also_ran_out_is_expired() -> None:
    events = [event(EventKind.PAYMENT, date(2015, 3, 1), case_id="C1")]
    (row,) = assess(case_data("2010-03-15"), events, as_of=date(2020, 1, 1), calendar=PLAIN).rows()
    assert row.waiver is not None
    assert row.status is Status.EXPIRED


# ------------------------------------------------------------------ joint debtors and guarantors


def test_joint_debtors_share_an_interruption_guarantors_do_not() -> None:
    case = case_data(
        "2022-03-31",
        joint_debtors="杭州临平恒通贸易有限公司、李建国",
        guarantors=[guarantor("周立新", guarantee_period_months=36)],
    )
    # Joint debtor 李建国 pays part on 2023-06-01 (诉讼时效规定 Art. 14, 15).
    events = [
        event(
            EventKind.PAYMENT,
            date(2023, 6, 1),
            case_id="C1",
            party="李建国",
            party_role=PartyRole.JOINT_DEBTOR,
        )
    ]
    result = assess(case, events, as_of=date(2024, 1, 1), calendar=CALENDAR)
    debtors = [row_of(result, n) for n in (DEBTOR, "杭州临平恒通贸易有限公司", "李建国")]
    # 2023-06-01 + 3 years = 2026-06-01 (Mon) for all three.
    assert {r.deadline.legal for r in debtors} == {date(2026, 6, 1)}
    assert [r.role for r in debtors] == [
        PartyRole.DEBTOR,
        PartyRole.JOINT_DEBTOR,
        PartyRole.JOINT_DEBTOR,
    ]
    assert "诉讼时效规定第十五条" in text(debtors[0])
    # The guarantor's agreed 36 months run from 2022-03-31 to 2025-03-31, untouched.
    surety = row_of(result, "周立新")
    assert surety.governing is PeriodKind.GUARANTEE_PERIOD
    assert surety.deadline.legal == date(2025, 3, 31)
    assert surety.last_event is None
    assert "原担保法解释第三十六条，已失效" in text(surety)


def test_demand_to_the_debtor_does_not_preserve_the_guarantee() -> None:
    case = case_data("2023-03-31", guarantors=[guarantor("周立新")])
    # The borrower signs within the guarantee period (ends 2023-09-30); the guarantor never does.
    result = assess(case, [signed(date(2023, 8, 15))], as_of=date(2023, 12, 1), calendar=CALENDAR)
    surety = row_of(result, "周立新")
    assert surety.status is Status.EXPIRED
    assert surety.governing is PeriodKind.GUARANTEE_PERIOD
    assert row_of(result, DEBTOR).deadline.legal == date(2026, 8, 17)


def test_waiver_by_one_joint_debtor_does_not_reach_the_others() -> None:
    case = case_data("2019-03-15", joint_debtors="李建国")
    events = [event(EventKind.ACKNOWLEDGED, date(2023, 1, 10), case_id="C1", party="李建国")]
    result = assess(case, events, as_of=date(2023, 6, 1), calendar=CALENDAR)
    assert row_of(result, "李建国").status is Status.EXPIRED_BUT_WAIVED
    debtor = row_of(result, DEBTOR)
    assert debtor.status is Status.EXPIRED
    assert "只约束作出者本人" in text(debtor)


def test_general_guarantee_needs_a_lawsuit_against_the_debtor() -> None:
    case = case_data("2023-03-31", guarantors=[guarantor("陈美华", "一般保证")])
    demand = signed(date(2023, 8, 15), party="陈美华", capacity=Capacity.SELF)
    row = row_of(assess(case, [demand], as_of=date(2023, 12, 1), calendar=CALENDAR), "陈美华")
    # A demand to a 一般保证 guarantor preserves nothing: released after 2023-09-30.
    assert row.status is Status.EXPIRED
    assert "民法典第六百九十三条第一款" in text(row)
    sued = event(EventKind.LAWSUIT_FILED, date(2023, 9, 1), case_id="C1")
    later = assess(case, [demand, sued], as_of=date(2023, 12, 1), calendar=CALENDAR)
    row = row_of(later, "陈美华")
    # Lawsuit against the debtor within the period; conservatively counted from filing:
    # 2023-09-01 + 3 years = 2026-09-01 (Tue). The main debt was interrupted the same day.
    assert row.governing is PeriodKind.GUARANTEE_LIMITATION
    assert row.deadline.legal == date(2026, 9, 1)
    assert "第六百九十四条第一款" in row.start_reason
    assert "该日未记录，保守按起诉日2023年9月1日起算" in row.start_reason


def test_agreed_end_before_the_main_debt_counts_as_not_agreed() -> None:
    case = case_data(
        "2023-03-31", guarantors=[guarantor("周立新", guarantee_period_end="2023-03-01")]
    )
    row = row_of(assess(case, as_of=date(2023, 5, 1), calendar=CALENDAR), "周立新")
    assert row.deadline.legal == date(2023, 9, 30)
    assert "视为没有约定" in text(row)


def test_agreed_end_date_is_used_and_not_rolled() -> None:
    case = case_data(
        "2023-03-31", guarantors=[guarantor("周立新", guarantee_period_end="2024-06-30")]
    )
    row = row_of(assess(case, as_of=date(2023, 5, 1), calendar=CALENDAR), "周立新")
    # 2024-06-30 is a Sunday: a guarantee period is never extended (Art. 692).
    assert row.deadline.raw == row.deadline.legal == date(2024, 6, 30)
    assert row.deadline.if_rolled == date(2024, 7, 1)


@pytest.mark.parametrize(
    ("due", "months", "last"),
    [
        # 2023-08-31 + 18 months: February 2025 has no 31st → 2025-02-28 (Fri).
        ("2023-08-31", 18, date(2025, 2, 28)),
        # 2023-03-31 + 12 months = 2024-03-31, a Sunday: still not rolled (Art. 692).
        ("2023-03-31", 12, date(2024, 3, 31)),
        # No agreement: 2023-08-31 + 6 months → 2024-02-29 (leap year).
        ("2023-08-31", None, date(2024, 2, 29)),
    ],
)
def test_agreed_months(due: str, months: int | None, last: date) -> None:
    agreed = {"guarantee_period_months": months} if months else {}
    case = case_data(due, guarantors=[guarantor("周立新", **agreed)])
    row = row_of(assess(case, as_of=date(2023, 9, 1), calendar=CALENDAR), "周立新")
    assert row.deadline.raw == row.deadline.legal == last


def test_guarantee_type_defaults_to_general() -> None:
    case = case_data("2023-03-31", guarantors=[{"guarantor_name": "周立新"}])
    row = row_of(assess(case, as_of=date(2023, 5, 1), calendar=CALENDAR), "周立新")
    assert row.guarantee_type is not None
    assert row.guarantee_type.value == "一般保证"
    assert "民法典第六百八十六条" in text(row)


# ------------------------------------------------------------------ suspension and the 20-year cap


@pytest.mark.parametrize(
    ("start", "end", "legal"),
    [
        # Last six months of a period ending 2024-03-15 run from 2023-09-16. An obstacle
        # 2024-01-10..02-20 → ends 6 months after 02-20: 2024-08-20 (Tue).
        (date(2024, 1, 10), date(2024, 2, 20), date(2024, 8, 20)),
        # Begun before the window, still there inside it → 2023-10-15 + 6 months = 2024-04-15 (Mon).
        (date(2023, 6, 1), date(2023, 10, 15), date(2024, 4, 15)),
        # Over before the last six months: no suspension.
        (date(2023, 1, 1), date(2023, 3, 1), date(2024, 3, 15)),
        # Still continuing on as_of 2024-03-01: taken to end then → 2024-09-01 (Sun) → 09-02.
        (date(2024, 2, 1), None, date(2024, 9, 2)),
    ],
)
def test_suspension_in_the_last_six_months(start: date, end: date | None, legal: date) -> None:
    obstacle = event(
        EventKind.OBSTACLE, start, case_id="C1", obstacle_ended=end, remark="不可抗力（洪灾）"
    )
    case = case_data("2021-03-15", guarantors=[guarantor("周立新")])
    result = assess(case, [obstacle], as_of=date(2024, 3, 1), calendar=CALENDAR)
    row = row_of(result, DEBTOR)
    assert row.deadline.legal == legal
    assert "民法典第一百九十四条" in text(row)
    if legal == date(2024, 3, 15):
        assert "不在诉讼时效期间的最后六个月内，不发生中止" in text(row)
    # The guarantee period is never suspended (Art. 692): 2021-03-15 + 6 months.
    assert row_of(result, "周立新").periods[PeriodKind.GUARANTEE_PERIOD].legal == date(2021, 9, 15)


def test_suspension_reaches_the_guarantee_debt_too() -> None:
    case = case_data("2021-03-15", guarantors=[guarantor("周立新")])
    events = [
        signed(date(2021, 6, 1), party="周立新", capacity=Capacity.SELF),
        event(EventKind.OBSTACLE, date(2024, 4, 1), obstacle_ended=date(2024, 5, 10)),
    ]
    row = row_of(assess(case, events, as_of=date(2024, 6, 1), calendar=CALENDAR), "周立新")
    # Guarantee debt from the demand 2021-06-01 → 2024-06-01 (Sat); the obstacle ends inside
    # its last six months, so 2024-05-10 + 6 months = 2024-11-10 (Sun) → 2024-11-11.
    assert row.periods[PeriodKind.GUARANTEE_LIMITATION].legal == date(2024, 11, 11)


def test_twenty_year_maximum_is_not_interrupted() -> None:
    acknowledgements = [
        event(EventKind.ACKNOWLEDGED, day, case_id="C1")
        for day in (
            date(2025, 6, 1),  # after the 20 years: interrupts nothing
            date(2007, 9, 1),
            date(2010, 3, 1),
            date(2012, 9, 1),
            date(2015, 3, 1),
            date(2017, 9, 1),
            date(2020, 3, 1),
            date(2022, 9, 1),
        )
    ]
    (row,) = assess(
        case_data("2005-03-15"), acknowledgements, as_of=date(2025, 1, 1), calendar=CALENDAR
    ).rows()
    # The last acknowledgement would carry the period to 2025-09-01, but 20 years from
    # 2005-03-15 end 2025-03-15 (Sat) → 2025-03-17 (总则编解释 Art. 35: no interruption).
    assert row.governing is PeriodKind.MAXIMUM
    assert (row.deadline.raw, row.deadline.legal) == (date(2025, 3, 15), date(2025, 3, 17))
    assert row.periods[PeriodKind.LIMITATION].legal == date(2025, 9, 1)
    assert "总则编解释第三十五条" in text(row)
    assert row.status is Status.DUE_SOON
    later = assess(
        case_data("2005-03-15"), acknowledgements, as_of=date(2025, 7, 1), calendar=CALENDAR
    )
    (row,) = later.rows()
    assert row.status is Status.EXPIRED
    assert row.periods[PeriodKind.LIMITATION].legal == date(2025, 9, 1)
    assert "诉讼时效期间于2025年3月17日届满" in text(row)


def test_acts_after_the_twenty_years_revive_nothing() -> None:
    events = [event(EventKind.ACKNOWLEDGED, date(2024, 9, 1), case_id="C1")]
    (row,) = assess(case_data("2003-03-15"), events, as_of=date(2024, 10, 1), calendar=PLAIN).rows()
    assert row.status is Status.EXPIRED
    assert row.waiver is None


# ------------------------------------------------------------------ debt types


def test_periodic_debt_runs_each_period_separately_by_default() -> None:
    case = case_data("2023-07-05", "2023-08-05", "2023-09-05", debt_type="定期给付债务")
    result = assess(case, as_of=date(2026, 6, 1), calendar=CALENDAR)
    assert [a.start for a in result.assessments] == [
        date(2023, 7, 5),
        date(2023, 8, 5),
        date(2023, 9, 5),
    ]
    (row,) = result.rows()
    # The earliest period governs: 2023-07-05 + 3 years = 2026-07-05 (Sun) → 07-06.
    assert row.claim == "货款（第1期）"
    assert row.deadline.raw == date(2026, 7, 5)
    assert row.status is Status.DUE_SOON
    # AMBIGUOUS: the Art. 189 reading from the last period is shown as the alternative.
    assert "另一种理解：定期给付债务按同一债务分期履行，自最后一期2023年9月5日起算" in text(row)


def test_instalments_use_the_final_due_date_when_given() -> None:
    case = case_data("2023-06-30", debt_type="分期履行债务", final_due_date="2024-12-31")
    (part,) = assess(case, as_of=date(2024, 1, 1), calendar=CALENDAR).assessments
    assert part.start == date(2024, 12, 31)
    assert "最后一期履行期限2024年12月31日" in part.start_reason


def test_loan_starts_at_the_first_missed_instalment_unless_told_otherwise() -> None:
    loan = {"loan_maturity_date": "2028-09-19", "overdue_since": "2026-09-21"}
    (row,) = assess(case_data(loan=loan), as_of=date(2026, 11, 23), calendar=CALENDAR).rows()
    assert row.start == date(2026, 9, 20)
    assert "借款到期日2028年9月19日起算" in text(row)  # the Art. 189 alternative
    (row,) = assess(
        case_data(loan=loan, debt_type="分期履行债务"), as_of=date(2026, 11, 23), calendar=CALENDAR
    ).rows()
    assert row.start == date(2028, 9, 19)


def test_demand_on_part_of_the_claim_interrupts_all_of_it() -> None:
    case = case_data("2021-03-15", "2021-04-15")
    result = assess(case, [signed(date(2023, 1, 10))], as_of=date(2023, 6, 1), calendar=CALENDAR)
    assert {a.deadline.legal for a in result.assessments} == {date(2026, 1, 12)}
    assert "诉讼时效规定第九条" in text(result.assessments[0])


# ------------------------------------------------------------------ evidence and order


def test_letter_without_delivery_record_needs_evidence() -> None:
    letter = IssuedLetter("货催〔2026〕第0001号", date(2026, 1, 5), 3, frozenset({DEBTOR}))
    case = case_data("2025-06-30")
    (row,) = assess(case, as_of=date(2026, 11, 22), calendar=PLAIN, letters=[letter]).rows()
    assert row.status is Status.NEEDS_EVIDENCE
    assert row.notes[0].startswith("letter 货催〔2026〕第0001号 issued 2026-01-05 has no recorded")
    assert "尚无送达、签收、拒收或退回记录，不产生中断效力" in text(row)
    delivered = ems(EventKind.DELIVERED, date(2026, 1, 8))
    (row,) = assess(
        case, [delivered], as_of=date(2026, 11, 22), calendar=PLAIN, letters=[letter]
    ).rows()
    assert row.status is Status.OK
    # 2026-01-08 + 3 years = 2029-01-08, a Monday.
    assert row.deadline.legal == date(2029, 1, 8)


def test_statuses_sort_most_urgent_first() -> None:
    calendar = PLAIN
    cases = {
        "OK": case_data("2025-06-30", case_id="OK"),
        "SOON": case_data("2023-12-01", case_id="SOON"),
        "GONE": case_data("2020-01-02", case_id="GONE"),
    }
    rows = [
        row
        for c in cases.values()
        for row in assess(c, as_of=date(2026, 11, 22), calendar=calendar).rows()
    ]
    ordered = most_urgent_first(rows)
    assert [(r.case_id, r.status) for r in ordered] == [
        ("GONE", Status.EXPIRED),
        ("SOON", Status.DUE_SOON),
        ("OK", Status.OK),
    ]


def test_due_soon_includes_the_last_day_of_the_window() -> None:
    # 以内 includes the number itself (民法典 Art. 1259): 2026-12-22 is 30 days after 11-22.
    (row,) = assess(
        case_data("2023-12-22"), as_of=date(2026, 11, 22), calendar=PLAIN, within=30
    ).rows()
    assert (row.days_left, row.status) == (30, Status.DUE_SOON)
    (row,) = assess(
        case_data("2023-12-23"), as_of=date(2026, 11, 22), calendar=PLAIN, within=30
    ).rows()
    assert row.status is Status.OK
    # On the last day itself (Friday 2026-11-20) the period is still alive: it ends at
    # 24:00 (Art. 203); the next day it has expired.
    (row,) = assess(case_data("2023-11-20"), as_of=date(2026, 11, 20), calendar=PLAIN).rows()
    assert (row.days_left, row.status) == (0, Status.DUE_SOON)
    (row,) = assess(case_data("2023-11-20"), as_of=date(2026, 11, 21), calendar=PLAIN).rows()
    assert (row.days_left, row.status) == (-1, Status.EXPIRED)


def test_warnings_for_render_and_check() -> None:
    loan = {"loan_maturity_date": "2026-06-19", "overdue_since": "2026-06-20"}
    case = case_data(loan=loan, guarantors=[guarantor("周立新"), guarantor("陈美华", "一般保证")])
    result = assess(case, as_of=date(2026, 11, 20), calendar=CALENDAR, within=30)
    # Guarantee periods: 2026-06-19 + 6 months = 2026-12-19, 29 days after 11-20.
    assert warnings_for(result) == [
        "guarantor 周立新: the guarantee period (保证期间) for 借款本息 ends on 2026-12-19, 29 days "
        "after 2026-11-20 (safe action date 2026-12-18); the demand must reach the guarantor by "
        "then: record the signed receipt",
        "guarantor 陈美华: the guarantee period (保证期间) for 借款本息 ends on 2026-12-19, 29 days "
        "after 2026-11-20 (safe action date 2026-12-18); sue or arbitrate against the debtor "
        "before then: a letter to a 一般保证 guarantor does not preserve the guarantee (民法典 Art. 693)",
    ]
