"""What the limitation engine reads from the registry: the newest case data,
issued letters with their addressees, and the events filed under the case."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from helpers import goods_case
from letters.evidence.events import Capacity, Event, EventKind
from letters.evidence.history import case_histories, case_history
from letters.evidence.registry import Registry
from limitation_cases import issue_letter


def test_history_of_a_case(tmp_path: Path) -> None:
    with Registry(tmp_path / "letters.db") as registry:
        first = issue_letter(registry, goods_case(), "2026-09-24")
        second = issue_letter(
            registry,
            goods_case(issue_date=date(2026, 10, 9), debtor_address="新地址"),
            "2026-10-09",
        )
        issue_letter(registry, goods_case(debtor_address="又一个地址"), "2026-10-10", write=False)
        issue_letter(registry, goods_case(case_id="C2"), "2026-09-24")
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
