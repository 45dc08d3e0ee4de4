"""What the limitation engine reads from the registry: the newest case data,
issued letters with their addressees, and the events filed under the case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers import goods_case
from letters.evidence.events import Capacity, Event, EventKind
from letters.evidence.history import case_histories, case_history
from letters.evidence.registry import FileRecord, Registry
from letters.model import Case


def issue(registry: Registry, case: Case, issue_date: str, *, write: bool = True) -> str:
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


def test_history_of_a_case(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        first = issue(registry, goods_case(), "2026-09-24")
        second = issue(
            registry,
            goods_case(issue_date=date(2026, 10, 9), debtor_address="新地址"),
            "2026-10-09",
        )
        issue(registry, goods_case(debtor_address="又一个地址"), "2026-10-10", write=False)
        issue(registry, goods_case(case_id="C2"), "2026-09-24")
        signed = registry.append_event(
            Event(
                EventKind.SIGNED,
                date(2026, 9, 28),
                letter_no=first,
                signer="张三",
                capacity=Capacity.MAIL_ROOM,
            )
        )
        one = case_history(registry, "C1")
        every = case_histories(registry)
        assert case_history(registry, "C9") is None
    assert one is not None
    assert [h.case_id for h in every] == ["C1", "C2"]
    assert every[0] == one
    # The reserved-but-never-written letter is not a letter that was sent, but its
    # data (newest) is what the creditor last gave.
    assert [(x.letter_no, x.issue_date) for x in one.letters] == [
        (first, date(2026, 9, 24)),
        (second, date(2026, 10, 9)),
    ]
    assert one.case_data["values"]["debtor_address"] == "又一个地址"
    assert one.letters[0].addressees == frozenset({"杭州临平华信电子科技有限公司"})
    assert [index for index, _ in one.events] == [signed]
    assert every[1].events == ()
