"""What each logged event means for the limitation period: the delivery facts
of legal-rules.md §2 mapped to an act, a date and an explanation.

Pure: events in, effects out. Conservative defaults (the reading that makes
the creditor act earlier):

| event | effect | date |
|---|---|---|
| signed by a valid signer (诉讼时效规定 Art. 8(2)) | demand reached | signature date |
| signed, signer's capacity not recorded or not valid for this party | nothing | — |
| delivered (EMS 妥投, letter) | demand reached | delivery date |
| delivered electronically to a designated or habitually used account (民法典 Art. 137) | demand reached | date it entered the system |
| delivered electronically to any other account | nothing | — |
| refused at the unchanged registered address | demand reached | **AMBIGUOUS**: the earlier of send and refusal date |
| refused elsewhere / address not confirmed | nothing | — |
| returned (查无此人, 地址不详 …) | nothing | — |
| announcement, debtor genuinely 下落不明 | demand reached | publication date |
| announcement while reachable | nothing | — |
| payment, acknowledgement | obligor agreed to perform (Art. 195(2), 诉讼时效规定 Art. 14) | date of the act |
| account debited by a financial institution | demand (诉讼时效规定 Art. 8(1)(3)) | debit date |
| lawsuit or arbitration filed | Art. 195(3) | **AMBIGUOUS**: filing date (recount may start when proceedings end) |
| obstacle (不可抗力 …) | suspension if in the last six months (Art. 194) | its start and end |
| dispatched, correction | nothing by themselves | — |

An entry that a later ``correction`` points at is not used at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from letters.dates import format_cn_date
from letters.evidence.events import Capacity, Channel, Event, EventKind
from letters.money import format_amount
from letters.rules.obligations import Obligation


class Act(StrEnum):
    DEMAND = "demand"  # the creditor's demand reached the obligor (Art. 195(1))
    AGREEMENT = "agreement"  # the obligor agreed to perform or performed (Art. 195(2))
    LAWSUIT = "lawsuit"  # lawsuit or arbitration (Art. 195(3))
    OBSTACLE = "obstacle"  # a cause of suspension (Art. 194)
    NONE = "none"  # recorded, but interrupts nothing


INTERRUPTING = frozenset({Act.DEMAND, Act.AGREEMENT, Act.LAWSUIT})

# Events that tell what became of a letter: one of these means its fate is known.
LETTER_OUTCOMES = frozenset(
    {EventKind.DELIVERED, EventKind.SIGNED, EventKind.REFUSED, EventKind.RETURNED}
)

# 诉讼时效规定 Art. 8(2): who may sign for an organisation, and for a natural person.
_SIGNERS_FOR_ORGANISATION = frozenset(
    {Capacity.LEGAL_REPRESENTATIVE, Capacity.PRINCIPAL, Capacity.MAIL_ROOM, Capacity.AUTHORISED}
)
_SIGNERS_FOR_PERSON = frozenset({Capacity.SELF, Capacity.CO_RESIDENT_RELATIVE, Capacity.AUTHORISED})
# A signature that can also be the obligor's own consent (诉讼时效规定 Art. 19(3)):
# the obligor itself, its legal representative or principal, or its seal — not
# a mail room or a relative who only took the letter in.
_SIGNERS_WHO_BIND = frozenset({Capacity.LEGAL_REPRESENTATIVE, Capacity.PRINCIPAL, Capacity.SELF})


@dataclass(frozen=True, slots=True)
class Effect:
    """One log entry as the law reads it.

    ``party`` is the obligor it concerns (None: nobody in this case);
    ``waives``: after the period ended, this act means the obligor gave up the
    limitation defence (民法典 Art. 192, 诉讼时效规定 Art. 19).
    """

    log_index: int
    kind: EventKind
    day: date
    party: str | None
    act: Act
    text: str
    waives: bool = False
    alternative: str | None = None
    obstacle_end: date | None = None
    letter_no: str | None = None

    @property
    def interrupts(self) -> bool:
        return self.act in INTERRUPTING


_CHANNELS = {
    Channel.EMS: "EMS",
    Channel.POST: "挂号信",
    Channel.COURIER: "快递",
    Channel.IN_PERSON: "当面送达",
    Channel.EMAIL: "电子邮件",
    Channel.SMS: "短信",
    Channel.WECHAT: "微信",
    Channel.NEWSPAPER: "报纸",
    Channel.OTHER: "其他方式",
}


def _how(event: Event) -> str:
    """The channel and waybill as an explanation writes them: EMS 1180123456789."""
    channel = _CHANNELS[event.channel] if event.channel else ""
    return f"{channel} {event.waybill}" if event.waybill else channel


def _cn(day: date) -> str:
    return format_cn_date(day)


def _role(name: str | None, obligation: Obligation) -> str:
    if name is None:
        return "（非本案当事人）"
    if name == obligation.debtor.name:
        return f"债务人{name}"
    if obligation.guarantor(name) is not None:
        return f"保证人{name}"
    return f"连带债务人{name}"


def _letter(event: Event) -> str:
    return f"函件{event.letter_no}" if event.letter_no else "催收函件"


def _signed(event: Event, party: str, obligation: Obligation) -> tuple[Act, str, bool]:
    who = _role(party, obligation)
    signer = event.signer or "未记录"
    capacity = event.capacity
    if capacity is None:
        return (
            Act.NONE,
            f"{who}方签收{_letter(event)}（签收人{signer}），但未记录签收人身份，无法认定为有效签收"
            "（诉讼时效规定第八条第二款）→ 不作为中断事由；请补录签收人身份",
            False,
        )
    person = obligation.party(party)
    natural = person.natural_person if person else False
    allowed = _SIGNERS_FOR_PERSON if natural else _SIGNERS_FOR_ORGANISATION
    if capacity not in allowed:
        kind = "自然人" if natural else "法人或非法人组织"
        return (
            Act.NONE,
            f"{who}方签收{_letter(event)}（签收人{signer}，{capacity.value}），但{capacity.value}"
            f"不是{kind}的有效签收人（诉讼时效规定第八条第二款）→ 不作为中断事由",
            False,
        )
    marks = "、".join(
        m
        for m, flag in (
            ("签名", event.signed),
            ("盖章", event.sealed),
            ("捺印", event.fingerprinted),
        )
        if flag
    )
    return (
        Act.DEMAND,
        f"{who}签收{_letter(event)}（签收人{signer}，{capacity.value}"
        f"{'，' + marks if marks else ''}）（诉讼时效规定第八条第一款第（一）项）",
        event.sealed or capacity in _SIGNERS_WHO_BIND,
    )


def _delivered(event: Event, who: str) -> tuple[Act, str]:
    channel = event.channel
    if channel is not None and channel.electronic:
        if event.designated_account is not True:
            return (
                Act.NONE,
                f"向{who}发送{_CHANNELS[channel]}数据电文，但未证明该账户为对方指定或惯常使用的系统"
                "（民法典第一百三十七条）→ 不作为中断事由（保守）",
            )
        return (
            Act.DEMAND,
            f"{_letter(event)}以{_CHANNELS[channel]}进入{who}指定或惯常使用的系统（民法典第一百三十七条；"
            "诉讼时效规定第八条第一款第（二）项）",
        )
    how = f"（{_how(event)}）" if channel else ""
    return (
        Act.DEMAND,
        f"{_letter(event)}{how}妥投、到达{who}（诉讼时效规定第八条第一款第（二）项）",
    )


def _refused(event: Event, who: str, sent: date | None) -> tuple[Act, str, date, str | None]:
    if event.at_registered_address is not True:
        return (
            Act.NONE,
            f"{who}拒收{_letter(event)}，但未记录为其未变更的登记地址，不能认定应当到达（保守）"
            "→ 不作为中断事由",
            event.date,
            None,
        )
    text = (
        f"{who}在其未变更的登记地址拒收{_letter(event)}，视为应当到达"
        "（诉讼时效规定第八条第一款第（二）项；(2020)最高法民再253号）"
    )
    if sent is None or sent >= event.date:
        return Act.DEMAND, text + "；未记录更早的发出日期，按拒收日", event.date, None
    return (
        Act.DEMAND,
        text + f"；发出日{_cn(sent)}与拒收日{_cn(event.date)}取较早者（保守）",
        sent,
        f"另一种理解：以拒收日{_cn(event.date)}为中断日（较晚，未采用）",
    )


def _dispatched(event: Event, who: str) -> str:
    text = f"向{who}发出{_letter(event)}"
    if event.channel:
        text += f"（{_how(event)}）"
    text += "：以到达为准，发出本身不中断诉讼时效"
    if event.letter_no and (not event.contents or event.letter_no not in event.contents):
        text += "；建议在内件品名中写明函件名称和函号，以证明寄送的是该函件"
    return text


def _lawsuit_text(event: Event, who: str) -> tuple[str, str]:
    body = event.court or "受理机构未记录"
    return (
        f"债权人对{who}提起诉讼、申请仲裁或者具有同等效力的其他程序（{body}）"
        "（民法典第一百九十五条第（三）、（四）项），按起诉日计算",
        "另一种理解：诉讼时效自有关程序终结时起重新计算（民法典第一百九十五条），"
        "终结日期未记录；保守按起诉日（较早）",
    )


def _effect(
    index: int, event: Event, party: str | None, obligation: Obligation, sent: date | None
) -> Effect:
    kind = event.kind
    who = _role(party, obligation)

    def make(
        act: Act,
        text: str,
        *,
        waives: bool = False,
        alternative: str | None = None,
        day: date = event.date,
    ) -> Effect:
        return Effect(
            index,
            kind,
            day,
            party,
            act,
            text,
            waives=waives,
            alternative=alternative,
            obstacle_end=event.obstacle_ended,
            letter_no=event.letter_no,
        )

    if party is None and kind not in (EventKind.CORRECTION, EventKind.OBSTACLE):
        return make(
            Act.NONE,
            f"日志记载的当事人「{event.party}」不是本案当事人（债务人、连带债务人或保证人），未予采用",
        )
    if kind is EventKind.SIGNED:
        assert party is not None
        act, text, binds = _signed(event, party, obligation)
        return make(act, text, waives=binds)
    if kind is EventKind.DELIVERED:
        return make(*_delivered(event, who))
    if kind is EventKind.REFUSED:
        act, text, day, alternative = _refused(event, who, sent)
        return make(act, text, alternative=alternative, day=day)
    if kind is EventKind.RETURNED:
        reason = f"（{event.reason}）" if event.reason else ""
        return make(Act.NONE, f"{_letter(event)}被退回{reason}，不能证明送达{who}，不中断诉讼时效")
    if kind is EventKind.ANNOUNCEMENT:
        if event.whereabouts_unknown is not True:
            return make(
                Act.NONE,
                f"公告催收，但未记录{who}下落不明；对方可以联系时公告不中断诉讼时效（保守）",
            )
        return make(
            Act.DEMAND,
            f"{who}下落不明，在国家级或者其住所地省级有影响的媒体上刊登催收公告"
            "（诉讼时效规定第八条第一款第（四）项），自公告之日起中断",
        )
    if kind is EventKind.PAYMENT:
        amount = f"{format_amount(event.amount)}元" if event.amount is not None else "部分款项"
        return make(
            Act.AGREEMENT,
            f"{who}支付{amount}，属于义务人同意履行义务（民法典第一百九十五条第（二）项；"
            "诉讼时效规定第十四条）",
            waives=True,
        )
    if kind is EventKind.ACKNOWLEDGED:
        remark = f"（{event.remark}）" if event.remark else ""
        return make(
            Act.AGREEMENT,
            f"{who}同意履行义务{remark}（分期履行、提供担保、请求延期或制定清偿计划等，"
            "民法典第一百九十五条第（二）项；诉讼时效规定第十四条）",
            waives=True,
        )
    if kind is EventKind.ACCOUNT_DEBITED:
        return make(
            Act.DEMAND,
            f"金融机构依照法律规定或者当事人约定从{who}的账户中扣收欠款"
            "（诉讼时效规定第八条第一款第（三）项）",
        )
    if kind is EventKind.LAWSUIT_FILED:
        text, alternative = _lawsuit_text(event, who)
        return make(Act.LAWSUIT, text, alternative=alternative)
    if kind is EventKind.OBSTACLE:
        cause = event.remark or event.reason or "不可抗力等障碍"
        until = _cn(event.obstacle_ended) if event.obstacle_ended else "尚未消除"
        return make(Act.OBSTACLE, f"权利人因{cause}不能行使请求权（{_cn(event.date)}起，{until}）")
    if kind is EventKind.DISPATCHED:
        return make(Act.NONE, _dispatched(event, who))
    if kind is EventKind.CORRECTION:
        return make(Act.NONE, f"更正日志第{event.corrects}条（被更正的记录不予采用）")
    return make(Act.NONE, f"{kind.value}：不影响诉讼时效")


def _resolve_party(event: Event, obligation: Obligation) -> str | None:
    """The obligor an event concerns: the named party, or the addressee (the debtor).
    An obstacle naming nobody kept the creditor from claiming against anyone: None."""
    if event.party is None:
        return None if event.kind is EventKind.OBSTACLE else obligation.debtor.name
    name = event.party.strip()
    return name if obligation.party(name) is not None else None


def effects_of(events: Sequence[tuple[int, Event]], obligation: Obligation) -> list[Effect]:
    """Every event of a case as an effect, oldest first; corrected entries are dropped."""
    corrected = {e.corrects for _, e in events if e.kind is EventKind.CORRECTION}
    sent: dict[str, list[date]] = {}
    for index, event in events:
        if event.kind is EventKind.DISPATCHED and event.letter_no and index not in corrected:
            sent.setdefault(event.letter_no, []).append(event.date)
    effects = []
    for index, event in events:
        if index in corrected:
            continue
        dispatches = [d for d in sent.get(event.letter_no or "", []) if d <= event.date]
        party = _resolve_party(event, obligation)
        effects.append(_effect(index, event, party, obligation, max(dispatches, default=None)))
    return sorted(effects, key=lambda e: (e.day, e.log_index))
