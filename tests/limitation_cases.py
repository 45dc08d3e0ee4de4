"""Builders for the limitation tests: canonical case data and logged events."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from letters.calendar import RestDayCalendar
from letters.evidence.events import Capacity, Channel, Event, EventKind
from letters.evidence.registry import FileRecord, Registry
from letters.model import Case
from letters.rules.limitation import Assessment, CaseAssessment, IssuedLetter, assess_case

DEBTOR = "杭州临平华信电子科技有限公司"


def case_data(
    *due_dates: str,
    debtor: str = DEBTOR,
    joint_debtors: str | None = None,
    guarantors: Iterable[Mapping[str, Any]] = (),
    debt_type: str | None = None,
    final_due_date: str | None = None,
    loan: Mapping[str, str] | None = None,
    case_id: str = "C1",
) -> dict[str, Any]:
    """A case in canonical form (as the registry stores it): one amount line per due date,
    or a loan (no lines) when ``loan`` gives overdue_since / loan_maturity_date."""
    values: dict[str, Any] = {"case_id": case_id, "debtor_name": debtor}
    optional = {
        "joint_debtors": joint_debtors,
        "debt_type": debt_type,
        "final_due_date": final_due_date,
    }
    values.update({k: v for k, v in optional.items() if v is not None})
    values.update(loan or {})
    items = [
        {"item_name": "货款", "period": f"第{n}期", "due_date": d, "amount_due": "1000.00"}
        for n, d in enumerate(due_dates, start=1)
    ]
    return {"case_id": case_id, "values": values, "items": items, "guarantors": list(guarantors)}


def guarantor(name: str, kind: str = "连带责任保证", **agreed: Any) -> dict[str, Any]:
    return {"guarantor_name": name, "guarantee_type": kind, **agreed}


def signed(
    day: date, party: str | None = None, capacity: Capacity | None = Capacity.MAIL_ROOM, **more: Any
) -> Event:
    return Event(
        EventKind.SIGNED,
        day,
        letter_no=more.pop("letter_no", "货催〔2026〕第0001号"),
        party=party,
        signer=more.pop("signer", "张三"),
        capacity=capacity,
        signed=True,
        **more,
    )


def event(kind: EventKind, day: date, **more: Any) -> Event:
    return Event(kind, day, **more)


def ems(kind: EventKind, day: date, **more: Any) -> Event:
    return Event(
        kind,
        day,
        letter_no="货催〔2026〕第0001号",
        channel=Channel.EMS,
        waybill="1180123456789",
        **more,
    )


def logged(*events: Event, first: int = 1) -> list[tuple[int, Event]]:
    """Events as the registry returns them, with log indices ``first``, ``first``+1 …"""
    return [(first + n, e) for n, e in enumerate(events)]


def assess(
    case: Mapping[str, Any],
    events: Iterable[Event | tuple[int, Event]] = (),
    *,
    as_of: date,
    calendar: RestDayCalendar,
    letters: Iterable[IssuedLetter] = (),
    within: int = 90,
) -> CaseAssessment:
    numbered = [e if isinstance(e, tuple) else (n, e) for n, e in enumerate(events, start=1)]
    return assess_case(
        case, numbered, tuple(letters), as_of=as_of, calendar=calendar, within=within
    )


def row_of(result: CaseAssessment, obligor: str) -> Assessment:
    return next(r for r in result.rows() if r.obligor == obligor)


def text(assessment: Assessment) -> str:
    return "\n".join(f"{s.day} {s.text} {' '.join(s.details)}" for s in assessment.steps)


def issue_letter(registry: Registry, case: Case, issue_date: str, *, write: bool = True) -> str:
    """Number a goods-payment letter for ``case`` and, unless ``write`` is off, record it as issued."""
    letter_no = registry.reserve(
        case=case,
        template_id="goods-payment",
        template_sha256="t" * 64,
        prefix="货催",
        year=2026,
        format_letter_no=lambda seq: f"货催〔2026〕第{seq:04d}号",
        debtor_name=str(case.values["debtor_name"]),
        issue_date=issue_date,
    ).letter_no
    if write:
        registry.record_issue(letter_no, {"pdf": FileRecord("pdf", "x.pdf", "a" * 64, 1)}, {})
    return letter_no
