"""Who owes what from when: the parties and claim parts of a case, read from its
canonical case data (:meth:`letters.model.Case.canonical`, as the registry
stores it), with the reason each claim's limitation period starts when it does.

Pure: no database, no calendar. legal-rules.md §2:

- The period starts on the due date (the day the right is harmed, 民法典 Art.
  188); that day is not counted (Art. 201). **AMBIGUOUS**: some count from the
  day after; the default is the earlier reading, the alternative is reported.
- 一次性债务: each amount line from its own due date.
- 分期履行债务 (one price in instalments): everything from the last instalment
  (Art. 189): ``final_due_date``, else the latest due date listed.
- 定期给付债务 (rent, fees) — **AMBIGUOUS**: default each period separately
  (conservative), alternative Art. 189 from the last period.
- Debt type not given: each line separately, as the conservative default.
- A loan (no amount lines): due the day before ``overdue_since`` (or at
  ``loan_maturity_date`` if that is earlier); Art. 189 from the maturity date
  only when the debt type says 分期履行债务.
- Guarantee type defaults to 一般保证 when unclear (Art. 686).

>>> case = {"case_id": "C1", "values": {"debtor_name": "甲公司", "joint_debtors": "乙公司、丙"},
...         "items": [{"item_name": "货款", "due_date": "2021-03-15", "amount_due": "10.00"}],
...         "guarantors": []}
>>> obligation = obligation_from_case(case)
>>> sorted(obligation.debtor_group), obligation.parts[0].start
(['丙', '乙公司', '甲公司'], datetime.date(2021, 3, 15))
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from enum import StrEnum
from typing import Any

from letters.dates import format_cn_date
from letters.parties import is_natural_person


class DebtType(StrEnum):
    SINGLE = "一次性债务"
    INSTALMENTS = "分期履行债务"
    PERIODIC = "定期给付债务"


class GuaranteeType(StrEnum):
    GENERAL = "一般保证"
    JOINT = "连带责任保证"


@dataclass(frozen=True, slots=True)
class Alternative:
    """Another reading of an AMBIGUOUS rule: the start it would use, and why."""

    start: date
    reason: str


@dataclass(frozen=True, slots=True)
class ClaimPart:
    """One claim whose limitation period runs on its own clock.

    ``start`` is the day the period starts (not counted, Art. 201); ``reason``
    says why, citing the article.
    """

    label: str
    start: date
    reason: str
    alternatives: tuple[Alternative, ...] = ()


@dataclass(frozen=True, slots=True)
class Party:
    name: str
    natural_person: bool


@dataclass(frozen=True, slots=True)
class Guarantor:
    party: Party
    guarantee_type: GuaranteeType
    type_agreed: bool  # False: not stated, 一般保证 by Art. 686
    agreed_months: int | None = None
    agreed_end: date | None = None

    @property
    def name(self) -> str:
        return self.party.name


@dataclass(frozen=True, slots=True)
class Obligation:
    """Everything the limitation engine needs to know about one case."""

    case_id: str
    debtor: Party
    joint_debtors: tuple[Party, ...]
    guarantors: tuple[Guarantor, ...]
    parts: tuple[ClaimPart, ...]
    debt_type: DebtType | None

    @property
    def debtor_group(self) -> frozenset[str]:
        """The debtor and the joint debtors: one shared limitation clock (诉讼时效规定 Art. 15)."""
        return frozenset(p.name for p in (self.debtor, *self.joint_debtors))

    def party(self, name: str) -> Party | None:
        for party in (self.debtor, *self.joint_debtors):
            if party.name == name:
                return party
        for guarantor in self.guarantors:
            if guarantor.name == name:
                return guarantor.party
        return None

    def guarantor(self, name: str) -> Guarantor | None:
        return next((g for g in self.guarantors if g.name == name), None)


_NAME_SEPARATORS = re.compile(r"[、，,;；/／\n]+")


def split_names(text: str) -> tuple[str, ...]:
    """Names listed in one cell, in order, without repeats.

    >>> split_names("乙公司、丙；乙公司 / 丁")
    ('乙公司', '丙', '丁')
    """
    names = (n.strip() for n in _NAME_SEPARATORS.split(text))
    return tuple(dict.fromkeys(n for n in names if n))


def _date(value: Any) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) and value else None


def _cn(day: date) -> str:
    return format_cn_date(day)


def _due_reason(day: date, what: str, due: str = "应付日期") -> str:
    return (
        f"{what}{due}{_cn(day)}届满未付，债权人自此知道权利受到损害及义务人，"
        "诉讼时效期间三年（民法典第一百八十八条），开始的当日不计入（第二百零一条）"
    )


def _day_after(day: date) -> Alternative:
    return Alternative(
        day + timedelta(days=1),
        f"另一种理解：自应付日期的次日{_cn(day + timedelta(days=1))}起算（较晚，未采用）",
    )


def _item_label(item: Mapping[str, Any]) -> str:
    label = str(item.get("item_name") or "欠款")
    detail = item.get("period") or (f"发票{item['invoice_no']}" if item.get("invoice_no") else None)
    return f"{label}（{detail}）" if detail else label


def _outstanding(item: Mapping[str, Any]) -> Decimal:
    return Decimal(str(item.get("amount_due", "0"))) - Decimal(str(item.get("amount_paid") or "0"))


def _item_parts(
    values: Mapping[str, Any], items: list[Mapping[str, Any]], debt_type: DebtType | None
) -> tuple[ClaimPart, ...]:
    owed = [
        (d, _item_label(i))
        for i in items
        if (d := _date(i.get("due_date"))) is not None and _outstanding(i) > 0
    ]
    if not owed:
        return ()
    last = max(d for d, _ in owed)
    if debt_type is DebtType.INSTALMENTS:
        final = _date(values.get("final_due_date"))
        source = "最后一期履行期限" if final else "所列最晚应付日期（未填写最后一期履行期限）"
        start = final or last
        reason = (
            f"同一债务分期履行，诉讼时效期间自最后一期履行期限届满之日起计算（民法典第一百八十九条）："
            f"{source}{_cn(start)}；开始的当日不计入（第二百零一条）"
        )
        label = f"分期履行债务（{len(owed)}期未付清，最后一期{_cn(start)}）"
        return (ClaimPart(label, start, reason, (_day_after(start),)),)
    parts = []
    for day, label in sorted(owed, key=lambda pair: pair[0]):
        alternatives = [_day_after(day)]
        if debt_type is not DebtType.SINGLE and day != last:
            # AMBIGUOUS (legal-rules §2, periodic debts): each period separately by
            # default; the other view applies Art. 189 from the last period.
            view = "定期给付债务" if debt_type is DebtType.PERIODIC else "未注明债务类型"
            alternatives.append(
                Alternative(
                    last,
                    f"另一种理解：{view}按同一债务分期履行，自最后一期{_cn(last)}起算"
                    "（民法典第一百八十九条，较晚，未采用）",
                )
            )
        reason = _due_reason(day, label)
        if debt_type is DebtType.PERIODIC:
            reason += "；定期给付债务各期分别计算（保守）"
        elif debt_type is None and len(owed) > 1:
            reason += "；未注明债务类型，各笔分别计算（保守）"
        parts.append(ClaimPart(label, day, reason, tuple(alternatives)))
    return tuple(parts)


def _loan_part(values: Mapping[str, Any], debt_type: DebtType | None) -> tuple[ClaimPart, ...]:
    overdue_since = _date(values.get("overdue_since"))
    maturity = _date(values.get("loan_maturity_date"))
    contract = " ".join(str(values[k]) for k in ("contract_name", "contract_no") if values.get(k))
    label = f"借款本息（{contract}）" if contract else "借款本息"
    if debt_type is DebtType.INSTALMENTS and maturity is not None:
        reason = (
            f"借款分期偿还，诉讼时效期间自最后一期（借款到期日{_cn(maturity)}）届满之日起计算"
            "（民法典第一百八十九条）；开始的当日不计入（第二百零一条）"
        )
        return (ClaimPart(label, maturity, reason, (_day_after(maturity),)),)
    candidates = []
    if overdue_since is not None:
        candidates.append((overdue_since - timedelta(days=1), "逾期起始日的前一日"))
    if maturity is not None:
        candidates.append((maturity, "借款到期日"))
    if not candidates:
        return ()
    start, source = min(candidates, key=lambda pair: pair[0])
    reason = _due_reason(start, label, f"应还款日（{source}）") + "；取较早的应还款日（保守）"
    alternatives = [_day_after(start)]
    if maturity is not None and maturity > start:
        alternatives.append(
            Alternative(
                maturity,
                f"另一种理解：借款属同一债务分期履行，自借款到期日{_cn(maturity)}起算"
                "（民法典第一百八十九条，较晚，未采用；请在债务类型中注明）",
            )
        )
    return (ClaimPart(label, start, reason, tuple(alternatives)),)


def _guarantor(data: Mapping[str, Any]) -> Guarantor:
    name = str(data["guarantor_name"])
    given = str(data.get("guarantee_type") or "")
    agreed = given in set(GuaranteeType)
    months = data.get("guarantee_period_months")
    return Guarantor(
        Party(name, is_natural_person(name, data.get("guarantor_id_no"))),
        GuaranteeType(given) if agreed else GuaranteeType.GENERAL,  # unclear: Art. 686
        type_agreed=agreed,
        agreed_months=months if isinstance(months, int) and months > 0 else None,
        agreed_end=_date(data.get("guarantee_period_end")),
    )


def obligation_from_case(case: Mapping[str, Any]) -> Obligation:
    """The :class:`Obligation` of one case in canonical form."""
    values: Mapping[str, Any] = case["values"]
    # A value this engine does not know (a user template's own field) counts as not given.
    given = values.get("debt_type")
    debt_type = DebtType(given) if given in set(DebtType) else None
    items = list(case.get("items", ()))
    parts = _item_parts(values, items, debt_type) if items else _loan_part(values, debt_type)
    debtor_name = str(values["debtor_name"])
    joint = [n for n in split_names(str(values.get("joint_debtors") or "")) if n != debtor_name]
    return Obligation(
        case_id=str(case["case_id"]),
        debtor=Party(debtor_name, is_natural_person(debtor_name, values.get("debtor_id_no"))),
        joint_debtors=tuple(Party(n, is_natural_person(n)) for n in joint),
        guarantors=tuple(_guarantor(g) for g in case.get("guarantors", ())),
        parts=parts,
        debt_type=debt_type,
    )
