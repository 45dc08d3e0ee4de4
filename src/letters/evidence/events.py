"""What happened to a letter or a claim: the events the evidence log records and
the limitation engine reads.

This module is the contract between the two: the log stores each event as the
canonical JSON of :meth:`Event.fields` (plus ``kind``, ``salt`` and
``recorded_at``), and :func:`event_from_fields` reads it back. It is pure: no
database, no clock.

The fields follow what a court asks for (legal-rules.md §2): how the letter was
sent (channel, waybill, 内件品名), what happened (delivered, signed by whom in
what capacity, refused, returned and why), and acts of the debtor (payment,
acknowledgement) or creditor (lawsuit, announcement).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from decimal import Decimal
from enum import StrEnum
from typing import Any


class EventKind(StrEnum):
    LETTER_ISSUED = "letter-issued"  # written by `letters render`
    DISPATCHED = "dispatched"  # handed to the post / courier, or sent electronically
    DELIVERED = "delivered"  # EMS 妥投 per tracking, or arrival of an electronic message
    SIGNED = "signed"  # the 送达回执 or the notice itself signed, sealed or fingerprinted
    REFUSED = "refused"  # 拒收
    RETURNED = "returned"  # 退回: 查无此人, 地址不详, 迁移新址不明 …
    ANNOUNCEMENT = "announcement"  # demand published in a newspaper (debtor 下落不明)
    PAYMENT = "payment"  # the obligor paid (part of) the debt
    ACKNOWLEDGED = "acknowledged"  # the obligor agreed to perform: instalment plan, extension request, security …
    LAWSUIT_FILED = "lawsuit-filed"  # lawsuit or arbitration filed
    ACCOUNT_DEBITED = "account-debited"  # a financial institution debited the obligor's account to collect (诉讼时效规定 Art. 8(1)(3))
    OBSTACLE = "obstacle"  # the creditor could not claim: 不可抗力 etc. (民法典 Art. 194); ends on obstacle_ended
    CORRECTION = "correction"  # points at an earlier entry that was wrong; entries are never edited


class Channel(StrEnum):
    EMS = "ems"
    POST = "post"  # 挂号信 and other postal services
    COURIER = "courier"  # other express companies
    IN_PERSON = "in-person"
    EMAIL = "email"
    SMS = "sms"
    WECHAT = "wechat"
    NEWSPAPER = "newspaper"
    OTHER = "other"

    @property
    def electronic(self) -> bool:
        return self in (Channel.EMAIL, Channel.SMS, Channel.WECHAT)


class Capacity(StrEnum):
    """Who may sign for the addressee (诉讼时效规定 Art. 8)."""

    LEGAL_REPRESENTATIVE = "法定代表人"
    PRINCIPAL = "主要负责人"
    MAIL_ROOM = "收发部门"
    AUTHORISED = "授权人"
    SELF = "本人"
    CO_RESIDENT_RELATIVE = "同住亲属"


class PartyRole(StrEnum):
    DEBTOR = "debtor"
    JOINT_DEBTOR = "joint-debtor"
    GUARANTOR = "guarantor"


@dataclass(frozen=True, slots=True)
class Attachment:
    """A file kept content-addressed beside the database (a receipt scan, a waybill image)."""

    sha256: str
    name: str
    size: int
    media_type: str = "application/octet-stream"


# Inside Event the field named ``date`` hides the type; later fields use this name.
Day = date


@dataclass(frozen=True, slots=True)
class Event:
    """One recorded fact. ``date`` is the day it happened (signature date,
    delivery date, refusal date, payment date, filing date, publication date),
    not the day it was recorded.

    ``party`` names the obligor the event concerns (the addressee of the letter
    by default; a guarantor who signed his own receipt slip, a joint debtor who
    paid). ``letter_no`` ties letter events to the issued letter; acts that
    concern a claim without a letter (a payment, a lawsuit) carry ``case_id``.
    """

    kind: EventKind
    date: date
    letter_no: str | None = None
    case_id: str | None = None
    party: str | None = None
    party_role: PartyRole | None = None
    channel: Channel | None = None
    waybill: str | None = None
    contents: str | None = None  # 内件品名, e.g. "催款函 催〔2026〕第0001号"
    address: str | None = None
    at_registered_address: bool | None = (
        None  # refused at the debtor's unchanged registered address
    )
    designated_account: bool | None = None  # electronic: to a designated or habitually used account
    whereabouts_unknown: bool | None = None  # announcement: the debtor is genuinely 下落不明
    signer: str | None = None
    capacity: Capacity | None = None
    signed: bool = False  # signature
    sealed: bool = False  # company seal
    fingerprinted: bool = False  # 捺印
    reason: str | None = None  # why returned or refused
    amount: Decimal | None = None  # payment
    court: str | None = None  # lawsuit-filed: court or arbitration body, case number
    corrects: int | None = None  # correction: the log index of the wrong entry
    obstacle_ended: Day | None = None  # obstacle: the day its cause ended (None: still continuing)
    remark: str | None = None
    attachments: tuple[Attachment, ...] = field(default_factory=tuple)

    def fields(self) -> dict[str, Any]:
        """Plain JSON fields (no ``kind``): what the log stores, without empty values.

        A flag that is False by default (signed, sealed …) is left out when
        False; a yes/no fact that may be unknown (at_registered_address …)
        keeps an explicit False, which says something None does not.

        >>> e = Event(EventKind.REFUSED, date(2026, 11, 20), at_registered_address=False)
        >>> e.fields()
        {'date': '2026-11-20', 'at_registered_address': False}
        >>> event_from_fields("refused", e.fields()) == e
        True
        """
        result: dict[str, Any] = {}
        for spec in fields(self):
            value = getattr(self, spec.name)
            if spec.name == "kind" or value is None or value == ():
                continue
            if value is False and spec.default is False:
                continue
            if isinstance(value, date):
                value = value.isoformat()
            elif isinstance(value, Decimal):
                value = format(value, "f")
            elif spec.name == "attachments":
                value = [
                    {"sha256": a.sha256, "name": a.name, "size": a.size, "media_type": a.media_type}
                    for a in value
                ]
            elif isinstance(value, StrEnum):
                value = value.value
            result[spec.name] = value
        return result


def event_from_fields(kind: str, data: Mapping[str, Any]) -> Event:
    """The inverse of :meth:`Event.fields` (unknown keys are ignored).

    >>> e = Event(EventKind.SIGNED, date(2026, 11, 25), letter_no="催〔2026〕第0001号",
    ...           signer="张三", capacity=Capacity.MAIL_ROOM, signed=True)
    >>> event_from_fields("signed", e.fields()) == e
    True
    """
    known = {spec.name for spec in fields(Event)}
    values: dict[str, Any] = {k: v for k, v in data.items() if k in known and k != "kind"}
    values["date"] = date.fromisoformat(values["date"])
    if "obstacle_ended" in values:
        values["obstacle_ended"] = date.fromisoformat(values["obstacle_ended"])
    if "amount" in values:
        values["amount"] = Decimal(values["amount"])
    for name, enum in (("channel", Channel), ("capacity", Capacity), ("party_role", PartyRole)):
        if name in values:
            values[name] = enum(values[name])
    values["attachments"] = tuple(Attachment(**a) for a in values.get("attachments", ()))
    return Event(EventKind(kind), **values)
