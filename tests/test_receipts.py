"""The rules for recorded events (pure): which make sense, with which fields."""

from __future__ import annotations

import dataclasses
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from letters.errors import Location, Severity
from letters.evidence.events import Capacity, Channel, Event, EventKind
from letters.evidence.receipts import (
    EarlierEvent,
    LetterFacts,
    build_event,
    check_event,
    check_fields,
    receipt_schema,
    same_event,
)
from letters.evidence.recording import draft_from_cells

TODAY = date(2026, 11, 22)
COMPANY = LetterFacts(
    "催〔2026〕第0001号", "C1", date(2026, 11, 10), "杭州临平华信电子科技有限公司"
)
PERSON = LetterFacts("催〔2026〕第0002号", "C2", date(2026, 11, 10), "张三")
DISPATCHED = EarlierEvent(
    5,
    Event(
        EventKind.DISPATCHED,
        date(2026, 11, 12),
        letter_no=COMPANY.letter_no,
        channel=Channel.EMS,
        waybill="1180123456789",
    ),
)


def event(kind: EventKind, day: date = date(2026, 11, 15), **fields: object) -> Event:
    return Event(kind, day, letter_no=COMPANY.letter_no, **fields)  # type: ignore[arg-type]


def messages(found: list, severity: Severity | None = None) -> list[tuple[str | None, str]]:  # type: ignore[type-arg]
    return [(p.field, p.message) for p in found if severity is None or p.severity is severity]


RULES = [
    (
        "signature before the letter was issued",
        event(
            EventKind.SIGNED,
            date(2026, 11, 9),
            signer="张三",
            capacity=Capacity.MAIL_ROOM,
            signed=True,
        ),
        COMPANY,
        [DISPATCHED],
        [
            (
                "date",
                "the signature date 2026-11-09 is before letter 催〔2026〕第0001号 was issued (2026-11-10)",
            ),
            (
                "date",
                "the signature date 2026-11-09 is before letter 催〔2026〕第0001号 was dispatched on 2026-11-12 (entry 5)",
            ),
        ],
    ),
    (
        "an event in the future",
        event(EventKind.DELIVERED, date(2026, 11, 23)),
        COMPANY,
        [DISPATCHED],
        [("date", "the delivery date 2026-11-23 is after today (2026-11-22)")],
    ),
    (
        "a letter event without a letter",
        Event(EventKind.REFUSED, date(2026, 11, 15), case_id="C1", at_registered_address=True),
        None,
        [],
        [("letter_no", "a refused event concerns a letter: name it by its number or its waybill")],
    ),
    (
        "EMS dispatch without a waybill",
        event(EventKind.DISPATCHED, channel=Channel.EMS, contents="催款函 催〔2026〕第0001号"),
        COMPANY,
        [],
        [("waybill", "a dispatch by ems needs its waybill number")],
    ),
    (
        "newspaper is not a dispatch",
        event(EventKind.DISPATCHED, channel=Channel.NEWSPAPER),
        COMPANY,
        [],
        [("channel", "a newspaper notice is an announcement, not a dispatch")],
    ),
    (
        "a waybill used for another letter",
        event(
            EventKind.DISPATCHED,
            channel=Channel.EMS,
            waybill="1180123456789",
            contents="催〔2026〕第0001号",
        ),
        COMPANY,
        [],
        [("waybill", "waybill 1180123456789 is already recorded for letter 催〔2026〕第0009号")],
    ),
    (
        "a receipt neither signed, sealed nor fingerprinted",
        event(EventKind.SIGNED, signer="张三", capacity=Capacity.MAIL_ROOM),
        COMPANY,
        [DISPATCHED],
        [("signed", "a receipt with neither signature, seal nor fingerprint is not signed")],
    ),
    (
        "a payment of nothing",
        Event(EventKind.PAYMENT, date(2026, 11, 15), case_id="C1", amount=Decimal("0.00")),
        None,
        [],
        [("amount", "a payment must be more than 0.00")],
    ),
    (
        "a correction of an entry that is not there",
        Event(EventKind.CORRECTION, date(2026, 11, 15), case_id="C1", corrects=40, remark="x"),
        None,
        [],
        [("corrects", "there is no entry 40 to correct (the log has 12)")],
    ),
    (
        "a correction of another letter's entry",
        event(EventKind.CORRECTION, corrects=3, remark="x"),
        COMPANY,
        [],
        [("corrects", "entry 3 is about letter 催〔2026〕第0007号, not 催〔2026〕第0001号")],
    ),
    (
        "a sensible signed receipt",
        event(
            EventKind.SIGNED, signer="张三", capacity=Capacity.MAIL_ROOM, signed=True, sealed=True
        ),
        COMPANY,
        [DISPATCHED],
        [],
    ),
]


