"""What the registry knows about a case, in the form the limitation engine
reads: the canonical data of its newest letter, its issued letters (with their
addressees) and its logged events.

Only the registry's public read methods are used, so the storage behind them
may change freely.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from letters.evidence.events import Event
from letters.evidence.registry import Registry
from letters.rules.assessment import IssuedLetter


@dataclass(frozen=True)
class CaseHistory:
    case_id: str
    case_data: Mapping[str, Any]
    letters: tuple[IssuedLetter, ...]
    events: tuple[tuple[int, Event], ...]


def addressees(case_data: Mapping[str, Any]) -> frozenset[str]:
    """Who a letter was addressed to: the debtor, and every guarantor it names
    (the overdue notice carries a receipt slip for each)."""
    names = {str(case_data["values"]["debtor_name"])}
    names.update(str(g["guarantor_name"]) for g in case_data.get("guarantors", ()))
    return frozenset(names)


def _events_by_case(events: Iterable[tuple[int, Event]]) -> dict[str, list[tuple[int, Event]]]:
    """Events grouped by the case the log filed them under (a correction is filed
    under the letter or case it names, like any event)."""
    grouped: dict[str, list[tuple[int, Event]]] = {}
    for index, event in events:
        if event.case_id is not None:
            grouped.setdefault(event.case_id, []).append((index, event))
    return grouped


def _history(
    registry: Registry,
    case_id: str,
    records: list[dict[str, Any]],
    events: Iterable[tuple[int, Event]],
) -> CaseHistory:
    # The newest letter carries the latest case data the creditor gave us.
    newest = max(records, key=lambda r: (r["issue_date"], r["reserved_at"]))
    issued = [
        IssuedLetter(
            record["letter_no"],
            date.fromisoformat(record["issue_date"]),
            min(f["entry_idx"] for f in record["files"]),
            addressees(registry.case_data(record["letter_no"])),
        )
        for record in records
        if record["status"] == "issued"  # a number reserved but never written sent nothing
    ]
    return CaseHistory(
        case_id, registry.case_data(newest["letter_no"]), tuple(issued), tuple(events)
    )


def case_history(registry: Registry, case_id: str) -> CaseHistory | None:
    """One case, or None when no letter was ever numbered for it."""
    records = registry.letters(case_id)
    if not records:
        return None
    return _history(registry, case_id, records, registry.events(case_id=case_id))


def case_histories(registry: Registry) -> list[CaseHistory]:
    """Every case with at least one letter, in case-id order (one pass over the log)."""
    letters_by_case: dict[str, list[dict[str, Any]]] = {}
    for letter in registry.letters():
        letters_by_case.setdefault(letter["case_id"], []).append(letter)
    events = _events_by_case(registry.events())
    return [
        _history(registry, case_id, letters_by_case[case_id], events.get(case_id, ()))
        for case_id in sorted(letters_by_case)
    ]
