"""Money: amounts in words against the PBoC examples, parsing of clerks' amounts."""

from __future__ import annotations

from decimal import Decimal

import pytest

from letters.errors import ValueProblem
from letters.money import amount_in_words, format_amount, parse_amount, round_fen

# Official examples from PBoC 《正确填写票据和结算凭证的基本规定》 (legal-rules.md §3).
PBOC_EXAMPLES = [
    ("1409.50", "人民币壹仟肆佰零玖元伍角"),
    ("6007.14", "人民币陆仟零柒元壹角肆分"),
    ("16409.02", "人民币壹万陆仟肆佰零玖元零贰分"),
    ("325.04", "人民币叁佰贰拾伍元零肆分"),
]

# Worked by hand from the same rules: "整" after 元 when there are no 角/分, one
# 零 for a run of zeros, "零" after 元 when 角 is 0 and 分 is not.
HAND_CHECKED = [
    ("10000", "人民币壹万元整"),
    ("100010.00", "人民币壹拾万零壹拾元整"),
    ("1000000000.01", "人民币壹拾亿元零壹分"),
    ("0.50", "人民币伍角"),
    ("20000.00", "人民币贰万元整"),
    ("121876.55", "人民币壹拾贰万壹仟捌佰柒拾陆元伍角伍分"),
]


@pytest.mark.parametrize(("amount", "words"), PBOC_EXAMPLES + HAND_CHECKED)
def test_amount_in_words(amount: str, words: str) -> None:
    assert amount_in_words(Decimal(amount)) == words


@pytest.mark.parametrize(
    ("amount", "allowed"),
    [
        # Where the 万 or 元 position is 0 the rule allows one 零 or none.
        ("1680.32", {"人民币壹仟陆佰捌拾元叁角贰分", "人民币壹仟陆佰捌拾元零叁角贰分"}),
        (
            "107000.53",
            {
                "人民币壹拾万柒仟元伍角叁分",
                "人民币壹拾万零柒仟元伍角叁分",
                "人民币壹拾万柒仟元零伍角叁分",
                "人民币壹拾万零柒仟元零伍角叁分",
            },
        ),
    ],
)
def test_amount_in_words_optional_zero(amount: str, allowed: set[str]) -> None:
    assert amount_in_words(Decimal(amount)) in allowed


def test_no_zheng_after_fen() -> None:
    assert not amount_in_words(Decimal("6007.14")).endswith("整")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("12345.6", "12345.60"),
        ("12,345.60", "12345.60"),
        ("¥12,345.60", "12345.60"),
        ("￥12345", "12345.00"),
        (" 107000.53 ", "107000.53"),
        ("１２３４５．６０", "12345.60"),  # full-width digits typed by a Chinese IME
        ("1,234,567.89元", "1234567.89"),
        ("0", "0.00"),
        (16409.02, "16409.02"),  # an Excel cell: the float Excel shows as 16409.02
        (0.1 + 0.2, "0.30"),
        (12, "12.00"),
        (Decimal("1680.32"), "1680.32"),
    ],
)
def test_parse_amount_accepts(text: object, expected: str) -> None:
    assert parse_amount(text) == Decimal(expected)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1.2万", '"1.2万" is not an amount in yuan'),
        ("12,34a", '"12,34a" is not an amount in yuan'),
        ("12,34", '"12,34" is not an amount in yuan'),  # misplaced thousands separator
        ("1,2345.00", '"1,2345.00" is not an amount in yuan'),
        ("12.345", '"12.345" has more than two decimal places (fen)'),
        ("-5", '"-5" is negative'),
        ("壹万元", '"壹万元" is not an amount in yuan'),
        ("1e5", '"1e5" is not an amount in yuan'),
        ("", '"" is not an amount in yuan'),
        (1640.9020000000001, '"1640.902" has more than two decimal places (fen)'),
        (True, '"True" is not an amount in yuan'),
    ],
)
def test_parse_amount_rejects(text: object, message: str) -> None:
    with pytest.raises(ValueProblem) as caught:
        parse_amount(text)
    assert caught.value.message == message
    assert caught.value.hint


@pytest.mark.parametrize(
    ("amount", "text"),
    [("0", "0.00"), ("1234567.8", "1,234,567.80"), ("107000.53", "107,000.53"), ("0.005", "0.01")],
)
def test_format_amount(amount: str, text: str) -> None:
    assert format_amount(Decimal(amount)) == text


def test_round_fen_is_half_up() -> None:
    assert round_fen(Decimal("0.125")) == Decimal("0.13")
    assert round_fen(Decimal("0.124999")) == Decimal("0.12")
