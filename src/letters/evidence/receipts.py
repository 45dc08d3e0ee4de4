"""What a clerk records about a letter, and whether it makes sense. Pure.

An event arrives as typed values by field name (``data/receipt_fields.toml``:
the same names serve as spreadsheet columns and as command options) and
becomes an :class:`~letters.evidence.events.Event`. :func:`check_event` then
applies the rules a court would: a signature cannot predate the letter, a
signed receipt names its signer and in what capacity (诉讼时效规定 Art. 8),
an EMS dispatch has its waybill, a payment its amount. Each problem names the
field it concerns, so that the caller can point at the right column or option.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import cache
from importlib import resources

from letters.errors import Severity
from letters.evidence.events import Capacity, Channel, Event, EventKind, PartyRole
from letters.parties import is_natural_person
from letters.schema import Schema, fields_from_toml


@cache
def receipt_schema() -> Schema:
    """The fields of a recorded event, from ``data/receipt_fields.toml``."""
    text = resources.files("letters").joinpath("data/receipt_fields.toml").read_text("utf-8")
    return Schema(tuple(fields_from_toml(tomllib.loads(text)).values()))


# Fields that name the letter or case rather than describe the event.
REFERENCE_FIELDS = ("letter_no", "case_id", "waybill")
# Fields that are files to attach, not values of the event.
FILE_FIELDS = ("scan", "attachments")
FLAGS = ("signed", "sealed", "fingerprinted")

# Events about the letter itself; the others concern the claim and may name a case only.
LETTER_EVENTS = frozenset(
    {
        EventKind.DISPATCHED,
        EventKind.DELIVERED,
        EventKind.SIGNED,
        EventKind.REFUSED,
        EventKind.RETURNED,
    }
)
_AFTER_DISPATCH = LETTER_EVENTS - {EventKind.DISPATCHED}
_SIGNATURE = {"signer", "capacity", *FLAGS}
_ALWAYS = {"date", "party", "party_role", "remark", "waybill", *FILE_FIELDS}

# Which fields make sense for each kind of event (beyond _ALWAYS), and which are required.
APPLICABLE: Mapping[EventKind, frozenset[str]] = {
    EventKind.DISPATCHED: frozenset({"channel", "contents", "address", "designated_account"}),
    EventKind.DELIVERED: frozenset({"channel", "address", "designated_account", *_SIGNATURE}),
    EventKind.SIGNED: frozenset({"channel", *_SIGNATURE}),
    EventKind.REFUSED: frozenset({"channel", "address", "reason", "at_registered_address"}),
    EventKind.RETURNED: frozenset({"channel", "address", "reason"}),
    EventKind.ANNOUNCEMENT: frozenset({"channel", "contents", "whereabouts_unknown"}),
    EventKind.PAYMENT: frozenset({"amount", "channel"}),
    EventKind.ACKNOWLEDGED: frozenset({"amount", *_SIGNATURE}),
    EventKind.LAWSUIT_FILED: frozenset({"court", "amount"}),
    EventKind.CORRECTION: frozenset({"corrects"}),
    EventKind.ACCOUNT_DEBITED: frozenset({"amount", "channel"}),
    EventKind.OBSTACLE: frozenset({"reason", "obstacle_ended"}),
}
REQUIRED: Mapping[EventKind, tuple[str, ...]] = {
    EventKind.DISPATCHED: ("channel",),
    EventKind.SIGNED: ("signer", "capacity"),
    EventKind.RETURNED: ("reason",),
    EventKind.PAYMENT: ("amount",),
    EventKind.LAWSUIT_FILED: ("court",),
    EventKind.CORRECTION: ("corrects", "remark"),
    EventKind.ACCOUNT_DEBITED: ("amount",),
    # What kept the creditor from claiming (不可抗力 …, 民法典 Art. 194): a court asks first.
    EventKind.OBSTACLE: ("reason",),
}
_WAYBILL_CHANNELS = (Channel.EMS, Channel.POST, Channel.COURIER)
_ORGANISATION_ONLY = (Capacity.LEGAL_REPRESENTATIVE, Capacity.PRINCIPAL, Capacity.MAIL_ROOM)
_PERSON_ONLY = (Capacity.SELF, Capacity.CO_RESIDENT_RELATIVE)


@dataclass(frozen=True, slots=True)
class EventProblem:
    """Something wrong with one event; ``field`` says where (None: the event as a whole)."""

    message: str
    field: str | None = None
    hint: str | None = None
    severity: Severity = Severity.ERROR


@dataclass(frozen=True, slots=True)
class LetterFacts:
    """What the registry knows about the letter an event concerns."""

    letter_no: str
    case_id: str
    issue_date: date
    addressee: str


@dataclass(frozen=True, slots=True)
class EarlierEvent:
    """An event already in the log (index) or earlier in the same batch (index None)."""

    index: int | None
    event: Event


def label(name: str) -> str:
    """``signer (签收人)`` — a field as messages name it."""
    return f"{name} ({receipt_schema().field(name).label})"


def build_event(
    kind: EventKind, values: Mapping[str, object], *, letter_no: str | None, case_id: str | None
) -> Event:
    """An Event from typed values (no checks beyond types: see :func:`check_event`).

    A signed receipt with none of signature, seal or fingerprint stated is
    taken as signed: that is what 签收 means unless said otherwise.

    >>> build_event(EventKind.SIGNED, {"date": date(2026, 11, 25), "signer": "张三"},
    ...             letter_no="A1", case_id=None).signed
    True
    """
    flags = {name: bool(values.get(name, False)) for name in FLAGS}
    if kind is EventKind.SIGNED and not any(name in values for name in FLAGS):
        flags["signed"] = True
    amount = values.get("amount")
    corrects = values.get("corrects")
    ended = values.get("obstacle_ended")
    event_date = values.get("date")
    assert isinstance(event_date, date)

    def text(name: str) -> str | None:
        value = values.get(name)
        return None if value is None else str(value)

    def flag(name: str) -> bool | None:
        value = values.get(name)
        return None if value is None else bool(value)

    return Event(
        kind,
        event_date,
        letter_no=letter_no,
        case_id=case_id,
        party=text("party"),
        party_role=PartyRole(str(values["party_role"])) if "party_role" in values else None,
        channel=Channel(str(values["channel"])) if "channel" in values else None,
        waybill=text("waybill"),
        contents=text("contents"),
        address=text("address"),
        at_registered_address=flag("at_registered_address"),
        designated_account=flag("designated_account"),
        whereabouts_unknown=flag("whereabouts_unknown"),
        signer=text("signer"),
        capacity=Capacity(str(values["capacity"])) if "capacity" in values else None,
        reason=text("reason"),
        amount=amount if isinstance(amount, Decimal) else None,
        court=text("court"),
        corrects=corrects if isinstance(corrects, int) else None,
        obstacle_ended=ended if isinstance(ended, date) else None,
        remark=text("remark"),
        signed=flags["signed"],
        sealed=flags["sealed"],
        fingerprinted=flags["fingerprinted"],
    )


def inapplicable(kind: EventKind, given: Sequence[str]) -> list[str]:
    """The fields given that do not apply to ``kind``.

    >>> inapplicable(EventKind.DELIVERED, ["date", "reason", "waybill"])
    ['reason']
    """
    allowed = APPLICABLE[kind] | _ALWAYS | set(REFERENCE_FIELDS) | {"event"}
    return [name for name in given if name not in allowed]


def check_fields(kind: EventKind, given: Sequence[str]) -> list[EventProblem]:
    """Fields given that do not apply to ``kind``, and required ones missing.

    >>> [p.message for p in check_fields(EventKind.PAYMENT, ["date", "signer"])]
    ['signer (签收人) does not apply to a payment event', 'a payment event needs amount (金额)']
    """
    problems = [
        EventProblem(
            f"{label(name)} does not apply to a {kind} event",
            name,
            "leave it empty, or check the event type",
        )
        for name in inapplicable(kind, given)
    ]
    for name in REQUIRED.get(kind, ()):
        if name not in given:
            problems.append(
                EventProblem(f"a {kind} event needs {label(name)}", name, _REQUIRED_HINTS.get(name))
            )
    return problems


_REQUIRED_HINTS = {
    "channel": "how it was sent: ems, post, courier, in-person, email, sms or wechat",
    "signer": "the name written on the receipt",
    "capacity": "法定代表人, 主要负责人, 收发部门, 授权人, 本人 or 同住亲属",
    "reason": "as the post office wrote it, e.g. 查无此人, 地址不详, 迁移新址不明",
    "court": "the court or arbitration body, and the case number if there is one",
    "corrects": "the index of the wrong entry, as `letters receipts list` shows it",
    "remark": "say what was wrong and what is right",
}

_DATE_NAMES = {
    EventKind.DISPATCHED: "dispatch date",
    EventKind.DELIVERED: "delivery date",
    EventKind.SIGNED: "signature date",
    EventKind.REFUSED: "refusal date",
    EventKind.RETURNED: "return date",
}


def check_event(
    event: Event,
    letter: LetterFacts | None,
    *,
    today: date,
    earlier: Sequence[EarlierEvent] = (),
    log_size: int = 0,
    corrected: tuple[str | None, str | None] | None = None,
    waybill_letters: Sequence[str] = (),
) -> list[EventProblem]:
    """Does this event make sense? Errors and warnings, each naming its field.

    ``earlier`` are the letter's (or case's) events before this one;
    ``corrected`` the (letter, case) of the entry a correction points at, None
    if there is no such entry; ``waybill_letters`` the letters already
    recorded with this event's waybill.
    """
    problems: list[EventProblem] = []
    kind = event.kind
    what = _DATE_NAMES.get(kind, f"{kind} date")
    if event.date > today:
        problems.append(
            EventProblem(
                f"the {what} {event.date} is after today ({today})",
                "date",
                "record events once they have happened",
            )
        )
    if kind in LETTER_EVENTS and letter is None:
        problems.append(
            EventProblem(
                f"a {kind} event concerns a letter: name it by its number or its waybill",
                "letter_no",
            )
        )
    if letter is not None and kind in LETTER_EVENTS and event.date < letter.issue_date:
        problems.append(
            EventProblem(
                f"the {what} {event.date} is before letter {letter.letter_no} was issued "
                f"({letter.issue_date})",
                "date",
                "check the date, and that this is the right letter",
            )
        )
    dispatches = [e for e in earlier if e.event.kind is EventKind.DISPATCHED]
    if letter is not None and kind in _AFTER_DISPATCH:
        problems.extend(_check_after_dispatch(event, letter, dispatches, what))
    if kind is EventKind.DISPATCHED:
        problems.extend(_check_dispatch(event, letter, waybill_letters))
    if kind in (EventKind.SIGNED, EventKind.DELIVERED, EventKind.ACKNOWLEDGED):
        problems.extend(_check_signature(event, letter))
    if kind is EventKind.PAYMENT and event.amount is not None and event.amount <= 0:
        problems.append(EventProblem("a payment must be more than 0.00", "amount"))
    if kind is EventKind.REFUSED and event.at_registered_address is None:
        problems.append(
            EventProblem(
                "say whether the letter was refused at the debtor's unchanged registered "
                "address: only then does a refusal count as delivery",
                "at_registered_address",
                "give at_registered_address (登记地址) 是 or 否",
                Severity.WARNING,
            )
        )
    if kind is EventKind.ANNOUNCEMENT and not event.whereabouts_unknown:
        problems.append(
            EventProblem(
                "an announcement interrupts the limitation period only when the debtor is "
                "genuinely 下落不明 (诉讼时效规定 Art. 8)",
                "whereabouts_unknown",
                "record whereabouts_unknown (下落不明) 是 if that is so",
                Severity.WARNING,
            )
        )
    if kind is EventKind.CORRECTION and event.corrects is not None:
        problems.extend(_check_correction(event, letter, log_size, corrected))
    return problems


def _check_after_dispatch(
    event: Event, letter: LetterFacts, dispatches: Sequence[EarlierEvent], what: str
) -> list[EventProblem]:
    if dispatches:
        first = min(dispatches, key=lambda e: e.event.date)
        if event.date < first.event.date:
            where = f" (entry {first.index})" if first.index is not None else ""
            return [
                EventProblem(
                    f"the {what} {event.date} is before letter {letter.letter_no} was "
                    f"dispatched on {first.event.date}{where}",
                    "date",
                    "check both dates",
                )
            ]
        return []
    if event.channel is Channel.IN_PERSON:
        return []
    return [
        EventProblem(
            f"no dispatch of letter {letter.letter_no} is recorded: record how it was sent "
            "(channel, waybill, 内件品名), courts ask for it",
            None,
            "letters receipts record LETTER --event dispatched --channel ems --waybill … "
            "--contents …",
            Severity.WARNING,
        )
    ]


def _check_dispatch(
    event: Event, letter: LetterFacts | None, waybill_letters: Sequence[str]
) -> list[EventProblem]:
    problems = []
    if event.channel is Channel.NEWSPAPER:
        problems.append(
            EventProblem(
                "a newspaper notice is an announcement, not a dispatch",
                "channel",
                "record it with event announcement (公告)",
            )
        )
    if event.channel in _WAYBILL_CHANNELS and not event.waybill:
        problems.append(
            EventProblem(
                f"a dispatch by {event.channel} needs its waybill number",
                "waybill",
                "the number on the EMS / courier / registered-mail slip",
            )
        )
    others = [other for other in waybill_letters if letter is None or other != letter.letter_no]
    if event.waybill and others:
        problems.append(
            EventProblem(
                f"waybill {event.waybill} is already recorded for letter {', '.join(others)}",
                "waybill",
                "one envelope holds one letter: check the number",
            )
        )
    if event.channel is not None and event.channel.electronic and not event.address:
        problems.append(
            EventProblem(
                f"record the {event.channel} address or number the letter was sent to",
                "address",
                None,
                Severity.WARNING,
            )
        )
    if letter is not None and event.channel in _WAYBILL_CHANNELS:
        if not event.contents:
            problems.append(
                EventProblem(
                    "内件品名 is not recorded: courts look for the letter's name and number in it",
                    "contents",
                    f'e.g. "催款函 {letter.letter_no}"',
                    Severity.WARNING,
                )
            )
        elif letter.letter_no not in event.contents:
            problems.append(
                EventProblem(
                    f"内件品名 does not name the letter number {letter.letter_no}",
                    "contents",
                    "the number on the waybill ties the envelope to this letter",
                    Severity.WARNING,
                )
            )
    return problems


def _check_signature(event: Event, letter: LetterFacts | None) -> list[EventProblem]:
    problems = []
    if event.kind is EventKind.SIGNED and not (event.signed or event.sealed or event.fingerprinted):
        problems.append(
            EventProblem(
                "a receipt with neither signature, seal nor fingerprint is not signed",
                "signed",
                "record what is on the receipt: signed, sealed and/or fingerprinted",
            )
        )
    if event.capacity is None or letter is None:
        return problems
    addressee = event.party or letter.addressee
    person = is_natural_person(addressee)
    if person and event.capacity in _ORGANISATION_ONLY:
        problems.append(
            EventProblem(
                f"{addressee} is a person; capacity {event.capacity} is for an organisation",
                "capacity",
                "for a person: 本人, 同住亲属 or 授权人",
                Severity.WARNING,
            )
        )
    elif not person and event.capacity in _PERSON_ONLY:
        problems.append(
            EventProblem(
                f"{addressee} is an organisation; capacity {event.capacity} is for a person",
                "capacity",
                "for an organisation: 法定代表人, 主要负责人, 收发部门 or 授权人",
                Severity.WARNING,
            )
        )
    return problems


def _check_correction(
    event: Event,
    letter: LetterFacts | None,
    log_size: int,
    corrected: tuple[str | None, str | None] | None,
) -> list[EventProblem]:
    assert event.corrects is not None
    if corrected is None or event.corrects >= log_size:
        return [
            EventProblem(
                f"there is no entry {event.corrects} to correct (the log has {log_size})",
                "corrects",
                "see `letters receipts list` for the index",
            )
        ]
    corrected_letter, corrected_case = corrected
    if letter is not None and corrected_letter not in (None, letter.letter_no):
        return [
            EventProblem(
                f"entry {event.corrects} is about letter {corrected_letter}, not "
                f"{letter.letter_no}",
                "corrects",
                "a correction names the letter of the entry it corrects",
            )
        ]
    if event.case_id is not None and corrected_case not in (None, event.case_id):
        return [
            EventProblem(
                f"entry {event.corrects} is about case {corrected_case}, not {event.case_id}",
                "corrects",
            )
        ]
    return []


def same_event(a: Event, b: Event) -> bool:
    """The same fact recorded twice (the case, filled in from the letter, aside)."""
    return replace(a, case_id=None) == replace(b, case_id=None)
