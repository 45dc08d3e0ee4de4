"""One obligor's position on one claim part: statuses, the assessment record,
and the shared context that finishes it (20-year maximum, letters without
evidence, notes). :mod:`letters.rules.limitation` (debtors) and
:mod:`letters.rules.guarantees` (guarantors) build on it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

from letters.calendar import RestDayCalendar
from letters.dates import format_cn_date
from letters.evidence.events import PartyRole
from letters.rules.clock import (
    LIMITATION_YEARS,
    MAXIMUM_YEARS,
    Clock,
    Obstacle,
    Step,
    run_clock,
)
from letters.rules.effects import LETTER_OUTCOMES, Effect
from letters.rules.obligations import ClaimPart, GuaranteeType, Obligation
from letters.rules.periods import LastDay, last_day

DEFAULT_WITHIN = 90


class Status(StrEnum):
    OK = "ok"
    DUE_SOON = "due-soon"
    EXPIRED = "expired"
    EXPIRED_BUT_WAIVED = "expired-but-waived"
    NEEDS_EVIDENCE = "needs-evidence"
    HOLIDAY_DATA_UNAVAILABLE = "holiday-data-unavailable"


# Most urgent first: lost claims need a lawyer now, then deadlines, then gaps
# in the evidence, then dates that could not be checked against holidays.
URGENCY = (
    Status.EXPIRED,
    Status.EXPIRED_BUT_WAIVED,
    Status.DUE_SOON,
    Status.NEEDS_EVIDENCE,
    Status.HOLIDAY_DATA_UNAVAILABLE,
    Status.OK,
)


class PeriodKind(StrEnum):
    LIMITATION = "limitation"
    GUARANTEE_PERIOD = "guarantee-period"
    GUARANTEE_LIMITATION = "guarantee-limitation"
    MAIN_DEBT_LIMITATION = "main-debt-limitation"  # a guarantor relying on Art. 701
    MAXIMUM = "20-year-maximum"

    @property
    def chinese(self) -> str:
        return {
            PeriodKind.LIMITATION: "诉讼时效期间",
            PeriodKind.GUARANTEE_PERIOD: "保证期间",
            PeriodKind.GUARANTEE_LIMITATION: "保证债务诉讼时效期间",
            PeriodKind.MAIN_DEBT_LIMITATION: "主债务诉讼时效期间",
            PeriodKind.MAXIMUM: "二十年最长保护期间",
        }[self]

    @property
    def english(self) -> str:
        return {
            PeriodKind.LIMITATION: "limitation period (诉讼时效)",
            PeriodKind.GUARANTEE_PERIOD: "guarantee period (保证期间)",
            PeriodKind.GUARANTEE_LIMITATION: "guarantee debt's limitation period",
            PeriodKind.MAIN_DEBT_LIMITATION: "main debt's limitation period (民法典 Art. 701)",
            PeriodKind.MAXIMUM: "20-year maximum period (民法典 Art. 188)",
        }[self]


@dataclass(frozen=True, slots=True)
class IssuedLetter:
    """A letter from the registry: its number, date, log entry and addressees."""

    letter_no: str
    issue_date: date
    log_index: int | None
    addressees: frozenset[str]


@dataclass(frozen=True, slots=True)
class Assessment:
    """One obligor's position on one claim part at ``as_of``."""

    case_id: str
    obligor: str
    role: PartyRole
    claim: str
    governing: PeriodKind
    start: date
    start_reason: str
    last_event: Effect | None
    deadline: LastDay
    maximum: LastDay
    status: Status
    days_left: int
    steps: tuple[Step, ...]
    notes: tuple[str, ...] = ()
    guarantee_type: GuaranteeType | None = None
    waiver: Effect | None = None
    periods: Mapping[PeriodKind, LastDay] = field(default_factory=dict)

    @property
    def urgency(self) -> tuple[int, date, str]:
        return (URGENCY.index(self.status), self.deadline.legal, self.case_id)

    def as_dict(self) -> dict[str, Any]:
        """Plain JSON data (dates ISO, Chinese explanations kept)."""

        def iso(day: date | None) -> str | None:
            return day.isoformat() if day else None

        event = self.last_event
        return {
            "case_id": self.case_id,
            "obligor": self.obligor,
            "role": self.role.value,
            "guarantee_type": self.guarantee_type.value if self.guarantee_type else None,
            "claim": self.claim,
            "period": self.governing.value,
            "start": self.start.isoformat(),
            "start_reason": self.start_reason,
            "last_event": None
            if event is None
            else {
                "kind": event.kind.value,
                "date": event.day.isoformat(),
                "log_index": event.log_index,
            },
            "raw_last_day": self.deadline.raw.isoformat(),
            "legal_last_day": self.deadline.legal.isoformat(),
            "safe_action_date": iso(self.deadline.safe_action),
            "maximum_last_day": self.maximum.legal.isoformat(),
            "periods": {
                kind.value: {"raw": day.raw.isoformat(), "legal": day.legal.isoformat()}
                for kind, day in self.periods.items()
            },
            "status": self.status.value,
            "days_left": self.days_left,
            "holiday_data_missing": self.deadline.holiday_data_missing,
            "notes": list(self.notes),
            "steps": [
                {
                    "date": s.day.isoformat(),
                    "text": s.text,
                    "log_index": s.log_index,
                    "details": list(s.details),
                }
                for s in self.steps
            ],
        }


