"""The mailing list: one row per letter for China Post's EMS bulk upload (批量寄件).

Columns are those of the EMS bulk template that case data can fill: the
recipient (the addressee, or the person named in 收件人 with the addressee as
unit; then each guarantor on a row of its own), phone and address; 内件品名 naming the letter and its number (the
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


def mailing_rows(first: int, case: Any, letter_no: str, spec: TemplateSpec) -> list[list[object]]:
    """The rows of one letter, numbered from ``first``: one for the addressee and
    one for each guarantor. A 逾期催收通知书 is a demand on every guarantor too,
    and a 连带责任保证 guarantee lapses unless the demand reaches the guarantor
    within the guarantee period (民法典 Art. 693): each needs an envelope of
    their own. ``case`` is a validated :class:`~letters.model.Case`."""
    values = case.values
    sender_unit = _text(values, "law_firm_name") or _text(values, "creditor_name")
    sender_address = _text(values, "law_firm_address") or _text(values, "creditor_address")
    sender = [
        _text(values, "contact_person"),
        sender_unit,
        _text(values, "contact_phone"),
        sender_address,
    ]
    contents = f"{spec.title} {letter_no}"
    debtor = _text(values, "debtor_name")
    attention = _text(values, "debtor_attention")
    person = is_natural_person(debtor, _text(values, "debtor_id_no") or None)
    recipients = [
        (
            attention or debtor,
            "" if person else debtor,
            _text(values, "debtor_phone"),
            _text(values, "debtor_address"),
        )
    ]
    for guarantor in case.guarantors:
        name = _text(guarantor, "guarantor_name")
        own = is_natural_person(name, _text(guarantor, "guarantor_id_no") or None)
        recipients.append(
            (
                name,
                "" if own else name,
                _text(guarantor, "guarantor_phone"),
                _text(guarantor, "guarantor_address"),
            )
        )
    return [
        [first + offset, case.case_id, *recipient, contents, 1, "文件", *sender]
        for offset, recipient in enumerate(recipients)
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
        for row in mailing_rows(self.rows + 1, case, outcome.letter_no, self.spec):
            self.rows += 1
            if not row[4]:
                self.without_phone.append(f"{outcome.case_id} {row[2]}")
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
        # A write-only sheet streams through a generator that must be closed, or its
        # clean-up fails noisily when it is collected after an interrupted batch.
        with contextlib.suppress(Exception):
            self.sheet.close()
        with contextlib.suppress(Exception):
            self.workbook.close()
