"""Helpers for the evidence-log tests: letters issued into a registry the way
`letters render` does it (reserve, then record_issue with real files)."""

from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path

from helpers import goods_case
from letters.evidence.events import Attachment, Capacity, Event, EventKind
from letters.evidence.registry import FileRecord, Registry


def issue_letter(
    registry: Registry,
    folder: Path,
    case_id: str = "C1",
    *,
    issue_date: date = date(2026, 9, 24),
    debtor_name: str = "杭州临平华信电子科技有限公司",
) -> str:
    """Reserve a number for a case and record its issue with two real files."""
    case = goods_case(case_id=case_id, debtor_name=debtor_name, issue_date=issue_date)
    letter_no = registry.reserve(
        case=case,
        template_id="goods-payment",
        template_sha256="t" * 64,
        prefix="催",
        year=issue_date.year,
        format_letter_no=lambda seq: f"催〔{issue_date.year}〕第{seq:04d}号",
        debtor_name=debtor_name,
        issue_date=issue_date.isoformat(),
    ).letter_no
    records = {}
    for fmt in ("docx", "pdf"):
        path = folder / f"{case_id}_goods-payment.{fmt}"
        folder.mkdir(parents=True, exist_ok=True)
        content = f"{fmt} of {letter_no} for {case_id}".encode()
        path.write_bytes(content)
        records[fmt] = FileRecord(fmt, str(path), hashlib.sha256(content).hexdigest(), len(content))
    registry.record_issue(letter_no, records, {"verification_code": "TEST"})
    return letter_no


def payment(case_id: str, remark: str, day: int = 1) -> Event:
    """A small case-level event, easy to tell apart by its remark."""
    return Event(EventKind.PAYMENT, date(2026, 10, day), case_id=case_id, remark=remark)


def record_signed_receipt(registry: Registry, letter_no: str, scan: bytes, name: str) -> int:
    """Store a scan and log the receipt 张三 of the mail room signed on 2026-09-28."""
    digest = registry.files.put(scan)
    return registry.append_event(
        Event(
            EventKind.SIGNED,
            date(2026, 9, 28),
            letter_no=letter_no,
            signer="张三",
            capacity=Capacity.MAIL_ROOM,
            signed=True,
            attachments=(Attachment(digest, name, len(scan), "image/jpeg"),),
        )
    )