def _cn(day: date) -> str:
    return format_cn_date(day)


# ------------------------------------------------------------------ status


def status_of(
    deadline: LastDay, as_of: date, within: int, *, waived: bool, unproven: bool
) -> Status:
    """The status on ``as_of`` of a period ending on ``deadline.legal``.

    The last day ends at 24:00 (Art. 203), so the period is alive on it; "within
    N days" includes the Nth day (Art. 1259).
    """
    if as_of > deadline.legal:
        return Status.EXPIRED
    if waived:
        return Status.EXPIRED_BUT_WAIVED
    if (deadline.legal - as_of).days <= within:
        return Status.DUE_SOON
    if unproven:
        return Status.NEEDS_EVIDENCE
    if deadline.holiday_data_missing is not None:
        return Status.HOLIDAY_DATA_UNAVAILABLE
    return Status.OK


def unproven_letters(
    letters: Sequence[IssuedLetter],
    effects: Sequence[Effect],
    members: frozenset[str],
    after: date,
) -> list[IssuedLetter]:
    """Letters to ``members`` issued after ``after`` whose delivery, refusal,
    return or signature was never recorded: they interrupt nothing (诉讼时效规定 Art. 8)."""
    known = {e.letter_no for e in effects if e.kind in LETTER_OUTCOMES and e.party in members}
    return [
        letter
        for letter in letters
        if letter.addressees & members
        and letter.issue_date > after
        and letter.letter_no not in known
    ]


def letter_steps(letters: Sequence[IssuedLetter], unproven: Sequence[IssuedLetter]) -> list[Step]:
    steps = []
    for letter in letters:
        text = f"出具{letter.letter_no}"
        if letter in unproven:
            text += "；尚无送达、签收、拒收或退回记录，不产生中断效力（诉讼时效规定第八条）"
        steps.append(Step(letter.issue_date, text, letter.log_index))
    return steps


def notes_for(
    deadline: LastDay, unproven: Sequence[IssuedLetter], waiver: Effect | None
) -> list[str]:
    notes = [
        f"letter {letter.letter_no} issued {letter.issue_date.isoformat()} has no recorded "
        "delivery, refusal, return or signature: it interrupts nothing until one is recorded"
        for letter in unproven
    ]
    if waiver is not None:
        notes.append(
            f"the period had ended; the obligor agreed to perform on {waiver.day.isoformat()} "
            f"(log #{waiver.log_index}), which waives the limitation defence (民法典 Art. 192) — "
            "a court may still weigh it: consult a lawyer"
        )
    if deadline.holiday_data_missing is not None:
        notes.append(
            f"no holiday data for {deadline.holiday_data_missing}: the raw last day is shown "
            "(add that year with --holidays FILE)"
        )
    return notes


# ------------------------------------------------------------------ per obligor


