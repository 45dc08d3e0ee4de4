"""The limitation engine: 诉讼时效 and 保证期间 per debtor, joint debtor and
guarantor, from case data and logged events (legal-rules.md §2).

Pure functions over dates and events: no database, no clock (``as_of`` is a
parameter), the rest-day calendar injected. Every date is counted by
:mod:`letters.rules.periods` (the same arithmetic as letters' deadlines) and
every step says which rule (article) and which input (log entry) produced it.

- 3 years from the due date (民法典 Art. 188), interrupted by a demand that
  reached the obligor, the obligor's agreement to perform, or a lawsuit
  (Art. 195), any number of times (总则编解释 Art. 38); an interruption
  against one joint debtor interrupts against all (诉讼时效规定 Art. 15).
- An obstacle in the last six months suspends it: the period ends six months
  after the obstacle ends (Art. 194). An obstacle still continuing is taken to
  end on ``as_of`` (the earliest it can, so the earliest end).
- 20 years from the due date at most, never suspended or interrupted (Art. 188,
  总则编解释 Art. 35).
- After expiry, the obligor's own agreement to perform (payment, acknowledgement,
  signing or sealing the notice itself) waives the defence (Art. 192,
  诉讼时效规定 Art. 19): status ``expired-but-waived``, and conservatively a new
  three years from that act. Waivers are personal: they do not reach the other
  joint debtors, nor the guarantors (Art. 701).
- Guarantors: :mod:`letters.rules.guarantees`; the clock itself: :mod:`letters.rules.clock`.

>>> from letters.calendar import FixedCalendar
>>> case = {"case_id": "C1", "values": {"debtor_name": "甲公司"}, "guarantors": [],
...         "items": [{"item_name": "货款", "due_date": "2021-10-03", "amount_due": "10"}]}
>>> (row,) = assess_case(case, [], as_of=date(2024, 9, 1),
...     calendar=FixedCalendar(frozenset({2024}), frozenset({date(2024, 10, d) for d in range(1, 8)}))).rows()
>>> row.deadline.raw, row.deadline.legal, row.status.value
(datetime.date(2024, 10, 3), datetime.date(2024, 10, 8), 'due-soon')
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from letters.calendar import RestDayCalendar
from letters.dates import format_cn_date
from letters.evidence.events import Event, PartyRole
from letters.rules.assessment import (
    DEFAULT_WITHIN,
    URGENCY,
    Assessment,
    Context,
    IssuedLetter,
    PeriodKind,
    Status,
    alternative_steps,
)
from letters.rules.clock import Obstacle
from letters.rules.effects import Act, Effect, effects_of
from letters.rules.guarantees import guarantor_assessment
from letters.rules.obligations import ClaimPart, GuaranteeType, Obligation, obligation_from_case

__all__ = [
    "DEFAULT_WITHIN",
    "URGENCY",
    "Assessment",
    "CaseAssessment",
    "IssuedLetter",
    "PeriodKind",
    "Status",
    "assess_case",
    "most_urgent_first",
    "warnings_for",
]


@dataclass(frozen=True)
class CaseAssessment:
    case_id: str
    as_of: date
    obligation: Obligation
    assessments: tuple[Assessment, ...]
    effects: tuple[Effect, ...] = field(default_factory=tuple)

    def rows(self) -> list[Assessment]:
        """The most urgent claim part of each obligor, in the case's party order."""
        best: dict[str, Assessment] = {}
        for item in self.assessments:
            current = best.get(item.obligor)
            if current is None or item.urgency < current.urgency:
                best[item.obligor] = item
        return list(best.values())


def most_urgent_first(rows: Sequence[Assessment]) -> list[Assessment]:
    return sorted(rows, key=lambda a: a.urgency)


def _cn(day: date) -> str:
    return format_cn_date(day)


