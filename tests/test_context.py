"""Template variables: totals, words, deadline, verification code, terms of address."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from helpers import goods_case, template
from letters.rates import Rate
from letters.render.context import build_letter_data, content_sha256, verification_code

SPEC = template("goods-payment")


def data_for(case, calendar):  # type: ignore[no-untyped-def]
    return build_letter_data(case, SPEC, letter_no="货催〔2026〕第0001号", calendar=calendar)


def test_totals_and_words(calendar) -> None:  # type: ignore[no-untyped-def]
    context = data_for(goods_case(), calendar).context
    # 107,000.53 + 16,409.02 due; 6,409.02 paid → 117,000.53 outstanding.
    assert context["total_amount_due"] == "123,409.55"
    assert context["total_amount_paid"] == "6,409.02"
    assert context["total_outstanding"] == "117,000.53"
    assert context["total_claim"] == "117,000.53"
    assert context["total_claim_in_words"] == "人民币壹拾壹万柒仟元伍角叁分"
    assert context["has_late_fee"] is False
    assert [i["outstanding"] for i in context["items"]] == ["107,000.53", "10,000.00"]


def test_late_fees_add_up(calendar) -> None:  # type: ignore[no-untyped-def]
    data = data_for(goods_case(late_fee_rate=Rate(Decimal("0.0005"), "day")), calendar)
    context = data.context
    # 4,601.02 (86 days) + 275.00 (55 days) = 4,876.02; claim 117,000.53 + 4,876.02.
    assert [i["late_fee"] for i in context["items"]] == ["4,601.02", "275.00"]
    assert [i["days_overdue"] for i in context["items"]] == [86, 55]
    assert context["total_late_fee"] == "4,876.02"
    assert context["total_claim"] == "121,876.55"
    assert data.total_claim == Decimal("121876.55")
    assert context["late_fee_method"].endswith("计算至2026年9月24日")


def test_deadline_rolls_over_national_day(calendar) -> None:  # type: ignore[no-untyped-def]
    data = data_for(goods_case(), calendar)
    assert data.context["deadline"] == "2026年10月8日"
    assert data.deadlines["deadline"].raw == date(2026, 10, 1)
    assert data.warnings == ()


def test_deadline_in_year_without_holiday_data_warns(calendar) -> None:  # type: ignore[no-untyped-def]
    data = data_for(goods_case(issue_date=date(2026, 12, 28)), calendar)
    assert data.context["deadline"] == "2027年1月4日"
    assert data.warnings[0].startswith("deadline 2027-01-04 was not checked against holidays")


def test_optional_fields_are_present_and_empty(calendar) -> None:  # type: ignore[no-untyped-def]
    context = data_for(goods_case(), calendar).context
    for name in SPEC.schema.names:
        if SPEC.schema.field(name).level.value == "case":
            assert name in context
    assert context["contract_no"] == ""
    assert context["has_payee"] is False


def test_terms_of_address(calendar) -> None:  # type: ignore[no-untyped-def]
    context = data_for(
        goods_case(debtor_name="李四", creditor_name="中国工商银行上海张江支行"), calendar
    ).context
    assert (context["debtor_term"], context["creditor_term"]) == ("您", "我行")


def test_verification_code_depends_on_content() -> None:
    case = goods_case()
    first = content_sha256("goods-payment", "t" * 64, "A1", case)
    assert first != content_sha256("goods-payment", "t" * 64, "A2", case)
    assert first != content_sha256("goods-payment", "u" * 64, "A1", case)
    assert first != content_sha256(
        "goods-payment", "t" * 64, "A1", goods_case(debtor_address="别处")
    )
    code = verification_code(first)
    assert len(code) == 14
    assert code.count("-") == 2
    assert not set(code) & set("ILOU")


def test_loan_variables_present_when_the_start_of_the_delay_is_not_given(calendar) -> None:  # type: ignore[no-untyped-def]
    import dataclasses

    from letters.schema import Schema

    spec = template("overdue-notice")
    optional = Schema(
        tuple(
            dataclasses.replace(f, required=False) if f.name == "overdue_since" else f
            for f in spec.schema.fields
        )
    )
    spec = dataclasses.replace(spec, schema=optional)
    case = goods_case(
        loan_amount=Decimal("1000.00"),
        overdue_principal=Decimal("1000.00"),
        items=(),
        issue_date=date(2026, 11, 20),
    )
    context = build_letter_data(case, spec, letter_no="X", calendar=calendar).context
    assert context["days_overdue"] == ""
    assert context["amounts_as_of"] == "2026年11月20日"
    assert context["total_claim"] == "1,000.00"