@dataclass(frozen=True)
class Context:
    """What every assessment of one case shares."""

    obligation: Obligation
    effects: tuple[Effect, ...]
    obstacles: tuple[Obstacle, ...]
    letters: tuple[IssuedLetter, ...]
    as_of: date
    within: int
    calendar: RestDayCalendar

    def obstacles_for(self, members: frozenset[str]) -> tuple[Obstacle, ...]:
        return tuple(o for o in self.obstacles if o.party is None or o.party in members)

    def maximum(self, part: ClaimPart) -> LastDay:
        return last_day(part.start, years=MAXIMUM_YEARS, calendar=self.calendar)

    def debtor_clock(self, part: ClaimPart, obligor: str | None) -> Clock:
        """The debtor group's shared clock on ``part``; only ``obligor``'s own acts
        may waive an expired period (None: nobody's, as a guarantor pleads it)."""
        group = self.obligation.debtor_group
        return run_clock(
            part.start,
            part.reason,
            self.effects,
            members=group,
            obligor=obligor,
            maximum=self.maximum(part),
            obstacles=self.obstacles_for(group),
            calendar=self.calendar,
            several_parts=len(self.obligation.parts) > 1,
        )

    def assessment(
        self,
        *,
        obligor: str,
        role: PartyRole,
        part: ClaimPart,
        members: frozenset[str],
        governing: PeriodKind,
        deadline: LastDay,
        start: date,
        start_reason: str,
        last_event: Effect | None,
        waiver: Effect | None,
        steps: list[Step],
        periods: Mapping[PeriodKind, LastDay],
        notes: Sequence[str] = (),
        guarantee_type: GuaranteeType | None = None,
    ) -> Assessment:
        """Finish one assessment: the 20-year maximum, letters without evidence,
        the status on ``as_of`` and the notes."""
        maximum = self.maximum(part)
        deadline, governing = apply_maximum(deadline, governing, maximum, steps)
        since = last_event.day if last_event else part.start
        unproven = unproven_letters(self.letters, self.effects, members, since)
        steps.extend(letter_steps([x for x in self.letters if x.addressees & members], unproven))
        return Assessment(
            case_id=self.obligation.case_id,
            obligor=obligor,
            role=role,
            claim=part.label,
            governing=governing,
            start=start,
            start_reason=start_reason,
            last_event=last_event,
            deadline=deadline,
            maximum=maximum,
            status=status_of(
                deadline,
                self.as_of,
                self.within,
                waived=waiver is not None,
                unproven=bool(unproven),
            ),
            days_left=(deadline.legal - self.as_of).days,
            steps=finish_steps(steps, deadline, governing),
            notes=(*notes, *notes_for(deadline, unproven, waiver)),
            guarantee_type=guarantee_type,
            waiver=waiver,
            periods={**periods, PeriodKind.MAXIMUM: maximum},
        )


def alternative_steps(part: ClaimPart, context: Context) -> list[Step]:
    steps = []
    for alternative in part.alternatives:
        day = last_day(alternative.start, years=LIMITATION_YEARS, calendar=context.calendar)
        steps.append(
            Step(part.start, f"{alternative.reason} → 最后一日为{_cn(day.legal)}", None, day.steps)
        )
    return steps


def apply_maximum(
    deadline: LastDay, governing: PeriodKind, maximum: LastDay, steps: list[Step]
) -> tuple[LastDay, PeriodKind]:
    if maximum.legal < deadline.legal:
        steps.append(
            Step(
                maximum.legal,
                f"自权利受到损害之日起已满二十年（{_cn(maximum.legal)}），人民法院不予保护"
                "（民法典第一百八十八条）；该期间不适用中止、中断（总则编解释第三十五条）",
                None,
                maximum.steps,
            )
        )
        return maximum, PeriodKind.MAXIMUM
    return deadline, governing


def finish_steps(steps: list[Step], deadline: LastDay, governing: PeriodKind) -> tuple[Step, ...]:
    safe = f"，稳妥行动日{_cn(deadline.safe_action)}" if deadline.safe_action else ""
    steps.append(
        Step(
            deadline.legal,
            f"{governing.chinese}最后一日：{_cn(deadline.legal)}（原始最后一日{_cn(deadline.raw)}{safe}）",
        )
    )
    # By date; on one day in log order (issue, dispatch, delivery), unlogged conclusions last.
    return tuple(sorted(steps, key=lambda s: (s.day, s.log_index is None, s.log_index or 0)))
