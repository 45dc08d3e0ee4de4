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

from letters.evidence.events import Event, EventKind
from letters.evidence.registry import Registry
from letters.rules.clock import IssuedLetter


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
    """Events grouped by case; a correction goes with the case of the entry it corrects."""
    listed = list(events)
    case_of = {index: event.case_id for index, event in listed}
    grouped: dict[str, list[tuple[int, Event]]] = {}
    for index, event in listed:
        case_id = event.case_id
        if case_id is None and event.kind is EventKind.CORRECTION and event.corrects is not None:
            case_id = case_of.get(event.corrects)
        if case_id is not None:
            grouped.setdefault(case_id, []).append((index, event))
    return grouped


def case_histories(registry: Registry, case_id: str | None = None) -> list[CaseHistory]:
    """Every case with at least one letter (or only ``case_id``), in case-id order."""
    letters_by_case: dict[str, list[dict[str, Any]]] = {}
    for letter in registry.letters(case_id):
        letters_by_case.setdefault(letter["case_id"], []).append(letter)
    events = _events_by_case(registry.events())
    histories = []
    for cid in sorted(letters_by_case):
        records = letters_by_case[cid]
        # The newest letter carries the latest case data the creditor gave us.
        newest = max(records, key=lambda r: (r["issue_date"], r["reserved_at"]))
        issued = []
        for record in records:
            if record["status"] != "issued":
                continue  # numbered but never written: nothing was sent
            issued.append(
                IssuedLetter(
                    record["letter_no"],
                    date.fromisoformat(record["issue_date"]),
                    min(f["entry_idx"] for f in record["files"]),
                    addressees(registry.case_data(record["letter_no"])),
                )
            )
        histories.append(
            CaseHistory(
                cid,
                registry.case_data(newest["letter_no"]),
                tuple(issued),
                tuple(events.get(cid, ())),
            )
        )
    return histories
