"""Guarantors (保证人): a guarantee period, then a limitation period of their
own — separate clocks, never inherited from the main debtor (legal-rules §2).

- Guarantee period: as agreed, else six months from the main debt's due date;
  an agreed end on or before that date counts as not agreed; "直至主债务本息
  还清时为止" is unclear, so six months (民法典 Art. 692, 担保制度解释 Art. 32).
  Never suspended, interrupted or extended (Art. 692). **AMBIGUOUS**: whether
  Art. 203's holiday roll applies; default no roll, the rolled day is shown.
- 连带责任保证: the creditor must claim against the guarantor within the
  guarantee period (Art. 693(2)); from that claim the guarantee debt's own
  three years run (Art. 694(2)).
- 一般保证: the creditor must sue or arbitrate against the *debtor* within the
  guarantee period (Art. 693(1)); the guarantee debt's limitation then starts
  when the guarantor's 先诉抗辩权 ends (Art. 694(1)) — a date the log does not
  hold, so conservatively from the filing date.
- A guarantor who signs a notice after the guarantee period ended is not bound
  again (担保制度解释 Art. 34(2)) — unlike a debtor (诉讼时效规定 Art. 19).
- **AMBIGUOUS**: an interruption against the main debtor is never carried over
  to a guarantor (the old 担保法解释 Art. 36 has lapsed); conservative default.
- The guarantor may raise the main debt's limitation defence even if the
  debtor waived it (Art. 701): the earlier of the two ends governs.
"""

from __future__ import annotations

from datetime import date

from letters.dates import format_cn_date
from letters.evidence.events import EventKind, PartyRole
from letters.rules.assessment import Assessment, Context, PeriodKind
from letters.rules.clock import Step, run_clock
from letters.rules.effects import Act, Effect
from letters.rules.obligations import ClaimPart, GuaranteeType, Guarantor
from letters.rules.periods import LastDay, fixed_last_day, last_day

DEFAULT_GUARANTEE_MONTHS = 6  # 民法典 Art. 692(2)


def _cn(day: date) -> str:
    return format_cn_date(day)


def guarantee_period(
    guarantor: Guarantor, part: ClaimPart, context: Context
) -> tuple[LastDay, str]:
    """The guarantee period for ``part`` (never rolled by default) and why."""
    calendar = context.calendar
    end, months = guarantor.agreed_end, guarantor.agreed_months
    if end is not None and end > part.start:
        day = fixed_last_day(
            end,
            because=f"约定保证期间至{_cn(end)}（民法典第六百九十二条）",
            calendar=calendar,
            roll=False,
        )
        return day, f"约定保证期间至{_cn(end)}"
    if months:
        day = last_day(part.start, months=months, calendar=calendar, roll=False)
        return day, f"约定保证期间为主债务履行期限届满之日起{months}个月"
    why = "未约定保证期间或者约定不明确（如“直至主债务本息还清时为止”，担保制度解释第三十二条）"
    if end is not None:
        why = f"约定的保证期间（至{_cn(end)}）早于或者等于主债务履行期限，视为没有约定"
    day = last_day(part.start, months=DEFAULT_GUARANTEE_MONTHS, calendar=calendar, roll=False)
    return day, f"{why}，保证期间为主债务履行期限届满之日起六个月（民法典第六百九十二条第二款）"


def _preserving(
    guarantor: Guarantor, part: ClaimPart, period: LastDay, context: Context
) -> Effect | None:
    """The first act within the guarantee period that keeps the guarantor liable (Art. 693)."""
    group = context.obligation.debtor_group
    for effect in context.effects:
        if not part.start <= effect.day <= period.legal:
            continue
        if guarantor.guarantee_type is GuaranteeType.JOINT:
            if effect.party == guarantor.name and effect.act in (Act.DEMAND, Act.LAWSUIT):
                return effect
        elif effect.party in group and effect.act is Act.LAWSUIT:
            return effect
    return None


def _unpreserved_consequence(
    effect: Effect, guarantor: Guarantor, part: ClaimPart, period: LastDay
) -> str:
    """What a guarantor's own event means while nothing has preserved the guarantee."""
    if effect.act is Act.NONE:
        return ""
    if effect.day < part.start:
        return " → 早于主债务履行期限届满，保证期间尚未开始，不计"
    if effect.day > period.legal:
        if effect.kind is EventKind.SIGNED or effect.act is Act.AGREEMENT:
            return (
                f" → 保证期间已于{_cn(period.legal)}届满，保证人在催收通知书上签字、盖章或者"
                "同意履行，不因此重新承担保证责任（担保制度解释第三十四条第二款；不同于债务人，"
                "参见诉讼时效规定第十九条）"
            )
        return f" → 保证期间已于{_cn(period.legal)}届满，保证人不再承担保证责任（民法典第六百九十三条）"
    if guarantor.guarantee_type is GuaranteeType.GENERAL:
        return (
            " → 一般保证须在保证期间内对债务人提起诉讼或者申请仲裁，向保证人催收不能保全保证责任"
            "（民法典第六百九十三条第一款）"
        )
    return " → 保证人自行履行或者确认，保守起见不视为债权人在保证期间内请求保证人承担保证责任"


