"""The mailing list: one row per letter for China Post's EMS bulk upload (批量寄件).

Columns are those of the EMS bulk template that case data can fill: the
recipient (the addressee, or the person named in 收件人 with the addressee as
unit), phone and address; 内件品名 naming the letter and its number (the
courts look for it on the waybill: it ties the mail item to the letter); one
item of documents (文件); the sender from the creditor, or the law firm for a
律师函. 客户单号 is the case id, so the post office's results can be matched
back. Rows follow the input order; the file is streamed (openpyxl write-only)
and appears under its name only when complete.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from letters.parties import is_natural_person
from letters.render.output import commit_temp, temp_path_for
from letters.templates.registry import TemplateSpec

COLUMNS = (
    ("序号", 6),
    ("客户单号", 16),
    ("收件人姓名", 16),
    ("收件人单位", 30),
    ("收件人电话", 16),
    ("收件人地址", 48),
    ("内件品名", 34),
    ("内件数量", 8),
    ("内件类型", 8),
    ("寄件人姓名", 12),
    ("寄件人单位", 30),
    ("寄件人电话", 16),
    ("寄件人地址", 48),
)


def _text(values: Any, name: str) -> str:
    value = values.get(name)
    return "" if value is None else str(value)


def mailing_row(number: int, case: Any, letter_no: str, spec: TemplateSpec) -> list[object]:
    """The row of one letter (``case`` is a validated :class:`~letters.model.Case`)."""
    values = case.values
    debtor = _text(values, "debtor_name")
    attention = _text(values, "debtor_attention")
    person = is_natural_person(debtor, _text(values, "debtor_id_no") or None)
    sender_unit = _text(values, "law_firm_name") or _text(values, "creditor_name")
    sender_address = _text(values, "law_firm_address") or _text(values, "creditor_address")
    return [
        number,
        case.case_id,
        attention or debtor,
        "" if person else debtor,
        _text(values, "debtor_phone"),
        _text(values, "debtor_address"),
        f"{spec.title} {letter_no}",
        1,
        "文件",
        _text(values, "contact_person"),
        sender_unit,
        _text(values, "contact_phone"),
        sender_address,
    ]


class MailingList:
    def __init__(self, path: Path, spec: TemplateSpec) -> None:
        from openpyxl import Workbook

        self.path = path
        self.spec = spec
        self.workbook = Workbook(write_only=True)
        self.sheet = self.workbook.create_sheet("EMS批量寄件")
        for index, (_, width) in enumerate(COLUMNS):
            letter = chr(ord("A") + index)
            self.sheet.column_dimensions[letter].width = width
        self.sheet.freeze_panes = "A2"
        self.sheet.append([name for name, _ in COLUMNS])
        self.rows = 0
        self.without_phone: list[str] = []

    def add(self, case: object, outcome: Any) -> None:
        if outcome.status != "rendered":
            return
        self.rows += 1
        row = mailing_row(self.rows, case, outcome.letter_no, self.spec)
        if not row[4]:
            self.without_phone.append(outcome.case_id)
        self.sheet.append(row)

    def close(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        temp = temp_path_for(self.path)
        try:
            self.workbook.save(temp)
            with temp.open("rb+") as handle:
                os.fsync(handle.fileno())
            commit_temp(temp, self.path)
        finally:
            temp.unlink(missing_ok=True)

    def abort(self) -> None:
        with contextlib.suppress(Exception):  # a write-only workbook must be saved to be freed
            self.workbook.close()