@pytest.mark.parametrize(
    ("name", "recorded", "letter", "earlier", "errors"), RULES, ids=[r[0] for r in RULES]
)
def test_event_rules(
    name: str, recorded: Event, letter: LetterFacts | None, earlier: list, errors: list
) -> None:  # type: ignore[type-arg]
    corrected = {3: ("催〔2026〕第0007号", "C7")}.get(recorded.corrects or -1)
    found = check_event(
        recorded,
        letter,
        today=TODAY,
        earlier=earlier,
        log_size=12,
        corrected=corrected,
        waybill_letters=["催〔2026〕第0009号"] if recorded.waybill else [],
    )
    assert messages(found, Severity.ERROR) == errors


WARNINGS = [
    (
        "no dispatch recorded before a delivery",
        event(EventKind.DELIVERED),
        COMPANY,
        [],
        [
            (
                None,
                "no dispatch of letter 催〔2026〕第0001号 is recorded: record how it was sent (channel, waybill, 内件品名), courts ask for it",
            )
        ],
    ),
    (
        "内件品名 missing the letter number",
        event(EventKind.DISPATCHED, channel=Channel.EMS, waybill="1", contents="催款函"),
        COMPANY,
        [],
        [("contents", "内件品名 does not name the letter number 催〔2026〕第0001号")],
    ),
    (
        "a mail room signing for a person",
        Event(
            EventKind.SIGNED,
            date(2026, 11, 15),
            letter_no=PERSON.letter_no,
            signer="李四",
            capacity=Capacity.MAIL_ROOM,
            signed=True,
            channel=Channel.IN_PERSON,
        ),
        PERSON,
        [],
        [("capacity", "张三 is a person; capacity 收发部门 is for an organisation")],
    ),
    (
        "本人 for a company",
        event(EventKind.SIGNED, signer="王五", capacity=Capacity.SELF, signed=True),
        COMPANY,
        [DISPATCHED],
        [
            (
                "capacity",
                "杭州临平华信电子科技有限公司 is an organisation; capacity 本人 is for a person",
            )
        ],
    ),
    (
        "a refusal without saying where",
        event(EventKind.REFUSED),
        COMPANY,
        [DISPATCHED],
        [
            (
                "at_registered_address",
                "say whether the letter was refused at the debtor's unchanged registered address: "
                "only then does a refusal count as delivery",
            )
        ],
    ),
    (
        "an announcement for a debtor who can be found",
        Event(EventKind.ANNOUNCEMENT, date(2026, 11, 15), case_id="C1", channel=Channel.NEWSPAPER),
        None,
        [],
        [
            (
                "whereabouts_unknown",
                "an announcement interrupts the limitation period only when the debtor is "
                "genuinely 下落不明 (诉讼时效规定 Art. 8)",
            )
        ],
    ),
]


@pytest.mark.parametrize(
    ("name", "recorded", "letter", "earlier", "warnings"), WARNINGS, ids=[w[0] for w in WARNINGS]
)
def test_event_warnings(
    name: str, recorded: Event, letter: LetterFacts | None, earlier: list, warnings: list
) -> None:  # type: ignore[type-arg]
    found = check_event(recorded, letter, today=TODAY, earlier=earlier)
    assert messages(found, Severity.WARNING) == warnings
    assert messages(found, Severity.ERROR) == []


