"""Blocks every letter shares: addressee, payment, contact, signature, receipt slip."""

from __future__ import annotations

from templatekit.blocks import (
    Block,
    Column,
    For,
    Heading,
    If,
    KeepTogether,
    KeyValueTable,
    Line,
    PageBreak,
    Para,
    Right,
    Signature,
    Small,
    Spacer,
    Title,
)


def header(title: str = "{{ title }}", addressee: str = "{{ debtor_name }}") -> tuple[Block, ...]:
    """Title, letter number and addressee (``addressee`` may add e.g. the owner's unit)."""
    return (
        Title(title),
        Right("{{ letter_no }}"),
        Line(f"**致：{addressee}**"),
        Line("地址：{{ debtor_address }}"),
        If("debtor_attention", (Line("收件人：{{ debtor_attention }}"),)),
        Spacer(),
    )


PAYEE_ACCOUNT: tuple[Block, ...] = (
    If(
        "has_payee",
        (
            Line("　　户　名：{{ payee_name }}"),
            Line("　　开户行：{{ payee_bank }}"),
            Line("　　账　号：{{ payee_account }}"),
        ),
    ),
)


def contact(who: str = "creditor") -> tuple[Block, ...]:
    """The contact lines; ``who`` only changes the wording of the lead-in.

    The address has a line of its own, so that a long one does not wrap
    mid-word after the phone number.
    """
    del who
    return (
        Para(
            "联系人：{{ contact_person }}{% if contact_phone %}　联系电话：{{ contact_phone }}{% endif %}"
        ),
        If("creditor_address", (Para("联系地址：{{ creditor_address }}"),)),
    )


def signature(
    issuer: str = "{{ creditor_name }}",
    closing: str | None = None,
    lines: tuple[str, ...] | None = None,
) -> tuple[Block, ...]:
    """The closing line (特此函告。), the issuer, a seal area and the date, kept
    on one page so that the signature never stands alone on the last page.
    ``lines`` replaces the default issuer / （盖章） / date lines."""
    lead: tuple[Block, ...] = (Para(closing),) if closing else ()
    # A natural person signs; an organisation seals.
    seal = "{% if creditor_term == '本人' %}（签名）{% else %}（盖章）{% endif %}"
    return (
        KeepTogether((*lead, Spacer(), Signature(lines or (issuer, seal, "{{ issue_date }}")))),
    )


# Two lines, so that no box is split from its word: who may sign for an
# organisation, and who for a natural person (诉讼时效规定 Art. 8).
CAPACITIES = (
    "单位：□法定代表人　□主要负责人　□收发部门　□授权人\n个人：□本人　□同住成年亲属　□授权人"
)


def receipt_slip(return_to: str = "{{ creditor_name }}") -> tuple[Block, ...]:
    """送达回执: one slip per party (borrower and each guarantor for loan notices).

    The slip records who signed and in what capacity: 诉讼时效规定 Art. 8 lets a
    company's 法定代表人, 主要负责人, mail room (收发部门) or an authorised person
    sign, and for a natural person the person, a co-resident adult relative or
    an authorised person. ``return_to`` is who the signed slip goes back to
    (the law firm for a 律师函).
    """
    return (
        For(
            "party in receipt_parties",
            (
                PageBreak(),
                Title("送 达 回 执"),
                KeyValueTable(
                    (
                        ("文书名称", "{{ title }}"),
                        ("函　　号", "{{ letter_no }}"),
                        ("受送达人", "{{ party.name }}（{{ party.role }}）"),
                        ("送达地址", "{{ party.address }}"),
                        ("签收人姓名", ""),
                        ("签收人身份", CAPACITIES),
                        ("签名/盖章/捺印", ""),
                        ("签收日期", "　　　　年　　月　　日"),
                        ("备　　注", ""),
                    ),
                    label_width_cm=3.5,
                    value_width_cm=12.1,
                    tall_rows=(4, 6, 8),
                ),
                Small(
                    "说明：受送达人签收后，请在本回执上签名（或盖章、捺印），写明签收人身份和签收日期，"
                    "并将本回执交回或寄回" + return_to + "。本回执与《{{ title }}》"
                    "（函号{{ letter_no }}，验证码{{ verification_code }}）对应。"
                ),
            ),
        ),
    )


# The total of each amount column, by the cell that column shows per line.
_COLUMN_TOTALS = {
    "{{ item.amount_due }}": "{{ total_amount_due }}",
    "{{ item.amount_paid }}": "{{ total_amount_paid }}",
    "{{ item.outstanding }}": "{{ total_outstanding }}",
    "{{ item.late_fee }}": "{{ total_late_fee }}",
}


ITEM_WITH_PERIOD = "{{ item.item_name }}{% if item.period %}（{{ item.period }}）{% endif %}"


def late_fee_columns(
    item: Column,
    *,
    formula_width_cm: float = 8.0,
    fee_header: str = "违约金（元）",
    fee_width_cm: float = 2.5,
) -> tuple[Column, ...]:
    """The late-fee table every kind prints: 序号 (matching the amount table above),
    the line, days overdue, the printed formula and the fee."""
    return (
        Column("序号", "{{ item.index }}", "center", 1.0),
        item,
        Column("逾期\n天数", "{{ item.days_overdue }}", "center", 1.3),
        Column("计算方式", "{{ item.late_fee_formula }}", "left", formula_width_cm),
        Column(fee_header, "{{ item.late_fee }}", "right", fee_width_cm),
    )


def totals_row(columns: tuple[Column, ...]) -> tuple[str, ...]:
    """The 合计 row of an amount table: the label under the second column, and the
    total under every amount column (so a table's totals cannot be misplaced)."""
    return tuple(
        "合计" if position == 1 else _COLUMN_TOTALS.get(column.cell, "")
        for position, column in enumerate(columns)
    )


def section(text: str) -> Heading:
    return Heading(text)


__all__ = [
    "CAPACITIES",
    "PAYEE_ACCOUNT",
    "contact",
    "header",
    "receipt_slip",
    "section",
    "signature",
]
