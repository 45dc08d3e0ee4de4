"""Blocks every letter shares: addressee, payment, contact, signature, receipt slip."""

from __future__ import annotations

from templatekit.blocks import (
    Block,
    For,
    Heading,
    If,
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


def header(title: str = "{{ title }}") -> tuple[Block, ...]:
    """Title, letter number and addressee."""
    return (
        Title(title),
        Right("{{ letter_no }}"),
        Line("**致：{{ debtor_name }}**"),
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
    """The contact line; ``who`` only changes the wording of the lead-in."""
    del who
    return (
        Para(
            "联系人：{{ contact_person }}"
            "{% if contact_phone %}　联系电话：{{ contact_phone }}{% endif %}"
            "{% if creditor_address %}　地址：{{ creditor_address }}{% endif %}"
        ),
    )


def signature(issuer: str = "{{ creditor_name }}") -> tuple[Block, ...]:
    return (
        Spacer(),
        Signature((issuer, "（盖章）", "{{ issue_date }}")),
    )


CAPACITIES = "□法定代表人　□主要负责人　□收发部门　□授权人　□本人　□同住成年亲属"


def receipt_slip() -> tuple[Block, ...]:
    """送达回执: one slip per party (borrower and each guarantor for loan notices).

    The slip records who signed and in what capacity: 诉讼时效规定 Art. 8 lets a
    company's 法定代表人, 主要负责人, mail room (收发部门) or an authorised person
    sign, and for a natural person the person, a co-resident adult relative or
    an authorised person.
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
                    tall_rows=(4, 6, 8),
                ),
                Small(
                    "说明：受送达人签收后，请在本回执上签名（或盖章、捺印），写明签收人身份和签收日期，"
                    "并将本回执交回或寄回{{ creditor_name }}。本回执与《{{ title }}》"
                    "（函号{{ letter_no }}，验证码{{ verification_code }}）对应。"
                ),
            ),
        ),
    )


def section(text: str) -> Heading:
    return Heading(text)


__all__ = ["CAPACITIES", "PAYEE_ACCOUNT", "contact", "header", "receipt_slip", "section", "signature"]