def debtor_assessment(name: str, role: PartyRole, part: ClaimPart, context: Context) -> Assessment:
    """A debtor or joint debtor: the shared clock of the debtor group, own waivers."""
    clock = context.debtor_clock(part, name)
    steps = list(clock.steps)
    if clock.last_event is None and clock.waiver is None:
        steps.extend(alternative_steps(part, context))
    return context.assessment(
        obligor=name,
        role=role,
        part=part,
        members=context.obligation.debtor_group,
        governing=PeriodKind.LIMITATION,
        deadline=clock.end,
        start=part.start,
        start_reason=part.reason,
        last_event=clock.last_event,
        waiver=clock.waiver,
        steps=steps,
        periods={PeriodKind.LIMITATION: clock.end},
    )


def _obstacles(effects: Sequence[Effect], as_of: date) -> tuple[Obstacle, ...]:
    result = []
    for effect in effects:
        if effect.act is not Act.OBSTACLE:
            continue
        end = effect.obstacle_end or as_of
        text = effect.text
        if effect.obstacle_end is None:
            text += f"，障碍尚未消除，保守按{_cn(as_of)}消除计算"
        result.append(Obstacle(effect.day, end, effect.log_index, text, effect.party))
    return tuple(result)


def assess_case(
    case: Mapping[str, Any],
    events: Sequence[tuple[int, Event]],
    letters: Sequence[IssuedLetter] = (),
    *,
    as_of: date,
    calendar: RestDayCalendar,
    within: int = DEFAULT_WITHIN,
) -> CaseAssessment:
    """Every obligor of one case (canonical case data) on every claim part, as of ``as_of``.

    Events and letters dated after ``as_of`` are ignored, so a past date shows
    the position as it was then.
    """
    obligation = obligation_from_case(case)
    effects = tuple(e for e in effects_of(events, obligation) if e.day <= as_of)
    context = Context(
        obligation,
        effects,
        _obstacles(effects, as_of),
        tuple(sorted((x for x in letters if x.issue_date <= as_of), key=lambda x: x.issue_date)),
        as_of,
        within,
        calendar,
    )
    assessments = []
    for part in obligation.parts:
        assessments.append(
            debtor_assessment(obligation.debtor.name, PartyRole.DEBTOR, part, context)
        )
        for joint in obligation.joint_debtors:
            assessments.append(debtor_assessment(joint.name, PartyRole.JOINT_DEBTOR, part, context))
        for guarantor in obligation.guarantors:
            assessments.append(guarantor_assessment(guarantor, part, context))
    return CaseAssessment(obligation.case_id, as_of, obligation, tuple(assessments), effects)


def _action(row: Assessment) -> str:
    if row.governing is PeriodKind.GUARANTEE_PERIOD:
        if row.guarantee_type is GuaranteeType.GENERAL:
            return (
                "sue or arbitrate against the debtor before then: a letter to a 一般保证 "
                "guarantor does not preserve the guarantee (民法典 Art. 693)"
            )
        return "the demand must reach the guarantor by then: record the signed receipt"
    return "get a demand delivered and its receipt recorded before then, or sue"


def warnings_for(assessment: CaseAssessment) -> list[str]:
    """One English warning per obligor whose period has ended or is due soon
    (``within`` days of ``as_of``, as assessed), for `render` and `check`."""
    messages = []
    for row in assessment.rows():
        who = f"{row.role.value} {row.obligor}"
        period = f"the {row.governing.english} for {row.claim}"
        legal = row.deadline.legal.isoformat()
        if row.status is Status.EXPIRED:
            consequence = (
                "the guarantor is released"
                if row.governing is PeriodKind.GUARANTEE_PERIOD
                else "a letter no longer interrupts it"
            )
            messages.append(
                f"{who}: {period} ended on {legal}; {consequence} — consult a lawyer "
                f"(letters limitation explain {row.case_id})"
            )
        elif row.status is Status.EXPIRED_BUT_WAIVED:
            messages.append(
                f"{who}: {period} had ended and rests on a waiver (民法典 Art. 192) — "
                f"consult a lawyer (letters limitation explain {row.case_id})"
            )
        elif row.status is Status.DUE_SOON:
            safe = row.deadline.safe_action or row.deadline.raw
            messages.append(
                f"{who}: {period} ends on {legal}, {row.days_left} days after "
                f"{assessment.as_of.isoformat()} (safe action date {safe.isoformat()}); "
                + _action(row)
            )
    return messages
