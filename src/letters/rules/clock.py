"""The limitation clock: three years restarted by every interruption, stretched
by suspension, reopened by a waiver — with the dated steps that explain it.

Pure: dates and effects in, a last day and steps out.

- 3 years (民法典 Art. 188) restarted by every interruption (Art. 195), any
  number of times (总则编解释 Art. 38); ``members`` share interruptions
  (joint debtors, 诉讼时效规定 Art. 15).
- An obstacle in the last six months suspends the period: it ends six months
  after the obstacle ends (Art. 194).
- After expiry only the obligor's own agreement to perform counts, as a waiver
  (Art. 192, 诉讼时效规定 Art. 19); conservatively a new three years run from it.
- Nothing counts after the 20-year maximum (总则编解释 Art. 35).
- The periods cannot be changed by agreement (Art. 197), so case data has no
  field for an agreed limitation period.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from letters.calendar import RestDayCalendar
from letters.dates import format_cn_date
from letters.rules.effects import Act, Effect
from letters.rules.periods import LastDay, add_months, last_day

LIMITATION_YEARS = 3  # 民法典 Art. 188
MAXIMUM_YEARS = 20  # Art. 188: 自权利受到损害之日起超过二十年的，人民法院不予保护
SUSPENSION_MONTHS = 6  # Art. 194


@dataclass(frozen=True, slots=True)
class Step:
    """One dated line of an explanation; ``details`` is the period arithmetic behind it."""

    day: date
    text: str
    log_index: int | None = None
    details: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Obstacle:
    start: date
    end: date
    log_index: int
    text: str
    party: str | None  # None: the creditor could not claim against anyone


def _cn(day: date) -> str:
    return format_cn_date(day)


@dataclass(frozen=True, slots=True)
class Clock:
    """A limitation period run through its events: where it ends now, and why."""

    end: LastDay
    last_event: Effect | None
    waiver: Effect | None
    steps: tuple[Step, ...]


def _suspend(
    period: LastDay, obstacles: Sequence[Obstacle], calendar: RestDayCalendar
) -> tuple[LastDay, list[Step]]:
    """Art. 194: an obstacle in the last six months ends the period six months
    after the obstacle ends; repeated until no obstacle falls in the new last six months."""
    steps: list[Step] = []
    changed = True
    while changed:
        changed = False
        window = add_months(period.legal, -SUSPENSION_MONTHS) + timedelta(days=1)
        for obstacle in obstacles:
            if obstacle.start > period.legal or obstacle.end < window:
                continue
            longer = last_day(obstacle.end, months=SUSPENSION_MONTHS, calendar=calendar)
            if longer.legal <= period.legal:
                continue
            steps.append(
                Step(
                    obstacle.end,
                    f"{obstacle.text}，发生在诉讼时效期间的最后六个月内（{_cn(window)}至"
                    f"{_cn(period.legal)}）→ 诉讼时效中止；自中止时效的原因消除之日起满六个月，"
                    f"诉讼时效期间届满（民法典第一百九十四条），最后一日{_cn(longer.legal)}",
                    obstacle.log_index,
                    longer.steps,
                )
            )
            period, changed = longer, True
            break
    return period, steps


def run_clock(
    start: date,
    start_text: str,
    effects: Sequence[Effect],
    *,
    members: frozenset[str],
    obligor: str | None,
    maximum: LastDay,
    obstacles: Sequence[Obstacle],
    calendar: RestDayCalendar,
    start_index: int | None = None,
    several_parts: bool = False,
) -> Clock:
    """Run a three-year limitation period from ``start`` through ``effects``
    (oldest first). ``members`` share interruptions (Art. 15); only
    ``obligor``'s own acts can waive an expired period (None: no waiver)."""
    period = last_day(start, years=LIMITATION_YEARS, calendar=calendar)
    current, pending = _suspend(period, obstacles, calendar)
    steps = [Step(start, start_text, start_index, period.steps)]
    last: Effect | None = None
    waiver: Effect | None = None
    ended_noted = False
    for effect in effects:
        if effect.party not in members or effect.act is Act.OBSTACLE:
            continue
        if effect.day < period.start:
            steps.append(
                Step(effect.day, effect.text + " → 早于本期间起算日，不影响计算", effect.log_index)
            )
            continue
        cutoff = min(current.legal, maximum.legal)
        if effect.day > cutoff:
            if not ended_noted:
                steps.extend(pending)
                steps.append(Step(cutoff, f"诉讼时效期间于{_cn(cutoff)}届满"))
                ended_noted = True
            if effect.waives and effect.party == obligor and effect.day <= maximum.legal:
                waiver = effect
                period = last_day(effect.day, years=LIMITATION_YEARS, calendar=calendar)
                current, pending = _suspend(period, obstacles, calendar)
                ended_noted = False
                steps.append(
                    Step(
                        effect.day,
                        effect.text + " → 诉讼时效期间届满后义务人同意履行，不得再以诉讼时效期间"
                        "届满为由抗辩（民法典第一百九十二条；诉讼时效规定第十九条）；"
                        "保守起见自该日重新计算三年",
                        effect.log_index,
                        period.steps,
                    )
                )
            elif effect.waives and effect.party != obligor and obligor is not None:
                steps.append(
                    Step(
                        effect.day,
                        effect.text + " → 期间届满后的同意履行只约束作出者本人，不及于其他债务人",
                        effect.log_index,
                    )
                )
            else:
                steps.append(
                    Step(
                        effect.day,
                        effect.text + " → 诉讼时效期间已经届满，不再发生中断",
                        effect.log_index,
                    )
                )
            continue
        if not effect.interrupts:
            steps.append(Step(effect.day, effect.text, effect.log_index))
            continue
        if effect.day > period.legal:
            steps.extend(pending)  # the suspension is what kept the period open
        shared = (
            "；对连带债务人之一中断的，效力及于其他连带债务人（诉讼时效规定第十五条）"
            if obligor is not None and effect.party != obligor
            else ""
        )
        partial = "；中断效力及于全部债权（诉讼时效规定第九条）" if several_parts else ""
        again = "（可多次中断，总则编解释第三十八条）" if last is not None else ""
        last = effect
        period = last_day(effect.day, years=LIMITATION_YEARS, calendar=calendar)
        current, pending = _suspend(period, obstacles, calendar)
        steps.append(
            Step(
                effect.day,
                f"{effect.text} → 诉讼时效中断，自{_cn(effect.day)}重新计算"
                f"（民法典第一百九十五条）{again}{shared}{partial}",
                effect.log_index,
                period.steps,
            )
        )
        if effect.alternative:
            steps.append(Step(effect.day, effect.alternative, effect.log_index))
    if not ended_noted:
        steps.extend(pending)
    used = {step.log_index for step in steps}
    steps.extend(
        Step(
            obstacle.start,
            f"{obstacle.text} → 不在诉讼时效期间的最后六个月内，不发生中止（民法典第一百九十四条）",
            obstacle.log_index,
        )
        for obstacle in obstacles
        if obstacle.log_index not in used and obstacle.start >= start
    )
    return Clock(current, last, waiver, tuple(steps))
