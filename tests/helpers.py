"""Helpers shared by the tests: paths, a fixed calendar, case builders."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

from letters.calendar import FixedCalendar
from letters.model import Case
from letters.templates.registry import TemplateRegistry, TemplateSpec

REPO = Path(__file__).resolve().parents[1]
SAMPLES = REPO / "samples"
KINDS = ("goods-payment", "rent", "legal-demand", "overdue-notice", "property-fee")


def template(template_id: str) -> TemplateSpec:
    return TemplateRegistry().get(template_id)


def fixed_calendar(
    *years: int, holidays: tuple[date, ...] = (), workdays: tuple[date, ...] = ()
) -> FixedCalendar:
    return FixedCalendar(frozenset(years), frozenset(holidays), frozenset(workdays))


def goods_case(**overrides: object) -> Case:
    """A valid goods-payment case; amounts checked by hand in the tests that use it."""
    values: dict[str, object] = {
        "case_id": "C1",
        "issue_date": date(2026, 9, 24),
        "creditor_name": "上海申江机电设备有限公司",
        "contact_person": "王晓明",
        "contact_phone": "021-58881234",
        "debtor_name": "杭州临平华信电子科技有限公司",
        "debtor_address": "浙江省杭州市临平区南苑街道世纪大道1号",
        "contract_name": "工业设备买卖合同",
        "goods_description": "数控加工中心",
        "deadline_days": 7,
        "late_fee_basis": 365,
    }
    items = overrides.pop(
        "items",
        (
            {
                "item_name": "货款",
                "due_date": date(2026, 6, 30),
                "amount_due": Decimal("107000.53"),
                "amount_paid": Decimal("0.00"),
            },
            {
                "item_name": "货款",
                "due_date": date(2026, 7, 31),
                "amount_due": Decimal("16409.02"),
                "amount_paid": Decimal("6409.02"),
            },
        ),
    )
    values.update(overrides)
    return Case(str(values["case_id"]), values, tuple(items))  # type: ignore[arg-type]


def sample_files(kind: str) -> list[Path]:
    """The bundled sample files of one template (name starts with the id + '.' or '_')."""
    return sorted(
        p for p in SAMPLES.iterdir() if p.is_file() and p.name.startswith((kind + ".", kind + "_"))
    )


def sample_cases(kind: str, today: date = date(2026, 11, 22)) -> list[Case]:
    from letters.cases.load import read_rows
    from letters.cases.validate import build_cases

    spec = template(kind)
    cases: list[Case] = []
    for path in sample_files(kind):
        rows, problems = read_rows(path, spec.schema)
        result = build_cases(rows, spec.schema, today=today, file_problems=problems)
        assert not result.errors, [str(p) for p in result.errors]
        cases.extend(result.cases)
    return cases


def docx_text(data: bytes) -> str:
    """All text of a DOCX (body paragraphs, tables, footers) via python-docx."""
    from letters.render.docx import docx_text as text

    return text(data)


def pdf_text(data: bytes) -> str:
    import io

    from pypdf import PdfReader

    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def squash(text: str) -> str:
    """Text without any whitespace, for comparing across line breaks."""
    return "".join(text.split())