def _start_text(guarantor: Guarantor, preserving: Effect) -> str:
    if guarantor.guarantee_type is GuaranteeType.JOINT:
        return (
            f"{preserving.text} → 债权人在保证期间内请求连带责任保证人承担保证责任，"
            f"保证债务的诉讼时效自{_cn(preserving.day)}起算（民法典第六百九十四条第二款）"
        )
    return (
        f"{preserving.text} → 债权人在保证期间内对债务人提起诉讼或者申请仲裁，一般保证人的保证责任"
        "得以保全（民法典第六百九十三条第一款）；保证债务诉讼时效自保证人拒绝承担保证责任的权利"
        "消灭之日起算（第六百九十四条第一款），该日未记录，保守按起诉日"
        f"{_cn(preserving.day)}起算"
    )


def _not_inherited(context: Context, part: ClaimPart) -> list[Step]:
    group = context.obligation.debtor_group
    first = next(
        (e for e in context.effects if e.party in group and e.interrupts and e.day >= part.start),
        None,
    )
    if first is None:
        return []
    return [
        Step(
            first.day,
            f"主债务人一方的中断事由（日志第{first.log_index}条起）不及于保证人（保守处理）。"
            "另一种理解：主债务诉讼时效中断，保证债务诉讼时效同时中断（原担保法解释第三十六条，已失效）",
            first.log_index,
        )
    ]


def guarantor_assessment(guarantor: Guarantor, part: ClaimPart, context: Context) -> Assessment:
    """One guarantor on one claim part."""
    name = guarantor.name
    members = frozenset({name})
    maximum = context.maximum(part)
    period, why = guarantee_period(guarantor, part, context)
    kind = guarantor.guarantee_type.value + (
        "" if guarantor.type_agreed else "（未约定保证方式，按一般保证，民法典第六百八十六条）"
    )
    steps = [
        Step(
            part.start,
            f"保证人{name}（{kind}）：{why}；保证期间不发生中止、中断和延长，不因休息日顺延"
            f"（民法典第六百九十二条第一款；保守），最后一日{_cn(period.legal)}",
            None,
            period.steps,
        )
    ]
    periods = {PeriodKind.GUARANTEE_PERIOD: period}
    own = [e for e in context.effects if e.party == name]
    preserving = _preserving(guarantor, part, period, context)
    last_event: Effect | None = None
    waiver: Effect | None = None
    if preserving is None:
        steps.extend(
            Step(e.day, e.text + _unpreserved_consequence(e, guarantor, part, period), e.log_index)
            for e in own
        )
        if context.as_of > period.legal:
            steps.append(
                Step(
                    period.legal,
                    f"保证期间于{_cn(period.legal)}届满，债权人未依法主张，保证人不再承担保证责任"
                    "（民法典第六百九十三条）",
                )
            )
        deadline, governing = period, PeriodKind.GUARANTEE_PERIOD
        start, start_reason = part.start, why
    else:
        position = (preserving.day, preserving.log_index)
        before = [e for e in own if (e.day, e.log_index) < position]
        after = [e for e in own if (e.day, e.log_index) > position]
        steps.extend(
            Step(e.day, e.text + _unpreserved_consequence(e, guarantor, part, period), e.log_index)
            for e in before
        )
        clock = run_clock(
            preserving.day,
            _start_text(guarantor, preserving),
            after,
            members=members,
            obligor=name,
            maximum=maximum,
            obstacles=context.obstacles_for(members),
            calendar=context.calendar,
            start_index=preserving.log_index,
        )
        steps.extend(clock.steps)
        deadline, governing = clock.end, PeriodKind.GUARANTEE_LIMITATION
        periods[governing] = clock.end
        start, start_reason = preserving.day, _start_text(guarantor, preserving)
        last_event, waiver = clock.last_event or preserving, clock.waiver
    steps.extend(_not_inherited(context, part))
    # Art. 701: the main debt's limitation, without the debtor's waivers.
    main = context.debtor_clock(part, None).end
    periods[PeriodKind.MAIN_DEBT_LIMITATION] = main
    notes: list[str] = []
    if main.legal < deadline.legal:
        steps.append(
            Step(
                main.legal,
                f"主债务诉讼时效期间于{_cn(main.legal)}届满（不计债务人届满后的同意履行），"
                "保证人可以主张债务人对债权人的时效抗辩（民法典第七百零一条）",
                None,
                main.steps,
            )
        )
        deadline, governing = main, PeriodKind.MAIN_DEBT_LIMITATION
        notes.append(
            "the main debt's limitation period ends first: the guarantor may rely on it "
            "(民法典 Art. 701)"
        )
    if governing is PeriodKind.GUARANTEE_PERIOD and context.as_of > deadline.legal:
        notes.insert(
            0,
            "the guarantee period ended without a valid claim: the guarantor is released "
            "(民法典 Art. 693)",
        )
    return context.assessment(
        obligor=name,
        role=PartyRole.GUARANTOR,
        part=part,
        members=members,
        governing=governing,
        deadline=deadline,
        start=start,
        start_reason=start_reason,
        last_event=last_event,
        waiver=waiver,
        steps=steps,
        periods=periods,
        notes=notes,
        guarantee_type=guarantor.guarantee_type,
    )