@pytest.mark.parametrize(
    ("kind", "given", "expected"),
    [
        (
            EventKind.SIGNED,
            ["date"],
            ["a signed event needs signer (签收人)", "a signed event needs capacity (签收人身份)"],
        ),
        (
            EventKind.PAYMENT,
            ["date", "amount", "signer"],
            ["signer (签收人) does not apply to a payment event"],
        ),
        (
            EventKind.DISPATCHED,
            ["date", "court"],
            [
                "court (受理机构) does not apply to a dispatched event",
                "a dispatched event needs channel (寄送方式)",
            ],
        ),
        (EventKind.RETURNED, ["date", "waybill"], ["a returned event needs reason (原因)"]),
        (EventKind.LAWSUIT_FILED, ["date", "court", "amount", "remark"], []),
        (EventKind.CORRECTION, ["date", "corrects"], ["a correction event needs remark (备注)"]),
        (EventKind.DELIVERED, ["date", "signer", "capacity", "sealed", "waybill", "scan"], []),
    ],
)
def test_fields_that_apply_and_fields_required(
    kind: EventKind, given: list[str], expected: list[str]
) -> None:
    assert [p.message for p in check_fields(kind, given)] == expected


def test_a_signed_receipt_is_a_signature_unless_it_says_otherwise() -> None:
    values: dict[str, object] = {"date": date(2026, 11, 25), "signer": "张三"}
    assert build_event(EventKind.SIGNED, values, letter_no="A", case_id=None).signed
    sealed_only = build_event(
        EventKind.SIGNED, {**values, "sealed": True}, letter_no="A", case_id=None
    )
    assert (sealed_only.signed, sealed_only.sealed) == (False, True)
    assert not build_event(EventKind.DELIVERED, values, letter_no="A", case_id=None).signed


def test_chinese_cells_become_an_event(tmp_path: Path) -> None:
    where = Location("ems.csv", 2)
    cells = {
        "waybill": ("1180123456789", where.with_column("邮件号")),
        "event": ("妥投", where.with_column("投递状态")),
        "date": ("2026年11月25日", where.with_column("投递日期")),
        "signer": ("张三", where.with_column("签收人")),
        "capacity": ("收发室", where.with_column("签收人身份")),
        "sealed": ("是", where.with_column("盖章")),
        "scan": ("scans/a.jpg；scans/b.png", where.with_column("扫描件")),
    }
    draft, problems = draft_from_cells(cells, where, tmp_path)
    assert problems == []
    assert draft.values == {
        "waybill": "1180123456789",
        "event": "delivered",
        "date": date(2026, 11, 25),
        "signer": "张三",
        "capacity": "收发部门",
        "sealed": True,
    }
    assert [p for p, _ in draft.files] == [tmp_path / "scans/a.jpg", tmp_path / "scans/b.png"]


def test_bad_cells_are_reported_with_their_column(tmp_path: Path) -> None:
    where = Location("ems.csv", 4)
    cells = {
        "letter_no": ("催〔2026〕第0001号", where.with_column("函号")),
        "event": ("丢了", where.with_column("事件")),
        "amount": ("1.2万", where.with_column("金额")),
        "capacity": ("门卫", where.with_column("签收人身份")),
    }
    _, problems = draft_from_cells(cells, where, tmp_path)
    assert [(str(p.location), p.message) for p in problems] == [
        (
            'ems.csv, row 4, column "事件"',
            '"丢了" is not one of: dispatched, delivered, signed, refused, returned, announcement, payment, acknowledged, lawsuit-filed, correction, account-debited, obstacle',
        ),
        ('ems.csv, row 4, column "金额"', '"1.2万" is not an amount in yuan'),
        (
            'ems.csv, row 4, column "签收人身份"',
            '"门卫" is not one of: 法定代表人, 主要负责人, 收发部门, 授权人, 本人, 同住亲属',
        ),
        ('ems.csv, row 4, column "日期"', "date (日期) is required"),
    ]


def test_every_event_kind_but_letter_issued_has_rules_and_a_spelling() -> None:
    from letters.evidence.receipts import APPLICABLE

    recordable = set(EventKind) - {EventKind.LETTER_ISSUED}
    assert set(APPLICABLE) == recordable
    assert set(receipt_schema().field("event").choices) == {k.value for k in recordable}
    assert set(receipt_schema().field("capacity").choices) == {c.value for c in Capacity}
    assert set(receipt_schema().field("channel").choices) == {c.value for c in Channel}


def test_the_same_fact_twice() -> None:
    first = event(EventKind.DELIVERED, waybill="1")
    assert same_event(first, dataclasses.replace(first, case_id="C1"))  # filled in from the letter
    assert not same_event(first, event(EventKind.DELIVERED, waybill="2"))
